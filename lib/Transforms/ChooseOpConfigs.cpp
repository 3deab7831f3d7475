#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/AttentionPlan.h"
#include "tessel/Transforms/L1Tensors.h"
#include "tessel/Transforms/Normalization.h"
#include "tessel/Transforms/ReduceSplit.h"
#include "tessel/Transforms/RowShards.h"
#include "tessel/Transforms/SplitK.h"
#include "tessel/Transforms/StreamSoftmax.h"
#include "tessel/Transforms/StageGatherSources.h"
#include "tessel/Transforms/MatmulProblem.h"
#include "tessel/Transforms/Passes.h"
#include "tessel/Transforms/ZeroTiles.h"

#include "llvm/Support/GlobPattern.h"

namespace tessel {
#define GEN_PASS_DEF_CHOOSEOPCONFIGS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

/// Counts the tiles `stored` of `op`'s constant rhs (0: every tile) in `problem`, with how many
/// each tile column stores.
static void setStoredTiles(cost::MatmulProblem &problem, graph::MatMulOp op, int64_t stored,
                           const std::optional<ConstantTiles> &known = std::nullopt) {
  problem.rhsStoredTiles = stored;
  problem.rhsStoredPerColumn.reset();
  if (stored == 0)
    return;
  std::optional<ConstantTiles> tiles = known ? known : constantTiles(op.getRhs());
  if (!tiles || tiles->stored != stored)
    return;
  auto perColumn = std::make_shared<std::vector<int64_t>>(tiles->nt, 0);
  for (size_t i = 0; i < tiles->place.size(); ++i)
    (*perColumn)[i % tiles->nt] += tiles->place[i] != 0;
  problem.rhsStoredPerColumn = std::move(perColumn);
}

namespace {

/// How much faster the cost model must estimate skipping a weight's zero tiles than the best
/// dense blocking before the pass chooses it.
constexpr double kSparseMargin = 0.10;

/// The same for splitting a matmul along K: the split adds a dispatch (the reduce) and
/// multicasts over more, shorter chunks, both of which the model underestimates (ResNet-50's
/// last 3x3 at batch 1: estimated 6% faster split, simulated 4% slower). Cutting a reduce's rows
/// adds a dispatch too, and takes the same margin.
constexpr double kSplitMargin = 0.10;

/// The L1 a matmul's circular buffers may take when the tensors kept in L1 hold `held` bytes
/// meanwhile. Those tensors keep one address for their whole life, so they cannot always pack
/// without gaps: they are given half again as much room as they take.
int64_t cbBudget(int64_t available, int64_t held) { return available - held - held / 2; }

/// Matmuls without a given config that a split of K applies to.
SmallVector<graph::MatMulOp> splitCandidates(ModuleOp module) {
  SmallVector<graph::MatMulOp> out;
  module.walk([&](graph::MatMulOp op) {
    if (!op->hasAttr(grid::kConfigAttrName) && splittable(op))
      out.push_back(op);
  });
  return out;
}

/// Splits `op`'s K when the cost model estimates the batched matmul and the reduce faster than
/// the best blocking of `op` itself. `held`: L1 bytes per core the tensors kept in
/// L1 hold during each op, updated for the new ops.
void maybeSplit(graph::MatMulOp op, const rt::ChipDesc &chip, int64_t limit, int64_t available,
                double gap, llvm::DenseMap<Operation *, int64_t> &held) {
  int64_t budget = std::min(limit, cbBudget(available, held.lookup(op)));
  auto windows = op.getLhs().getDefiningOp<graph::RemapOp>();
  bool gather = windows && absorbableIntoMatmul(windows);
  FailureOr<cost::MatmulProblem> problem = matmulProblem(op, chip, gather);
  if (failed(problem))
    return;
  std::optional<cost::MatmulPlan> whole = cost::choosePlan(chip, *problem, budget);
  if (!whole)
    return;
  double unsplit = cost::estimate(chip, *problem, *whole).cycles,
         best = (1.0 - kSplitMargin) * unsplit;
  int64_t splits = 1;
  int cores = chip.gridX * chip.gridY;
  // The L1 per core that `s` partial products take when they stay there (a quarter of the
  // budget at most), else 0.
  auto partialsInL1 = [&](int64_t s) -> int64_t {
    int64_t bytes =
        (s * problem->mt * problem->nt + cores - 1) / cores * rt::tileBytes(problem->out);
    return bytes <= budget / 4 ? bytes : 0;
  };
  for (int64_t s : kSplits) {
    if (problem->kt % s)
      continue;
    // The partial products: S batches of K/S, no epilogue, kept in L1 when they fit.
    cost::MatmulProblem part = *problem;
    part.batch = s;
    part.kt /= s;
    part.hasBias = part.hasResidual = false;
    part.epilogueCycles = 0;
    part.outInL1 = partialsInL1(s) > 0;
    std::optional<cost::MatmulPlan> plan = cost::choosePlan(chip, part, budget - partialsInL1(s));
    if (!plan)
      continue;
    double cycles = cost::estimate(chip, part, *plan).cycles + splitReduceCycles(chip, *problem, s, gap);
    if (cycles < best) {
      best = cycles;
      splits = s;
    }
  }
  if (splits == 1)
    return;
  int64_t h = held.lookup(op), partials = partialsInL1(splits);
  held.erase(op);
  graph::MatMulOp partial =
      splitK(op, splits, partials ? grid::MemorySpace::l1 : grid::MemorySpace::dram);
  held[partial] = held[*partial->getUsers().begin()] = h + partials;
}

/// Chooses `op`'s K chunk and subblocks again when its reader takes the lhs or the residual
/// from its own shard (gathers the lhs from its own shard and its neighbours'), keeping the grid
/// and the blocks; returns whether the config changed. With `keepPlan` (a config the user
/// gave) only the estimate is updated.
bool refineLocalReads(graph::MatMulOp op, const rt::ChipDesc &chip, int64_t budget,
                      bool keepPlan) {
  auto config = op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
  if (!config)
    return false;
  cost::MatmulPlan current = matmulPlan(config);
  FailureOr<cost::MatmulProblem> problem = matmulProblem(op, chip, config.gathersLhs());
  if (failed(problem) ||
      (!problem->readsLhsLocally(current) && !problem->readsResidualLocally(current)))
    return false;
  setStoredTiles(*problem, op, config.getRhsStoredTiles());
  cost::MatmulPlan best = current;
  double bestCycles = cost::estimate(chip, *problem, current).cycles;
  for (const cost::MatmulPlan &plan :
       keepPlan ? std::vector<cost::MatmulPlan>() : cost::chunkings(chip, *problem, current, budget)) {
    double cycles = cost::estimate(chip, *problem, plan).cycles;
    if (cycles < bestCycles) {
      best = plan;
      bestCycles = cycles;
    }
  }
  int64_t cycles = int64_t(std::llround(bestCycles));
  op->setAttr(grid::kConfigAttrName,
              matmulConfigAttr(op.getContext(), best, config.gathersLhs(), cycles, problem->rhsStoredTiles));
  return best.kChunk != current.kChunk || best.subM != current.subM || best.subN != current.subN;
}

/// Chooses again the plan of the matmul whose result an implicit GEMM `op` gathers its windows
/// from, so that the result's shards are the GEMM's own rows (MatmulProblem::readsLhsLocally),
/// where the two estimates together say it pays: each op's plan is chosen alone, and the
/// producer's cannot see that the GEMM would read its windows from its own L1 and a
/// neighbour's instead of over the whole NoC. `budgetOf` gives an op's L1 budget. Returns
/// whether the producer's config changed.
bool alignWindowSource(graph::MatMulOp op, const rt::ChipDesc &chip,
                       function_ref<int64_t(Operation *)> budgetOf,
                       const llvm::DenseSet<Operation *> &given) {
  auto config = op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
  auto windows = op.getLhs().getDefiningOp<graph::RemapOp>();
  auto producer = windows ? windows.getInput().getDefiningOp<graph::MatMulOp>() : nullptr;
  if (!config || !config.gathersLhs() || !producer || given.contains(op) ||
      given.contains(producer) || !producer->hasOneUse() || !windows->hasOneUse())
    return false;
  auto producerConfig = producer->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
  grid::LayoutAttr layout = grid::getLayout(producer.getType());
  if (!producerConfig || !layout || layout.getMemory() != grid::MemorySpace::l1)
    return false;
  cost::MatmulPlan gemm = matmulPlan(config);
  rt::TiledShape tiled = tiledShapeOf(producer.getType());
  auto shardsRows = [&](grid::MatmulConfigAttr c) {
    std::optional<ResultShards> shards =
        resultShards(c, tiled.batch, tiled.rowsTiles, tiled.colsTiles);
    return shards && shards->sharding == grid::Sharding::height_sharded &&
           shards->rows == gemm.blockM && c.getCoresX() == gemm.coresX &&
           c.getCoresY() == gemm.coresY;
  };
  FailureOr<cost::MatmulProblem> reads = matmulProblem(op, chip, /*gatherLhs=*/true);
  if (shardsRows(producerConfig) || failed(reads) || !reads->lhsInL1)
    return false;
  setStoredTiles(*reads, op, config.getRhsStoredTiles());
  cost::MatmulProblem local = *reads;
  local.lhsShardRows = gemm.blockM;
  local.lhsShardCoresX = gemm.coresX;
  local.lhsShardCoresY = gemm.coresY;
  if (!local.readsLhsLocally(gemm))
    return false;
  // The GEMM's best K chunk and subblocks on its grid and blocks, windows read locally.
  double gemmNow = cost::estimate(chip, *reads, gemm).cycles;
  double gemmLocal = cost::estimate(chip, local, gemm).cycles;
  for (const cost::MatmulPlan &plan : cost::chunkings(chip, local, gemm, budgetOf(op)))
    gemmLocal = std::min(gemmLocal, cost::estimate(chip, local, plan).cycles);
  FailureOr<cost::MatmulProblem> made =
      matmulProblem(producer, chip, producerConfig.gathersLhs());
  if (failed(made))
    return false;
  setStoredTiles(*made, producer, producerConfig.getRhsStoredTiles());
  double producerNow = cost::estimate(chip, *made, matmulPlan(producerConfig)).cycles;
  std::optional<cost::MatmulPlan> aligned;
  double alignedCycles = 0;
  for (const cost::MatmulPlan &plan : cost::enumeratePlans(chip, *made, budgetOf(producer))) {
    if (!shardsRows(matmulConfigAttr(op.getContext(), plan, producerConfig.gathersLhs(), 0)))
      continue;
    double cycles = cost::estimate(chip, *made, plan).cycles;
    if (!aligned || cycles < alignedCycles)
      aligned = plan, alignedCycles = cycles;
  }
  if (!aligned || alignedCycles + gemmLocal >= producerNow + gemmNow)
    return false;
  producer->setAttr(grid::kConfigAttrName,
                    matmulConfigAttr(op.getContext(), *aligned, producerConfig.gathersLhs(),
                           int64_t(std::llround(alignedCycles)), made->rhsStoredTiles));
  return true;
}

struct ChooseOpConfigsPass : tessel::impl::ChooseOpConfigsBase<ChooseOpConfigsPass> {
  using ChooseOpConfigsBase::ChooseOpConfigsBase;

  /// The best plan that skips the all-zero tiles of `op`'s constant rhs, when the model
  /// estimates it faster than `dense`; `problem` then counts the tiles stored.
  std::optional<cost::MatmulPlan> skippingZeroTiles(graph::MatMulOp op,
                                                    cost::MatmulProblem &problem, int64_t budget,
                                                    const cost::MatmulPlan &dense) {
    std::optional<ConstantTiles> tiles = constantTiles(op.getRhs());
    if (!tiles || tiles->stored == 0 || tiles->stored == tiles->tiles())
      return std::nullopt;
    cost::MatmulProblem sparse = problem;
    setStoredTiles(sparse, op, tiles->stored, tiles);
    std::optional<cost::MatmulPlan> plan = cost::choosePlan(*chip, sparse, budget);
    // The model underestimates the skipping kernels about 10% more than dense ones (their
    // shorter chunks expose the lhs's multicast handshakes; test/e2e/test_sparsity.py): they
    // must be estimated that much faster.
    if (!plan || (!forceSkipZeroTiles &&
                  cost::estimate(*chip, sparse, *plan).cycles >=
                      (1.0 - kSparseMargin) * cost::estimate(*chip, problem, dense).cycles))
      return std::nullopt;
    problem = sparse;
    return plan;
  }

  /// The best plan that tests `op`'s activation lhs tiles and skips the zero ones, when forced
  /// or when a profile's share of zero tiles makes the model estimate it faster than `plan`;
  /// `problem` then holds the share.
  std::optional<cost::MatmulPlan> skippingZeroLhsTiles(graph::MatMulOp op,
                                                       cost::MatmulProblem &problem,
                                                       int64_t budget,
                                                       const cost::MatmulPlan &plan) {
    if (op.getLhs().getDefiningOp<graph::ConstantOp>())
      return std::nullopt;
    if (forceSkipZeroTiles) {
      cost::MatmulPlan tested = plan;
      tested.skipZeroLhs = true;
      return tested;
    }
    // The last glob that names one of the op's nodes gives the share.
    std::optional<double> share;
    for (const std::string &spec : lhsZeroShares) {
      auto [glob, value] = StringRef(spec).rsplit('=');
      double v = 0;
      llvm::Expected<llvm::GlobPattern> pattern = llvm::GlobPattern::create(glob);
      if (!pattern) {
        llvm::consumeError(pattern.takeError());
        continue;
      }
      if (!value.getAsDouble(v) && graph::namesNode(*pattern, op.getLoc()))
        share = v;
    }
    if (!share || *share <= 0)
      return std::nullopt;
    cost::MatmulProblem zeros = problem;
    zeros.lhsZeroShare = *share;
    double dense = cost::estimate(*chip, problem, plan).cycles;
    std::optional<cost::MatmulPlan> best;
    double bestCycles = (1.0 - kSparseMargin) * dense;
    for (cost::MatmulPlan candidate : cost::enumeratePlans(*chip, zeros, budget)) {
      candidate.skipZeroLhs = true;
      double cycles = cost::estimate(*chip, zeros, candidate).cycles;
      if (cycles < bestCycles)
        best = candidate, bestCycles = cycles;
    }
    if (best)
      problem = zeros;
    return best;
  }

  std::optional<rt::ChipDesc> chip;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<rt::ChipDesc> found = getChipDesc(module);
    if (failed(found))
      return signalPassFailure();
    chip = *found;
    int64_t available = chip->l1Bytes - chip->l1ReservedBytes;
    int64_t limit = l1Budget > 0 ? std::min<int64_t>(l1Budget, available) : available;
    // A softmax whose row its kernel cannot hold streams the row through reductions and
    // elementwise ops instead, whose tensors may then stay in L1 like any other.
    SmallVector<graph::SoftmaxOp> longRows;
    module.walk([&](graph::SoftmaxOp op) {
      auto type = cast<RankedTensorType>(op.getType());
      if (int64_t(op.getAxis()) == type.getRank() - 1 && softmaxRowL1Bytes(type) > limit)
        longRows.push_back(op);
    });
    for (graph::SoftmaxOp op : longRows)
      streamSoftmax(op);
    numStreamedSoftmax += longRows.size();
    // So does a normalisation: its statistics become reduces of the row. So, too, does one of
    // long rows that would leave most of the grid idle (the kernel takes a core a row): its
    // elementwise work then spreads over every core, and only the statistics' reduces stay a
    // core a row. Measured in bf16 (row kernel -> expanded, cycles): a layer norm of 1 row of
    // 128 tiles 70.4k -> 39.4k, of 2 rows 70.4k -> 59.6k, of 4 rows 91.6k -> 82.0k; of 4 rows
    // of 32 tiles 26.7k -> 28.3k and of 8 rows 29.8k -> 35.5k (kept); a Llama decode layer's
    // RMSNorm of 1 row of 128 tiles in bfp8 36.8k -> 18.8k.
    SmallVector<NormView> longNorms;
    int64_t cores = int64_t(chip->gridX) * chip->gridY;
    module.walk([&](Operation *op) {
      std::optional<NormView> norm = NormView::of(op);
      if (!norm)
        return;
      bool fewLongRows =
          normHasRowKernel(*norm) && normTileRows(*norm) * 8 <= cores && normRowTiles(*norm) >= 64;
      if (normRowL1Bytes(*norm) > limit || fewLongRows)
        longNorms.push_back(*norm);
    });
    SmallVector<graph::GroupNormOp> largeGroups;
    module.walk([&](graph::GroupNormOp op) {
      if (groupNormL1Bytes(op) > limit)
        largeGroups.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (const NormView &norm : longNorms)
      expandNorm(rewriter, norm);
    for (graph::GroupNormOp op : largeGroups)
      expandGroupNorm(rewriter, op);
    numExpandedNorms += longNorms.size() + largeGroups.size();
    // The tensors kept in L1 first; each op's circular buffers get what they leave.
    llvm::DenseMap<Operation *, int64_t> held;
    if (l1Tensors)
      for (auto func : module.getOps<func::FuncOp>())
        for (auto [op, bytes] :
             keepTensorsInL1(func, *chip, int64_t(kL1TensorShare * double(available))))
          held[op] = bytes;
    // An input that a remap gathers from DRAM in runs of a few values is copied to L1 first,
    // where the L1 the tensors kept there leave holds it.
    if (l1Tensors && stageGathers)
      for (auto func : module.getOps<func::FuncOp>())
        numStagedGathers += stageGatherSources(
            func, *chip, cost::dispatchGapCycles(*chip, joinDispatches, chip->gridX, chip->gridY),
            held, int64_t(kL1TensorShare * double(available)));
    if (splitK)
      for (graph::MatMulOp op : splitCandidates(module))
        maybeSplit(op, *chip, limit, available,
                   cost::dispatchGapCycles(*chip, joinDispatches, chip->gridX, chip->gridY),
                   held);
    llvm::DenseSet<Operation *> givenConfigs;
    WalkResult result = module.walk([&](graph::MatMulOp op) {
      int64_t budget = std::min(limit, cbBudget(available, held.lookup(op)));
      std::optional<cost::MatmulPlan> plan;
      // A convolution's windows are gathered by the matmul's reader rather than written out
      // by a dispatch of their own and read back.
      auto windows = op.getLhs().getDefiningOp<graph::RemapOp>();
      bool gather = windows && absorbableIntoMatmul(windows);
      auto given = op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
      if (given) {
        if (given.gathersLhs() && !gather) {
          op.emitError() << "matmul config " << given
                         << " gathers the lhs, which is not a remap that reads zeros as padding "
                            "in runs of at least "
                         << kMinAbsorbedRun << " values";
          return WalkResult::interrupt();
        }
        gather = given.gathersLhs();
      }
      FailureOr<cost::MatmulProblem> problem = matmulProblem(op, *chip, gather);
      if (failed(problem))
        return WalkResult::interrupt();
      if (given) {
        setStoredTiles(*problem, op, given.getRhsStoredTiles());
        // A given config may use all the L1 the budget allows: tt-allocate-buffers moves to DRAM
        // the tensors it leaves no room for.
        std::string why;
        if (!cost::isValid(*chip, *problem, matmulPlan(given), limit, &why)) {
          op.emitError() << "matmul config " << given << " does not suit this matmul: " << why;
          return WalkResult::interrupt();
        }
        plan = matmulPlan(given);
        givenConfigs.insert(op);
      } else {
        plan = cost::choosePlan(*chip, *problem, budget, /*spareL1=*/held.lookup(op) > 0);
        // Tensors kept in L1 never make a matmul fail: with the whole budget, tt-allocate-buffers
        // moves to DRAM those it leaves no room for.
        if (!plan && budget < limit)
          plan = cost::choosePlan(*chip, *problem, limit);
        if (!plan) {
          cost::MatmulPlan smallest;
          op.emitError() << "no matmul blocking fits " << limit
                         << " bytes of L1 per core; the smallest needs "
                         << cost::l1Bytes(*problem, smallest) << " bytes";
          return WalkResult::interrupt();
        }
        ++numChosen;
        if (skipZeroTiles || forceSkipZeroTiles)
          if (std::optional<cost::MatmulPlan> sparse = skippingZeroTiles(op, *problem, budget,
                                                                         *plan)) {
            plan = sparse;
            ++numSparse;
          }
        if (std::optional<cost::MatmulPlan> tested = skippingZeroLhsTiles(op, *problem, budget,
                                                                           *plan)) {
          plan = tested;
          ++numZeroLhs;
        }
        plan = cost::deferWritesWherePaying(*chip, *problem, *plan, budget);
      }
      int64_t cycles = int64_t(std::llround(cost::estimate(*chip, *problem, *plan).cycles));
      op->setAttr(grid::kConfigAttrName,
                  matmulConfigAttr(&getContext(), *plan, gather, cycles, problem->rhsStoredTiles));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    if (l1Tensors && l1Shards) {
      auto budgetOf = [&](Operation *op) {
        return std::min(limit, cbBudget(available, held.lookup(op)));
      };
      auto budgetHeld = [&](int64_t h) { return std::min(limit, cbBudget(available, h)); };
      HeldL1 l1{held, int64_t(kL1TensorShare * double(available)), budgetHeld};
      for (auto func : module.getOps<func::FuncOp>())
        numRowAligned += alignRowShards(func, *chip, l1, givenConfigs);
      module.walk([&](graph::MatMulOp op) {
        numAligned += alignWindowSource(op, *chip, budgetOf, givenConfigs);
      });
      for (auto func : module.getOps<func::FuncOp>())
        numSharded += shardResults(func, *chip);
      // With the layouts known, an implicit GEMM whose windows come from shards of its own rows
      // reads them from its own L1 and a neighbour's: its K chunk and subblocks are chosen again
      // for that. Its grid and blocks stay, and so does the sharding chosen from them.
      module.walk([&](graph::MatMulOp op) {
        numRefined += refineLocalReads(op, *chip, std::min(limit, cbBudget(available,
                                                                        held.lookup(op))),
                                        /*keepPlan=*/givenConfigs.contains(op));
      });
    }
    if (l1Tensors)
      for (auto func : module.getOps<func::FuncOp>())
        numOverResidual += markWritesOverResidual(func);
    // Attention's blocking, or a given one checked.
    WalkResult attention = module.walk([&](graph::SDPAOp op) {
      if (auto given = op->getAttrOfType<grid::AttentionConfigAttr>(grid::kConfigAttrName))
        return failed(verifyAttentionConfig(op, given)) ? WalkResult::interrupt()
                                                        : WalkResult::advance();
      op->setAttr(grid::kConfigAttrName, chooseAttentionConfig(op, *chip));
      return WalkResult::advance();
    });
    if (attention.wasInterrupted())
      return signalPassFailure();
    // A pool's or depthwise convolution's windows are gathered by the reduce's reader.
    module.walk([&](graph::ReduceOp op) {
      auto windows = op.getInput().getDefiningOp<graph::RemapOp>();
      if (windows && absorbableIntoReduce(windows))
        op->setAttr(grid::kGatherInputAttrName, UnitAttr::get(&getContext()));
    });
    // A reduce of few long rows spreads each row over cores of its own (ReduceSplit.h).
    if (splitReduce)
      module.walk([&](graph::ReduceOp op) {
        if (op->hasAttr(grid::kConfigAttrName) || !splittableReduce(op))
          return;
        auto [splits, cycles] = chooseReduceSplit(
            *chip, op, cost::dispatchGapCycles(*chip, joinDispatches, chip->gridX, chip->gridY),
            kSplitMargin);
        if (splits == 1)
          return;
        op->setAttr(grid::kConfigAttrName,
                    grid::ReduceConfigAttr::get(&getContext(), splits, std::llround(cycles)));
        ++numSplitReduces;
      });
  }
};

} // namespace
