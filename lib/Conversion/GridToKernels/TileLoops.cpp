// Recognising a dispatch's tile loop: its shape and its units.
#include "TileLoops.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

bool tessel::lowering::hasTileLoop(grid::DispatchOp op) {
  return op.getBody()
      .walk([](Operation *nested) {
        return isa<grid::LoadOp, grid::LoadOneOfOp, grid::LoadRowOp, grid::GatherOp,
                   grid::GatherRowsOp, grid::StoreOp, grid::ComputeOp>(nested)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}


LogicalResult tessel::lowering::tileLoopError(grid::DispatchOp op, const Twine &why) {
  op.emitError() << "no kernels for this tile loop: " << why;
  return failure();
}

bool tessel::lowering::recomputable(Value v, ArrayRef<Value> counters) {
  if (llvm::is_contained(counters, v))
    return true;
  Operation *def = v.getDefiningOp();
  if (auto core = dyn_cast_or_null<grid::CoreIndexOp>(def))
    return core.getDim() == grid::CoreDim::linear;
  return def && isPure(def) && def->getNumRegions() == 0 &&
         llvm::all_of(def->getOperands(), [&](Value o) { return recomputable(o, counters); });
}

Value tessel::lowering::recomputeIndex(DispatchBuilder &db, Value v, IRMapping &m) {
  if (Value mapped = m.lookupOrNull(v))
    return mapped;
  Operation *def = v.getDefiningOp();
  if (auto core = dyn_cast_or_null<grid::CoreIndexOp>(def);
      core && core.getDim() == grid::CoreDim::linear) {
    m.map(v, db.core());
    return db.core();
  }
  assert(def && "the matcher checked that the kernels can compute the index");
  for (Value operand : def->getOperands())
    recomputeIndex(db, operand, m);
  db.builder().clone(*def, m);
  return m.lookup(v);
}

SmallVector<Operation *> tessel::lowering::mathOf(Block &body) {
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    if (!isa<arith::ConstantOp>(op))
      ops.push_back(&op);
  return ops;
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

/// An scf.for of one trip at `b`'s insertion point, carrying `inits`, with an empty body;
/// `ops` move into it in their order.
static scf::ForOp oneTripLoop(OpBuilder &b, Location loc, ValueRange inits,
                              ArrayRef<Operation *> ops) {
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  auto loop = b.create<scf::ForOp>(loc, zero, one, one, inits);
  Block *body = loop.getBody();
  if (body->mightHaveTerminator())
    body->getTerminator()->erase();
  for (Operation *op : ops)
    op->moveBefore(body, body->end());
  return loop;
}

void tessel::lowering::restoreFoldedLoops(grid::DispatchOp op) {
  Block &body = op.getBody().front();
  OpBuilder b(op.getContext());
  // The loop over the units: one trip, folded away, leaves the stores in the body (or a row
  // loop's rows read at the unit, not at a constant as the rows all units share).
  auto unitRow = [](grid::LoadRowOp row) { return !getConstantIntValue(row.getUnit()); };
  if (!body.getOps<grid::StoreOp>().empty() ||
      llvm::any_of(body.getOps<grid::LoadRowOp>(), unitRow)) {
    SmallVector<Operation *> unitOps;
    for (Operation &nested : body) {
      auto row = dyn_cast<grid::LoadRowOp>(nested);
      if (!isa<grid::CoreIndexOp, arith::ConstantOp>(nested) && !(row && !unitRow(row)))
        unitOps.push_back(&nested);
    }
    b.setInsertionPoint(unitOps.front());
    scf::ForOp units = oneTripLoop(b, op.getLoc(), {}, unitOps);
    b.setInsertionPointToEnd(units.getBody());
    b.create<scf::YieldOp>(op.getLoc());
  }
  // A reduction's loop of steps: one trip, folded away, leaves a grid.compute that folds into
  // the accumulator between the one that starts it (no tiles) and the one that finishes it.
  op.getBody().walk([&](scf::ForOp units) {
    if (!units.getBody()->getOps<scf::ForOp>().empty())
      return;
    SmallVector<grid::ComputeOp> computes(units.getBody()->getOps<grid::ComputeOp>());
    if (computes.size() != 3 || !computes[0].getInputs().empty())
      return;
    grid::ComputeOp init = computes[0], step = computes[1], finish = computes[2];
    if (step.getInputs().empty() || step.getInputs().front() != init.getResult() ||
        finish.getInputs().empty() || finish.getInputs().front() != step.getResult() ||
        step.getIndices().size() != 2 || !step.getResult().hasOneUse())
      return;
    // The step's reads and the index arithmetic only they use go into the loop with it.
    llvm::SetVector<Operation *> stepOps;
    std::function<void(Value)> take = [&](Value v) {
      Operation *def = v.getDefiningOp();
      if (!def || def->getBlock() != units.getBody() || isa<arith::ConstantOp>(def) ||
          !llvm::all_of(def->getUsers(), [&](Operation *user) {
            return stepOps.contains(user) || user == step.getOperation();
          }))
        return;
      if (!isa<grid::LoadOp, grid::GatherOp, affine::AffineApplyOp>(def))
        return;
      stepOps.insert(def);
      for (Value operand : def->getOperands())
        take(operand);
    };
    for (Value in : step.getInputs().drop_front())
      take(in);
    stepOps.insert(step);
    Operation *first = step;
    for (Operation *nested : stepOps)
      if (nested->isBeforeInBlock(first))
        first = nested;
    b.setInsertionPoint(first);
    Location loc = step.getLoc();
    SmallVector<Operation *> ordered(stepOps.begin(), stepOps.end());
    llvm::sort(ordered, [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); });
    auto steps = oneTripLoop(b, loc, ValueRange{init.getResult()}, ordered);
    Block *loopBody = steps.getBody();
    b.setInsertionPointToEnd(loopBody);
    b.create<scf::YieldOp>(loc, step.getResult());
    step.getResult().replaceAllUsesExcept(steps.getResult(0), loopBody->getTerminator());
    step->setOperand(0, steps.getRegionIterArgs().front());
    // The step index folded to 0: it is the loop's counter again.
    step.getIndicesMutable()[1].set(steps.getInductionVar());
  });
}
