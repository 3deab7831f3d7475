// ConvTranspose and other window ops built from Conv's pieces.
//
// A ConvTranspose is a Conv (stride 1, the same dilations) over the input with strides - 1 zeros
// inserted between its values and padded by dilation * (kernel - 1) - pad at the beginning, with
// the kernel flipped and its in/out channels swapped per group. The convolution is Conv's im2col
// (a graph.remap) and one batched matmul.
//
// Zero insertion is not an affine map. A remap could still test "on the stride lattice" with
// floordiv/ceildiv, but it only tells a read outside its input apart (and returns the padding)
// while the index stays within two dim sizes below and three above: padding by
// dilation * (kernel - 1) around a small input (a 1x1 latent grown to 4x4, say) breaks that. So
// every axis with a stride, or a padding out of the remap's reach, is first dilated and padded by
// a constant 0/1 matrix applied along it (alongAxis, a matmul on the chip); it costs one pass of
// size (padded length x input length) per line, small next to the convolution's own matmul
// (output positions x in-channels x kernel taps x out-channels). Other axes are padded by the
// im2col remap itself at no cost.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;


/// Where output position 0 starts on the full (unpadded) transposed-convolution output, per
/// spatial axis: the begin pads, given explicitly or derived from the output shape.
static FailureOr<SmallVector<int64_t>>
transposeBeginPads(NodeContext &ctx, ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                   ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                   ArrayRef<int64_t> dilations, ArrayRef<int64_t> outputPadding) {
  size_t k = kernel.size();
  std::string autoPad = ctx.attr("auto_pad") ? ctx.attr("auto_pad")->s() : "NOTSET";
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return ctx.emitError() << "unknown auto_pad '" << autoPad << "'";
  bool fromShape = ctx.attr("output_shape") || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!fromShape) {
    if (autoPad == "VALID")
      return SmallVector<int64_t>(k, 0);
    return intsAttr(ctx, "pads", k, 0);
  }
  // The output shape (inferred from output_shape or SAME) fixes the total padding; an output
  // longer than the full result is zero-filled (plus bias) at its end, as onnxruntime does.
  SmallVector<int64_t> pads(k);
  for (size_t i = 0; i < k; ++i) {
    int64_t total = std::max<int64_t>(strides[i] * (in[i] - 1) + outputPadding[i] +
                                          (kernel[i] - 1) * dilations[i] + 1 - out[i],
                                      0);
    pads[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
  }
  return pads;
}

/// The input dilated by `stride` and shifted by `offset` along `axis`, to `length` positions:
/// result[t] = x[i] where t = i * stride + offset, 0 elsewhere.
static Value dilateAlong(NodeContext &ctx, Value x, int64_t axis, int64_t length, int64_t stride,
                         int64_t offset) {
  int64_t size = cast<RankedTensorType>(x.getType()).getDimSize(axis);
  SmallVector<double> matrix(length * size, 0.0);
  for (int64_t i = 0; i < size; ++i) {
    int64_t t = i * stride + offset;
    if (t >= 0 && t < length)
      matrix[t * size + i] = 1.0;
  }
  return alongAxis(ctx, x, axis, length, matrix);
}

/// Weights [C, M/g, K...] as the flipped kernel of the equivalent Conv, [g, C/g * K, M/g].
static Value convWeights(NodeContext &ctx, Value w, int64_t groups) {
  auto type = cast<RankedTensorType>(w.getType());
  MLIRContext *mctx = ctx.builder.getContext();
  int64_t cg = type.getDimSize(0) / groups, mg = type.getDimSize(1), taps = 1;
  ArrayRef<int64_t> kernel = type.getShape().drop_front(2);
  for (int64_t kk : kernel)
    taps *= kk;
  AffineExpr dg = getAffineDimExpr(0, mctx), dq = getAffineDimExpr(1, mctx),
             dm = getAffineDimExpr(2, mctx);
  SmallVector<AffineExpr> index{dg * cg + dq.floorDiv(taps), dm};
  int64_t kStride = taps;
  for (int64_t size : kernel) {
    kStride /= size;
    index.push_back((size - 1) - dq.floorDiv(kStride) % size);
  }
  auto wtType = RankedTensorType::get({groups, cg * taps, mg}, type.getElementType());
  return remapOrFold(ctx, w, wtType, index);
}

static Result convertConvTranspose(NodeContext &ctx) {
  Value x = ctx.operands[0], w = ctx.operands[1];
  auto xType = cast<RankedTensorType>(x.getType()), wType = cast<RankedTensorType>(w.getType());
  RankedTensorType out = ctx.resultTypes[0];
  int64_t k = xType.getRank() - 2, groups = ctx.intAttr("group", 1);
  if (k < 1 || wType.getRank() != k + 2)
    return ctx.emitError() << "ConvTranspose needs [N, C, spatial...] input and weights";
  if (groups < 1 || xType.getDimSize(1) % groups || wType.getDimSize(0) != xType.getDimSize(1))
    return ctx.emitError() << "ConvTranspose's group " << groups
                           << " does not divide the channels evenly";
  int64_t mg = wType.getDimSize(1), m = mg * groups;
  SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
  if (ctx.attr("kernel_shape") && intsAttr(ctx, "kernel_shape", k, 0) != kernel)
    return ctx.emitError() << "ConvTranspose's kernel_shape does not match its weights";
  SmallVector<int64_t> strides = intsAttr(ctx, "strides", k, 1);
  SmallVector<int64_t> dil = intsAttr(ctx, "dilations", k, 1);
  SmallVector<int64_t> outPad = intsAttr(ctx, "output_padding", k, 0);
  ArrayRef<int64_t> inSpatial = xType.getShape().drop_front(2);
  ArrayRef<int64_t> outSpatial = out.getShape().drop_front(2);
  auto pads = transposeBeginPads(ctx, inSpatial, outSpatial, kernel, strides, dil, outPad);
  if (failed(pads))
    return failure();

  // Along each axis the Conv reads the dilated input at o + kk * d - offset.
  SmallVector<int64_t> offsets(k);
  for (int64_t i = 0; i < k; ++i) {
    int64_t offset = dil[i] * (kernel[i] - 1) - (*pads)[i];
    int64_t length = outSpatial[i] + dil[i] * (kernel[i] - 1), size = inSpatial[i];
    bool remapReaches = -offset >= -2 * size && length - 1 - offset < 3 * size;
    if (strides[i] == 1 && remapReaches) {
      offsets[i] = offset;
      continue;
    }
    x = dilateAlong(ctx, x, i + 2, length, strides[i], offset);
    offsets[i] = 0;
  }
  Value cols = windows(ctx, x, groups, outSpatial, kernel, SmallVector<int64_t>(k, 1), dil,
                       offsets, 0.0f);
  Value wt = convWeights(ctx, w, groups);
  auto colsType = cast<RankedTensorType>(cols.getType());
  auto prodType = RankedTensorType::get(
      {colsType.getDimSize(0), groups, colsType.getDimSize(2), mg}, out.getElementType());
  Value prod = ctx.builder.create<graph::MatMulOp>(ctx.loc, prodType, cols, wt);
  // [N, g, P, M/g] -> [N, M, O...].
  MLIRContext *mctx = ctx.builder.getContext();
  AffineExpr channel = getAffineDimExpr(1, mctx);
  SmallVector<AffineExpr> index{getAffineDimExpr(0, mctx), channel.floorDiv(mg)};
  AffineExpr position = getAffineConstantExpr(0, mctx);
  for (int64_t i = 0; i < k; ++i)
    position = position * outSpatial[i] + getAffineDimExpr(2 + i, mctx);
  index.push_back(position);
  index.push_back(channel % mg);
  Value y = remap(ctx, prod, out, index);
  if (ctx.operands.size() > 2 && ctx.operands[2]) {
    if (cast<RankedTensorType>(ctx.operands[2].getType()).getNumElements() != m)
      return ctx.emitError() << "ConvTranspose's bias must have " << m << " values";
    y = binary(ctx, graph::BinaryKind::add, y, channelParam(ctx, ctx.operands[2], k + 2), out);
  }
  return one(y);
}

void tessel::onnx_import::addConvTransposeConverters(ConverterMap &map) {
  map["ConvTranspose"] = convertConvTranspose;
}
