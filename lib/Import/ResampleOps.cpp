// Ops that resample or extend tensors along axes: Pad and Resize.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

/// Pad in constant mode with constant pads.
static Result convertPad(NodeContext &ctx) {
  auto in = cast<RankedTensorType>(ctx.operands[0].getType());
  int64_t rank = in.getRank();
  std::string mode = ctx.attr("mode") ? ctx.attr("mode")->s() : "constant";
  if (mode != "constant")
    return ctx.emitError() << "Pad mode '" << mode << "' is not supported yet";
  SmallVector<int64_t> pads;
  float value = 0;
  if (ctx.opset < 11) {
    pads = intsAttr(ctx, "pads", 2 * rank, 0);
    value = ctx.floatAttr("value", 0.0f);
  } else {
    auto p = ctx.constantOperand(1);
    if (!p)
      return ctx.emitError() << "Pad's pads must be constant";
    for (float v : *p)
      pads.push_back((int64_t)v);
    if (auto c = ctx.constantOperand(2); c && !c->empty())
      value = c->front();
  }
  SmallVector<AffineExpr> index;
  for (int64_t k = 0; k < rank; ++k)
    index.push_back(getAffineDimExpr(k, ctx.builder.getContext()) - pads[k]);
  return one(remapPadded(ctx, ctx.operands[0], ctx.resultTypes[0], index, value));
}

void tessel::onnx_import::addResampleConverters(ConverterMap &map) {
  map["Pad"] = convertPad;
}
