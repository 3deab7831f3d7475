#include "tessel/Transforms/BatchNorm.h"
#include "tessel/Transforms/ConvLowering.h"
#include "tessel/Transforms/Normalization.h"
#include "tessel/Transforms/Passes.h"

#include "Grid/GridDialect.h"

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

/// A normalisation over several axes, or with parameters that vary along more than the last
/// axis, becomes the reduces and elementwise ops it stands for: the row kernel takes neither.
/// With `all`, every one is.
template <typename NormOp>
struct ExpandNorm : OpRewritePattern<NormOp> {
  ExpandNorm(MLIRContext *ctx, bool all) : OpRewritePattern<NormOp>(ctx), all(all) {}
  bool all;
  LogicalResult matchAndRewrite(NormOp op, PatternRewriter &rewriter) const override {
    NormView norm = *NormView::of(op);
    if (!all && normHasRowKernel(norm))
      return failure();
    expandNorm(rewriter, norm);
    return success();
  }
};

/// A group norm of [N, C, L]: its kernel takes channels in the batch dims (two spatial dims or
/// more).
struct ExpandGroupNorm : OpRewritePattern<GroupNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GroupNormOp op, PatternRewriter &rewriter) const override {
    if (op.getType().getRank() >= 4)
      return failure();
    expandGroupNorm(rewriter, op);
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

/// Whether `operand` broadcasts within the 32x32 tiles of `result`: one of its last two dims
/// (missing ones count as 1) is 1 where the result's is not.
static bool broadcastsInTile(Value operand, Value result) {
  ArrayRef<int64_t> in = cast<RankedTensorType>(operand.getType()).getShape();
  ArrayRef<int64_t> out = cast<RankedTensorType>(result.getType()).getShape();
  for (size_t k = 1; k <= 2 && k <= out.size(); ++k) {
    int64_t dim = k <= in.size() ? in[in.size() - k] : 1;
    if (dim == 1 && out[out.size() - k] != 1)
      return true;
  }
  return false;
}

/// `operand` broadcast to the shape of `result` by a remap that reads index 0 along its size-1
/// dims.
static Value materializeBroadcast(PatternRewriter &rewriter, Location loc, Value operand,
                                  Value result) {
  auto in = cast<RankedTensorType>(operand.getType());
  auto out = cast<RankedTensorType>(result.getType());
  int64_t lead = out.getRank() - in.getRank();
  SmallVector<AffineExpr> index;
  for (int64_t k = 0; k < in.getRank(); ++k)
    index.push_back(in.getDimSize(k) == 1 ? rewriter.getAffineConstantExpr(0)
                                          : rewriter.getAffineDimExpr(k + lead));
  auto map = AffineMap::get(out.getRank(), 0, index, rewriter.getContext());
  return rewriter.create<RemapOp>(loc, out.clone(in.getElementType()), operand,
                                  AffineMapAttr::get(map), rewriter.getF32FloatAttr(0.0f));
}

/// The FPU broadcasts only the second operand of a binary op, and where() only its first value,
/// within a tile. Operands that would need more are broadcast in memory first.
struct BinaryInTileBroadcast : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    if (!broadcastsInTile(op.getLhs(), op) || !needsLhsBroadcast(op))
      return failure();
    Value lhs = materializeBroadcast(rewriter, op.getLoc(), op.getLhs(), op);
    rewriter.modifyOpInPlace(op, [&] { op.getLhsMutable().assign(lhs); });
    return success();
  }
  /// A broadcasting lhs is fine when the kernel can swap the operands.
  static bool needsLhsBroadcast(BinaryOp op) {
    switch (op.getKind()) {
    case BinaryKind::add: case BinaryKind::mul: case BinaryKind::max: case BinaryKind::min:
    case BinaryKind::equal: case BinaryKind::and_: case BinaryKind::or_: case BinaryKind::xor_:
    case BinaryKind::less: case BinaryKind::greater: case BinaryKind::less_or_equal:
    case BinaryKind::greater_or_equal: case BinaryKind::sub:
      return broadcastsInTile(op.getRhs(), op);
    default:
      return true;
    }
  }
};

struct WhereInTileBroadcast : OpRewritePattern<WhereOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(WhereOp op, PatternRewriter &rewriter) const override {
    // A constant scalar second value fills Dst in the kernel (a masked fill): nothing to move.
    bool cond = broadcastsInTile(op.getCondition(), op),
         rhs = broadcastsInTile(op.getRhs(), op) && !scalarConstant(op.getRhs());
    if (!cond && !rhs)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      if (cond)
        op.getConditionMutable().assign(
            materializeBroadcast(rewriter, op.getLoc(), op.getCondition(), op));
      if (rhs)
        op.getRhsMutable().assign(materializeBroadcast(rewriter, op.getLoc(), op.getRhs(), op));
    });
    return success();
  }
};

/// A concat along one of the last two axes, where a tile of the result may hold values of
/// several inputs: each input placed at its offset by a remap that reads zeros elsewhere, and
/// the placed inputs added.
struct DecomposeConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op, PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis < rank - 2)
      return failure();
    Value sum;
    int64_t offset = 0;
    for (Value in : op.getInputs()) {
      SmallVector<AffineExpr> index;
      for (int64_t k = 0; k < rank; ++k)
        index.push_back(rewriter.getAffineDimExpr(k) - (k == axis ? offset : 0));
      Value placed = rewriter.create<RemapOp>(
          op.getLoc(), type, in, AffineMapAttr::get(AffineMap::get(rank, 0, index, getContext())),
          rewriter.getF32FloatAttr(0.0f), AffineMapAttr(), DenseI64ArrayAttr());
      sum = sum ? rewriter.create<BinaryOp>(op.getLoc(), type, BinaryKind::add, sum, placed)
                : placed;
      offset += cast<RankedTensorType>(in.getType()).getDimSize(axis);
    }
    rewriter.replaceOp(op, sum);
    return success();
  }
};

/// A strided stem whose taps would move a few channels at a time, space to depth first.
struct StemSpaceToDepth : OpRewritePattern<ConvOp> {
  StemSpaceToDepth(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(ConvOp op, PatternRewriter &rewriter) const override {
    FailureOr<Value> conv = buildSpaceToDepthConv(rewriter, op);
    if (failed(conv))
      return failure();
    rewriter.replaceOp(op, *conv);
    return success();
  }
};

/// A 3x3 stride-1 convolution as Winograd F(2x2, 3x3), where tt-choose-conv-algorithms chose it.
struct WinogradConv : OpRewritePattern<ConvOp> {
  WinogradConv(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/3) {}
  LogicalResult matchAndRewrite(ConvOp op, PatternRewriter &rewriter) const override {
    auto config = op->getAttrOfType<grid::ConvConfigAttr>(grid::kConfigAttrName);
    if (!config || config.getAlgorithm() != grid::ConvAlgorithm::winograd)
      return rewriter.notifyMatchFailure(op, "not chosen for Winograd");
    FailureOr<Value> conv = buildWinogradConv(rewriter, op);
    if (failed(conv))
      return failure();
    rewriter.replaceOp(op, *conv);
    return success();
  }
};

/// The one way the chip computes a convolution today: im2col and a matmul.
struct DecomposeConv : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildIm2colConv(rewriter, op));
    return success();
  }
};

struct DecomposePool : OpRewritePattern<PoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildPool(rewriter, op));
    return success();
  }
};

/// A batch norm left unfolded: `x * factor + shift` per channel, with factor and shift computed
/// at compile time when the parameters are constants.
struct DecomposeBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t channels = type.getDimSize(1);
    SmallVector<int64_t> paramShape{channels};
    paramShape.append(type.getRank() - 2, 1);
    auto paramType = RankedTensorType::get(paramShape, type.getElementType());
    auto perChannel = [&](Value p) { return rewriter.create<ReshapeOp>(loc, paramType, p); };
    Value factor, shift;
    if (std::optional<BatchNormFactors> f = constantFactors(op)) {
      auto flat = RankedTensorType::get({channels}, type.getElementType());
      factor = rewriter.create<ConstantOp>(loc, flat, makeF32Elements(flat, f->factor));
      shift = rewriter.create<ConstantOp>(loc, flat, makeF32Elements(flat, f->shift));
      factor = perChannel(factor);
      shift = perChannel(shift);
    } else {
      auto binary = [&](BinaryKind kind, Value a, Value b) {
        return rewriter.create<BinaryOp>(loc, paramType, kind, a, b).getResult();
      };
      auto eps = RankedTensorType::get({}, type.getElementType());
      Value epsilon = rewriter.create<ConstantOp>(
          loc, eps, DenseElementsAttr::get(eps, op.getEpsilon().convertToFloat()));
      Value std = rewriter.create<UnaryOp>(
          loc, paramType, UnaryKindAttr::get(getContext(), UnaryKind::sqrt),
          binary(BinaryKind::add, perChannel(op.getVar()), epsilon), rewriter.getF32FloatAttr(0),
          rewriter.getF32FloatAttr(0));
      factor = binary(BinaryKind::div, perChannel(op.getScale()), std);
      shift = binary(BinaryKind::sub, perChannel(op.getBias()),
                     binary(BinaryKind::mul, perChannel(op.getMean()), factor));
    }
    Value y = rewriter.create<BinaryOp>(loc, type, BinaryKind::mul, op.getInput(), factor);
    rewriter.replaceOpWithNewOp<BinaryOp>(op, type, BinaryKind::add, y, shift);
    return success();
  }
};

struct DecomposeGraphPass : tessel::impl::DecomposeGraphBase<DecomposeGraphPass> {
  using DecomposeGraphBase::DecomposeGraphBase;
  void runOnOperation() override {
    WalkResult chosen = getOperation().walk([](ConvOp conv) {
      auto config = conv->getAttrOfType<grid::ConvConfigAttr>(grid::kConfigAttrName);
      if (config && config.getAlgorithm() == grid::ConvAlgorithm::winograd &&
          !winogradApplies(conv)) {
        conv.emitError("Winograd F(2x2, 3x3) takes a 2-D 3x3 convolution of stride 1, "
                       "dilation 1 and one group with constant f32 weights");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (chosen.wasInterrupted())
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeConcat, StemSpaceToDepth, WinogradConv, DecomposeConv, DecomposePool, DecomposeBatchNorm, DecomposeGemm, FoldConstantReshape, FoldConstantTranspose, SoftmaxAxisLast,
                 BinaryInTileBroadcast, WhereInTileBroadcast>(&getContext());
    patterns.add<ExpandNorm<LayerNormOp>, ExpandNorm<RMSNormOp>>(&getContext(), expandNorms);
    patterns.add<ExpandGroupNorm>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
