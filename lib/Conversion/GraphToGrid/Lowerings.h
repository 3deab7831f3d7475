// The op lowerings of tt-lower-graph-to-grid, and the tile gathers that several of them share.
#ifndef TESSEL_LIB_CONVERSION_GRAPHTOGRID_LOWERINGS_H
#define TESSEL_LIB_CONVERSION_GRAPHTOGRID_LOWERINGS_H

#include "tessel/Conversion/DispatchBuilder.h"

namespace tessel::lowering {

/// The gather of `inputIndex` (see lowerGather). Rows past the output's end read `padding` (0
/// without); columns past it wrap onto real values, which the caller masks, or with
/// `padPastEnd` read `padding` too, which a matmul needs to be zero. With `zeroPaddedInput`
/// (the input's tiles are zero past its end, as the runtime writes a function's arguments) and
/// a padding of 0, positions past the input's end but within its last tiles read those zeros.
/// An output tile that is a whole input tile in place moves as one run (runLength 1024).
TileGather planTileGather(mlir::RankedTensorType outType, mlir::RankedTensorType inType,
                          llvm::ArrayRef<mlir::AffineExpr> inputIndex,
                          std::optional<float> padding, llvm::ArrayRef<mlir::AffineExpr> guards,
                          llvm::ArrayRef<int64_t> guardBounds, bool padPastEnd,
                          bool zeroPaddedInput = false);
// The lowering of each graph op; each builds its dispatch in front of `op` and returns the
// values that replace its results.
mlir::FailureOr<mlir::Value> lowerElementwise(mlir::OpBuilder &b, mlir::Operation *op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerGatherRows(mlir::OpBuilder &b, graph::GatherRowsOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerMatmul(mlir::OpBuilder &b, graph::MatMulOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerAttention(mlir::OpBuilder &b, graph::SDPAOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerGroupNorm(mlir::OpBuilder &b, graph::GroupNormOp op, const LoweringOptions &opts);
/// graph.layer_norm and graph.rms_norm.
mlir::FailureOr<mlir::Value> lowerNorm(mlir::OpBuilder &b, mlir::Operation *op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerSoftmax(mlir::OpBuilder &b, graph::SoftmaxOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerTranspose(mlir::OpBuilder &b, graph::TransposeOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerReshape(mlir::OpBuilder &b, graph::ReshapeOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerConcat(mlir::OpBuilder &b, graph::ConcatOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerReduce(mlir::OpBuilder &b, graph::ReduceOp op, const LoweringOptions &opts);
mlir::FailureOr<mlir::Value> lowerReshard(mlir::OpBuilder &b, grid::ReshardOp op, const LoweringOptions &opts);
/// A dispatch that assembles every output tile from values of `input`: `inputIndex` gives, for
/// the output multi-index (d0 .. d{rank-1}), the input multi-index each value comes from.
/// With `padding`, a value whose input index leaves the input, or whose guard `k` leaves
/// `[0, guardBounds[k])`, reads it.
mlir::FailureOr<mlir::Value> lowerGather(mlir::OpBuilder &b, mlir::Operation *op, mlir::Value input,
                                         llvm::ArrayRef<mlir::AffineExpr> inputIndex,
                                         llvm::StringRef name, const LoweringOptions &opts,
                                         std::optional<float> padding = std::nullopt,
                                         llvm::ArrayRef<mlir::AffineExpr> guards = {},
                                         llvm::ArrayRef<int64_t> guardBounds = {});

} // namespace tessel::lowering

#endif
