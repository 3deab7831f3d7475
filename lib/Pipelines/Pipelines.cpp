#include "tessel/Pipelines/Pipelines.h"

#include "tessel/Conversion/Passes.h"
#include "tessel/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void tessel::buildCompilePipeline(mlir::OpPassManager &pm, const CompileOptions &options) {
  if (options.fusion)
    pm.addPass(createFuseGraph());
  pm.addPass(createFoldBatchNorm());
  ChooseConvAlgorithmsOptions convs;
  convs.chip = options.chip;
  convs.precision = options.precision;
  convs.overrides = options.precisionOverrides;
  convs.winograd = options.winograd;
  pm.addPass(createChooseConvAlgorithms(convs));
  pm.addPass(createDecomposeGraph(DecomposeGraphOptions{/*expandNorms=*/!options.fusion}));
  pm.addPass(mlir::createCanonicalizerPass());
  if (options.pruneTiles > 0)
    pm.addPass(createPruneWeights(PruneWeightsOptions{options.pruneTiles}));
  pm.addPass(createSinkRemaps());
  if (options.fusion)
    pm.addPass(createFuseEpilogues());
  pm.addPass(createAssignLayouts(AssignLayoutsOptions{options.chip, options.precision}));
  pm.addPass(createBoundIntegerInputs());
  AssignPrecisionOptions precision;
  precision.overrides = options.precisionOverrides;
  pm.addPass(createAssignPrecision(precision));
  ChooseOpConfigsOptions configs;
  configs.l1Budget = options.l1Budget;
  configs.l1Tensors = options.l1Tensors;
  configs.splitK = options.splitK;
  configs.splitReduce = options.splitReduce;
  configs.joinDispatches = options.joinDispatches;
  configs.l1Shards = true;
  configs.skipZeroTiles = options.skipZeroTiles;
  configs.forceSkipZeroTiles = options.forceSkipZeroTiles;
  configs.lhsZeroShares = options.lhsZeroShares;
  pm.addPass(createChooseOpConfigs(configs));
  pm.addPass(createLowerGraphToGrid());
  if (options.fusion && options.fuseTileLoops)
    pm.addPass(createFuseTileLoops(
        FuseTileLoopsOptions{options.printFusion, options.forceFusion, options.joinDispatches}));
  pm.addPass(createLowerGridToKernels());
  // Folds the kernels' index arithmetic and one-trip loops before they are encoded.
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  if (options.joinDispatches)
    pm.addPass(createHoistConstantReads());
  pm.addPass(createAllocateBuffers());
  pm.addPass(createFormPrograms(FormProgramsOptions{options.joinDispatches}));
}

void tessel::registerPipelines() {
  mlir::PassPipelineRegistration<CompileOptions>(
      "tt-compile-pipeline",
      "What tt-compile runs: decompose, assign layouts, choose op configs, lower to kernels, "
      "allocate, form programs",
      buildCompilePipeline);
}
