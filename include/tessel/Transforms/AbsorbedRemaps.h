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

/// How each 32 x 32 tile of `op`'s result is a whole tile of its input, in place (false) or
/// transposed (true), or nullopt when it is not: the result's last two dims map onto the
/// input's last two (in order, or swapped) shifted by multiples of 32, the input's other dims
/// depend on the result's leading dims only, and a dim that is not whole tiles is not shifted
/// and has the input's size, so that the padding read is padding. Attention's heads, split and
/// transposed by Reshape and Transpose, are such views of the projections' results.
std::optional<bool> wholeTileView(mlir::AffineMap map, llvm::ArrayRef<int64_t> resultShape,
                                  llvm::ArrayRef<int64_t> inputShape);
std::optional<bool> wholeTileView(graph::RemapOp op);

/// Whether graph.sdpa reads `use`'s remap through wholeTileView: q and v in place, the keys
/// either way.
bool attentionReadsThrough(mlir::OpOperand &use);

/// The map from `v`'s index to the index of the tensor a chain of transposes, reshapes and
/// padding-free remaps computes it from, and that tensor; nullopt when `v` comes from none of
/// them. (Links other ops also read stay for them.)
std::optional<std::pair<mlir::Value, mlir::AffineMap>> layoutChain(mlir::Value v);

/// The other way: the last of the transposes and reshapes that `v`, then each of them, is
/// read only by, and the map from `v`'s index to its index; nullopt when there are none.
std::optional<std::pair<mlir::Value, mlir::AffineMap>> forwardLayoutChain(mlir::Value v);

} // namespace tessel

#endif
