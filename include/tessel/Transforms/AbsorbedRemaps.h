//===- AbsorbedRemaps.h - Which remaps a consumer's reader can gather -----===//
//
// A convolution's or a pool's windows are a graph.remap feeding a graph.matmul or a
// graph.reduce. Rather than a dispatch that writes them to DRAM for the consumer to read back,
// the consumer's reader can assemble its input tiles from the remap's input itself: for a
// matmul (`lhs = gather` in its config) that is an implicit GEMM; a reduce carries
// `grid.gather_input`. tt-choose-op-configs decides it and tt-lower-graph-to-grid builds it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_ABSORBEDREMAPS_H
#define TESSEL_TRANSFORMS_ABSORBEDREMAPS_H

#include "Graph/GraphOps.h"

namespace tessel {

/// Runs shorter than this cost a consumer's reader more requests per tile than a dispatch of
/// their own spread over the whole grid.
inline constexpr int64_t kMinAbsorbedRun = 4;

/// Whether a matmul's reader can assemble its lhs from this remap's input instead of reading
/// the remap's result: the remap reads zeros as padding, if any (they join the products), and
/// moves runs of at least kMinAbsorbedRun values (graph::gatherRunLength).
bool absorbableIntoMatmul(graph::RemapOp op);

/// Whether a reduce's reader can: runs of at least kMinAbsorbedRun values, any padding.
bool absorbableIntoReduce(graph::RemapOp op);

} // namespace tessel

#endif
