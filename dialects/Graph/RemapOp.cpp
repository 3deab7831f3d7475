// graph.remap: its verifier, and the algebra that lets layout changes cancel. A convolution
// lowered channels-last leaves a remap to [N, C, H, W] after it and one back before the next
// convolution; composing the two, with their index ranges in mind, gives the identity.
#include "Graph/GraphOps.h"

#include "mlir/IR/PatternMatch.h"

#include <functional>

using namespace mlir;
using namespace tessel::graph;

static int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::optional<std::pair<int64_t, int64_t>>
tessel::graph::affineRange(AffineExpr expr, ArrayRef<int64_t> dimSizes) {
  using Range = std::pair<int64_t, int64_t>;
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return Range{c.getValue(), c.getValue()};
  if (auto d = dyn_cast<AffineDimExpr>(expr)) {
    if (d.getPosition() >= dimSizes.size() || dimSizes[d.getPosition()] < 1)
      return std::nullopt;
    return Range{0, dimSizes[d.getPosition()] - 1};
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return std::nullopt;
  std::optional<Range> l = affineRange(bin.getLHS(), dimSizes);
  std::optional<Range> r = affineRange(bin.getRHS(), dimSizes);
  if (!l || !r)
    return std::nullopt;
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return Range{l->first + r->first, l->second + r->second};
  case AffineExprKind::Mul: {
    int64_t a = l->first * r->first, b = l->first * r->second, c = l->second * r->first,
            d = l->second * r->second;
    return Range{std::min({a, b, c, d}), std::max({a, b, c, d})};
  }
  case AffineExprKind::FloorDiv:
  case AffineExprKind::CeilDiv: {
    if (r->first != r->second || r->first <= 0)
      return std::nullopt;
    int64_t k = r->first;
    if (expr.getKind() == AffineExprKind::FloorDiv)
      return Range{floorDiv(l->first, k), floorDiv(l->second, k)};
    return Range{-floorDiv(-l->first, k), -floorDiv(-l->second, k)};
  }
  case AffineExprKind::Mod: {
    if (r->first != r->second || r->first <= 0)
      return std::nullopt;
    int64_t k = r->first;
    if (floorDiv(l->first, k) == floorDiv(l->second, k))
      return Range{l->first - floorDiv(l->first, k) * k, l->second - floorDiv(l->first, k) * k};
    return Range{0, k - 1};
  }
  default:
    return std::nullopt;
  }
}

/// `term` as `base * coefficient` (a constant coefficient, 1 when there is none).
static std::pair<AffineExpr, int64_t> scaled(AffineExpr term) {
  if (term.getKind() == AffineExprKind::Mul) {
    auto bin = cast<AffineBinaryOpExpr>(term);
    if (auto k = dyn_cast<AffineConstantExpr>(bin.getRHS()))
      return {bin.getLHS(), k.getValue()};
  }
  return {term, 1};
}

/// Whether `f mod c` equals `e mod c` for every value: the same expression, or one of them
/// `g mod k` of the other with `c` dividing `k`.
static bool sameModulo(AffineExpr e, AffineExpr f, int64_t c) {
  if (e == f)
    return true;
  for (auto [outer, inner] : {std::pair(e, f), std::pair(f, e)})
    if (outer.getKind() == AffineExprKind::Mod) {
      auto bin = cast<AffineBinaryOpExpr>(outer);
      auto k = dyn_cast<AffineConstantExpr>(bin.getRHS());
      if (k && k.getValue() % c == 0 && bin.getLHS() == inner)
        return true;
    }
  return false;
}

/// A sum with `(e floordiv c) * (c * s)` and `(f mod c) * s` among its terms, where `f mod c`
/// is `e mod c`, has `e * s` in their place: how a flat index split into coordinates and joined
/// again (a layout change and its inverse) comes back to the index.
static AffineExpr recombineDivMod(AffineExpr sum) {
  SmallVector<AffineExpr> terms;
  std::function<void(AffineExpr)> flatten = [&](AffineExpr e) {
    if (e.getKind() == AffineExprKind::Add) {
      auto bin = cast<AffineBinaryOpExpr>(e);
      flatten(bin.getLHS());
      flatten(bin.getRHS());
    } else {
      terms.push_back(e);
    }
  };
  flatten(sum);
  bool changed = true, any = false;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < terms.size() && !changed; ++i) {
      auto [quotient, qScale] = scaled(terms[i]);
      if (quotient.getKind() != AffineExprKind::FloorDiv)
        continue;
      auto div = cast<AffineBinaryOpExpr>(quotient);
      auto c = dyn_cast<AffineConstantExpr>(div.getRHS());
      if (!c || c.getValue() <= 0 || qScale % c.getValue())
        continue;
      int64_t s = qScale / c.getValue();
      for (size_t j = 0; j < terms.size() && !changed; ++j) {
        auto [rest, rScale] = scaled(terms[j]);
        if (j == i || rScale != s || rest.getKind() != AffineExprKind::Mod)
          continue;
        auto mod = cast<AffineBinaryOpExpr>(rest);
        if (mod.getRHS() != div.getRHS() || !sameModulo(div.getLHS(), mod.getLHS(), c.getValue()))
          continue;
        terms[i] = div.getLHS() * s;
        terms.erase(terms.begin() + j);
        changed = any = true;
      }
    }
  }
  if (!any)
    return sum;
  AffineExpr result = getAffineConstantExpr(0, sum.getContext());
  for (AffineExpr t : terms)
    result = result + t;
  return result;
}

AffineExpr tessel::graph::simplifyOverRanges(AffineExpr expr, ArrayRef<int64_t> dimSizes) {
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin) {
    // A dim of size one is always 0.
    if (auto d = dyn_cast<AffineDimExpr>(expr))
      if (d.getPosition() < dimSizes.size() && dimSizes[d.getPosition()] == 1)
        return getAffineConstantExpr(0, expr.getContext());
    return expr;
  }
  AffineExpr lhs = simplifyOverRanges(bin.getLHS(), dimSizes);
  AffineExpr rhs = simplifyOverRanges(bin.getRHS(), dimSizes);
  auto k = dyn_cast<AffineConstantExpr>(rhs);
  std::optional<std::pair<int64_t, int64_t>> range = affineRange(lhs, dimSizes);
  if (k && k.getValue() > 0 && range &&
      (expr.getKind() == AffineExprKind::FloorDiv || expr.getKind() == AffineExprKind::Mod)) {
    int64_t q = floorDiv(range->first, k.getValue());
    if (q == floorDiv(range->second, k.getValue()))
      return expr.getKind() == AffineExprKind::FloorDiv ? getAffineConstantExpr(q, expr.getContext())
                                                        : lhs - q * k.getValue();
  }
  AffineExpr result;
  switch (expr.getKind()) {
  case AffineExprKind::Add: result = recombineDivMod(lhs + rhs); break;
  case AffineExprKind::Mul: result = lhs * rhs; break;
  case AffineExprKind::FloorDiv: result = lhs.floorDiv(rhs); break;
  case AffineExprKind::CeilDiv: result = lhs.ceilDiv(rhs); break;
  default: result = lhs % rhs; break;
  }
  return result;
}

SmallVector<int64_t> tessel::graph::rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

SmallVector<AffineExpr> tessel::graph::reshapeIndex(ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                                                   MLIRContext *ctx) {
  SmallVector<int64_t> outStrides = rowMajorStrides(out), inStrides = rowMajorStrides(in);
  // Linearize in units of whole rows when the last dim is kept, so that it maps onto itself.
  bool keepLast = !out.empty() && !in.empty() && out.back() == in.back();
  int64_t unit = keepLast ? out.back() : 1;
  size_t outDims = out.size() - (keepLast ? 1 : 0), inDims = in.size() - (keepLast ? 1 : 0);
  AffineExpr linear = getAffineConstantExpr(0, ctx);
  for (size_t k = 0; k < outDims; ++k)
    linear = linear + getAffineDimExpr(k, ctx) * (outStrides[k] / unit);
  SmallVector<AffineExpr> index;
  for (size_t k = 0; k < inDims; ++k)
    index.push_back(linear.floorDiv(inStrides[k] / unit) % in[k]);
  if (keepLast)
    index.push_back(getAffineDimExpr(out.size() - 1, ctx));
  return index;
}

AffineMap tessel::graph::simplifyOverRanges(ArrayRef<AffineExpr> exprs, ArrayRef<int64_t> dimSizes,
                                            MLIRContext *ctx) {
  SmallVector<AffineExpr> results;
  for (AffineExpr e : exprs)
    results.push_back(simplifyOverRanges(e, dimSizes));
  return AffineMap::get(dimSizes.size(), 0, results, ctx);
}

/// Whether every result `k` of `map` stays in `[0, bounds[k])` over the output `shape`.
static bool staysWithin(AffineMap map, ArrayRef<int64_t> shape, ArrayRef<int64_t> bounds) {
  for (auto [expr, bound] : llvm::zip(map.getResults(), bounds)) {
    std::optional<std::pair<int64_t, int64_t>> r = affineRange(expr, shape);
    if (!r || r->first < 0 || r->second >= bound)
      return false;
  }
  return true;
}

bool RemapOp::readsPadding() {
  return getGuards() || !staysWithin(getMap(), getType().getShape(), getInput().getType().getShape());
}

LogicalResult RemapOp::verify() {
  AffineMap map = getMap();
  if (map.getNumDims() != (unsigned)getType().getRank() || map.getNumSymbols() != 0 ||
      map.getNumResults() != (unsigned)getInput().getType().getRank())
    return emitOpError() << "map " << getMapAttr() << " must take the result's "
                         << getType().getRank() << " dims to the input's "
                         << getInput().getType().getRank();
  if (getInput().getType().getElementType() != getType().getElementType())
    return emitOpError("element type changes");
  if (bool(getGuards()) != bool(getGuardBounds()))
    return emitOpError("guards and guard_bounds come together");
  if (std::optional<AffineMap> guards = getGuards()) {
    if (guards->getNumDims() != (unsigned)getType().getRank() || guards->getNumSymbols() != 0)
      return emitOpError() << "guards must take the result's " << getType().getRank() << " dims";
    if (guards->getNumResults() != getGuardBounds()->size())
      return emitOpError() << "has " << guards->getNumResults() << " guards but "
                           << getGuardBounds()->size() << " guard bounds";
    if (llvm::any_of(*getGuardBounds(), [](int64_t b) { return b < 1; }))
      return emitOpError("guard bounds must be positive");
  }
  return success();
}

OpFoldResult RemapOp::fold(FoldAdaptor) {
  if (getGuards() || getInput().getType() != getType())
    return {};
  ArrayRef<int64_t> shape = getType().getShape();
  for (auto [k, expr] : llvm::enumerate(getMap().getResults())) {
    // Upstream's flattening knows (d floordiv k) * k + d mod k = d; it is kept out of the maps
    // themselves, where it would turn `d mod k` into `d - (d floordiv k) * k`.
    AffineExpr e = simplifyAffineExpr(simplifyOverRanges(expr, shape), shape.size(), 0);
    bool same = e == getAffineDimExpr(k, getContext()) ||
                (shape[k] == 1 && e == getAffineConstantExpr(0, getContext()));
    if (!same)
      return {};
  }
  return getInput();
}

namespace {

/// remap(remap(x, inner), outer) -> remap(x, inner o outer), when one of the two never reads
/// padding: what remains is the other's padding, and its guards over the output's dims. Not
/// when the composed remap would move shorter runs of values than the outer one and read more
/// values than the inner one's input holds.
struct ComposeRemaps : OpRewritePattern<RemapOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RemapOp outer, PatternRewriter &rewriter) const override {
    auto inner = outer.getInput().getDefiningOp<RemapOp>();
    if (!inner)
      return failure();
    ArrayRef<int64_t> shape = outer.getType().getShape();
    auto simplified = [&](AffineMap m) {
      return simplifyOverRanges(m.getResults(), shape, getContext());
    };
    AffineMap map = simplified(inner.getMap().compose(outer.getMap()));
    SmallVector<AffineExpr> guards;
    SmallVector<int64_t> bounds;
    FloatAttr padding;
    if (!outer.readsPadding()) {
      padding = inner.getPaddingAttr();
      if (std::optional<AffineMap> g = inner.getGuards()) {
        llvm::append_range(guards, simplified(g->compose(outer.getMap())).getResults());
        llvm::append_range(bounds, *inner.getGuardBounds());
      }
    } else if (!inner.readsPadding()) {
      padding = outer.getPaddingAttr();
      if (std::optional<AffineMap> g = outer.getGuards()) {
        llvm::append_range(guards, g->getResults());
        llvm::append_range(bounds, *outer.getGuardBounds());
      }
      // The outer map's own bounds, which the composed map no longer checks.
      ArrayRef<int64_t> middle = inner.getType().getShape();
      for (auto [expr, bound] : llvm::zip(outer.getMap().getResults(), middle)) {
        std::optional<std::pair<int64_t, int64_t>> r = affineRange(expr, shape);
        if (r && r->first >= 0 && r->second < bound)
          continue;
        guards.push_back(expr);
        bounds.push_back(bound);
      }
    } else {
      return failure();
    }
    // A layout written once can be worth keeping: the windows of a convolution gather runs of
    // its rows of channels, where straight from [N, C, H, W] they would move value by value,
    // once per tap.
    auto input = cast<RankedTensorType>(inner.getInput().getType());
    if (outer.getType().getNumElements() > input.getNumElements() &&
        gatherRunLength(shape, input.getShape(), map.getResults(), guards, bounds) <
            gatherRunLength(outer))
      return failure();
    AffineMapAttr guardsAttr;
    DenseI64ArrayAttr boundsAttr;
    if (!guards.empty()) {
      guardsAttr = AffineMapAttr::get(AffineMap::get(shape.size(), 0, guards, getContext()));
      boundsAttr = rewriter.getDenseI64ArrayAttr(bounds);
    }
    rewriter.replaceOpWithNewOp<RemapOp>(outer, outer.getType(), inner.getInput(),
                                         AffineMapAttr::get(map), padding, guardsAttr, boundsAttr);
    return success();
  }
};

/// reshape(remap(x)) -> remap(x): a reshape reads no padding, so the remap's padding and guards
/// carry over.
struct ReshapeOfRemap : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<RemapOp>();
    if (!inner)
      return failure();
    ArrayRef<int64_t> shape = op.getType().getShape();
    AffineMap reshape = AffineMap::get(
        shape.size(), 0, reshapeIndex(inner.getType().getShape(), shape, getContext()),
        getContext());
    auto composed = [&](AffineMap m) {
      return AffineMapAttr::get(
          simplifyOverRanges(m.compose(reshape).getResults(), shape, getContext()));
    };
    AffineMapAttr guards;
    if (std::optional<AffineMap> g = inner.getGuards())
      guards = composed(*g);
    rewriter.replaceOpWithNewOp<RemapOp>(op, op.getType(), inner.getInput(),
                                         composed(inner.getMap()), inner.getPaddingAttr(), guards,
                                         inner.getGuardBoundsAttr());
    return success();
  }
};

} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results, MLIRContext *context) {
  results.add<ReshapeOfRemap>(context);
}

void RemapOp::getCanonicalizationPatterns(RewritePatternSet &results, MLIRContext *context) {
  results.add<ComposeRemaps>(context);
}
