// Ops that select elements by index: Trilu, Gather and Scatter families, OneHot.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

/// Trilu with a constant diagonal: a multiplication by the 0/1 triangle, built at compile time.
static Result convertTrilu(NodeContext &ctx) {
  RankedTensorType out = ctx.resultTypes[0];
  int64_t k = 0;
  if (ctx.operands.size() > 1 && ctx.operands[1]) {
    auto values = ctx.constantOperand(1);
    if (!values)
      return ctx.emitError() << "Trilu's k must be a constant";
    k = (int64_t)values->front();
  }
  bool upper = ctx.intAttr("upper", 1) != 0;
  int64_t rows = out.getDimSize(out.getRank() - 2), cols = out.getDimSize(out.getRank() - 1);
  SmallVector<double> keep;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      keep.push_back(upper ? (j - i >= k) : (j - i <= k));
  Value triangle = constant(ctx, RankedTensorType::get({rows, cols}, out.getElementType()), keep);
  return one(binary(ctx, graph::BinaryKind::mul, ctx.operands[0], triangle, out));
}

void tessel::onnx_import::addIndexConverters(ConverterMap &map) {
  map["Trilu"] = convertTrilu;
}
