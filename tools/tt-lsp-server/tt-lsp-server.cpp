// tt-lsp-server: MLIR's language server with Tessel's dialects, for editors that open graph, grid,
// tile and noc IR (docs/editor.md). Diagnostics are the parser's and the verifiers' errors.
#include "tessel/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-lsp-server/MlirLspServerMain.h"

int main(int argc, char **argv) {
  tessel::hideLibraryOptions();
  mlir::DialectRegistry registry;
  tessel::registerAllDialects(registry);
  return mlir::failed(mlir::MlirLspServerMain(argc, argv, registry)) ? 1 : 0;
}
