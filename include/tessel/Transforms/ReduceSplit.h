//===- ReduceSplit.h - Splitting a reduce of few long rows over cores -----===//
//
// A reduce of the last axis takes a core per output tile, and that core streams the tile's
// whole row of tiles: a Llama decode layer's RMSNorm statistic ([32, 4096] -> [32, 1], one
// output tile) reads its 128 tiles at one core's NoC rate while the other 63 cores idle. Split
// S ways, S cores each reduce a run of the row into a partial tile, and a second dispatch
// combines each output tile's S partials and finishes it:
//
//   %m = graph.reduce mean %x {axes = array<i64: 1>,
//       grid.config = #grid.reduce_config<splits = 8>} : (tensor<32x4096xf32>) -> ...
// lowers to
//   "reduce_mean" on 8 cores:         partial[s] = x's tiles 16s .. 16s + 15, across columns
//   "reduce_mean_combine" on 1 core:  m = (partial[0] + ... + partial[7]) / 4096
//
// tt-choose-op-configs splits where the estimate below is lower by a margin.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_REDUCESPLIT_H
#define TESSEL_TRANSFORMS_REDUCESPLIT_H

#include "Graph/GraphOps.h"
#include "tessel/runtime/Chip.h"

namespace tessel {

/// Whether the lowering can split `op`'s rows: it reduces its last axis alone, over at least
/// two tiles, unweighted, from a tensor (not windows its reader gathers).
bool splittableReduce(graph::ReduceOp op);

/// The cycles of `op` with its rows cut into `splits` runs (1: not cut), charged as
/// estimateTileLoop (TileLoopFusion.h) charges a reduce dispatch, with `gap`
/// (cost::dispatchGapCycles) between the two dispatches of a split.
double reduceCycles(const rt::ChipDesc &chip, graph::ReduceOp op, int64_t splits, double gap);

/// The split `op` is estimated fastest at (1: none), with its estimate: splits that divide the
/// row's tiles and give each run a core of its own, and a split only where it beats the
/// unsplit estimate by `margin` (a fraction of it).
std::pair<int64_t, double> chooseReduceSplit(const rt::ChipDesc &chip, graph::ReduceOp op,
                                             double gap, double margin);

} // namespace tessel

#endif
