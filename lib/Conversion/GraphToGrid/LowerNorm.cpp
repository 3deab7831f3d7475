// graph.layer_norm and graph.rms_norm over the last axis, one row of tiles per unit, in one
// dispatch: the statistics of a row held in L1, then the row normalised, scaled and shifted.
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

FailureOr<Value> tessel::lowering::lowerNorm(OpBuilder &b, Operation *op, const LoweringOptions &opts) {
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
  RankedTensorType type = norm.type();
  TiledView view = TiledView::of(type);
  tile::DataFormat format = grid::getLayout(type).getFormat();
  int64_t nt = view.nt;
  bool partialCols = view.cols % 32 != 0, partial = partialCols || view.rows % 32 != 0;

  SmallVector<Value> inputs{norm.input};
  for (Value p : {norm.scale, norm.bias})
    if (p)
      inputs.push_back(p);
  DispatchBuilder db(b, op->getLoc(), name, splitOverCores(view.batch * view.mt, opts.chip),
                     inputs, {type}, opts);
  // The next row streams in while this one is normalised, when L1 has room for it.
  int64_t rowBytes = nt * tile::tileBytes(format);
  Value cbIn = db.cb(format, normRowL1Bytes(norm) + rowBytes <= budget ? 2 * nt : nt);
  Value cbCentred = norm.rms ? Value() : db.cb(format, nt);
  Value cbScale = norm.scale ? db.cb(format, nt) : Value();
  Value cbBias = norm.bias ? db.cb(format, nt) : Value();
  Value cbMean = norm.rms ? Value() : db.cb(format, 1);
  Value cbRstd = db.cb(format, 1), cbSquare = db.cb(format, 2), cbStage = db.cb(format, 2),
        cbOut = db.cb(format, 2);
  int64_t perCore = db.split().perCore;
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineExpr tileOf = d0 * nt + d1; // (row unit, column tile)
  SmallVector<std::pair<Value, Value>> params = paramBuffers(db, cbScale, cbBias);

  db.kernel(noc::ThreadKind::reader);
  // Every row shares the parameters: each core reads them once, one row of values a tile.
  for (const auto &param : params) {
    Value cb = param.first, input = param.second;
    db.reserve(cb, nt);
    db.loop(nt, [&](Value j) { db.read(input, j, cb, j, /*firstRow=*/true); });
    db.barrier();
    db.push(cb, nt);
  }
  db.readUnits(nt, cbIn, tileOf);

  db.kernel(noc::ThreadKind::compute);
  auto byRow = [&](tile::BinaryKind k, Value lhs, Value rhs, Value dst) {
    db.binary(k, tile::Broadcast::cols, lhs, rhs, dst);
  };
  float inverseCount = 1.0f / float(view.cols);
  for (auto [cb, input] : params)
    db.wait(cb, nt);
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0), one = db.index(1), full = db.index(32);
    db.wait(cbIn, nt);
    if (!norm.rms) {
      db.acquireDst();
      db.loop(nt, [&](Value j) {
        db.reduce(tile::ReduceKind::sum, 0, db.get(cbIn, j), zero, /*accumulate=*/true);
      });
      db.unary(tile::UnaryKind::scale, zero, inverseCount);
      packAndWait(db, zero, cbMean);
      db.releaseDst();
    }
    // The squares' sum goes to Dst[1]; Dst[0] takes each tile's square.
    db.acquireDst();
    if (cbCentred)
      db.reserve(cbCentred, nt);
    db.loop(nt, [&](Value j) {
      Value x = db.get(cbIn, j);
      if (norm.rms) {
        db.binary(tile::BinaryKind::mul, tile::Broadcast::none, x, x, zero);
      } else {
        byRow(tile::BinaryKind::sub, x, db.get(cbMean, zero), zero);
        if (partialCols)
          db.mask(zero, full, db.apply(view.cols - d0 * 32, j), 0.0f);
        db.pack(zero, cbCentred, j);
        db.unary(tile::UnaryKind::square, zero);
      }
      packAndWait(db, zero, cbSquare);
      db.reduce(tile::ReduceKind::sum, 0, db.get(cbSquare, zero), one, /*accumulate=*/true);
      db.pop(cbSquare, 1);
    });
    if (cbCentred)
      db.push(cbCentred, nt);
    db.unary(tile::UnaryKind::scale, one, inverseCount);
    db.unary(tile::UnaryKind::shift, one, norm.epsilon);
    db.unary(tile::UnaryKind::rsqrt, one);
    packAndWait(db, one, cbRstd);
    db.releaseDst();
    if (cbMean)
      db.pop(cbMean, 1);
    if (cbCentred)
      db.wait(cbCentred, nt);

    Value source = cbCentred ? cbCentred : cbIn;
    db.loop(nt, [&](Value j) {
      db.acquireDst();
      byRow(tile::BinaryKind::mul, db.get(source, j), db.get(cbRstd, zero), zero);
      // The parameters broadcast their one row.
      scaleAndShift(db, cbStage, cbScale ? db.get(cbScale, j) : Value(),
                    cbBias ? db.get(cbBias, j) : Value(), tile::Broadcast::rows);
      if (partial)
        db.mask(zero, db.apply(view.rows - (d0 % view.mt) * 32, unit),
                db.apply(view.cols - d0 * 32, j), 0.0f);
      db.packOne(zero, cbOut);
      db.releaseDst();
    });
    db.pop(cbRstd, 1);
    if (cbCentred)
      db.pop(cbCentred, nt);
    db.pop(cbIn, nt);
  });
  for (auto [cb, input] : params)
    db.pop(cb, nt);

  db.kernel(noc::ThreadKind::writer);
  db.writeUnits(nt, cbOut, tileOf);
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
