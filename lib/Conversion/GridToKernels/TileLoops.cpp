// Recognising a dispatch's tile loop: its shape and its units.
#include "TileLoops.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

bool tessel::lowering::hasTileLoop(grid::DispatchOp op) {
  return op.getBody()
      .walk([](Operation *nested) {
        return isa<grid::LoadOp, grid::LoadOneOfOp, grid::GatherOp, grid::GatherRowsOp,
                   grid::StoreOp, grid::ComputeOp>(nested)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}


/// Whether `unit` is the running core's `iv`-th unit: core_index linear * perCore + iv.
bool tessel::lowering::isUnitOfCore(Value unit, Value iv, int64_t perCore) {
  auto apply = unit.getDefiningOp<affine::AffineApplyOp>();
  if (!apply || apply.getAffineMap().getNumResults() != 1)
    return false;
  MLIRContext *ctx = unit.getContext();
  AffineExpr core = getAffineDimExpr(0, ctx), step = getAffineDimExpr(1, ctx);
  SmallVector<AffineExpr> operands;
  for (Value operand : apply.getMapOperands()) {
    auto index = operand.getDefiningOp<grid::CoreIndexOp>();
    if (index && index.getDim() == grid::CoreDim::linear)
      operands.push_back(core);
    else if (operand == iv)
      operands.push_back(step);
    else
      return false;
  }
  AffineMap map = apply.getAffineMap();
  AffineExpr expr = map.getResult(0).replaceDimsAndSymbols(
      ArrayRef(operands).take_front(map.getNumDims()),
      ArrayRef(operands).drop_front(map.getNumDims()));
  AffineExpr diff = simplifyAffineExpr(expr - (core * perCore + step), 2, 0);
  auto constant = dyn_cast<AffineConstantExpr>(diff);
  return constant && constant.getValue() == 0;
}

LogicalResult tessel::lowering::tileLoopError(grid::DispatchOp op, const Twine &why) {
  op.emitError() << "no kernels for this tile loop: " << why;
  return failure();
}

std::optional<int64_t> tessel::lowering::tripCount(scf::ForOp loop) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                         ub = getConstantIntValue(loop.getUpperBound()),
                         step = getConstantIntValue(loop.getStep());
  if (lb != 0 || step != 1 || !ub || *ub < 1)
    return std::nullopt;
  return ub;
}

TileGather tessel::lowering::tileGatherOf(grid::GatherOp gather) {
  AffineMap map = gather.getMap();
  TileGather g;
  g.inTile = map.getResult(0);
  g.inOffset = map.getResult(1);
  g.outside = map.getResult(2);
  g.runLength = gather.getRunLength();
  g.columns = gather.getColumns();
  g.fill = gather.getFill().convertToFloat();
  return g;
}
