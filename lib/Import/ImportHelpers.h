// Builders of graph ops shared by the per-op converters, and the converter tables of each op
// family.
#ifndef TESSEL_LIB_IMPORT_IMPORTHELPERS_H
#define TESSEL_LIB_IMPORT_IMPORTHELPERS_H

#include "OnnxImporter.h"

#include "Graph/GraphOps.h"

#include "llvm/ADT/StringMap.h"

namespace tessel::onnx_import {

using Result = mlir::FailureOr<llvm::SmallVector<mlir::Value>>;
using ConverterMap = llvm::StringMap<NodeConverter>;

/// Each op family adds its converters to the table lookupConverter searches.
void addCoreConverters(ConverterMap &map);
void addIndexConverters(ConverterMap &map);
void addLossConverters(ConverterMap &map);
void addPadConverters(ConverterMap &map);
void addResizeConverters(ConverterMap &map);
void addSliceConverters(ConverterMap &map);
void addCumSumDftConverters(ConverterMap &map);
void addConvTransposeConverters(ConverterMap &map);
void addRecurrentConverters(ConverterMap &map);
void addEinsumConverters(ConverterMap &map);
void addNormalizationConverters(ConverterMap &map);
void addQuantizeConverters(ConverterMap &map);
void addSamplingConverters(ConverterMap &map);
void addTrainingConverters(ConverterMap &map);
void addNewerConverters(ConverterMap &map);
void addRandomConverters(ConverterMap &map);
void addLpConverters(ConverterMap &map);
/// Moves the nodes of ops newer than libonnx's schemas (GroupNormalization from opset 18,
/// RMSNormalization from 23) into a private domain whose schemas it registers, so that the checker
/// and shape inference accept them (NewerOps.cpp).
void adoptNewerOps(onnx::ModelProto &model, int64_t opset);

Result one(mlir::Value v);

/// A graph.unary; the result type defaults to the input's.
mlir::Value unary(NodeContext &ctx, graph::UnaryKind kind, mlir::Value input, float alpha = 0,
                  float beta = 0, mlir::Type resultType = {});
/// A graph.binary; the result type defaults to the broadcast shape in the lhs element type.
mlir::Value binary(NodeContext &ctx, graph::BinaryKind kind, mlir::Value lhs, mlir::Value rhs,
                   mlir::Type resultType = {});
/// A constant of `type` holding `values` (row-major), converted to its element type.
mlir::Value constant(NodeContext &ctx, mlir::RankedTensorType type, llvm::ArrayRef<double> values);
mlir::Value scalarConstant(NodeContext &ctx, mlir::Type elementType, double value);
/// `v` reshaped; `v` itself when the shape already matches.
mlir::Value reshapeTo(NodeContext &ctx, mlir::Value v, llvm::ArrayRef<int64_t> shape);
/// A reduction over `axes` that keeps them as size 1.
mlir::Value reduceKeep(NodeContext &ctx, graph::ReduceKind kind, mlir::Value v,
                       llvm::ArrayRef<int64_t> axes);
/// Per-channel parameters [C] as [C, 1, ..., 1] to broadcast against [N, C, ...] of `rank`.
mlir::Value channelParam(NodeContext &ctx, mlir::Value p, int64_t rank);
/// A graph.remap whose result element at index i reads the input at inputIndex(i).
mlir::Value remap(NodeContext &ctx, mlir::Value input, mlir::RankedTensorType resultType,
                  llvm::ArrayRef<mlir::AffineExpr> inputIndex);
/// remap, reading `padding` where the index falls outside the input.
mlir::Value remapPadded(NodeContext &ctx, mlir::Value input, mlir::RankedTensorType resultType,
                        llvm::ArrayRef<mlir::AffineExpr> inputIndex, float padding);
/// Window geometry shared by Conv and the pools: the begin pads per spatial dim, then the end
/// pads, given the output shape shape inference found.
mlir::FailureOr<llvm::SmallVector<int64_t>>
windowPads(NodeContext &ctx, llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> out,
           llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
           llvm::ArrayRef<int64_t> dilations);
/// An ints attribute padded or cut to `n` entries, `dflt` where missing.
llvm::SmallVector<int64_t> intsAttr(NodeContext &ctx, llvm::StringRef name, size_t n,
                                    int64_t dflt);

/// im2col: [N, C, S...] -> [N, groups, P, C/groups * K] where P runs over output positions and
/// the last axis over (channel, kernel offset); along spatial axis i, output o and tap k read
/// o * strides[i] - pads[i] + k * dilations[i], and positions outside read `padding`.
mlir::Value windows(NodeContext &ctx, mlir::Value x, int64_t groups,
                    llvm::ArrayRef<int64_t> outSpatial, llvm::ArrayRef<int64_t> kernel,
                    llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> dilations,
                    llvm::ArrayRef<int64_t> pads, float padding);
/// ONNX Conv of `x` by `w` (plus an optional per-channel `bias`) with the node's attributes
/// (strides, pads, auto_pad, dilations, group), giving `out`: an im2col remap and a matmul.
mlir::FailureOr<mlir::Value> convolve(NodeContext &ctx, mlir::Value x, mlir::Value w,
                                      mlir::Value bias, mlir::RankedTensorType out);

llvm::ArrayRef<int64_t> shapeOf(mlir::Value v);
mlir::RankedTensorType withElementType(mlir::Value v, mlir::Type elt);
/// `v` converted to `elt` (identity on the chip, which holds every tensor as floats).
mlir::Value castElements(NodeContext &ctx, mlir::Value v, mlir::Type elt);
/// `v` as f32, the chip's view of every element type: integers convert exactly below 2^24.
mlir::Value asF32(NodeContext &ctx, mlir::Value v);
/// The value of a one-element constant (initializer, Constant node or folded); nullopt otherwise.
std::optional<double> scalarValue(mlir::Value v);
/// `v` with its dims permuted; `v` itself for the identity.
mlir::Value transpose(NodeContext &ctx, mlir::Value v, llvm::ArrayRef<int64_t> perm);
/// Operand `i`, or null when the node omits it.
mlir::Value optionalOperand(NodeContext &ctx, unsigned i);
/// remapPadded, evaluated at compile time when `input` is an f32 constant (possibly reshaped),
/// as weights are, so that the chip does not rearrange them on every run.
mlir::Value remapOrFold(NodeContext &ctx, mlir::Value input, mlir::RankedTensorType type,
                        llvm::ArrayRef<mlir::AffineExpr> inputIndex, float padding = 0.0f);

/// Applies the constant linear map `matrix` ([rows x cols], row-major) along `axis` of the float
/// tensor `x` (size cols there): result[..., r, ...] = sum_c matrix[r][c] * x[..., c, ...]. It is a
/// matmul on the chip, so interpolation, reflection, prefix sums and the like along one axis all
/// run there.
mlir::Value alongAxis(NodeContext &ctx, mlir::Value x, int64_t axis, int64_t rows,
                      llvm::ArrayRef<double> matrix);
/// 0..n-1 as a float tensor of shape [n, 1, ..., 1] with `trailing` ones.
mlir::Value iota(NodeContext &ctx, int64_t n, int64_t trailing = 0);
/// One-hot encoding of the integer-valued `indices` along a new last axis of size `depth`, as
/// floats (1 where index == k). Indices outside [0, depth) give all zeros.
mlir::Value oneHot(NodeContext &ctx, mlir::Value indices, int64_t depth);

} // namespace tessel::onnx_import

#endif
