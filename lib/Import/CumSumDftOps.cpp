// CumSum and DFT: triangular and cosine/sine matrices along an axis, applied as matmuls.
#include "AxisMatrix.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

/// The prefix sums of the f32 tensor `x` along `axis`: a triangular 0/1 matrix.
static Value cumSumAlong(NodeContext &ctx, Value x, int64_t axis) {
  bool exclusive = ctx.intAttr("exclusive", 0) != 0, reverse = ctx.intAttr("reverse", 0) != 0;
  int64_t n = typeOf(x).getDimSize(axis);
  SmallVector<double> matrix(n * n, 0.0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < n; ++c) {
      bool before = reverse ? c > r : c < r;
      matrix[r * n + c] = before || (!exclusive && c == r) ? 1.0 : 0.0;
    }
  return alongAxis(ctx, x, axis, n, matrix);
}

/// CumSum with its axis fed at run time: the sums along every axis, and the one the axis names
/// picked on the chip (an out-of-range axis gets the last).
static Value cumSumRuntimeAxis(NodeContext &ctx, Value x) {
  Chip c(ctx);
  int64_t rank = typeOf(x).getRank();
  Value axis = castElements(ctx, reshapeTo(ctx, ctx.operands[1], {}), c.f32());
  Value y = cumSumAlong(ctx, x, rank - 1);
  for (int64_t d = rank - 2; d >= 0; --d) {
    Value named = binary(ctx, graph::BinaryKind::or_, c.test(graph::BinaryKind::equal, axis, (double)d),
                         c.test(graph::BinaryKind::equal, axis, (double)(d - rank)));
    y = ctx.builder.create<graph::WhereOp>(ctx.loc, y.getType(), named, cumSumAlong(ctx, x, d), y);
  }
  return y;
}

static Result convertCumSum(NodeContext &ctx) {
  Type elt = ctx.resultTypes[0].getElementType();
  // Integers sum as int32 (an integer matmul by the triangle, exact over the int32 range).
  Value x = isa<IntegerType>(elt) ? castElements(ctx, ctx.operands[0], ctx.builder.getI32Type())
                                  : asF32(ctx, ctx.operands[0]);
  int64_t rank = typeOf(x).getRank(), axis;
  if (auto a = ctx.constantOperand(1)) {
    if (a->size() != 1)
      return ctx.emitError() << "CumSum's axis must be a single value";
    axis = saturatingInt64(a->front());
  } else if (rank == 1) {
    // Every valid axis (0 or -1) of a 1-D input is its only axis, so a run-time axis is known.
    axis = 0;
  } else {
    if (typeOf(ctx.operands[1]).getNumElements() != 1)
      return ctx.emitError() << "CumSum's axis must be a single value";
    return one(castElements(ctx, cumSumRuntimeAxis(ctx, x), elt));
  }
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << "CumSum axis " << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  return one(castElements(ctx, cumSumAlong(ctx, x, axis), elt));
}



/// cos and sin of 2 pi k / n, exact at the quarter turns so that terms that cancel do.
static std::pair<double, double> unitRoot(int64_t k, int64_t n) {
  k %= n;
  if (4 * k % n == 0) {
    static const double cosines[] = {1, 0, -1, 0}, sines[] = {0, 1, 0, -1};
    return {cosines[4 * k / n], sines[4 * k / n]};
  }
  double angle = 2 * M_PI * (double)k / (double)n;
  return {std::cos(angle), std::sin(angle)};
}

/// The [rows x size] cosine and sine matrices of a DFT of `length` points over a signal of
/// `size` samples. Samples past `length` are dropped and missing ones are zeros, so neither has a
/// column; the inverse carries its 1 / length here.
static std::pair<SmallVector<double>, SmallVector<double>>
dftMatrices(int64_t rows, int64_t size, int64_t length, bool inverse) {
  double norm = inverse ? 1.0 / (double)length : 1.0;
  SmallVector<double> cosines(rows * size, 0.0), sines(rows * size, 0.0);
  for (int64_t k = 0; k < rows; ++k)
    for (int64_t n = 0; n < std::min(size, length); ++n) {
      auto [c, s] = unitRoot(k * n, length);
      cosines[k * size + n] = c * norm;
      sines[k * size + n] = s * norm;
    }
  return {cosines, sines};
}

/// DFT (opset 17): with C and S the cosine and sine matrices along the signal axis, the real and
/// imaginary parts are C re +- S im and C im -+ S re, mixed along the trailing component axis.
static Result convertDFT(NodeContext &ctx) {
  Value x = asF32(ctx, ctx.operands[0]);
  RankedTensorType in = typeOf(x);
  int64_t rank = in.getRank(), axis = ctx.intAttr("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank - 1)
    return ctx.emitError() << "DFT axis " << ctx.intAttr("axis", 1) << " is out of range for rank "
                           << rank;
  int64_t components = in.getDimSize(rank - 1), size = in.getDimSize(axis);
  if (components != 1 && components != 2)
    return ctx.emitError() << "DFT input's last axis must have 1 or 2 components";
  int64_t length = size;
  if (ctx.operands.size() > 1 && ctx.operands[1]) {
    auto l = ctx.constantOperand(1);
    if (!l || l->empty())
      return ctx.emitError() << "DFT's dft_length must be a constant";
    length = saturatingInt64(l->front());
    if (length <= 0)
      return ctx.emitError() << "DFT's dft_length " << length << " is not positive";
  }
  bool inverse = ctx.intAttr("inverse", 0) != 0, onesided = ctx.intAttr("onesided", 0) != 0;
  if (inverse && onesided)
    return ctx.emitError() << "DFT with both inverse and onesided is not supported";
  int64_t rows = onesided ? length / 2 + 1 : length;
  auto [cosines, sines] = dftMatrices(rows, size, length, inverse);
  Value byCos = alongAxis(ctx, x, axis, rows, cosines);
  Value bySin = alongAxis(ctx, x, axis, rows, sines);
  // Forward: re = C re + S im, im = C im - S re; the inverse flips the sine's sign.
  double sign = inverse ? -1.0 : 1.0;
  SmallVector<double> fromCos, fromSin;
  if (components == 2) {
    fromCos = {1, 0, 0, 1};
    fromSin = {0, sign, -sign, 0};
  } else {
    fromCos = {1, 0};
    fromSin = {0, -sign};
  }
  Value y = binary(ctx, graph::BinaryKind::add, alongAxis(ctx, byCos, rank - 1, 2, fromCos),
                   alongAxis(ctx, bySin, rank - 1, 2, fromSin));
  return one(castElements(ctx, y, ctx.resultTypes[0].getElementType()));
}

void tessel::onnx_import::addCumSumDftConverters(ConverterMap &map) {
  map["CumSum"] = convertCumSum;
  map["DFT"] = convertDFT;
}
