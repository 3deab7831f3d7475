// One converter per supported ONNX op type, normalising ONNX semantics into graph ops.
#include "OnnxImporter.h"

#include "Graph/GraphOps.h"

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

using Result = FailureOr<SmallVector<Value>>;

static Result one(Value v) { return SmallVector<Value>{v}; }

static Result convertMatMul(NodeContext &ctx) {
  for (Value v : ctx.operands)
    if (cast<RankedTensorType>(v.getType()).getRank() < 2)
      return ctx.emitError() << "MatMul with a 1-D operand is not supported yet";
  return one(ctx.builder.create<graph::MatMulOp>(ctx.loc, ctx.resultTypes[0], ctx.operands[0],
                                                 ctx.operands[1]));
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

static Result convertAdd(NodeContext &ctx) {
  return one(ctx.builder.create<graph::AddOp>(ctx.loc, ctx.resultTypes[0], ctx.operands[0],
                                              ctx.operands[1]));
}

static Result convertMul(NodeContext &ctx) {
  return one(ctx.builder.create<graph::MulOp>(ctx.loc, ctx.resultTypes[0], ctx.operands[0],
                                              ctx.operands[1]));
}

static Result convertRelu(NodeContext &ctx) {
  return one(ctx.builder.create<graph::ReluOp>(ctx.loc, ctx.operands[0]));
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
    return ctx.emitError() << "Softmax before opset 13 with axis " << axis
                           << " (not the last) is not supported yet";
  return one(ctx.builder.create<graph::SoftmaxOp>(ctx.loc, ctx.operands[0],
                                                  ctx.builder.getI64IntegerAttr(axis)));
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

const NodeConverter *tessel::onnx_import::lookupConverter(StringRef opType) {
  static const llvm::StringMap<NodeConverter> converters = {
      {"MatMul", convertMatMul},   {"Gemm", convertGemm},       {"Add", convertAdd},
      {"Mul", convertMul},         {"Relu", convertRelu},       {"Softmax", convertSoftmax},
      {"Transpose", convertTranspose},
  };
  auto it = converters.find(opType);
  return it == converters.end() ? nullptr : &it->second;
}
