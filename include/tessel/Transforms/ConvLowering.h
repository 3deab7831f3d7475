//===- ConvLowering.h - Convolutions as im2col and matmul -----------------===//
//
// The graph ops a convolution becomes today, channels-last: a `graph.remap` of the input to one
// row of channels per position and the images one after another, [1, 1, N * positions, C] (so
// that a batch makes one matmul of N times the rows, none padded per image); an im2col remap of that, whose columns
// are taps times channels (none for a 1x1 stride-1 convolution); a batched `graph.matmul` with
// the weights per group; and a remap back to [N, M, spatial...]. Between two convolutions the
// remap back and the next remap to rows cancel (graph.remap's canonicalization), so
// activations stay channels-last, and the im2col reads whole runs of channels.
// tt-decompose-graph uses it for graph.conv; the importer for the ops it still lowers itself
// (transposed convolutions, and max pools with indices, build their windows with
// buildConvWindows). graph.pool is lowered here too, channels-last, and so is a convolution
// tt-choose-conv-algorithms gives to Winograd F(2x2, 3x3) (WinogradConv.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_CONVLOWERING_H
#define TESSEL_TRANSFORMS_CONVLOWERING_H

#include "Graph/GraphOps.h"
#include "mlir/IR/Builders.h"

namespace tessel {

/// A remap of `x` to `type` whose results are simplified over the output's index ranges, so
/// that the lowering sees `d3` rather than `d3 mod C` for d3 < C. `guards` (each within
/// [0, its bound)) mark the reads outside the input, which read `padding`.
mlir::Value buildRemap(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::RankedTensorType type, llvm::ArrayRef<mlir::AffineExpr> index,
                       float padding, llvm::ArrayRef<mlir::AffineExpr> guards = {},
                       llvm::ArrayRef<int64_t> guardBounds = {});

/// Where a window's tap reads, over rows of channels: the flat input position, and the spatial
/// indices that must stay inside the input (the flattened position cannot tell a column left of
/// the input from the end of the row above). Only the guards that can fail are kept.
struct WindowReads {
  mlir::AffineExpr position;
  llvm::SmallVector<mlir::AffineExpr> guards;
  llvm::SmallVector<int64_t> bounds;
};

/// The reads of image `image` at spatial coordinates `at` (expressions of the dims of a result
/// of `shape`) of an input of `inSpatial`, one row of channels per position.
WindowReads windowReadsAt(mlir::AffineExpr image, llvm::ArrayRef<mlir::AffineExpr> at,
                          llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> inSpatial);

/// [N, groups, positions, C/groups * taps]: every window of `x` [N, C, spatial...] for the
/// output positions `outSpatial`, values outside the input reading `padding`.
mlir::Value buildConvWindows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                             int64_t groups, llvm::ArrayRef<int64_t> outSpatial,
                             llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
                             llvm::ArrayRef<int64_t> dilations, llvm::ArrayRef<int64_t> pads,
                             float padding);

/// [1, 1, N * positions, channels]: `x` [N, C, spatial...] with a row of channels per position,
/// zeros after the first C when `channels` is larger (0: C).
mlir::Value buildChannelRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                             int64_t channels = 0);

/// `type` [N, M, spatial...] from `rows` [1, groups, N * positions, M / groups].
mlir::Value buildFromChannelRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value rows,
                                 mlir::RankedTensorType type);

/// A 2-D stride-2 convolution over at most 8 channels (a stem) as the equivalent stride-1
/// convolution over the input's 2x2 blocks, space to depth: four times the channels and half the
/// kernel, so that a window's taps move in runs four times as long. The weights must be
/// constant. Returns the new convolution's result, or failure where it does not apply.
mlir::FailureOr<mlir::Value> buildSpaceToDepthConv(mlir::OpBuilder &b, graph::ConvOp conv);

/// Whether buildWinogradConv applies: a 2-D 3x3 convolution of stride 1, dilation 1 and one
/// group with constant f32 weights.
bool winogradApplies(graph::ConvOp conv);

/// A 3x3 stride-1 2-D convolution with constant weights as Winograd F(2x2, 3x3), channels-last:
/// each 4x4 input tile transformed (B^T d B: a sum of four of its values, signed, per transformed
/// position, as windows reduced by +-1 weights), 16 matmuls of the transformed tiles by the
/// weights transformed at compile time (G g G^T), and each 2x2 output tile transformed back
/// (A^T m A: nine signed taps per output, the bias added). The matmuls take 2.25x fewer
/// products than the direct convolution's; the transforms move four times the input and the
/// output. Returns failure where it does not apply.
mlir::FailureOr<mlir::Value> buildWinogradConv(mlir::OpBuilder &b, graph::ConvOp conv);

/// The ops that compute `conv`, built in front of it; returns the value replacing its result.
mlir::Value buildIm2colConv(mlir::OpBuilder &b, graph::ConvOp conv);

/// The ops that compute `pool`, channels-last like a convolution: its windows [1, taps, N *
/// positions, C] reduced over the taps (a whole-input window reduces the rows directly), an
/// average scaled by a divisor per position counted at compile time.
mlir::Value buildPool(mlir::OpBuilder &b, graph::PoolOp pool);

} // namespace tessel

#endif
