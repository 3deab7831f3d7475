// Normalizations beyond the Batch/Instance/Layer ones: LRN and MeanVarianceNormalization.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

/// The 0/1 matrix [C x C] whose row c sums the channels of LRN's window around c: from
/// c - floor((size - 1) / 2) to c + ceil((size - 1) / 2), clipped to the channels.
static SmallVector<double> lrnWindow(int64_t channels, int64_t size) {
  int64_t before = (size - 1) / 2, after = size / 2;
  SmallVector<double> band(channels * channels, 0.0);
  for (int64_t r = 0; r < channels; ++r)
    for (int64_t c = std::max<int64_t>(0, r - before);
         c <= std::min<int64_t>(channels - 1, r + after); ++c)
      band[r * channels + c] = 1.0;
  return band;
}

/// x / (bias + alpha / size * window_sum(x^2))^beta, the window running along the channels.
static Result convertLRN(NodeContext &ctx) {
  Value x = ctx.operands[0];
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() < 2)
    return ctx.emitError() << "LRN input must have rank 2 or more, not " << type.getRank();
  if (!ctx.attr("size"))
    return ctx.emitError() << "LRN requires the 'size' attribute";
  int64_t size = ctx.intAttr("size", 1);
  if (size < 1)
    return ctx.emitError() << "LRN size must be positive, not " << size;
  float alpha = ctx.floatAttr("alpha", 1e-4f), beta = ctx.floatAttr("beta", 0.75f);
  float bias = ctx.floatAttr("bias", 1.0f);
  Type elt = type.getElementType();
  int64_t channels = type.getDimSize(1);

  Value square = binary(ctx, graph::BinaryKind::mul, x, x);
  Value windowSum = alongAxis(ctx, square, 1, channels, lrnWindow(channels, size));
  Value scaled = binary(ctx, graph::BinaryKind::mul, windowSum,
                        scalarConstant(ctx, elt, (double)alpha / size));
  Value base = binary(ctx, graph::BinaryKind::add, scaled, scalarConstant(ctx, elt, bias));
  Value denominator = binary(ctx, graph::BinaryKind::pow, base, scalarConstant(ctx, elt, beta));
  return one(binary(ctx, graph::BinaryKind::div, x, denominator, ctx.resultTypes[0]));
}

/// (x - mean) / (sqrt(var) + 1e-9) over `axes` ([0, 2, 3] by default), as ONNX's function body
/// defines it: the epsilon is added to the standard deviation, not to the variance.
static Result convertMeanVarianceNormalization(NodeContext &ctx) {
  Value x = ctx.operands[0];
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes{0, 2, 3};
  if (const onnx::AttributeProto *a = ctx.attr("axes"))
    axes.assign(a->ints().begin(), a->ints().end());
  SmallVector<bool> seen(rank, false);
  for (int64_t &axis : axes) {
    if (axis < -rank || axis >= rank)
      return ctx.emitError() << "MeanVarianceNormalization axis " << axis
                             << " is out of range for rank " << rank;
    if (axis < 0)
      axis += rank;
    if (seen[axis])
      return ctx.emitError() << "MeanVarianceNormalization axis " << axis << " is repeated";
    seen[axis] = true;
  }
  llvm::sort(axes);

  // The variance is the mean of the centred squares: equal to the spec's E[x^2] - E[x]^2, but
  // without its cancellation.
  Value mean = reduceKeep(ctx, graph::ReduceKind::mean, x, axes);
  Value centered = binary(ctx, graph::BinaryKind::sub, x, mean);
  Value square = binary(ctx, graph::BinaryKind::mul, centered, centered);
  Value variance = reduceKeep(ctx, graph::ReduceKind::mean, square, axes);
  Value deviation = unary(ctx, graph::UnaryKind::sqrt, variance);
  Value shifted = binary(ctx, graph::BinaryKind::add, deviation,
                         scalarConstant(ctx, type.getElementType(), 1e-9));
  return one(binary(ctx, graph::BinaryKind::div, centered, shifted, ctx.resultTypes[0]));
}

void tessel::onnx_import::addNormalizationConverters(ConverterMap &map) {
  map["LRN"] = convertLRN;
  map["MeanVarianceNormalization"] = convertMeanVarianceNormalization;
}
