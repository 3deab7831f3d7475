// Ops that resample or extend tensors along axes: Pad, Resize, Upsample, CumSum and DFT. Each is
// linear along the axes it touches, so it becomes one constant matrix per axis applied with
// alongAxis (a matmul on the chip), plus a constant where some outputs do not depend on the input.
#include "ImportHelpers.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

static RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

static std::string stringAttr(NodeContext &ctx, StringRef name, StringRef dflt) {
  const onnx::AttributeProto *a = ctx.attr(name);
  return a ? a->s() : dflt.str();
}

/// `v` converted to `elt` (identity on the chip, which holds every tensor as floats).
static Value castElements(NodeContext &ctx, Value v, Type elt) {
  RankedTensorType type = typeOf(v);
  if (type.getElementType() == elt)
    return v;
  return unary(ctx, graph::UnaryKind::identity, v, 0, 0,
               RankedTensorType::get(type.getShape(), elt));
}

/// The matmuls of alongAxis run in f32, so that integer and f64 tensors go through the same
/// path; the result gets the node's element type back at the end.
static Value asComputeType(NodeContext &ctx, Value v) {
  return castElements(ctx, v, ctx.builder.getF32Type());
}

/// The [rows x cols] row-major matrix whose row r picks column source[r].
static SmallVector<double> selectionMatrix(ArrayRef<int64_t> source, int64_t cols) {
  SmallVector<double> m(source.size() * cols, 0.0);
  for (auto [r, c] : llvm::enumerate(source))
    m[r * cols + c] = 1.0;
  return m;
}

static bool isIdentity(ArrayRef<double> matrix, int64_t rows, int64_t cols) {
  if (rows != cols)
    return false;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      if (matrix[r * cols + c] != (r == c ? 1.0 : 0.0))
        return false;
  return true;
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

/// The source index that output position `o` of a padded axis reads in reflect, edge or wrap
/// mode. Negative pads crop first, and the non-constant modes extend what remains.
static int64_t padSource(StringRef mode, int64_t o, int64_t begin, int64_t size, int64_t end) {
  int64_t lo = std::max<int64_t>(0, -begin), n = size - lo - std::max<int64_t>(0, -end);
  int64_t t = o - begin - lo; // position relative to the first kept element
  if (mode == "edge")
    return lo + std::clamp<int64_t>(t, 0, n - 1);
  if (mode == "wrap")
    return lo + ((t % n) + n) % n;
  if (n == 1)
    return lo;
  // Reflection without repeating the border is periodic with period 2 (n - 1).
  int64_t period = 2 * (n - 1);
  t = ((t % period) + period) % period;
  return lo + (t < n ? t : period - t);
}

/// The pads ([begins..., ends...] over all axes) from the attribute (opset < 11) or the constant
/// pads and axes inputs.
static FailureOr<SmallVector<int64_t>> padAmounts(NodeContext &ctx, int64_t rank) {
  if (ctx.opset < 11)
    return intsAttr(ctx, ctx.opset < 2 ? "paddings" : "pads", 2 * rank, 0);
  auto p = ctx.constantOperand(1);
  if (!p)
    return ctx.emitError() << "Pad's pads must be a constant (initializer or Constant node); "
                              "pads fed at run time are not supported";
  SmallVector<int64_t> axes;
  if (ctx.operands.size() > 3 && ctx.operands[3]) {
    auto a = ctx.constantOperand(3);
    if (!a)
      return ctx.emitError() << "Pad's axes must be a constant";
    for (float v : *a)
      axes.push_back(v < 0 ? (int64_t)v + rank : (int64_t)v);
  } else {
    for (int64_t k = 0; k < rank; ++k)
      axes.push_back(k);
  }
  if (p->size() != 2 * axes.size())
    return ctx.emitError() << "Pad has " << p->size() << " pads for " << axes.size() << " axes";
  SmallVector<int64_t> pads(2 * rank, 0);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < 0 || axis >= rank)
      return ctx.emitError() << "Pad axis " << axis << " is out of range for rank " << rank;
    pads[axis] = (int64_t)(*p)[i];
    pads[axis + rank] = (int64_t)(*p)[i + axes.size()];
  }
  return pads;
}

/// Reflect, edge and wrap padding: a 0/1 selection matrix per padded axis.
static Result padBySelection(NodeContext &ctx, StringRef mode, ArrayRef<int64_t> pads) {
  Value x = ctx.operands[0];
  int64_t rank = typeOf(x).getRank();
  Value y = asComputeType(ctx, x);
  for (int64_t k = 0; k < rank; ++k) {
    int64_t begin = pads[k], end = pads[k + rank], size = typeOf(x).getDimSize(k);
    if (begin == 0 && end == 0)
      continue;
    int64_t rows = size + begin + end;
    if (size - std::max<int64_t>(0, -begin) - std::max<int64_t>(0, -end) <= 0)
      return ctx.emitError() << "Pad mode '" << mode << "' crops axis " << k
                             << " to nothing, leaving no element to extend";
    SmallVector<int64_t> source;
    for (int64_t o = 0; o < rows; ++o)
      source.push_back(padSource(mode, o, begin, size, end));
    y = alongAxis(ctx, y, k, rows, selectionMatrix(source, size));
  }
  return one(castElements(ctx, y, ctx.resultTypes[0].getElementType()));
}

static Result convertPad(NodeContext &ctx) {
  int64_t rank = typeOf(ctx.operands[0]).getRank();
  std::string mode = stringAttr(ctx, "mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return ctx.emitError() << "Pad mode '" << mode << "' is unknown";
  auto pads = padAmounts(ctx, rank);
  if (failed(pads))
    return failure();
  if (mode != "constant")
    return padBySelection(ctx, mode, *pads);
  float value = 0;
  if (ctx.opset < 11) {
    value = ctx.floatAttr("value", 0.0f);
  } else if (ctx.operands.size() > 2 && ctx.operands[2]) {
    auto c = ctx.constantOperand(2);
    if (!c)
      return ctx.emitError() << "Pad's constant_value must be a constant";
    if (!c->empty())
      value = c->front();
  }
  SmallVector<AffineExpr> index;
  for (int64_t k = 0; k < rank; ++k)
    index.push_back(getAffineDimExpr(k, ctx.builder.getContext()) - (*pads)[k]);
  return one(remapPadded(ctx, ctx.operands[0], ctx.resultTypes[0], index, value));
}

//===----------------------------------------------------------------------===//
// Resize and Upsample
//===----------------------------------------------------------------------===//

namespace {
/// How Resize maps output positions to input positions and weighs the neighbours, following the
/// ONNX reference implementation (onnx/backend/test/case/node/resize.py).
struct ResizeMode {
  std::string mode = "nearest"; // nearest, linear or cubic
  std::string coordinates = "half_pixel";
  std::string nearest = "round_prefer_floor";
  double cubicA = -0.75;
  bool excludeOutside = false;
  double extrapolation = 0.0;
  /// Resize-10 and Upsample round nearest positions like onnxruntime's "simple" mode: down when
  /// enlarging, up when shrinking.
  bool simpleNearest = false;
};

/// What one axis is resized with: its sizes, the scale, and the roi for tf_crop_and_resize.
struct AxisResize {
  int64_t inSize, outSize;
  double scale;
  double outSizeF; // scale * inSize as the reference computes it
  double roiStart = 0, roiEnd = 1;
};
} // namespace

/// The input coordinate output index x maps to, or nullopt where tf_crop_and_resize falls
/// outside the input and the output is the extrapolation value.
static std::optional<double> sourceCoordinate(const ResizeMode &m, const AxisResize &a, int64_t x) {
  double in = a.inSize, out = a.outSizeF;
  const std::string &c = m.coordinates;
  if (c == "align_corners")
    return out == 1 ? 0.0 : x * (in - 1) / (out - 1);
  if (c == "asymmetric")
    return x / a.scale;
  if (c == "tf_half_pixel_for_nn")
    return (x + 0.5) / a.scale;
  if (c == "pytorch_half_pixel")
    return out == 1 ? -0.5 : (x + 0.5) / a.scale - 0.5;
  if (c == "tf_crop_and_resize") {
    double span = a.roiEnd - a.roiStart;
    double pos = out == 1 ? span * (in - 1) / 2 : x * span * (in - 1) / (out - 1);
    pos += a.roiStart * (in - 1);
    if (pos < 0 || pos > in - 1)
      return std::nullopt;
    return pos;
  }
  return (x + 0.5) / a.scale - 0.5; // half_pixel
}

/// The weights of the neighbours base - n/2 + 1 ... base + n/2 of a position `ratio` past base
/// (ratio in (0, 1]).
static SmallVector<double> resizeCoefficients(const ResizeMode &m, double ratio, double scale) {
  if (m.mode == "linear")
    return {1 - ratio, ratio};
  if (m.mode == "cubic") {
    double A = m.cubicA, r = ratio, s = 1 - ratio;
    return {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
            ((A + 2) * r - (A + 3)) * r * r + 1, ((A + 2) * s - (A + 3)) * s * s + 1,
            ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A};
  }
  if (ratio == 1)
    return {0, 1};
  std::string mode = m.nearest;
  if (m.simpleNearest)
    mode = scale < 1 ? "ceil" : "floor";
  bool up = mode == "round_prefer_floor" ? ratio > 0.5
            : mode == "round_prefer_ceil" ? ratio >= 0.5
                                          : mode == "ceil";
  return {up ? 0.0 : 1.0, up ? 1.0 : 0.0};
}

/// The [outSize x inSize] interpolation matrix of one axis; `extrapolated` marks the rows that
/// read nothing and take the extrapolation value instead.
static SmallVector<double> resizeMatrix(const ResizeMode &m, const AxisResize &a,
                                        SmallVector<bool> &extrapolated) {
  int64_t in = a.inSize;
  SmallVector<double> matrix(a.outSize * in, 0.0);
  extrapolated.assign(a.outSize, false);
  for (int64_t x = 0; x < a.outSize; ++x) {
    std::optional<double> pos = sourceCoordinate(m, a, x);
    if (!pos) {
      extrapolated[x] = true;
      continue;
    }
    // Integral positions weigh the left neighbour with ratio 1 (the reference's convention).
    double base = std::floor(*pos), ratio = *pos - base;
    if (ratio == 0) {
      base -= 1;
      ratio = 1;
    }
    SmallVector<double> coeffs = resizeCoefficients(m, ratio, a.scale);
    int64_t first = (int64_t)base - (int64_t)coeffs.size() / 2 + 1;
    if (m.excludeOutside) {
      double sum = 0;
      for (int64_t i = 0, e = coeffs.size(); i < e; ++i) {
        if (first + i < 0 || first + i >= in)
          coeffs[i] = 0;
        sum += coeffs[i];
      }
      for (double &w : coeffs)
        w /= sum;
    }
    // Neighbours beyond the border read the border element (edge padding).
    for (int64_t i = 0, e = coeffs.size(); i < e; ++i)
      matrix[x * in + std::clamp<int64_t>(first + i, 0, in - 1)] += coeffs[i];
  }
  return matrix;
}

/// Resizes `x` along each axis of `axes` whose matrix is not the identity, innermost first as the
/// reference nests them.
static Value resizeAxes(NodeContext &ctx, const ResizeMode &m, Value x,
                        ArrayRef<AxisResize> axes) {
  Value y = asComputeType(ctx, x);
  int64_t rank = axes.size();
  for (int64_t k = rank - 1; k >= 0; --k) {
    SmallVector<bool> extrapolated;
    SmallVector<double> matrix = resizeMatrix(m, axes[k], extrapolated);
    bool anyExtrapolated = llvm::is_contained(extrapolated, true);
    if (!anyExtrapolated && isIdentity(matrix, axes[k].outSize, axes[k].inSize))
      continue;
    y = alongAxis(ctx, y, k, axes[k].outSize, matrix);
    if (!anyExtrapolated)
      continue;
    // The rows of extrapolated positions are zero; they get the value as a constant term.
    SmallVector<int64_t> shape(rank, 1);
    shape[k] = axes[k].outSize;
    SmallVector<double> term;
    for (bool e : extrapolated)
      term.push_back(e ? m.extrapolation : 0.0);
    y = binary(ctx, graph::BinaryKind::add, y,
               constant(ctx, RankedTensorType::get(shape, ctx.builder.getF32Type()), term));
  }
  return castElements(ctx, y, ctx.resultTypes[0].getElementType());
}

/// The scales from Upsample-7's attribute or a constant operand; nullopt when there are none.
static FailureOr<std::optional<std::vector<float>>>
resizeScales(NodeContext &ctx, std::optional<unsigned> operand) {
  if (const onnx::AttributeProto *a = ctx.attr("scales"))
    return std::optional(std::vector<float>(a->floats().begin(), a->floats().end()));
  if (!operand || *operand >= ctx.operands.size() || !ctx.operands[*operand])
    return std::optional<std::vector<float>>();
  auto scales = ctx.constantOperand(*operand);
  if (!scales)
    return ctx.emitError() << ctx.node.op_type()
                           << "'s scales must be a constant (initializer or Constant node); "
                              "scales fed at run time are not supported";
  return scales;
}

/// The per-axis sizes and scales from constant scales, or from the sizes. Sizes only fix the
/// output shape, which is static and already inferred, so sizes fed at run time are read from the
/// result type; scales also place the sampling positions and must be constant.
static FailureOr<SmallVector<AxisResize>> resizeAxesFrom(NodeContext &ctx,
                                                         std::optional<unsigned> scalesOperand,
                                                         std::optional<unsigned> sizesOperand) {
  RankedTensorType in = typeOf(ctx.operands[0]), out = ctx.resultTypes[0];
  int64_t rank = in.getRank();
  auto scales = resizeScales(ctx, scalesOperand);
  if (failed(scales))
    return failure();
  bool useSizes = !*scales || (*scales)->empty();
  if (useSizes && !(sizesOperand && *sizesOperand < ctx.operands.size() &&
                    ctx.operands[*sizesOperand]))
    return ctx.emitError() << ctx.node.op_type() << " has neither scales nor sizes";
  if (!useSizes && (int64_t)(*scales)->size() != rank)
    return ctx.emitError() << ctx.node.op_type() << " has " << (*scales)->size()
                           << " scales for rank " << rank;
  SmallVector<AxisResize> axes;
  for (int64_t k = 0; k < rank; ++k) {
    AxisResize a;
    a.inSize = in.getDimSize(k);
    a.outSize = out.getDimSize(k);
    if (useSizes) {
      a.scale = (double)a.outSize / (double)a.inSize;
    } else {
      a.scale = (**scales)[k];
      if (a.scale <= 0)
        return ctx.emitError() << ctx.node.op_type() << " scale " << a.scale
                               << " is not positive";
    }
    a.outSizeF = a.scale * (double)a.inSize;
    axes.push_back(a);
  }
  if (useSizes) {
    if (auto sizes = ctx.constantOperand(*sizesOperand))
      for (int64_t k = 0; k < rank && k < (int64_t)sizes->size(); ++k)
        if ((int64_t)(*sizes)[k] != axes[k].outSize)
          return ctx.emitError() << ctx.node.op_type() << " sizes disagree with the inferred shape "
                                 << out;
  }
  return axes;
}

/// The attributes of Resize-11 and later.
static FailureOr<ResizeMode> resizeMode(NodeContext &ctx) {
  ResizeMode m;
  m.mode = stringAttr(ctx, "mode", "nearest");
  m.coordinates = stringAttr(ctx, "coordinate_transformation_mode", "half_pixel");
  m.nearest = stringAttr(ctx, "nearest_mode", "round_prefer_floor");
  m.cubicA = ctx.floatAttr("cubic_coeff_a", -0.75f);
  m.excludeOutside = ctx.intAttr("exclude_outside", 0) != 0;
  m.extrapolation = ctx.floatAttr("extrapolation_value", 0.0f);
  if (m.mode != "nearest" && m.mode != "linear" && m.mode != "cubic")
    return ctx.emitError() << "Resize mode '" << m.mode << "' is unknown";
  static const char *const coordinateModes[] = {
      "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
      "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  if (!llvm::is_contained(coordinateModes, m.coordinates))
    return ctx.emitError() << "Resize coordinate_transformation_mode '" << m.coordinates
                           << "' is unknown";
  static const char *const nearestModes[] = {"round_prefer_floor", "round_prefer_ceil", "floor",
                                             "ceil"};
  if (!llvm::is_contained(nearestModes, m.nearest))
    return ctx.emitError() << "Resize nearest_mode '" << m.nearest << "' is unknown";
  if (ctx.intAttr("antialias", 0) != 0 || ctx.attr("axes") ||
      stringAttr(ctx, "keep_aspect_ratio_policy", "stretch") != "stretch")
    return ctx.emitError() << "Resize with antialias, axes or keep_aspect_ratio_policy is not "
                              "supported yet";
  return m;
}

/// Resize-10 and Upsample: scales only, nearest or linear, asymmetric coordinates.
static Result convertLegacyResize(NodeContext &ctx) {
  ResizeMode m;
  m.mode = stringAttr(ctx, "mode", "nearest");
  if (m.mode == "bilinear")
    m.mode = "linear"; // Upsample-7's name for it
  if (m.mode != "nearest" && m.mode != "linear")
    return ctx.emitError() << ctx.node.op_type() << " mode '" << m.mode << "' is not supported";
  m.coordinates = "asymmetric";
  m.simpleNearest = true;
  auto axes = resizeAxesFrom(ctx, 1u, std::nullopt);
  if (failed(axes))
    return failure();
  return one(resizeAxes(ctx, m, ctx.operands[0], *axes));
}

static Result convertResize(NodeContext &ctx) {
  if (ctx.opset < 11)
    return convertLegacyResize(ctx);
  auto m = resizeMode(ctx);
  if (failed(m))
    return failure();
  auto axes = resizeAxesFrom(ctx, 2u, 3u);
  if (failed(axes))
    return failure();
  if (m->coordinates == "tf_crop_and_resize") {
    int64_t rank = axes->size();
    auto roi = ctx.constantOperand(1);
    if (!roi)
      return ctx.emitError() << "Resize's roi must be a constant (initializer or Constant node) "
                                "for tf_crop_and_resize";
    if ((int64_t)roi->size() != 2 * rank)
      return ctx.emitError() << "Resize has " << roi->size() << " roi values for rank " << rank;
    for (int64_t k = 0; k < rank; ++k) {
      (*axes)[k].roiStart = (*roi)[k];
      (*axes)[k].roiEnd = (*roi)[k + rank];
    }
  }
  return one(resizeAxes(ctx, *m, ctx.operands[0], *axes));
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

/// CumSum: a triangular 0/1 matrix along the axis.
static Result convertCumSum(NodeContext &ctx) {
  Value x = ctx.operands[0];
  int64_t rank = typeOf(x).getRank(), axis;
  if (auto a = ctx.constantOperand(1)) {
    axis = (int64_t)a->front();
  } else if (rank == 1) {
    // Every valid axis (0 or -1) of a 1-D input is its only axis, so a run-time axis is known.
    axis = 0;
  } else {
    return ctx.emitError() << "CumSum's axis must be a constant (initializer or Constant node) "
                              "for inputs of rank > 1";
  }
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << "CumSum axis " << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  bool exclusive = ctx.intAttr("exclusive", 0) != 0, reverse = ctx.intAttr("reverse", 0) != 0;
  int64_t n = typeOf(x).getDimSize(axis);
  SmallVector<double> matrix(n * n, 0.0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < n; ++c) {
      bool before = reverse ? c > r : c < r;
      matrix[r * n + c] = before || (!exclusive && c == r) ? 1.0 : 0.0;
    }
  Value y = alongAxis(ctx, asComputeType(ctx, x), axis, n, matrix);
  return one(castElements(ctx, y, ctx.resultTypes[0].getElementType()));
}

//===----------------------------------------------------------------------===//
// DFT
//===----------------------------------------------------------------------===//

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
  Value x = asComputeType(ctx, ctx.operands[0]);
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
    length = (int64_t)l->front();
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

/// Slice with constant starts, ends, axes and steps.
static Result convertSlice(NodeContext &ctx) {
  auto in = cast<RankedTensorType>(ctx.operands[0].getType());
  int64_t rank = in.getRank();
  SmallVector<int64_t> starts, axes, steps;
  if (ctx.opset < 10) {
    starts = intsAttr(ctx, "starts", ctx.attr("starts") ? ctx.attr("starts")->ints_size() : 0, 0);
    axes = ctx.attr("axes") ? intsAttr(ctx, "axes", ctx.attr("axes")->ints_size(), 0)
                            : SmallVector<int64_t>();
  } else {
    auto s = ctx.constantOperand(1);
    if (!s)
      return ctx.emitError() << "Slice's starts must be constant";
    for (float v : *s)
      starts.push_back((int64_t)v);
    if (auto a = ctx.constantOperand(3))
      for (float v : *a)
        axes.push_back((int64_t)v);
    else if (ctx.operands.size() > 3 && ctx.operands[3])
      return ctx.emitError() << "Slice's axes must be constant";
    if (auto st = ctx.constantOperand(4))
      for (float v : *st)
        steps.push_back((int64_t)v);
    else if (ctx.operands.size() > 4 && ctx.operands[4])
      return ctx.emitError() << "Slice's steps must be constant";
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  steps.resize(axes.size(), 1);
  SmallVector<AffineExpr> index;
  for (int64_t k = 0; k < rank; ++k)
    index.push_back(getAffineDimExpr(k, ctx.builder.getContext()));
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i] < 0 ? axes[i] + rank : axes[i], dim = in.getDimSize(a);
    int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
    start = steps[i] > 0 ? std::clamp<int64_t>(start, 0, dim) : std::clamp<int64_t>(start, 0, dim - 1);
    index[a] = index[a] * steps[i] + start;
  }
  return one(remap(ctx, ctx.operands[0], ctx.resultTypes[0], index));
}

void tessel::onnx_import::addResampleConverters(ConverterMap &map) {
  map["Slice"] = convertSlice;
  map["Pad"] = convertPad;
  map["Resize"] = convertResize;
  map["Upsample"] = convertLegacyResize;
  map["CumSum"] = convertCumSum;
  map["DFT"] = convertDFT;
}
