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

/// Where remap map `map` reads at (d0 = the result's linear batch index over `batchShape`, row
/// `row`, column `col`) of an input of shape `inputShape`: the input's tile (row-major, batch
/// dims first) and the row in that tile.
std::pair<mlir::AffineExpr, mlir::AffineExpr>
tileThroughMap(mlir::AffineMap map, llvm::ArrayRef<int64_t> batchShape, mlir::AffineExpr row,
               mlir::AffineExpr col, llvm::ArrayRef<int64_t> inputShape);

/// A remap whose result [..., R, D] has its rows in one row tile (R <= 32, a decoder's query
/// heads) and each row's column tile a run of 32 values of a row of one of its input's tiles:
/// over (d0 = the result's linear batch index, d1 = row, d2 = column tile), the input's tile
/// and where the run starts.
struct RowRuns {
  int64_t rows = 0;
  mlir::AffineExpr sourceTile, sourceOffset;
};
std::optional<RowRuns> rowRuns(graph::RemapOp op);

/// Whether graph.sdpa reads `use`'s remap through wholeTileView (q and v in place, the keys
/// either way) or, for q, as RowRuns.
bool attentionReadsThrough(mlir::OpOperand &use);

/// Keys or values a decoder appends to its cache, as its Concat imports: add(A, B), where A
/// puts `cache` [..., R, D] in place in [..., R + n, D] and B puts values of `source` at rows
/// R .. R + n - 1 only (its guards or its input's bounds give zeros elsewhere), each row of a
/// column tile a run of 32 values of one of `source`'s tiles, all within A's last row tile. graph.sdpa reads such an operand's tiles from the cache and
/// patches the new rows in from `source` (attentionReadsAppended), instead of a dispatch writing
/// the grown cache.
struct AppendedRows {
  mlir::Value cache, source;
  /// The result's first new row and how many there are.
  int64_t first = 0, count = 0;
  /// Over (d0 = the result's linear batch index, d1 = the new row's index below `count`, d2 =
  /// column tile): the tile of `source` that holds the row's 32 values, and where they start.
  mlir::AffineExpr sourceTile, sourceOffset;
};

/// How graph.sdpa reads `op`'s result, where `op` is the add of AppendedRows and every use is
/// the values operand or a transposing remap that only the keys operand reads through; nullopt
/// where it does not. The cache, the source and the add must have layouts of one format, bf16
/// or f32 (the rows are read as spans).
std::optional<AppendedRows> attentionReadsAppended(mlir::Operation *op);

/// Whether attention reads past `op`'s result, which no dispatch then writes: the add that
/// graph.sdpa reads as AppendedRows, and its two remaps.
bool absorbedIntoAttention(mlir::Operation *op);

/// The map from `v`'s index to the index of the tensor a chain of transposes, reshapes and
/// padding-free remaps computes it from, and that tensor; nullopt when `v` comes from none of
/// them. (Links other ops also read stay for them.)
std::optional<std::pair<mlir::Value, mlir::AffineMap>> layoutChain(mlir::Value v);

/// The other way: the last of the transposes and reshapes that `v`, then each of them, is
/// read only by, and the map from `v`'s index to its index; nullopt when there are none.
std::optional<std::pair<mlir::Value, mlir::AffineMap>> forwardLayoutChain(mlir::Value v);

} // namespace tessel

#endif
