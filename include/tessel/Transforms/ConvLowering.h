//===- ConvLowering.h - Convolutions as im2col and matmul -----------------===//
//
// The graph ops a convolution becomes today: an im2col `graph.remap` of the input's windows, a
// batched `graph.matmul` with the weights per group, and a remap back to [N, M, spatial...].
// tt-decompose-graph uses it for graph.conv; the importer for the ops it still lowers itself
// (pools and transposed convolutions build their windows here too).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_CONVLOWERING_H
#define TESSEL_TRANSFORMS_CONVLOWERING_H

#include "Graph/GraphOps.h"
#include "mlir/IR/Builders.h"

namespace tessel {

/// [N, groups, positions, C/groups * taps]: every window of `x` [N, C, spatial...] for the
/// output positions `outSpatial`, values outside the input reading `padding`.
mlir::Value buildConvWindows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                             int64_t groups, llvm::ArrayRef<int64_t> outSpatial,
                             llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
                             llvm::ArrayRef<int64_t> dilations, llvm::ArrayRef<int64_t> pads,
                             float padding);

/// The ops that compute `conv`, built in front of it; returns the value replacing its result.
mlir::Value buildIm2colConv(mlir::OpBuilder &b, graph::ConvOp conv);

} // namespace tessel

#endif
