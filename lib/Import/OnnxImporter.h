// Internal interface between the model-level importer and the per-op converters.
#ifndef TESSEL_LIB_IMPORT_ONNXIMPORTER_H
#define TESSEL_LIB_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include "tessel/runtime/SaturatingCast.h"

#include <functional>

namespace tessel::onnx_import {

/// State shared while the nodes of one graph are converted.
struct NodeContext {
  mlir::OpBuilder &builder;
  const onnx::NodeProto &node;
  mlir::Location loc;
  int64_t opset;
  llvm::SmallVector<mlir::Value> operands;     // null for omitted optional inputs
  llvm::SmallVector<mlir::RankedTensorType> resultTypes;
  /// Declares a tensor of `type` the runtime fills with random numbers before the chip runs (an
  /// argument of the chip's function marked graph.draw, with `draw` as its value), returning it;
  /// null where no such tensor may be declared (the bodies of branches and loops).
  std::function<mlir::Value(mlir::RankedTensorType type, mlir::DictionaryAttr draw)> drawTensor;

  mlir::InFlightDiagnostic emitError() const { return mlir::emitError(loc); }
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t dflt) const;
  float floatAttr(llvm::StringRef name, float dflt) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef dflt) const;
  /// The values of operand `i` when a constant (initializer or Constant node) defines it.
  std::optional<std::vector<float>> constantOperand(unsigned i) const;
};

/// Converts one node; returns the values of its outputs, or failure after a diagnostic.
using NodeConverter =
    std::function<mlir::FailureOr<llvm::SmallVector<mlir::Value>>(NodeContext &)>;

/// The constant a node computes when all its inputs are constants (shape arithmetic), or
/// nullopt to convert it into graph ops.
std::optional<llvm::SmallVector<mlir::Value>> foldConstantNode(NodeContext &ctx);
/// Whether foldConstantNode knows the op type.
bool isFoldable(llvm::StringRef opType);

/// Whether the runtime runs `opType` (default domain) on the host: its output's shape depends on
/// the data, or the chip has no arithmetic for it.
bool isHostOpType(llvm::StringRef opType);
/// Whether the runtime can run `opType` on the host: the ops above; Range, which runs there when
/// its bounds are known only at run time (its length depends on them); ReduceSum, when its axes
/// are; and Cast and CastLike, which do when they take or make strings.
bool canRunOnHost(llvm::StringRef opType);
/// Whether `opType` is a sequence op, which the host runs on a sequence the model takes.
bool isHostSequenceOp(llvm::StringRef opType);
/// The types of a sequence op's outputs on the host (a !graph.sequence, or a tensor taken from
/// one), given its inputs'.
mlir::FailureOr<llvm::SmallVector<mlir::Type>>
hostSequenceTypes(const onnx::NodeProto &node, mlir::Location loc,
                  llvm::ArrayRef<mlir::Type> inputs);
/// Whether `opType` is elementwise math the host does on what a host op computed.
bool isHostElementwise(llvm::StringRef opType);
/// Whether `opType` only moves values, which the host does after a host op (the gathers, slices
/// and reshapes after NonMaxSuppression in exported detectors).
bool isHostDataMovement(llvm::StringRef opType);
/// The op types canRunOnHost accepts, for diagnostics.
std::string hostOpTypesText();
/// The types of a host op's outputs given its inputs' (null for omitted ones); dims that depend
/// on the data are dynamic.
/// The values of input `i` when a constant defines it.
using ConstantInts = llvm::function_ref<std::optional<llvm::SmallVector<int64_t>>(unsigned)>;
mlir::FailureOr<llvm::SmallVector<mlir::RankedTensorType>>
hostOutputTypes(const onnx::NodeProto &node, mlir::Location loc,
                llvm::ArrayRef<mlir::RankedTensorType> inputs,
                llvm::function_ref<mlir::Type(int32_t)> elementTypeOf,
                ConstantInts constantInts);
/// A host op's ONNX attributes as graph.host_ops records them.
mlir::FailureOr<mlir::DictionaryAttr> hostAttributes(const onnx::NodeProto &node,
                                                     mlir::Location loc);

/// Checks what libonnx's checker and inference trust, in `graph` and its subgraphs: that every
/// tensor (initializers, Constant values, tensor attributes) holds as many values as its dims
/// say, with dims that fit in memory, and that the strides, dilations, kernel sizes and pads of
/// windowed ops (Conv, the pools) are in range, and that a SplitToSequence's constant chunk length
/// is positive.
mlir::LogicalResult checkModelData(const onnx::GraphProto &graph, mlir::Location loc);

/// The values of a TensorProto of any supported element type, or nullopt when their number does
/// not match `count`.
std::optional<std::vector<double>> tensorValues(const onnx::TensorProto &t, int64_t count);

/// The converter of an ONNX op type: "OpType" in the default domain, "domain:OpType" in another;
/// null when it is unsupported.
const NodeConverter *lookupConverter(llvm::StringRef opType);

} // namespace tessel::onnx_import

#endif
