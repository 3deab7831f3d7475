// graph.reduce: each core takes output tiles; for each it streams every input tile that folds
// into it. Reducing the last axis uses REDUCE across columns, the second-to-last across rows
// (both: across columns, then the result tile across rows); reduced batch axes combine whole
// tiles on the SFPU. Dst starts at the reduction's identity, so every step accumulates.
#include "Lowerings.h"
#include "tessel/Transforms/ReducePlan.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

static tile::BinaryKind combineKind(tile::ReduceKind kind) {
  switch (kind) {
  case tile::ReduceKind::sum: return tile::BinaryKind::add;
  case tile::ReduceKind::max: return tile::BinaryKind::max;
  case tile::ReduceKind::min: return tile::BinaryKind::min;
  case tile::ReduceKind::prod: return tile::BinaryKind::mul;
  }
  return tile::BinaryKind::add;
}

namespace {
/// One reduce dispatch: per unit (an output tile), the accumulator starts at the reduction's
/// identity, each of `steps` steps folds one input tile into it, and the finish stores it.
struct ReduceDispatch {
  std::string name;
  RankedTensorType resultType;
  int64_t units = 1, steps = 1;
  /// The input tile of each step, over (d0 = unit, d1 = step), read from `input`, or assembled
  /// by `gather` from it.
  Value input;
  AffineExpr inTile;
  std::optional<TileGather> gather;
  /// A step reduces its tile across columns (0) or rows (1), or with neither adds (maxes, ...)
  /// whole tiles.
  std::optional<int64_t> reduceDim;
  std::optional<tile::UnaryKind> pre;
  /// The rows and columns of a step's tile that are real (over d0 = unit, d1 = step), where a
  /// partial tile reduces: the rest reads the identity.
  std::optional<std::pair<AffineExpr, AffineExpr>> maskInput;
  /// Multiplies each step's tile (the tile at `weightTile`, broadcast as `weightBcast`).
  Value weights;
  AffineExpr weightTile;
  tile::Broadcast weightBcast = tile::Broadcast::none;
  /// Whether the finish scales, applies the post op, bias and activation, and masks the
  /// output's padding; without, it stores the accumulator as it is (a partial result).
  bool finish = true;
};
} // namespace

static Value buildReduceDispatch(OpBuilder &b, graph::ReduceOp op, const LoweringOptions &opts,
                                 const ReduceDispatch &d) {
  // The dispatch's body takes the insertion point; the next dispatch goes after this one.
  OpBuilder::InsertionGuard guard(b);
  MLIRContext *ctx = b.getContext();
  ReducePlan plan = reducePlan(op.getKind());
  TiledView out = TiledView::of(op.getType());
  int64_t rank = op.getInput().getType().getRank();
  bool bothAxes = rank >= 2 && llvm::is_contained(op.getAxes(), rank - 1) &&
                  llvm::is_contained(op.getAxes(), rank - 2);
  int64_t count = 1;
  for (int64_t a : op.getAxes())
    count *= op.getInput().getType().getDimSize(a);
  AffineExpr u = getAffineDimExpr(0, ctx);
  AffineExpr omt = u.floorDiv(out.nt) % out.mt, ont = u % out.nt;

  SmallVector<Value> inputs{d.input};
  if (d.weights)
    inputs.push_back(d.weights);
  Value bias = d.finish ? op.getBias() : Value();
  unsigned biasInput = inputs.size();
  if (bias)
    inputs.push_back(bias);
  tile::DataFormat format = formatOf(d.input),
                   outFormat = grid::getLayout(d.resultType).getFormat();
  DispatchBuilder db(b, op.getLoc(), d.name, splitOverCores(d.units, opts.chip), inputs,
                     {d.resultType}, opts);
  if (Attribute config = op->getAttr(grid::kConfigAttrName))
    db.dispatchOp()->setAttr(grid::kConfigAttrName, config);
  db.tileLoop();
  db.loop(db.split().perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    // Only its first row: the FPU adds it to every row.
    Value biasTile = bias ? db.load(db.input(biasInput), db.apply(ont, unit), u, true) : Value();
    // The accumulator is a tile of Dst's format: the kernels keep it in Dst.
    Value init = db.compute({}, unit, opts.dstFormat, [&](ArrayRef<Value>, ArrayRef<Value>,
                                                          Value zero) {
      if (plan.identity != 0)
        db.mask(zero, zero, zero, plan.identity); // all of Dst[0] to the identity
    });
    auto steps = b.create<scf::ForOp>(op.getLoc(), db.index(0), db.index(d.steps), db.index(1),
                                      ValueRange{init});
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToEnd(steps.getBody());
      Value step = steps.getInductionVar(), acc = steps.getRegionIterArgs().front();
      Value at = db.apply(d.inTile, {unit, step});
      SmallVector<Value> tiles{acc};
      tiles.push_back(d.gather ? db.gather(db.input(0), at, *d.gather)
                               : db.load(db.input(0), at, u));
      if (d.weights)
        tiles.push_back(db.load(db.input(1), db.apply(d.weightTile, {unit, step}), u,
                                readsFirstRowOnly(d.weightBcast)));
      Value next = db.compute(tiles, {unit, step}, opts.dstFormat,
                              [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value zero) {
        Value one = db.index(1), src = t[1];
        db.copy(t[0], zero);
        bool staged = d.pre || d.maskInput || !d.reduceDim;
        if (d.weights)
          db.binary(tile::BinaryKind::mul, d.weightBcast, src, t[2], one);
        else if (staged)
          db.copy(src, one);
        if (staged) {
          if (d.pre)
            db.unary(*d.pre, one);
          if (d.maskInput)
            db.mask(one, db.apply(d.maskInput->first, idx), db.apply(d.maskInput->second, idx),
                    plan.identity);
        }
        if (!d.reduceDim)
          db.dstBinary(combineKind(plan.kind), zero, one, zero);
        else
          // REDUCE reads a tile, not Dst: a prepared tile is packed first.
          db.reduce(plan.kind, *d.reduceDim, staged ? db.packTile(one, format) : src, zero,
                    true);
      });
      b.create<scf::YieldOp>(op.getLoc(), next);
    }
    SmallVector<Value> finishTiles{steps.getResult(0)};
    if (bias)
      finishTiles.push_back(biasTile);
    Value result = db.compute(finishTiles, unit, outFormat,
                              [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value zero) {
      db.copy(t[0], zero);
      if (!d.finish)
        return;
      if (bothAxes)
        db.reduce(plan.kind, 1, db.packTile(zero, format), zero, false);
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

FailureOr<Value> tessel::lowering::lowerReduce(OpBuilder &b, graph::ReduceOp op, const LoweringOptions &opts) {
  MLIRContext *ctx = b.getContext();
  auto inType = op.getInput().getType();
  int64_t rank = inType.getRank();
  TiledView in = TiledView::of(inType), out = TiledView::of(op.getType());
  llvm::SmallDenseSet<int64_t> axes(op.getAxes().begin(), op.getAxes().end());
  bool redN = rank >= 1 && axes.contains(rank - 1), redM = rank >= 2 && axes.contains(rank - 2);
  ReducePlan plan = reducePlan(op.getKind());

  // Per unit (output tile), the input tiles it folds: reduced batch dims x row tiles x col tiles.
  int64_t nb = 1;
  for (int64_t k = 0; k + 2 < rank; ++k)
    if (axes.contains(k))
      nb *= inType.getDimSize(k);
  int64_t nm = redM ? in.mt : 1, nn = redN ? in.nt : 1;

  AffineExpr u = getAffineDimExpr(0, ctx), t = getAffineDimExpr(1, ctx);
  // With the rows split (grid.config), unit u of the first dispatch reduces run `u mod splits`
  // of output tile `u floordiv splits`'s row.
  auto config = op->getAttrOfType<grid::ReduceConfigAttr>(grid::kConfigAttrName);
  int64_t splits = config ? config.getSplits() : 1;
  if (config && (!redN || axes.size() != 1 || op.getWeights() || nn % splits))
    return op.emitError() << "reduce config " << config
                          << " splits rows of tiles, but this reduce is not of its last axis "
                             "alone, unweighted, over a multiple of "
                          << splits << " tiles";
  AffineExpr outTile = u.floorDiv(splits), run = u % splits;
  AffineExpr ob = outTile.floorDiv(out.mt * out.nt), omt = outTile.floorDiv(out.nt) % out.mt,
             ont = outTile % out.nt;
  AffineExpr ni = t % nn, mi = t.floorDiv(nn) % nm, bi = t.floorDiv(nn * nm);
  if (splits > 1)
    ni = run * (nn / splits) + t;
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

  ReduceDispatch d;
  d.name = ("reduce_" + graph::stringifyReduceKind(op.getKind())).str();
  d.resultType = op.getType();
  d.units = out.tiles() * splits;
  d.steps = nb * nm * nn / splits;
  d.input = op.getInput();
  d.inTile = (inBatch * in.mt + inMt) * in.nt + inNt;
  if (redN || redM)
    d.reduceDim = redN ? 0 : 1;
  d.pre = plan.pre;
  bool partialReduced = (redN && in.cols % 32) || (redM && in.rows % 32);
  if (partialReduced && plan.masksPartialTiles())
    d.maskInput = std::make_pair(in.rows - inMt * 32, in.cols - inNt * 32);
  // Weights (over leading axes only, which the verifier ensures) multiply each input tile as it
  // arrives: the tile of the weights at the same place, broadcast as numpy would.
  if ((d.weights = op.getWeights())) {
    TiledView w = TiledView::of(d.weights.getType());
    d.weightTile = broadcastTileIndex(w, in, inBatch, inMt, inNt);
    d.weightBcast = inTileBroadcast(w, in);
  }
  // Windows gathered by the reader from the remap's input: positions outside it, and rows and
  // columns past the windows' end, read the remap's padding.
  if (op->hasAttr(grid::kGatherInputAttrName)) {
    auto windows = d.input.getDefiningOp<graph::RemapOp>();
    if (!windows)
      return op.emitError() << "reduce has " << grid::kGatherInputAttrName
                            << " but its input is no graph.remap";
    d.gather = planTileGather(windows.getType(), windows.getInput().getType(),
                              windows.getMap().getResults(), windows.getPadding().convertToFloat(),
                              windows.getGuardExprs(),
                              windows.getGuardBounds().value_or(ArrayRef<int64_t>()),
                              /*padPastEnd=*/true);
    d.input = windows.getInput();
  }
  if (splits == 1)
    return buildReduceDispatch(b, op, opts, d);

  // Each run's partial tile, in L1 (output tile u's at u * splits + run), then a dispatch
  // that combines each output tile's runs and finishes it.
  grid::LayoutAttr outLayout = grid::getLayout(op.getType());
  tile::DataFormat partialFormat =
      opts.dstFormat == tile::DataFormat::f32 ? tile::DataFormat::f32 : outLayout.getFormat();
  auto partialType = RankedTensorType::get({d.units * 32, 32}, op.getType().getElementType(),
                                           grid::LayoutAttr::getInterleaved(ctx, partialFormat));
  d.resultType = withMemory(partialType, grid::MemorySpace::l1);
  d.finish = false;
  Value partials = buildReduceDispatch(b, op, opts, d);
  ReduceDispatch combine;
  combine.name = d.name + "_combine";
  combine.resultType = op.getType();
  combine.units = out.tiles();
  combine.steps = splits;
  combine.input = partials;
  combine.inTile = u * splits + t;
  return buildReduceDispatch(b, op, opts, combine);
}
