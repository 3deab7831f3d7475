// One converter per supported ONNX op type, normalising ONNX semantics into graph ops.
#include "ImportHelpers.h"
#include "tessel/Transforms/ConvLowering.h"

#include "llvm/ADT/StringSwitch.h"

#include <limits>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::floatAttr(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::stringAttr(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<std::vector<float>> NodeContext::constantOperand(unsigned i) const {
  if (i >= operands.size() || !operands[i])
    return std::nullopt;
  auto constant = operands[i].getDefiningOp<graph::ConstantOp>();
  if (!constant)
    return std::nullopt;
  return graph::readF32Elements(constant.getValue());
}


/// MatMul with numpy's 1-D rules: a 1-D lhs is a row, a 1-D rhs a column, and the added dim is
/// dropped from the result.
static Result convertMatMul(NodeContext &ctx) {
  Value a = ctx.operands[0], b = ctx.operands[1];
  auto at = cast<RankedTensorType>(a.getType()), bt = cast<RankedTensorType>(b.getType());
  if (at.getRank() == 0 || bt.getRank() == 0)
    return ctx.emitError() << "MatMul of a scalar";
  int64_t columns = at.getShape().back();
  int64_t rows = bt.getDimSize(std::max<int64_t>(bt.getRank() - 2, 0));
  if (columns != rows)
    return ctx.emitError() << "MatMul contracts " << columns << " columns with " << rows << " rows";
  if (at.getRank() == 1)
    a = reshapeTo(ctx, a, {1, at.getDimSize(0)});
  if (bt.getRank() == 1)
    b = reshapeTo(ctx, b, {bt.getDimSize(0), 1});
  ArrayRef<int64_t> as = cast<RankedTensorType>(a.getType()).getShape(),
                    bs = cast<RankedTensorType>(b.getType()).getShape();
  auto batch = graph::broadcastShapes(as.drop_back(2), bs.drop_back(2));
  if (!batch)
    return ctx.emitError() << "MatMul batch dims do not broadcast";
  SmallVector<int64_t> shape(*batch);
  shape.push_back(as[as.size() - 2]);
  shape.push_back(bs.back());
  Value y = ctx.builder.create<graph::MatMulOp>(
      ctx.loc, RankedTensorType::get(shape, ctx.resultTypes[0].getElementType()), a, b);
  return one(reshapeTo(ctx, y, ctx.resultTypes[0].getShape()));
}

static Result convertGemm(NodeContext &ctx) {
  Value c = ctx.operands.size() > 2 ? ctx.operands[2] : Value();
  auto op = ctx.builder.create<graph::GemmOp>(
      ctx.loc, ctx.resultTypes[0], ctx.operands[0], ctx.operands[1], c,
      ctx.builder.getF32FloatAttr(ctx.floatAttr("alpha", 1.0f)),
      ctx.builder.getF32FloatAttr(ctx.floatAttr("beta", 1.0f)),
      ctx.builder.getBoolAttr(ctx.intAttr("transA", 0) != 0),
      ctx.builder.getBoolAttr(ctx.intAttr("transB", 0) != 0));
  return one(op);
}


/// ONNX elementwise functions of one input without attributes.
static std::optional<graph::UnaryKind> plainUnary(StringRef opType) {
  return llvm::StringSwitch<std::optional<graph::UnaryKind>>(opType)
      .Case("Abs", graph::UnaryKind::abs).Case("Neg", graph::UnaryKind::neg)
      .Case("Exp", graph::UnaryKind::exp).Case("Log", graph::UnaryKind::log)
      .Case("Sqrt", graph::UnaryKind::sqrt).Case("Reciprocal", graph::UnaryKind::reciprocal)
      .Case("Sigmoid", graph::UnaryKind::sigmoid).Case("Tanh", graph::UnaryKind::tanh)
      .Case("Erf", graph::UnaryKind::erf).Case("Sin", graph::UnaryKind::sin)
      .Case("Tan", graph::UnaryKind::tan)
      .Case("Asin", graph::UnaryKind::asin)
      .Case("Acos", graph::UnaryKind::acos)
      .Case("Atan", graph::UnaryKind::atan)
      .Case("Sinh", graph::UnaryKind::sinh)
      .Case("Cosh", graph::UnaryKind::cosh)
      .Case("Asinh", graph::UnaryKind::asinh)
      .Case("Acosh", graph::UnaryKind::acosh)
      .Case("Atanh", graph::UnaryKind::atanh)
      .Case("Cos", graph::UnaryKind::cos).Case("Floor", graph::UnaryKind::floor)
      .Case("Ceil", graph::UnaryKind::ceil).Case("Round", graph::UnaryKind::round)
      .Case("Sign", graph::UnaryKind::sign).Case("Relu", graph::UnaryKind::relu)
      .Case("Softplus", graph::UnaryKind::softplus).Case("Softsign", graph::UnaryKind::softsign)
      .Case("Not", graph::UnaryKind::not_).Case("HardSwish", graph::UnaryKind::hard_swish)
      .Case("Identity", graph::UnaryKind::identity).Case("IsNaN", graph::UnaryKind::isnan)
      .Default(std::nullopt);
}

static Result convertPlainUnary(NodeContext &ctx) {
  return one(unary(ctx, *plainUnary(ctx.node.op_type()), ctx.operands[0], 0, 0,
                   ctx.resultTypes[0]));
}


static Result convertUnaryWithAttrs(NodeContext &ctx) {
  StringRef type = ctx.node.op_type();
  Value x = ctx.operands[0];
  Type result = ctx.resultTypes[0];
  if (type == "LeakyRelu")
    return one(unary(ctx, graph::UnaryKind::leaky_relu, x, ctx.floatAttr("alpha", 0.01f), 0, result));
  if (type == "Elu")
    return one(unary(ctx, graph::UnaryKind::elu, x, ctx.floatAttr("alpha", 1.0f), 0, result));
  if (type == "Selu")
    return one(unary(ctx, graph::UnaryKind::selu, x, ctx.floatAttr("alpha", 1.67326319217681884765625f),
                     ctx.floatAttr("gamma", 1.05070102214813232421875f), result));
  if (type == "Celu") {
    // alpha * elu(x / alpha): the same curve scaled, with elu's own alpha 1.
    float alpha = ctx.floatAttr("alpha", 1.0f);
    Type elt = ctx.resultTypes[0].getElementType();
    Value scaled = binary(ctx, graph::BinaryKind::mul, x, scalarConstant(ctx, elt, 1.0 / alpha));
    Value e = unary(ctx, graph::UnaryKind::elu, scaled, 1.0f);
    return one(binary(ctx, graph::BinaryKind::mul, e, scalarConstant(ctx, elt, alpha), result));
  }
  if (type == "HardSigmoid")
    return one(unary(ctx, graph::UnaryKind::hard_sigmoid, x, ctx.floatAttr("alpha", 0.2f),
                     ctx.floatAttr("beta", 0.5f), result));
  if (type == "ThresholdedRelu")
    return one(unary(ctx, graph::UnaryKind::thresholded_relu, x, ctx.floatAttr("alpha", 1.0f), 0,
                     result));
  if (type == "IsInf")
    return one(unary(ctx, graph::UnaryKind::isinf, x, ctx.intAttr("detect_negative", 1),
                     ctx.intAttr("detect_positive", 1), result));
  if (type == "Dropout") {
    // Inference (a Dropout that may train runs on the host, Importer::runsOnHost): nothing is
    // dropped, so the mask, when asked for, is all true.
    SmallVector<Value> results{unary(ctx, graph::UnaryKind::identity, x, 0, 0, result)};
    if (ctx.resultTypes.size() > 1)
      results.push_back(constant(ctx, ctx.resultTypes[1],
                                 SmallVector<double>(ctx.resultTypes[1].getNumElements(), 1.0)));
    return results;
  }
  // Clip: bounds are attributes before opset 11 and optional constant inputs since.
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  if (ctx.opset < 11) {
    lo = ctx.floatAttr("min", lo);
    hi = ctx.floatAttr("max", hi);
  } else {
    // Bounds computed at run time clamp through max and min with a broadcast scalar.
    Value clamped = x;
    bool dynamic = false;
    for (unsigned i : {1u, 2u}) {
      if (i >= ctx.operands.size() || !ctx.operands[i])
        continue;
      if (auto values = ctx.constantOperand(i); values && values->size() == 1) {
        (i == 1 ? lo : hi) = values->front();
        continue;
      }
      dynamic = true;
      clamped = binary(ctx, i == 1 ? graph::BinaryKind::max : graph::BinaryKind::min, clamped,
                       ctx.operands[i], result);
    }
    if (dynamic)
      return one(unary(ctx, graph::UnaryKind::clip, clamped, lo, hi, result));
  }
  return one(unary(ctx, graph::UnaryKind::clip, x, lo, hi, result));
}

static std::optional<graph::BinaryKind> plainBinary(StringRef opType) {
  return llvm::StringSwitch<std::optional<graph::BinaryKind>>(opType)
      .Case("Add", graph::BinaryKind::add).Case("Sub", graph::BinaryKind::sub)
      .Case("Mul", graph::BinaryKind::mul).Case("Div", graph::BinaryKind::div)
      .Case("Pow", graph::BinaryKind::pow).Case("Equal", graph::BinaryKind::equal)
      .Case("Less", graph::BinaryKind::less).Case("Greater", graph::BinaryKind::greater)
      .Case("LessOrEqual", graph::BinaryKind::less_or_equal)
      .Case("GreaterOrEqual", graph::BinaryKind::greater_or_equal)
      .Case("And", graph::BinaryKind::and_).Case("Or", graph::BinaryKind::or_)
      .Case("Xor", graph::BinaryKind::xor_).Case("PRelu", graph::BinaryKind::prelu)
      .Default(std::nullopt);
}

static Result convertBinary(NodeContext &ctx) {
  StringRef type = ctx.node.op_type();
  graph::BinaryKind kind;
  if (type == "Mod")
    kind = ctx.intAttr("fmod", 0) ? graph::BinaryKind::fmod : graph::BinaryKind::mod;
  else
    kind = *plainBinary(type);
  auto resultType = ctx.resultTypes[0];
  Value lhs = ctx.operands[0], rhs = ctx.operands[1];
  if (kind == graph::BinaryKind::prelu) {
    // PRelu before opset 7 applied a [C] slope per channel (axis 1), not by numpy broadcasting.
    auto x = cast<RankedTensorType>(lhs.getType()), slope = cast<RankedTensorType>(rhs.getType());
    if (!graph::broadcastShapes(x.getShape(), slope.getShape()) && slope.getRank() == 1 &&
        x.getRank() > 2 && slope.getDimSize(0) == x.getDimSize(1))
      rhs = channelParam(ctx, rhs, x.getRank());
  }
  return one(binary(ctx, kind, lhs, rhs, resultType));
}

/// Shrink: x + bias below -lambd, x - bias above lambd, 0 between; as two masks.
static Result convertShrink(NodeContext &ctx) {
  Value x = ctx.operands[0];
  RankedTensorType type = ctx.resultTypes[0];
  Type elt = type.getElementType(), i1 = ctx.builder.getI1Type();
  float bias = ctx.floatAttr("bias", 0.0f), lambd = ctx.floatAttr("lambd", 0.5f);
  auto maskType = RankedTensorType::get(type.getShape(), i1);
  auto mask = [&](graph::BinaryKind cmp, double bound) {
    Value hit = binary(ctx, cmp, x, scalarConstant(ctx, elt, bound), maskType);
    return unary(ctx, graph::UnaryKind::identity, hit, 0, 0, type);
  };
  Value below = binary(ctx, graph::BinaryKind::mul, mask(graph::BinaryKind::less, -lambd),
                       binary(ctx, graph::BinaryKind::add, x, scalarConstant(ctx, elt, bias)));
  Value above = binary(ctx, graph::BinaryKind::mul, mask(graph::BinaryKind::greater, lambd),
                       binary(ctx, graph::BinaryKind::sub, x, scalarConstant(ctx, elt, bias)));
  return one(binary(ctx, graph::BinaryKind::add, below, above, type));
}

/// BitShift on unsigned integers as int32 arithmetic, exact over the int32 range: a left shift
/// multiplies by 2^y (2^y from an f32 power, exact below 2^31) and wraps at the type's width, a
/// right shift divides (truncating is flooring for unsigned values).
static Result convertBitShift(NodeContext &ctx) {
  RankedTensorType type = ctx.resultTypes[0];
  Type f32 = ctx.builder.getF32Type(), i32 = ctx.builder.getI32Type();
  Value x = castElements(ctx, ctx.operands[0], i32);
  Value power = binary(ctx, graph::BinaryKind::pow, scalarConstant(ctx, f32, 2.0),
                       asF32(ctx, ctx.operands[1]));
  Value factor = castElements(ctx, power, i32);
  auto i32Type = RankedTensorType::get(type.getShape(), i32);
  std::string direction = ctx.attr("direction") ? ctx.attr("direction")->s() : "";
  Value y;
  if (direction == "LEFT") {
    y = binary(ctx, graph::BinaryKind::mul, x, factor, i32Type);
    unsigned width = type.getElementType().getIntOrFloatBitWidth();
    if (width <= 16)
      y = binary(ctx, graph::BinaryKind::mod, y, scalarConstant(ctx, i32, double(1 << width)));
  } else if (direction == "RIGHT") {
    y = binary(ctx, graph::BinaryKind::div, x, factor, i32Type);
  } else {
    return ctx.emitError() << "BitShift direction must be LEFT or RIGHT, not '" << direction << "'";
  }
  return one(unary(ctx, graph::UnaryKind::identity, y, 0, 0, type));
}

/// Max, Min, Sum and Mean of any number of inputs, folded pairwise.
static Result convertVariadic(NodeContext &ctx) {
  StringRef type = ctx.node.op_type();
  graph::BinaryKind kind = type == "Max"   ? graph::BinaryKind::max
                           : type == "Min" ? graph::BinaryKind::min
                                           : graph::BinaryKind::add;
  Value acc = ctx.operands[0];
  for (size_t i = 1; i < ctx.operands.size(); ++i)
    acc = binary(ctx, kind, acc, ctx.operands[i],
                 i + 1 == ctx.operands.size() && type != "Mean" ? Type(ctx.resultTypes[0]) : Type());
  if (type == "Mean") {
    auto scalarType = RankedTensorType::get({}, ctx.resultTypes[0].getElementType());
    Value n = ctx.builder.create<graph::ConstantOp>(
        ctx.loc, scalarType,
        DenseElementsAttr::get(scalarType, ctx.builder.getFloatAttr(
                                               scalarType.getElementType(),
                                               1.0 / (double)ctx.operands.size())));
    acc = binary(ctx, graph::BinaryKind::mul, acc, n, ctx.resultTypes[0]);
  }
  if (acc.getType() != ctx.resultTypes[0])
    acc = unary(ctx, graph::UnaryKind::identity, acc, 0, 0, ctx.resultTypes[0]);
  return one(acc);
}

/// Cast and CastLike: the chip holds every tensor as floats, so a cast is a rounding rule.
static Result convertCast(NodeContext &ctx) {
  Type to = ctx.resultTypes[0].getElementType();
  Value x = ctx.operands[0];
  if (to.isInteger(1))
    return one(unary(ctx, graph::UnaryKind::to_bool, x, 0, 0, ctx.resultTypes[0]));
  if (isa<IntegerType>(to) && isa<FloatType>(cast<RankedTensorType>(x.getType()).getElementType()))
    return one(unary(ctx, graph::UnaryKind::trunc, x, 0, 0, ctx.resultTypes[0]));
  return one(unary(ctx, graph::UnaryKind::identity, x, 0, 0, ctx.resultTypes[0]));
}


/// Shape and Size of a statically shaped tensor are known at compile time.
static Result convertShapeOf(NodeContext &ctx) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(ctx.operands[0].getType()).getShape();
  if (ctx.node.op_type() == "Size") {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return one(constant(ctx, ctx.resultTypes[0], {(double)n}));
  }
  int64_t rank = shape.size();
  int64_t start = ctx.intAttr("start", 0), end = ctx.intAttr("end", rank);
  start = std::clamp(start < 0 ? start + rank : start, (int64_t)0, rank);
  end = std::clamp(end < 0 ? end + rank : end, (int64_t)0, rank);
  SmallVector<double> dims;
  for (int64_t i = start; i < end; ++i)
    dims.push_back(shape[i]);
  return one(constant(ctx, ctx.resultTypes[0], dims));
}

static Result convertConstantOfShape(NodeContext &ctx) {
  double value = 0;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    const onnx::TensorProto &t = a->t();
    if (t.float_data_size())
      value = t.float_data(0);
    else if (t.int64_data_size())
      value = t.int64_data(0);
    else if (t.int32_data_size())
      value = t.int32_data(0);
    else if (t.has_raw_data() && t.data_type() == onnx::TensorProto::FLOAT && t.raw_data().size() >= 4) {
      float f;
      memcpy(&f, t.raw_data().data(), 4);
      value = f;
    } else if (t.has_raw_data() && t.data_type() == onnx::TensorProto::INT64 && t.raw_data().size() >= 8) {
      int64_t i;
      memcpy(&i, t.raw_data().data(), 8);
      value = (double)i;
    }
  }
  int64_t n = ctx.resultTypes[0].getNumElements();
  return one(constant(ctx, ctx.resultTypes[0], SmallVector<double>(n, value)));
}

/// Reshape, Flatten, Squeeze and Unsqueeze: shape inference already gave the result shape.
static Result convertReshape(NodeContext &ctx) {
  // The shape operand, constant or not, is already in the result type that shape inference
  // gave; a shape it could not infer fails earlier with the value's name.
  return one(ctx.builder.create<graph::ReshapeOp>(ctx.loc, ctx.resultTypes[0], ctx.operands[0]));
}

static Result convertReduce(NodeContext &ctx) {
  StringRef type = ctx.node.op_type();
  auto kind = llvm::StringSwitch<graph::ReduceKind>(type)
                  .Case("ReduceSum", graph::ReduceKind::sum)
                  .Case("ReduceMean", graph::ReduceKind::mean)
                  .Case("ReduceMax", graph::ReduceKind::max)
                  .Case("ReduceMin", graph::ReduceKind::min)
                  .Case("ReduceProd", graph::ReduceKind::prod)
                  .Case("ReduceL1", graph::ReduceKind::l1)
                  .Case("ReduceL2", graph::ReduceKind::l2)
                  .Case("ReduceLogSum", graph::ReduceKind::log_sum)
                  .Case("ReduceLogSumExp", graph::ReduceKind::log_sum_exp)
                  .Default(graph::ReduceKind::sum_square);
  auto inType = cast<RankedTensorType>(ctx.operands[0].getType());
  int64_t rank = inType.getRank();
  SmallVector<int64_t> axes;
  if (const onnx::AttributeProto *a = ctx.attr("axes")) {
    axes.assign(a->ints().begin(), a->ints().end());
  } else if (ctx.operands.size() > 1 && ctx.operands[1]) {
    if (auto values = ctx.constantOperand(1)) {
      for (float v : *values)
        axes.push_back(saturatingInt64(v));
    } else if (ctx.intAttr("keepdims", 1) && ctx.resultTypes[0].getRank() == rank) {
      // Axes fed at run time: with keepdims the result shape tells them, up to size-1 dims,
      // whose reduction changes nothing.
      for (int64_t i = 0; i < rank; ++i)
        if (ctx.resultTypes[0].getDimSize(i) == 1 && inType.getDimSize(i) != 1)
          axes.push_back(i);
      if (axes.empty())
        return one(unary(ctx, graph::UnaryKind::identity, ctx.operands[0], 0, 0, ctx.resultTypes[0]));
    } else {
      return ctx.emitError() << type << "'s axes must be a constant";
    }
  }
  if (axes.empty()) {
    if (ctx.intAttr("noop_with_empty_axes", 0))
      return one(unary(ctx, graph::UnaryKind::identity, ctx.operands[0], 0, 0, ctx.resultTypes[0]));
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  SmallVector<int64_t> kept(inType.getShape());
  for (int64_t &a : axes) {
    if (a < -rank || a >= rank)
      return ctx.emitError() << type << " axis " << a << " is out of range for rank " << rank;
    if (a < 0)
      a += rank;
    kept[a] = 1;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  auto keptType = RankedTensorType::get(kept, ctx.resultTypes[0].getElementType());
  Value r;
  if (kind == graph::ReduceKind::log_sum_exp && isa<FloatType>(keptType.getElementType())) {
    // max + log(sum(exp(x - max))): exp of the raw input overflows f32 beyond 88.
    Value x = ctx.operands[0];
    Value top = reduceKeep(ctx, graph::ReduceKind::max, x, axes);
    Value shifted = unary(ctx, graph::UnaryKind::exp, binary(ctx, graph::BinaryKind::sub, x, top));
    Value total = reduceKeep(ctx, graph::ReduceKind::sum, shifted, axes);
    r = binary(ctx, graph::BinaryKind::add, top, unary(ctx, graph::UnaryKind::log, total), keptType);
  } else {
    r = ctx.builder.create<graph::ReduceOp>(
        ctx.loc, keptType, kind, ctx.operands[0], ctx.builder.getDenseI64ArrayAttr(axes));
  }
  if (keptType != ctx.resultTypes[0])
    r = ctx.builder.create<graph::ReshapeOp>(ctx.loc, ctx.resultTypes[0], r);
  return one(r);
}


/// BatchNormalization in training mode: the batch's own mean and (biased) variance over every
/// axis but the channels normalize it, and the running statistics move toward them by momentum.
static Result batchNormTraining(NodeContext &ctx) {
  Value x = ctx.operands[0];
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank(), channels = type.getDimSize(1);
  Type elt = type.getElementType();
  SmallVector<int64_t> axes{0};
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  graph::Normalized n = graph::buildNormalization(ctx.builder, ctx.loc, x, axes,
                                                  ctx.floatAttr("epsilon", 1e-5f), /*rms=*/false);
  Value y = binary(ctx, graph::BinaryKind::mul, n.normal, channelParam(ctx, ctx.operands[1], rank));
  y = binary(ctx, graph::BinaryKind::add, y, channelParam(ctx, ctx.operands[2], rank),
             ctx.resultTypes[0]);
  SmallVector<Value> results{y};
  float momentum = ctx.floatAttr("momentum", 0.9f);
  for (auto [stat, running] :
       {std::pair(n.mean, ctx.operands[3]), std::pair(n.var, ctx.operands[4])}) {
    if (results.size() == ctx.resultTypes.size())
      break;
    Value kept = binary(ctx, graph::BinaryKind::mul, running, scalarConstant(ctx, elt, momentum));
    Value moved = binary(ctx, graph::BinaryKind::mul, reshapeTo(ctx, stat, {channels}),
                         scalarConstant(ctx, elt, 1.0 - momentum));
    results.push_back(binary(ctx, graph::BinaryKind::add, kept, moved,
                             ctx.resultTypes[results.size()]));
  }
  return results;
}

static Result convertBatchNorm(NodeContext &ctx) {
  if (ctx.intAttr("training_mode", 0))
    return batchNormTraining(ctx);
  if (ctx.resultTypes.size() > 1)
    return ctx.emitError() << "BatchNormalization outputs running statistics only in training mode";
  const SmallVector<Value> &o = ctx.operands;
  return one(ctx.builder.create<graph::BatchNormOp>(
      ctx.loc, ctx.resultTypes[0], o[0], o[1], o[2], o[3], o[4],
      ctx.builder.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f))));
}

static Result convertInstanceNorm(NodeContext &ctx) {
  Value x = ctx.operands[0];
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  if (rank < 3)
    return ctx.emitError() << "InstanceNormalization needs an input of rank 3 or more (N, C, "
                              "spatial axes), not "
                           << rank;
  // The statistics are per sample and channel, over the spatial axes; the scale and bias are
  // per channel, so they stay outside the normalisation.
  Value normal = ctx.builder.create<graph::LayerNormOp>(
      ctx.loc, x.getType(), x, Value(), Value(), ctx.builder.getI64IntegerAttr(2),
      ctx.builder.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f)));
  Value y = binary(ctx, graph::BinaryKind::mul, normal, channelParam(ctx, ctx.operands[1], rank));
  return one(binary(ctx, graph::BinaryKind::add, y, channelParam(ctx, ctx.operands[2], rank),
                    ctx.resultTypes[0]));
}

static Result convertLayerNorm(NodeContext &ctx) {
  Value x = ctx.operands[0];
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  int64_t axis = ctx.intAttr("axis", -1);
  if (axis < 0)
    axis += rank;
  float eps = ctx.floatAttr("epsilon", 1e-5f);
  Value bias = ctx.operands.size() > 2 ? ctx.operands[2] : Value();
  if (ctx.resultTypes.size() == 1)
    return one(ctx.builder.create<graph::LayerNormOp>(
        ctx.loc, ctx.resultTypes[0], x, ctx.operands[1], bias,
        ctx.builder.getI64IntegerAttr(axis), ctx.builder.getF32FloatAttr(eps)));
  // The training outputs Mean and InvStdDev are the statistics' own tensors.
  SmallVector<int64_t> axes;
  for (int64_t i = axis; i < rank; ++i)
    axes.push_back(i);
  graph::Normalized n = graph::buildNormalization(ctx.builder, ctx.loc, x, axes, eps, false);
  Value y = binary(ctx, graph::BinaryKind::mul, n.normal, ctx.operands[1]);
  if (bias)
    y = binary(ctx, graph::BinaryKind::add, y, bias);
  SmallVector<Value> results{y, n.mean, n.invStd};
  results.resize(ctx.resultTypes.size());
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].getType() != ctx.resultTypes[i])
      results[i] = unary(ctx, graph::UnaryKind::identity, results[i], 0, 0, ctx.resultTypes[i]);
  return results;
}


/// Expand and Tile: the result shape (already inferred) says it all.
static Result convertExpandOrTile(NodeContext &ctx) {
  auto in = cast<RankedTensorType>(ctx.operands[0].getType());
  RankedTensorType out = ctx.resultTypes[0];
  MLIRContext *mctx = ctx.builder.getContext();
  bool tile = ctx.node.op_type() == "Tile";
  SmallVector<AffineExpr> index;
  int64_t lead = out.getRank() - in.getRank();
  for (int64_t k = 0; k < in.getRank(); ++k) {
    AffineExpr d = getAffineDimExpr(k + lead, mctx);
    int64_t size = in.getDimSize(k);
    index.push_back(size == 1 ? getAffineConstantExpr(0, mctx) : tile ? d % size : d);
  }
  return one(remap(ctx, ctx.operands[0], out, index));
}

static Result convertSplit(NodeContext &ctx) {
  auto in = cast<RankedTensorType>(ctx.operands[0].getType());
  int64_t rank = in.getRank(), axis = ctx.intAttr("axis", 0);
  if (axis < 0)
    axis += rank;
  SmallVector<Value> results;
  int64_t offset = 0;
  for (RankedTensorType out : ctx.resultTypes) {
    SmallVector<AffineExpr> index;
    for (int64_t k = 0; k < rank; ++k)
      index.push_back(getAffineDimExpr(k, ctx.builder.getContext()) + (k == axis ? offset : 0));
    results.push_back(remap(ctx, ctx.operands[0], out, index));
    offset += out.getDimSize(axis);
  }
  return results;
}

/// DepthToSpace and SpaceToDepth on NCHW.
static Result convertDepthSpace(NodeContext &ctx) {
  auto in = cast<RankedTensorType>(ctx.operands[0].getType());
  RankedTensorType out = ctx.resultTypes[0];
  int64_t b = ctx.intAttr("blocksize", 1);
  MLIRContext *mctx = ctx.builder.getContext();
  AffineExpr n = getAffineDimExpr(0, mctx), c = getAffineDimExpr(1, mctx),
             h = getAffineDimExpr(2, mctx), w = getAffineDimExpr(3, mctx);
  if (ctx.node.op_type() == "SpaceToDepth") {
    int64_t cin = in.getDimSize(1);
    AffineExpr block = c.floorDiv(cin);
    return one(remap(ctx, ctx.operands[0], out,
                     {n, c % cin, h * b + block.floorDiv(b), w * b + block % b}));
  }
  int64_t cout = out.getDimSize(1);
  std::string mode = ctx.attr("mode") ? ctx.attr("mode")->s() : "DCR";
  if (mode != "DCR" && mode != "CRD")
    return ctx.emitError() << "DepthToSpace mode '" << mode << "' is unknown (DCR or CRD)";
  bool crd = mode == "CRD";
  AffineExpr channel = crd ? c * (b * b) + (h % b) * b + w % b
                           : (h % b) * (b * cout) + (w % b) * cout + c;
  return one(remap(ctx, ctx.operands[0], out, {n, channel, h.floorDiv(b), w.floorDiv(b)}));
}

FailureOr<SmallVector<int64_t>>
tessel::onnx_import::windowPads(NodeContext &ctx, ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                                ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dilations) {
  size_t k = kernel.size();
  SmallVector<int64_t> pads(2 * k, 0);
  std::string autoPad = ctx.attr("auto_pad") ? ctx.attr("auto_pad")->s() : "NOTSET";
  if (autoPad == "NOTSET") {
    if (const onnx::AttributeProto *a = ctx.attr("pads"))
      for (size_t i = 0; i < 2 * k && i < (size_t)a->ints_size(); ++i)
        pads[i] = a->ints(i);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < k; ++i) {
      int64_t total = std::max<int64_t>(
          (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i], 0);
      pads[i] = autoPad == "SAME_UPPER" ? total / 2 : (total + 1) / 2;
      pads[k + i] = total - pads[i];
    }
  } else if (autoPad != "VALID") {
    return ctx.emitError() << "unknown auto_pad '" << autoPad << "'";
  }
  return pads;
}

Value tessel::onnx_import::windows(NodeContext &ctx, Value x, int64_t groups,
                                   ArrayRef<int64_t> outSpatial, ArrayRef<int64_t> kernel,
                                   ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                                   ArrayRef<int64_t> pads, float padding) {
  return buildConvWindows(ctx.builder, ctx.loc, x, groups, outSpatial, kernel, strides,
                          dilations, pads, padding);
}

FailureOr<Value> tessel::onnx_import::convolve(NodeContext &ctx, Value x, Value w, Value bias,
                                               RankedTensorType out) {
  auto xType = cast<RankedTensorType>(x.getType()), wType = cast<RankedTensorType>(w.getType());
  int64_t rank = xType.getRank(), k = rank - 2, groups = ctx.intAttr("group", 1);
  if (rank < 3 || wType.getRank() != rank || out.getRank() != rank)
    return ctx.emitError() << "Conv needs an input of rank 3 or more, and weights and a result "
                              "of its rank (ranks "
                           << rank << ", " << wType.getRank() << ", " << out.getRank() << ")";
  if (groups < 1 || wType.getDimSize(0) % groups != 0 ||
      xType.getDimSize(1) != wType.getDimSize(1) * groups)
    return ctx.emitError() << "Conv's weights " << wType << " do not suit an input of "
                           << xType.getDimSize(1) << " channels in " << groups << " groups";
  SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
  SmallVector<int64_t> strides = intsAttr(ctx, "strides", k, 1), dil = intsAttr(ctx, "dilations", k, 1);
  if ((int64_t)strides.size() != k || (int64_t)dil.size() != k ||
      llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dil, [](int64_t d) { return d < 1; }))
    return ctx.emitError() << "Conv needs " << k << " strides and dilations of at least 1";
  auto pads = windowPads(ctx, xType.getShape().drop_front(2), out.getShape().drop_front(2),
                         kernel, strides, dil);
  if (failed(pads))
    return failure();
  OpBuilder &b = ctx.builder;
  return b.create<graph::ConvOp>(ctx.loc, out, x, w, bias, b.getDenseI64ArrayAttr(strides),
                                 b.getDenseI64ArrayAttr(dil),
                                 b.getDenseI64ArrayAttr(ArrayRef<int64_t>(*pads).take_front(k)),
                                 b.getI64IntegerAttr(ctx.intAttr("group", 1)))
      .getResult();
}

static Result convertConv(NodeContext &ctx) {
  Value bias = ctx.operands.size() > 2 ? ctx.operands[2] : Value();
  auto y = convolve(ctx, ctx.operands[0], ctx.operands[1], bias, ctx.resultTypes[0]);
  if (failed(y))
    return failure();
  return one(*y);
}

static Result convertPool(NodeContext &ctx) {
  StringRef type = ctx.node.op_type();
  Value x = ctx.operands[0];
  auto xType = cast<RankedTensorType>(x.getType());
  RankedTensorType out = ctx.resultTypes[0];
  int64_t rank = xType.getRank(), k = rank - 2;
  OpBuilder &b = ctx.builder;
  bool isMax = type == "MaxPool" || type == "GlobalMaxPool";
  auto kind = graph::PoolKindAttr::get(b.getContext(),
                                       isMax ? graph::PoolKind::max : graph::PoolKind::average);
  if (type.starts_with("Global")) {
    SmallVector<int64_t> ones(k, 1);
    return one(b.create<graph::PoolOp>(ctx.loc, out, kind, x,
                                       b.getDenseI64ArrayAttr(xType.getShape().drop_front(2)),
                                       b.getDenseI64ArrayAttr(ones), b.getDenseI64ArrayAttr(ones),
                                       b.getDenseI64ArrayAttr(SmallVector<int64_t>(2 * k, 0)),
                                       /*count_include_pad=*/UnitAttr())
                   .getResult());
  }
  SmallVector<int64_t> kernel = intsAttr(ctx, "kernel_shape", k, 1);
  SmallVector<int64_t> strides = intsAttr(ctx, "strides", k, 1), dil = intsAttr(ctx, "dilations", k, 1);
  auto allPads = windowPads(ctx, xType.getShape().drop_front(2), out.getShape().drop_front(2),
                            kernel, strides, dil);
  if (failed(allPads))
    return failure();
  if (ctx.resultTypes.size() == 1)
    return one(b.create<graph::PoolOp>(ctx.loc, out, kind, x, b.getDenseI64ArrayAttr(kernel),
                                       b.getDenseI64ArrayAttr(strides),
                                       b.getDenseI64ArrayAttr(dil),
                                       b.getDenseI64ArrayAttr(*allPads),
                                       ctx.intAttr("count_include_pad", 0) ? b.getUnitAttr()
                                                                           : UnitAttr())
                   .getResult());
  // MaxPool with its indices: windows of the values and of their positions, in the graph.
  SmallVector<int64_t> pads(allPads->begin(), allPads->begin() + k);
  // Channels become the "groups" of the windows so that each keeps its own taps.
  int64_t channels = xType.getDimSize(1);
  ArrayRef<int64_t> outSpatial = out.getShape().drop_front(2);
  Value cols = windows(ctx, x, channels, outSpatial, kernel, strides, dil, pads, -3.0e38f);
  Value pooled = reduceKeep(ctx, graph::ReduceKind::max, cols, {3});
  SmallVector<Value> results{reshapeTo(ctx, pooled, out.getShape())};
  // Indices: the same windows over each element's flat position (row-major, or with the
  // spatial dims column-major for storage_order 1); the first position holding the maximum.
  ArrayRef<int64_t> dims = xType.getShape();
  bool columnMajor = ctx.intAttr("storage_order", 0) != 0;
  SmallVector<double> flat(xType.getNumElements());
  SmallVector<int64_t> idx(rank, 0);
  for (double &v : flat) {
    int64_t pos = idx[0] * dims[1] + idx[1];
    if (columnMajor) {
      int64_t spatial = 0;
      for (int64_t d = rank - 1; d >= 2; --d)
        spatial = spatial * dims[d] + idx[d];
      for (int64_t d = 2; d < rank; ++d)
        pos *= dims[d];
      pos += spatial;
    } else {
      for (int64_t d = 2; d < rank; ++d)
        pos = pos * dims[d] + idx[d];
    }
    v = (double)pos;
    for (int64_t d = rank - 1; d >= 0 && ++idx[d] == dims[d]; --d)
      idx[d] = 0;
  }
  Type f32 = ctx.builder.getF32Type();
  Value positions = constant(ctx, RankedTensorType::get(dims, f32), flat);
  Value posCols = windows(ctx, positions, channels, outSpatial, kernel, strides, dil, pads, 0.0f);
  auto colsType = cast<RankedTensorType>(cols.getType());
  Value hit = binary(ctx, graph::BinaryKind::equal, cols, pooled,
                     RankedTensorType::get(colsType.getShape(), ctx.builder.getI1Type()));
  Value miss = binary(ctx, graph::BinaryKind::sub, scalarConstant(ctx, f32, 1.0),
                      unary(ctx, graph::UnaryKind::identity, hit, 0, 0,
                            RankedTensorType::get(colsType.getShape(), f32)));
  // Positions stay below 2^24, so pushing misses up by 2^25 keeps everything exact.
  Value candidates = binary(ctx, graph::BinaryKind::add, posCols,
                            binary(ctx, graph::BinaryKind::mul, miss,
                                   scalarConstant(ctx, f32, double(1 << 25))));
  Value first = reduceKeep(ctx, graph::ReduceKind::min, candidates, {3});
  results.push_back(unary(ctx, graph::UnaryKind::identity,
                          reshapeTo(ctx, first, out.getShape()), 0, 0, ctx.resultTypes[1]));
  return results;
}


/// Concat: every input placed at its offset along the axis with zeros elsewhere, then summed;
/// adding zeros leaves each value exact.
static Result convertConcat(NodeContext &ctx) {
  RankedTensorType out = ctx.resultTypes[0];
  int64_t rank = out.getRank(), axis = ctx.intAttr("axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return ctx.emitError() << "Concat axis " << ctx.intAttr("axis", 0)
                           << " is out of range for rank " << rank;
  // Inputs empty along the axis add nothing.
  SmallVector<Value> inputs;
  for (Value in : ctx.operands)
    if (cast<RankedTensorType>(in.getType()).getDimSize(axis) != 0)
      inputs.push_back(in);
  if (inputs.empty())
    return ctx.emitError() << "Concat of inputs that are all empty along axis " << axis;
  if (inputs.size() == 1 && inputs.front().getType() == out)
    return one(inputs.front());
  return one(ctx.builder.create<graph::ConcatOp>(ctx.loc, out, inputs,
                                                 ctx.builder.getI64IntegerAttr(axis)));
}



/// ArgMax/ArgMin: the first (or last) position along the axis that holds the extreme value,
/// found as the smallest (largest) index among the positions equal to it; other positions are
/// pushed out of the way by the axis length.
static Result convertArgExtreme(NodeContext &ctx) {
  Value x = ctx.operands[0];
  bool hardmax = ctx.node.op_type() == "Hardmax";
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank(), axis = ctx.intAttr("axis", hardmax ? -1 : 0);
  if (axis < 0)
    axis += rank;
  int64_t n = type.getDimSize(axis);
  bool last = ctx.intAttr("select_last_index", 0) != 0;
  Type f32 = ctx.builder.getF32Type();
  Value extreme = reduceKeep(ctx, ctx.node.op_type() == "ArgMin" ? graph::ReduceKind::min
                                                                 : graph::ReduceKind::max,
                             x, {axis});
  Value hit = binary(ctx, graph::BinaryKind::equal, x, extreme,
                     RankedTensorType::get(type.getShape(), ctx.builder.getI1Type()));
  Value miss = unary(ctx, graph::UnaryKind::not_, hit);
  SmallVector<int64_t> iotaShape(rank - axis, 1);
  iotaShape[0] = n;
  SmallVector<double> iota;
  for (int64_t i = 0; i < n; ++i)
    iota.push_back(i);
  Value positions = constant(ctx, RankedTensorType::get({n}, f32), iota);
  positions = reshapeTo(ctx, positions, iotaShape);
  auto fType = RankedTensorType::get(type.getShape(), f32);
  Value penalty = binary(ctx, graph::BinaryKind::mul,
                         unary(ctx, graph::UnaryKind::identity, miss, 0, 0, fType),
                         scalarConstant(ctx, f32, last ? -(double)n : (double)n));
  Value candidates = binary(ctx, graph::BinaryKind::add, penalty, positions, fType);
  Value index = reduceKeep(ctx, last ? graph::ReduceKind::max : graph::ReduceKind::min,
                           candidates, {axis});
  if (hardmax) // 1 at the first position holding the maximum, 0 elsewhere
    return one(binary(ctx, graph::BinaryKind::equal, candidates, index, ctx.resultTypes[0]));
  auto keptType = cast<RankedTensorType>(index.getType());
  Value result = unary(ctx, graph::UnaryKind::identity, index, 0, 0,
                       RankedTensorType::get(keptType.getShape(),
                                             ctx.resultTypes[0].getElementType()));
  return one(reshapeTo(ctx, result, ctx.resultTypes[0].getShape()));
}


static Result convertWhere(NodeContext &ctx) {
  return one(ctx.builder.create<graph::WhereOp>(ctx.loc, ctx.resultTypes[0], ctx.operands[0],
                                                ctx.operands[1], ctx.operands[2]));
}

static Result convertSoftmax(NodeContext &ctx) {
  int64_t rank = cast<RankedTensorType>(ctx.operands[0].getType()).getRank();
  int64_t axis = ctx.intAttr("axis", ctx.opset >= 13 ? -1 : 1);
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << "Softmax axis " << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  // Before opset 13, Softmax flattened the input into 2-D at `axis`; that only matches the
  // per-axis semantics when the axis is the last one.
  if (ctx.opset < 13 && axis != rank - 1)
    return ctx.emitError() << ctx.node.op_type() << " before opset 13 with axis " << axis
                           << " (not the last) is not supported yet";
  bool log = ctx.node.op_type() == "LogSoftmax";
  return one(ctx.builder.create<graph::SoftmaxOp>(
      ctx.loc, ctx.operands[0], ctx.builder.getI64IntegerAttr(axis),
      log ? ctx.builder.getUnitAttr() : UnitAttr()));
}

static Result convertTranspose(NodeContext &ctx) {
  int64_t rank = cast<RankedTensorType>(ctx.operands[0].getType()).getRank();
  SmallVector<int64_t> perm;
  if (const onnx::AttributeProto *a = ctx.attr("perm"))
    perm.assign(a->ints().begin(), a->ints().end());
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  return one(ctx.builder.create<graph::TransposeOp>(ctx.loc, ctx.resultTypes[0], ctx.operands[0],
                                                    ctx.builder.getDenseI64ArrayAttr(perm)));
}

void tessel::onnx_import::addCoreConverters(ConverterMap &map) {
  static const std::pair<const char *, NodeConverter> converters[] = {
      {"MatMul", convertMatMul},
      {"Gemm", convertGemm},
      {"Softmax", convertSoftmax},
      {"LogSoftmax", convertSoftmax},
      {"Transpose", convertTranspose},
      {"Where", convertWhere},
      {"Mod", convertBinary},
      {"Max", convertVariadic},
      {"Min", convertVariadic},
      {"Sum", convertVariadic},
      {"Mean", convertVariadic},
      {"LeakyRelu", convertUnaryWithAttrs},
      {"Elu", convertUnaryWithAttrs},
      {"Celu", convertUnaryWithAttrs},
      {"Shrink", convertShrink},
      {"BitShift", convertBitShift},
      {"Selu", convertUnaryWithAttrs},
      {"HardSigmoid", convertUnaryWithAttrs},
      {"ThresholdedRelu", convertUnaryWithAttrs},
      {"IsInf", convertUnaryWithAttrs},
      {"Clip", convertUnaryWithAttrs},
      {"Dropout", convertUnaryWithAttrs},
      {"Cast", convertCast},
      {"ArgMax", convertArgExtreme},
      {"ArgMin", convertArgExtreme},
      {"Hardmax", convertArgExtreme},
      {"Concat", convertConcat},
      {"Conv", convertConv},
      {"MaxPool", convertPool},
      {"AveragePool", convertPool},
      {"GlobalAveragePool", convertPool},
      {"GlobalMaxPool", convertPool},
      {"BatchNormalization", convertBatchNorm},
      {"InstanceNormalization", convertInstanceNorm},
      {"LayerNormalization", convertLayerNorm},
      {"Expand", convertExpandOrTile},
      {"Tile", convertExpandOrTile},
      {"Split", convertSplit},
      {"DepthToSpace", convertDepthSpace},
      {"SpaceToDepth", convertDepthSpace},
      {"ReduceSum", convertReduce},
      {"ReduceMean", convertReduce},
      {"ReduceMax", convertReduce},
      {"ReduceMin", convertReduce},
      {"ReduceProd", convertReduce},
      {"ReduceL1", convertReduce},
      {"ReduceL2", convertReduce},
      {"ReduceLogSum", convertReduce},
      {"ReduceLogSumExp", convertReduce},
      {"ReduceSumSquare", convertReduce},
      {"Reshape", convertReshape},
      {"Flatten", convertReshape},
      {"Squeeze", convertReshape},
      {"Unsqueeze", convertReshape},
      {"CastLike", convertCast},
      {"Shape", convertShapeOf},
      {"Size", convertShapeOf},
      {"ConstantOfShape", convertConstantOfShape},
  };
  for (const auto &[name, fn] : converters)
    map[name] = fn;
}

const NodeConverter *tessel::onnx_import::lookupConverter(StringRef opType) {
  static const NodeConverter plainUnaryConverter = convertPlainUnary;
  static const NodeConverter binaryConverter = convertBinary;
  static const ConverterMap converters = [] {
    ConverterMap map;
    for (auto add : {addCoreConverters, addIndexConverters, addLossConverters,
                     addPadConverters, addResizeConverters, addSliceConverters,
                     addCumSumDftConverters, addConvTransposeConverters, addRecurrentConverters,
                     addEinsumConverters, addNormalizationConverters, addQuantizeConverters,
                     addSamplingConverters, addTrainingConverters, addNewerConverters,
                     addRandomConverters, addLpConverters})
      add(map);
    return map;
  }();
  if (plainUnary(opType))
    return &plainUnaryConverter;
  if (plainBinary(opType))
    return &binaryConverter;
  auto it = converters.find(opType);
  return it == converters.end() ? nullptr : &it->second;
}
