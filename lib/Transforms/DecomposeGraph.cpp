#include "tessel/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tessel {
#define GEN_PASS_DEF_DECOMPOSEGRAPH
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::graph;

static Value transposeLastTwo(PatternRewriter &rewriter, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> perm, shape;
  int64_t rank = type.getRank();
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[rank - 1], perm[rank - 2]);
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  return rewriter.create<TransposeOp>(loc, type.clone(shape), v,
                                      rewriter.getDenseI64ArrayAttr(perm));
}

static Value scaleBy(PatternRewriter &rewriter, Location loc, Value v, float factor) {
  auto type = cast<RankedTensorType>(v.getType());
  auto scalarType = RankedTensorType::get({}, type.getElementType());
  Value scalar = rewriter.create<ConstantOp>(
      loc, scalarType,
      DenseElementsAttr::get(scalarType, rewriter.getFloatAttr(type.getElementType(), factor)));
  return rewriter.create<BinaryOp>(loc, type, BinaryKind::mul, v, scalar);
}

namespace {

struct DecomposeGemm : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GemmOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = op.getTransA() ? transposeLastTwo(rewriter, loc, op.getA()) : op.getA();
    Value b = op.getTransB() ? transposeLastTwo(rewriter, loc, op.getB()) : op.getB();
    Value y = rewriter.create<MatMulOp>(loc, op.getType(), a, b);
    if (op.getAlpha().convertToFloat() != 1.0f)
      y = scaleBy(rewriter, loc, y, op.getAlpha().convertToFloat());
    if (op.getC() && op.getBeta().convertToFloat() != 0.0f) {
      Value c = op.getC();
      if (op.getBeta().convertToFloat() != 1.0f)
        c = scaleBy(rewriter, loc, c, op.getBeta().convertToFloat());
      y = rewriter.create<BinaryOp>(loc, op.getType(), BinaryKind::add, y, c);
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// Kernels reduce along the rows of tiles, so softmax runs over the last axis; another axis is
/// swapped with the last one and back.
struct SoftmaxAxisLast : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op, PatternRewriter &rewriter) const override {
    auto type = op.getType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis == rank - 1)
      return failure();
    SmallVector<int64_t> perm, shape;
    for (int64_t i = 0; i < rank; ++i)
      perm.push_back(i);
    std::swap(perm[axis], perm[rank - 1]);
    for (int64_t p : perm)
      shape.push_back(type.getDimSize(p));
    auto permAttr = rewriter.getDenseI64ArrayAttr(perm);
    Location loc = op.getLoc();
    Value t = rewriter.create<TransposeOp>(loc, type.clone(shape), op.getInput(), permAttr);
    Value s = rewriter.create<SoftmaxOp>(loc, t, rewriter.getI64IntegerAttr(rank - 1),
                                         op.getLogAttr());
    rewriter.replaceOpWithNewOp<TransposeOp>(op, type, s, permAttr);
    return success();
  }
};

/// Folds a data-movement op whose input is an f32 constant: `move` turns the constant's values
/// into the result's. The folded constant keeps the initializer's location, whose name the
/// binary gives the buffer.
template <typename Op>
struct FoldConstantInput : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  virtual std::vector<float> move(Op op, ConstantOp constant,
                                  const std::vector<float> &data) const = 0;
  LogicalResult matchAndRewrite(Op op, PatternRewriter &rewriter) const override {
    auto constant = op.getInput().template getDefiningOp<ConstantOp>();
    if (!constant || !op.getType().getElementType().isF32())
      return failure();
    std::optional<std::vector<float>> data = readF32Elements(constant.getValue());
    if (!data)
      return failure();
    auto type = RankedTensorType::get(op.getType().getShape(), op.getType().getElementType());
    Value folded = rewriter.create<ConstantOp>(constant.getLoc(), op.getType(),
                                               makeF32Elements(type, move(op, constant, *data)));
    rewriter.replaceOp(op, folded);
    return success();
  }
};

/// Weights are known at compile time: transposing them here saves a dispatch on every run.
struct FoldConstantTranspose : FoldConstantInput<TransposeOp> {
  using FoldConstantInput::FoldConstantInput;
  std::vector<float> move(TransposeOp op, ConstantOp constant,
                          const std::vector<float> &data) const override {
    ArrayRef<int64_t> inShape = constant.getType().getShape(), perm = op.getPerm();
    ArrayRef<int64_t> outShape = op.getType().getShape();
    int64_t rank = inShape.size();
    SmallVector<int64_t> inStrides(rank, 1);
    for (int64_t i = rank - 2; i >= 0; --i)
      inStrides[i] = inStrides[i + 1] * inShape[i + 1];
    std::vector<float> out(data.size());
    SmallVector<int64_t> idx(rank, 0);
    for (size_t linear = 0; linear < out.size(); ++linear) {
      int64_t src = 0;
      for (int64_t d = 0; d < rank; ++d)
        src += idx[d] * inStrides[perm[d]];
      out[linear] = data[src];
      for (int64_t d = rank - 1; d >= 0 && ++idx[d] == outShape[d]; --d)
        idx[d] = 0;
    }
    return out;
  }
};

/// A reshape of a constant is the same data under another type.
struct FoldConstantReshape : FoldConstantInput<ReshapeOp> {
  using FoldConstantInput::FoldConstantInput;
  std::vector<float> move(ReshapeOp, ConstantOp, const std::vector<float> &data) const override {
    return data;
  }
};

struct DecomposeGraphPass : tessel::impl::DecomposeGraphBase<DecomposeGraphPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeGemm, FoldConstantReshape, FoldConstantTranspose, SoftmaxAxisLast>(
        &getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
