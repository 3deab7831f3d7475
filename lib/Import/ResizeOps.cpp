// Resize and Upsample: one interpolation matrix per resized axis, constant or built on the chip
// from scales or roi fed at run time.
#include "AxisMatrix.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

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
  Value y = asF32(ctx, x);
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

/// The scales from Upsample-7's attribute or a constant operand; nullopt when there are none. The
/// callers handle scales fed at run time before, except an empty tensor, which stands for none.
static FailureOr<std::optional<std::vector<float>>>
resizeScales(NodeContext &ctx, std::optional<unsigned> operand) {
  if (const onnx::AttributeProto *a = ctx.attr("scales"))
    return std::optional(std::vector<float>(a->floats().begin(), a->floats().end()));
  if (!operand || *operand >= ctx.operands.size() || !ctx.operands[*operand] ||
      typeOf(ctx.operands[*operand]).getNumElements() == 0)
    return std::optional<std::vector<float>>();
  auto scales = ctx.constantOperand(*operand);
  if (!scales)
    return ctx.emitError() << ctx.node.op_type() << "'s scales are neither constant nor fed at run time";
  return scales;
}

/// The scales operand when it is fed at run time and not empty (which means "use the sizes").
static Value runtimeScales(NodeContext &ctx, unsigned operand) {
  if (ctx.attr("scales"))
    return Value();
  Value scales = runtimeOperand(ctx, operand);
  return scales && typeOf(scales).getNumElements() != 0 ? scales : Value();
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
        if (saturatingInt64((*sizes)[k]) != axes[k].outSize)
          return ctx.emitError() << ctx.node.op_type() << " sizes disagree with the inferred shape "
                                 << out;
  }
  return axes;
}

/// The attributes of Resize-11 and later.
static FailureOr<ResizeMode> resizeMode(NodeContext &ctx) {
  ResizeMode m;
  m.mode = ctx.stringAttr("mode", "nearest");
  m.coordinates = ctx.stringAttr("coordinate_transformation_mode", "half_pixel");
  m.nearest = ctx.stringAttr("nearest_mode", "round_prefer_floor");
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
      ctx.stringAttr("keep_aspect_ratio_policy", "stretch") != "stretch")
    return ctx.emitError() << "Resize with antialias, axes or keep_aspect_ratio_policy is not "
                              "supported yet";
  return m;
}

namespace {
/// One axis of a Resize whose scales or roi are fed at run time: the parameters are tensors on
/// the chip, or constants where only some of them are.
struct ChipAxis {
  int64_t inSize, outSize;
  Num scale = 1.0, roiStart = 0.0, roiEnd = 1.0;
  bool identity = false; // a constant scale of 1 that keeps the size
};
} // namespace

/// The input coordinates of the output positions `o` of an axis (see sourceCoordinate), and for
/// tf_crop_and_resize 1.0 where they fall inside the input.
/// They are computed in f32, as onnxruntime does; the reference computes in f64, so a position
/// within an f32 rounding of an integer may pick the other nearest neighbour.
static std::pair<Value, Value> chipCoordinate(Chip &c, const ResizeMode &m, const ChipAxis &a,
                                              Value o) {
  double n = a.inSize;
  int64_t outSize = a.outSize;
  const std::string &mode = m.coordinates;
  if (mode == "align_corners") {
    // A single output sits at 0 whatever the scale.
    if (outSize == 1)
      return {c.mul(o, 0.0), Value()};
    return {c.div(c.mul(o, n - 1), c.sub(c.mul(a.scale, n), 1.0)), Value()};
  }
  if (mode == "asymmetric")
    return {c.div(o, a.scale), Value()};
  if (mode == "tf_half_pixel_for_nn")
    return {c.div(c.add(o, 0.5), a.scale), Value()};
  if (mode == "tf_crop_and_resize") {
    Value span = c.sub(a.roiEnd, a.roiStart);
    Value pos = outSize == 1 ? c.add(c.mul(o, 0.0), c.mul(span, (n - 1) / 2))
                             : c.div(c.mul(c.mul(o, span), n - 1), (double)(outSize - 1));
    pos = c.add(pos, c.mul(a.roiStart, n - 1));
    return {pos, c.within(pos, 0.0, n - 1)};
  }
  Value half = c.sub(c.div(c.add(o, 0.5), a.scale), 0.5);
  if (mode == "pytorch_half_pixel" && outSize == 1) {
    // The reference tests scale * n == 1, which a single output does not imply.
    Value unit = c.eq(c.mul(a.scale, n), 1.0);
    return {c.add(c.mul(unit, -0.5), c.mul(c.sub(1.0, unit), half)), Value()};
  }
  return {half, Value()};
}

/// The cubic convolution weights of the 4 neighbours of a position `ratio` past the left one.
static SmallVector<Value> chipCubicWeights(Chip &c, double A, Value ratio) {
  // |t| <= 1: ((A + 2) t - (A + 3)) t^2 + 1; 1 < |t| < 2: ((A t - 5A) t + 8A) t - 4A.
  auto nearW = [&](Value t) {
    return c.add(c.mul(c.mul(c.sub(c.mul(t, A + 2), A + 3), t), t), 1.0);
  };
  auto farW = [&](Value t) {
    return c.sub(c.mul(c.add(c.mul(c.sub(c.mul(t, A), 5 * A), t), 8 * A), t), 4 * A);
  };
  return {farW(c.add(ratio, 1.0)), nearW(ratio), nearW(c.sub(1.0, ratio)),
          farW(c.sub(2.0, ratio))};
}

/// The interpolation matrix of one axis (see resizeMatrix) over the grid `g`, from the input
/// coordinates `coord` of its output positions.
static Value chipResizeMatrix(Chip &c, const ResizeMode &m, const ChipAxis &a, const Grid &g,
                              Value coord) {
  double last = a.inSize - 1;
  auto pick = [&](Value index) { return c.eq(g.in, c.clamp(index, 0.0, last)); };
  // Integral positions weigh the left neighbour with ratio 1 (the reference's convention).
  Value base = c.sub(c.ceil(coord), 1.0);
  Value ratio = c.sub(coord, base);
  if (m.mode == "nearest") {
    Value up;
    if (m.simpleNearest)
      up = c.max(c.eq(ratio, 1.0), c.lt(a.scale, 1.0));
    else if (m.nearest == "ceil")
      return pick(c.add(base, 1.0));
    else if (m.nearest == "floor")
      up = c.eq(ratio, 1.0);
    else if (m.nearest == "round_prefer_floor")
      up = c.lt(0.5, ratio);
    else
      up = c.le(0.5, ratio);
    return pick(c.add(base, up));
  }
  SmallVector<Value> weights = m.mode == "linear"
                                   ? SmallVector<Value>{c.sub(1.0, ratio), ratio}
                                   : chipCubicWeights(c, m.cubicA, ratio);
  int64_t count = weights.size();
  Value first = c.sub(base, (double)(count / 2 - 1));
  if (m.excludeOutside) {
    Value sum;
    for (int64_t j = 0; j < count; ++j) {
      weights[j] = c.mul(weights[j], c.within(c.add(first, (double)j), 0.0, last));
      sum = sum ? c.add(sum, weights[j]) : weights[j];
    }
    for (Value &w : weights)
      w = c.div(w, sum);
  }
  // Neighbours beyond the border read the border element (edge padding).
  Value matrix;
  for (int64_t j = 0; j < count; ++j) {
    Value term = c.mul(weights[j], pick(c.add(first, (double)j)));
    matrix = matrix ? c.add(matrix, term) : term;
  }
  return matrix;
}

/// Resizes `x` with matrices computed on the chip, innermost axis first as the reference nests
/// them.
static Value resizeOnChip(NodeContext &ctx, const ResizeMode &m, Value x,
                          ArrayRef<ChipAxis> axes) {
  Chip c(ctx);
  Value y = asF32(ctx, x);
  int64_t rank = axes.size();
  for (int64_t k = rank - 1; k >= 0; --k) {
    const ChipAxis &a = axes[k];
    if (a.identity)
      continue;
    Grid g = gridOf(ctx, k, rank, a.outSize, a.inSize);
    auto [coord, inside] = chipCoordinate(c, m, a, g.out);
    Value matrix = chipResizeMatrix(c, m, a, g, coord);
    // Positions outside the input read nothing and take the extrapolation value instead.
    if (inside)
      matrix = c.mul(matrix, inside);
    y = applyOnChip(ctx, y, k, matrix);
    if (inside && m.extrapolation != 0)
      y = addFill(ctx, y, k, inside, m.extrapolation);
  }
  return castElements(ctx, y, ctx.resultTypes[0].getElementType());
}

/// Resize or Upsample whose scales (operand `scalesOperand`) or roi (operand 1, for
/// tf_crop_and_resize) are fed at run time; the parameters that are not come from constants or
/// from the static sizes.
static Result convertRuntimeResize(NodeContext &ctx, const ResizeMode &m, Value scales, Value roi,
                                   unsigned scalesOperand,
                                   std::optional<unsigned> sizesOperand) {
  RankedTensorType in = typeOf(ctx.operands[0]), out = ctx.resultTypes[0];
  int64_t rank = in.getRank();
  SmallVector<AxisResize> known;
  if (scales) {
    if (typeOf(scales).getNumElements() != rank)
      return ctx.emitError() << ctx.node.op_type() << " has " << typeOf(scales).getNumElements()
                             << " scales for rank " << rank;
  } else {
    auto axes = resizeAxesFrom(ctx, scalesOperand, sizesOperand);
    if (failed(axes))
      return failure();
    known = *axes;
  }
  bool crop = m.coordinates == "tf_crop_and_resize";
  std::optional<std::vector<float>> roiValues;
  if (crop && !roi) {
    roiValues = ctx.constantOperand(1);
    if (!roiValues)
      return ctx.emitError() << "Resize has no roi for tf_crop_and_resize";
  }
  int64_t roiCount = roi ? typeOf(roi).getNumElements() : roiValues ? roiValues->size() : 0;
  if (crop && roiCount != 2 * rank)
    return ctx.emitError() << "Resize has " << roiCount << " roi values for rank " << rank;
  Chip c(ctx);
  SmallVector<ChipAxis> axes;
  for (int64_t k = 0; k < rank; ++k) {
    ChipAxis a{in.getDimSize(k), out.getDimSize(k)};
    // A single element stays itself: every neighbour is clamped to it and the weights sum to 1.
    a.identity = !crop && a.inSize == a.outSize &&
                 (a.inSize == 1 || (!scales && known[k].scale == 1));
    if (a.identity) {
      axes.push_back(a);
      continue;
    }
    if (scales)
      a.scale = c.element(scales, k);
    else
      a.scale = known[k].scale;
    if (roi) {
      a.roiStart = c.element(roi, k);
      a.roiEnd = c.element(roi, k + rank);
    } else if (roiValues) {
      a.roiStart = (double)(*roiValues)[k];
      a.roiEnd = (double)(*roiValues)[k + rank];
    }
    axes.push_back(a);
  }
  return one(resizeOnChip(ctx, m, ctx.operands[0], axes));
}

/// Resize-10 and Upsample: scales only, nearest or linear, asymmetric coordinates.
static Result convertLegacyResize(NodeContext &ctx) {
  ResizeMode m;
  m.mode = ctx.stringAttr("mode", "nearest");
  if (m.mode == "bilinear")
    m.mode = "linear"; // Upsample-7's name for it
  if (m.mode != "nearest" && m.mode != "linear")
    return ctx.emitError() << ctx.node.op_type() << " mode '" << m.mode << "' is not supported";
  m.coordinates = "asymmetric";
  m.simpleNearest = true;
  if (Value scales = runtimeScales(ctx, 1))
    return convertRuntimeResize(ctx, m, scales, Value(), 1, std::nullopt);
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
  bool crop = m->coordinates == "tf_crop_and_resize";
  Value scales = runtimeScales(ctx, 2), roi = crop ? runtimeOperand(ctx, 1) : Value();
  if (scales || roi)
    return convertRuntimeResize(ctx, *m, scales, roi, 2, 3u);
  auto axes = resizeAxesFrom(ctx, 2u, 3u);
  if (failed(axes))
    return failure();
  if (crop) {
    int64_t rank = axes->size();
    auto roi = ctx.constantOperand(1);
    if (!roi)
      return ctx.emitError() << "Resize has no roi for tf_crop_and_resize";
    if ((int64_t)roi->size() != 2 * rank)
      return ctx.emitError() << "Resize has " << roi->size() << " roi values for rank " << rank;
    for (int64_t k = 0; k < rank; ++k) {
      (*axes)[k].roiStart = (*roi)[k];
      (*axes)[k].roiEnd = (*roi)[k + rank];
    }
  }
  return one(resizeAxes(ctx, *m, ctx.operands[0], *axes));
}

void tessel::onnx_import::addResizeConverters(ConverterMap &map) {
  map["Resize"] = convertResize;
  map["Upsample"] = convertLegacyResize;
}
