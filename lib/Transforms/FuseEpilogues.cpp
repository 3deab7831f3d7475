#include "tessel/Transforms/Passes.h"
#include "tessel/Transforms/IntegerTensors.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tessel {
#define GEN_PASS_DEF_FUSEEPILOGUES
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::graph;

namespace {
/// What joins a matmul: an epilogue step may only follow the steps after it in the kernel's
/// order (bias, residual, activation).
enum class Step { scale, bias, residual, activation };
} // namespace

/// A float matmul result that nothing else reads, with nothing yet at `step` or after it. An
/// integer product is exact in an int32 Dst by itself; a fused epilogue would compute it in
/// floats (tt-assign-layouts, IntegerTensors.h).
static MatMulOp fusableMatmul(Value v, Step step) {
  auto mm = v.getDefiningOp<MatMulOp>();
  if (!mm || !mm->hasOneUse() || isIntegerTensor(v.getType()) || mm.getActivation() ||
      (step <= Step::residual && mm.getResidual()) || (step <= Step::bias && mm.getBias()) ||
      (step == Step::scale && mm.getScale().convertToFloat() != 1.0f))
    return {};
  return mm;
}

/// A float reduce result (a depthwise convolution's weighted sum) that nothing else reads, with
/// nothing yet at `step` or after it. A reduce takes no residual.
static ReduceOp fusableReduce(Value v, Step step) {
  auto r = v.getDefiningOp<ReduceOp>();
  if (!r || !r->hasOneUse() || isIntegerTensor(v.getType()) || r.getActivation() || step == Step::residual ||
      (step == Step::bias && r.getBias()))
    return {};
  return r;
}

/// Whether `bias` adds one value per column to every row of `result`: [N], or [1, ..., 1, N].
static bool isRowBias(Value bias, RankedTensorType result) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(bias.getType()).getShape();
  if (shape.empty() || shape.back() != result.getShape().back() ||
      shape.size() > size_t(result.getRank()))
    return false;
  return llvm::all_of(shape.drop_back(), [](int64_t d) { return d == 1; });
}

/// Replaces `op` by `mm` with a new bias, residual and activation (with its parameters), at
/// both their locations.
static void replaceWithMatmul(PatternRewriter &rewriter, Operation *op, MatMulOp mm, Value bias,
                              Value residual, UnaryKindAttr activation,
                              FloatAttr alpha = FloatAttr(), FloatAttr beta = FloatAttr()) {
  Location loc = rewriter.getFusedLoc({mm.getLoc(), op->getLoc()});
  Value fused = rewriter.create<MatMulOp>(
      loc, op->getResult(0).getType(), mm.getLhs(), mm.getRhs(), bias, residual, activation,
      alpha ? alpha : mm.getAlphaAttr(), beta ? beta : mm.getBetaAttr(), mm.getScaleAttr());
  rewriter.replaceOp(op, fused);
  rewriter.eraseOp(mm);
}

/// Replaces `op` by `r` with a new bias and activation, at both their locations.
static void replaceWithReduce(PatternRewriter &rewriter, Operation *op, ReduceOp r, Value bias,
                              UnaryKindAttr activation, FloatAttr alpha = FloatAttr(),
                              FloatAttr beta = FloatAttr()) {
  Location loc = rewriter.getFusedLoc({r.getLoc(), op->getLoc()});
  Value fused = rewriter.create<ReduceOp>(
      loc, op->getResult(0).getType(), r.getKindAttr(), r.getInput(), r.getWeights(), bias,
      r.getAxesAttr(), activation, alpha ? alpha : r.getAlphaAttr(),
      beta ? beta : r.getBetaAttr());
  rewriter.replaceOp(op, fused);
  rewriter.eraseOp(r);
}

namespace {

/// matmul(a, b) * c or matmul(a, b) / c, for a constant scalar c -> matmul(a, b) scaled by c
/// (or 1 / c): attention's scores scaled before the softmax.
struct FuseScale : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    bool div = op.getKind() == BinaryKind::div;
    if (op.getKind() != BinaryKind::mul && !div)
      return failure();
    auto sides = {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())};
    for (auto [mmValue, c] : llvm::make_range(sides.begin(), sides.begin() + (div ? 1 : 2))) {
      MatMulOp mm = fusableMatmul(mmValue, Step::scale);
      std::optional<float> factor = scalarConstant(c);
      if (!mm || mm.getType() != op.getType() || !factor || (div && *factor == 0.0f))
        continue;
      Location loc = rewriter.getFusedLoc({mm.getLoc(), op->getLoc()});
      Value fused = rewriter.create<MatMulOp>(
          loc, op.getType(), mm.getLhs(), mm.getRhs(), Value(), Value(), UnaryKindAttr(),
          mm.getAlphaAttr(), mm.getBetaAttr(),
          rewriter.getF32FloatAttr(div ? 1.0f / *factor : *factor));
      rewriter.replaceOp(op, fused);
      rewriter.eraseOp(mm);
      return success();
    }
    return failure();
  }
};

/// add(matmul(a, b), bias) -> matmul(a, b, bias), for a bias per column; the same for a reduce.
struct FuseBias : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    if (op.getKind() != BinaryKind::add)
      return failure();
    for (auto [mmValue, bias] : {std::pair(op.getLhs(), op.getRhs()),
                                 std::pair(op.getRhs(), op.getLhs())}) {
      if (!isRowBias(bias, op.getType()))
        continue;
      auto flat = RankedTensorType::get({op.getType().getShape().back()},
                                        cast<RankedTensorType>(bias.getType()).getElementType());
      MatMulOp mm = fusableMatmul(mmValue, Step::bias);
      if (mm && mm.getType() == op.getType()) {
        replaceWithMatmul(rewriter, op, mm, reshapedValue(rewriter, bias, flat), Value(),
                          UnaryKindAttr());
        return success();
      }
      ReduceOp r = fusableReduce(mmValue, Step::bias);
      if (r && r.getType() == op.getType()) {
        replaceWithReduce(rewriter, op, r, reshapedValue(rewriter, bias, flat), UnaryKindAttr());
        return success();
      }
    }
    return failure();
  }
};

/// add(matmul(a, b), r) -> matmul(a, b) plus r, for r of the result's type: a residual
/// connection, added as the kernel stores each tile instead of by a dispatch that reads both.
struct FuseResidual : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    if (op.getKind() != BinaryKind::add)
      return failure();
    for (auto [mmValue, residual] : {std::pair(op.getLhs(), op.getRhs()),
                                     std::pair(op.getRhs(), op.getLhs())}) {
      MatMulOp mm = fusableMatmul(mmValue, Step::residual);
      if (!mm || mm.getType() != op.getType() || residual.getType() != op.getType())
        continue;
      // The bias must be there first, or it could not join after the residual.
      if (!mm.getBias())
        if (auto add = residual.getDefiningOp<BinaryOp>())
          if (add.getKind() == BinaryKind::add && add->hasOneUse() &&
              (fusableMatmul(add.getLhs(), Step::bias) || fusableMatmul(add.getRhs(), Step::bias)))
            continue;
      replaceWithMatmul(rewriter, op, mm, mm.getBias(), residual, UnaryKindAttr());
      return success();
    }
    return failure();
  }
};

/// relu / gelu / gelu_tanh / clip of a matmul or a reduce -> its activation.
struct FuseActivation : OpRewritePattern<UnaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(UnaryOp op, PatternRewriter &rewriter) const override {
    if (!isEpilogueActivation(op.getKind()))
      return failure();
    MatMulOp mm = fusableMatmul(op.getInput(), Step::activation);
    if (mm && mm.getType() == op.getType()) {
      replaceWithMatmul(rewriter, op, mm, mm.getBias(), mm.getResidual(), op.getKindAttr(),
                        op.getAlphaAttr(), op.getBetaAttr());
      return success();
    }
    ReduceOp r = fusableReduce(op.getInput(), Step::activation);
    if (!r || r.getType() != op.getType())
      return failure();
    replaceWithReduce(rewriter, op, r, r.getBias(), op.getKindAttr(), op.getAlphaAttr(),
                      op.getBetaAttr());
    return success();
  }
};

struct FuseEpiloguesPass : tessel::impl::FuseEpiloguesBase<FuseEpiloguesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseScale, FuseBias, FuseResidual, FuseActivation>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
