#include "tessel/Transforms/AbsorbedRemaps.h"

using namespace mlir;

using namespace tessel;

bool tessel::absorbableIntoReduce(graph::RemapOp op) {
  return graph::gatherRunLength(op) >= kMinAbsorbedRun;
}

bool tessel::absorbableIntoMatmul(graph::RemapOp op) {
  return (!op.readsPadding() || op.getPadding().isZero()) && absorbableIntoReduce(op);
}

std::optional<bool> tessel::wholeTileView(graph::RemapOp op) {
  if (op.readsPadding() || op.getGuards())
    return std::nullopt;
  return wholeTileView(op.getMap(), op.getType().getShape(), op.getInput().getType().getShape());
}

std::optional<bool> tessel::wholeTileView(AffineMap map, ArrayRef<int64_t> out,
                                          ArrayRef<int64_t> in) {
  int64_t rank = out.size(), inRank = in.size();
  if (rank < 2 || inRank < 2)
    return std::nullopt;
  ArrayRef<AffineExpr> exprs = map.getResults();
  unsigned m = rank - 2, n = rank - 1;
  auto onTiles = [&](AffineExpr e) { return e.isFunctionOfDim(m) || e.isFunctionOfDim(n); };
  if (llvm::any_of(exprs.drop_back(2), onTiles))
    return std::nullopt;
  MLIRContext *ctx = map.getContext();
  // Input dim `inDim` read as result dim `outDim` shifted by whole tiles.
  auto shifted = [&](unsigned inDim, unsigned outDim) {
    AffineExpr shift = simplifyAffineExpr(exprs[inDim] - getAffineDimExpr(outDim, ctx), rank, 0);
    if (onTiles(shift) || simplifyAffineExpr(shift % 32, rank, 0) != getAffineConstantExpr(0, ctx))
      return false;
    bool unshifted = shift == getAffineConstantExpr(0, ctx);
    return out[outDim] % 32 == 0 || (unshifted && in[inDim] == out[outDim]);
  };
  unsigned r = inRank - 2, c = inRank - 1;
  if (shifted(r, m) && shifted(c, n))
    return false;
  if (shifted(r, n) && shifted(c, m))
    return true;
  return std::nullopt;
}

bool tessel::attentionReadsThrough(OpOperand &use) {
  auto sdpa = dyn_cast<graph::SDPAOp>(use.getOwner());
  auto remap = use.get().getDefiningOp<graph::RemapOp>();
  if (!sdpa || !remap || use.getOperandNumber() > 2)
    return false;
  std::optional<bool> transposed = wholeTileView(remap);
  return transposed && (!*transposed || use.get() == sdpa.getKt());
}

/// `e` as sum(coefficients[d] * d) + constant, when it is that linear.
static bool linearTerms(AffineExpr e, SmallVectorImpl<int64_t> &coefficients, int64_t &constant,
                        int64_t factor = 1) {
  if (auto c = dyn_cast<AffineConstantExpr>(e)) {
    constant += factor * c.getValue();
    return true;
  }
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    coefficients[d.getPosition()] += factor;
    return true;
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return false;
  if (bin.getKind() == AffineExprKind::Add)
    return linearTerms(bin.getLHS(), coefficients, constant, factor) &&
           linearTerms(bin.getRHS(), coefficients, constant, factor);
  if (bin.getKind() == AffineExprKind::Mul)
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
      return linearTerms(bin.getLHS(), coefficients, constant, factor * c.getValue());
  return false;
}

/// `e` with each floordiv and mod by a constant D of a linear expression split into its terms
/// that are multiples of D and the rest, when the rest stays in [0, D) while each dim d ranges
/// over [0, sizes[d]): a reshape's linearised index, (b * S * H + s * H + i * dh + d) floordiv H
/// mod S, becomes s.
static AffineExpr splitDivMod(AffineExpr e, ArrayRef<int64_t> sizes) {
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return e;
  AffineExpr lhs = splitDivMod(bin.getLHS(), sizes), rhs = splitDivMod(bin.getRHS(), sizes);
  auto divisor = dyn_cast<AffineConstantExpr>(rhs);
  bool divMod = bin.getKind() == AffineExprKind::FloorDiv || bin.getKind() == AffineExprKind::Mod;
  SmallVector<int64_t> coefficients(sizes.size(), 0);
  int64_t constant = 0;
  if (!divMod || !divisor || divisor.getValue() <= 0 || !linearTerms(lhs, coefficients, constant))
    return getAffineBinaryOpExpr(bin.getKind(), lhs, rhs);
  int64_t den = divisor.getValue();
  MLIRContext *ctx = e.getContext();
  AffineExpr quotient = getAffineConstantExpr(llvm::divideFloorSigned(constant, den), ctx);
  int64_t low = llvm::mod(constant, den), high = low;
  AffineExpr rest = getAffineConstantExpr(low, ctx);
  for (auto [d, c] : llvm::enumerate(coefficients)) {
    if (c == 0)
      continue;
    AffineExpr dim = getAffineDimExpr(d, ctx);
    if (c % den == 0) {
      quotient = quotient + dim * (c / den);
      continue;
    }
    rest = rest + dim * c;
    (c > 0 ? high : low) += c * (sizes[d] - 1);
  }
  if (low < 0 || high >= den)
    return getAffineBinaryOpExpr(bin.getKind(), lhs, rhs);
  return bin.getKind() == AffineExprKind::FloorDiv ? quotient : rest;
}

std::optional<std::pair<Value, AffineMap>> tessel::layoutChain(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  AffineMap map = AffineMap::getMultiDimIdentityMap(type.getRank(), v.getContext());
  bool moved = false;
  while (Operation *def = v.getDefiningOp()) {
    AffineMap step;
    Value input;
    if (auto t = dyn_cast<graph::TransposeOp>(def)) {
      SmallVector<AffineExpr> index(t.getPerm().size());
      for (auto [j, p] : llvm::enumerate(t.getPerm()))
        index[p] = getAffineDimExpr(j, v.getContext());
      step = AffineMap::get(index.size(), 0, index, v.getContext());
      input = t.getInput();
    } else if (auto r = dyn_cast<graph::ReshapeOp>(def)) {
      ArrayRef<int64_t> outShape = r.getType().getShape();
      step = AffineMap::get(outShape.size(), 0,
                            graph::reshapeIndex(r.getInput().getType().getShape(), outShape,
                                                v.getContext()),
                            v.getContext());
      input = r.getInput();
    } else if (auto rm = dyn_cast<graph::RemapOp>(def); rm && !rm.readsPadding() && !rm.getGuards()) {
      step = rm.getMap();
      input = rm.getInput();
    } else {
      break;
    }
    SmallVector<AffineExpr> exprs;
    for (AffineExpr e : step.compose(map).getResults())
      exprs.push_back(splitDivMod(e, type.getShape()));
    map = graph::simplifyOverRanges(exprs, type.getShape(), v.getContext());
    v = input;
    moved = true;
  }
  if (!moved)
    return std::nullopt;
  return std::pair(v, map);
}
