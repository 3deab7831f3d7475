// RandomNormal, RandomUniform, their -Like forms and Bernoulli: the chip draws no random numbers,
// so the runtime draws them, on the host, as it places the model's inputs (graph.draw). A
// Bernoulli is the chip's comparison of its probabilities with uniform numbers so drawn.
#include "ImportHelpers.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

static Result convertRandom(NodeContext &ctx) {
  StringRef op = ctx.node.op_type();
  if (!ctx.drawTensor)
    return ctx.emitError() << op
                           << " inside a branch or loop body is not supported: the runtime draws "
                              "a model's random numbers once per run, before the chip starts";
  bool bernoulli = op == "Bernoulli", normal = op.starts_with("RandomNormal");
  if (bernoulli && ctx.operands.empty())
    return ctx.emitError() << "Bernoulli needs its probabilities";
  float a = normal ? ctx.floatAttr("mean", 0) : bernoulli ? 0 : ctx.floatAttr("low", 0);
  float b = normal ? ctx.floatAttr("scale", 1) : bernoulli ? 1 : ctx.floatAttr("high", 1);
  if (!std::isfinite(a) || !std::isfinite(b) || (normal ? b < 0 : a > b))
    return ctx.emitError() << op << ": "
                           << (normal ? "mean and scale must be finite, the scale not negative"
                                      : "low and high must be finite, low no higher than high");
  Builder &builder = ctx.builder;
  SmallVector<NamedAttribute> draw = {builder.getNamedAttr("normal", builder.getBoolAttr(normal)),
                                      builder.getNamedAttr("a", builder.getF32FloatAttr(a)),
                                      builder.getNamedAttr("b", builder.getF32FloatAttr(b))};
  if (const onnx::AttributeProto *seed = ctx.attr("seed")) {
    if (!std::isfinite(seed->f()))
      return ctx.emitError() << op << "'s seed must be finite";
    draw.push_back(builder.getNamedAttr("seed", builder.getF32FloatAttr(seed->f())));
  }
  RankedTensorType out = ctx.resultTypes[0];
  Value drawn = ctx.drawTensor(RankedTensorType::get(out.getShape(), builder.getF32Type()),
                               builder.getDictionaryAttr(draw));
  if (bernoulli) {
    // 1 where the uniform number falls below the probability: P = p.
    Value p = asF32(ctx, ctx.operands[0]);
    auto isBool = RankedTensorType::get(out.getShape(), builder.getI1Type());
    drawn = binary(ctx, graph::BinaryKind::less, drawn, p, isBool);
  }
  if (drawn.getType() != out)
    drawn = unary(ctx, graph::UnaryKind::identity, drawn, 0, 0, out);
  return one(drawn);
}

void tessel::onnx_import::addRandomConverters(ConverterMap &map) {
  for (const char *op :
       {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli"})
    map[op] = convertRandom;
}
