#ifndef TESSEL_IMPORT_ONNXIMPORT_H
#define TESSEL_IMPORT_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

namespace tessel {

struct OnnxImportOptions {
  /// Shapes that pin an input's dynamic dims, by input name (`--input-shape=NAME:1x3x224x224`).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Used in diagnostics as the location of model-level errors.
  std::string fileName = "<model>";
};

/// Imports a serialized ONNX ModelProto into a module with one `func.func @main` of graph ops.
/// Every problem is reported as a diagnostic on `context` (with the ONNX node name as location)
/// and yields a null module; nothing throws.
mlir::OwningOpRef<mlir::ModuleOp> importOnnx(llvm::StringRef bytes, mlir::MLIRContext *context,
                                             const OnnxImportOptions &options);

/// Parses `NAME:1x3x224x224` into `options`; returns false on a malformed spec.
bool parseInputShape(llvm::StringRef spec, OnnxImportOptions &options);

} // namespace tessel

#endif
