#include "tessel/Import/OnnxImport.h"
#include "tessel/Registration.h"
#include "tessel/Target/Ttb.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static llvm::cl::list<std::string>
    inputShapes("input-shape",
                llvm::cl::desc("With --import-onnx: pin an input's shape, NAME:1x3x224x224 "
                               "(repeatable)"));

void tessel::registerTranslations() {
  TranslateToMLIRRegistration importRegistration(
      "import-onnx", "ONNX model (protobuf) -> graph dialect",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *ctx) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        OnnxImportOptions options;
        options.fileName = buffer->getBufferIdentifier().str();
        for (const std::string &spec : inputShapes)
          if (!parseInputShape(spec, options)) {
            emitError(UnknownLoc::get(ctx))
                << "bad --input-shape '" << spec << "' (expected NAME:1x3x224x224)";
            return nullptr;
          }
        // A node's error names the node after the file, as tt-compile's do; model-level ones
        // (no node) print as usual.
        ScopedDiagnosticHandler nodeNames(ctx, [](Diagnostic &diag) -> LogicalResult {
          NameLoc node;
          FileLineColLoc file;
          diag.getLocation()->walk([&](Location l) {
            if (auto n = dyn_cast<NameLoc>(l); n && !node)
              node = n;
            if (auto f = dyn_cast<FileLineColLoc>(l); f && !file)
              file = f;
            return WalkResult::advance();
          });
          if (!node || !file)
            return failure();
          llvm::errs() << file.getFilename().getValue() << ":" << file.getLine() << ":"
                       << file.getColumn() << ": "
                       << (diag.getSeverity() == DiagnosticSeverity::Error ? "error" : "note")
                       << ": node '" << node.getName().getValue() << "': " << diag.str() << "\n";
          return success();
        });
        OwningOpRef<ModuleOp> module = tessel::importOnnx(buffer->getBuffer(), ctx, options);
        return OwningOpRef<Operation *>(module.release());
      });

  TranslateFromMLIRRegistration serialize(
      "serialize-ttb", "allocated grid/noc/tile IR -> .ttb binary",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("expected a module");
        return serializeToTtb(module, os);
      },
      [](DialectRegistry &registry) { registerAllDialects(registry); });

  TranslateRegistration dump(
      "dump-ttb", ".ttb binary -> JSON",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr, raw_ostream &os,
         MLIRContext *ctx) -> LogicalResult {
        const llvm::MemoryBuffer *buffer = sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        std::string error;
        if (failed(dumpTtb(buffer->getBuffer(), os, error)))
          return emitError(UnknownLoc::get(ctx)) << error;
        return success();
      });
}
