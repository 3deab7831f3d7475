// tt-opt: mlir-opt with Tessel's dialects, passes and named pipelines.
#include "tessel/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  tessel::hideLibraryOptions();
  mlir::DialectRegistry registry;
  tessel::registerAllDialects(registry);
  tessel::registerAllPasses();
  auto [input, output] =
      mlir::registerAndParseCLIOptions(argc, argv, "Tessel optimizer driver\n", registry);
  // `-o` naming the input would truncate the file the parser reads from: the result goes to a
  // file beside it, which replaces the input once it is whole.
  bool inPlace = input != "-" && output != "-" && llvm::sys::fs::equivalent(input, output);
  if (!inPlace)
    return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, input, output, registry));
  llvm::SmallString<128> partial;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(output + "-%%%%%%.partial", partial)) {
    llvm::errs() << "tt-opt: cannot write beside " << output << ": " << ec.message() << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(argc, argv, input, partial, registry))) {
    llvm::sys::fs::remove(partial);
    return 1;
  }
  if (std::error_code ec = llvm::sys::fs::rename(partial, output)) {
    llvm::errs() << "tt-opt: cannot replace " << output << ": " << ec.message() << "\n";
    llvm::sys::fs::remove(partial);
    return 1;
  }
  return 0;
}
