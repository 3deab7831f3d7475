// LpNormalization, LpPool and GlobalLpPool: p-norms as the chip's reductions and pools. A p-norm
// is (sum |x|^p)^(1/p): for p = 1 and 2 the reductions l1 and l2, otherwise |x|^p summed and
// raised to 1/p; LpPool's window sums are an average pool counting the pads, times the window.
#include "ImportHelpers.h"

#include "llvm/ADT/STLExtras.h"

#include <numeric>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

/// |x|^p, elementwise.
static Value powAbs(NodeContext &ctx, Value x, int64_t p) {
  auto type = cast<RankedTensorType>(x.getType());
  Value a = unary(ctx, graph::UnaryKind::abs, x);
  if (p == 1)
    return a;
  if (p == 2)
    return binary(ctx, graph::BinaryKind::mul, a, a);
  return binary(ctx, graph::BinaryKind::pow, a,
                scalarConstant(ctx, type.getElementType(), double(p)));
}

/// s^(1/p), elementwise, of sums s of |x|^p.
static Value rootOf(NodeContext &ctx, Value s, int64_t p) {
  auto type = cast<RankedTensorType>(s.getType());
  if (p == 1)
    return s;
  if (p == 2)
    return unary(ctx, graph::UnaryKind::sqrt, s);
  return binary(ctx, graph::BinaryKind::pow, s,
                scalarConstant(ctx, type.getElementType(), 1.0 / double(p)));
}

/// The p of a node, which must be positive (LpNormalization's 1 or 2).
static FailureOr<int64_t> normOrder(NodeContext &ctx, bool oneOrTwo) {
  int64_t p = ctx.intAttr("p", 2);
  if (p < 1 || (oneOrTwo && p > 2))
    return ctx.emitError() << ctx.node.op_type() << "'s p must be "
                           << (oneOrTwo ? "1 or 2" : "positive") << ", got " << p;
  return p;
}

/// y = x / ||x||_p along `axis`, as onnx's reference: a zero norm gives what dividing by zero does.
static Result convertLpNormalization(NodeContext &ctx) {
  FailureOr<int64_t> p = normOrder(ctx, /*oneOrTwo=*/true);
  if (failed(p))
    return failure();
  Value x = ctx.operands[0];
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  int64_t axis = ctx.intAttr("axis", -1);
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << "LpNormalization's axis " << axis << " is out of range for rank "
                           << rank;
  axis = axis < 0 ? axis + rank : axis;
  Value norm = reduceKeep(ctx, *p == 1 ? graph::ReduceKind::l1 : graph::ReduceKind::l2, x, {axis});
  return one(binary(ctx, graph::BinaryKind::div, x, norm, ctx.resultTypes[0]));
}

/// GlobalLpPool: the p-norm of each channel's whole spatial extent.
static Result convertGlobalLpPool(NodeContext &ctx) {
  FailureOr<int64_t> p = normOrder(ctx, /*oneOrTwo=*/false);
  if (failed(p))
    return failure();
  Value x = ctx.operands[0];
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> spatial = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  if (*p <= 2)
    return one(reduceKeep(ctx, *p == 1 ? graph::ReduceKind::l1 : graph::ReduceKind::l2, x,
                          spatial));
  return one(rootOf(ctx, reduceKeep(ctx, graph::ReduceKind::sum, powAbs(ctx, x, *p), spatial),
                    *p));
}

/// LpPool: each window's p-norm. The window sums of |x|^p are an average pool that counts the
/// pads (which add nothing), times the window's taps.
static Result convertLpPool(NodeContext &ctx) {
  FailureOr<int64_t> p = normOrder(ctx, /*oneOrTwo=*/false);
  if (failed(p))
    return failure();
  if (ctx.intAttr("ceil_mode", 0) != 0)
    return ctx.emitError() << "LpPool with ceil_mode is not supported: a window past the end "
                              "pad would count fewer taps than its kernel";
  Value x = ctx.operands[0];
  auto xType = cast<RankedTensorType>(x.getType());
  RankedTensorType out = ctx.resultTypes[0];
  size_t k = size_t(xType.getRank() - 2);
  SmallVector<int64_t> kernel = intsAttr(ctx, "kernel_shape", k, 1);
  SmallVector<int64_t> strides = intsAttr(ctx, "strides", k, 1);
  SmallVector<int64_t> dilations = intsAttr(ctx, "dilations", k, 1);
  FailureOr<SmallVector<int64_t>> pads = windowPads(
      ctx, xType.getShape().drop_front(2), out.getShape().drop_front(2), kernel, strides,
      dilations);
  if (failed(pads))
    return failure();
  OpBuilder &b = ctx.builder;
  auto average = graph::PoolKindAttr::get(b.getContext(), graph::PoolKind::average);
  Value mean = b.create<graph::PoolOp>(ctx.loc, out, average, powAbs(ctx, x, *p),
                                       b.getDenseI64ArrayAttr(kernel),
                                       b.getDenseI64ArrayAttr(strides),
                                       b.getDenseI64ArrayAttr(dilations),
                                       b.getDenseI64ArrayAttr(*pads), b.getUnitAttr());
  int64_t taps = std::accumulate(kernel.begin(), kernel.end(), int64_t(1), std::multiplies<>());
  Value sums = binary(ctx, graph::BinaryKind::mul, mean,
                      scalarConstant(ctx, out.getElementType(), double(taps)));
  return one(rootOf(ctx, sums, *p));
}

void tessel::onnx_import::addLpConverters(ConverterMap &map) {
  map["LpNormalization"] = convertLpNormalization;
  map["GlobalLpPool"] = convertGlobalLpPool;
  map["LpPool"] = convertLpPool;
}
