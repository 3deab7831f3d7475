// tt-fuse-tile-loops: a streaming producer's tile loop moves into the tile loops that read its
// result. Each grid.load of a produced tile becomes the producer's reads for that tile (their maps
// composed with the load's) and the producer's math inlined into the reading grid.compute, whose
// pack of the tile goes through a one-tile circular buffer instead of memory.
#include "tessel/Transforms/Passes.h"

#include "Graph/GraphOps.h"
#include "Tile/TileOps.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/MatmulCostModel.h"
#include "tessel/Transforms/L1Tensors.h"
#include "tessel/Transforms/TileLoopFusion.h"
#include "tessel/Transforms/TileLoopIndex.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/CSE.h"
#include "llvm/Support/FormatVariadic.h"

namespace tessel {
#define GEN_PASS_DEF_FUSETILELOOPS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

/// `compute` taking each input value once: an input it takes again (two reads of one tile,
/// merged) becomes a use of the first one's argument.
static void takeInputsOnce(grid::ComputeOp compute) {
  SmallVector<Value> inputs(compute.getInputs());
  Block &body = compute.getBody().front();
  llvm::BitVector drop(inputs.size());
  for (size_t j = 0; j < inputs.size(); ++j)
    for (size_t i = 0; i < j && !drop[j]; ++i)
      if (!drop[i] && inputs[i] == inputs[j]) {
        body.getArgument(j).replaceAllUsesWith(body.getArgument(i));
        drop.set(j);
      }
  if (drop.none())
    return;
  SmallVector<Value> kept;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!drop[i])
      kept.push_back(inputs[i]);
  body.eraseArguments(drop);
  compute.getInputsMutable().assign(kept);
}

namespace {

bool isTileRead(Operation *op) {
  return isa<grid::LoadOp, grid::LoadOneOfOp, grid::GatherOp, grid::GatherRowsOp>(op);
}

/// The loop over the running core's units of a dispatch in tile loop form, or null.
scf::ForOp unitLoopOf(grid::DispatchOp op) {
  auto loops = op.getBody().front().getOps<scf::ForOp>();
  if (!llvm::hasSingleElement(loops) || !tripCount(*loops.begin()))
    return {};
  scf::ForOp units = *loops.begin();
  bool computes = !units.getBody()->getOps<grid::ComputeOp>().empty();
  return computes ? units : scf::ForOp();
}

/// A streaming producer's unit: its reads, its math and its store, all at `unit`, which is the
/// tile it writes.
struct ProducerUnit {
  SmallVector<Operation *> reads;
  grid::ComputeOp compute;
  grid::StoreOp store;
  Value unit;
  TileAccess write;
};

FailureOr<ProducerUnit> producerUnit(grid::DispatchOp op, std::string &why) {
  auto fail = [&](const Twine &reason) {
    why = reason.str();
    return failure();
  };
  if (op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName))
    return fail("the producer is a matmul (tt-fuse-epilogues gave its epilogue what it could)");
  scf::ForOp units = unitLoopOf(op);
  if (!units)
    return fail("the producer's kernels are built whole (attention)");
  if (!units.getBody()->getOps<grid::LoadRowOp>().empty())
    return fail("the producer holds rows across passes (a row loop: softmax, a norm)");
  if (op.getOutputs().size() != 1)
    return fail("the producer writes more than one tensor");
  ProducerUnit p;
  for (Operation &nested : units.getBody()->without_terminator()) {
    if (isTileRead(&nested)) {
      p.reads.push_back(&nested);
    } else if (auto compute = dyn_cast<grid::ComputeOp>(nested)) {
      if (p.compute)
        return fail("a unit of the producer computes several tiles");
      p.compute = compute;
    } else if (auto store = dyn_cast<grid::StoreOp>(nested)) {
      p.store = store;
    } else if (isa<scf::ForOp>(nested)) {
      return fail("the producer is a reduction: each of its tiles folds a loop of steps");
    } else if (!isPure(&nested)) {
      return fail(Twine("the producer's unit holds '") + nested.getName().getStringRef() + "'");
    }
  }
  if (!p.compute || !p.store || p.store.getValue() != p.compute.getResult())
    return fail("a unit of the producer does not compute one tile and store it");
  p.unit = p.store.getUnit();
  int64_t perCore = *tripCount(units);
  if (!isUnitOfCore(p.unit, units.getInductionVar(), perCore) ||
      p.compute.getIndices() != ValueRange(p.unit) ||
      !llvm::all_of(p.reads, [&](Operation *r) { return r->getOperands().back() == p.unit; }))
    return fail("the producer's reads and math are not all at its unit");
  if (!llvm::all_of(p.compute.getInputs(), [&](Value in) {
        return llvm::is_contained(p.reads, in.getDefiningOp());
      }))
    return fail("the producer's math takes tiles it does not read");
  // Its units are its tiles, so a consumer's tile index is the producer unit that makes it.
  if (p.store.getMap() != AffineMap::getMultiDimIdentityMap(1, op.getContext()))
    return fail("the producer's units are not the tiles it writes");
  AffineExpr unit = indexExpr(p.unit, units.getInductionVar(), Value());
  p.write.tile = unit;
  p.write.extent = {op.getCores().size(), perCore, 1};
  return p;
}

/// `v` over dims bound to `leaves` (d_i for leaves[i]), through constants and affine.apply; null
/// when it is computed otherwise.
AffineExpr exprOver(Value v, ValueRange leaves) {
  return affineExprOf(v, [&](Value leaf) {
    auto it = llvm::find(leaves, leaf);
    return it == leaves.end() ? AffineExpr()
                              : getAffineDimExpr(it - leaves.begin(), v.getContext());
  });
}

/// `load`'s index over `cc`'s indices (the unit, and in a step loop the step) when it is
/// computed from the core and the loop counters instead: core = unit floordiv perCore and the
/// counter = unit mod perCore. Null when `cc` does not run at the core's unit and step.
AffineExpr throughUnit(grid::LoadOp load, grid::ComputeOp cc) {
  auto units = load->getParentOfType<scf::ForOp>();
  scf::ForOp steps;
  if (!isa<grid::DispatchOp>(units->getParentOp())) {
    steps = units;
    units = steps->getParentOfType<scf::ForOp>();
  }
  ValueRange indices = cc.getIndices();
  int64_t perCore = *tripCount(units);
  if (indices.empty() || !isUnitOfCore(indices[0], units.getInductionVar(), perCore) ||
      indices.size() != (steps ? 2u : 1u) || (steps && indices[1] != steps.getInductionVar()))
    return AffineExpr();
  AffineExpr at = indexExpr(load.getUnit(), units.getInductionVar(),
                            steps ? steps.getInductionVar() : Value());
  if (!at)
    return AffineExpr();
  MLIRContext *ctx = load.getContext();
  AffineExpr unit = getAffineDimExpr(0, ctx);
  AffineExpr step = steps ? getAffineDimExpr(1, ctx) : getAffineConstantExpr(0, ctx);
  return simplifyAffineExpr(at.replaceDims({unit.floorDiv(perCore), unit % perCore, step}),
                            indices.size(), 0);
}

/// The loads of a consumer that read input `t` (every use of its block arguments for `t`), each
/// with the access it makes; failure with `why` when `t` is read otherwise.
struct ConsumerReads {
  SmallVector<grid::LoadOp> loads;
  SmallVector<TileAccess> accesses;
  bool reduction = false;
};

FailureOr<ConsumerReads> consumerReads(grid::DispatchOp op, Value t, std::string &why) {
  auto fail = [&](const Twine &reason) {
    why = reason.str();
    return failure();
  };
  if (op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName))
    return fail("the consumer is a matmul: its operands stream through its blocks and "
                "multicasts");
  scf::ForOp units = unitLoopOf(op);
  if (!units)
    return fail("the consumer's kernels are built whole (attention)");
  ConsumerReads c;
  c.reduction = !units.getBody()->getOps<scf::ForOp>().empty();
  int64_t perCore = *tripCount(units);
  Block &body = op.getBody().front();
  for (auto [i, in] : llvm::enumerate(op.getInputs())) {
    if (in != t)
      continue;
    for (Operation *user : body.getArgument(i).getUsers()) {
      auto load = dyn_cast<grid::LoadOp>(user);
      if (!load) {
        if (isa<grid::GatherOp>(user))
          return fail("the consumer gathers the tensor's values in runs from several tiles");
        if (isa<grid::LoadOneOfOp>(user))
          return fail("the consumer picks each tile from one of several tensors (a concat)");
        if (isa<grid::LoadRowOp>(user))
          return fail("the consumer holds rows of the tensor across passes (a row loop: softmax, a norm)");
        return fail(Twine("the consumer reads the tensor with '") +
                    user->getName().getStringRef() + "'");
      }
      scf::ForOp loop = load->getParentOfType<scf::ForOp>();
      scf::ForOp steps = loop == units ? scf::ForOp() : loop;
      if (steps && (steps->getParentOp() != units || !tripCount(steps)))
        return fail("the consumer reads the tensor outside its unit and step loops");
      if (!llvm::all_of(load->getUsers(), [&](Operation *u) {
            return isa<grid::ComputeOp>(u) && u->getBlock() == load->getBlock();
          }))
        return fail("a tile the consumer reads goes elsewhere than into its math");
      AffineExpr at = indexExpr(load.getUnit(), units.getInductionVar(),
                                steps ? steps.getInductionVar() : Value());
      if (!at)
        return fail("the consumer's tile index is not affine in the core and its counters");
      TileAccess access;
      access.tile = load.getMap().getResult(0).replaceDims({at});
      access.extent = {op.getCores().size(), perCore, steps ? *tripCount(steps) : 1};
      c.loads.push_back(load);
      c.accesses.push_back(access);
    }
  }
  return c;
}

/// Rewrites `to`, the clone of tile op `from`, so that the Dst slots it names are `offset` higher.
void shiftDstSlots(Operation *to, int64_t offset, OpBuilder &b) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(to);
  for (OpOperand *slot : dstOperands(to)) {
    std::optional<int64_t> c = getConstantIntValue(slot->get());
    slot->set(b.create<arith::ConstantIndexOp>(to->getLoc(), *c + offset));
  }
}

/// A copy of `cc` whose inputs equal to `produced` are replaced by `tiles` (the producer's reads
/// for that tile), with `p`'s math for them inlined before the first op that uses the tile: the
/// producer's unit is `unitMap` of the load's index, which `indexExpr` gives over `cc`'s
/// indices. The producer's Dst slots are moved above the consumer's.
FailureOr<grid::ComputeOp> inlineProducer(OpBuilder &b, grid::ComputeOp cc, Value produced,
                                          ValueRange tiles, ProducerUnit p,
                                          AffineExpr unitOfIndices) {
  Block &consumer = cc.getBody().front();
  Block &producer = p.compute.getBody().front();
  SmallVector<Value> inputs;
  SmallVector<int64_t> argOf(cc.getInputs().size(), -1);
  int64_t firstTile = -1;
  for (auto [k, in] : llvm::enumerate(cc.getInputs())) {
    if (in != produced) {
      argOf[k] = inputs.size();
      inputs.push_back(in);
    } else if (firstTile < 0) {
      firstTile = inputs.size();
      llvm::append_range(inputs, tiles);
    }
  }
  int64_t offset = 0;
  for (Operation &op : consumer)
    for (OpOperand *slot : dstOperands(&op)) {
      std::optional<int64_t> c = getConstantIntValue(slot->get());
      if (!c)
        return failure();
      offset = std::max(offset, *c + 1);
    }
  for (Operation &op : producer)
    for (OpOperand *slot : dstOperands(&op))
      if (!getConstantIntValue(slot->get()))
        return failure();

  auto fused = b.create<grid::ComputeOp>(cc.getLoc(), cc.getType(), inputs, cc.getIndices());
  SmallVector<Type> argTypes(ValueRange(inputs).getTypes());
  for (Value index : cc.getIndices())
    argTypes.push_back(index.getType());
  Block *block = b.createBlock(&fused.getBody(), {}, argTypes,
                               SmallVector<Location>(argTypes.size(), cc.getLoc()));
  ValueRange indexArgs = block->getArguments().drop_front(inputs.size());
  IRMapping m;
  for (auto [k, arg] : llvm::enumerate(consumer.getArguments().take_front(argOf.size())))
    if (argOf[k] >= 0)
      m.map(arg, block->getArgument(argOf[k]));
  for (auto [arg, index] : llvm::zip(consumer.getArguments().drop_front(argOf.size()), indexArgs))
    m.map(arg, index);
  SmallVector<Value> producedArgs;
  for (auto [k, arg] : llvm::enumerate(consumer.getArguments().take_front(argOf.size())))
    if (argOf[k] < 0)
      producedArgs.push_back(arg);

  auto emitProducer = [&]() {
    IRMapping pm;
    for (auto [j, in] : llvm::enumerate(p.compute.getInputs())) {
      int64_t read = llvm::find(p.reads, in.getDefiningOp()) - p.reads.begin();
      pm.map(producer.getArgument(j), block->getArgument(firstTile + read));
    }
    Value unitArg = producer.getArguments().back();
    if (!unitArg.use_empty())
      pm.map(unitArg, b.create<affine::AffineApplyOp>(
                          cc.getLoc(), AffineMap::get(indexArgs.size(), 0, unitOfIndices),
                          indexArgs));
    for (Operation &op : producer.without_terminator()) {
      Operation *clone = b.clone(op, pm);
      shiftDstSlots(clone, offset, b);
    }
    Value tile = pm.lookup(producer.getTerminator()->getOperand(0));
    for (Value arg : producedArgs)
      m.map(arg, tile);
  };
  bool emitted = false;
  for (Operation &op : consumer) {
    bool usesTile = llvm::any_of(producedArgs, [&](Value arg) {
      return llvm::is_contained(op.getOperands(), arg);
    });
    if (usesTile && !emitted) {
      emitProducer();
      emitted = true;
    }
    b.clone(op, m);
  }
  return fused;
}

/// Rebuilds `op`'s inputs as one per tile read operand, in the order of its reads: the form
/// the kernel builders take (a tensor two reads take is listed twice).
void inputsInReadOrder(grid::DispatchOp op) {
  Block &body = op.getBody().front();
  unsigned oldCount = op.getInputs().size();
  SmallVector<Value> inputs;
  SmallVector<OpOperand *> uses;
  op.getBody().walk([&](Operation *read) {
    if (!isTileRead(read))
      return;
    for (OpOperand &source : read->getOpOperands().drop_back()) {
      auto arg = cast<BlockArgument>(source.get());
      inputs.push_back(op.getInputs()[arg.getArgNumber()]);
      uses.push_back(&source);
    }
  });
  for (auto [k, use] : llvm::enumerate(uses))
    use->set(body.insertArgument(oldCount + k, inputs[k].getType(), op.getLoc()));
  llvm::BitVector old(body.getNumArguments());
  old.set(0, oldCount);
  body.eraseArguments(old);
  op.getInputsMutable().assign(inputs);
}

/// The one-line name of a dispatch in the report: its op and the ONNX nodes it covers.
std::string describe(grid::DispatchOp op) {
  std::string nodes = graph::nodeNames(op.getLoc());
  return (op.getOp() + (nodes.empty() ? "" : " (" + nodes + ")")).str();
}

struct FuseTileLoopsPass : tessel::impl::FuseTileLoopsBase<FuseTileLoopsPass> {
  using FuseTileLoopsBase::FuseTileLoopsBase;

  void runOnOperation() override {
    FailureOr<rt::ChipDesc> chip = getChipDesc(getOperation());
    if (failed(chip))
      return signalPassFailure();
    this->chip = &*chip;
    getOperation().walk([&](func::FuncOp func) {
      SmallVector<grid::DispatchOp> order(func.getOps<grid::DispatchOp>());
      for (size_t i = 0; i < order.size(); ++i)
        if (order[i])
          fuseProducer(order, i);
    });
    if (print)
      for (const std::string &line : report)
        llvm::outs() << line << "\n";
  }

  /// Moves dispatch `order[i]` into the tile loops that read its result when that is legal and
  /// the estimate says it pays; records the decision. Fused consumers take their originals'
  /// places in `order`.
  void fuseProducer(SmallVector<grid::DispatchOp> &order, size_t i) {
    grid::DispatchOp producer = order[i];
    if (producer.getNumResults() != 1)
      return;
    Value t = producer.getResult(0);
    SmallVector<grid::DispatchOp> consumers;
    bool stays = false;
    for (Operation *user : t.getUsers()) {
      auto consumer = dyn_cast<grid::DispatchOp>(user);
      if (!consumer)
        stays = true;
      else if (!llvm::is_contained(consumers, consumer))
        consumers.push_back(consumer);
    }
    if (consumers.empty())
      return;
    auto decide = [&](grid::DispatchOp consumer, const Twine &what) {
      report.push_back((describe(producer) + " -> " + describe(consumer) + ": " + what).str());
    };
    std::string why;
    FailureOr<ProducerUnit> p = producerUnit(producer, why);
    if (failed(p)) {
      for (grid::DispatchOp consumer : consumers)
        decide(consumer, "not fused: " + why);
      return;
    }
    TileLoopCost producerCost = estimateTileLoop(producer, *chip);
    // Every dispatch pays its launch (or its barrier in a joined program) as well as its
    // kernel: fusing saves the consumer's.
    auto gap = [&](grid::DispatchOp d) {
      return cost::dispatchGapCycles(*chip, joinDispatches, d.getCores().width(),
                                     d.getCores().height());
    };
    double before = gap(producer) + producerCost.cycles(), after = 0;
    double dramBefore = producerCost.dramBytes + producerCost.l1Bytes, dramAfter = 0;
    SmallVector<std::pair<grid::DispatchOp, grid::DispatchOp>> fused;
    SmallVector<std::string> notes;
    for (grid::DispatchOp consumer : consumers) {
      FailureOr<grid::DispatchOp> candidate = fuseInto(*p, producer, consumer, why);
      if (failed(candidate)) {
        decide(consumer, "not fused: " + why);
        stays = true;
        continue;
      }
      TileLoopCost was = estimateTileLoop(consumer, *chip),
                   is = estimateTileLoop(*candidate, *chip);
      int64_t dstCapacity =
          (tile::isWideDst(candidate->getDstFormat()) ? chip->dstTilesF32 : chip->dstTilesBf16) / 2;
      int64_t headroom = int64_t((1.0 - kL1TensorShare) * double(chip->l1Bytes - chip->l1ReservedBytes));
      if (is.dstTiles > dstCapacity || is.bufferBytes > std::max(headroom, was.bufferBytes)) {
        decide(consumer, llvm::formatv("not fused: the fused math needs {0} Dst tiles of {1} "
                                       "and {2} bytes of circular buffers per core of {3}",
                                       is.dstTiles, dstCapacity, is.bufferBytes,
                                       std::max(headroom, was.bufferBytes)));
        candidate->erase();
        stays = true;
        continue;
      }
      before += gap(consumer) + was.cycles();
      after += gap(*candidate) + is.cycles();
      dramBefore += was.dramBytes + was.l1Bytes;
      dramAfter += is.dramBytes + is.l1Bytes;
      notes.push_back(why);
      fused.push_back({consumer, *candidate});
    }
    if (fused.empty())
      return;
    if (stays) {
      after += gap(producer) + producerCost.cycles();
      dramAfter += producerCost.dramBytes + producerCost.l1Bytes;
    }
    // A tie fuses when the producer goes: one dispatch fewer, its result's memory freed.
    bool pays = force || after < before || (after == before && !stays);
    std::string estimate =
        llvm::formatv("estimated {0} -> {1} cycles, {2} -> {3} bytes moved{4}", int64_t(before),
                      int64_t(after), int64_t(dramBefore), int64_t(dramAfter),
                      stays ? " (the producer stays for its other readers)" : "");
    for (auto [k, pair] : llvm::enumerate(fused)) {
      auto [consumer, candidate] = pair;
      decide(consumer, (pays ? "fused: " : "not fused, it does not pay: ") + notes[k] + "; " +
                           estimate);
      if (!pays) {
        candidate->erase();
        continue;
      }
      consumer.getResult(0).replaceAllUsesWith(candidate.getResult(0));
      *llvm::find(order, consumer) = candidate;
      consumer->erase();
    }
    if (pays && t.use_empty()) {
      Value out = producer.getOutputs().front();
      *llvm::find(order, producer) = grid::DispatchOp();
      producer->erase();
      if (Operation *empty = out.getDefiningOp(); empty && empty->use_empty())
        empty->erase();
    }
  }

  /// A copy of `consumer`, in front of it, with `p` (the unit of `producer`) inlined where it
  /// reads `producer`'s result; `why` says what the dependence analysis found, or why it is
  /// not legal.
  FailureOr<grid::DispatchOp> fuseInto(ProducerUnit p, grid::DispatchOp producer,
                                       grid::DispatchOp consumer, std::string &why) {
    Value t = producer.getResult(0);
    FailureOr<ConsumerReads> reads = consumerReads(consumer, t, why);
    if (failed(reads))
      return failure();
    if (producer.getDstFormat() != consumer.getDstFormat() ||
        producer.getFidelity() != consumer.getFidelity()) {
      why = "the two compute in Dst formats or at fidelities that differ";
      return failure();
    }
    if (reads->reduction && !llvm::all_of(p.reads, [](Operation *r) {
          return isa<grid::LoadOp>(r);
        })) {
      why = "a reduction reads whole tiles, and the producer gathers or picks its own";
      return failure();
    }
    int64_t tiles = p.write.points();
    FailureOr<TileDependence> dep = analyzeTileDependence(p.write, tiles, reads->accesses);
    if (failed(dep) || !dep->covered || !dep->singleWriter) {
      why = failed(dep) ? "an access is not affine"
                        : "the consumer reads tiles that no one unit of the producer writes";
      return failure();
    }
    why = dep->readOnce ? llvm::formatv("each of the {0} tiles read once", dep->reads).str()
                        : llvm::formatv("{0} tiles read, some more than once: recomputed",
                                        dep->reads)
                              .str();

    OpBuilder b(consumer);
    auto fused = cast<grid::DispatchOp>(b.clone(*consumer));
    fused->setLoc(b.getFusedLoc({producer.getLoc(), consumer.getLoc()}));
    fused.setOp((producer.getOp() + "+" + consumer.getOp()).str());
    Block &body = fused.getBody().front();
    auto argFor = [&](Value outer) -> Value {
      for (auto [k, in] : llvm::enumerate(fused.getInputs()))
        if (in == outer)
          return body.getArgument(k);
      unsigned n = fused.getInputs().size();
      fused.getInputsMutable().append(outer);
      return body.insertArgument(n, outer.getType(), fused.getLoc());
    };
    SmallVector<grid::LoadOp> loads;
    fused.getBody().walk([&](grid::LoadOp load) {
      auto arg = dyn_cast<BlockArgument>(load.getSource());
      if (arg && arg.getOwner() == &body && arg.getArgNumber() < fused.getInputs().size() &&
          fused.getInputs()[arg.getArgNumber()] == t)
        loads.push_back(load);
    });
    for (grid::LoadOp load : loads) {
      b.setInsertionPoint(load);
      IRMapping m;
      m.map(p.unit, load.getUnit());
      SmallVector<Value> tilesRead;
      for (Operation *read : p.reads) {
        for (Value source : read->getOperands().drop_back())
          m.map(source, argFor(producer.getInputs()[cast<BlockArgument>(source).getArgNumber()]));
        Operation *clone = b.clone(*read, m);
        AffineMap map = clone->getAttrOfType<AffineMapAttr>("map").getValue();
        SmallVector<AffineExpr> through{load.getMap().getResult(0)};
        for (unsigned d = 1; d < map.getNumDims(); ++d)
          through.push_back(b.getAffineDimExpr(d));
        clone->setAttr("map", AffineMapAttr::get(
                                  map.compose(AffineMap::get(map.getNumDims(), 0, through,
                                                             b.getContext()))));
        tilesRead.push_back(clone->getResult(0));
      }
      SmallVector<grid::ComputeOp> computes;
      for (Operation *user : load->getUsers())
        if (!llvm::is_contained(computes, user))
          computes.push_back(cast<grid::ComputeOp>(user));
      for (grid::ComputeOp cc : computes) {
        AffineExpr index = exprOver(load.getUnit(), cc.getIndices());
        if (!index)
          index = throughUnit(load, cc);
        if (!index) {
          why = "the consumer's tile index is not a function of its math's indices";
          fused->erase();
          return failure();
        }
        b.setInsertionPoint(cc);
        FailureOr<grid::ComputeOp> merged = inlineProducer(
            b, cc, load.getResult(), tilesRead, p, load.getMap().getResult(0).replaceDims({index}));
        if (failed(merged)) {
          why = "a Dst slot is not a constant";
          fused->erase();
          return failure();
        }
        cc.getResult().replaceAllUsesWith(merged->getResult());
        cc->erase();
      }
      load->erase();
    }
    // A loop that now reads a tile twice reads it once: a streaming loop's (a diamond: x and
    // f(x)) once its maps, simplified over the units, are equal where they read the same tile; a
    // reduction step's (x * x) as the fusion composed them, its grid.compute then taking the
    // tile once (the reduction kernels take a step's reads in order, each once).
    scf::ForOp units = unitLoopOf(fused);
    bool steps = !units.getBody()->getOps<scf::ForOp>().empty();
    for (Operation &read : units.getBody()->without_terminator()) {
      auto mapAttr = read.getAttrOfType<AffineMapAttr>("map");
      if (steps || !isTileRead(&read) || !mapAttr)
        continue;
      SmallVector<int64_t> sizes{int64_t(fused.getCores().size()) * *tripCount(units)};
      if (auto gather = dyn_cast<grid::GatherOp>(read))
        sizes.append({32, int64_t(gather.getColumns())});
      read.setAttr("map", AffineMapAttr::get(graph::simplifyOverRanges(
                              mapAttr.getValue().getResults(), sizes, fused.getContext())));
    }
    IRRewriter rewriter(b);
    DominanceInfo dominance;
    eliminateCommonSubExpressions(rewriter, dominance, fused);
    if (steps)
      fused.walk([](grid::ComputeOp compute) { takeInputsOnce(compute); });
    inputsInReadOrder(fused);
    return fused;
  }

  const rt::ChipDesc *chip = nullptr;
  SmallVector<std::string> report;
};

} // namespace
