// graph.layer_norm and graph.rms_norm over the last axis as a row loop, one row of tiles per
// unit held in L1 (grid.load_row): the row's statistics, then the row normalised, scaled and
// shifted.
//   layer: m = rowsum(x) / n; c = x - m; r = rsqrt(rowsum(c * c) / n + eps); y = c * r * g + b
//   rms:                              r = rsqrt(rowsum(x * x) / n + eps); y = x * r * g
// The sum of squares accumulates in a second Dst register while the first squares each tile, so
// only the centred row is kept besides the input. Padding columns of the centred row are masked
// (they would hold -m); padding of the result is masked to zeros as every kernel leaves it.
#include "Lowerings.h"
#include "tessel/Transforms/Normalization.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

/// The buffers of a norm's scale and bias (null when absent), each with the dispatch input it
/// is read from: the inputs after the normalised one, in that order.
static SmallVector<std::pair<Value, Value>> paramBuffers(DispatchBuilder &db, Value cbScale,
                                                         Value cbBias) {
  SmallVector<std::pair<Value, Value>> params;
  if (cbScale)
    params.push_back({cbScale, db.input(1)});
  if (cbBias)
    params.push_back({cbBias, db.input(cbScale ? 2 : 1)});
  return params;
}

/// Packs Dst[dst] into one more slot of `cb` and waits for it, to read it back.
static void packAndWait(DispatchBuilder &db, Value dst, Value cb) {
  db.packOne(dst, cb);
  db.wait(cb, 1);
}

/// Dst[0] times `scale` and then plus `bias` (either absent: none), broadcast as `bcast`; the
/// FPU combines tiles, not Dst, so each step goes through a tile of `cbStage`.
static void scaleAndShift(DispatchBuilder &db, Value cbStage, Value scale, Value bias,
                          tile::Broadcast bcast) {
  Value zero = db.index(0);
  for (auto [param, kind] : {std::pair(scale, tile::BinaryKind::mul),
                             std::pair(bias, tile::BinaryKind::add)}) {
    if (!param)
      continue;
    packAndWait(db, zero, cbStage);
    db.binary(kind, bcast, db.get(cbStage, zero), param, zero);
    db.pop(cbStage, 1);
  }
}

FailureOr<Value> tessel::lowering::lowerNorm(OpBuilder &b, Operation *op,
                                             const LoweringOptions &opts) {
  NormView norm = *NormView::of(op);
  StringRef name = norm.rms ? "rms_norm" : "layer_norm";
  if (!normHasRowKernel(norm))
    return op->emitError() << name
                           << " must be over the last axis with row parameters here; run "
                              "tt-decompose-graph first";
  int64_t budget = opts.chip.l1Bytes - opts.chip.l1ReservedBytes;
  if (normRowL1Bytes(norm) > budget)
    return op->emitError() << "a " << name << " row of " << norm.type().getShape().back()
                           << " values does not fit one core's L1; run tt-choose-op-configs, "
                              "which expands it";
  MLIRContext *ctx = b.getContext();
  Location loc = op->getLoc();
  RankedTensorType type = norm.type();
  TiledView view = TiledView::of(type);
  tile::DataFormat format = grid::getLayout(type).getFormat(), acc = opts.dstFormat;
  int64_t nt = view.nt;
  bool partialCols = view.cols % 32 != 0, partial = partialCols || view.rows % 32 != 0;
  float inverseCount = 1.0f / float(view.cols);

  SmallVector<Value> inputs{norm.input};
  for (Value p : {norm.scale, norm.bias})
    if (p)
      inputs.push_back(p);
  DispatchBuilder db(b, loc, name, splitOverCores(view.batch * view.mt, opts.chip), inputs,
                     {type}, opts);
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineExpr tileOf = d0 * nt + d1; // (row unit, column tile)
  // The next row streams in while this one is normalised, when L1 has room for it.
  bool prefetch = normRowL1Bytes(norm) + nt * tile::tileBytes(format) <= budget;

  db.tileLoop();
  // Every row shares the parameters: each core reads them once, the one row of values a tile
  // that the FPU broadcasts.
  SmallVector<Value> params;
  for (unsigned k = 1; k < inputs.size(); ++k)
    params.push_back(db.loadRow(db.input(k), db.index(0), d1, nt, /*firstRow=*/true));
  Value scaleRow = norm.scale ? params[0] : Value();
  Value biasRow = norm.bias ? params.back() : Value();
  auto noTiles = [](ArrayRef<Value>, ArrayRef<Value>, Value) {};

  db.loop(db.split().perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    Value x = db.loadRow(db.input(0), unit, tileOf, nt, /*firstRow=*/false, prefetch);
    // A loop over the row's tiles carrying `carried` (an accumulator, or a row and one), whose
    // step `body(j, carried)` gives what the next step carries.
    auto pass = [&](ValueRange carried,
                    function_ref<SmallVector<Value>(Value j, ValueRange carried)> body) {
      auto loop = b.create<scf::ForOp>(loc, db.index(0), db.index(nt), db.index(1), carried);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToEnd(loop.getBody());
      b.create<scf::YieldOp>(loc, body(loop.getInductionVar(), loop.getRegionIterArgs()));
      return loop.getResults();
    };
    // Folds `tile` into the sum accumulator `sum` in Dst: REDUCE reads a tile, not Dst, so a
    // square computed on Dst is packed first.
    auto addRowSums = [&](Value sum, ArrayRef<Value> tiles, Value j,
                          function_ref<Value(ArrayRef<Value> t)> prepare) {
      SmallVector<Value> in{sum};
      in.append(tiles.begin(), tiles.end());
      return db.compute(in, {unit, j}, acc, [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
        db.copy(t[0], dst);
        db.reduce(tile::ReduceKind::sum, 0, prepare(t.drop_front()), dst, true);
      });
    };

    Value mean;
    if (!norm.rms) {
      Value sum = pass(db.compute({}, unit, acc, noTiles), [&](Value j, ValueRange carried) {
        return SmallVector<Value>{
            addRowSums(carried[0], db.rowTile(x, j), j, [](ArrayRef<Value> t) { return t[0]; })};
      })[0];
      mean = db.compute(sum, unit, format, [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
        db.copy(t[0], dst);
        db.unary(tile::UnaryKind::scale, dst, inverseCount);
      });
    }
    // The squares' sum: of the row, or of its centred tiles, which a row keeps for the output.
    Value squares, centred;
    Value zeroSum = db.compute({}, unit, acc, noTiles);
    if (norm.rms) {
      squares = pass(zeroSum, [&](Value j, ValueRange carried) {
        return SmallVector<Value>{addRowSums(carried[0], db.rowTile(x, j), j, [&](ArrayRef<Value> t) {
          db.binary(tile::BinaryKind::mul, tile::Broadcast::none, t[0], t[0], db.index(1));
          return db.packTile(db.index(1), format);
        })};
      })[0];
    } else {
      ValueRange both = pass({db.emptyRow(format, nt), zeroSum}, [&](Value j, ValueRange carried) {
        Value c = db.compute({db.rowTile(x, j), mean}, {unit, j}, format,
                             [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value dst) {
          db.binary(tile::BinaryKind::sub, tile::Broadcast::cols, t[0], t[1], dst);
          if (partialCols)
            db.mask(dst, db.index(32), db.apply(view.cols - d0 * 32, idx[1]), 0.0f);
        });
        Value next = addRowSums(carried[1], c, j, [&](ArrayRef<Value> t) {
          db.copy(t[0], db.index(1));
          db.unary(tile::UnaryKind::square, db.index(1));
          return db.packTile(db.index(1), format);
        });
        return SmallVector<Value>{db.rowInsert(c, carried[0], j), next};
      });
      centred = both[0];
      squares = both[1];
    }
    Value rstd = db.compute(squares, unit, format, [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
      db.copy(t[0], dst);
      db.unary(tile::UnaryKind::scale, dst, inverseCount);
      db.unary(tile::UnaryKind::shift, dst, norm.epsilon);
      db.unary(tile::UnaryKind::rsqrt, dst);
    });

    db.loop(nt, [&](Value j) {
      SmallVector<Value> in{db.rowTile(centred ? centred : x, j), rstd};
      for (Value p : params)
        in.push_back(db.rowTile(p, j));
      Value y = db.compute(in, {unit, j}, format,
                           [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value dst) {
        db.binary(tile::BinaryKind::mul, tile::Broadcast::cols, t[0], t[1], dst);
        // The parameters broadcast their one row; the FPU combines tiles, not Dst.
        unsigned k = 2;
        for (auto [param, kind] : {std::pair(scaleRow, tile::BinaryKind::mul),
                                   std::pair(biasRow, tile::BinaryKind::add)})
          if (param)
            db.binary(kind, tile::Broadcast::rows, db.packTile(dst, format), t[k++], dst);
        if (partial)
          db.mask(dst, db.apply(view.rows - (d0 % view.mt) * 32, idx[0]),
                  db.apply(view.cols - d0 * 32, idx[1]), 0.0f);
      });
      b.create<grid::StoreOp>(loc, y, db.output(0), db.apply(tileOf, {unit, j}),
                              AffineMapAttr::get(AffineMap::getMultiDimIdentityMap(1, ctx)));
    });
  });
  return db.results()[0];
}

// graph.group_norm of [N, C, spatial...] (rank 4 or more), one sample's group per unit: its
// channels' tiles are consecutive, cg * planes * mt * nt of them. The statistics are one value
// for the whole group: each tile's row sums accumulate in column 0 of Dst[1], whose column is
// then summed into [0, 0] (a second reduction over the packed partial sums), and broadcast as
// a scalar. Padding rows and columns of the centred tiles are masked. Each channel's scale and
// bias value is read into the first position of a tile of its own, broadcast as a scalar too.
FailureOr<Value> tessel::lowering::lowerGroupNorm(OpBuilder &b, graph::GroupNormOp op,
                                                  const LoweringOptions &opts) {
  RankedTensorType type = op.getType();
  if (type.getRank() < 4)
    return op.emitError("group_norm needs [N, C, spatial...] with two spatial dims or more "
                        "here; run tt-decompose-graph first");
  int64_t budget = opts.chip.l1Bytes - opts.chip.l1ReservedBytes;
  if (groupNormL1Bytes(op) > budget)
    return op.emitError("a group_norm group does not fit one core's L1; run "
                        "tt-choose-op-configs, which expands it");
  MLIRContext *ctx = b.getContext();
  TiledView view = TiledView::of(type);
  tile::DataFormat format = grid::getLayout(type).getFormat();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t channels = shape[1], groups = op.getNumGroups(), cg = channels / groups;
  int64_t planeTiles = groupNormChannelTiles(op);
  int64_t tiles = cg * planeTiles, units = shape[0] * groups;
  int64_t count = cg * (view.batch / (shape[0] * channels)) * view.rows * view.cols;
  bool partial = view.rows % 32 != 0 || view.cols % 32 != 0;

  SmallVector<Value> inputs{op.getInput()};
  for (Value p : {op.getScale(), op.getBias()})
    if (p)
      inputs.push_back(p);
  DispatchBuilder db(b, op.getLoc(), "group_norm", splitOverCores(units, opts.chip), inputs,
                     {type}, opts);
  Value cbIn = db.cb(format, tiles), cbCentred = db.cb(format, tiles);
  Value cbScale = op.getScale() ? db.cb(format, cg) : Value();
  Value cbBias = op.getBias() ? db.cb(format, cg) : Value();
  Value cbPartial = db.cb(format, 1), cbMean = db.cb(format, 1), cbRstd = db.cb(format, 1);
  Value cbSquare = db.cb(format, 2), cbStage = db.cb(format, 2), cbOut = db.cb(format, 2);
  int64_t perCore = db.split().perCore;
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineExpr tileOf = d0 * tiles + d1;                    // (unit, tile of the group)
  AffineExpr channelOf = (d0 % groups) * cg + d1;         // (unit, channel of the group)
  SmallVector<std::pair<Value, Value>> params = paramBuffers(db, cbScale, cbBias);

  db.kernel(noc::ThreadKind::reader);
  Value zero = db.index(0), one = db.index(1);
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    db.reserve(cbIn, tiles);
    db.loop(tiles, [&](Value t) { db.read(db.input(0), db.apply(tileOf, {unit, t}), cbIn, t); });
    for (const auto &param : params) {
      Value cb = param.first, input = param.second;
      db.reserve(cb, cg);
      // The channel's value into the first position of its tile.
      db.loop(cg, [&](Value k) {
        Value channel = db.apply(channelOf, {unit, k});
        b.create<noc::ReadSpanOp>(op.getLoc(), input, db.apply(d0.floorDiv(32), {channel}),
                                  db.apply(d0 % 32, {channel}), cb, k, zero, one, zero,
                                  b.getF32FloatAttr(0.0f));
      });
    }
    db.barrier();
    db.push(cbIn, tiles);
    for (auto [cb, input] : params)
      db.push(cb, cg);
  });

  db.kernel(noc::ThreadKind::compute);
  zero = db.index(0);
  one = db.index(1);
  Value two = db.index(2);
  float inverseCount = 1.0f / float(count);
  /// The sum of column 0 of Dst[from] (partial sums) into [0, 0] of Dst[to], times 1/count.
  auto groupMean = [&](Value from, Value to) {
    packAndWait(db, from, cbPartial);
    db.reduce(tile::ReduceKind::sum, 1, db.get(cbPartial, zero), to, /*accumulate=*/false);
    db.pop(cbPartial, 1);
    db.unary(tile::UnaryKind::scale, to, inverseCount);
  };
  AffineExpr rowsLeft = view.rows - ((d0.floorDiv(view.nt)) % view.mt) * 32;
  AffineExpr colsLeft = view.cols - (d0 % view.nt) * 32;
  db.loop(perCore, [&](Value) {
    db.wait(cbIn, tiles);
    for (auto [cb, input] : params)
      db.wait(cb, cg);
    db.acquireDst();
    db.loop(tiles, [&](Value t) {
      db.reduce(tile::ReduceKind::sum, 0, db.get(cbIn, t), one, /*accumulate=*/true);
    });
    groupMean(one, zero);
    packAndWait(db, zero, cbMean);
    db.releaseDst();

    db.acquireDst();
    db.reserve(cbCentred, tiles);
    db.loop(tiles, [&](Value t) {
      db.binary(tile::BinaryKind::sub, tile::Broadcast::scalar, db.get(cbIn, t),
                db.get(cbMean, zero), zero);
      if (partial)
        db.mask(zero, db.apply(rowsLeft, {t}), db.apply(colsLeft, {t}), 0.0f);
      db.pack(zero, cbCentred, t);
      db.unary(tile::UnaryKind::square, zero);
      packAndWait(db, zero, cbSquare);
      db.reduce(tile::ReduceKind::sum, 0, db.get(cbSquare, zero), one, /*accumulate=*/true);
      db.pop(cbSquare, 1);
    });
    db.push(cbCentred, tiles);
    groupMean(one, two);
    db.unary(tile::UnaryKind::shift, two, op.getEpsilon().convertToFloat());
    db.unary(tile::UnaryKind::rsqrt, two);
    packAndWait(db, two, cbRstd);
    db.releaseDst();
    db.pop(cbMean, 1);
    db.pop(cbIn, tiles);
    db.wait(cbCentred, tiles);

    db.loop(tiles, [&](Value t) {
      db.acquireDst();
      db.binary(tile::BinaryKind::mul, tile::Broadcast::scalar, db.get(cbCentred, t),
                db.get(cbRstd, zero), zero);
      Value channel = db.apply(d0.floorDiv(planeTiles), {t});
      scaleAndShift(db, cbStage, cbScale ? db.get(cbScale, channel) : Value(),
                    cbBias ? db.get(cbBias, channel) : Value(), tile::Broadcast::scalar);
      if (partial)
        db.mask(zero, db.apply(rowsLeft, {t}), db.apply(colsLeft, {t}), 0.0f);
      db.packOne(zero, cbOut);
      db.releaseDst();
    });
    db.pop(cbRstd, 1);
    db.pop(cbCentred, tiles);
    for (auto [cb, input] : params)
      db.pop(cb, cg);
  });

  db.kernel(noc::ThreadKind::writer);
  db.writeUnits(tiles, cbOut, tileOf);
  return db.results()[0];
}
