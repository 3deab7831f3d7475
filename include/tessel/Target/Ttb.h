#ifndef TESSEL_TARGET_TTB_H
#define TESSEL_TARGET_TTB_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace tessel {
/// Writes a module lowered to grid dispatches and allocated (`tt-allocate-buffers`) as a .ttb binary.
/// Reports unsupported IR as diagnostics.
mlir::LogicalResult serializeToTtb(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Prints a .ttb as JSON, kernels disassembled, for people and tests.
mlir::LogicalResult dumpTtb(llvm::StringRef bytes, llvm::raw_ostream &os, std::string &error);

/// Registers --import-onnx, --serialize-ttb and --dump-ttb with mlir-translate's registry.
void registerTranslations();
} // namespace tessel

#endif
