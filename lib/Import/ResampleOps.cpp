// Ops that slice, resample or extend tensors along axes: Slice, Pad, Resize, Upsample, CumSum and
// DFT. Each is linear along the axes it touches, so it becomes one matrix per axis applied as a
// matmul on the chip: a constant (alongAxis) when the parameters are, else built on the chip from
// the parameters fed at run time (the output shape stays static either way).
#include "ChipArith.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

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
// Matrices built on the chip from parameters fed at run time
//===----------------------------------------------------------------------===//
//
// When a parameter that places the samples (Slice's starts, Pad's pads, Resize's scales or roi)
// is a graph input, the output shape is still static but the matrix of each axis is not known
// here. It is then computed on the chip from the parameter with elementwise ops over a grid of
// output positions O and input positions I, and applied with a matmul as alongAxis does.

namespace {
/// The positions of one axis's matrix: out holds the output positions 0..m-1 and in the input
/// positions 0..n-1, shaped so that an elementwise op of the two is the matrix. Along the last
/// axis the matrix is [n, m], to be the right operand of x @ M; elsewhere it is [m, n].
struct Grid {
  Value out, in;
  bool transposed;
};
} // namespace

static bool matrixIsTransposed(int64_t axis, int64_t rank) {
  return axis == rank - 1 && rank >= 2;
}

static Grid gridOf(NodeContext &ctx, int64_t axis, int64_t rank, int64_t m, int64_t n) {
  if (matrixIsTransposed(axis, rank))
    return {reshapeTo(ctx, iota(ctx, m), {1, m}), iota(ctx, n, 1), true};
  return {iota(ctx, m, 1), reshapeTo(ctx, iota(ctx, n), {1, n}), false};
}

/// Applies the matrix `matrix`, laid out as gridOf describes, along `axis` of the f32 tensor `x`.
static Value applyOnChip(NodeContext &ctx, Value x, int64_t axis, Value matrix) {
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank(), n = type.getDimSize(axis);
  bool transposed = matrixIsTransposed(axis, rank);
  int64_t m = typeOf(matrix).getDimSize(transposed ? 1 : 0);
  SmallVector<int64_t> outShape(type.getShape());
  outShape[axis] = m;
  OpBuilder &b = ctx.builder;
  if (transposed)
    return b.create<graph::MatMulOp>(ctx.loc, RankedTensorType::get(outShape, type.getElementType()),
                                     x, matrix);
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k)
    outer *= type.getDimSize(k);
  for (int64_t k = axis + 1; k < rank; ++k)
    inner *= type.getDimSize(k);
  Value view = reshapeTo(ctx, x, {outer, n, inner});
  Value prod = b.create<graph::MatMulOp>(
      ctx.loc, RankedTensorType::get({outer, m, inner}, type.getElementType()), matrix, view);
  return reshapeTo(ctx, prod, outShape);
}

/// Adds `value` * (1 - covered) to `y`, where `covered` (over the grid's output positions) is 1
/// for the outputs along `axis` that read the input: the padding of Pad and tf_crop_and_resize.
static Value addFill(NodeContext &ctx, Value y, int64_t axis, Value covered, Num value) {
  Chip c(ctx);
  int64_t rank = typeOf(y).getRank();
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = typeOf(y).getDimSize(axis);
  Value fill = c.mul(c.sub(1.0, reshapeTo(ctx, covered, shape)), value);
  return c.add(y, fill);
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

/// Pad with pads (or a constant_value) fed at run time. Each padded axis reads source position
/// t = o - begin, and since end = m - n - begin the static shapes give the rest: constant mode
/// reads nothing outside [0, n) and adds the value there; the other modes fold t into the part
/// that negative pads leave, [lo, hi].
static Result padOnChip(NodeContext &ctx, StringRef mode, Value pads, ArrayRef<int64_t> axes,
                        Num value) {
  Chip c(ctx);
  Value x = ctx.operands[0];
  RankedTensorType out = ctx.resultTypes[0];
  int64_t rank = typeOf(x).getRank();
  Value y = asComputeType(ctx, x);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    int64_t n = typeOf(x).getDimSize(axis), m = out.getDimSize(axis);
    Grid g = gridOf(ctx, axis, rank, m, n);
    Value begin = c.element(pads, i);
    Value t = c.sub(g.out, begin);
    if (mode == "constant") {
      y = applyOnChip(ctx, y, axis, c.eq(g.in, t));
      if (value.value || value.number != 0)
        y = addFill(ctx, y, axis, c.within(t, 0.0, (double)(n - 1)), value);
      continue;
    }
    Value end = c.sub((double)(m - n), begin);
    Value lo = c.max(c.sub(0.0, begin), 0.0);
    Value hi = c.sub((double)(n - 1), c.max(c.sub(0.0, end), 0.0));
    Value source;
    if (mode == "edge") {
      source = c.clamp(t, lo, hi);
    } else if (mode == "wrap") {
      source = c.add(lo, c.mod(c.sub(t, lo), c.add(c.sub(hi, lo), 1.0)));
    } else {
      // Reflection without repeating the border has period 2 (len - 1); within a period the
      // distance from the far border folds back.
      Value last = c.sub(hi, lo);
      Value period = c.max(c.mul(last, 2.0), 1.0);
      Value folded = c.mod(c.sub(t, lo), period);
      source = c.sub(hi, c.abs(c.sub(folded, last)));
    }
    y = applyOnChip(ctx, y, axis, c.eq(g.in, source));
  }
  return one(castElements(ctx, y, out.getElementType()));
}

/// The axes Pad's pads cover: the constant axes input (opset 18), else every axis.
static FailureOr<SmallVector<int64_t>> padAxes(NodeContext &ctx, int64_t rank) {
  SmallVector<int64_t> axes;
  if (ctx.operands.size() <= 3 || !ctx.operands[3]) {
    for (int64_t k = 0; k < rank; ++k)
      axes.push_back(k);
    return axes;
  }
  auto a = ctx.constantOperand(3);
  if (!a)
    return ctx.emitError() << "Pad's axes must be a constant";
  for (float v : *a) {
    int64_t axis = v < 0 ? (int64_t)v + rank : (int64_t)v;
    if (axis < 0 || axis >= rank)
      return ctx.emitError() << "Pad axis " << (int64_t)v << " is out of range for rank " << rank;
    axes.push_back(axis);
  }
  return axes;
}

/// The pads ([begins..., ends...] over all axes) from the attribute (opset < 11) or the constant
/// pads and axes inputs.
static FailureOr<SmallVector<int64_t>> padAmounts(NodeContext &ctx, int64_t rank) {
  if (ctx.opset < 11)
    return intsAttr(ctx, ctx.opset < 2 ? "paddings" : "pads", 2 * rank, 0);
  auto p = ctx.constantOperand(1);
  if (!p)
    return ctx.emitError() << "Pad has no pads";
  auto axes = padAxes(ctx, rank);
  if (failed(axes))
    return failure();
  if (p->size() != 2 * axes->size())
    return ctx.emitError() << "Pad has " << p->size() << " pads for " << axes->size() << " axes";
  SmallVector<int64_t> pads(2 * rank, 0);
  for (auto [i, axis] : llvm::enumerate(*axes)) {
    pads[axis] = (int64_t)(*p)[i];
    pads[axis + rank] = (int64_t)(*p)[i + axes->size()];
  }
  return pads;
}

/// Pad-11 and later with pads or the constant value fed at run time.
static Result convertRuntimePad(NodeContext &ctx, StringRef mode) {
  int64_t rank = typeOf(ctx.operands[0]).getRank();
  auto axes = padAxes(ctx, rank);
  if (failed(axes))
    return failure();
  Value pads = ctx.operands[1];
  if (auto p = ctx.constantOperand(1)) {
    SmallVector<double> values(p->begin(), p->end());
    pads = Chip(ctx).constants({(int64_t)values.size()}, values);
  }
  if (typeOf(pads).getNumElements() != 2 * (int64_t)axes->size())
    return ctx.emitError() << "Pad has " << typeOf(pads).getNumElements() << " pads for "
                           << axes->size() << " axes";
  Num value = 0.0;
  if (mode == "constant" && ctx.operands.size() > 2 && ctx.operands[2]) {
    if (auto v = ctx.constantOperand(2)) {
      if (!v->empty())
        value = (double)v->front();
    } else if (typeOf(ctx.operands[2]).getNumElements() == 1) {
      value = castElements(ctx, reshapeTo(ctx, ctx.operands[2], {}), ctx.builder.getF32Type());
    }
  }
  return padOnChip(ctx, mode, pads, *axes, value);
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
  std::string mode = ctx.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return ctx.emitError() << "Pad mode '" << mode << "' is unknown";
  if (ctx.opset >= 11 &&
      (runtimeOperand(ctx, 1) || (mode == "constant" && runtimeOperand(ctx, 2))))
    return convertRuntimePad(ctx, mode);
  auto pads = padAmounts(ctx, rank);
  if (failed(pads))
    return failure();
  if (mode != "constant")
    return padBySelection(ctx, mode, *pads);
  float value = 0;
  if (ctx.opset < 11) {
    value = ctx.floatAttr("value", 0.0f);
  } else if (auto c = ctx.constantOperand(2)) {
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
        if ((int64_t)(*sizes)[k] != axes[k].outSize)
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
  Value y = asComputeType(ctx, x);
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

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

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
  Value x = asComputeType(ctx, ctx.operands[0]);
  Type elt = ctx.resultTypes[0].getElementType();
  int64_t rank = typeOf(x).getRank(), axis;
  if (auto a = ctx.constantOperand(1)) {
    axis = (int64_t)a->front();
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

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

/// Slice's run-time or constant parameter vector `i` as f32 [1, k]; `dflt` when omitted.
static Value sliceParam(NodeContext &ctx, unsigned i, ArrayRef<double> dflt) {
  Chip c(ctx);
  if (i >= ctx.operands.size() || !ctx.operands[i])
    return c.constants({1, (int64_t)dflt.size()}, dflt);
  Value v = ctx.operands[i];
  return asComputeType(ctx, reshapeTo(ctx, v, {1, typeOf(v).getNumElements()}));
}

/// The dims a Slice with run-time parameters may change: the constant axes, or every dim when the
/// axes come at run time. A dim that keeps its size is the identity unless a step may be negative
/// (a reversal), and a single element always is.
static FailureOr<SmallVector<bool>> slicedDims(NodeContext &ctx, int64_t k) {
  RankedTensorType in = typeOf(ctx.operands[0]), out = ctx.resultTypes[0];
  int64_t rank = in.getRank();
  auto present = [&](unsigned i) { return i < ctx.operands.size() && ctx.operands[i]; };
  SmallVector<bool> touched(rank, false);
  if (!present(3)) {
    for (int64_t d = 0; d < std::min(k, rank); ++d)
      touched[d] = true;
  } else if (auto axes = ctx.constantOperand(3)) {
    for (float a : *axes) {
      if (a < -rank || a >= rank)
        return ctx.emitError() << "Slice axis " << a << " is out of range for rank " << rank;
      touched[a < 0 ? (int64_t)a + rank : (int64_t)a] = true;
    }
  } else {
    touched.assign(rank, true);
  }
  bool negativeSteps = present(4);
  if (auto steps = present(4) ? ctx.constantOperand(4) : std::nullopt) {
    if (llvm::is_contained(*steps, 0.0f))
      return ctx.emitError() << "Slice's steps must not be 0";
    negativeSteps = llvm::any_of(*steps, [](float s) { return s < 0; });
  }
  for (int64_t d = 0; d < rank; ++d) {
    int64_t n = in.getDimSize(d);
    if (n == out.getDimSize(d) && (!negativeSteps || n == 1))
      touched[d] = false;
  }
  return touched;
}

/// Slice with starts, axes or steps fed at run time. Per input dim d, the slice entries whose axis
/// is d give its clamped start and its step (0 and 1 when none does), all on the chip; the output
/// shape, which the ends only affect, is static. Each dim that may change becomes the 0/1
/// matrix M[o, i] = (i == start + o * step).
static Result sliceOnChip(NodeContext &ctx) {
  Value x = ctx.operands[0];
  RankedTensorType in = typeOf(x), out = ctx.resultTypes[0];
  int64_t rank = in.getRank(), k = typeOf(ctx.operands[1]).getNumElements();
  if (out.getNumElements() == 0)
    return one(constant(ctx, out, {}));
  for (unsigned i : {3u, 4u})
    if (i < ctx.operands.size() && ctx.operands[i] &&
        typeOf(ctx.operands[i]).getNumElements() != k)
      return ctx.emitError() << "Slice's " << (i == 3 ? "axes" : "steps") << " have "
                             << typeOf(ctx.operands[i]).getNumElements() << " entries for " << k
                             << " starts";
  auto touched = slicedDims(ctx, k);
  if (failed(touched))
    return failure();
  SmallVector<double> entries, sizes, ones(k, 1.0);
  for (int64_t i = 0; i < k; ++i)
    entries.push_back(i);
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(in.getDimSize(d));

  // [rank, k]: whether entry j slices dim d, and its start clamped to dim d's size.
  Chip c(ctx);
  Value starts = sliceParam(ctx, 1, {}), axes = sliceParam(ctx, 3, entries),
        steps = sliceParam(ctx, 4, ones);
  Value dims = iota(ctx, rank, 1), size = c.constants({rank, 1}, sizes);
  Value match = c.add(c.eq(axes, dims), c.eq(axes, c.sub(dims, (double)rank)));
  Value wrapped = c.add(starts, c.mul(size, c.lt(starts, 0.0)));
  Value clamped = c.clamp(wrapped, 0.0, c.sub(size, c.lt(steps, 0.0)));
  Value start = c.sum(c.mul(match, clamped), 1);
  Value step = c.add(c.sum(c.mul(match, steps), 1), c.sub(1.0, c.sum(match, 1)));

  Value y = asComputeType(ctx, x);
  for (int64_t d = 0; d < rank; ++d) {
    if (!(*touched)[d])
      continue;
    Grid g = gridOf(ctx, d, rank, out.getDimSize(d), in.getDimSize(d));
    Value source = c.add(c.row(start, d), c.mul(g.out, c.row(step, d)));
    y = applyOnChip(ctx, y, d, c.eq(g.in, source));
  }
  return one(castElements(ctx, y, out.getElementType()));
}

/// Slice: a remap when starts, axes and steps are constants.
static Result convertSlice(NodeContext &ctx) {
  auto in = cast<RankedTensorType>(ctx.operands[0].getType());
  int64_t rank = in.getRank();
  SmallVector<int64_t> starts, axes, steps;
  if (ctx.opset < 10) {
    starts = intsAttr(ctx, "starts", ctx.attr("starts") ? ctx.attr("starts")->ints_size() : 0, 0);
    axes = ctx.attr("axes") ? intsAttr(ctx, "axes", ctx.attr("axes")->ints_size(), 0)
                            : SmallVector<int64_t>();
  } else {
    if (runtimeOperand(ctx, 1) || runtimeOperand(ctx, 3) || runtimeOperand(ctx, 4))
      return sliceOnChip(ctx);
    auto s = ctx.constantOperand(1);
    if (!s)
      return ctx.emitError() << "Slice has no starts";
    for (float v : *s)
      starts.push_back((int64_t)v);
    if (auto a = ctx.constantOperand(3))
      for (float v : *a)
        axes.push_back((int64_t)v);
    if (auto st = ctx.constantOperand(4))
      for (float v : *st)
        steps.push_back((int64_t)v);
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
