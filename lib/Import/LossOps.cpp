// Loss functions: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
//
// The targets are run-time data, so the class each element picks is selected on the chip: the
// targets become a one-hot encoding along a trailing class axis, and the input is transposed to
// hold its classes (ONNX axis 1) last as well. Per-class weights, and the ignored class, fold into
// one weight vector that scales the one-hot rows; a target no class matches (an out-of-range
// ignore_index) gets an all-zero row, so it adds nothing to the loss nor to the weight sum.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

namespace {
enum class Reduction { none, sum, mean };
} // namespace

/// [N, C, d1, ..., dk] as [N, d1, ..., dk, C].
static Value classesLast(NodeContext &ctx, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (rank == 2)
    return x;
  SmallVector<int64_t> perm{0}, shape{type.getDimSize(0)};
  for (int64_t k = 2; k < rank; ++k) {
    perm.push_back(k);
    shape.push_back(type.getDimSize(k));
  }
  perm.push_back(1);
  shape.push_back(type.getDimSize(1));
  return ctx.builder.create<graph::TransposeOp>(
      ctx.loc, RankedTensorType::get(shape, type.getElementType()), x,
      ctx.builder.getDenseI64ArrayAttr(perm));
}

/// The weight of each class ([C]), with the ignored class zeroed; null when every class weighs 1.
static Value classWeights(NodeContext &ctx, Value weight, int64_t classes, Type elt) {
  const onnx::AttributeProto *ignore = ctx.attr("ignore_index");
  int64_t ignored = ignore ? ignore->i() : -1;
  if (!ignore || ignored < 0 || ignored >= classes)
    return weight;
  SmallVector<double> mask(classes, 1.0);
  mask[ignored] = 0.0;
  Value maskValue = constant(ctx, RankedTensorType::get({classes}, elt), mask);
  return weight ? binary(ctx, graph::BinaryKind::mul, weight, maskValue) : maskValue;
}

/// A reduction over every axis, as a scalar.
static Value reduceAll(NodeContext &ctx, graph::ReduceKind kind, Value v) {
  auto rank = cast<RankedTensorType>(v.getType()).getRank();
  SmallVector<int64_t> axes;
  for (int64_t k = 0; k < rank; ++k)
    axes.push_back(k);
  return reshapeTo(ctx, reduceKeep(ctx, kind, v, axes), {});
}

static FailureOr<Reduction> parseReduction(NodeContext &ctx) {
  const onnx::AttributeProto *a = ctx.attr("reduction");
  StringRef name = a ? StringRef(a->s()) : "mean";
  if (name == "none")
    return Reduction::none;
  if (name == "sum")
    return Reduction::sum;
  if (name == "mean")
    return Reduction::mean;
  return ctx.emitError() << ctx.node.op_type() << " reduction '" << name << "' is not valid";
}

/// Checks that the input is [N, C, d1, ..., dk] and the target [N, d1, ..., dk].
static LogicalResult checkShapes(NodeContext &ctx, Value input, Value target) {
  auto in = cast<RankedTensorType>(input.getType());
  auto tg = cast<RankedTensorType>(target.getType());
  if (in.getRank() < 2)
    return ctx.emitError() << ctx.node.op_type() << " input must have rank 2 or more, not "
                           << in.getRank();
  if (!isa<IntegerType>(tg.getElementType()))
    return ctx.emitError() << ctx.node.op_type() << " target must have an integer type";
  bool matches = tg.getRank() + 1 == in.getRank() && tg.getDimSize(0) == in.getDimSize(0);
  for (int64_t k = 1; matches && k < tg.getRank(); ++k)
    matches = tg.getDimSize(k) == in.getDimSize(k + 1);
  if (!matches)
    return ctx.emitError() << ctx.node.op_type()
                           << " target shape must be the input's without the class axis";
  return success();
}

/// The negative log-likelihood of the log-probabilities `logProb` [N, C, d...] at `target`
/// [N, d...], weighted per class by the optional `weight` [C], reduced as the node asks.
static FailureOr<Value> negativeLogLikelihood(NodeContext &ctx, Value logProb, Value target,
                                              Value weight) {
  FailureOr<Reduction> reduction = parseReduction(ctx);
  if (failed(reduction) || failed(checkShapes(ctx, logProb, target)))
    return failure();
  auto inType = cast<RankedTensorType>(logProb.getType());
  Type elt = inType.getElementType();
  int64_t classes = inType.getDimSize(1);
  Value classWeight = classWeights(ctx, weight, classes, elt);
  Value picks = oneHot(ctx, target, classes);
  auto picksType = cast<RankedTensorType>(picks.getType());
  if (picksType.getElementType() != elt)
    picks = unary(ctx, graph::UnaryKind::identity, picks, 0, 0, picksType.clone(elt));
  if (classWeight)
    picks = binary(ctx, graph::BinaryKind::mul, picks, classWeight);
  Value picked = binary(ctx, graph::BinaryKind::mul, classesLast(ctx, logProb), picks);

  if (*reduction == Reduction::none) {
    auto targetShape = cast<RankedTensorType>(target.getType()).getShape();
    int64_t last = cast<RankedTensorType>(picked.getType()).getRank() - 1;
    Value perElement = reshapeTo(ctx, reduceKeep(ctx, graph::ReduceKind::sum, picked, {last}),
                                 targetShape);
    return unary(ctx, graph::UnaryKind::neg, perElement, 0, 0, ctx.resultTypes[0]);
  }
  Value total = reduceAll(ctx, graph::ReduceKind::sum, picked);
  if (*reduction == Reduction::mean) {
    // Without weights or an ignored class, every target weighs 1; otherwise the weights of the
    // targets (0 for ignored ones) add up to the divisor.
    Value divisor = ctx.attr("ignore_index") || classWeight
                        ? reduceAll(ctx, graph::ReduceKind::sum, picks)
                        : scalarConstant(ctx, elt,
                                         (double)cast<RankedTensorType>(target.getType())
                                             .getNumElements());
    total = binary(ctx, graph::BinaryKind::div, total, divisor);
  }
  return unary(ctx, graph::UnaryKind::neg, total, 0, 0, ctx.resultTypes[0]);
}


static Result convertNegativeLogLikelihoodLoss(NodeContext &ctx) {
  FailureOr<Value> loss =
      negativeLogLikelihood(ctx, ctx.operands[0], ctx.operands[1], optionalOperand(ctx, 2));
  if (failed(loss))
    return failure();
  return one(*loss);
}

static Result convertSoftmaxCrossEntropyLoss(NodeContext &ctx) {
  Value scores = ctx.operands[0];
  if (cast<RankedTensorType>(scores.getType()).getRank() < 2)
    return ctx.emitError() << "SoftmaxCrossEntropyLoss input must have rank 2 or more";
  Value logProb = ctx.builder.create<graph::SoftmaxOp>(
      ctx.loc, scores, ctx.builder.getI64IntegerAttr(1), ctx.builder.getUnitAttr());
  FailureOr<Value> loss =
      negativeLogLikelihood(ctx, logProb, ctx.operands[1], optionalOperand(ctx, 2));
  if (failed(loss))
    return failure();
  SmallVector<Value> results{*loss};
  if (ctx.resultTypes.size() > 1)
    results.push_back(logProb);
  return results;
}

void tessel::onnx_import::addLossConverters(ConverterMap &map) {
  map["NegativeLogLikelihoodLoss"] = convertNegativeLogLikelihoodLoss;
  map["SoftmaxCrossEntropyLoss"] = convertSoftmaxCrossEntropyLoss;
}
