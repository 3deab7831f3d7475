// Data movement between tile positions (graph.reshape, and transposes that cross the tile
// dims): the reader assembles each output tile from runs of input values, then compute masks
// the padding and packs it. A run of values moves at once when consecutive columns of an output
// tile row come from one tile row of the input: 32 when the last dim maps onto itself or onto the
// channels of a channels-last window, fewer (a power of two) when that divides both last dims;
// otherwise value by value.
#include "DispatchBuilder.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

namespace {
/// How an index expression varies along a run of `length` output columns starting at a multiple
/// of `length`: not at all, by one per column from a multiple of `length`, or otherwise.
enum class RunShape { Fixed, Aligned, Other };
} // namespace

/// The RunShape of `e` in `col`, the last output dim, for runs of `length` (a power of two):
/// `col floordiv K` is fixed along the run and `col mod K` aligned, for K a multiple of `length`.
static RunShape runShape(AffineExpr e, AffineExpr col, int64_t length) {
  if (e == col)
    return RunShape::Aligned;
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return RunShape::Fixed;
  RunShape l = runShape(bin.getLHS(), col, length), r = runShape(bin.getRHS(), col, length);
  if (l == RunShape::Fixed && r == RunShape::Fixed)
    return RunShape::Fixed;
  if (l == RunShape::Other || r == RunShape::Other)
    return RunShape::Other;
  auto k = dyn_cast<AffineConstantExpr>(bin.getRHS());
  bool blockDivisor = k && k.getValue() > 0 && k.getValue() % length == 0;
  switch (e.getKind()) {
  case AffineExprKind::Add: {
    // Aligned plus a fixed multiple of 32.
    if (l == RunShape::Aligned && r == RunShape::Aligned)
      return RunShape::Other;
    AffineExpr fixed = l == RunShape::Fixed ? bin.getLHS() : bin.getRHS();
    return fixed.getLargestKnownDivisor() % length == 0 ? RunShape::Aligned : RunShape::Other;
  }
  case AffineExprKind::Mul:
    return k && k.getValue() == 1 ? RunShape::Aligned : RunShape::Other;
  case AffineExprKind::FloorDiv:
    return blockDivisor ? RunShape::Fixed : RunShape::Other;
  case AffineExprKind::Mod:
    return blockDivisor ? RunShape::Aligned : RunShape::Other;
  default:
    return RunShape::Other;
  }
}

FailureOr<Value> tessel::lowering::lowerGather(Operation *op, Value input,
                                               ArrayRef<AffineExpr> inputIndex, StringRef name,
                                               const LoweringOptions &opts,
                                               std::optional<float> padding,
                                               ArrayRef<AffineExpr> guards,
                                               ArrayRef<int64_t> guardBounds) {
  OpBuilder b(op);
  MLIRContext *ctx = b.getContext();
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  auto inType = cast<RankedTensorType>(input.getType());
  TiledView out = TiledView::of(outType), in = TiledView::of(inType);
  ArrayRef<int64_t> outShape = outType.getShape(), inShape = inType.getShape();
  int64_t outRank = outShape.size(), inRank = inShape.size();

  // The last dim maps onto itself: rows of 32 values keep their columns.
  AffineExpr lastOut = outRank ? getAffineDimExpr(outRank - 1, ctx) : AffineExpr();
  bool rowSpans = outRank && inRank && outShape.back() == inShape.back() &&
                  inputIndex.back() == lastOut;
  for (int64_t k = 0; rowSpans && k + 1 < inRank; ++k)
    rowSpans = !inputIndex[k].isFunctionOfDim(outRank - 1);
  for (AffineExpr g : guards)
    rowSpans = rowSpans && !g.isFunctionOfDim(outRank - 1);
  // Or runs of a power of two columns that divides both last dims, each output run reading one
  // aligned input run: 32 channels of a channels-last window, or 4 of a stem's padded 3.
  int64_t runLength = rowSpans ? 32 : 1;
  for (int64_t length = 32; runLength == 1 && length > 1 && outRank && inRank; length /= 2) {
    if (outShape.back() % length || inShape.back() % length)
      continue;
    bool runs = runShape(inputIndex.back(), lastOut, length) == RunShape::Aligned;
    for (AffineExpr e : llvm::concat<const AffineExpr>(inputIndex.drop_back(), guards))
      runs = runs && runShape(e, lastOut, length) == RunShape::Fixed;
    if (runs)
      runLength = length;
  }

  // Output multi-index of (unit u, row r, column c) of the output tile; padding rows and
  // columns wrap onto real values (compute masks them) so that every read stays in bounds.
  AffineExpr u = getAffineDimExpr(0, ctx), r = getAffineDimExpr(1, ctx), c = getAffineDimExpr(2, ctx);
  AffineExpr batch = u.floorDiv(out.mt * out.nt);
  AffineExpr m = ((u.floorDiv(out.nt) % out.mt) * 32 + r) % out.rows;
  AffineExpr n = ((u % out.nt) * 32 + c) % out.cols;
  SmallVector<AffineExpr> outIdx;
  SmallVector<int64_t> batchStrides = graph::rowMajorStrides(out.batchShape);
  for (size_t k = 0; k < out.batchShape.size(); ++k)
    outIdx.push_back(batch.floorDiv(batchStrides[k]) % out.batchShape[k]);
  if (outRank >= 2)
    outIdx.push_back(m);
  if (outRank >= 1)
    outIdx.push_back(n);
  SmallVector<AffineExpr> idx, guardIdx;
  for (AffineExpr e : inputIndex)
    idx.push_back(e.replaceDims(outIdx));
  for (AffineExpr e : guards)
    guardIdx.push_back(e.replaceDims(outIdx));

  // Input tile and position within it.
  SmallVector<int64_t> inBatchStrides = graph::rowMajorStrides(in.batchShape);
  AffineExpr inBatch = getAffineConstantExpr(0, ctx);
  for (size_t k = 0; k < in.batchShape.size(); ++k)
    inBatch = inBatch + idx[k] * inBatchStrides[k];
  AffineExpr inRow = inRank >= 2 ? idx[inRank - 2] : getAffineConstantExpr(0, ctx);
  AffineExpr inCol = inRank >= 1 ? idx[inRank - 1] : getAffineConstantExpr(0, ctx);
  AffineExpr inTile = (inBatch * in.mt + inRow.floorDiv(32)) * in.nt + inCol.floorDiv(32);
  AffineExpr inOffset = (inRow % 32) * 32 + inCol % 32;
  // Non-zero exactly when some index leaves the input or some guard its bound: each contributes
  // its distance in whole sizes (`index floordiv size`, 0 inside), weighted by powers of a base
  // above twice the largest distance, and such a sum is zero only when every term is (the lowest
  // non-zero one is not a multiple of the base). Distances come from the indices' ranges over
  // the output; an index of unknown range is taken to stay within [-2 * size, 3 * size).
  AffineExpr outside = getAffineConstantExpr(0, ctx);
  if (padding) {
    SmallVector<std::pair<AffineExpr, int64_t>> checks;
    for (int64_t k = 0; k < inRank; ++k)
      checks.push_back({inputIndex[k], inShape[k]});
    for (auto [g, bound] : llvm::zip(guards, guardBounds))
      checks.push_back({g, bound});
    int64_t base = 3;
    for (auto [e, size] : checks)
      if (std::optional<std::pair<int64_t, int64_t>> r = graph::affineRange(e, outShape))
        base = std::max(base, 2 * std::max(std::abs(llvm::divideFloorSigned(r->first, size)),
                                           std::abs(llvm::divideFloorSigned(r->second, size))) + 1);
    int64_t weight = 1;
    for (auto [k, check] : llvm::enumerate(checks)) {
      AffineExpr e = k < (size_t)inRank ? idx[k] : guardIdx[k - inRank];
      outside = outside + e.floorDiv(check.second) * weight;
      weight *= base;
    }
  }
  FloatAttr fill = b.getF32FloatAttr(padding.value_or(0.0f));

  TileMapping mapping;
  mapping.inputTiles.push_back(getAffineConstantExpr(0, ctx));
  mapping.outputTile = u;
  DispatchBuilder db(b, op->getLoc(), name, splitOverCores(out.tiles(), opts.chip), {input},
                     {outType}, opts);
  auto assemble = [&](Value unit, Value cb) {
    Value zero = db.index(0);
    db.loop(32, [&](Value row) {
      // Each run's addresses are those of its first column.
      auto readRun = [&](Value col) {
        db.builder().create<noc::ReadSpanOp>(
            db.location(), db.input(0), db.apply(inTile, {unit, row, col}),
            db.apply(inOffset, {unit, row, col}), cb, zero,
            db.apply(r * 32 + c, {unit, row, col}), db.index(runLength),
            db.apply(outside, {unit, row, col}), fill);
      };
      if (runLength == 32)
        return readRun(zero);
      // A narrow output reads only its own columns; wider ones fill the padding of their last
      // tile from wrapped-around columns, which compute masks.
      int64_t columns = std::min<int64_t>(32, out.cols);
      AffineExpr d0 = getAffineDimExpr(0, ctx);
      db.loop((columns + runLength - 1) / runLength,
              [&](Value run) { readRun(db.apply(d0 * runLength, run)); });
    });
  };
  AffineExpr mt = u.floorDiv(out.nt) % out.mt, nt = u % out.nt;
  buildTileStreaming(
      db, mapping, {formatOf(input)}, formatOf(op->getResult(0)),
      [&](ArrayRef<Value> tiles, Value unit, Value dst) {
        db.copy(tiles[0], dst);
        db.mask(dst, db.apply(out.rows - mt * 32, unit), db.apply(out.cols - nt * 32, unit), 0.0f);
      },
      assemble);
  return db.results()[0];
}

FailureOr<Value> tessel::lowering::lowerReshape(graph::ReshapeOp op, const LoweringOptions &opts) {
  SmallVector<AffineExpr> inputIndex = graph::reshapeIndex(
      op.getInput().getType().getShape(), op.getType().getShape(), op.getContext());
  return lowerGather(op, op.getInput(), inputIndex, "reshape", opts);
}
