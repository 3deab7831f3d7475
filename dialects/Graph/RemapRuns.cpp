//===- RemapRuns.cpp - How many values a gather moves per request ---------===//
//
// A gather (graph.remap, graph.reshape) assembles each output tile from input values. It moves
// consecutive columns of an output tile row with one request when they come from consecutive
// columns of one input tile row. The gather kernel, a matmul reader that absorbs a remap
// (implicit GEMM), the cost model and the composition of remaps all go by that run length.
//
//===----------------------------------------------------------------------===//
#include "GraphOps.h"

using namespace mlir;
using namespace tessel;

namespace {
/// How an index expression varies along a run of `length` output columns starting at a multiple
/// of `length`: not at all, by one per column from a multiple of `length`, or otherwise.
enum class RunShape { Fixed, Aligned, Other };
} // namespace

/// The RunShape of `e` in `col`, the last output dim, for runs of `length` (a power of two):
/// `col floordiv K` is fixed along the run and `col mod K` aligned, for K a multiple of `length`.
static RunShape runShape(AffineExpr e, AffineExpr col, int64_t length) {
  if (e == col)
    return RunShape::Aligned;
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return RunShape::Fixed;
  RunShape l = runShape(bin.getLHS(), col, length), r = runShape(bin.getRHS(), col, length);
  if (l == RunShape::Fixed && r == RunShape::Fixed)
    return RunShape::Fixed;
  if (l == RunShape::Other || r == RunShape::Other)
    return RunShape::Other;
  auto k = dyn_cast<AffineConstantExpr>(bin.getRHS());
  bool blockDivisor = k && k.getValue() > 0 && k.getValue() % length == 0;
  switch (e.getKind()) {
  case AffineExprKind::Add: {
    // Aligned plus a fixed multiple of the length.
    if (l == RunShape::Aligned && r == RunShape::Aligned)
      return RunShape::Other;
    AffineExpr fixed = l == RunShape::Fixed ? bin.getLHS() : bin.getRHS();
    return fixed.getLargestKnownDivisor() % length == 0 ? RunShape::Aligned : RunShape::Other;
  }
  case AffineExprKind::Mul:
    return k && k.getValue() == 1 ? RunShape::Aligned : RunShape::Other;
  case AffineExprKind::FloorDiv:
    return blockDivisor ? RunShape::Fixed : RunShape::Other;
  case AffineExprKind::Mod:
    return blockDivisor ? RunShape::Aligned : RunShape::Other;
  default:
    return RunShape::Other;
  }
}

int64_t tessel::graph::gatherRunLength(ArrayRef<int64_t> outShape, ArrayRef<int64_t> inShape,
                                ArrayRef<AffineExpr> inputIndex, ArrayRef<AffineExpr> guards,
                                ArrayRef<int64_t> guardBounds) {
  int64_t outRank = outShape.size(), inRank = inShape.size();
  if (!outRank || !inRank || inputIndex.empty())
    return 1;
  AffineExpr lastOut = getAffineDimExpr(outRank - 1, inputIndex.front().getContext());
  // The last dim maps onto itself: rows of 32 values keep their columns.
  bool rowSpans = outShape.back() == inShape.back() && inputIndex.back() == lastOut;
  for (int64_t k = 0; rowSpans && k + 1 < inRank; ++k)
    rowSpans = !inputIndex[k].isFunctionOfDim(outRank - 1);
  for (AffineExpr g : guards)
    rowSpans = rowSpans && !g.isFunctionOfDim(outRank - 1);
  if (rowSpans)
    return 32;
  for (int64_t length = 32; length > 1; length /= 2) {
    if (outShape.back() % length || inShape.back() % length)
      continue;
    bool runs = runShape(inputIndex.back(), lastOut, length) == RunShape::Aligned;
    for (AffineExpr e : inputIndex.drop_back())
      runs = runs && runShape(e, lastOut, length) == RunShape::Fixed;
    for (auto [k, g] : llvm::enumerate(guards)) {
      RunShape shape = runShape(g, lastOut, length);
      runs = runs && (shape == RunShape::Fixed ||
                      (shape == RunShape::Aligned && k < guardBounds.size() &&
                       guardBounds[k] % length == 0));
    }
    if (runs)
      return length;
  }
  return 1;
}

int64_t tessel::graph::gatherRunLength(graph::RemapOp op) {
  return gatherRunLength(op.getType().getShape(), op.getInput().getType().getShape(),
                         op.getMap().getResults(), op.getGuardExprs(),
                         op.getGuardBounds().value_or(ArrayRef<int64_t>()));
}
