#include "tessel/Transforms/RowShards.h"

#include "Graph/GraphOps.h"
#include "Grid/GridDialect.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/L1Tensors.h"
#include "tessel/Transforms/MatmulProblem.h"
#include "llvm/ADT/EquivalenceClasses.h"

#include <cmath>

using namespace mlir;
using namespace tessel;

namespace {

/// A matmul that may take a row-block plan, as tt-choose-op-configs left it.
struct Member {
  mutable graph::MatMulOp op; // ops' accessors are not const
  bool gather;
  cost::MatmulProblem problem; // its reads as they are now: nothing sharded yet
  double cycles;               // the estimate of its plan now
  int64_t position, lastRead;  // in the function's body
  int lhsFrom = -1, residualFrom = -1;
};

/// What a group of members takes with row blocks over one rectangle.
struct Alignment {
  double cycles = 0;
  SmallVector<cost::MatmulPlan> plans;
  SmallVector<double> estimates;
  std::vector<int64_t> extraHeld; // per position, bytes per core the shards add
};

} // namespace

/// Whether a tensor of `type` is one matrix: its rows are its tile rows in order.
static bool isMatrix(RankedTensorType type) {
  ArrayRef<int64_t> shape = type.getShape();
  return shape.size() >= 2 &&
         llvm::all_of(shape.drop_back(2), [](int64_t d) { return d == 1; });
}

/// The last position that reads `v`, directly or through windows gathered from it.
static int64_t lastRead(Value v, const DenseMap<Operation *, int64_t> &position) {
  int64_t last = 0;
  for (OpOperand &use : v.getUses()) {
    last = std::max(last, position.lookup(use.getOwner()));
    if (isa<graph::RemapOp>(use.getOwner()))
      for (Operation *reader : use.getOwner()->getUsers())
        last = std::max(last, position.lookup(reader));
  }
  return last;
}

/// The matmuls that read `v`: as an operand, or through windows they gather from it.
static SmallVector<Operation *> matmulReaders(Value v) {
  SmallVector<Operation *> out;
  for (OpOperand &use : v.getUses()) {
    if (isa<graph::MatMulOp>(use.getOwner()))
      out.push_back(use.getOwner());
    else if (isa<graph::RemapOp>(use.getOwner()))
      for (OpOperand &gathered : use.getOwner()->getUses())
        if (isa<graph::MatMulOp>(gathered.getOwner()) && gathersThroughRemap(gathered))
          out.push_back(gathered.getOwner());
  }
  return out;
}

/// The members of `group` over row blocks of `cores` cores, each its best such plan given
/// which of the others' results are sharded (those only members read, as matmuls); none when a
/// member has no such plan or the shards do not fit.
static std::optional<Alignment> alignOver(ArrayRef<Member> members, ArrayRef<int> group,
                                          ArrayRef<bool> shardable, int64_t cores,
                                          ArrayRef<Operation *> ops, const rt::ChipDesc &chip,
                                          HeldL1 l1) {
  std::optional<std::pair<int64_t, int64_t>> rect = cost::rectangle(chip, cores);
  int64_t mt = members[group.front()].problem.mt;
  if (!rect || mt % cores)
    return std::nullopt;
  int64_t rows = mt / cores;
  Alignment a;
  a.extraHeld.assign(ops.size(), 0);
  int all = chip.gridX * chip.gridY;
  for (int i : group) {
    if (!shardable[i])
      continue;
    const Member &m = members[i];
    auto type = cast<RankedTensorType>(m.op.getType());
    RankedTensorType sharded = withShards(type, grid::Sharding::height_sharded, rows,
                                          m.problem.nt, rect->first, rect->second);
    int64_t extra = l1BytesPerCore(sharded, all) - l1BytesPerCore(type, all);
    for (int64_t p = m.position; p <= m.lastRead; ++p)
      a.extraHeld[size_t(p)] += extra;
  }
  // The other matmuls that run meanwhile keep their plans: their buffers must still fit.
  for (size_t p = 0; p < ops.size(); ++p) {
    if (a.extraHeld[p] <= 0)
      continue;
    int64_t held = l1.held.lookup(ops[p]) + a.extraHeld[p];
    if (held > l1.capacity)
      return std::nullopt;
    auto other = dyn_cast<graph::MatMulOp>(ops[p]);
    auto config =
        other ? other->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName) : nullptr;
    if (!config || llvm::any_of(group, [&](int i) { return members[i].op == other; }))
      continue;
    FailureOr<cost::MatmulProblem> problem = matmulProblem(other, chip, config.gathersLhs());
    if (failed(problem) || cost::l1Bytes(*problem, matmulPlan(config)) > l1.budget(held))
      return std::nullopt;
  }
  for (int i : group) {
    const Member &m = members[i];
    cost::MatmulProblem problem = m.problem;
    auto local = [&](int from, int64_t &shardRows, int64_t &x, int64_t &y) {
      if (from >= 0 && shardable[from])
        shardRows = rows, x = rect->first, y = rect->second;
    };
    local(m.lhsFrom, problem.lhsShardRows, problem.lhsShardCoresX, problem.lhsShardCoresY);
    local(m.residualFrom, problem.residualShardRows, problem.residualShardCoresX,
          problem.residualShardCoresY);
    int64_t budget = l1.budget(l1.held.lookup(m.op) + a.extraHeld[size_t(m.position)]);
    std::optional<cost::MatmulPlan> best;
    double bestCycles = 0;
    for (const cost::MatmulPlan &plan : cost::rowBlockPlans(chip, problem, cores, budget)) {
      double cycles = cost::estimate(chip, problem, plan).cycles;
      if (!best || cycles < bestCycles)
        best = plan, bestCycles = cycles;
    }
    if (!best)
      return std::nullopt;
    a.plans.push_back(*best);
    a.estimates.push_back(bestCycles);
    a.cycles += bestCycles;
  }
  return a;
}

int64_t tessel::alignRowShards(func::FuncOp func, const rt::ChipDesc &chip, HeldL1 l1,
                               const DenseSet<Operation *> &given) {
  SmallVector<Operation *> ops;
  DenseMap<Operation *, int64_t> position;
  for (Operation &op : func.getBody().front()) {
    position[&op] = int64_t(ops.size());
    ops.push_back(&op);
  }
  SmallVector<Member> members;
  DenseMap<Operation *, int> index;
  for (Operation *op : ops) {
    auto matmul = dyn_cast<graph::MatMulOp>(op);
    auto config =
        matmul ? matmul->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName) : nullptr;
    if (!config || given.contains(op) || config.getGroups() != 1 ||
        config.getRhsStoredTiles() != 0 || config.getSkipZeroLhs() || !inL1(matmul) ||
        !isMatrix(matmul.getType()))
      continue;
    FailureOr<cost::MatmulProblem> problem = matmulProblem(matmul, chip, config.gathersLhs());
    if (failed(problem) || problem->batch != 1)
      continue;
    double cycles = cost::estimate(chip, *problem, matmulPlan(config)).cycles;
    index[op] = int(members.size());
    members.push_back(Member{matmul, config.gathersLhs(), *problem, cycles, position[op],
                             lastRead(matmul.getResult(), position)});
  }
  // A member's operand made by another over the same rows.
  llvm::EquivalenceClasses<int> groups;
  for (size_t i = 0; i < members.size(); ++i) {
    Member &m = members[i];
    groups.insert(int(i));
    auto from = [&](Value v) -> int {
      auto producer = v ? v.getDefiningOp<graph::MatMulOp>() : nullptr;
      auto it = producer ? index.find(producer) : index.end();
      if (it == index.end() || tileRows(cast<RankedTensorType>(v.getType())) != m.problem.mt ||
          !isMatrix(cast<RankedTensorType>(v.getType())))
        return -1;
      groups.unionSets(int(i), it->second);
      return it->second;
    };
    Value lhs = m.op.getLhs();
    m.lhsFrom = from(m.gather ? lhs.getDefiningOp<graph::RemapOp>().getInput() : lhs);
    m.residualFrom = from(m.op.getResidual());
  }
  // A member's result is sharded only where every matmul reading it is a member: the others'
  // cores take their rows in passes, or not as blocks of these rows.
  SmallVector<bool> shardable;
  for (const Member &m : members)
    shardable.push_back(llvm::all_of(matmulReaders(m.op.getResult()), [&](Operation *reader) {
      auto it = index.find(reader);
      return it != index.end() && groups.isEquivalent(it->second, index[m.op]);
    }));

  // The plans chosen alone as they will run: where a member's plan shards its result as the
  // rows another member's plan computes (every matmul reading it a member that computes in one
  // pass), the reader reads locally, its K chunk and subblocks chosen again for that.
  for (size_t i = 0; i < members.size(); ++i) {
    Member &m = members[i];
    cost::MatmulPlan plan = matmulPlan(m.op->getAttrOfType<grid::MatmulConfigAttr>(
        grid::kConfigAttrName));
    cost::MatmulProblem problem = m.problem;
    auto local = [&](int from, int64_t &rows, int64_t &x, int64_t &y) {
      if (from < 0 || !shardable[from])
        return;
      const Member &source = members[from];
      auto config = source.op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
      std::optional<ResultShards> shards =
          resultShards(config, 1, source.problem.mt, source.problem.nt);
      bool onePassReaders = llvm::all_of(matmulReaders(source.op.getResult()), [&](Operation *r) {
        const Member &reader = members[index[r]];
        return matmulPlan(r->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName))
                   .passes(reader.problem) == 1;
      });
      if (shards && shards->sharding == grid::Sharding::height_sharded && onePassReaders)
        rows = shards->rows, x = config.getCoresX(), y = config.getCoresY();
    };
    local(m.lhsFrom, problem.lhsShardRows, problem.lhsShardCoresX, problem.lhsShardCoresY);
    local(m.residualFrom, problem.residualShardRows, problem.residualShardCoresX,
          problem.residualShardCoresY);
    if (!problem.readsLhsLocally(plan) && !problem.readsResidualLocally(plan))
      continue;
    for (const cost::MatmulPlan &other :
         cost::chunkings(chip, problem, plan, l1.budget(l1.held.lookup(m.op))))
      m.cycles = std::min(m.cycles, cost::estimate(chip, problem, other).cycles);
  }

  int64_t changed = 0;
  for (auto leader = groups.begin(); leader != groups.end(); ++leader) {
    if (!leader->isLeader())
      continue;
    SmallVector<int> group(groups.member_begin(leader), groups.member_end());
    if (group.size() < 2)
      continue;
    llvm::sort(group);
    double now = 0;
    for (int i : group)
      now += members[i].cycles;
    std::optional<Alignment> best;
    for (int64_t cores = 2; cores <= int64_t(chip.gridX) * chip.gridY; ++cores)
      if (std::optional<Alignment> a = alignOver(members, group, shardable, cores, ops, chip, l1))
        if (!best || a->cycles < best->cycles)
          best = std::move(a);
    if (!best || best->cycles >= (1.0 - kRowShardMargin) * now)
      continue;
    for (auto [k, i] : llvm::enumerate(group)) {
      const Member &m = members[i];
      m.op->setAttr(grid::kConfigAttrName,
                    matmulConfigAttr(m.op.getContext(), best->plans[k], m.gather,
                                     int64_t(std::llround(best->estimates[k]))));
      ++changed;
    }
    for (size_t p = 0; p < ops.size(); ++p)
      if (best->extraHeld[p])
        l1.held[ops[p]] += best->extraHeld[p];
  }
  return changed;
}
