//===- FuzzImport.cpp - libFuzzer target: ONNX bytes through the importer --===//
//
// Any byte string is a possible model file. The importer must answer every one with a verified
// module or diagnostics, never a crash, a sanitizer report or a hang. Built only with
// -DTESSEL_FUZZ=ON (clang, AddressSanitizer and UBSan).
//
//===----------------------------------------------------------------------===//
#include "tessel/Import/OnnxImport.h"
#include "tessel/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdio>
#include <cstdlib>

// LLVM's allocators poison and unpoison their slabs only where they were compiled with
// AddressSanitizer, and the LLVM and MLIR libraries linked here were not: with the two mixed, a
// slab poisoned by one is used by the other. Manual poisoning is therefore off.
extern "C" const char *__asan_default_options() { return "allow_user_poisoning=0"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    tessel::registerAllDialects(*r);
    return r;
  }();
  // One context per input: nothing a model interned can change how the next is read.
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  bool reported = false;
  context.getDiagEngine().registerHandler([&](mlir::Diagnostic &d) {
    reported |= d.getSeverity() == mlir::DiagnosticSeverity::Error;
    return mlir::success();
  });
  tessel::OnnxImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = tessel::importOnnx(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), &context, options);
  // A refused model must say why; an accepted one must be valid IR.
  if (!module && !reported) {
    std::fprintf(stderr, "the importer refused a model without an error\n");
    std::abort();
  }
  if (module && mlir::failed(mlir::verify(*module))) {
    std::fprintf(stderr, "the importer built IR that does not verify\n");
    std::abort();
  }
  return 0;
}
