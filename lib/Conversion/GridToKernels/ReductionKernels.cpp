// A reduction's tile loop as kernels. In the loop the accumulator is a tile value that each
// step's grid.compute copies into Dst[0], folds a tile into and packs again; the kernels keep it
// in Dst from the first step to the finish instead, so those copies and packs are not emitted.
#include "TileLoops.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

/// Whether `body` starts (after its constants) by copying its accumulator, its first argument
/// and used nowhere else, into Dst[0].
static bool copiesAccumulatorFirst(Block &body) {
  BlockArgument acc = body.getArgument(0);
  for (Operation &op : body) {
    if (isa<arith::ConstantOp>(op))
      continue;
    auto copy = dyn_cast<tile::CopyOp>(op);
    return copy && copy.getInput() == acc && acc.hasOneUse() &&
           getConstantIntValue(copy.getDst()) == 0;
  }
  return false;
}

/// Whether `compute` yields the pack of Dst[0].
static bool yieldsDst0(grid::ComputeOp compute) {
  auto yield = cast<grid::YieldOp>(compute.getBody().front().getTerminator());
  auto pack = yield.getValue().getDefiningOp<tile::PackOp>();
  return pack && getConstantIntValue(pack.getDst()) == 0;
}

/// Whether `tiles` are the results of `reads`, in order.
static bool readsInOrder(ValueRange tiles, ArrayRef<Operation *> reads) {
  return tiles.size() == reads.size() &&
         llvm::all_of(llvm::zip(tiles, reads), [](auto pair) {
           return std::get<0>(pair).getDefiningOp() == std::get<1>(pair);
         });
}

FailureOr<ReductionLoop> tessel::lowering::matchReductionLoop(grid::DispatchOp op,
                                                              scf::ForOp units, int64_t perCore) {
  auto fail = [&](const Twine &why) { return tileLoopError(op, "reduction: " + why); };
  ReductionLoop r;
  r.units = units;
  r.perCore = perCore;
  Block &dispatchBody = op.getBody().front();
  auto isInput = [&](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == &dispatchBody && arg.getArgNumber() < op.getInputs().size();
  };
  for (Operation &nested : units.getBody()->without_terminator()) {
    if (auto load = dyn_cast<grid::LoadOp>(nested)) {
      if (r.steps || !isInput(load.getSource()))
        return fail("a unit's reads come before its steps and read inputs");
      r.unitReads.push_back(load);
    } else if (auto compute = dyn_cast<grid::ComputeOp>(nested)) {
      grid::ComputeOp &slot = r.steps ? r.finish : r.init;
      if (slot)
        return fail("one grid.compute starts the accumulator and one finishes it");
      slot = compute;
    } else if (auto loop = dyn_cast<scf::ForOp>(nested)) {
      if (r.steps)
        return fail("one loop of steps per unit");
      r.steps = loop;
    } else if (auto store = dyn_cast<grid::StoreOp>(nested)) {
      r.store = store;
    } else if (!isPure(&nested)) {
      return fail(Twine("'") + nested.getName().getStringRef() + "' in the unit loop");
    }
  }
  if (!r.init || !r.steps || !r.finish || !r.store)
    return fail("a unit starts an accumulator, folds its steps into it, finishes and stores it");
  std::optional<int64_t> stepCount = tripCount(r.steps);
  if (!stepCount || r.steps.getNumRegionIterArgs() != 1 ||
      r.steps.getInitArgs().front() != r.init.getResult())
    return fail("the steps run from 0 by 1 to a constant, carrying the accumulator");
  r.stepCount = *stepCount;
  r.unit = r.store.getUnit();
  if (!isUnitOfCore(r.unit, units.getInductionVar(), perCore))
    return fail("the store's unit is not the core's unit");
  if (!r.init.getInputs().empty() || r.init.getIndices() != ValueRange(r.unit))
    return fail("the accumulator starts from no tile, at the unit");

  Value acc = r.steps.getRegionIterArgs().front();
  for (Operation &nested : r.steps.getBody()->without_terminator()) {
    if (isa<grid::LoadOp, grid::GatherOp>(nested)) {
      if (!isInput(nested.getOperand(0)))
        return fail("a step reads an input");
      r.stepReads.push_back(&nested);
    } else if (auto compute = dyn_cast<grid::ComputeOp>(nested)) {
      if (r.step)
        return fail("one grid.compute per step");
      r.step = compute;
    } else if (!isPure(&nested)) {
      return fail(Twine("'") + nested.getName().getStringRef() + "' in the step loop");
    }
  }
  auto yield = cast<scf::YieldOp>(r.steps.getBody()->getTerminator());
  if (!r.step || yield.getOperand(0) != r.step.getResult())
    return fail("each step folds its tiles into the accumulator with one grid.compute");
  ValueRange stepInputs = r.step.getInputs();
  if (stepInputs.empty() || stepInputs.front() != acc ||
      !readsInOrder(stepInputs.drop_front(), r.stepReads))
    return fail("a step takes the accumulator, then its reads in order");
  if (r.step.getIndices().size() != 2 || r.step.getIndices()[0] != r.unit ||
      r.step.getIndices()[1] != r.steps.getInductionVar())
    return fail("a step runs at the unit and the step");

  ValueRange finishInputs = r.finish.getInputs();
  SmallVector<Operation *> unitReads(llvm::map_range(
      r.unitReads, [](grid::LoadOp load) { return load.getOperation(); }));
  if (finishInputs.empty() || finishInputs.front() != r.steps.getResult(0) ||
      !readsInOrder(finishInputs.drop_front(), unitReads))
    return fail("the finish takes the accumulator, then the unit's reads in order");
  Value counters[] = {units.getInductionVar(), r.steps.getInductionVar()};
  for (Operation *read : llvm::concat<Operation *const>(unitReads, r.stepReads))
    if (!recomputable(read->getOperand(1), counters))
      return fail("a read's index is not computed from the core and the loop counters");
  if (r.finish.getIndices() != ValueRange(r.unit) || r.store.getValue() != r.finish.getResult() ||
      r.store.getDest() != dispatchBody.getArgument(op.getInputs().size()))
    return fail("the finish runs at the unit, and its tile is stored into the output");
  for (grid::ComputeOp compute : {r.init, r.step, r.finish})
    if (!yieldsDst0(compute))
      return fail("each grid.compute yields the pack of Dst[0]");
  for (grid::ComputeOp compute : {r.step, r.finish})
    if (!copiesAccumulatorFirst(compute.getBody().front()))
      return fail("a step and the finish first copy the accumulator into Dst[0]");
  return r;
}

namespace {

/// Builds the kernels of one reduction loop.
class ReductionKernels {
public:
  ReductionKernels(DispatchBuilder &db, const ReductionLoop &r) : db(db), r(r) {}
  void build();

private:
  /// Reads tile `read` (a grid.load or grid.gather, its index mapped by `m`) into `slot` of `cb`.
  void read(Operation *read, Value cb, Value slot, IRMapping &m);
  /// Clones `compute`'s body into the compute kernel: `argCBs` feed its tile arguments
  /// (waited for before their first use, popped when the body is done), tiles it packs for
  /// itself go through their one-tile buffers, and a leading accumulator copy and the final
  /// pack are left out unless `packInto` takes the final pack.
  void emitBody(grid::ComputeOp compute, ArrayRef<Value> argCBs, ArrayRef<Value> indices,
                bool hasAccumulator, Value packInto);

  DispatchBuilder &db;
  // Op handles are values whose accessors are not const.
  ReductionLoop r;
  /// The one-tile buffer of each tile a body packs for its own later ops.
  DenseMap<Operation *, Value> staging;
};

} // namespace

void ReductionKernels::read(Operation *op, Value cb, Value slot, IRMapping &m) {
  Value at = recomputeIndex(db, op->getOperand(1), m);
  // The same input of the dispatch being built.
  Value source = db.input(cast<BlockArgument>(op->getOperand(0)).getArgNumber());
  if (auto load = dyn_cast<grid::LoadOp>(op))
    return db.read(source, db.apply(load.getMap().getResult(0), at), cb, slot,
                   load.getFirstRow());
  emitTileGather(db, tileGatherOf(cast<grid::GatherOp>(op)), source, at, cb, slot);
}

void ReductionKernels::emitBody(grid::ComputeOp compute, ArrayRef<Value> argCBs,
                                ArrayRef<Value> indices, bool hasAccumulator, Value packInto) {
  OpBuilder &b = db.builder();
  Block &body = compute.getBody().front();
  size_t tiles = compute.getInputs().size();
  Operation *finalPack = cast<grid::YieldOp>(body.getTerminator()).getValue().getDefiningOp();
  Operation *accCopy = nullptr;
  if (hasAccumulator)
    for (Operation &op : body)
      if (auto copy = dyn_cast<tile::CopyOp>(op); copy && copy.getInput() == body.getArgument(0)) {
        accCopy = copy;
        break;
      }
  IRMapping m;
  for (auto [arg, value] : llvm::zip(body.getArguments().drop_front(tiles), indices))
    m.map(arg, value);
  // Where each tile that comes through a buffer is last used, to pop it there.
  DenseMap<Value, Value> cbOf;
  for (auto [arg, cb] : llvm::zip(body.getArguments().drop_front(hasAccumulator ? 1 : 0),
                                  argCBs))
    cbOf[arg] = cb;
  for (auto &[pack, cb] : staging)
    if (pack->getBlock() == &body)
      cbOf[pack->getResult(0)] = cb;
  DenseMap<Value, Operation *> lastUse;
  for (Operation &op : body.without_terminator())
    for (Value operand : op.getOperands())
      if (cbOf.count(operand))
        lastUse[operand] = &op;

  Value zero = db.index(0);
  for (Operation &op : body.without_terminator()) {
    if (&op == accCopy)
      continue;
    if (&op == finalPack) {
      if (packInto) {
        db.reserve(packInto, 1);
        db.pack(m.lookup(cast<tile::PackOp>(op).getDst()), packInto, zero);
        db.push(packInto, 1);
      }
      continue;
    }
    if (auto it = staging.find(&op); it != staging.end()) {
      // A tile the body reads back (REDUCE and the FPU take tiles, not Dst).
      m.map(op.getResult(0), db.stage(m.lookup(cast<tile::PackOp>(op).getDst()), it->second));
      continue;
    }
    for (Value operand : op.getOperands())
      if (isa<BlockArgument>(operand) && cbOf.count(operand) && !m.contains(operand)) {
        db.wait(cbOf[operand], 1);
        m.map(operand, db.get(cbOf[operand], zero));
      }
    b.clone(op, m);
    // A staged tile's buffer is free after its last use; the reads' slots after the body
    // (freeing a step's input slot early measured slower: ResNet-50 b16's max pool +1.8%).
    for (Value operand : llvm::SetVector<Value>(op.operand_begin(), op.operand_end()))
      if (lastUse.lookup(operand) == &op && !isa<BlockArgument>(operand))
        db.pop(cbOf[operand], 1);
  }
  for (Value arg : body.getArguments())
    if (cbOf.count(arg))
      db.pop(cbOf[arg], 1);
}

void ReductionKernels::build() {
  // Steps are read in batches of the largest divisor of their count up to 16, one barrier per
  // batch: a 3x3 window's nine taps at once took MobileNetV2's depthwise convolutions 6.7% of
  // its cycles below batches of three (ResNet-50's max pool: +0.02%).
  int64_t batch = 1;
  for (int64_t d = 1; d <= std::min<int64_t>(r.stepCount, 16); ++d)
    if (r.stepCount % d == 0)
      batch = d;
  SmallVector<Value> stepCBs, unitCBs;
  for (Operation *read : r.stepReads)
    stepCBs.push_back(db.cb(formatOf(read->getResult(0)), 2 * batch));
  for (grid::LoadOp read : r.unitReads)
    unitCBs.push_back(db.cb(formatOf(read.getResult()), 2));
  for (grid::ComputeOp compute : {r.init, r.step, r.finish}) {
    Block &body = compute.getBody().front();
    Value yielded = cast<grid::YieldOp>(body.getTerminator()).getValue();
    for (auto pack : body.getOps<tile::PackOp>())
      if (pack.getResult() != yielded)
        staging[pack] = db.cb(pack.getType().getFormat(), 1);
  }
  Value outCB = db.cb(r.finish.getType().getFormat(), 2);
  Value unitIv = r.units.getInductionVar(), stepIv = r.steps.getInductionVar();
  MLIRContext *ctx = db.context();
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);

  db.kernel(noc::ThreadKind::reader);
  db.loop(r.perCore, [&](Value iv) {
    IRMapping unitMap;
    unitMap.map(unitIv, iv);
    // The unit's reads are needed last: theirs overlap the steps', whose barriers cover them.
    for (auto [load, cb] : llvm::zip(r.unitReads, unitCBs)) {
      db.reserve(cb, 1);
      read(load, cb, db.index(0), unitMap);
    }
    db.loop(r.stepCount / batch, [&](Value group) {
      for (Value cb : stepCBs)
        db.reserve(cb, batch);
      db.loop(batch, [&](Value i) {
        IRMapping stepMap = unitMap;
        stepMap.map(stepIv, db.apply(d0 * batch + d1, {group, i}));
        for (auto [op, cb] : llvm::zip(r.stepReads, stepCBs))
          read(op, cb, i, stepMap);
      });
      db.barrier();
      for (Value cb : stepCBs)
        db.push(cb, batch);
    });
    for (Value cb : unitCBs)
      db.push(cb, 1);
  });

  db.kernel(noc::ThreadKind::compute);
  db.loop(r.perCore, [&](Value iv) {
    IRMapping unitMap;
    unitMap.map(unitIv, iv);
    Value unit = recomputeIndex(db, r.unit, unitMap);
    db.acquireDst();
    emitBody(r.init, {}, unit, /*hasAccumulator=*/false, Value());
    db.loop(r.stepCount, [&](Value step) {
      emitBody(r.step, stepCBs, {unit, step}, /*hasAccumulator=*/true, Value());
    });
    emitBody(r.finish, unitCBs, unit, /*hasAccumulator=*/true, outCB);
    db.releaseDst();
  });

  db.kernel(noc::ThreadKind::writer);
  db.loop(r.perCore, [&](Value iv) {
    IRMapping unitMap;
    unitMap.map(unitIv, iv);
    Value zero = db.index(0);
    db.wait(outCB, 1);
    db.write(outCB, zero, db.output(0),
             db.apply(r.store.getMap().getResult(0), recomputeIndex(db, r.unit, unitMap)));
    db.flush();
    db.pop(outCB, 1);
  });
}

void tessel::lowering::buildReductionKernels(DispatchBuilder &db, const ReductionLoop &loop) {
  ReductionKernels(db, loop).build();
}
