//===- StageGatherSources.h - DRAM tensors gathered in short runs, read from L1 -===//
//
// A gather moves runs of values, a NoC request each; a run from DRAM costs at least a whole
// flit of a channel's bandwidth, however few of its bytes it uses. A model's input converted to
// rows of channels (ResNet-50's stem: pairs of pixels, 4 of a 32-byte flit's bytes) reads its
// DRAM eight times over. Copied to L1 first by a grid.reshard that reads whole tiles, the same
// requests go to every core's L1 instead of to the DRAM channels.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_STAGEGATHERSOURCES_H
#define TESSEL_TRANSFORMS_STAGEGATHERSOURCES_H

#include "Graph/GraphOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "tessel/runtime/Chip.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace tessel {

/// The cycles a reader thread takes per gather request besides its round trip, as the simulator
/// charges NOC_READ_RUNS: one to compute the run's source, one to issue it.
inline constexpr double kGatherRequestCycles = 2.0;

/// The cycles a remap's gathers take reading its DRAM input directly, and staged: a reshard of
/// the input into L1 (its launch included) and the gathers from there.
struct GatherStaging {
  double direct, staged;
};

/// The estimate for a remap whose input is a DRAM tensor it gathers in runs of fewer bytes than
/// a NoC flit; none for any other. `gapCycles` is what one more dispatch adds.
std::optional<GatherStaging> estimateGatherStaging(graph::RemapOp op, const rt::ChipDesc &chip,
                                                   double gapCycles);

/// How much faster the staged estimate must be: the estimate of the direct reads leaves out
/// their latencies, and the copy takes L1 that the ops around it could use.
inline constexpr double kStagingMargin = 0.1;

/// Puts a grid.reshard into L1 (interleaved) before each remap of `func` whose input its
/// estimate says to stage, where the copy fits beside the tensors `held` says are kept in L1
/// while the remap runs (at most `capacity` bytes per core). The reshard takes the remap's
/// location and records both estimates (grid::kStagedCyclesAttrName); `held` gains the copy.
/// Returns how many it put.
int64_t stageGatherSources(mlir::func::FuncOp func, const rt::ChipDesc &chip, double gapCycles,
                           llvm::DenseMap<mlir::Operation *, int64_t> &held, int64_t capacity);

} // namespace tessel

#endif
