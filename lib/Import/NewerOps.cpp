// ONNX ops newer than the libonnx this project builds with (1.12, opset 17): GroupNormalization
// (opset 18, per-group scale and bias; opset 21, per channel) and RMSNormalization (opset 23).
// Its checker and shape inference know no schema for them, so before they run, such nodes move
// to a private domain whose schemas this file registers (types and shapes as the input's); the
// converters then map them one to one onto graph.group_norm and graph.rms_norm.
#include "ImportHelpers.h"

#include "onnx/defs/schema.h"
#include "onnx/defs/shape_inference.h"

#include <mutex>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

static constexpr const char *kDomain = "tessel.newer_onnx";

/// Since which default-domain opset each op exists.
static const std::pair<const char *, int64_t> kNewerOps[] = {{"GroupNormalization", 18},
                                                             {"RMSNormalization", 23}};

static void registerSchemas() {
  static std::once_flag once;
  std::call_once(once, [] {
    onnx::OpSchemaRegistry::DomainToVersionRange::Instance().AddDomainToVersion(kDomain, 1, 1);
    auto sameAsInput = [](onnx::InferenceContext &ctx) {
      onnx::propagateShapeAndTypeFromFirstInput(ctx);
    };
    std::vector<std::string> floats{"tensor(float)", "tensor(float16)", "tensor(bfloat16)",
                                    "tensor(double)"};
    onnx::OpSchema group;
    group.SetName("GroupNormalization").SetDomain(kDomain).SinceVersion(1)
        .Input(0, "X", "", "T").Input(1, "scale", "", "T").Input(2, "bias", "", "T")
        .Output(0, "Y", "", "T")
        .Attr("epsilon", "", onnx::AttributeProto::FLOAT, 1e-5f)
        .Attr("num_groups", "", onnx::AttributeProto::INT, true)
        .Attr("stash_type", "", onnx::AttributeProto::INT, int64_t(1))
        .TypeConstraint("T", floats, "")
        .TypeAndShapeInferenceFunction(sameAsInput);
    onnx::RegisterSchema(group);
    onnx::OpSchema rms;
    rms.SetName("RMSNormalization").SetDomain(kDomain).SinceVersion(1)
        .Input(0, "X", "", "T").Input(1, "scale", "", "T").Output(0, "Y", "", "T")
        .Attr("axis", "", onnx::AttributeProto::INT, int64_t(-1))
        .Attr("epsilon", "", onnx::AttributeProto::FLOAT, 1e-5f)
        .Attr("stash_type", "", onnx::AttributeProto::INT, int64_t(1))
        .TypeConstraint("T", floats, "")
        .TypeAndShapeInferenceFunction(sameAsInput);
    onnx::RegisterSchema(rms);
  });
}

void tessel::onnx_import::adoptNewerOps(onnx::ModelProto &model, int64_t opset) {
  bool adopted = false;
  std::function<void(onnx::GraphProto &)> visit = [&](onnx::GraphProto &g) {
    for (onnx::NodeProto &node : *g.mutable_node()) {
      if (node.domain().empty() || node.domain() == "ai.onnx")
        for (auto [name, since] : kNewerOps)
          if (node.op_type() == name && opset >= since) {
            node.set_domain(kDomain);
            adopted = true;
          }
      for (onnx::AttributeProto &a : *node.mutable_attribute())
        if (a.has_g())
          visit(*a.mutable_g());
    }
  };
  visit(*model.mutable_graph());
  if (!adopted)
    return;
  registerSchemas();
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (o.domain() == kDomain)
      return;
  onnx::OperatorSetIdProto *o = model.add_opset_import();
  o->set_domain(kDomain);
  o->set_version(1);
}

/// GroupNormalization: opset 18 scales and shifts each group by one value, opset 21 each channel.
static Result convertGroupNorm(NodeContext &ctx) {
  Value x = ctx.operands[0];
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() < 3)
    return ctx.emitError() << "GroupNormalization needs an input of rank 3 or more (N, C, "
                              "spatial axes), not "
                           << type.getRank();
  int64_t channels = type.getDimSize(1), groups = ctx.intAttr("num_groups", 0);
  if (groups < 1 || channels % groups)
    return ctx.emitError() << "GroupNormalization's num_groups (" << groups
                           << ") must divide the " << channels << " channels";
  SmallVector<Value> params;
  for (unsigned i : {1u, 2u}) {
    Value p = ctx.operands[i];
    int64_t expected = ctx.opset < 21 ? groups : channels;
    if (shapeOf(p).size() != 1 || shapeOf(p)[0] != expected)
      return ctx.emitError() << "GroupNormalization-" << (ctx.opset < 21 ? 18 : 21) << "'s "
                             << (i == 1 ? "scale" : "bias") << " must have shape [" << expected
                             << "]";
    if (ctx.opset < 21) {
      // The group's value for each of its channels: repeated at compile time when constant.
      auto perChannel = RankedTensorType::get({channels}, type.getElementType());
      if (std::optional<std::vector<float>> values = ctx.constantOperand(i)) {
        SmallVector<double> repeated;
        for (int64_t c = 0; c < channels; ++c)
          repeated.push_back((*values)[c / (channels / groups)]);
        p = constant(ctx, perChannel, repeated);
      } else {
        AffineExpr c = ctx.builder.getAffineDimExpr(0);
        p = remap(ctx, p, perChannel, {c.floorDiv(channels / groups)});
      }
    }
    params.push_back(p);
  }
  return one(ctx.builder.create<graph::GroupNormOp>(
      ctx.loc, ctx.resultTypes[0], x, params[0], params[1],
      ctx.builder.getI64IntegerAttr(groups),
      ctx.builder.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f))));
}

/// RMSNormalization: x / sqrt(mean(x^2 over axis..last) + epsilon) * scale.
static Result convertRMSNorm(NodeContext &ctx) {
  Value x = ctx.operands[0];
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  int64_t axis = ctx.intAttr("axis", -1);
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << "RMSNormalization's axis " << axis << " is outside rank " << rank;
  if (axis < 0)
    axis += rank;
  return one(ctx.builder.create<graph::RMSNormOp>(
      ctx.loc, ctx.resultTypes[0], x, ctx.operands[1], ctx.builder.getI64IntegerAttr(axis),
      ctx.builder.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f))));
}

void tessel::onnx_import::addNewerConverters(ConverterMap &map) {
  map[std::string(kDomain) + ":GroupNormalization"] = convertGroupNorm;
  map[std::string(kDomain) + ":RMSNormalization"] = convertRMSNorm;
}
