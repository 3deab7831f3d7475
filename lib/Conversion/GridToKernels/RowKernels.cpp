// A row loop's passes as kernels. The rows a unit loads are read into L1 once, behind one
// barrier, and held until the last pass that reads them (rows loaded before the unit loop,
// once per core, until the core is done); each pass reads their tiles by slot. As in a
// reduction's kernels, an accumulator (a tile of Dst's format that only the next step or the
// finish takes, copying it first) stays in Dst: the copies into Dst[0] and the packs that the
// value semantics of the loop form write are not emitted. Where a pass fills a row and folds
// each new tile into an accumulator at once, the accumulator lives in Dst[1] and the step
// takes the new tile where its math left it, in Dst[0]. Every other tile a pass computes goes
// through a buffer of its own: a statistic through one tile, a filled row through one of the
// row's tiles, a tile the math packs for itself through a one-tile buffer, the last pass's
// tiles to the writer.
#include "RowLoops.h"
#include "tessel/Transforms/TileLoopFusion.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

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
  /// Pops the buffers whose last use in the unit is `op` (an op of the unit loop's body).
  void popAfter(Operation *op);
  /// The kernel's tile for `v`, an input of a grid.compute in a pass at step `j` (or between
  /// passes, null).
  Value tileOf(Value v, Value j, bool lastStep);
  /// Clones `compute`'s body into the compute kernel at `indices`: without a leading copy of an
  /// accumulator that stays in Dst nor of a tile `forwarded` that the math left in Dst[0]; with
  /// `accumulator` (a reduction's start, step or finish) the body's Dst[0] is Dst[accReg]. Its
  /// final pack goes into slot `slot` of `packInto` (reserved just before, if `reserve`), or
  /// nowhere (the tile stays in Dst). With `aside`, an accumulator held in Dst[0] for a later
  /// op, the body's Dst[0] is Dst[1].
  void emitBody(grid::ComputeOp compute, ArrayRef<Value> indices, Value j, bool lastStep,
                Value packInto, Value slot, bool accumulator, bool reserve = true,
                Value forwarded = Value(), bool aside = false);

  DispatchBuilder &db;
  // Op handles are values whose accessors are not const.
  RowLoop r;
  SmallVector<Value> coreRowCBs, rowCBs;
  Value outCB;
  /// The buffer of each tile computed between passes that does not stay in Dst, of each row a
  /// pass fills, and of each tile a body packs for its own later ops: circular buffers are
  /// declared before the kernels.
  DenseMap<Operation *, Value> passCBs;
  DenseMap<Value, RowView> rows;
  DenseMap<Value, Value> tileCBs;
  /// The value Dst[accReg] holds for the op that takes it next, if any.
  Value inDst;
  int64_t accReg = 0;
  /// The counter of the pass being emitted.
  Value passIv;
  /// Each buffer of the unit (a row's, a statistic's) with its tiles and the op of the unit
  /// loop's body after which nothing reads it, in the order they are filled.
  SmallVector<std::tuple<Value, int64_t, Operation *>> toPop;
  Value unit;
};

} // namespace

void RowKernels::popAfter(Operation *op) {
  for (auto [cb, n, last] : toPop)
    if (last == op)
      db.pop(cb, n);
}

/// The op of `block` that holds `op`, or null.
static Operation *topLevel(Operation *op, Block *block) {
  while (op && op->getBlock() != block)
    op = op->getParentOp();
  return op;
}

/// The last op of `block` that reads `values` (directly or inside it; through the tiles
/// tensor.extract takes of a row, the ops that read those), or null.
static Operation *lastReader(ArrayRef<Value> values, Block *block) {
  Operation *last = nullptr;
  SmallVector<Value> work(values.begin(), values.end());
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (auto extract = dyn_cast<tensor::ExtractOp>(user)) {
        work.push_back(extract.getResult());
        continue;
      }
      if (Operation *top = topLevel(user, block); top && (!last || last->isBeforeInBlock(top)))
        last = top;
    }
  }
  return last;
}

void RowKernels::emitPass(scf::ForOp pass, function_ref<void(Value j, bool last)> body) {
  passIv = pass.getInductionVar();
  // Plain variables, not a structured binding: the lambdas below capture them.
  std::pair<int64_t, int64_t> range = *passRange(pass);
  int64_t lower = range.first, trips = range.second;
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
  if (constant)
    return db.get(row.cb, db.index(*constant));
  if (at == passIv)
    return db.get(row.cb, j);
  IRMapping step;
  step.map(passIv, j);
  return db.get(row.cb, recomputeIndex(db, at, step));
}

void RowKernels::emitBody(grid::ComputeOp compute, ArrayRef<Value> indices, Value j,
                          bool lastStep, Value packInto, Value slot, bool accumulator,
                          bool reserve, Value forwarded, bool aside) {
  OpBuilder &b = db.builder();
  Block &body = compute.getBody().front();
  size_t tiles = compute.getInputs().size();
  Operation *finalPack = cast<grid::YieldOp>(body.getTerminator()).getValue().getDefiningOp();
  bool fromDst = tiles && compute.getInputs().front() == inDst;
  SmallVector<Operation *> math = mathOf(body);
  DenseSet<Operation *> skipped;
  // The accumulator in Dst[accReg] is the body's Dst[0]; a forwarded tile in Dst[0] its
  // Dst[1].
  DenseMap<int64_t, int64_t> rename;
  if (fromDst)
    skipped.insert(math[0]);
  if (accumulator && accReg != 0)
    rename = {{0, accReg}, {accReg, 0}};
  if (aside && accReg == 0)
    rename = {{0, 1}, {1, 0}};
  if (forwarded)
    skipped.insert(math[1]);
  auto reg = [&](Value dst) {
    int64_t d = *getConstantIntValue(dst);
    return db.index(rename.count(d) ? rename[d] : d);
  };
  IRMapping m;
  for (auto [arg, value] : llvm::zip(body.getArguments().drop_front(tiles), indices))
    m.map(arg, value);
  for (auto [k, input] : llvm::enumerate(compute.getInputs()))
    if (!(k == 0 && fromDst) && input != forwarded)
      m.map(body.getArgument(k), tileOf(input, j, lastStep));
  // A tile the body packs for its own later ops goes through its buffer, freed after its last
  // use.
  DenseMap<Operation *, Operation *> lastUse;
  for (Operation *op : math)
    for (Value operand : op->getOperands())
      if (auto pack = operand.getDefiningOp<tile::PackOp>(); pack && passCBs.count(pack))
        lastUse[pack] = op;
  for (Operation &nested : body.without_terminator()) {
    Operation *op = &nested;
    if (skipped.contains(op))
      continue;
    if (op == finalPack) {
      if (!packInto)
        continue;
      if (reserve)
        db.reserve(packInto, 1);
      db.pack(reg(cast<tile::PackOp>(op).getDst()), packInto, slot);
      continue;
    }
    if (auto pack = dyn_cast<tile::PackOp>(op)) {
      m.map(pack.getResult(), db.stage(reg(pack.getDst()), passCBs.at(pack)));
      continue;
    }
    SmallVector<std::pair<unsigned, Value>> registers;
    for (OpOperand *operand : dstOperands(op))
      registers.push_back({operand->getOperandNumber(), reg(operand->get())});
    Operation *clone = b.clone(*op, m);
    for (auto [k, value] : registers)
      clone->setOperand(k, value);
    for (Value operand : op->getOperands())
      if (auto pack = operand.getDefiningOp<tile::PackOp>(); pack && lastUse.lookup(pack) == op)
        db.pop(passCBs.at(pack), 1);
  }
}

void RowKernels::buildCompute() {
  Value zero = db.index(0);
  Block *unitBody = r.units.getBody();
  // Each buffer is popped after the last op of the unit that reads it, so that the reader may
  // fill it again for the next unit meanwhile: a loaded row's after its last reader and that
  // of the rows with its last tile replaced; a computed tile's after its own and theirs.
  auto withReplacements = [](Value v) {
    SmallVector<Value> readers{v};
    for (Operation *user : v.getUsers())
      if (auto insert = dyn_cast<tensor::InsertOp>(user); insert && insert->getBlock() ==
                                                             v.getParentBlock())
        readers.push_back(insert.getResult());
    return readers;
  };
  auto popLater = [&](Value cb, int64_t n, Value v, Operation *producer) {
    Operation *last = lastReader(withReplacements(v), unitBody);
    toPop.push_back({cb, n, last ? last : producer});
  };
  for (auto [row, cb] : llvm::zip(r.rows, rowCBs)) {
    db.wait(cb, row.getCount());
    rows[row.getResult()] = RowView{cb, Value(), row.getCount()};
    popLater(cb, row.getCount(), row.getResult(), row);
  }
  for (Operation &nested : unitBody->without_terminator()) {
    if (auto insert = dyn_cast<tensor::InsertOp>(nested)) {
      if (insert.getDest().getDefiningOp<tensor::EmptyOp>()) {
        // A row of one tile that a folded pass filled.
        rows[insert.getResult()] = RowView{tileCBs.at(insert.getScalar()), Value(), 1};
      } else {
        RowView row = rows.at(insert.getDest());
        row.lastCB = tileCBs.at(insert.getScalar());
        rows[insert.getResult()] = row;
      }
    } else if (auto compute = dyn_cast<grid::ComputeOp>(nested)) {
      bool fromDst = !compute.getInputs().empty() && compute.getInputs().front() == inDst;
      // An accumulator in Dst that a later op takes (a folded pass's step): this tile is made
      // beside it.
      bool aside = inDst && !fromDst;
      if (!fromDst && !aside)
        db.acquireDst();
      SmallVector<Value> at{unit};
      if (compute.getIndices().size() == 2)
        at.push_back(db.index(*getConstantIntValue(compute.getIndices()[1])));
      if (!r.storeLoop && r.store.getValue() == compute.getResult()) {
        emitBody(compute, at, Value(), false, outCB, zero, /*accumulator=*/fromDst);
        db.push(outCB, 1);
        db.releaseDst();
        inDst = Value();
        accReg = 0;
        popAfter(&nested);
        continue;
      }
      Value cb = passCBs.lookup(compute);
      if (!cb) {
        // An accumulator's start: in Dst[1] when a pass fills a row beside it.
        if (!fromDst) {
          auto pass = dyn_cast<scf::ForOp>(*compute.getResult().getUsers().begin());
          accReg = pass && filledAndFolded(pass) ? 1 : 0;
        }
        emitBody(compute, at, Value(), false, Value(), Value(), /*accumulator=*/true);
        inDst = compute.getResult();
      } else {
        emitBody(compute, at, Value(), false, cb, zero, /*accumulator=*/fromDst,
                 /*reserve=*/true, Value(), aside);
        db.push(cb, 1);
        if (!aside) {
          db.releaseDst();
          inDst = Value();
          accReg = 0;
        }
        db.wait(cb, 1);
        tileCBs[compute.getResult()] = cb;
        popLater(cb, 1, compute.getResult(), compute);
      }
    } else if (auto pass = dyn_cast<scf::ForOp>(nested)) {
      if (pass == r.storeLoop) {
        grid::ComputeOp compute = *pass.getBody()->getOps<grid::ComputeOp>().begin();
        emitPass(pass, [&](Value j, bool last) {
          db.acquireDst();
          emitBody(compute, {unit, j}, j, last, outCB, zero, /*accumulator=*/false);
          db.push(outCB, 1);
          db.releaseDst();
        });
      } else {
        std::optional<FilledAndFolded> both = filledAndFolded(pass);
        Value rowCB = passCBs.lookup(pass);
        int64_t trips = passRange(pass)->second;
        if (rowCB)
          db.reserve(rowCB, trips);
        if (both) {
          // The accumulator holds Dst from its start to its finish; each new tile is made in
          // Dst[0], kept in the row, and folded from there.
          Value acc = pass.getRegionIterArgs()[1];
          emitPass(pass, [&](Value j, bool last) {
            inDst = Value();
            emitBody(both->fill, {unit, j}, j, last, rowCB, j, /*accumulator=*/false,
                     /*reserve=*/false);
            inDst = acc;
            emitBody(both->step, {unit, j}, j, last, Value(), Value(), /*accumulator=*/true,
                     /*reserve=*/true, both->fill.getResult());
          });
          inDst = pass.getResult(1);
        } else if (rowCB) {
          grid::ComputeOp compute = *pass.getBody()->getOps<grid::ComputeOp>().begin();
          emitPass(pass, [&](Value j, bool last) {
            db.acquireDst();
            emitBody(compute, {unit, j}, j, last, rowCB, j, /*accumulator=*/false,
                     /*reserve=*/false);
            db.releaseDst();
          });
        } else {
          // A reduction's steps: each starts from the accumulator the one before left in Dst.
          grid::ComputeOp compute = *pass.getBody()->getOps<grid::ComputeOp>().begin();
          inDst = pass.getRegionIterArgs()[0];
          emitPass(pass, [&](Value j, bool last) {
            emitBody(compute, {unit, j}, j, last, Value(), Value(), /*accumulator=*/true);
          });
          inDst = pass.getResult(0);
        }
        if (rowCB) {
          db.push(rowCB, trips);
          db.wait(rowCB, trips);
          rows[pass.getResult(0)] = RowView{rowCB, Value(), trips};
          popLater(rowCB, trips, pass.getResult(0), pass);
        }
      }
    }
    popAfter(&nested);
  }
}

void RowKernels::build() {
  for (grid::LoadRowOp row : r.coreRows)
    coreRowCBs.push_back(db.cb(row.getTileType().getFormat(), row.getCount()));
  for (grid::LoadRowOp row : r.rows)
    rowCBs.push_back(db.cb(row.getTileType().getFormat(),
                           (row.getPrefetch() ? 2 : 1) * row.getCount()));
  tile::DataFormat dstFormat = db.dispatchOp().getDstFormat();
  for (Operation &nested : r.units.getBody()->without_terminator()) {
    if (auto compute = dyn_cast<grid::ComputeOp>(nested);
        compute && !staysInDst(compute, dstFormat) && compute.getResult() != r.store.getValue())
      passCBs[compute] = db.cb(compute.getType().getFormat(), 1);
    if (auto pass = dyn_cast<scf::ForOp>(nested);
        pass && pass.getNumRegionIterArgs() && isRow(pass.getRegionIterArgs()[0]))
      passCBs[pass] = db.cb(formatOf(pass.getBody()->getTerminator()->getOperand(0)
                                             .getDefiningOp<tensor::InsertOp>()
                                             .getScalar()),
                            passRange(pass)->second);
  }
  r.units.getBody()->walk([&](grid::ComputeOp compute) {
    Block &body = compute.getBody().front();
    Value yielded = cast<grid::YieldOp>(body.getTerminator()).getValue();
    for (auto pack : body.getOps<tile::PackOp>())
      if (pack.getResult() != yielded)
        passCBs[pack] = db.cb(pack.getType().getFormat(), 1);
  });
  outCB = db.cb(formatOf(r.store.getValue()), 2);
  Value unitIv = r.units.getInductionVar();
  // Reads `row` at unit `at` into `cb`.
  auto readRow = [&](grid::LoadRowOp row, Value cb, Value at) {
    Value source = db.input(cast<BlockArgument>(row.getSource()).getArgNumber());
    db.reserve(cb, row.getCount());
    AffineExpr d0 = getAffineDimExpr(0, db.context());
    db.loop(row.getCount(), [&](Value j) {
      Value index = db.apply(row.getMap().getResult(0), {at, j});
      if (row.getScalars())
        // The value into the first position of the slot.
        db.readSpan(source, db.apply(d0.floorDiv(32), index), db.apply(d0 % 32, index), cb, j,
                    db.index(0), 1);
      else
        db.read(source, index, cb, j, row.getFirstRow());
    });
  };

  db.kernel(noc::ThreadKind::reader);
  for (auto [row, cb] : llvm::zip(r.coreRows, coreRowCBs)) {
    readRow(row, cb, db.index(*getConstantIntValue(row.getUnit())));
    db.barrier();
    db.push(cb, row.getCount());
  }
  // A unit's rows come in together, behind one barrier.
  db.loop(r.perCore, [&](Value iv) {
    IRMapping m;
    m.map(unitIv, iv);
    Value at = recomputeIndex(db, r.unit, m);
    for (auto [row, cb] : llvm::zip(r.rows, rowCBs))
      readRow(row, cb, at);
    db.barrier();
    for (auto [row, cb] : llvm::zip(r.rows, rowCBs))
      db.push(cb, row.getCount());
  });

  db.kernel(noc::ThreadKind::compute);
  for (auto [row, cb] : llvm::zip(r.coreRows, coreRowCBs))
    db.wait(cb, row.getCount());
  db.loop(r.perCore, [&](Value iv) {
    IRMapping unitMap;
    unitMap.map(unitIv, iv);
    unit = recomputeIndex(db, r.unit, unitMap);
    rows.clear();
    for (auto [row, cb] : llvm::zip(r.coreRows, coreRowCBs))
      rows[row.getResult()] = RowView{cb, Value(), row.getCount()};
    tileCBs.clear();
    toPop.clear();
    inDst = Value();
    accReg = 0;
    buildCompute();
  });
  for (auto [row, cb] : llvm::zip(r.coreRows, coreRowCBs))
    db.pop(cb, row.getCount());

  db.kernel(noc::ThreadKind::writer);
  db.loop(r.perCore, [&](Value iv) {
    IRMapping m;
    m.map(unitIv, iv);
    Value zero = db.index(0);
    auto writeTile = [&](IRMapping &step) {
      db.wait(outCB, 1);
      db.write(
          outCB, zero, db.output(0),
          db.apply(r.store.getMap().getResult(0), recomputeIndex(db, r.store.getUnit(), step)));
      db.flush();
      db.pop(outCB, 1);
    };
    if (!r.storeLoop)
      return writeTile(m); // the last pass, over a row of one tile, folded
    std::pair<int64_t, int64_t> range = *passRange(r.storeLoop);
    int64_t lower = range.first, trips = range.second;
    AffineExpr d0 = getAffineDimExpr(0, db.context());
    db.loop(trips, [&](Value i) {
      IRMapping step = m;
      step.map(r.storeLoop.getInductionVar(), lower ? db.apply(d0 + lower, i) : i);
      writeTile(step);
    });
  });
}

void tessel::lowering::buildRowKernels(DispatchBuilder &db, const RowLoop &loop) {
  RowKernels(db, loop).build();
}
