// graph.reduce: each core takes output tiles; for each it streams every input tile that folds
// into it. Reducing the last axis uses REDUCE across columns, the second-to-last across rows
// (both: across columns, then the result tile across rows); reduced batch axes combine whole
// tiles on the SFPU. Dst starts at the reduction's identity, so every step accumulates.
#include "Lowerings.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

namespace {
struct ReducePlan {
  tile::ReduceKind kind;
  std::optional<tile::UnaryKind> pre, post;
  float identity;
};
} // namespace

static ReducePlan planFor(graph::ReduceKind kind) {
  using G = graph::ReduceKind;
  using T = tile::ReduceKind;
  using U = tile::UnaryKind;
  constexpr float huge = 3.0e38f;
  switch (kind) {
  case G::sum: return {T::sum, {}, {}, 0};
  case G::mean: return {T::sum, {}, {}, 0}; // scaled after
  case G::max: return {T::max, {}, {}, -huge};
  case G::min: return {T::min, {}, {}, huge};
  case G::prod: return {T::prod, {}, {}, 1};
  case G::l1: return {T::sum, U::abs, {}, 0};
  case G::l2: return {T::sum, U::square, U::sqrt, 0};
  case G::log_sum: return {T::sum, {}, U::log, 0};
  case G::log_sum_exp: return {T::sum, U::exp, U::log, 0};
  case G::sum_square: return {T::sum, U::square, {}, 0};
  }
  return {T::sum, {}, {}, 0};
}

static tile::BinaryKind combineKind(tile::ReduceKind kind) {
  switch (kind) {
  case tile::ReduceKind::sum: return tile::BinaryKind::add;
  case tile::ReduceKind::max: return tile::BinaryKind::max;
  case tile::ReduceKind::min: return tile::BinaryKind::min;
  case tile::ReduceKind::prod: return tile::BinaryKind::mul;
  }
  return tile::BinaryKind::add;
}

FailureOr<Value> tessel::lowering::lowerReduce(graph::ReduceOp op, const LoweringOptions &opts) {
  OpBuilder b(op);
  MLIRContext *ctx = b.getContext();
  auto inType = op.getInput().getType();
  int64_t rank = inType.getRank();
  TiledView in = TiledView::of(inType), out = TiledView::of(op.getType());
  llvm::SmallDenseSet<int64_t> axes(op.getAxes().begin(), op.getAxes().end());
  bool redN = rank >= 1 && axes.contains(rank - 1), redM = rank >= 2 && axes.contains(rank - 2);
  ReducePlan plan = planFor(op.getKind());
  int64_t count = 1;
  for (int64_t a : op.getAxes())
    count *= inType.getDimSize(a);

  // Per unit (output tile), the input tiles it folds: reduced batch dims x row tiles x col tiles.
  SmallVector<int64_t> reducedBatch;
  int64_t nb = 1;
  for (int64_t k = 0; k + 2 < rank; ++k)
    if (axes.contains(k)) {
      reducedBatch.push_back(k);
      nb *= inType.getDimSize(k);
    }
  int64_t nm = redM ? in.mt : 1, nn = redN ? in.nt : 1, steps = nb * nm * nn;

  AffineExpr u = getAffineDimExpr(0, ctx), t = getAffineDimExpr(1, ctx);
  AffineExpr ob = u.floorDiv(out.mt * out.nt), omt = u.floorDiv(out.nt) % out.mt,
             ont = u % out.nt;
  AffineExpr ni = t % nn, mi = t.floorDiv(nn) % nm, bi = t.floorDiv(nn * nm);
  // Input batch index: reduced dims from `bi`, the others from the output's batch index.
  AffineExpr inBatch = getAffineConstantExpr(0, ctx);
  int64_t inStride = 1, outStride = 1, redStride = 1;
  for (int64_t k = (int64_t)in.batchShape.size() - 1; k >= 0; --k) {
    int64_t size = in.batchShape[k];
    AffineExpr idx;
    if (axes.contains(k)) {
      idx = bi.floorDiv(redStride) % size;
      redStride *= size;
    } else {
      idx = ob.floorDiv(outStride) % size;
    }
    outStride *= out.batchShape[k];
    inBatch = inBatch + idx * inStride;
    inStride *= size;
  }
  AffineExpr inMt = redM ? mi : omt, inNt = redN ? ni : ont;
  AffineExpr inTile = (inBatch * in.mt + inMt) * in.nt + inNt;
  bool partialReduced = (redN && in.cols % 32) || (redM && in.rows % 32);
  bool maskInput = partialReduced && !(plan.kind == tile::ReduceKind::sum &&
                                       (!plan.pre || plan.pre != tile::UnaryKind::exp));
  bool inTileReduce = redN || redM;

  // Weights (over leading axes only, which the verifier ensures) multiply each input tile as it
  // arrives: the tile of the weights at the same place, broadcast as numpy would.
  Value weights = op.getWeights();
  // Windows gathered by the reader from the remap's input: positions outside it, and rows and
  // columns past the windows' end, read the remap's padding.
  std::optional<TileGather> gather;
  Value input = op.getInput();
  if (op->hasAttr(grid::kGatherInputAttrName)) {
    auto windows = input.getDefiningOp<graph::RemapOp>();
    if (!windows)
      return op.emitError() << "reduce has " << grid::kGatherInputAttrName
                            << " but its input is no graph.remap";
    gather = planTileGather(windows.getType(), windows.getInput().getType(),
                            windows.getMap().getResults(), windows.getPadding().convertToFloat(),
                            windows.getGuardExprs(),
                            windows.getGuardBounds().value_or(ArrayRef<int64_t>()),
                            /*padPastEnd=*/true);
    input = windows.getInput();
  }
  SmallVector<Value> inputs{input};
  AffineExpr weightTile;
  tile::Broadcast weightBcast = tile::Broadcast::none;
  if (weights) {
    inputs.push_back(weights);
    TiledView w = TiledView::of(weights.getType());
    weightTile = broadcastTileIndex(w, in, inBatch, inMt, inNt);
    weightBcast = inTileBroadcast(w, in);
  }
  unsigned biasInput = inputs.size();
  if (Value bias = op.getBias())
    inputs.push_back(bias);

  tile::DataFormat format = formatOf(input);
  std::string name = ("reduce_" + graph::stringifyReduceKind(op.getKind())).str();
  DispatchBuilder db(b, op.getLoc(), name, splitOverCores(out.tiles(), opts.chip), inputs,
                     {op.getType()}, opts);
  // The reader fetches a batch of tiles per DRAM round trip, so that the latency of one is not
  // paid per tile; compute takes them one by one.
  int64_t batch = 1;
  for (int64_t d = 1; d <= std::min<int64_t>(steps, 8); ++d)
    if (steps % d == 0)
      batch = d;
  Value cbIn = db.cb(format, 2 * batch), cbTmp = db.cb(format, 2), cbRows = db.cb(format, 1),
        cbOut = db.cb(formatOf(op.getResult()), 2);
  Value cbWeights = weights ? db.cb(formatOf(weights), 2 * batch) : Value();
  // A fused bias: its row for the unit's columns, and the sum it is added to (the FPU adds from
  // two buffers).
  Value bias = op.getBias();
  Value cbBias = bias ? db.cb(formatOf(bias), 2) : Value();
  Value cbSum = bias ? db.cb(formatOf(op.getResult()), 1) : Value();
  int64_t perCore = db.split().perCore;

  db.kernel(noc::ThreadKind::reader);
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
    // The bias row is needed last: its read overlaps the input's, whose barriers cover it.
    if (bias) {
      db.reserve(cbBias, 1);
      db.readFirstRow(db.input(biasInput), db.apply(ont, unit), cbBias, db.index(0));
    }
    db.loop(steps / batch, [&](Value group) {
      db.reserve(cbIn, batch);
      if (weights)
        db.reserve(cbWeights, batch);
      db.loop(batch, [&](Value i) {
        Value step = db.apply(d0 * batch + d1, {group, i});
        if (gather)
          emitTileGather(db, *gather, db.input(0), db.apply(inTile, {unit, step}), cbIn, i);
        else
          db.read(db.input(0), db.apply(inTile, {unit, step}), cbIn, i);
        if (weights && weightBcast == tile::Broadcast::rows)
          db.readFirstRow(db.input(1), db.apply(weightTile, {unit, step}), cbWeights, i);
        else if (weights)
          db.read(db.input(1), db.apply(weightTile, {unit, step}), cbWeights, i);
      });
      db.barrier();
      db.push(cbIn, batch);
      if (weights)
        db.push(cbWeights, batch);
    });
    if (bias)
      db.push(cbBias, 1);
  });

  db.kernel(noc::ThreadKind::compute);
  auto reduce = [&](int64_t dim, Value src, Value dst, bool accumulate) {
    db.reduce(plan.kind, dim, src, dst, accumulate);
  };
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0), one = db.index(1);
    db.acquireDst();
    if (plan.identity != 0)
      db.mask(zero, zero, zero, plan.identity); // all of Dst[0] to the identity
    db.loop(steps, [&](Value step) {
      db.wait(cbIn, 1);
      Value src = db.get(cbIn, zero);
      bool staged = plan.pre || maskInput || !inTileReduce;
      if (weights) {
        db.wait(cbWeights, 1);
        db.binary(tile::BinaryKind::mul, weightBcast, src, db.get(cbWeights, zero), one);
        db.pop(cbWeights, 1);
      } else if (staged) {
        db.copy(src, one);
      }
      if (staged) {
        if (plan.pre)
          db.unary(*plan.pre, one);
        if (maskInput)
          db.mask(one, db.apply(in.rows - inMt * 32, {unit, step}),
               db.apply(in.cols - inNt * 32, {unit, step}), plan.identity);
      }
      if (!inTileReduce) {
        db.dstBinary(combineKind(plan.kind), zero, one, zero);
      } else if (staged) {
        // REDUCE reads from a circular buffer: stage the prepared tile through one.
        db.reserve(cbTmp, 1);
        db.pack(one, cbTmp, zero);
        db.push(cbTmp, 1);
        db.wait(cbTmp, 1);
        reduce(redN ? 0 : 1, db.get(cbTmp, zero), zero, true);
        db.pop(cbTmp, 1);
      } else {
        reduce(redN ? 0 : 1, src, zero, true);
      }
      db.pop(cbIn, 1);
    });
    if (redN && redM) {
      db.reserve(cbRows, 1);
      db.pack(zero, cbRows, zero);
      db.push(cbRows, 1);
      db.wait(cbRows, 1);
      reduce(1, db.get(cbRows, zero), zero, false);
      db.pop(cbRows, 1);
    }
    if (op.getKind() == graph::ReduceKind::mean)
      db.unary(tile::UnaryKind::scale, zero, 1.0f / (float)count);
    if (plan.post)
      db.unary(*plan.post, zero);
    if (bias) {
      db.reserve(cbSum, 1);
      db.pack(zero, cbSum, zero);
      db.push(cbSum, 1);
      db.wait(cbSum, 1);
      db.wait(cbBias, 1);
      db.binary(tile::BinaryKind::add, tile::Broadcast::rows, db.get(cbSum, zero),
                db.get(cbBias, zero), zero);
      db.pop(cbSum, 1);
      db.pop(cbBias, 1);
    }
    if (std::optional<graph::UnaryKind> act = op.getActivation())
      db.activation(*act, op.getAlpha().convertToFloat(), op.getBeta().convertToFloat(), zero);
    db.mask(zero, db.apply(out.rows - omt * 32, unit), db.apply(out.cols - ont * 32, unit), 0.0f);
    db.reserve(cbOut, 1);
    db.pack(zero, cbOut, zero);
    db.push(cbOut, 1);
    db.releaseDst();
  });

  db.kernel(noc::ThreadKind::writer);
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0);
    db.wait(cbOut, 1);
    db.write(cbOut, zero, db.output(0), unit);
    db.flush();
    db.pop(cbOut, 1);
  });
  return db.results()[0];
}
