#ifndef TESSEL_DIAGNOSTICS_H
#define TESSEL_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

namespace tessel {
/// Prints each diagnostic as one line, `tool: error: file: node 'NAME': message`, naming the ONNX
/// node whenever the location carries one.
class OneLineDiagnostics : public mlir::ScopedDiagnosticHandler {
public:
  /// Writes to `os` (stderr unless given: the Python bindings keep the lines for their error).
  OneLineDiagnostics(mlir::MLIRContext *ctx, llvm::StringRef tool,
                     llvm::raw_ostream &os = llvm::errs());
};
} // namespace tessel

#endif
