// Recognising a row loop: its rows, its passes and what each takes, checked before kernels are
// built for it (RowKernels.cpp).
#include "RowLoops.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

bool tessel::lowering::isRow(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getRank() == 1 && isa<tile::TileType>(type.getElementType());
}

std::optional<std::pair<int64_t, int64_t>> tessel::lowering::passRange(scf::ForOp pass) {
  std::optional<int64_t> lb = getConstantIntValue(pass.getLowerBound()),
                         ub = getConstantIntValue(pass.getUpperBound()),
                         step = getConstantIntValue(pass.getStep());
  if (!lb || !ub || step != 1 || *ub <= *lb)
    return std::nullopt;
  return std::make_pair(*lb, *ub - *lb);
}

/// Whether `compute`'s math starts by copying its input `k`, used nowhere else, into Dst[dst]
/// (at position `at` of its math).
static bool copiesInput(grid::ComputeOp compute, unsigned k, int64_t dst, size_t at) {
  Block &body = compute.getBody().front();
  SmallVector<Operation *> math = mathOf(body);
  if (k >= compute.getInputs().size() || at >= math.size())
    return false;
  BlockArgument arg = body.getArgument(k);
  auto copy = dyn_cast<tile::CopyOp>(math[at]);
  return copy && copy.getInput() == arg && arg.hasOneUse() &&
         getConstantIntValue(copy.getDst()) == dst;
}

/// The grid.compute of `pass` that takes the pass's carried value `carried` first, copying it
/// into Dst[0] first (a step of a reduction), or null.
static grid::ComputeOp stepOf(scf::ForOp pass, Value carried) {
  for (auto compute : pass.getBody()->getOps<grid::ComputeOp>())
    if (!compute.getInputs().empty() && compute.getInputs().front() == carried &&
        copiesInput(compute, 0, 0, 0))
      return compute;
  return {};
}

bool tessel::lowering::staysInDst(grid::ComputeOp compute, tile::DataFormat dstFormat) {
  Value result = compute.getResult();
  if (compute.getType().getFormat() != dstFormat || !result.hasOneUse())
    return false;
  OpOperand &use = *result.getUses().begin();
  if (auto pass = dyn_cast<scf::ForOp>(use.getOwner())) {
    unsigned k = use.getOperandNumber() - pass.getNumControlOperands();
    return stepOf(pass, pass.getRegionIterArgs()[k]) != nullptr;
  }
  auto next = dyn_cast<grid::ComputeOp>(use.getOwner());
  return next && use.getOperandNumber() == 0 && next->getBlock() == compute->getBlock() &&
         copiesInput(next, 0, 0, 0);
}

std::optional<FilledAndFolded> tessel::lowering::filledAndFolded(scf::ForOp pass) {
  if (pass.getNumRegionIterArgs() != 2 || !isRow(pass.getRegionIterArgs()[0]) ||
      isRow(pass.getRegionIterArgs()[1]))
    return std::nullopt;
  grid::ComputeOp step = stepOf(pass, pass.getRegionIterArgs()[1]);
  auto yield = cast<scf::YieldOp>(pass.getBody()->getTerminator());
  auto insert = yield.getOperand(0).getDefiningOp<tensor::InsertOp>();
  if (!step || !insert || yield.getOperand(1) != step.getResult())
    return std::nullopt;
  auto fill = insert.getScalar().getDefiningOp<grid::ComputeOp>();
  if (!fill || llvm::range_size(fill->getUses()) != 2)
    return std::nullopt;
  auto inputs = step.getInputs();
  auto it = llvm::find(inputs, fill.getResult());
  if (it == inputs.end() || !copiesInput(step, it - inputs.begin(), 1, 1))
    return std::nullopt;
  return FilledAndFolded{fill, step};
}

/// Checks a pass's loop over the tiles of a row: from a constant by 1 to a constant, its body
/// grid.computes at (unit, tile) over tiles it extracts at the counter (or tiles of the unit),
/// and `tail` for what follows the computes.
static LogicalResult checkPassLoop(grid::DispatchOp op, scf::ForOp loop, Value unit,
                                   function_ref<LogicalResult()> tail) {
  auto fail = [&](const Twine &why) { return tileLoopError(op, "row loop: " + why); };
  if (!passRange(loop))
    return fail("a pass runs from a constant by 1 to a larger constant");
  for (Operation &nested : loop.getBody()->without_terminator()) {
    if (auto extract = dyn_cast<tensor::ExtractOp>(nested)) {
      // Tile j of a row, or of a row of the unit's (a parameter's) one a function of j picks.
      Value at = extract.getIndices().size() == 1 ? extract.getIndices()[0] : Value();
      bool loaded = isa_and_nonnull<grid::LoadRowOp>(extract.getTensor().getDefiningOp());
      if (!at || (at != loop.getInductionVar() &&
                  !(loaded && recomputable(at, loop.getInductionVar()) &&
                    !isa<BlockArgument>(at))))
        return fail("a pass takes tile j of a row at its step j");
    } else if (auto compute = dyn_cast<grid::ComputeOp>(nested)) {
      if (compute.getIndices().size() != 2 || compute.getIndices()[0] != unit ||
          compute.getIndices()[1] != loop.getInductionVar())
        return fail("a pass computes at the unit and its counter");
    } else if (!isa<tensor::InsertOp, grid::StoreOp>(nested) && !isPure(&nested)) {
      return fail(Twine("'") + nested.getName().getStringRef() + "' in a pass");
    }
  }
  return tail();
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
  for (auto row : dispatchBody.getOps<grid::LoadRowOp>()) {
    if (!isInput(row.getSource()) || !getConstantIntValue(row.getUnit()))
      return fail("a row every unit shares is an input's, read at a constant");
    r.coreRows.push_back(row);
  }
  tile::DataFormat dstFormat = op.getDstFormat();
  for (Operation &nested : units.getBody()->without_terminator()) {
    if (r.store && !isPure(&nested))
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
      // Or, where a pass over a row of one tile was folded, fills that row.
      auto row = insert.getDest().getDefiningOp<grid::LoadRowOp>();
      auto empty = insert.getDest().getDefiningOp<tensor::EmptyOp>();
      if (!at || !insert.getScalar().getDefiningOp<grid::ComputeOp>() ||
          !(row ? *at == row.getCount() - 1
                : empty && *at == 0 && empty.getType().getDimSize(0) == 1))
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
      LogicalResult checked = checkPassLoop(op, loop, r.unit, [&]() -> LogicalResult {
        auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
        auto computes = loop.getBody()->getOps<grid::ComputeOp>();
        if (carried.empty()) {
          auto stores = loop.getBody()->getOps<grid::StoreOp>();
          if (!llvm::hasSingleElement(computes) || !llvm::hasSingleElement(stores) ||
              (*stores.begin()).getValue() != (*computes.begin()).getResult() ||
              (*stores.begin()).getDest() != dispatchBody.getArgument(op.getInputs().size()) ||
              !recomputable((*stores.begin()).getUnit(), {iv, loop.getInductionVar()}))
            return fail("the last pass stores each tile it computes into the output");
          r.storeLoop = loop;
          r.store = *stores.begin();
          return success();
        }
        for (auto [k, value] : llvm::enumerate(carried)) {
          if (isRow(value)) {
            auto insert = yield.getOperand(k).getDefiningOp<tensor::InsertOp>();
            if (!insert || insert.getDest() != value || insert.getIndices().size() != 1 ||
                insert.getIndices()[0] != loop.getInductionVar() ||
                !insert.getScalar().getDefiningOp<grid::ComputeOp>() ||
                !loop.getInitArgs()[k].getDefiningOp<tensor::EmptyOp>() ||
                *passRange(loop) != std::make_pair(int64_t(0), int64_t(cast<RankedTensorType>(
                                                                   value.getType())
                                                                   .getDimSize(0))))
              return fail("a pass that fills a row puts tile j in place at step j, from empty");
            continue;
          }
          grid::ComputeOp step = stepOf(loop, value);
          auto start = loop.getInitArgs()[k].getDefiningOp<grid::ComputeOp>();
          if (!step || !start || !staysInDst(start, dstFormat) ||
              yield.getOperand(k) != step.getResult() || !loop.getResult(k).hasOneUse())
            return fail("a reduction's steps fold each tile into the accumulator in Dst");
          auto finish = dyn_cast<grid::ComputeOp>(*loop.getResult(k).getUsers().begin());
          if (!finish || !copiesInput(finish, 0, 0, 0))
            return fail("a reduction's finish takes its accumulator first");
        }
        if (carried.size() == 2 && !filledAndFolded(loop))
          return fail("a pass that fills a row and folds into an accumulator takes each new "
                      "tile from Dst[0] into Dst[1] right after the accumulator");
        if (carried.size() > 2 || llvm::range_size(computes) != carried.size())
          return fail("a pass carries a row, an accumulator or both, one grid.compute each");
        return success();
      });
      if (failed(checked))
        return failure();
    } else if (auto store = dyn_cast<grid::StoreOp>(nested)) {
      // The last pass, over a row of one tile, folded.
      auto stored = store.getValue().getDefiningOp<grid::ComputeOp>();
      if (!stored || stored->getBlock() != units.getBody() ||
          store.getDest() != dispatchBody.getArgument(op.getInputs().size()) ||
          !recomputable(store.getUnit(), iv))
        return fail("the last pass stores its tiles");
      r.store = store;
    } else if (!isPure(&nested)) {
      return fail(Twine("'") + nested.getName().getStringRef() + "' in the unit loop");
    }
  }
  if (r.rows.empty() || !r.store)
    return fail("a unit loads its rows, then stores what its last pass computes");
  // Every tile the math takes is one the kernels hold: a tile of a row (loaded, with its last
  // replaced, or filled by a pass), a tile computed between passes, an accumulator, or the tile
  // a pass's step takes from Dst.
  Block *unitBody = units.getBody();
  auto held = [&](Value v, unsigned k, grid::ComputeOp user) {
    Operation *def = v.getDefiningOp();
    if (auto extract = dyn_cast_or_null<tensor::ExtractOp>(def)) {
      Operation *row = extract.getTensor().getDefiningOp();
      return row && (row->getBlock() == unitBody || isa<grid::LoadRowOp>(row)) &&
             isa<grid::LoadRowOp, tensor::InsertOp, scf::ForOp>(row);
    }
    if (k == 0 && (isa<BlockArgument>(v) || isa_and_nonnull<scf::ForOp>(def)))
      return true; // a reduction's accumulator, which its loop's check covered
    if (auto pass = dyn_cast<scf::ForOp>(user->getParentOp()))
      if (std::optional<FilledAndFolded> ff = filledAndFolded(pass);
          ff && ff->step == user && def == ff->fill)
        return true;
    return isa_and_nonnull<grid::ComputeOp>(def) && def->getBlock() == unitBody;
  };
  auto unheld = units.getBody()->walk([&](grid::ComputeOp compute) {
    for (auto [k, input] : llvm::enumerate(compute.getInputs()))
      if (!held(input, k, compute))
        return WalkResult::interrupt();
    auto yield = cast<grid::YieldOp>(compute.getBody().front().getTerminator());
    auto pack = yield.getValue().getDefiningOp<tile::PackOp>();
    if (!pack || getConstantIntValue(pack.getDst()) != 0)
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (unheld.wasInterrupted())
    return fail("the math takes tiles of the unit's rows, tiles computed between passes, and a "
                "reduction's accumulator only, and yields the pack of Dst[0]");
  return r;
}
