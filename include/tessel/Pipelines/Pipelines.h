#ifndef TESSEL_PIPELINES_PIPELINES_H
#define TESSEL_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace tessel {

struct CompileOptions : mlir::PassPipelineOptions<CompileOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("Chip name or descriptor path"),
                           llvm::cl::init("wormhole_b0")};
  Option<std::string> precision{*this, "precision",
                                llvm::cl::desc("fp32, bf16, bfp8 or bfp4"),
                                llvm::cl::init("fp32")};
  ListOption<std::string> precisionOverrides{
      *this, "precision-override",
      llvm::cl::desc("NODE_GLOB=fp32|bf16|bfp8|bfp4: another precision for matching nodes")};
  Option<int64_t> l1Budget{*this, "l1-budget",
                           llvm::cl::desc("L1 bytes per core a dispatch may use (0: all)"),
                           llvm::cl::init(0)};
  Option<bool> l1Tensors{*this, "l1-tensors",
                         llvm::cl::desc("Keep intermediate tensors in L1 when they fit"),
                         llvm::cl::init(true)};
  Option<bool> splitK{*this, "split-k",
                      llvm::cl::desc("Split a matmul's K where the cost model estimates it faster"),
                      llvm::cl::init(true)};
  Option<bool> splitReduce{*this, "split-reduce",
                           llvm::cl::desc("Split a reduce's long rows over more cores where the "
                                          "cost model estimates it faster"),
                           llvm::cl::init(true)};
  Option<double> pruneTiles{*this, "prune-tiles",
                            llvm::cl::desc("Zero this share of every matmul weight's 32x32 tiles, "
                                           "the weakest first (tt-prune-weights; 0: none)"),
                            llvm::cl::init(0.0)};
  Option<bool> skipZeroTiles{*this, "skip-zero-tiles",
                             llvm::cl::desc("Skip a constant matmul operand's all-zero tiles "
                                            "where the cost model estimates it faster"),
                             llvm::cl::init(true)};
  Option<bool> forceSkipZeroTiles{*this, "force-skip-zero-tiles",
                                  llvm::cl::desc("Skip them wherever the kernels can, whatever "
                                                 "the cost model estimates"),
                                  llvm::cl::init(false)};
  ListOption<std::string> lhsZeroShares{
      *this, "lhs-zero-shares",
      llvm::cl::desc("NODE_GLOB=SHARE: the share of a matmul's activation tiles a profile found "
                     "all zero (tt-choose-op-configs weighs skipping them)")};
  Option<bool> fusion{*this, "fusion",
                      llvm::cl::desc("Fuse ops into one kernel (GELU and the normalisations "
                                     "recognised, epilogues into matmuls); false: every op "
                                     "its own dispatch"),
                      llvm::cl::init(true)};
  Option<bool> fuseTileLoops{*this, "fuse-tile-loops",
                             llvm::cl::desc("With fusion, also move streaming dispatches into "
                                            "the tile loops that read them "
                                            "(tt-fuse-tile-loops)"),
                             llvm::cl::init(true)};
  Option<bool> forceFusion{*this, "force-fusion",
                           llvm::cl::desc("tt-fuse-tile-loops fuses wherever it is legal, "
                                          "whatever its estimate"),
                           llvm::cl::init(false)};
  Option<bool> joinDispatches{*this, "join-dispatches",
                               llvm::cl::desc("Join consecutive dispatches into programs the "
                                              "chip launches once (tt-form-programs)"),
                               llvm::cl::init(true)};
  Option<std::string> winograd{
      *this, "winograd",
      llvm::cl::desc("3x3 stride-1 convolutions as Winograd F(2x2, 3x3): auto (where the cost "
                     "model estimates it cheaper), always or never (tt-choose-conv-algorithms)"),
      llvm::cl::init("auto")};
  Option<bool> printFusion{*this, "print-fusion",
                           llvm::cl::desc("Print tt-fuse-tile-loops's decisions on stdout"),
                           llvm::cl::init(false)};
};

/// graph IR from the importer -> allocated grid dispatches, ready for --serialize-ttb.
void buildCompilePipeline(mlir::OpPassManager &pm, const CompileOptions &options);

/// Registers `tt-compile-pipeline` with tt-opt.
void registerPipelines();

} // namespace tessel

#endif
