#include "tessel/Transforms/StageGatherSources.h"

#include "Grid/GridOps.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/L1Tensors.h"
#include "tessel/Transforms/MatmulCostModel.h"
#include "tessel/Transforms/TileLoopFusion.h"
#include "tessel/runtime/Formats.h"
#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace tessel;

/// The share of `op`'s result values its guards leave reading its input, where each guard is a
/// dimension of the result kept below a bound (a converted input's real channels); 1 where a
/// guard is anything else, which the estimate does not follow.
static double guardedShare(graph::RemapOp op) {
  std::optional<AffineMap> guards = op.getGuards();
  std::optional<ArrayRef<int64_t>> bounds = op.getGuardBounds();
  if (!guards || !bounds)
    return 1.0;
  ArrayRef<int64_t> shape = op.getType().getShape();
  double share = 1.0;
  for (auto [guard, bound] : llvm::zip(guards->getResults(), *bounds))
    if (auto dim = dyn_cast<AffineDimExpr>(guard))
      share *= double(std::min(bound, shape[dim.getPosition()])) / double(shape[dim.getPosition()]);
  return share;
}

std::optional<GatherStaging> tessel::estimateGatherStaging(graph::RemapOp op,
                                                           const rt::ChipDesc &chip,
                                                           double gapCycles) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  grid::LayoutAttr layout = grid::getLayout(in);
  if (!layout || layout.getMemory() != grid::MemorySpace::dram ||
      op.getInput().getDefiningOp<graph::ConstantOp>() || op.getType().getRank() < 1)
    return std::nullopt;
  // Only a remap with a dispatch of its own gathers in runs: a consumer that reads through it
  // (an implicit GEMM, a pool, attention) and a view of whole tiles read otherwise.
  if (op->use_empty() || llvm::any_of(op->getUses(), gathersThroughRemap) ||
      absorbedIntoAttention(op) || wholeTileView(op))
    return std::nullopt;
  auto format = static_cast<rt::DataFormat>(layout.getFormat());
  int64_t tileBytes = rt::tileBytes(format);
  double flit = double(chip.nocFlitBytes);
  int64_t run = graph::gatherRunLength(op);
  if (double(run * tileBytes) / 1024.0 >= flit)
    return std::nullopt;
  // Each row of each result tile reads its columns in runs, a request and a flit each; the
  // result's tiles are spread over the cores (splitOverCores), and each core's reader issues a
  // tile's requests, then waits for them.
  int64_t tiles = tiledShapeOf(op.getType()).tiles();
  int64_t cols = std::min<int64_t>(32, op.getType().getShape().back());
  double perTile = 32.0 * double(llvm::divideCeil(cols, run)) * guardedShare(op);
  double requests = double(tiles) * perTile;
  int64_t cores = splitOverCores(tiles, chip).cores();
  double tilesPerCore = double(llvm::divideCeil(tiles, cores));
  auto reader = [&](bool inL1) {
    return tilesPerCore *
           (perTile * kGatherRequestCycles + tileRoundTrip(chip, inL1, int64_t(flit)));
  };
  double dram = chip.dramChannels * chip.dramSustainedBytesPerCycle();
  double all = double(chip.gridX) * chip.gridY;
  GatherStaging s;
  s.direct = std::max(requests * flit / dram, reader(/*inL1=*/false));
  // The reshard streams whole tiles from DRAM into every core's L1, filling and draining its
  // pipeline as a streaming dispatch does (chargeTileLoopMemory); the gathers then share every
  // core's link as L1 reads do (kL1NocEfficiency).
  double inBytes = double(tiledShapeOf(in).tiles() * tileBytes);
  double reshard = std::max(inBytes / dram, inBytes / all / flit) +
                   2.0 * (tileRoundTrip(chip, /*inL1=*/false, tileBytes) +
                          tileRoundTrip(chip, /*inL1=*/true, tileBytes)) +
                   gapCycles;
  double gathers = std::max(requests * flit / (all * flit * cost::kL1NocEfficiency),
                            reader(/*inL1=*/true));
  s.staged = reshard + gathers;
  return s;
}

int64_t tessel::stageGatherSources(func::FuncOp func, const rt::ChipDesc &chip, double gapCycles,
                                   llvm::DenseMap<Operation *, int64_t> &held,
                                   int64_t capacity) {
  SmallVector<graph::RemapOp> remaps;
  func.walk([&](graph::RemapOp op) { remaps.push_back(op); });
  int64_t staged = 0;
  for (graph::RemapOp op : remaps) {
    std::optional<GatherStaging> s = estimateGatherStaging(op, chip, gapCycles);
    if (!s || s->staged > (1.0 - kStagingMargin) * s->direct)
      continue;
    RankedTensorType inL1 =
        withMemory(cast<RankedTensorType>(op.getInput().getType()), grid::MemorySpace::l1);
    int64_t copy = l1BytesPerCore(inL1, chip.gridX * chip.gridY);
    if (held.lookup(op) + copy > capacity)
      continue;
    OpBuilder b(op);
    auto reshard = b.create<grid::ReshardOp>(op.getLoc(), inL1, op.getInput());
    reshard->setAttr(grid::kStagedCyclesAttrName,
                     b.getDenseI64ArrayAttr({std::llround(s->staged), std::llround(s->direct)}));
    op.getInputMutable().assign(reshard.getResult());
    held[reshard] = held.lookup(op) + copy;
    held[op] += copy;
    ++staged;
  }
  return staged;
}
