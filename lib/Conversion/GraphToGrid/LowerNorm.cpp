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

FailureOr<Value> tessel::lowering::lowerNorm(Operation *op, const LoweringOptions &opts) {
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
  OpBuilder b(op);
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
  SmallVector<std::pair<Value, Value>> params; // (cb, dispatch input)
  if (cbScale)
    params.push_back({cbScale, db.input(1)});
  if (cbBias)
    params.push_back({cbBias, db.input(cbScale ? 2 : 1)});

  db.kernel(noc::ThreadKind::reader);
  // Every row shares the parameters: each core reads them once, one row of values a tile.
  for (auto [cb, input] : params) {
    db.reserve(cb, nt);
    db.loop(nt, [&](Value j) { db.read(input, j, cb, j, /*firstRow=*/true); });
    db.barrier();
    db.push(cb, nt);
  }
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    db.reserve(cbIn, nt);
    db.loop(nt, [&](Value j) { db.read(db.input(0), db.apply(tileOf, {unit, j}), cbIn, j); });
    db.barrier();
    db.push(cbIn, nt);
  });

  db.kernel(noc::ThreadKind::compute);
  auto byRow = [&](tile::BinaryKind k, Value lhs, Value rhs, Value dst) {
    db.binary(k, tile::Broadcast::cols, lhs, rhs, dst);
  };
  auto packOne = [&](Value dst, Value cb) {
    db.reserve(cb, 1);
    db.pack(dst, cb, db.index(0));
    db.push(cb, 1);
    db.wait(cb, 1);
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
      packOne(zero, cbMean);
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
      packOne(zero, cbSquare);
      db.reduce(tile::ReduceKind::sum, 0, db.get(cbSquare, zero), one, /*accumulate=*/true);
      db.pop(cbSquare, 1);
    });
    if (cbCentred)
      db.push(cbCentred, nt);
    db.unary(tile::UnaryKind::scale, one, inverseCount);
    db.unary(tile::UnaryKind::shift, one, norm.epsilon);
    db.unary(tile::UnaryKind::rsqrt, one);
    packOne(one, cbRstd);
    db.releaseDst();
    if (cbMean)
      db.pop(cbMean, 1);
    if (cbCentred)
      db.wait(cbCentred, nt);

    Value source = cbCentred ? cbCentred : cbIn;
    db.loop(nt, [&](Value j) {
      db.acquireDst();
      byRow(tile::BinaryKind::mul, db.get(source, j), db.get(cbRstd, zero), zero);
      // The parameters broadcast their one row; the product goes through a staging tile.
      for (auto [cb, kind] : {std::pair(cbScale, tile::BinaryKind::mul),
                              std::pair(cbBias, tile::BinaryKind::add)}) {
        if (!cb)
          continue;
        packOne(zero, cbStage);
        db.binary(kind, tile::Broadcast::rows, db.get(cbStage, zero), db.get(cb, j), zero);
        db.pop(cbStage, 1);
      }
      if (partial)
        db.mask(zero, db.apply(view.rows - (d0 % view.mt) * 32, unit),
                db.apply(view.cols - d0 * 32, j), 0.0f);
      db.reserve(cbOut, 1);
      db.pack(zero, cbOut, zero);
      db.push(cbOut, 1);
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
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0);
    db.loop(nt, [&](Value j) {
      db.wait(cbOut, 1);
      db.write(cbOut, zero, db.output(0), db.apply(tileOf, {unit, j}));
      db.flush();
      db.pop(cbOut, 1);
    });
  });
  return db.results()[0];
}
