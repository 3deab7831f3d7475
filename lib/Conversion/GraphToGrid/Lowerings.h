// The op lowerings of tt-lower-graph-to-grid, and the tile gathers that several of them share.
#ifndef TESSEL_LIB_CONVERSION_GRAPHTOGRID_LOWERINGS_H
#define TESSEL_LIB_CONVERSION_GRAPHTOGRID_LOWERINGS_H

#include "tessel/Conversion/DispatchBuilder.h"

namespace tessel::lowering {

/// How a reader assembles a tile of a gather's output from runs of input values (graph.remap
/// and graph.reshape kernels, and a matmul reader that absorbs its lhs's remap).
struct TileGather {
  /// Values a request moves (graph::gatherRunLength).
  int64_t runLength = 1;
  /// Over d0 = the output tile (linear index), d1 = the row in the tile, d2 = the column of a
  /// run's first value: the input tile and offset it reads, and a value that is non-zero when
  /// it reads `fill` instead.
  mlir::AffineExpr inTile, inOffset, outside;
  float fill = 0.0f;
  /// The columns of each tile row that are assembled.
  int64_t columns = 32;
};
/// The gather of `inputIndex` (see lowerGather). Rows and columns past the output's end wrap
/// onto real values, which the caller masks; with `padPastEnd` they read `padding` (0 without)
/// instead, which a matmul needs to be zero.
TileGather planTileGather(mlir::RankedTensorType outType, mlir::RankedTensorType inType,
                          llvm::ArrayRef<mlir::AffineExpr> inputIndex,
                          std::optional<float> padding, llvm::ArrayRef<mlir::AffineExpr> guards,
                          llvm::ArrayRef<int64_t> guardBounds, bool padPastEnd);
/// Reads output tile `unit` of `g` from `input` into slot `slot` of `cb`.
void emitTileGather(DispatchBuilder &db, const TileGather &g, mlir::Value input, mlir::Value unit,
                    mlir::Value cb, mlir::Value slot);

// The lowering of each graph op; each builds its dispatch in front of `op` and returns the
// values that replace its results.
mlir::FailureOr<mlir::Value> lowerElementwise(mlir::Operation *op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerGatherRows(graph::GatherRowsOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerMatmul(graph::MatMulOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerSoftmax(graph::SoftmaxOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerTranspose(graph::TransposeOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerReshape(graph::ReshapeOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerConcat(graph::ConcatOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerReduce(graph::ReduceOp op, const LoweringOptions &opts);
/// A dispatch that assembles every output tile from values of `input`: `inputIndex` gives, for
/// the output multi-index (d0 .. d{rank-1}), the input multi-index each value comes from.
/// With `padding`, a value whose input index leaves the input, or whose guard `k` leaves
/// `[0, guardBounds[k])`, reads it.
mlir::FailureOr<mlir::Value> lowerGather(mlir::Operation *op, mlir::Value input,
                                         llvm::ArrayRef<mlir::AffineExpr> inputIndex,
                                         llvm::StringRef name, const LoweringOptions &opts,
                                         std::optional<float> padding = std::nullopt,
                                         llvm::ArrayRef<mlir::AffineExpr> guards = {},
                                         llvm::ArrayRef<int64_t> guardBounds = {});

} // namespace tessel::lowering

#endif
