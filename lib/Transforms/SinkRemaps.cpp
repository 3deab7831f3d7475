#include "tessel/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tessel {
#define GEN_PASS_DEF_SINKREMAPS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::graph;

/// A remap that moves each input value to at most one place (no more outputs than inputs, so
/// none is read twice when none reads padding): an elementwise op costs no more before it.
static RemapOp relayout(Value v) {
  auto remap = v.getDefiningOp<RemapOp>();
  if (!remap || remap.readsPadding() ||
      remap.getInput().getType().getNumElements() > remap.getType().getNumElements())
    return {};
  return remap;
}

/// A value that broadcasts the same way whatever the layout: one element.
static bool isScalar(Value v) { return cast<RankedTensorType>(v.getType()).getNumElements() == 1; }

namespace {

/// f(remap(x)) -> remap(f(x)).
struct SinkThroughUnary : OpRewritePattern<UnaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(UnaryOp op, PatternRewriter &rewriter) const override {
    RemapOp remap = relayout(op.getInput());
    if (!remap || !remap->hasOneUse())
      return failure();
    auto inner = cast<RankedTensorType>(remap.getInput().getType());
    Value y = rewriter.create<UnaryOp>(op.getLoc(), inner.clone(op.getType().getElementType()),
                                       op.getKindAttr(), remap.getInput(), op.getAlphaAttr(),
                                       op.getBetaAttr());
    rewriter.replaceOpWithNewOp<RemapOp>(op, op.getType(), y, remap.getMapAttr(),
                                         remap.getPaddingAttr());
    return success();
  }
};

/// f(remap(a), remap(b)) -> remap(f(a, b)) for one map, and f(remap(a), s) -> remap(f(a, s))
/// for a scalar s (either side).
struct SinkThroughBinary : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    RemapOp l = relayout(op.getLhs()), r = relayout(op.getRhs());
    RemapOp remap = l ? l : r;
    if (!remap || remap.getType() != op.getType().clone(remap.getType().getElementType()))
      return failure();
    auto side = [&](RemapOp m, Value v) -> Value {
      if (m && m.getMap() == remap.getMap() &&
          m.getInput().getType().getShape() == remap.getInput().getType().getShape())
        return m.getInput();
      if (isScalar(v) && cast<RankedTensorType>(v.getType()).getRank() <=
                             remap.getInput().getType().getRank())
        return v;
      return {};
    };
    Value a = side(l, op.getLhs()), b = side(r, op.getRhs());
    if (!a || !b)
      return failure();
    auto inner = remap.getInput().getType().clone(op.getType().getElementType());
    Value y = rewriter.create<BinaryOp>(op.getLoc(), inner, op.getKindAttr(), a, b);
    rewriter.replaceOpWithNewOp<RemapOp>(op, op.getType(), y, remap.getMapAttr(),
                                         remap.getPaddingAttr());
    return success();
  }
};

struct SinkRemapsPass : tessel::impl::SinkRemapsBase<SinkRemapsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SinkThroughUnary, SinkThroughBinary>(&getContext());
    RemapOp::getCanonicalizationPatterns(patterns, &getContext());
    ReshapeOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
