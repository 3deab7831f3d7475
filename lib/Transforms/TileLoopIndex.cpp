// Reading the indices of a dispatch's tile loop.
#include "tessel/Transforms/TileLoopIndex.h"

#include "Graph/GraphOps.h"
#include "Grid/GridOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace tessel;

AffineExpr tessel::affineExprOf(Value v, function_ref<AffineExpr(Value)> leaf) {
  if (AffineExpr e = leaf(v))
    return e;
  if (std::optional<int64_t> constant = getConstantIntValue(v))
    return getAffineConstantExpr(*constant, v.getContext());
  auto apply = v.getDefiningOp<affine::AffineApplyOp>();
  if (!apply || apply.getAffineMap().getNumResults() != 1)
    return AffineExpr();
  SmallVector<AffineExpr> dims;
  for (Value operand : apply.getMapOperands()) {
    dims.push_back(affineExprOf(operand, leaf));
    if (!dims.back())
      return AffineExpr();
  }
  return apply.getAffineMap().getResult(0).replaceDims(dims);
}

AffineExpr tessel::indexExpr(Value v, Value iv, Value step) {
  MLIRContext *ctx = v.getContext();
  // A core index other than the linear one is not an index of the loop's dims: none of them.
  bool otherCore = false;
  AffineExpr e = affineExprOf(v, [&](Value leaf) {
    if (leaf == iv)
      return getAffineDimExpr(1, ctx);
    if (leaf == step)
      return getAffineDimExpr(2, ctx);
    if (auto core = leaf.getDefiningOp<grid::CoreIndexOp>()) {
      otherCore |= core.getDim() != grid::CoreDim::linear;
      return getAffineDimExpr(0, ctx);
    }
    return AffineExpr();
  });
  return otherCore ? AffineExpr() : e;
}

bool tessel::agreeOver(AffineExpr a, AffineExpr b, ArrayRef<int64_t> sizes) {
  if (!a || !b)
    return false;
  AffineExpr diff = simplifyAffineExpr(a - b, sizes.size(), 0);
  diff = simplifyAffineExpr(graph::simplifyOverRanges(diff, sizes), sizes.size(), 0);
  auto constant = dyn_cast<AffineConstantExpr>(diff);
  return constant && constant.getValue() == 0;
}

bool tessel::isUnitOfCore(Value unit, Value iv, int64_t perCore) {
  AffineExpr expr = indexExpr(unit, iv, Value());
  if (!expr)
    return false;
  MLIRContext *ctx = unit.getContext();
  // The counter of a loop of one trip is 0 (canonicalization may have folded it away).
  AffineExpr core = getAffineDimExpr(0, ctx),
             step = perCore == 1 ? getAffineConstantExpr(0, ctx) : getAffineDimExpr(1, ctx);
  AffineExpr diff = simplifyAffineExpr(expr.replaceDims({core, step}) - (core * perCore + step),
                                       2, 0);
  auto constant = dyn_cast<AffineConstantExpr>(diff);
  return constant && constant.getValue() == 0;
}

std::optional<int64_t> tessel::tripCount(scf::ForOp loop) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                         ub = getConstantIntValue(loop.getUpperBound()),
                         step = getConstantIntValue(loop.getStep());
  if (lb != 0 || step != 1 || !ub || *ub < 1)
    return std::nullopt;
  return ub;
}
