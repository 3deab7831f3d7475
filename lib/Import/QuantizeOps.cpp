// Quantization: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and the integer and
// QLinear matmul/conv ops, computed on the chip in f32 with integer rounding and saturation.
//
// The chip holds every tensor as f32, whose integers are exact below 2^24: 8-bit operands, their
// differences with the zero points, and the int32 accumulations of MatMulInteger/ConvInteger (for
// reduction lengths below 2^24 / 255^2, about 258) are all exact, so the integer ops are f32 ops
// followed by an exact rounding and saturation into the result's integer range.
#include "ImportHelpers.h"

#include <cfloat>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

using graph::BinaryKind;
using graph::UnaryKind;


static int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }



/// The range of the integer element type `elt`, or failure for types quantization does not use.
static FailureOr<std::pair<double, double>> integerRange(NodeContext &ctx, Type elt) {
  auto intType = dyn_cast<IntegerType>(elt);
  if (!intType || intType.getWidth() < 2 || intType.getWidth() > 32) {
    ctx.emitError() << "quantized type " << elt << " is not supported (integers of up to 32 bits)";
    return failure();
  }
  unsigned bits = intType.getWidth();
  if (intType.isUnsigned())
    return std::make_pair(0.0, std::ldexp(1.0, bits) - 1);
  return std::make_pair(-std::ldexp(1.0, bits - 1), std::ldexp(1.0, bits - 1) - 1);
}

/// The integer-valued f32 `v` clipped to the range of the integer element type of `out`. The
/// rounding (half to even) comes before the zero point is added: the sum might not be exact.
static FailureOr<Value> saturateF32(NodeContext &ctx, Value v, RankedTensorType out) {
  auto range = integerRange(ctx, out.getElementType());
  if (failed(range))
    return failure();
  return unary(ctx, UnaryKind::clip, v, range->first, range->second);
}

/// saturateF32, converted to `out`.
static FailureOr<Value> saturate(NodeContext &ctx, Value v, RankedTensorType out) {
  auto clipped = saturateF32(ctx, v, out);
  if (failed(clipped))
    return failure();
  return unary(ctx, UnaryKind::identity, *clipped, 0, 0, out);
}

/// A quantization parameter (scale or zero point) of `x` along `axis`: a 1-D parameter of more
/// than one element is per-axis, reshaped to broadcast along that axis; scalars and one-element
/// tensors are per-tensor.
static FailureOr<Value> alongQuantAxis(NodeContext &ctx, Value param, Value x, int64_t axis) {
  auto type = cast<RankedTensorType>(param.getType());
  auto xType = cast<RankedTensorType>(x.getType());
  if (type.getNumElements() == 1)
    return reshapeTo(ctx, param, {});
  if (type.getRank() != 1)
    return ctx.emitError() << ctx.node.op_type()
                           << ": blocked quantization (a parameter of rank > 1) is not supported";
  int64_t rank = xType.getRank();
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << ctx.node.op_type() << ": axis " << axis << " is out of range";
  if (axis < 0)
    axis += rank;
  if (xType.getDimSize(axis) != type.getDimSize(0))
    return ctx.emitError() << ctx.node.op_type() << ": per-axis parameter of size "
                           << type.getDimSize(0) << " does not match axis " << axis << " of size "
                           << xType.getDimSize(axis);
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = type.getDimSize(0);
  return reshapeTo(ctx, param, shape);
}

/// QuantizeLinear/DequantizeLinear attributes this importer does not implement.
static LogicalResult checkLinearQuantAttrs(NodeContext &ctx) {
  if (ctx.intAttr("block_size", 0) != 0)
    return ctx.emitError() << ctx.node.op_type() << ": blocked quantization is not supported";
  return success();
}

/// y = saturate(round(x / y_scale) + y_zero_point); the zero point defaults to uint8 0.
static Result convertQuantizeLinear(NodeContext &ctx) {
  if (failed(checkLinearQuantAttrs(ctx)))
    return failure();
  Value x = asF32(ctx, ctx.operands[0]);
  int64_t axis = ctx.intAttr("axis", 1);
  auto scale = alongQuantAxis(ctx, asF32(ctx, ctx.operands[1]), x, axis);
  if (failed(scale))
    return failure();
  Value y = binary(ctx, BinaryKind::div, x, *scale);
  y = unary(ctx, UnaryKind::round, y);
  if (Value zp = optionalOperand(ctx, 2)) {
    auto zpAxis = alongQuantAxis(ctx, asF32(ctx, zp), x, axis);
    if (failed(zpAxis))
      return failure();
    y = binary(ctx, BinaryKind::add, y, *zpAxis);
  }
  auto result = saturate(ctx, y, ctx.resultTypes[0]);
  if (failed(result))
    return failure();
  return one(*result);
}

/// y = (x - x_zero_point) * x_scale.
static Result convertDequantizeLinear(NodeContext &ctx) {
  if (failed(checkLinearQuantAttrs(ctx)))
    return failure();
  Value x = asF32(ctx, ctx.operands[0]);
  int64_t axis = ctx.intAttr("axis", 1);
  if (Value zp = optionalOperand(ctx, 2)) {
    auto zpAxis = alongQuantAxis(ctx, asF32(ctx, zp), x, axis);
    if (failed(zpAxis))
      return failure();
    x = binary(ctx, BinaryKind::sub, x, *zpAxis);
  }
  auto scale = alongQuantAxis(ctx, asF32(ctx, ctx.operands[1]), x, axis);
  if (failed(scale))
    return failure();
  Value y = binary(ctx, BinaryKind::mul, x, *scale);
  if (y.getType() != ctx.resultTypes[0])
    y = unary(ctx, UnaryKind::identity, y, 0, 0, ctx.resultTypes[0]);
  return one(y);
}

/// A reduction of `x` over all its axes to a scalar.
static Value reduceAll(NodeContext &ctx, graph::ReduceKind kind, Value x) {
  SmallVector<int64_t> axes;
  for (int64_t i = 0, e = rankOf(x); i < e; ++i)
    axes.push_back(i);
  if (axes.empty())
    return x;
  return reshapeTo(ctx, reduceKeep(ctx, kind, x, axes), {});
}

/// uint8 quantization with the range of x widened to include 0:
/// scale = (max - min) / 255, zero_point = saturate(round(-min / scale)).
static Result convertDynamicQuantizeLinear(NodeContext &ctx) {
  Type f32 = ctx.builder.getF32Type();
  Value x = asF32(ctx, ctx.operands[0]);
  Value zero = scalarConstant(ctx, f32, 0.0);
  Value lo = binary(ctx, BinaryKind::min, reduceAll(ctx, graph::ReduceKind::min, x), zero);
  Value hi = binary(ctx, BinaryKind::max, reduceAll(ctx, graph::ReduceKind::max, x), zero);
  Value range = binary(ctx, BinaryKind::sub, hi, lo);
  Value scale = binary(ctx, BinaryKind::div, range, scalarConstant(ctx, f32, 255.0));
  // An all-zero x has scale 0; dividing by the smallest normal float instead keeps y and the zero
  // point 0 rather than NaN.
  Value divisor = binary(ctx, BinaryKind::max, scale, scalarConstant(ctx, f32, FLT_MIN));
  Value zpFloat = unary(ctx, UnaryKind::neg, binary(ctx, BinaryKind::div, lo, divisor));
  auto zpClipped = saturateF32(ctx, unary(ctx, UnaryKind::round, zpFloat), ctx.resultTypes[2]);
  if (failed(zpClipped))
    return failure();
  Value zp = unary(ctx, UnaryKind::identity, *zpClipped, 0, 0, ctx.resultTypes[2]);
  Value y = unary(ctx, UnaryKind::round, binary(ctx, BinaryKind::div, x, divisor));
  auto q = saturate(ctx, binary(ctx, BinaryKind::add, y, *zpClipped), ctx.resultTypes[0]);
  if (failed(q))
    return failure();
  if (scale.getType() != ctx.resultTypes[1])
    scale = unary(ctx, UnaryKind::identity, scale, 0, 0, ctx.resultTypes[1]);
  return SmallVector<Value>{*q, scale, zp};
}

/// `v - zeroPoint` in f32, or `v` as f32 without a zero point. `zeroPoint` must already broadcast.
static Value shifted(NodeContext &ctx, Value v, Value zeroPoint) {
  v = asF32(ctx, v);
  if (!zeroPoint)
    return v;
  return binary(ctx, BinaryKind::sub, v, asF32(ctx, zeroPoint));
}

/// A per-row parameter of A [..., M, K] (MatMulInteger's a_zero_point, QLinearMatMul's a_scale and
/// a_zero_point): a vector [M] is a column [M, 1]; scalars and N-D tensors broadcast as they are.
static Value perRow(NodeContext &ctx, Value p) {
  if (!p || rankOf(p) != 1)
    return p;
  return reshapeTo(ctx, p, {cast<RankedTensorType>(p.getType()).getDimSize(0), 1});
}

/// `v` minus its zero point, both as int32: integer math the chip does exactly in int32.
static Value shiftedInt32(NodeContext &ctx, Value v, Value zeroPoint) {
  Type i32 = ctx.builder.getI32Type();
  v = castElements(ctx, v, i32);
  return zeroPoint ? binary(ctx, BinaryKind::sub, v, castElements(ctx, zeroPoint, i32)) : v;
}

/// numpy matmul of `a` and `b` giving the shape and element type of `out`, with 1-D operands
/// promoted to matrices and the added axes dropped again.
static FailureOr<Value> matmulOf(NodeContext &ctx, Value a, Value b, RankedTensorType out) {
  bool aVector = rankOf(a) == 1, bVector = rankOf(b) == 1;
  if (rankOf(a) == 0 || rankOf(b) == 0)
    return ctx.emitError() << ctx.node.op_type() << " of a scalar operand is invalid";
  SmallVector<int64_t> shape(out.getShape());
  if (aVector) {
    int64_t k = cast<RankedTensorType>(a.getType()).getDimSize(0);
    a = reshapeTo(ctx, a, {1, k});
    shape.insert(bVector ? shape.end() : shape.end() - 1, 1);
  }
  if (bVector) {
    int64_t k = cast<RankedTensorType>(b.getType()).getDimSize(0);
    b = reshapeTo(ctx, b, {k, 1});
    shape.push_back(1);
  }
  auto prodType = RankedTensorType::get(shape, out.getElementType());
  Value prod = ctx.builder.create<graph::MatMulOp>(ctx.loc, prodType, a, b);
  return reshapeTo(ctx, prod, out.getShape());
}

/// Y = (A - a_zero_point) @ (B - b_zero_point) in int32: an integer graph.matmul.
static Result convertMatMulInteger(NodeContext &ctx) {
  Value a = shiftedInt32(ctx, ctx.operands[0], perRow(ctx, optionalOperand(ctx, 2)));
  Value b = shiftedInt32(ctx, ctx.operands[1], optionalOperand(ctx, 3));
  auto acc = matmulOf(ctx, a, b, ctx.resultTypes[0]);
  if (failed(acc))
    return failure();
  return one(*acc);
}

/// A per-output-channel parameter [M] (or a per-tensor one) of QLinearConv/ConvInteger, shaped to
/// broadcast against a tensor of `rank` whose M channels are at `axis`: 0 for the weights
/// [M, C/g, K...], 1 for the output [N, M, D...]. Null stays null.
static FailureOr<Value> perOutputChannel(NodeContext &ctx, Value p, int64_t rank, int64_t axis,
                                         int64_t m) {
  if (!p)
    return p;
  auto type = cast<RankedTensorType>(p.getType());
  if (type.getNumElements() == 1)
    return reshapeTo(ctx, p, {});
  if (type.getRank() != 1 || type.getDimSize(0) != m)
    return ctx.emitError() << ctx.node.op_type() << ": a weight parameter of shape "
                           << p.getType() << " is neither per-tensor nor per output channel ("
                           << m << ")";
  SmallVector<int64_t> shape(rank - axis, 1);
  shape[0] = m;
  return reshapeTo(ctx, p, shape);
}

/// The integer convolution of (x - x_zero_point) by (w - w_zero_point), giving the shape of
/// `out`, in int32 (`inInt32`) or in f32 (exact below 2^24, as a requantization's scaling
/// wants it); padding reads 0 after the shift, as the spec's reference does.
static FailureOr<Value> integerConv(NodeContext &ctx, Value x, Value xZeroPoint, Value w,
                                    Value wZeroPoint, RankedTensorType out, bool inInt32) {
  int64_t rank = rankOf(x);
  if (rank < 3 || rankOf(w) != rank)
    return ctx.emitError() << ctx.node.op_type() << " needs [N, C, D...] input and weights";
  if (xZeroPoint && cast<RankedTensorType>(xZeroPoint.getType()).getNumElements() != 1)
    return ctx.emitError() << ctx.node.op_type() << ": x_zero_point must be per-tensor";
  auto shift = inInt32 ? shiftedInt32 : shifted;
  Value xs = shift(ctx, x, xZeroPoint ? reshapeTo(ctx, xZeroPoint, {}) : Value());
  int64_t m = cast<RankedTensorType>(w.getType()).getDimSize(0);
  auto wzp = perOutputChannel(ctx, wZeroPoint, rank, 0, m);
  if (failed(wzp))
    return failure();
  Value ws = shift(ctx, w, *wzp);
  Type acc = inInt32 ? Type(ctx.builder.getI32Type()) : Type(ctx.builder.getF32Type());
  return convolve(ctx, xs, ws, Value(), RankedTensorType::get(out.getShape(), acc));
}

/// y = conv(x - x_zero_point, w - w_zero_point) in int32.
static Result convertConvInteger(NodeContext &ctx) {
  auto acc = integerConv(ctx, ctx.operands[0], optionalOperand(ctx, 2), ctx.operands[1],
                         optionalOperand(ctx, 3), ctx.resultTypes[0], /*inInt32=*/true);
  if (failed(acc))
    return failure();
  return one(*acc);
}

/// saturate(round(acc * multiplier) + y_zero_point) as the result type, where the f32 `acc` holds
/// the exact integer accumulation.
static Result requantize(NodeContext &ctx, Value acc, Value multiplier, Value yZeroPoint) {
  Value y = unary(ctx, UnaryKind::round, binary(ctx, BinaryKind::mul, acc, multiplier));
  if (yZeroPoint)
    y = binary(ctx, BinaryKind::add, y, asF32(ctx, yZeroPoint));
  auto result = saturate(ctx, y, ctx.resultTypes[0]);
  if (failed(result))
    return failure();
  return one(*result);
}

/// QLinearMatMul: the integer matmul requantized by a_scale * b_scale / y_scale. A's parameters
/// may be per row, B's per column.
static Result convertQLinearMatMul(NodeContext &ctx) {
  Value a = shifted(ctx, ctx.operands[0], perRow(ctx, ctx.operands[2]));
  Value b = shifted(ctx, ctx.operands[3], ctx.operands[5]);
  Type f32 = ctx.builder.getF32Type();
  auto acc = matmulOf(ctx, a, b, RankedTensorType::get(ctx.resultTypes[0].getShape(), f32));
  if (failed(acc))
    return failure();
  Value scales = binary(ctx, BinaryKind::mul, asF32(ctx, perRow(ctx, ctx.operands[1])),
                        asF32(ctx, ctx.operands[4]));
  Value multiplier = binary(ctx, BinaryKind::div, scales, asF32(ctx, ctx.operands[6]));
  return requantize(ctx, *acc, multiplier, ctx.operands[7]);
}

/// QLinearConv: the integer convolution plus the int32 bias (already in the accumulator's scale
/// x_scale * w_scale), requantized by x_scale * w_scale / y_scale; w's parameters may be per
/// output channel.
static Result convertQLinearConv(NodeContext &ctx) {
  RankedTensorType out = ctx.resultTypes[0];
  for (unsigned i : {1u, 6u, 7u})
    if (cast<RankedTensorType>(ctx.operands[i].getType()).getNumElements() != 1)
      return ctx.emitError() << "QLinearConv: x_scale, y_scale and y_zero_point must be per-tensor";
  int64_t rank = out.getRank(), m = out.getDimSize(1);
  Value bias = optionalOperand(ctx, 8);
  if (bias && cast<RankedTensorType>(bias.getType()).getShape() != ArrayRef<int64_t>{m})
    return ctx.emitError() << "QLinearConv: the bias must have one value per output channel";
  auto wScale = perOutputChannel(ctx, asF32(ctx, ctx.operands[4]), rank, 1, m);
  if (failed(wScale))
    return failure();
  auto acc = integerConv(ctx, ctx.operands[0], ctx.operands[2], ctx.operands[3], ctx.operands[5],
                         out, /*inInt32=*/false);
  if (failed(acc))
    return failure();
  Value sum = *acc;
  if (bias)
    sum = binary(ctx, BinaryKind::add, sum, channelParam(ctx, asF32(ctx, bias), rank));
  Value xScale = reshapeTo(ctx, asF32(ctx, ctx.operands[1]), {});
  Value yScale = reshapeTo(ctx, asF32(ctx, ctx.operands[6]), {});
  Value multiplier =
      binary(ctx, BinaryKind::div, binary(ctx, BinaryKind::mul, xScale, *wScale), yScale);
  return requantize(ctx, sum, multiplier, reshapeTo(ctx, ctx.operands[7], {}));
}

void tessel::onnx_import::addQuantizeConverters(ConverterMap &map) {
  map["QuantizeLinear"] = convertQuantizeLinear;
  map["DequantizeLinear"] = convertDequantizeLinear;
  map["DynamicQuantizeLinear"] = convertDynamicQuantizeLinear;
  map["MatMulInteger"] = convertMatMulInteger;
  map["ConvInteger"] = convertConvInteger;
  map["QLinearMatMul"] = convertQLinearMatMul;
  map["QLinearConv"] = convertQLinearConv;
}
