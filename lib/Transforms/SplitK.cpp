#include "tessel/Transforms/SplitK.h"

#include "Grid/GridDialect.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/runtime/TileCosts.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace tessel;

bool tessel::splittable(graph::MatMulOp op) {
  ArrayRef<int64_t> out = op.getType().getShape(), lhs = op.getLhs().getType().getShape();
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  // The reader gathers the split lhs, which it cannot do from block-float tiles (noc.read_span).
  grid::LayoutAttr lhsLayout = grid::getLayout(op.getLhs().getType());
  if (lhsLayout && tile::isBlockFloat(lhsLayout.getFormat()))
    return false;
  return out.size() == 4 && out[0] == 1 && out[1] == 1 && lhs.back() % 32 == 0 &&
         rhsType.getRank() == 3 && rhsType.getDimSize(0) == 1 && !op.getResidual() &&
         op.getRhs().getDefiningOp<graph::ConstantOp>();
}

double tessel::splitReduceCycles(const rt::ChipDesc &chip, const cost::MatmulProblem &p,
                                 int64_t splits, double gap) {
  // The reduce is a dispatch of its own, started after the partial products. Every core sums
  // its share of the output tiles: it reads `splits` partial tiles each (over the NoC, the
  // round trip paid once per tile as reads overlap), adds them, applies the epilogue (a ReLU
  // on the SFPU: the reduce's packer does not take it) and writes the sum.
  int64_t cores = int64_t(chip.gridX) * chip.gridY;
  int64_t tiles = (p.mt * p.nt + cores - 1) / cores;
  double tile = double(rt::tileBytes(p.out));
  double perTile = double(splits) * (tile / chip.nocFlitBytes +
                                     rt::binaryCycles(chip, rt::BinaryOp::Add, p.out, p.out,
                                                      p.fidelity)) +
                   p.epilogueCycles +
                   (p.packerRelu ? rt::unaryCycles(chip, rt::UnaryOp::Relu) : 0) +
                   tile / chip.nocFlitBytes;
  return gap + double(chip.dramLatencyCycles) + 4.0 * chip.nocHopCycles +
         tiles * perTile;
}

graph::MatMulOp tessel::splitK(graph::MatMulOp op, int64_t splits, grid::MemorySpace partials) {
  OpBuilder b(op);
  Operation *prev = op->getPrevNode();
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  auto outType = cast<RankedTensorType>(op.getType());
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  int64_t m = outType.getDimSize(2), n = outType.getDimSize(3), k = lhsType.getDimSize(3);
  int64_t part = k / splits;
  auto typed = [&](ArrayRef<int64_t> shape, RankedTensorType like) {
    return RankedTensorType::get(shape, like.getElementType(), like.getEncoding());
  };

  // The lhs as [1, S, M, K/S]: (a, s, i, j) reads (a, 0, i, s * K/S + j). Over a remap (a
  // convolution's windows) the two compose, so the reader still gathers from the image.
  AffineExpr d0, d1, d2, d3;
  bindDims(ctx, d0, d1, d2, d3);
  auto split = AffineMap::get(4, 0, {d0, getAffineConstantExpr(0, ctx), d2, d1 * part + d3}, ctx);
  // Over a remap, the split replaces it and lives where it did (a gathered one is never written
  // and names DRAM); otherwise the matmul's reader gathers it, so it names no memory of its own.
  grid::LayoutAttr lhsLayout = grid::getLayout(lhsType);
  auto windows = op.getLhs().getDefiningOp<graph::RemapOp>();
  RankedTensorType lhsSplitType =
      withMemory(typed({1, splits, m, part}, lhsType),
                 windows && lhsLayout ? lhsLayout.getMemory() : grid::MemorySpace::dram);
  Value lhs;
  if (windows) {
    std::optional<AffineMap> guards = windows.getGuards();
    lhs = b.create<graph::RemapOp>(
        loc, lhsSplitType, windows.getInput(),
        AffineMapAttr::get(windows.getMap().compose(split)), windows.getPaddingAttr(),
        guards ? AffineMapAttr::get(guards->compose(split)) : AffineMapAttr(),
        windows.getGuardBoundsAttr());
  } else {
    lhs = b.create<graph::RemapOp>(loc, lhsSplitType, op.getLhs(), AffineMapAttr::get(split),
                                   b.getF32FloatAttr(0));
  }

  // The weights [1, K, N] as [S, K/S, N]: the same values in the same order.
  auto weights = op.getRhs().getDefiningOp<graph::ConstantOp>();
  std::vector<float> values = *graph::readF32Elements(weights.getValue());
  auto plain = RankedTensorType::get({splits, part, n}, rhsType.getElementType());
  Value rhs = b.create<graph::ConstantOp>(loc, typed({splits, part, n}, rhsType),
                                          graph::makeF32Elements(plain, values));

  RankedTensorType partialType =
      withMemory(typed({1, splits, m, n}, outType), partials);
  auto partial = b.create<graph::MatMulOp>(loc, partialType, lhs, rhs);
  auto reduce = b.create<graph::ReduceOp>(
      loc, outType, graph::ReduceKindAttr::get(ctx, graph::ReduceKind::sum), partial.getResult(),
      Value(), op.getBias(), b.getDenseI64ArrayAttr({1}), op.getActivationAttr(),
      op.getAlphaAttr(), op.getBetaAttr());
  grid::inheritComputeConfig(op, prev);
  Operation *oldLhs = op.getLhs().getDefiningOp();
  op.replaceAllUsesWith(reduce.getResult());
  op.erase();
  if (oldLhs && oldLhs->use_empty())
    oldLhs->erase();
  if (weights->use_empty())
    weights->erase();
  return partial;
}
