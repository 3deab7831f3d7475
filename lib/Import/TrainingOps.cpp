// Optimizer steps of ai.onnx.preview.training (Adagrad, Adam, Momentum): elementwise updates of
// every tensor they are given, on the chip. R (learning rate) and T (step count) are run-time
// scalars.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

namespace {
/// Elementwise arithmetic in the node's float type, with scalar constants.
struct Arith {
  NodeContext &ctx;
  Type elt;
  Value c(double v) { return scalarConstant(ctx, elt, v); }
  Value add(Value a, Value b) { return binary(ctx, graph::BinaryKind::add, a, b); }
  Value sub(Value a, Value b) { return binary(ctx, graph::BinaryKind::sub, a, b); }
  Value mul(Value a, Value b) { return binary(ctx, graph::BinaryKind::mul, a, b); }
  Value div(Value a, Value b) { return binary(ctx, graph::BinaryKind::div, a, b); }
  Value sqrt(Value a) { return unary(ctx, graph::UnaryKind::sqrt, a); }
  /// `then` where t > 0, `otherwise` at the first step.
  Value afterFirstStep(Value t, Value then, Value otherwise) {
    Value later = binary(ctx, graph::BinaryKind::greater, t, c(0.0),
                         RankedTensorType::get(shapeOf(t), ctx.builder.getI1Type()));
    return ctx.builder.create<graph::WhereOp>(ctx.loc, then.getType(), later, then, otherwise);
  }
};
} // namespace

/// The n tensors of each of the `groups` variadic input groups after R and T.
static FailureOr<int64_t> tensorsPerGroup(NodeContext &ctx, int64_t groups) {
  int64_t n = (int64_t)ctx.operands.size() - 2;
  if (n <= 0 || n % groups)
    return ctx.emitError() << ctx.node.op_type() << " needs R, T and " << groups
                           << " equally long groups of tensors";
  return n / groups;
}

/// Results in ONNX's order: group by group, each group's tensors in order.
static Result collect(NodeContext &ctx, ArrayRef<SmallVector<Value>> groups) {
  SmallVector<Value> results;
  for (const SmallVector<Value> &group : groups)
    for (Value v : group) {
      RankedTensorType type = ctx.resultTypes[results.size()];
      results.push_back(v.getType() == type ? v : unary(ctx, graph::UnaryKind::identity, v, 0, 0, type));
    }
  return results;
}

static Result convertAdagrad(NodeContext &ctx) {
  auto n = tensorsPerGroup(ctx, 3);
  if (failed(n))
    return failure();
  Arith a{ctx, ctx.resultTypes[0].getElementType()};
  Value r = asF32(ctx, ctx.operands[0]), t = asF32(ctx, ctx.operands[1]);
  Value rate = a.div(r, a.add(a.c(1.0), a.mul(t, a.c(ctx.floatAttr("decay_factor", 0.0f)))));
  SmallVector<Value> xs, hs;
  for (int64_t i = 0; i < *n; ++i) {
    Value x = ctx.operands[2 + i], g = ctx.operands[2 + *n + i], h = ctx.operands[2 + 2 * *n + i];
    Value reg = a.add(a.mul(a.c(ctx.floatAttr("norm_coefficient", 0.0f)), x), g);
    Value hNew = a.add(h, a.mul(reg, reg));
    Value scale = a.add(a.sqrt(hNew), a.c(ctx.floatAttr("epsilon", 1e-6f)));
    xs.push_back(a.sub(x, a.div(a.mul(rate, reg), scale)));
    hs.push_back(hNew);
  }
  return collect(ctx, {xs, hs});
}

static Result convertMomentum(NodeContext &ctx) {
  auto n = tensorsPerGroup(ctx, 3);
  if (failed(n))
    return failure();
  std::string mode = ctx.attr("mode") ? ctx.attr("mode")->s() : "";
  if (mode != "standard" && mode != "nesterov")
    return ctx.emitError() << "Momentum mode must be standard or nesterov, not '" << mode << "'";
  Arith a{ctx, ctx.resultTypes[0].getElementType()};
  float alpha = ctx.floatAttr("alpha", 0.0f);
  Value r = asF32(ctx, ctx.operands[0]), t = asF32(ctx, ctx.operands[1]);
  // The gradient's coefficient is 1 at the first step.
  Value beta = a.afterFirstStep(t, a.c(ctx.floatAttr("beta", 0.0f)), a.c(1.0));
  SmallVector<Value> xs, vs;
  for (int64_t i = 0; i < *n; ++i) {
    Value x = ctx.operands[2 + i], g = ctx.operands[2 + *n + i], v = ctx.operands[2 + 2 * *n + i];
    Value reg = a.add(a.mul(a.c(ctx.floatAttr("norm_coefficient", 0.0f)), x), g);
    Value vNew = a.add(a.mul(a.c(alpha), v), a.mul(beta, reg));
    Value step = mode == "standard" ? vNew : a.add(reg, a.mul(a.c(alpha), vNew));
    xs.push_back(a.sub(x, a.mul(r, step)));
    vs.push_back(vNew);
  }
  return collect(ctx, {xs, vs});
}

static Result convertAdam(NodeContext &ctx) {
  auto n = tensorsPerGroup(ctx, 4);
  if (failed(n))
    return failure();
  Arith a{ctx, ctx.resultTypes[0].getElementType()};
  double alpha = ctx.floatAttr("alpha", 0.9f), beta = ctx.floatAttr("beta", 0.999f);
  Value r = asF32(ctx, ctx.operands[0]), t = asF32(ctx, ctx.operands[1]);
  // Bias correction from the second step on: r * sqrt(1 - beta^t) / (1 - alpha^t).
  Value corrected = a.div(a.mul(r, a.sqrt(a.sub(a.c(1.0), binary(ctx, graph::BinaryKind::pow,
                                                                  a.c(beta), t)))),
                          a.sub(a.c(1.0), binary(ctx, graph::BinaryKind::pow, a.c(alpha), t)));
  Value rate = a.afterFirstStep(t, corrected, r);
  float post = ctx.floatAttr("norm_coefficient_post", 0.0f);
  SmallVector<Value> xs, vs, hs;
  for (int64_t i = 0; i < *n; ++i) {
    Value x = ctx.operands[2 + i], g = ctx.operands[2 + *n + i],
          v = ctx.operands[2 + 2 * *n + i], h = ctx.operands[2 + 3 * *n + i];
    Value reg = a.add(a.mul(a.c(ctx.floatAttr("norm_coefficient", 0.0f)), x), g);
    Value vNew = a.add(a.mul(a.c(alpha), v), a.mul(a.c(1.0 - alpha), reg));
    Value hNew = a.add(a.mul(a.c(beta), h), a.mul(a.c(1.0 - beta), a.mul(reg, reg)));
    Value scale = a.add(a.sqrt(hNew), a.c(ctx.floatAttr("epsilon", 1e-6f)));
    Value xNew = a.sub(x, a.mul(rate, a.div(vNew, scale)));
    xs.push_back(a.mul(a.c(1.0 - post), xNew));
    vs.push_back(vNew);
    hs.push_back(hNew);
  }
  return collect(ctx, {xs, vs, hs});
}

void tessel::onnx_import::addTrainingConverters(ConverterMap &map) {
  map["ai.onnx.preview.training:Adagrad"] = convertAdagrad;
  map["ai.onnx.preview.training:Momentum"] = convertMomentum;
  map["ai.onnx.preview.training:Adam"] = convertAdam;
}
