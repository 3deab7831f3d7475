// A row loop's passes as kernels. The rows a unit loads are read into L1 once and held until
// the unit is done; each pass reads their tiles by slot. As in a reduction's kernels, an
// accumulator (a tile of Dst's format that only the next step or the finish takes, copying it
// first) stays in Dst: the copies into Dst[0] and the packs that the value semantics of the
// loop form write are not emitted. Every other tile a pass computes goes through a buffer of
// its own: a statistic through one tile, a filled row through one of the row's tiles, the last
// pass's tiles to the writer.
#include "TileLoops.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

/// Whether `v` is a row of tiles: a one-dimensional tensor of them.
static bool isRow(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getRank() == 1 && isa<tile::TileType>(type.getElementType());
}

/// The steps of a pass: from a constant lower bound by 1 to a constant upper bound above it.
static std::optional<std::pair<int64_t, int64_t>> passRange(scf::ForOp pass) {
  std::optional<int64_t> lb = getConstantIntValue(pass.getLowerBound()),
                         ub = getConstantIntValue(pass.getUpperBound()),
                         step = getConstantIntValue(pass.getStep());
  if (!lb || !ub || step != 1 || *ub <= *lb)
    return std::nullopt;
  return std::make_pair(*lb, *ub - *lb);
}

/// The op of `body` after its constants, or null.
static Operation *firstMath(Block &body) {
  for (Operation &op : body)
    if (!isa<arith::ConstantOp>(op))
      return &op;
  return nullptr;
}

/// Whether `compute`'s body starts by copying its first input, used nowhere else, into Dst[0].
static bool copiesFirstInput(grid::ComputeOp compute) {
  Block &body = compute.getBody().front();
  if (compute.getInputs().empty())
    return false;
  BlockArgument first = body.getArgument(0);
  auto copy = dyn_cast_or_null<tile::CopyOp>(firstMath(body));
  return copy && copy.getInput() == first && first.hasOneUse() &&
         getConstantIntValue(copy.getDst()) == 0;
}

/// Whether the tile `compute` gives stays in Dst for the one op that takes it: the next step of
/// a reduction, or a grid.compute that copies it into Dst[0] first.
static bool staysInDst(grid::ComputeOp compute, tile::DataFormat dstFormat) {
  Value result = compute.getResult();
  if (compute.getType().getFormat() != dstFormat || !result.hasOneUse())
    return false;
  OpOperand &use = *result.getUses().begin();
  if (auto loop = dyn_cast<scf::ForOp>(use.getOwner())) {
    if (loop.getNumRegionIterArgs() != 1 || !isa<tile::TileType>(result.getType()))
      return false;
    auto steps = loop.getBody()->getOps<grid::ComputeOp>();
    return !steps.empty() && (*steps.begin()).getInputs().front() ==
                                 loop.getRegionIterArgs().front() &&
           copiesFirstInput(*steps.begin());
  }
  auto next = dyn_cast<grid::ComputeOp>(use.getOwner());
  return next && use.getOperandNumber() == 0 && next->getBlock() == compute->getBlock() &&
         copiesFirstInput(next);
}

/// Checks a pass's loop over the tiles of a row: from a constant by 1 to a constant, its
/// body one grid.compute at (unit, tile) over tiles it extracts at the counter (or tiles of the
/// unit), and `tail` for what follows the compute.
static LogicalResult checkPassLoop(grid::DispatchOp op, scf::ForOp loop, Value unit,
                                   function_ref<LogicalResult(grid::ComputeOp)> tail) {
  auto fail = [&](const Twine &why) { return tileLoopError(op, "row loop: " + why); };
  if (!passRange(loop))
    return fail("a pass runs from a constant by 1 to a larger constant");
  auto computes = loop.getBody()->getOps<grid::ComputeOp>();
  if (!llvm::hasSingleElement(computes))
    return fail("a pass computes one tile per step");
  grid::ComputeOp compute = *computes.begin();
  if (compute.getIndices().size() != 2 || compute.getIndices()[0] != unit ||
      compute.getIndices()[1] != loop.getInductionVar())
    return fail("a pass computes at the unit and its counter");
  for (Operation &nested : loop.getBody()->without_terminator()) {
    if (auto extract = dyn_cast<tensor::ExtractOp>(nested)) {
      if (extract.getIndices().size() != 1 || extract.getIndices()[0] != loop.getInductionVar())
        return fail("a pass takes tile j of a row at its step j");
    } else if (!isa<grid::ComputeOp, tensor::InsertOp, grid::StoreOp>(nested) &&
               !isPure(&nested)) {
      return fail(Twine("'") + nested.getName().getStringRef() + "' in a pass");
    }
  }
  return tail(compute);
}

FailureOr<RowLoop> tessel::lowering::matchRowLoop(grid::DispatchOp op, scf::ForOp units,
                                                  int64_t perCore) {
  auto fail = [&](const Twine &why) { return tileLoopError(op, "row loop: " + why); };
  RowLoop r;
  r.units = units;
  r.perCore = perCore;
  Block &dispatchBody = op.getBody().front();
  Value iv = units.getInductionVar();
  auto isInput = [&](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == &dispatchBody && arg.getArgNumber() < op.getInputs().size();
  };
  tile::DataFormat dstFormat = op.getDstFormat();
  for (Operation &nested : units.getBody()->without_terminator()) {
    if (r.storeLoop && !isPure(&nested))
      return fail("the pass that stores is the last");
    if (auto row = dyn_cast<grid::LoadRowOp>(nested)) {
      if (!isInput(row.getSource()) || !isUnitOfCore(row.getUnit(), iv, perCore) ||
          (r.unit && row.getUnit() != r.unit))
        return fail("a unit's rows are inputs' rows at the core's unit");
      r.unit = row.getUnit();
      r.rows.push_back(row);
    } else if (auto extract = dyn_cast<tensor::ExtractOp>(nested)) {
      if (extract.getIndices().size() != 1 || !getConstantIntValue(extract.getIndices()[0]))
        return fail("between passes, a tile of a row is taken at a constant");
    } else if (auto insert = dyn_cast<tensor::InsertOp>(nested)) {
      std::optional<int64_t> at =
          insert.getIndices().size() == 1 ? getConstantIntValue(insert.getIndices()[0])
                                          : std::nullopt;
      auto row = insert.getDest().getDefiningOp<grid::LoadRowOp>();
      if (!row || !at || *at != row.getCount() - 1 ||
          !insert.getScalar().getDefiningOp<grid::ComputeOp>())
        return fail("a tile computed between passes replaces the last of a loaded row");
    } else if (auto compute = dyn_cast<grid::ComputeOp>(nested)) {
      // At (unit, constant): a reduction's step whose loop of one trip was folded.
      ValueRange at = compute.getIndices();
      if (!r.unit || at.empty() || at.front() != r.unit || at.size() > 2 ||
          (at.size() == 2 && !getConstantIntValue(at[1])))
        return fail("a tile between passes is computed at the unit, after the rows are loaded");
    } else if (auto loop = dyn_cast<scf::ForOp>(nested)) {
      if (!r.unit)
        return fail("the rows are loaded before the passes");
      ValueRange carried = loop.getRegionIterArgs();
      LogicalResult checked = checkPassLoop(op, loop, r.unit, [&](grid::ComputeOp compute) {
        auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
        if (carried.empty()) {
          auto stores = loop.getBody()->getOps<grid::StoreOp>();
          if (!llvm::hasSingleElement(stores) ||
              (*stores.begin()).getValue() != compute.getResult() ||
              (*stores.begin()).getDest() != dispatchBody.getArgument(op.getInputs().size()) ||
              !recomputable((*stores.begin()).getUnit(), {iv, loop.getInductionVar()}))
            return fail("the last pass stores each tile it computes into the output");
          r.storeLoop = loop;
          r.store = *stores.begin();
          return success();
        }
        if (carried.size() != 1)
          return fail("a pass carries one accumulator or one row");
        if (isRow(carried[0])) {
          auto insert = yield.getOperand(0).getDefiningOp<tensor::InsertOp>();
          if (!insert || insert.getScalar() != compute.getResult() ||
              insert.getDest() != carried[0] || insert.getIndices().size() != 1 ||
              insert.getIndices()[0] != loop.getInductionVar() ||
              !loop.getInitArgs()[0].getDefiningOp<tensor::EmptyOp>() ||
              *passRange(loop) !=
                  std::make_pair(int64_t(0),
                                 cast<RankedTensorType>(carried[0].getType()).getDimSize(0)))
            return fail("a pass that fills a row puts tile j in place at step j, from empty");
          return success();
        }
        auto start = loop.getInitArgs()[0].getDefiningOp<grid::ComputeOp>();
        if (!start || !staysInDst(start, dstFormat) || yield.getOperand(0) != compute.getResult() ||
            !loop.getResult(0).hasOneUse())
          return fail("a reduction's steps fold each tile into the accumulator in Dst");
        auto finish = dyn_cast<grid::ComputeOp>(*loop.getResult(0).getUsers().begin());
        if (!finish || !copiesFirstInput(finish))
          return fail("a reduction's finish takes its accumulator first");
        return success();
      });
      if (failed(checked))
        return failure();
    } else if (isa<grid::StoreOp>(nested)) {
      return fail("the last pass stores its tiles");
    } else if (!isPure(&nested)) {
      return fail(Twine("'") + nested.getName().getStringRef() + "' in the unit loop");
    }
  }
  if (r.rows.empty() || !r.storeLoop)
    return fail("a unit loads its rows, then stores what its last pass computes");
  // Every tile the math takes is one the kernels hold: a tile of a row (loaded, with its last
  // replaced, or filled by a pass), a tile computed between passes, or an accumulator.
  Block *unitBody = units.getBody();
  auto held = [&](Value v, unsigned k) {
    Operation *def = v.getDefiningOp();
    if (auto extract = dyn_cast_or_null<tensor::ExtractOp>(def)) {
      Operation *row = extract.getTensor().getDefiningOp();
      return row && row->getBlock() == unitBody && isa<grid::LoadRowOp, tensor::InsertOp, scf::ForOp>(row);
    }
    if (k == 0 && (isa<BlockArgument>(v) || isa_and_nonnull<scf::ForOp>(def)))
      return true; // a reduction's accumulator, which its loop's check covered
    return isa_and_nonnull<grid::ComputeOp>(def) && def->getBlock() == unitBody;
  };
  auto unheld = units.getBody()->walk([&](grid::ComputeOp compute) {
    for (auto [k, input] : llvm::enumerate(compute.getInputs()))
      if (!held(input, k))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (unheld.wasInterrupted())
    return fail("the math takes tiles of the unit's rows, tiles computed between passes, and a "
                "reduction's accumulator only");
  // The math of every pass packs its tile only where the kernels take it (Dst[0]), once.
  auto bad = units.getBody()->walk([&](grid::ComputeOp compute) {
    Block &body = compute.getBody().front();
    auto yield = cast<grid::YieldOp>(body.getTerminator());
    auto pack = yield.getValue().getDefiningOp<tile::PackOp>();
    if (!pack || getConstantIntValue(pack.getDst()) != 0 ||
        llvm::range_size(body.getOps<tile::PackOp>()) != 1)
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (bad.wasInterrupted())
    return fail("each grid.compute packs one tile, Dst[0], and yields it");
  return r;
}

namespace {

/// A row as the compute kernel reads it: tile j in slot j of `cb`, but the last in slot 0 of
/// `lastCB` where a computed tile replaced it.
struct RowView {
  Value cb;
  Value lastCB;
  int64_t count = 0;
};

/// Builds the kernels of one row loop.
class RowKernels {
public:
  RowKernels(DispatchBuilder &db, const RowLoop &r) : db(db), r(r) {}
  void build();

private:
  void buildCompute();
  /// Emits `pass`, a loop over the tiles of rows, at its counter's values; `body(j, last)`
  /// emits one step. Where a step reads a row whose last tile was replaced, the last step runs
  /// apart (`last`).
  void emitPass(scf::ForOp pass, function_ref<void(Value j, bool last)> body);
  /// The kernel's tile for `v`, an input of a grid.compute in a pass at step `j` (or between
  /// passes, null).
  Value tileOf(Value v, Value j, bool lastStep);
  /// Clones `compute`'s body into the compute kernel at `indices`, without a leading copy of
  /// an accumulator that stays in Dst; its final pack goes into slot `slot` of `packInto`
  /// (reserved just before, if `reserve`), or nowhere (the tile stays in Dst).
  void emitBody(grid::ComputeOp compute, ArrayRef<Value> indices, Value j, bool lastStep,
                Value packInto, Value slot, bool reserve = true);

  DispatchBuilder &db;
  // Op handles are values whose accessors are not const.
  RowLoop r;
  SmallVector<Value> rowCBs;
  Value outCB;
  /// The buffer of each tile computed between passes that does not stay in Dst, and of each
  /// row a pass fills: circular buffers are declared before the kernels.
  DenseMap<Operation *, Value> passCBs;
  DenseMap<Value, RowView> rows;
  DenseMap<Value, Value> tileCBs;
  /// The value Dst[0] holds for the op that takes it next, if any.
  Value inDst;
  /// What the unit pops at its end: a buffer and its tiles.
  SmallVector<std::pair<Value, int64_t>> toPop;
  IRMapping unitMap;
  Value unit;
};

} // namespace

void RowKernels::emitPass(scf::ForOp pass, function_ref<void(Value j, bool last)> body) {
  auto [lower, trips] = *passRange(pass);
  bool lastApart = false;
  pass.getBody()->walk([&](tensor::ExtractOp extract) {
    auto it = rows.find(extract.getTensor());
    lastApart |= it != rows.end() && it->second.lastCB;
  });
  AffineExpr d0 = getAffineDimExpr(0, db.context());
  if (int64_t looped = trips - (lastApart ? 1 : 0); looped > 0)
    db.loop(looped, [&](Value i) { body(lower ? db.apply(d0 + lower, i) : i, false); });
  if (lastApart)
    body(db.index(lower + trips - 1), true);
}

Value RowKernels::tileOf(Value v, Value j, bool lastStep) {
  if (auto cb = tileCBs.lookup(v))
    return db.get(cb, db.index(0));
  auto extract = v.getDefiningOp<tensor::ExtractOp>();
  assert(extract && "matchRowLoop checked that a pass's tiles are a row's or a statistic");
  const RowView &row = rows.at(extract.getTensor());
  Value at = extract.getIndices()[0];
  std::optional<int64_t> constant = getConstantIntValue(at);
  bool last = constant ? *constant == row.count - 1 : lastStep;
  if (row.lastCB && last)
    return db.get(row.lastCB, db.index(0));
  return db.get(row.cb, constant ? db.index(*constant) : j);
}

void RowKernels::emitBody(grid::ComputeOp compute, ArrayRef<Value> indices, Value j,
                          bool lastStep, Value packInto, Value slot, bool reserve) {
  Block &body = compute.getBody().front();
  size_t tiles = compute.getInputs().size();
  Operation *finalPack = cast<grid::YieldOp>(body.getTerminator()).getValue().getDefiningOp();
  bool fromDst = tiles && compute.getInputs().front() == inDst;
  Operation *accCopy = fromDst ? firstMath(body) : nullptr;
  IRMapping m;
  for (auto [arg, value] : llvm::zip(body.getArguments().drop_front(tiles), indices))
    m.map(arg, value);
  for (auto [k, input] : llvm::enumerate(compute.getInputs()))
    if (!(k == 0 && fromDst))
      m.map(body.getArgument(k), tileOf(input, j, lastStep));
  for (Operation &op : body.without_terminator()) {
    if (&op == accCopy)
      continue;
    if (&op == finalPack) {
      if (!packInto)
        continue;
      if (reserve)
        db.reserve(packInto, 1);
      db.pack(m.lookup(cast<tile::PackOp>(op).getDst()), packInto, slot);
      continue;
    }
    db.builder().clone(op, m);
  }
}

void RowKernels::buildCompute() {
  Value zero = db.index(0);
  for (auto [row, cb] : llvm::zip(r.rows, rowCBs)) {
    db.wait(cb, row.getCount());
    rows[row.getResult()] = RowView{cb, Value(), row.getCount()};
    toPop.push_back({cb, row.getCount()});
  }
  for (Operation &nested : r.units.getBody()->without_terminator()) {
    if (auto insert = dyn_cast<tensor::InsertOp>(nested)) {
      RowView row = rows.at(insert.getDest());
      row.lastCB = tileCBs.at(insert.getScalar());
      rows[insert.getResult()] = row;
    } else if (auto compute = dyn_cast<grid::ComputeOp>(nested)) {
      bool fromDst = !compute.getInputs().empty() && compute.getInputs().front() == inDst;
      if (!fromDst)
        db.acquireDst();
      SmallVector<Value> at{unit};
      if (compute.getIndices().size() == 2)
        at.push_back(db.index(*getConstantIntValue(compute.getIndices()[1])));
      Value cb = passCBs.lookup(compute);
      if (!cb) {
        emitBody(compute, at, Value(), false, Value(), Value());
        inDst = compute.getResult();
        continue;
      }
      emitBody(compute, at, Value(), false, cb, zero);
      db.push(cb, 1);
      db.releaseDst();
      db.wait(cb, 1);
      inDst = Value();
      tileCBs[compute.getResult()] = cb;
      toPop.push_back({cb, 1});
    } else if (auto pass = dyn_cast<scf::ForOp>(nested)) {
      grid::ComputeOp compute = *pass.getBody()->getOps<grid::ComputeOp>().begin();
      if (pass == r.storeLoop) {
        emitPass(pass, [&](Value j, bool last) {
          db.acquireDst();
          emitBody(compute, {unit, j}, j, last, outCB, zero);
          db.push(outCB, 1);
          db.releaseDst();
        });
      } else if (Value cb = passCBs.lookup(pass)) {
        int64_t trips = passRange(pass)->second;
        db.reserve(cb, trips);
        emitPass(pass, [&](Value j, bool last) {
          db.acquireDst();
          emitBody(compute, {unit, j}, j, last, cb, j, /*reserve=*/false);
          db.releaseDst();
        });
        db.push(cb, trips);
        db.wait(cb, trips);
        rows[pass.getResult(0)] = RowView{cb, Value(), trips};
        toPop.push_back({cb, trips});
      } else {
        // A reduction's steps: each starts from the accumulator the one before left in Dst.
        inDst = pass.getRegionIterArgs()[0];
        emitPass(pass, [&](Value j, bool last) {
          emitBody(compute, {unit, j}, j, last, Value(), Value());
        });
        inDst = pass.getResult(0);
      }
    }
  }
  for (auto [cb, n] : toPop)
    db.pop(cb, n);
}

void RowKernels::build() {
  auto formatOfTile = [](Value tile) { return cast<tile::TileType>(tile.getType()).getFormat(); };
  for (grid::LoadRowOp row : r.rows)
    rowCBs.push_back(db.cb(row.getTileType().getFormat(), row.getCount()));
  tile::DataFormat dstFormat = db.dispatchOp().getDstFormat();
  for (Operation &nested : r.units.getBody()->without_terminator()) {
    if (auto compute = dyn_cast<grid::ComputeOp>(nested); compute && !staysInDst(compute, dstFormat))
      passCBs[compute] = db.cb(compute.getType().getFormat(), 1);
    if (auto pass = dyn_cast<scf::ForOp>(nested);
        pass && pass.getNumRegionIterArgs() == 1 && isRow(pass.getRegionIterArgs()[0]))
      passCBs[pass] = db.cb(formatOfTile(pass.getBody()->getTerminator()->getOperand(0)
                                             .getDefiningOp<tensor::InsertOp>()
                                             .getScalar()),
                            passRange(pass)->second);
  }
  outCB = db.cb(formatOfTile(r.store.getValue()), 2);
  Value unitIv = r.units.getInductionVar(), passIv = r.storeLoop.getInductionVar();

  db.kernel(noc::ThreadKind::reader);
  db.loop(r.perCore, [&](Value iv) {
    IRMapping m;
    m.map(unitIv, iv);
    Value at = recomputeIndex(db, r.unit, m);
    for (auto [row, cb] : llvm::zip(r.rows, rowCBs)) {
      Value source = db.input(cast<BlockArgument>(row.getSource()).getArgNumber());
      db.reserve(cb, row.getCount());
      db.loop(row.getCount(), [&](Value j) {
        db.read(source, db.apply(row.getMap().getResult(0), {at, j}), cb, j);
      });
      db.barrier();
      db.push(cb, row.getCount());
    }
  });

  db.kernel(noc::ThreadKind::compute);
  db.loop(r.perCore, [&](Value iv) {
    unitMap = IRMapping();
    unitMap.map(unitIv, iv);
    unit = recomputeIndex(db, r.unit, unitMap);
    rows.clear();
    tileCBs.clear();
    toPop.clear();
    inDst = Value();
    buildCompute();
  });

  db.kernel(noc::ThreadKind::writer);
  db.loop(r.perCore, [&](Value iv) {
    IRMapping m;
    m.map(unitIv, iv);
    Value zero = db.index(0);
    auto [lower, trips] = *passRange(r.storeLoop);
    AffineExpr d0 = getAffineDimExpr(0, db.context());
    db.loop(trips, [&](Value i) {
      IRMapping step = m;
      step.map(passIv, lower ? db.apply(d0 + lower, i) : i);
      db.wait(outCB, 1);
      db.write(outCB, zero, db.output(0),
               db.apply(r.store.getMap().getResult(0), recomputeIndex(db, r.store.getUnit(), step)));
      db.flush();
      db.pop(outCB, 1);
    });
  });
}

void tessel::lowering::buildRowKernels(DispatchBuilder &db, const RowLoop &loop) {
  RowKernels(db, loop).build();
}
