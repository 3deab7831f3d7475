#include "tessel/Transforms/AbsorbedRemaps.h"
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
  std::optional<float> value = scalarConstant(v);
  return value && std::fabs(*value - expected) <= 1e-5 * std::max(1.0, std::fabs(expected));
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

/// The location of everything `root` computes from `leaves` (and constants): a fused op's,
/// so that reports name every ONNX node it covers.
static Location fusedLocation(PatternRewriter &rewriter, Operation *root, ArrayRef<Value> leaves) {
  SmallVector<Location> locs;
  llvm::SmallPtrSet<Operation *, 16> seen;
  SmallVector<Operation *> work{root};
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!seen.insert(op).second)
      continue;
    locs.push_back(op->getLoc());
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp();
          def && !isa<ConstantOp>(def) && !llvm::is_contained(leaves, operand))
        work.push_back(def);
  }
  std::reverse(locs.begin(), locs.end());
  return rewriter.getFusedLoc(locs);
}

/// The statistics' reduction of a normalisation: a mean over the trailing axes of `of`, from
/// `axis` on. Returns that axis.
static std::optional<int64_t> trailingMean(Value v, Value of) {
  auto reduce = v.getDefiningOp<ReduceOp>();
  if (!reduce || reduce.getKind() != ReduceKind::mean || reduce.getInput() != of ||
      reduce.getWeights() || reduce.getBias() || reduce.getActivation())
    return std::nullopt;
  SmallVector<int64_t> axes(reduce.getAxes());
  llvm::sort(axes);
  int64_t rank = cast<RankedTensorType>(of.getType()).getRank();
  if (axes.empty() || axes.back() != rank - 1 || axes.back() - axes.front() + 1 != int64_t(axes.size()))
    return std::nullopt;
  return axes.front();
}

/// d * d or pow(d, 2): returns d.
static Value squareOf(Value v) {
  if (BinaryOp pow = binaryOf(v, BinaryKind::pow); pow && isScalar(pow.getRhs(), 2.0))
    return pow.getLhs();
  if (BinaryOp mul = binaryOf(v, BinaryKind::mul); mul && mul.getLhs() == mul.getRhs())
    return mul.getLhs();
  return Value();
}

/// sqrt(s + eps) for a one-element constant eps: returns s and eps.
static std::optional<std::pair<Value, float>> sqrtPlusEpsilon(Value v) {
  auto sqrt = v.getDefiningOp<UnaryOp>();
  BinaryOp add = sqrt && sqrt.getKind() == UnaryKind::sqrt ? binaryOf(sqrt.getInput(), BinaryKind::add)
                                                           : BinaryOp();
  if (!add)
    return std::nullopt;
  for (auto [s, e] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())})
    if (std::optional<float> epsilon = scalarConstant(e); epsilon && s.getType() == add.getType())
      return std::pair(s, *epsilon);
  return std::nullopt;
}

/// For `n` = d / sqrt(s + eps), d * (1 / sqrt(s + eps)) (Reciprocal, or Div of 1) or the same
/// product in the other order: d, s and eps.
struct Quotient {
  Value numerator, square;
  float epsilon;
};
static std::optional<Quotient> overRootMeanSquare(Value n) {
  if (BinaryOp div = binaryOf(n, BinaryKind::div))
    if (auto root = sqrtPlusEpsilon(div.getRhs()))
      return Quotient{div.getLhs(), root->first, root->second};
  BinaryOp mul = binaryOf(n, BinaryKind::mul);
  if (!mul)
    return std::nullopt;
  for (auto [d, r] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())}) {
    Value root;
    if (auto recip = r.getDefiningOp<UnaryOp>(); recip && recip.getKind() == UnaryKind::reciprocal)
      root = recip.getInput();
    else if (BinaryOp div = binaryOf(r, BinaryKind::div); div && isScalar(div.getLhs(), 1.0))
      root = div.getRhs();
    if (auto rootOf = root ? sqrtPlusEpsilon(root) : std::nullopt)
      return Quotient{d, rootOf->first, rootOf->second};
  }
  return std::nullopt;
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps), as PyTorch, TensorFlow and PaddlePaddle
/// exports spell LayerNorm (Pow or Mul for the square, Div or Reciprocal and Mul), becomes
/// graph.layer_norm; x / sqrt(mean(x^2) + eps) becomes graph.rms_norm. Both means must reduce
/// the same trailing axes of x.
struct FuseNormalization : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    std::optional<Quotient> q = overRootMeanSquare(op.getResult());
    if (!q || q->numerator.getType() != op.getType())
      return failure();
    Value d = q->numerator;
    std::optional<int64_t> varAxis;
    auto meanOfSquares = [&](Value centred) {
      auto reduce = q->square.getDefiningOp<ReduceOp>();
      if (!reduce || squareOf(reduce.getInput()) != centred)
        return false;
      varAxis = trailingMean(q->square, reduce.getInput());
      return varAxis.has_value();
    };
    // Layer norm: d = x - mean(x), over the same axes as the variance.
    if (BinaryOp sub = binaryOf(d, BinaryKind::sub)) {
      Value x = sub.getLhs();
      std::optional<int64_t> meanAxis = trailingMean(sub.getRhs(), x);
      if (meanAxis && x.getType() == op.getType() && meanOfSquares(d) && *varAxis == *meanAxis) {
        Value norm = rewriter.create<LayerNormOp>(
            fusedLocation(rewriter, op, {x}), op.getType(), x, Value(), Value(),
            rewriter.getI64IntegerAttr(*meanAxis), rewriter.getF32FloatAttr(q->epsilon));
        rewriter.replaceOp(op, norm);
        return success();
      }
    }
    if (!meanOfSquares(d))
      return failure();
    Value norm = rewriter.create<RMSNormOp>(
        fusedLocation(rewriter, op, {d}), op.getType(), d, Value(),
        rewriter.getI64IntegerAttr(*varAxis), rewriter.getF32FloatAttr(q->epsilon));
    rewriter.replaceOp(op, norm);
    return success();
  }
};

/// Whether `param` varies over the axes from `axis` on of `type` only (what a norm's scale and
/// bias may do), and broadcasting it leaves `type` as it is.
static bool normParameter(Value param, RankedTensorType type, int64_t axis) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(param.getType()).getShape();
  int64_t lead = type.getRank() - int64_t(shape.size());
  if (lead < 0)
    return false;
  for (auto [i, d] : llvm::enumerate(shape)) {
    int64_t k = lead + int64_t(i);
    if (d != 1 && (k < axis || d != type.getDimSize(k)))
      return false;
  }
  return true;
}

/// norm(x) * scale, and then + bias, where both vary along the normalised axes only (for a
/// group norm, one value per channel), become the norm's own scale and bias: its kernel applies
/// them to each tile it writes.
struct AbsorbNormAffine : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    bool isScale = op.getKind() == BinaryKind::mul, isBias = op.getKind() == BinaryKind::add;
    if (!isScale && !isBias)
      return failure();
    for (auto [n, p] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      if (!n.hasOneUse() || n.getType() != op.getType())
        continue;
      if (auto ln = n.getDefiningOp<LayerNormOp>()) {
        if (ln.getBias() || (isScale && ln.getScale()) ||
            !normParameter(p, op.getType(), ln.getAxis()))
          continue;
        Value scale = isScale ? p : ln.getScale(), bias = isBias ? p : Value();
        Value norm = rewriter.create<LayerNormOp>(
            rewriter.getFusedLoc({ln.getLoc(), op.getLoc()}), op.getType(), ln.getInput(), scale,
            bias, ln.getAxisAttr(), ln.getEpsilonAttr());
        rewriter.replaceOp(op, norm);
        rewriter.eraseOp(ln);
        return success();
      }
      if (auto gn = n.getDefiningOp<GroupNormOp>()) {
        if (gn.getBias() || (isScale && gn.getScale()))
          continue;
        RankedTensorType type = op.getType();
        int64_t channels = type.getDimSize(1);
        auto pType = cast<RankedTensorType>(p.getType());
        ArrayRef<int64_t> ps = pType.getShape();
        // Right-aligned against [N, C, spatial...]: C, then ones.
        int64_t lead = type.getRank() - int64_t(ps.size());
        bool perChannel = lead >= 0 && lead <= 1 && ps[1 - lead] == channels;
        for (int64_t k = 0; perChannel && k < int64_t(ps.size()); ++k)
          perChannel = k + lead == 1 || ps[k] == 1;
        if (!perChannel)
          continue;
        Value param = reshapedValue(
            rewriter, p, RankedTensorType::get({channels}, pType.getElementType()));
        Value scale = isScale ? param : gn.getScale(), bias = isBias ? param : Value();
        Value norm = rewriter.create<GroupNormOp>(
            rewriter.getFusedLoc({gn.getLoc(), op.getLoc()}), type, gn.getInput(), scale, bias,
            gn.getNumGroupsAttr(), gn.getEpsilonAttr());
        rewriter.replaceOp(op, norm);
        rewriter.eraseOp(gn);
        return success();
      }
      if (auto rms = n.getDefiningOp<RMSNormOp>()) {
        if (!isScale || rms.getScale() || !normParameter(p, op.getType(), rms.getAxis()))
          continue;
        Value norm = rewriter.create<RMSNormOp>(
            rewriter.getFusedLoc({rms.getLoc(), op.getLoc()}), op.getType(), rms.getInput(), p,
            rms.getAxisAttr(), rms.getEpsilonAttr());
        rewriter.replaceOp(op, norm);
        rewriter.eraseOp(rms);
        return success();
      }
    }
    return failure();
  }
};

/// Whether `v` is a constant (or a reshape of one) whose every value is `value`.
static bool allValues(Value v, float value) {
  if (auto reshape = v.getDefiningOp<ReshapeOp>())
    v = reshape.getInput();
  auto constant = v.getDefiningOp<ConstantOp>();
  std::optional<std::vector<float>> values =
      constant ? readF32Elements(constant.getValue()) : std::nullopt;
  return values && llvm::all_of(*values, [&](float x) { return x == value; });
}

/// Group normalisations as exporters write them become graph.group_norm: a layer norm over the
/// spatial axes of [N, C, spatial...] (InstanceNormalization) is one with a group per channel;
/// PyTorch's GroupNorm export, a reshape to [N, G, rest], InstanceNormalization with unit
/// scale and zero bias, and a reshape back, one with G groups.
struct FuseGroupNorm : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    Value v = op.getInput();
    // InstanceNormalization's unit scale and zero bias, as the importer writes them.
    if (BinaryOp add = binaryOf(v, BinaryKind::add); add && allValues(add.getRhs(), 0.0f))
      v = add.getLhs();
    if (BinaryOp mul = binaryOf(v, BinaryKind::mul); mul && allValues(mul.getRhs(), 1.0f))
      v = mul.getLhs();
    auto ln = v.getDefiningOp<LayerNormOp>();
    auto split = ln ? ln.getInput().getDefiningOp<ReshapeOp>() : ReshapeOp();
    if (!split || ln.getScale() || ln.getBias() || ln.getAxis() != 2)
      return failure();
    Value x = split.getInput();
    ArrayRef<int64_t> shape = cast<RankedTensorType>(x.getType()).getShape();
    ArrayRef<int64_t> grouped = split.getType().getShape();
    if (x.getType() != op.getType() || shape.size() < 3 || grouped.size() != 3 ||
        grouped[0] != shape[0] || shape[1] % grouped[1] != 0)
      return failure();
    Value norm = rewriter.create<GroupNormOp>(
        fusedLocation(rewriter, op, {x}), op.getType(), x, Value(), Value(),
        rewriter.getI64IntegerAttr(grouped[1]), ln.getEpsilonAttr());
    rewriter.replaceOp(op, norm);
    return success();
  }
};

struct InstanceNormAsGroupNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    if (type.getRank() < 4 || op.getAxis() != 2 || op.getScale() || op.getBias())
      return failure();
    rewriter.replaceOpWithNewOp<GroupNormOp>(op, type, op.getInput(), Value(), Value(),
                                             rewriter.getI64IntegerAttr(type.getDimSize(1)),
                                             op.getEpsilonAttr());
    return success();
  }
};

/// A plain matmul (no epilogue yet) whose result only `user` reads.
static MatMulOp plainMatmul(Value v) {
  auto mm = v.getDefiningOp<MatMulOp>();
  if (!mm || !mm->hasOneUse() || mm.getBias() || mm.getResidual() || mm.getActivation() ||
      mm.getScale().convertToFloat() != 1.0f)
    return {};
  return mm;
}

/// q @ kt, or that times or over a constant scalar (read by nothing else): the matmul and the
/// factor.
static std::optional<std::pair<MatMulOp, float>> scaledProduct(Value z) {
  float scale = 1.0f;
  if (BinaryOp mul = binaryOf(z, BinaryKind::mul); mul && mul->hasOneUse()) {
    for (auto [x, c] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())})
      if (std::optional<float> factor = scalarConstant(c)) {
        scale = *factor;
        z = x;
        break;
      }
  } else if (BinaryOp div = binaryOf(z, BinaryKind::div); div && div->hasOneUse()) {
    std::optional<float> c = scalarConstant(div.getRhs());
    if (!c || *c == 0.0f)
      return std::nullopt;
    scale = 1.0f / *c;
    z = div.getLhs();
  }
  if (MatMulOp mm = plainMatmul(z))
    return std::pair(mm, scale);
  return std::nullopt;
}

/// A mask value at or below this hides its score: exp of it is 0 next to any real score.
static constexpr float kMaskedScore = -1.0e4f;

/// Whether the constant `c` masks the keys after each query as causal attention does (query i
/// sees key j when j <= i + sk - sq, a multiple of 32 apart): as an additive mask, 0 where
/// seen and at most kMaskedScore where not; as a Where's condition, nonzero where seen.
static bool causalPattern(Value c, int64_t sq, int64_t sk, bool additive) {
  auto constant = c.getDefiningOp<ConstantOp>();
  if (!constant || sk < sq || (sk - sq) % 32 != 0)
    return false;
  ArrayRef<int64_t> shape = cast<RankedTensorType>(constant.getType()).getShape();
  if (shape.size() < 2 || shape[shape.size() - 2] != sq || shape.back() != sk)
    return false;
  std::optional<std::vector<float>> values = readF32Elements(constant.getValue());
  if (!values)
    return false;
  for (size_t at = 0; at < values->size(); ++at) {
    int64_t i = int64_t(at / sk) % sq, j = int64_t(at % sk);
    float x = (*values)[at];
    bool seen = j <= i + sk - sq;
    if (additive ? (seen ? x != 0.0f : x > kMaskedScore) : (seen != (x != 0.0f)))
      return false;
  }
  return true;
}

/// softmax(q @ kt * scale + mask) @ v, with the scale a Div or Mul by a constant scalar (or
/// none) and the mask an optional Add, each value read only by the next op, becomes
/// graph.sdpa. The softmax must be over the keys (the last axis) and not a log-softmax.
struct FuseAttention : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op, PatternRewriter &rewriter) const override {
    if (op.getBias() || op.getResidual() || op.getActivation() ||
        op.getScale().convertToFloat() != 1.0f)
      return failure();
    auto softmax = op.getLhs().getDefiningOp<SoftmaxOp>();
    RankedTensorType scoresType = softmax ? softmax.getType() : RankedTensorType();
    if (!softmax || !softmax->hasOneUse() || softmax.getLog() ||
        int64_t(softmax.getAxis()) != scoresType.getRank() - 1)
      return failure();
    // The scores, scaled, and then with the mask added, or masked scores filled by a Where.
    Value z = softmax.getInput(), mask;
    bool causal = false;
    int64_t rank = scoresType.getRank();
    int64_t sq = scoresType.getDimSize(rank - 2), sk = scoresType.getDimSize(rank - 1);
    std::optional<std::pair<MatMulOp, float>> product = scaledProduct(z);
    if (BinaryOp add = binaryOf(z, BinaryKind::add); !product && add && add->hasOneUse()) {
      for (auto [s, m] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())})
        if (s.getType() == scoresType && (product = scaledProduct(s))) {
          mask = m;
          break;
        }
      if (mask && causalPattern(mask, sq, sk, /*additive=*/true)) {
        causal = true;
        mask = Value();
      }
    } else if (auto where = z.getDefiningOp<WhereOp>(); !product && where && where->hasOneUse()) {
      std::optional<float> fill = scalarConstant(where.getRhs());
      if (!fill || *fill > kMaskedScore || where.getLhs().getType() != scoresType ||
          !causalPattern(where.getCondition(), sq, sk, /*additive=*/false))
        return failure();
      product = scaledProduct(where.getLhs());
      causal = true;
    }
    if (!product || product->first.getType() != scoresType)
      return failure();
    auto [scores, scale] = *product;
    Value q = scores.getLhs(), kt = scores.getRhs(), v = op.getRhs();
    auto shape = [](Value x) { return cast<RankedTensorType>(x.getType()).getShape(); };
    // Batch dims must match as they are: a broadcast K or V (grouped queries) is not this op.
    if (rank < 2 || shape(q).size() != size_t(rank) || shape(kt).size() != size_t(rank) ||
        shape(v).size() != size_t(rank) || shape(q).drop_back(2) != shape(kt).drop_back(2) ||
        shape(q).drop_back(2) != shape(v).drop_back(2) ||
        shape(q).drop_back(2) != scoresType.getShape().drop_back(2))
      return failure();
    if (mask) {
      auto b = broadcastShapes(shape(mask), scoresType.getShape());
      if (!b || ArrayRef<int64_t>(*b) != scoresType.getShape())
        return failure();
    }
    SmallVector<Value> leaves{q, kt, v};
    if (mask)
      leaves.push_back(mask);
    Value attention = rewriter.create<SDPAOp>(fusedLocation(rewriter, op, leaves), op.getType(),
                                              q, kt, v, mask, rewriter.getF32FloatAttr(scale),
                                              causal ? rewriter.getUnitAttr() : UnitAttr(),
                                              AffineMapAttr());
    rewriter.replaceOp(op, attention);
    return success();
  }
};

/// Attention's q, keys and values, split into heads by Reshape and Transpose, are views of
/// whole tiles of the projections' results: graph.sdpa reads them through one remap each
/// (attentionReadsThrough) instead of a dispatch per layout change.
struct ReadHeadsThroughLayouts : OpRewritePattern<SDPAOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SDPAOp op, PatternRewriter &rewriter) const override {
    bool changed = false;
    for (OpOperand &use : op->getOpOperands().take_front(3)) {
      Value operand = use.get();
      if (operand.getDefiningOp<RemapOp>())
        continue;
      auto chain = layoutChain(operand);
      if (!chain)
        continue;
      auto type = cast<RankedTensorType>(operand.getType());
      std::optional<bool> transposed = wholeTileView(
          chain->second, type.getShape(),
          cast<RankedTensorType>(chain->first.getType()).getShape());
      if (!transposed || (*transposed && operand != op.getKt()))
        continue;
      Value view = rewriter.create<RemapOp>(
          operand.getLoc(), type, chain->first, AffineMapAttr::get(chain->second),
          rewriter.getF32FloatAttr(0.0f));
      rewriter.modifyOpInPlace(op, [&] { use.set(view); });
      changed = true;
    }
    return success(changed);
  }
};

/// The context merged back from heads by Transpose and Reshape: graph.sdpa writes each output
/// tile where the merged tensor holds it (result_map), when tiles stay whole.
struct WriteHeadsThroughLayouts : OpRewritePattern<SDPAOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SDPAOp op, PatternRewriter &rewriter) const override {
    if (op.getResultMap())
      return failure();
    auto chain = forwardLayoutChain(op.getResult());
    if (!chain)
      return failure();
    auto merged = cast<RankedTensorType>(chain->first.getType());
    std::optional<bool> transposed =
        wholeTileView(chain->second, op.getType().getShape(), merged.getShape());
    if (!transposed || *transposed)
      return failure();
    SmallVector<Location> locs{op.getLoc()};
    for (Value v = op.getResult(); v != chain->first;) {
      Operation *user = *v.getUsers().begin();
      locs.push_back(user->getLoc());
      v = user->getResult(0);
    }
    Value attention = rewriter.create<SDPAOp>(
        rewriter.getFusedLoc(locs), merged, op.getQ(), op.getKt(), op.getV(), op.getMask(),
        op.getScaleAttr(), op.getCausalAttr(), AffineMapAttr::get(chain->second));
    rewriter.replaceAllUsesWith(chain->first, attention);
    return success();
  }
};

struct FuseGraphPass : tessel::impl::FuseGraphBase<FuseGraphPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseGelu, FuseNormalization, AbsorbNormAffine, FuseAttention,
                 ReadHeadsThroughLayouts, WriteHeadsThroughLayouts, FuseGroupNorm,
                 InstanceNormAsGroupNorm>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
