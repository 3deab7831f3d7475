// Streaming dispatches, whose every unit reads a tile of each input (or of one of several) and
// writes one tile: their tile loop form (what tt-lower-graph-to-grid emits) and their kernels
// (what tt-lower-grid-to-kernels makes of it).
#include "tessel/Conversion/DispatchBuilder.h"
#include "tessel/Transforms/TileLoopFusion.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

static tile::TileType tileOf(MLIRContext *ctx, tile::DataFormat format) {
  return tile::TileType::get(ctx, 32, 32, format);
}

void TileMapping::read(AffineExpr tile, bool firstRow) {
  TileRead r;
  r.inputs = {nextInput++};
  r.tiles = {tile};
  r.firstRow = firstRow;
  reads.push_back(std::move(r));
}

void TileMapping::gather(const TileGather &g) {
  TileRead read;
  read.inputs = {nextInput++};
  read.gather = g;
  reads.push_back(std::move(read));
}

void TileMapping::gatherRows(AffineExpr indicesTile, AffineExpr column, int64_t count) {
  TileRead r;
  r.inputs = {nextInput, nextInput + 1};
  nextInput += 2;
  r.tiles = {indicesTile, column};
  r.rowCount = count;
  reads.push_back(std::move(r));
}

void TileMapping::pick(ArrayRef<AffineExpr> flags, ArrayRef<AffineExpr> tiles) {
  TileRead r;
  for (size_t k = 0; k < tiles.size(); ++k)
    r.inputs.push_back(nextInput++);
  r.tiles.assign(tiles.begin(), tiles.end());
  r.flags.assign(flags.begin(), flags.end());
  reads.push_back(std::move(r));
}

void tessel::lowering::buildTileLoop(DispatchBuilder &db, const TileMapping &mapping,
                                     tile::DataFormat outputFormat, TileMath math) {
  OpBuilder &b = db.builder();
  MLIRContext *ctx = db.context();
  Location loc = db.location();
  auto mapOf = [&](ArrayRef<AffineExpr> exprs) {
    return AffineMapAttr::get(AffineMap::get(1, 0, exprs, ctx));
  };
  db.tileLoop();
  db.loop(db.split().perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    SmallVector<Value> tiles;
    for (const TileRead &r : mapping.reads) {
      Value input = db.input(r.inputs.front());
      tile::TileType type = tileOf(ctx, formatOf(input));
      if (const std::optional<TileGather> &g = r.gather) {
        tiles.push_back(db.gather(input, unit, *g));
      } else if (r.rowCount) {
        tiles.push_back(b.create<grid::GatherRowsOp>(
            loc, type, input, db.input(r.inputs[1]), unit, mapOf(r.tiles),
            b.getI64IntegerAttr(*r.rowCount)));
      } else if (!r.flags.empty()) {
        SmallVector<Value> sources;
        SmallVector<AffineExpr> exprs;
        for (auto [k, in] : llvm::enumerate(r.inputs)) {
          sources.push_back(db.input(in));
          exprs.append({r.flags[k], r.tiles[k]});
        }
        tiles.push_back(b.create<grid::LoadOneOfOp>(loc, type, sources, unit, mapOf(exprs)));
      } else {
        tiles.push_back(db.load(input, unit, r.tiles.front(), r.firstRow));
      }
    }
    Value result = db.compute(tiles, unit, outputFormat,
                              [&](ArrayRef<Value> args, ArrayRef<Value> indices, Value dst) {
      math(args, indices.front(), dst);
    });
    b.create<grid::StoreOp>(loc, result, db.output(0), unit, mapOf(mapping.outputTile));
  });
}

/// Reads the index tile of row gather `r` at `unit` into `indexCB`, then each of the 32 rows it
/// names into a slot of `cb`.
static void readRows(DispatchBuilder &db, const TileRead &r, Value unit, Value indexCB,
                     Value cb) {
  OpBuilder &b = db.builder();
  MLIRContext *ctx = db.context();
  Value table = db.input(r.inputs[0]), zero = db.index(0);
  auto tableType = cast<RankedTensorType>(table.getType());
  TiledView rows = TiledView::of(tableType);
  db.read(db.input(r.inputs[1]), db.apply(r.tiles[0], unit), indexCB, zero);
  db.barrier();
  db.reserve(cb, 1);
  // Over d0 = unit, d1 = the row in the tile, d2 = the index read for it.
  AffineExpr row = getAffineDimExpr(1, ctx), idx = getAffineDimExpr(2, ctx);
  AffineExpr firstRow = r.tiles[0] * 32;
  db.loop(32, [&](Value rowIv) {
    Value index = b.create<noc::CBLoadIndexOp>(db.location(), b.getIndexType(), indexCB, zero,
                                               rowIv, b.getI64IntegerAttr(rows.rows));
    ValueRange dims{unit, rowIv, index};
    b.create<noc::ReadSpanOp>(
        db.location(), table, db.apply(idx.floorDiv(32) * rows.nt + r.tiles[1], dims),
        db.apply((idx % 32) * 32, dims), cb, zero, db.apply(row * 32, dims), db.index(32),
        // Non-zero for the rows past the last index, which stay zero padding.
        db.apply((firstRow + row).floorDiv(*r.rowCount), dims), b.getF32FloatAttr(0.0f));
  });
}

/// An input whose tile is the same for every unit (a scalar, or a row or column broadcast over
/// a one-tile-wide or one-tile-high result), which a core reads once into a one-tile buffer and
/// holds for the whole loop.
static bool isHeld(const TileRead &r, int64_t perCore) {
  return perCore > 1 && !r.gather && r.flags.empty() && !r.rowCount &&
         isa<AffineConstantExpr>(r.tiles.front());
}

/// Semaphores of a streaming dispatch's held tiles' multicast.
static constexpr int64_t kHeldReady = 0, kHeldLanded = 1;

/// From this many cores on, the first core multicasts the held tiles that are read whole: 16
/// cores' reads of a 2 KiB tile take one source link 1k cycles, about what the multicast's
/// handshakes take.
static constexpr int64_t kMinHeldMulticastCores = 16;

static bool multicastsHeldTiles(const CoreSplit &split, const TileMapping &mapping) {
  return split.cores() >= kMinHeldMulticastCores &&
         llvm::any_of(mapping.reads, [&](const TileRead &r) {
           return isHeld(r, split.perCore) && !r.firstRow;
         });
}

void tessel::lowering::buildTileStreaming(DispatchBuilder &db, const TileMapping &mapping,
                                          tile::DataFormat outputFormat, int64_t l1Usable,
                                          TileMath math) {
  // Two groups of tiles per buffer: the reader fills one while compute works on the other;
  // held inputs (isHeld) take a one-tile buffer instead.
  int64_t perCore = db.split().perCore;
  SmallVector<Value> inCBs;
  SmallVector<bool> held;
  // A row gather's index tile goes to a slot of the reader's own (reserved, never pushed).
  SmallVector<Value> indexCBs;
  bool rowGathers = false;
  int64_t streamedBytes = 0;
  for (const TileRead &r : mapping.reads) {
    held.push_back(isHeld(r, perCore));
    rowGathers |= bool(r.rowCount);
    if (!held.back())
      streamedBytes += tile::tileBytes(formatOf(db.input(r.inputs.front())));
  }
  int64_t group = streamingGroup(perCore, rowGathers, streamedBytes, l1Usable);
  for (auto [i, r] : llvm::enumerate(mapping.reads)) {
    // The index tile in the indices' own format (f32, or int32 for exact integers).
    indexCBs.push_back(r.rowCount ? db.cb(formatOf(db.input(r.inputs.back())), 1) : Value());
    inCBs.push_back(db.cb(formatOf(db.input(r.inputs.front())), held[i] ? 1 : 2 * group));
  }
  Value outCB = db.cb(outputFormat, 2);

  db.kernel(noc::ThreadKind::reader);
  for (Value cb : indexCBs)
    if (cb)
      db.reserve(cb, 1);
  // Unit `unit`'s tiles into slot `slot` of each input's buffer, reserved beforehand.
  auto readUnit = [&](Value unit, Value slot) {
    for (size_t i = 0; i < inCBs.size(); ++i) {
      if (held[i])
        continue;
      Value cb = inCBs[i];
      const TileRead &r = mapping.reads[i];
      if (r.rowCount) {
        readRows(db, r, unit, indexCBs[i], cb);
        continue;
      }
      if (r.gather) {
        emitTileGather(db, *r.gather, db.input(r.inputs.front()), unit, cb, slot);
      } else if (!r.flags.empty()) {
        // Kernels have no branches: each input's read runs 0 or 1 times.
        for (size_t k = 0; k < r.inputs.size(); ++k)
          db.loop(db.apply(r.flags[k], unit), [&](Value) {
            db.read(db.input(r.inputs[k]), db.apply(r.tiles[k], unit), cb, slot);
          });
      } else {
        db.read(db.input(r.inputs.front()), db.apply(r.tiles.front(), unit), cb, slot, r.firstRow);
      }
    }
  };
  // The reads of `group` units go out before one barrier, so that their round trips overlap.
  auto reserveOrPush = [&](bool push) {
    for (auto [i, cb] : llvm::enumerate(inCBs))
      if (!held[i] && !mapping.reads[i].rowCount)
        push ? db.push(cb, group) : db.reserve(cb, group);
  };
  db.loop(perCore / group, [&](Value g) {
    if (group == 1) {
      Value unit = db.unit(g), zero = db.index(0);
      reserveOrPush(false);
      readUnit(unit, zero);
    } else {
      reserveOrPush(false);
      db.loop(group, [&](Value j) {
        AffineExpr d0 = getAffineDimExpr(0, db.context()), d1 = getAffineDimExpr(1, db.context());
        readUnit(db.unit(db.apply(d0 * group + d1, {g, j})), j);
      });
    }
    db.barrier();
    reserveOrPush(true);
    for (auto [i, cb] : llvm::enumerate(inCBs))
      if (mapping.reads[i].rowCount)
        db.push(cb, 1);
  });

  db.kernel(noc::ThreadKind::compute);
  SmallVector<Value> heldTiles(inCBs.size());
  for (auto [i, cb] : llvm::enumerate(inCBs))
    if (held[i]) {
      db.wait(cb, 1);
      heldTiles[i] = db.get(cb, db.index(0));
    }
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0);
    SmallVector<Value> tiles;
    for (auto [i, cb] : llvm::enumerate(inCBs)) {
      if (held[i]) {
        tiles.push_back(heldTiles[i]);
        continue;
      }
      db.wait(cb, 1);
      tiles.push_back(db.get(cb, zero));
    }
    db.acquireDst();
    math(tiles, unit, zero);
    db.reserve(outCB, 1);
    db.pack(zero, outCB, zero);
    db.push(outCB, 1);
    db.releaseDst();
    for (auto [i, cb] : llvm::enumerate(inCBs))
      if (!held[i])
        db.pop(cb, 1);
  });
  for (auto [i, cb] : llvm::enumerate(inCBs))
    if (held[i])
      db.pop(cb, 1);

  db.kernel(noc::ThreadKind::writer);
  // The writer brings the held tiles, so that the reader's first reads overlap them.
  if (llvm::is_contained(held, true)) {
    Value zero = db.index(0);
    auto readHeld = [&] {
      for (auto [i, cb] : llvm::enumerate(inCBs))
        if (held[i]) {
          const TileRead &r = mapping.reads[i];
          db.read(db.input(r.inputs.front()),
                  db.index(cast<AffineConstantExpr>(r.tiles.front()).getValue()), cb, zero,
                  r.firstRow);
        }
    };
    for (auto [i, cb] : llvm::enumerate(inCBs))
      if (held[i])
        db.reserve(cb, 1);
    if (multicastsHeldTiles(db.split(), mapping)) {
      // Every core asking the one core (or DRAM channel) that holds the tile for all of it
      // would queue a tile per core on that source's link: the first core reads it once and
      // multicasts it once its every peer has room (kHeldReady), then tells them it landed
      // (kHeldLanded).
      int64_t cores = db.split().cores(), width = db.split().width;
      MLIRContext *ctx = db.context();
      AffineExpr d0 = getAffineDimExpr(0, ctx);
      Value core = db.core(), origin = db.index(0);
      Value first = db.apply(1 - d0.ceilDiv(cores), core), rest = db.apply(d0.ceilDiv(cores), core);
      db.loop(rest, [&](Value) { db.semInc(origin, origin, kHeldReady, 1); });
      db.loop(first, [&](Value) {
        readHeld();
        db.barrier();
        db.semWait(kHeldReady, db.index(cores - 1));
        Value x1 = db.index(width - 1), y1 = db.index(db.split().height - 1);
        for (auto [i, cb] : llvm::enumerate(inCBs))
          if (held[i])
            db.multicast(cb, zero, origin, origin, x1, y1);
        db.barrier();
        db.loop(cores - 1, [&](Value peer) {
          db.semInc(db.apply((d0 + 1) % width, peer), db.apply((d0 + 1).floorDiv(width), peer),
                    kHeldLanded, 1);
        });
      });
      db.loop(rest, [&](Value) { db.semWait(kHeldLanded, db.index(1)); });
    } else {
      readHeld();
      db.barrier();
    }
    for (auto [i, cb] : llvm::enumerate(inCBs))
      if (held[i])
        db.push(cb, 1);
  }
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0);
    db.wait(outCB, 1);
    db.write(outCB, zero, db.output(0), db.apply(mapping.outputTile, unit));
    db.flush();
    db.pop(outCB, 1);
  });
}

void tessel::lowering::emitTileGather(DispatchBuilder &db, const TileGather &g, Value input,
                                      Value unit, Value cb, Value slot) {
  MLIRContext *ctx = db.context();
  // The whole tile in place, one request.
  if (g.runLength == TileGather::kWholeTile) {
    Value zero = db.index(0);
    db.builder().create<noc::ReadSpanOp>(
        db.location(), input, db.apply(g.inTile, {unit, zero, zero}),
        db.apply(g.inOffset, {unit, zero, zero}), cb, slot, zero, db.index(g.runLength),
        db.apply(g.outside, {unit, zero, zero}), db.builder().getF32FloatAttr(g.fill));
    return;
  }
  // The tile's runs in one noc.read_runs (a run divides 32, grid.gather's verifier says, so a
  // row's runs stay within it): runs that follow each other in the input (a window's row along
  // its input's rows) are read at once. From L1, each request comes over the NoC with the
  // shorter route from the core that holds it (a neighbour after this core is one hop away on
  // NoC 1, all the way round on NoC 0); from DRAM over NoC 0, whose links into the cores the
  // cost model books for DRAM reads (over NoC 1 the responses meet the writes: a 3x3
  // convolution of a 28x28 image read from DRAM took 25.8k cycles for 21.1k estimated,
  // test_cost_model.py's windows case).
  int64_t perRow = (g.columns + g.runLength - 1) / g.runLength;
  bool fromL1 = grid::getLayout(input.getType()).getMemory() == grid::MemorySpace::l1;
  AffineExpr v = getAffineDimExpr(0, ctx);
  db.builder().create<noc::ReadRunsOp>(
      db.location(), input, cb, slot, 32 * perRow, g.runLength, perRow, g.fill,
      /*nearer=*/fromL1, [&](OpBuilder &, Value run) -> std::array<Value, 3> {
        Value row = db.apply(v.floorDiv(perRow), run);
        Value col = db.apply((v % perRow) * g.runLength, run);
        return {db.apply(g.inTile, {unit, row, col}), db.apply(g.inOffset, {unit, row, col}),
                db.apply(g.outside, {unit, row, col})};
      });
}
