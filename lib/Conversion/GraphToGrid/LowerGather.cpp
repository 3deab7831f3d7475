// Data movement between tile positions (graph.reshape, and transposes that cross the tile
// dims): the reader assembles each output tile from runs of input values, then compute masks
// the padding and packs it. A whole row of 32 values moves at once when the last dim maps onto
// itself; otherwise value by value.
#include "DispatchBuilder.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

/// Row-major strides of `shape`.
static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

FailureOr<Value> tessel::lowering::lowerGather(Operation *op, Value input,
                                               ArrayRef<AffineExpr> inputIndex, StringRef name,
                                               const LoweringOptions &opts,
                                               std::optional<float> padding) {
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

  // Output multi-index of (unit u, row r, column c) of the output tile; padding rows and
  // columns wrap onto real values (compute masks them) so that every read stays in bounds.
  AffineExpr u = getAffineDimExpr(0, ctx), r = getAffineDimExpr(1, ctx), c = getAffineDimExpr(2, ctx);
  AffineExpr batch = u.floorDiv(out.mt * out.nt);
  AffineExpr m = ((u.floorDiv(out.nt) % out.mt) * 32 + r) % out.rows;
  AffineExpr n = ((u % out.nt) * 32 + c) % out.cols;
  SmallVector<AffineExpr> outIdx;
  SmallVector<int64_t> batchStrides = stridesOf(out.batchShape);
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
  SmallVector<int64_t> inBatchStrides = stridesOf(in.batchShape);
  AffineExpr inBatch = getAffineConstantExpr(0, ctx);
  for (size_t k = 0; k < in.batchShape.size(); ++k)
    inBatch = inBatch + idx[k] * inBatchStrides[k];
  AffineExpr inRow = inRank >= 2 ? idx[inRank - 2] : getAffineConstantExpr(0, ctx);
  AffineExpr inCol = inRank >= 1 ? idx[inRank - 1] : getAffineConstantExpr(0, ctx);
  AffineExpr inTile = (inBatch * in.mt + inRow.floorDiv(32)) * in.nt + inCol.floorDiv(32);
  AffineExpr inOffset = (inRow % 32) * 32 + inCol % 32;
  // Non-zero exactly when some index leaves the input: each dim contributes its distance in
  // whole dim sizes (0 inside), weighted by powers of 3. While every index stays within
  // [-2 * size, 3 * size) each contribution lies in [-2, 2], and such a sum is zero only when
  // all of them are (the lowest non-zero one is not a multiple of 3).
  AffineExpr outside = getAffineConstantExpr(0, ctx);
  if (padding) {
    int64_t weight = 1;
    for (int64_t k = 0; k < inRank; ++k) {
      outside = outside + ((idx[k] + inShape[k]).floorDiv(inShape[k]) - 1) * weight;
      weight *= 3;
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
      if (rowSpans) {
        db.builder().create<noc::ReadSpanOp>(
            db.location(), db.input(0), db.apply(inTile, {unit, row, zero}),
            db.apply(inOffset, {unit, row, zero}), cb, zero, db.apply(r * 32, {unit, row, zero}),
            db.index(32), db.apply(outside, {unit, row, zero}), fill);
        return;
      }
      db.loop(32, [&](Value col) {
        db.builder().create<noc::ReadSpanOp>(
            db.location(), db.input(0), db.apply(inTile, {unit, row, col}),
            db.apply(inOffset, {unit, row, col}), cb, zero,
            db.apply(r * 32 + c, {unit, row, col}), db.index(1),
            db.apply(outside, {unit, row, col}), fill);
      });
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
  MLIRContext *ctx = op.getContext();
  ArrayRef<int64_t> outShape = op.getType().getShape(), inShape = op.getInput().getType().getShape();
  SmallVector<int64_t> outStrides = stridesOf(outShape), inStrides = stridesOf(inShape);
  // When the last dim is kept, index rows rather than values so that whole rows move at once.
  bool keepLast = !outShape.empty() && !inShape.empty() && outShape.back() == inShape.back();
  int64_t unit = keepLast ? outShape.back() : 1;
  size_t outDims = outShape.size() - (keepLast ? 1 : 0), inDims = inShape.size() - (keepLast ? 1 : 0);
  AffineExpr linear = getAffineConstantExpr(0, ctx);
  for (size_t k = 0; k < outDims; ++k)
    linear = linear + getAffineDimExpr(k, ctx) * (outStrides[k] / unit);
  SmallVector<AffineExpr> inputIndex;
  for (size_t k = 0; k < inDims; ++k)
    inputIndex.push_back(linear.floorDiv(inStrides[k] / unit) % inShape[k]);
  if (keepLast)
    inputIndex.push_back(getAffineDimExpr(outShape.size() - 1, ctx));
  return lowerGather(op, op.getInput(), inputIndex, "reshape", opts);
}
