#ifndef TESSEL_DIALECTS_GRAPH_GRAPHOPS_H
#define TESSEL_DIALECTS_GRAPH_GRAPHOPS_H

#include "Graph/GraphDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/GlobPattern.h"

#include "Graph/GraphEnums.h.inc"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Graph/GraphOps.h.inc"

namespace tessel::graph {
/// Whether a matmul's or a reduce's kernel can apply `kind` to its output tiles (their
/// `activation`).
bool isEpilogueActivation(UnaryKind kind);

/// The numpy broadcast of two shapes, or nullopt when they do not broadcast.
std::optional<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                          llvm::ArrayRef<int64_t> b);

/// The values of a dense (any int or float type) or f32 dense-resource elements attribute, as
/// f32: how the chip holds every tensor.
std::optional<std::vector<float>> readF32Elements(mlir::Attribute attr);

/// The value of `v` when it is a graph.constant of one element (of any rank).
std::optional<float> scalarConstant(mlir::Value v);

/// `v` reshaped to `type`: an f32 constant at compile time, anything else by graph.reshape.
mlir::Value reshapedValue(mlir::OpBuilder &b, mlir::Value v, mlir::RankedTensorType type);

/// An f32 elements attribute: a resource blob for anything but tiny tensors.
mlir::ElementsAttr makeF32Elements(mlir::RankedTensorType type, llvm::ArrayRef<float> data,
                                   llvm::StringRef name = "");

/// The smallest and largest value `expr` takes while each dim `d` ranges over
/// `[0, dimSizes[d])`, or nullopt for symbols and non-constant divisors. Conservative.
std::optional<std::pair<int64_t, int64_t>> affineRange(mlir::AffineExpr expr,
                                                       llvm::ArrayRef<int64_t> dimSizes);

/// The longest run of output columns, a power of two up to 32 starting at a multiple of itself,
/// that reads one aligned run of one input tile row, for the gather that reads output index
/// `i` from input index `inputIndex(i)` (with `guards` only compared with bounds): 32 when the
/// last dim maps onto itself, a power of two that divides both last dims when the last output
/// dim walks consecutive input columns in such blocks (the channels of a channels-last window),
/// and 1 otherwise.
/// A guard may vary along a run only if its bound is a multiple of the run: the whole run is
/// then on one side of it (`guardBounds`, one per guard).
int64_t gatherRunLength(llvm::ArrayRef<int64_t> outShape, llvm::ArrayRef<int64_t> inShape,
                        llvm::ArrayRef<mlir::AffineExpr> inputIndex,
                        llvm::ArrayRef<mlir::AffineExpr> guards,
                        llvm::ArrayRef<int64_t> guardBounds);
int64_t gatherRunLength(RemapOp op);

/// A tensor normalised over some of its axes, and its statistics over them (kept as size 1).
struct Normalized {
  mlir::Value normal, mean, var, invStd;
};
/// Builds (x - mean) / sqrt(var + eps) over `axes` from reduces and elementwise ops, or with
/// `rms` x / sqrt(mean(x^2) + eps) (then `mean` is null and `var` is the mean square). The
/// tensors it makes carry `encoding`, the constant eps `scalarEncoding`.
Normalized buildNormalization(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                              llvm::ArrayRef<int64_t> axes, float eps, bool rms,
                              mlir::Attribute encoding = {}, mlir::Attribute scalarEncoding = {});

/// Row-major strides of `shape`, in elements.
llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape);

/// For each dim of `in`, the index a reshape from `in` to `out` reads, in terms of the dims of
/// `out` (row-major order). A last dim both shapes share maps onto itself.
llvm::SmallVector<mlir::AffineExpr> reshapeIndex(llvm::ArrayRef<int64_t> in,
                                                 llvm::ArrayRef<int64_t> out,
                                                 mlir::MLIRContext *ctx);

/// The ONNX node names a location carries (the importer names each op's location after its
/// node; fusions fuse them), joined by commas.
std::string nodeNames(mlir::Location loc);

/// Whether `glob` matches one of the ONNX node names `loc` carries.
bool namesNode(const llvm::GlobPattern &glob, mlir::Location loc);

/// `expr` with every floordiv and mod whose dividend stays within one multiple of the divisor
/// over those ranges replaced by the constant or the difference it equals.
mlir::AffineExpr simplifyOverRanges(mlir::AffineExpr expr, llvm::ArrayRef<int64_t> dimSizes);

/// The map over `dimSizes.size()` dims whose results are `exprs` so simplified.
mlir::AffineMap simplifyOverRanges(llvm::ArrayRef<mlir::AffineExpr> exprs,
                                   llvm::ArrayRef<int64_t> dimSizes, mlir::MLIRContext *ctx);
} // namespace tessel::graph

#endif
