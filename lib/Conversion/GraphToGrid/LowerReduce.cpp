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
  int64_t nm = redM ? in.mt : 1, nn = redN ? in.nt : 1, stepCount = nb * nm * nn;

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

  tile::DataFormat format = formatOf(input), outFormat = formatOf(op.getResult());
  std::string name = ("reduce_" + graph::stringifyReduceKind(op.getKind())).str();
  DispatchBuilder db(b, op.getLoc(), name, splitOverCores(out.tiles(), opts.chip), inputs,
                     {op.getType()}, opts);
  Value bias = op.getBias();
  auto reduce = [&](int64_t dim, Value src, Value dst, bool accumulate) {
    db.reduce(plan.kind, dim, src, dst, accumulate);
  };
  // Per unit: the accumulator starts at the reduction's identity, each step folds one input
  // tile into it, and the result is finished (scaled, biased, activated, masked) and stored.
  // The accumulator is a tile of Dst's format: the kernels keep it in Dst.
  db.tileLoop();
  db.loop(db.split().perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    // Only its first row: the FPU adds it to every row.
    Value biasTile = bias ? db.load(db.input(biasInput), db.apply(ont, unit), u, true) : Value();
    Value init = db.compute({}, unit, opts.dstFormat, [&](ArrayRef<Value>, ArrayRef<Value>,
                                                          Value zero) {
      if (plan.identity != 0)
        db.mask(zero, zero, zero, plan.identity); // all of Dst[0] to the identity
    });
    auto steps = b.create<scf::ForOp>(op.getLoc(), db.index(0), db.index(stepCount), db.index(1),
                                      ValueRange{init});
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToEnd(steps.getBody());
      Value step = steps.getInductionVar(), acc = steps.getRegionIterArgs().front();
      Value at = db.apply(inTile, {unit, step});
      SmallVector<Value> tiles{acc};
      tiles.push_back(gather ? db.gather(db.input(0), at, *gather) : db.load(db.input(0), at, u));
      if (weights)
        tiles.push_back(db.load(db.input(1), db.apply(weightTile, {unit, step}), u,
                                weightBcast == tile::Broadcast::rows));
      Value next = db.compute(tiles, {unit, step}, opts.dstFormat,
                              [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value zero) {
        Value one = db.index(1), src = t[1];
        db.copy(t[0], zero);
        bool staged = plan.pre || maskInput || !inTileReduce;
        if (weights)
          db.binary(tile::BinaryKind::mul, weightBcast, src, t[2], one);
        else if (staged)
          db.copy(src, one);
        if (staged) {
          if (plan.pre)
            db.unary(*plan.pre, one);
          if (maskInput)
            db.mask(one, db.apply(in.rows - inMt * 32, idx), db.apply(in.cols - inNt * 32, idx),
                    plan.identity);
        }
        if (!inTileReduce)
          db.dstBinary(combineKind(plan.kind), zero, one, zero);
        else
          // REDUCE reads a tile, not Dst: a prepared tile is packed first.
          reduce(redN ? 0 : 1, staged ? db.packTile(one, format) : src, zero, true);
      });
      b.create<scf::YieldOp>(op.getLoc(), next);
    }
    SmallVector<Value> finishTiles{steps.getResult(0)};
    if (bias)
      finishTiles.push_back(biasTile);
    Value result = db.compute(finishTiles, unit, outFormat,
                              [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value zero) {
      db.copy(t[0], zero);
      if (redN && redM)
        reduce(1, db.packTile(zero, format), zero, false);
      if (op.getKind() == graph::ReduceKind::mean)
        db.unary(tile::UnaryKind::scale, zero, 1.0f / (float)count);
      if (plan.post)
        db.unary(*plan.post, zero);
      if (bias)
        db.binary(tile::BinaryKind::add, tile::Broadcast::rows, db.packTile(zero, outFormat),
                  t[1], zero);
      if (std::optional<graph::UnaryKind> act = op.getActivation())
        db.activation(*act, op.getAlpha().convertToFloat(), op.getBeta().convertToFloat(), zero);
      db.mask(zero, db.apply(out.rows - omt * 32, idx[0]), db.apply(out.cols - ont * 32, idx[0]),
              0.0f);
    });
    b.create<grid::StoreOp>(op.getLoc(), result, db.output(0), unit,
                            AffineMapAttr::get(AffineMap::getMultiDimIdentityMap(1, ctx)));
  });
  return db.results()[0];
}
