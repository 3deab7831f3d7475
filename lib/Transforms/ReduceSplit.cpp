#include "tessel/Transforms/ReduceSplit.h"

#include "Grid/GridDialect.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/ReducePlan.h"
#include "tessel/Transforms/TileLoopFusion.h"
#include "tessel/runtime/TileCosts.h"

using namespace mlir;
using namespace tessel;

namespace {
/// One reduce dispatch as the estimate sees it: `units` output tiles over the grid, each
/// folding `steps` input tiles.
struct ReduceShape {
  int64_t units, steps;
  int64_t inBytes, outBytes;
  bool inL1, outInL1;
  double mathPerStep;
};
} // namespace

static rt::DataFormat runtimeFormat(tile::DataFormat f) { return static_cast<rt::DataFormat>(f); }

/// What estimateTileLoop charges such a dispatch: its reads batched 16 steps to a barrier,
/// each batch waiting a round trip, against the core's NoC link and the DRAM channels, or its
/// math, whichever is longer, plus the pipeline's fill and drain.
static double dispatchCycles(const rt::ChipDesc &chip, const ReduceShape &r) {
  CoreSplit split = splitOverCores(r.units, chip);
  TileLoopCost cost;
  cost.dramBytes = double(split.cores() * split.perCore) *
                   double((r.inL1 ? 0 : r.steps * r.inBytes) + (r.outInL1 ? 0 : r.outBytes));
  chargeTileLoopMemory(cost, chip, double(split.perCore * ((r.steps + 15) / 16)),
                       tileRoundTrip(chip, r.inL1, r.inBytes),
                       tileRoundTrip(chip, r.outInL1, r.outBytes),
                       double(split.perCore * (r.steps * r.inBytes + r.outBytes)));
  cost.computeCycles = double(split.perCore * r.steps) * r.mathPerStep;
  return cost.cycles();
}

bool tessel::splittableReduce(graph::ReduceOp op) {
  RankedTensorType in = op.getInput().getType();
  return in.getRank() >= 1 && op.getAxes().size() == 1 &&
         op.getAxes().front() == in.getRank() - 1 && (in.getShape().back() + 31) / 32 >= 2 &&
         !op.getWeights() && !op->hasAttr(grid::kGatherInputAttrName) &&
         grid::getLayout(in) && grid::getLayout(op.getType());
}

double tessel::reduceCycles(const rt::ChipDesc &chip, graph::ReduceOp op, int64_t splits,
                            double gap) {
  RankedTensorType in = op.getInput().getType();
  grid::LayoutAttr inLayout = grid::getLayout(in), outLayout = grid::getLayout(op.getType());
  tile::DataFormat dst = tile::DataFormat::bf16;
  auto fidelity = ttb::MathFidelity::HiFi4;
  if (auto compute = op->getAttrOfType<grid::ComputeConfigAttr>(grid::kComputeAttrName)) {
    dst = compute.getDst();
    fidelity = static_cast<ttb::MathFidelity>(compute.getFidelity());
  }
  rt::DataFormat inFormat = runtimeFormat(inLayout.getFormat());
  // Reducing the last axis leaves one column of tiles: an output tile per row of them.
  int64_t rowTiles = (in.getShape().back() + 31) / 32, units = tileRows(op.getType());
  // A step reduces its tile across columns into the accumulator, which the kernels keep in
  // Dst; a tile that takes a pre-op first, or a mask (a row of a partial last tile: every step
  // masks), is staged in Dst and packed.
  ReducePlan plan = reducePlan(op.getKind());
  bool masked = in.getShape().back() % 32 != 0 && plan.masksPartialTiles();
  double reduceStep = double(rt::reduceCycles(chip, inFormat, fidelity));
  if (plan.pre || masked)
    reduceStep += double(
        rt::copyCycles(chip, inFormat) + rt::packCycles(chip, inFormat) +
        (plan.pre ? rt::unaryCycles(chip, static_cast<rt::UnaryOp>(*plan.pre)) : 0) +
        (masked ? rt::maskCycles(chip) : 0));
  int64_t inBytes = rt::tileBytes(inFormat);
  int64_t outBytes = rt::tileBytes(runtimeFormat(outLayout.getFormat()));
  bool inL1 = inLayout.getMemory() == grid::MemorySpace::l1;
  bool outInL1 = outLayout.getMemory() == grid::MemorySpace::l1;
  if (splits == 1)
    return dispatchCycles(chip, {units, rowTiles, inBytes, outBytes, inL1, outInL1, reduceStep});
  // The partials: in Dst's format where that is f32 (as the lowering stores them), else the
  // result's.
  rt::DataFormat partial =
      dst == tile::DataFormat::f32 ? rt::DataFormat::Float32
                                   : runtimeFormat(outLayout.getFormat());
  int64_t partialBytes = rt::tileBytes(partial);
  double combineStep =
      double(rt::copyCycles(chip, partial) + rt::dstBinaryCycles(chip, rt::BinaryOp::Add));
  return dispatchCycles(chip, {units * splits, rowTiles / splits, inBytes, partialBytes, inL1,
                               true, reduceStep}) +
         gap +
         dispatchCycles(chip, {units, splits, partialBytes, outBytes, true, outInL1,
                               combineStep});
}

std::pair<int64_t, double> tessel::chooseReduceSplit(const rt::ChipDesc &chip,
                                                     graph::ReduceOp op, double gap,
                                                     double margin) {
  double unsplit = reduceCycles(chip, op, 1, gap);
  std::pair<int64_t, double> best{1, unsplit};
  if (!splittableReduce(op))
    return best;
  int64_t rowTiles = (op.getInput().getType().getShape().back() + 31) / 32,
          units = tileRows(op.getType());
  int64_t cores = int64_t(chip.gridX) * chip.gridY;
  double threshold = (1.0 - margin) * unsplit;
  for (int64_t s = 2; s <= rowTiles && units * s <= cores; ++s) {
    if (rowTiles % s)
      continue;
    double cycles = reduceCycles(chip, op, s, gap);
    if (cycles < threshold && cycles < best.second)
      best = {s, cycles};
  }
  return best;
}
