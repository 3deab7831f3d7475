// Streaming dispatches, whose every unit reads one tile of each input and writes one tile: their
// tile loop form (what tt-lower-graph-to-grid emits) and their kernels (what
// tt-lower-grid-to-kernels makes of it, and what the concat and gather lowerings build directly).
#include "tessel/Conversion/DispatchBuilder.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

static tile::TileType tileOf(MLIRContext *ctx, tile::DataFormat format) {
  return tile::TileType::get(ctx, 32, 32, format);
}

void tessel::lowering::buildTileLoop(DispatchBuilder &db, const TileMapping &mapping,
                                     tile::DataFormat outputFormat, TileMath math) {
  OpBuilder &b = db.builder();
  MLIRContext *ctx = db.context();
  Location loc = db.location();
  auto mapOf = [&](AffineExpr expr) { return AffineMapAttr::get(AffineMap::get(1, 0, expr)); };
  tile::TileType resultType = tileOf(ctx, outputFormat);
  db.tileLoop();
  db.loop(db.split().perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    SmallVector<Value> tiles;
    for (auto [i, expr] : llvm::enumerate(mapping.inputTiles)) {
      Value input = db.input(i);
      tile::TileType type = tileOf(ctx, formatOf(input));
      if (const std::optional<TileGather> &g = mapping.gathers[i]) {
        auto map = AffineMap::get(3, 0, {g->inTile, g->inOffset, g->outside}, ctx);
        tiles.push_back(b.create<grid::GatherOp>(
            loc, type, input, unit, AffineMapAttr::get(map), b.getI64IntegerAttr(g->runLength),
            b.getI64IntegerAttr(g->columns), b.getF32FloatAttr(g->fill)));
      } else {
        tiles.push_back(b.create<grid::LoadOp>(loc, type, input, unit, mapOf(expr)));
      }
    }
    auto compute = b.create<grid::ComputeOp>(loc, resultType, tiles, unit);
    {
      OpBuilder::InsertionGuard guard(b);
      SmallVector<Type> argTypes(ValueRange(tiles).getTypes());
      argTypes.push_back(b.getIndexType());
      Block *body = b.createBlock(&compute.getBody(), {}, argTypes,
                                  SmallVector<Location>(argTypes.size(), loc));
      Value dst = db.index(0);
      SmallVector<Value> args(body->getArguments());
      Value bodyUnit = args.pop_back_val();
      math(args, bodyUnit, dst);
      b.create<grid::YieldOp>(loc, b.create<tile::PackOp>(loc, resultType, dst));
    }
    b.create<grid::StoreOp>(loc, compute.getResult(), db.output(0), unit,
                            mapOf(mapping.outputTile));
  });
}

void tessel::lowering::buildTileStreaming(
    DispatchBuilder &db, const TileMapping &mapping, ArrayRef<tile::DataFormat> inputFormats,
    tile::DataFormat outputFormat, TileMath math, function_ref<void(Value, Value)> assemble) {
  // Two tiles per buffer: the reader fills one while compute works on the other. An input whose
  // tile is the same for every unit (a scalar, or a row broadcast over a one-tile-wide result)
  // is read once into a one-tile buffer and held for the whole loop instead.
  int64_t perCore = db.split().perCore;
  SmallVector<Value> inCBs;
  SmallVector<bool> held;
  for (auto [i, format] : llvm::enumerate(inputFormats)) {
    held.push_back(perCore > 1 && !assemble && !mapping.gathers[i] &&
                   isa<AffineConstantExpr>(mapping.inputTiles[i]));
    inCBs.push_back(db.cb(format, held.back() ? 1 : 2));
  }
  Value outCB = db.cb(outputFormat, 2);

  db.kernel(noc::ThreadKind::reader);
  if (llvm::is_contained(held, true)) {
    Value zero = db.index(0);
    for (auto [i, cb] : llvm::enumerate(inCBs))
      if (held[i]) {
        db.reserve(cb, 1);
        db.read(db.input(i), db.index(cast<AffineConstantExpr>(mapping.inputTiles[i]).getValue()),
                cb, zero);
      }
    db.barrier();
    for (auto [i, cb] : llvm::enumerate(inCBs))
      if (held[i])
        db.push(cb, 1);
  }
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0);
    for (auto [i, cb] : llvm::enumerate(inCBs)) {
      if (held[i])
        continue;
      db.reserve(cb, 1);
      if (assemble)
        assemble(unit, cb);
      else if (mapping.gathers[i])
        emitTileGather(db, *mapping.gathers[i], db.input(i), unit, cb, zero);
      else
        db.read(db.input(i), db.apply(mapping.inputTiles[i], unit), cb, zero);
    }
    db.barrier();
    for (auto [i, cb] : llvm::enumerate(inCBs))
      if (!held[i])
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
  AffineExpr r = getAffineDimExpr(1, ctx), c = getAffineDimExpr(2, ctx);
  FloatAttr fill = db.builder().getF32FloatAttr(g.fill);
  db.loop(32, [&](Value row) {
    // Each run's addresses are those of its first column.
    auto readRun = [&](Value col) {
      db.builder().create<noc::ReadSpanOp>(
          db.location(), input, db.apply(g.inTile, {unit, row, col}),
          db.apply(g.inOffset, {unit, row, col}), cb, slot,
          db.apply(r * 32 + c, {unit, row, col}), db.index(g.runLength),
          db.apply(g.outside, {unit, row, col}), fill);
    };
    if (g.runLength == 32)
      return readRun(db.index(0));
    AffineExpr d0 = getAffineDimExpr(0, ctx);
    db.loop((g.columns + g.runLength - 1) / g.runLength,
            [&](Value run) { readRun(db.apply(d0 * g.runLength, run)); });
  });
}
