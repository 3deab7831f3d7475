#include "tessel/Registration.h"

#include "Graph/GraphOps.h"
#include "Grid/GridOps.h"
#include "NoC/NoCOps.h"
#include "Tile/TileOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "tessel/Conversion/Passes.h"
#include "tessel/Pipelines/Pipelines.h"
#include "tessel/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

void tessel::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, grid::GridDialect, noc::NoCDialect, tile::TileDialect,
                  mlir::func::FuncDialect, mlir::arith::ArithDialect, mlir::scf::SCFDialect,
                  mlir::affine::AffineDialect, mlir::tensor::TensorDialect>();
}

void tessel::registerAllPasses() {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  registerTransformsPasses();
  registerConversionPasses();
  registerPipelines();
}

void tessel::hideLibraryOptions() {
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *option = entry.getValue();
    bool generic = llvm::any_of(option->Categories, [](const llvm::cl::OptionCategory *c) {
      return c->getName() == "Generic Options"; // --help, --version
    });
    if (!generic && option->getOptionHiddenFlag() == llvm::cl::NotHidden)
      option->setHiddenFlag(llvm::cl::Hidden);
  }
}
