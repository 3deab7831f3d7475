// Data movement between tile positions (graph.reshape, and transposes that cross the tile
// dims): the reader assembles each output tile from runs of input values, then compute masks
// the padding and packs it. A run of values moves at once when consecutive columns of an output
// tile row come from one tile row of the input: 32 when the last dim maps onto itself or onto the
// channels of a channels-last window, fewer (a power of two) when that divides both last dims;
// otherwise value by value. An output tile that is an input tile in place moves in one run.
#include "Lowerings.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

TileGather tessel::lowering::planTileGather(RankedTensorType outType, RankedTensorType inType,
                                            ArrayRef<AffineExpr> inputIndex,
                                            std::optional<float> padding,
                                            ArrayRef<AffineExpr> guards,
                                            ArrayRef<int64_t> guardBounds, bool padPastEnd,
                                            bool zeroPaddedInput) {
  MLIRContext *ctx = outType.getContext();
  TiledView out = TiledView::of(outType), in = TiledView::of(inType);
  ArrayRef<int64_t> outShape = outType.getShape(), inShape = inType.getShape();
  int64_t outRank = outShape.size(), inRank = inShape.size();
  TileGather g;
  g.runLength = graph::gatherRunLength(outShape, inShape, inputIndex, guards, guardBounds);
  g.fill = padding.value_or(0.0f);
  // A narrow output reads only its own columns; wider ones fill the padding of their last tile
  // from wrapped-around columns, which compute masks. With padPastEnd they are padding too.
  g.columns = padPastEnd ? 32 : std::min<int64_t>(32, out.cols);

  // Output multi-index of (unit u, row r, column c) of the output tile. Padding columns wrap
  // onto real values so that every read stays in bounds (they ride in the runs of real ones),
  // or read the padding; padding rows, a request each, always read it (a tile of 4 real rows,
  // as attention's grouped heads at decode, then costs 4 requests, not 32).
  AffineExpr u = getAffineDimExpr(0, ctx), r = getAffineDimExpr(1, ctx), c = getAffineDimExpr(2, ctx);
  AffineExpr batch = u.floorDiv(out.mt * out.nt);
  AffineExpr m = (u.floorDiv(out.nt) % out.mt) * 32 + r, n = (u % out.nt) * 32 + c;
  if (!padPastEnd)
    n = n % out.cols;
  SmallVector<AffineExpr> outIdx;
  SmallVector<int64_t> batchStrides = graph::rowMajorStrides(out.batchShape);
  for (size_t k = 0; k < out.batchShape.size(); ++k)
    outIdx.push_back(batch.floorDiv(batchStrides[k]) % out.batchShape[k]);
  if (outRank >= 2)
    outIdx.push_back(m);
  if (outRank >= 1)
    outIdx.push_back(n);
  SmallVector<AffineExpr> idx;
  for (AffineExpr e : inputIndex)
    idx.push_back(e.replaceDims(outIdx));

  // Input tile and position within it.
  SmallVector<int64_t> inBatchStrides = graph::rowMajorStrides(in.batchShape);
  AffineExpr inBatch = getAffineConstantExpr(0, ctx);
  for (size_t k = 0; k < in.batchShape.size(); ++k)
    inBatch = inBatch + idx[k] * inBatchStrides[k];
  AffineExpr inRow = inRank >= 2 ? idx[inRank - 2] : getAffineConstantExpr(0, ctx);
  AffineExpr inCol = inRank >= 1 ? idx[inRank - 1] : getAffineConstantExpr(0, ctx);
  g.inTile = (inBatch * in.mt + inRow.floorDiv(32)) * in.nt + inCol.floorDiv(32);
  g.inOffset = (inRow % 32) * 32 + inCol % 32;

  // Non-zero exactly when some index leaves the input, some guard its bound or (padPastEnd)
  // the position the output: each contributes its distance in whole sizes (`index floordiv
  // size`, 0 inside), weighted by powers of a base above twice the largest distance, and such a
  // sum is zero only when every term is (the lowest non-zero one is not a multiple of the base).
  // Distances come from the indices' ranges over the output's tiles; an index of unknown range
  // is taken to stay within [-2 * size, 3 * size).
  g.outside = getAffineConstantExpr(0, ctx);
  SmallVector<std::pair<AffineExpr, int64_t>> checks; // over the output's dims
  // An input whose tiles are zero past its end reads its own padding where the gather's is zero.
  bool readsPadding = zeroPaddedInput && padding && *padding == 0.0f;
  if (padding)
    for (int64_t k = 0; k < inRank; ++k)
      checks.push_back({inputIndex[k], readsPadding && k + 2 >= inRank
                                           ? int64_t(llvm::alignTo(inShape[k], 32))
                                           : inShape[k]});
  if (padding)
    for (auto [e, bound] : llvm::zip(guards, guardBounds))
      checks.push_back({e, bound});
  SmallVector<int64_t> rangeShape(outShape);
  for (int64_t k = std::max<int64_t>(0, outRank - 2); k < outRank; ++k) {
    if (!padPastEnd && k == outRank - 1)
      continue;
    checks.push_back({getAffineDimExpr(k, ctx), outShape[k]});
    rangeShape[k] = llvm::alignTo(outShape[k], 32);
  }
  int64_t base = 3;
  for (auto [e, size] : checks)
    if (std::optional<std::pair<int64_t, int64_t>> range = graph::affineRange(e, rangeShape))
      base = std::max(base, 2 * std::max(std::abs(llvm::divideFloorSigned(range->first, size)),
                                         std::abs(llvm::divideFloorSigned(range->second, size))) +
                                1);
  int64_t weight = 1;
  for (auto [e, size] : checks) {
    g.outside = g.outside + e.replaceDims(outIdx).floorDiv(size) * weight;
    weight *= base;
  }
  // An output tile that is an input tile in place (wholeTileView), the whole of it inside the
  // input or outside it (no guards, no padding of the output's own, the input's last tiles zero
  // past its end or it ends on whole tiles): one run of the whole tile, one request, not 32.
  bool inputWhole = inRank >= 2 && inShape[inRank - 2] % 32 == 0 && inShape[inRank - 1] % 32 == 0;
  if (outRank >= 2 && guards.empty() && out.rows % 32 == 0 && out.cols % 32 == 0 &&
      (readsPadding || inputWhole) &&
      wholeTileView(AffineMap::get(outRank, 0, inputIndex, ctx), outShape, inShape) == false) {
    AffineExpr zero = getAffineConstantExpr(0, ctx);
    g.runLength = TileGather::kWholeTile;
    g.inTile = simplifyAffineExpr(g.inTile.replaceDims({u, zero, zero}), 1, 0);
    g.inOffset = zero;
    g.outside = simplifyAffineExpr(g.outside.replaceDims({u, zero, zero}), 1, 0);
  }
  return g;
}

FailureOr<Value> tessel::lowering::lowerGather(OpBuilder &b, Operation *op, Value input,
                                               ArrayRef<AffineExpr> inputIndex, StringRef name,
                                               const LoweringOptions &opts,
                                               std::optional<float> padding,
                                               ArrayRef<AffineExpr> guards,
                                               ArrayRef<int64_t> guardBounds) {
  MLIRContext *ctx = b.getContext();
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  TiledView out = TiledView::of(outType);
  // The runtime writes a function's arguments with their tiles' padding zero.
  auto argument = dyn_cast<BlockArgument>(input);
  bool zeroPadded = argument && isa<func::FuncOp>(argument.getOwner()->getParentOp());
  TileGather gather = planTileGather(outType, cast<RankedTensorType>(input.getType()), inputIndex,
                                     padding, guards, guardBounds, /*padPastEnd=*/false,
                                     zeroPadded);
  AffineExpr u = getAffineDimExpr(0, ctx);
  TileMapping mapping;
  mapping.gather(gather);
  mapping.outputTile = u;
  DispatchBuilder db(b, op->getLoc(), name, splitOverCores(out.tiles(), opts.chip), {input},
                     {outType}, opts);
  AffineExpr mt = u.floorDiv(out.nt) % out.mt, nt = u % out.nt;
  buildTileLoop(db, mapping, formatOf(op->getResult(0)),
                [&](ArrayRef<Value> tiles, Value unit, Value dst) {
    db.copy(tiles[0], dst);
    db.mask(dst, db.apply(out.rows - mt * 32, unit), db.apply(out.cols - nt * 32, unit), 0.0f);
  });
  return db.results()[0];
}

FailureOr<Value> tessel::lowering::lowerReshape(OpBuilder &b, graph::ReshapeOp op, const LoweringOptions &opts) {
  SmallVector<AffineExpr> inputIndex = graph::reshapeIndex(
      op.getInput().getType().getShape(), op.getType().getShape(), op.getContext());
  return lowerGather(b, op, op.getInput(), inputIndex, "reshape", opts);
}
