// Compiling a model in memory and running it on the simulator, on calibration inputs, and
// measuring how far its outputs are from another compilation's.
#ifndef TESSEL_TOOLS_TT_COMPILE_CALIBRATION_H
#define TESSEL_TOOLS_TT_COMPILE_CALIBRATION_H

#include "tessel/Pipelines/Pipelines.h"
#include "tessel/runtime/Simulator.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace tessel {

/// How close a candidate's outputs must stay to the fp32 compilation's: `pcc` (Pearson
/// correlation at least `threshold`), `rel-l2` (||y - ref|| / ||ref|| at most `threshold`) or
/// `top1` (the share of rows whose largest value is at the same place, at least `threshold`).
struct AccuracyBudget {
  std::string metric = "pcc";
  double threshold = 0.99;
};

/// Parses `pcc:0.99`, `rel-l2:0.05` or `top1:0.98`; false with `error` otherwise.
bool parseAccuracyBudget(llvm::StringRef spec, AccuracyBudget &budget, std::string &error);

/// The chip `options` name, or failure with a diagnostic on `imported` prefixed by `what`.
mlir::FailureOr<rt::ChipDesc> chipOf(mlir::ModuleOp imported, const CompileOptions &options,
                                     llvm::StringRef what);

/// One compilation run on the simulator.
struct Measured {
  std::vector<rt::HostTensor> outputs;
  int64_t cycles = 0;
  std::vector<rt::DispatchPerf> dispatches;
};

/// Compiles the imported module again and again (a search's candidates) and runs each
/// compilation on the simulator. Each compiles in an MLIRContext of its own, parsed from the
/// module's bytecode: the weights a compilation folds are resource blobs of its context, which
/// live as long as the context does (a search on ResNet-50 had kept 12 GB of them).
class CandidateCompiler {
public:
  explicit CandidateCompiler(mlir::ModuleOp imported) : imported(imported) {}

  /// Compiles the module with `base` at `precision` with `overrides` and runs it on `inputs` on
  /// `chip`; with `signatureInputs`, on seeded random inputs it fills in from the binary's
  /// signature.
  mlir::FailureOr<Measured> compileAndRun(const CompileOptions &base, const rt::ChipDesc &chip,
                                          llvm::StringRef precision,
                                          llvm::ArrayRef<std::string> overrides,
                                          const std::vector<rt::HostTensor> &inputs,
                                          std::vector<rt::HostTensor> *signatureInputs = nullptr);

private:
  mlir::ModuleOp imported;
  std::string bytecode; // the imported module's, written for the first compilation
};

/// The budget's measure of `got` against `ref`, over all outputs: the worst one.
double measure(const AccuracyBudget &budget, const std::vector<rt::HostTensor> &got,
               const std::vector<rt::HostTensor> &ref);

/// Whether `score` meets the budget.
bool within(const AccuracyBudget &budget, double score);

/// tt-compile --prune: compiles `imported` with `options` (which prune) and without pruning, runs
/// both on `calibration` (seeded random normal values when empty) and logs on `log` how far the
/// pruned outputs are from the unpruned ones (PCC and relative L2), the tile products the
/// kernels skip and both compilations' cycles.
mlir::LogicalResult reportPruning(mlir::ModuleOp imported, const CompileOptions &options,
                                  std::vector<rt::HostTensor> calibration, llvm::raw_ostream &log);

/// tt-compile --sparsity=activations: compiles `imported` with `options` and every matmul
/// testing its activation tiles, runs it on `calibration` (seeded random normal values when
/// empty) and returns, per matmul that tested tiles, `NODE=SHARE`: the share it found all zero,
/// logging each on `log`.
mlir::FailureOr<std::vector<std::string>>
profileZeroActivationTiles(mlir::ModuleOp imported, const CompileOptions &options,
                           std::vector<rt::HostTensor> calibration, llvm::raw_ostream &log);

} // namespace tessel

#endif
