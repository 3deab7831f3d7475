#include "tessel/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace tessel {
#define GEN_PASS_DEF_FUSEGRAPH
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::graph;

/// Whether `v` is a constant of one element (any rank) within 1e-5 of `expected`.
static bool isScalar(Value v, double expected) {
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant || cast<RankedTensorType>(constant.getType()).getNumElements() != 1)
    return false;
  auto values = readF32Elements(constant.getValue());
  return values && values->size() == 1 &&
         std::fabs((*values)[0] - expected) <= 1e-5 * std::max(1.0, std::fabs(expected));
}

static BinaryOp binaryOf(Value v, BinaryKind kind) {
  auto op = v.getDefiningOp<BinaryOp>();
  return op && op.getKind() == kind ? op : BinaryOp();
}

/// If `v` is `kind(other, c)` or `kind(c, other)` for the constant c, returns other.
static Value withScalar(Value v, BinaryKind kind, double c) {
  BinaryOp op = binaryOf(v, kind);
  if (!op)
    return Value();
  if (isScalar(op.getRhs(), c))
    return op.getLhs();
  if (isScalar(op.getLhs(), c))
    return op.getRhs();
  return Value();
}

/// x / sqrt(2) or x * (1 / sqrt(2)).
static Value overSqrt2(Value v) {
  BinaryOp div = binaryOf(v, BinaryKind::div);
  if (div && isScalar(div.getRhs(), M_SQRT2))
    return div.getLhs();
  return withScalar(v, BinaryKind::mul, M_SQRT1_2);
}

/// x^3 as pow(x, 3) or x * x * x.
static Value cubeOf(Value v) {
  BinaryOp pow = binaryOf(v, BinaryKind::pow);
  if (pow && isScalar(pow.getRhs(), 3.0))
    return pow.getLhs();
  BinaryOp outer = binaryOf(v, BinaryKind::mul);
  if (!outer)
    return Value();
  for (auto [square, x] : {std::pair(outer.getLhs(), outer.getRhs()),
                           std::pair(outer.getRhs(), outer.getLhs())}) {
    BinaryOp inner = binaryOf(square, BinaryKind::mul);
    if (inner && inner.getLhs() == x && inner.getRhs() == x)
      return x;
  }
  return Value();
}

/// The x of sqrt(2/pi) * (x + 0.044715 x^3), in any operand order.
static Value tanhArgument(Value v) {
  Value sum = withScalar(v, BinaryKind::mul, 0.7978845608028654);
  BinaryOp add = sum ? binaryOf(sum, BinaryKind::add) : BinaryOp();
  if (!add)
    return Value();
  for (auto [x, cubic] : {std::pair(add.getLhs(), add.getRhs()),
                          std::pair(add.getRhs(), add.getLhs())})
    if (Value cube = withScalar(cubic, BinaryKind::mul, 0.044715); cube && cubeOf(cube) == x)
      return x;
  return Value();
}

/// For 1 + erf(x / sqrt 2) (or 1 + tanh(...)) returns x and which form it is.
static Value geluFactor(Value v, UnaryKind &kind) {
  Value f = withScalar(v, BinaryKind::add, 1.0);
  auto u = f ? f.getDefiningOp<UnaryOp>() : UnaryOp();
  if (!u)
    return Value();
  if (u.getKind() == UnaryKind::erf) {
    kind = UnaryKind::gelu;
    return overSqrt2(u.getInput());
  }
  if (u.getKind() == UnaryKind::tanh) {
    kind = UnaryKind::gelu_tanh;
    return tanhArgument(u.getInput());
  }
  return Value();
}

namespace {

/// x * 0.5 * (1 + erf(x / sqrt 2)) and its tanh approximation, in the operand orders exporters
/// write, become one SFPU function.
struct FuseGelu : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    if (op.getKind() != BinaryKind::mul)
      return failure();
    UnaryKind kind;
    for (auto [a, b] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      Value x;
      // (x * factor) * 0.5
      if (isScalar(b, 0.5))
        if (BinaryOp m = binaryOf(a, BinaryKind::mul))
          for (auto [p, q] : {std::pair(m.getLhs(), m.getRhs()), std::pair(m.getRhs(), m.getLhs())})
            if (Value g = geluFactor(q, kind); g && g == p)
              x = g;
      // (x * 0.5) * factor
      if (!x)
        if (Value half = withScalar(a, BinaryKind::mul, 0.5))
          if (Value g = geluFactor(b, kind); g && g == half)
            x = g;
      if (x && x.getType() == op.getType()) {
        rewriter.replaceOpWithNewOp<UnaryOp>(op, op.getType(),
                                             UnaryKindAttr::get(getContext(), kind), x,
                                             rewriter.getF32FloatAttr(0), rewriter.getF32FloatAttr(0));
        return success();
      }
    }
    return failure();
  }
};

struct FuseGraphPass : tessel::impl::FuseGraphBase<FuseGraphPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseGelu>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
