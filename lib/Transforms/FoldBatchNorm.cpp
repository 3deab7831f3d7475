#include "tessel/Transforms/BatchNorm.h"
#include "tessel/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace tessel {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::graph;

static std::optional<std::vector<float>> constantValues(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  return readF32Elements(constant.getValue());
}

std::optional<BatchNormFactors> tessel::constantFactors(BatchNormOp op) {
  auto scale = constantValues(op.getScale()), bias = constantValues(op.getBias());
  auto mean = constantValues(op.getMean()), var = constantValues(op.getVar());
  if (!scale || !bias || !mean || !var)
    return std::nullopt;
  double epsilon = op.getEpsilon().convertToFloat();
  BatchNormFactors f;
  for (size_t c = 0; c < scale->size(); ++c) {
    double factor = double((*scale)[c]) / std::sqrt(double((*var)[c]) + epsilon);
    f.factor.push_back(float(factor));
    f.shift.push_back(float(double((*bias)[c]) - double((*mean)[c]) * factor));
  }
  return f;
}

namespace {

/// batch_norm(conv(x, W, b)) = conv(x, W * factor, b * factor + shift), per output channel.
struct FoldIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op, PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a convolution used only here");
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    if (!wType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "weights are not f32");
    std::optional<BatchNormFactors> f = constantFactors(op);
    std::optional<std::vector<float>> w = constantValues(conv.getWeight());
    std::optional<std::vector<float>> b;
    if (conv.getBias())
      b = constantValues(conv.getBias());
    if (!f || !w || (conv.getBias() && !b))
      return rewriter.notifyMatchFailure(op, "weights or parameters are not constants");
    int64_t outChannels = wType.getDimSize(0), perChannel = wType.getNumElements() / outChannels;
    std::vector<float> weight(*w), bias(outChannels);
    for (int64_t m = 0; m < outChannels; ++m) {
      for (int64_t i = 0; i < perChannel; ++i)
        weight[m * perChannel + i] = float(double(weight[m * perChannel + i]) * f->factor[m]);
      bias[m] = float((b ? double((*b)[m]) : 0.0) * f->factor[m] + f->shift[m]);
    }
    Location wLoc = conv.getWeight().getLoc();
    auto bType = RankedTensorType::get({outChannels}, wType.getElementType());
    Value newWeight = rewriter.create<ConstantOp>(wLoc, wType, makeF32Elements(wType, weight));
    Value newBias = rewriter.create<ConstantOp>(op.getLoc(), bType, makeF32Elements(bType, bias));
    // Both nodes' names stay on the folded convolution, so reports credit it to both.
    Location loc = rewriter.getFusedLoc({conv.getLoc(), op.getLoc()});
    Value folded = rewriter.create<ConvOp>(loc, op.getType(), conv.getInput(), newWeight, newBias,
                                           conv.getStridesAttr(), conv.getDilationsAttr(),
                                           conv.getPadsAttr(), conv.getGroupAttr());
    rewriter.replaceOp(op, folded);
    rewriter.eraseOp(conv);
    ++numFolded;
    return success();
  }
  llvm::Statistic &numFolded;
  FoldIntoConv(MLIRContext *ctx, llvm::Statistic &numFolded)
      : OpRewritePattern(ctx), numFolded(numFolded) {}
};

struct FoldBatchNormPass : tessel::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv>(&getContext(), numFolded);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
