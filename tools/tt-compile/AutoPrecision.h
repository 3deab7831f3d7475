// tt-compile --precision=auto: the cheapest precision per op that keeps the model's outputs within
// an accuracy budget, measured by compiling candidates and running them on the simulated chip.
#ifndef TESSEL_TOOLS_TT_COMPILE_AUTOPRECISION_H
#define TESSEL_TOOLS_TT_COMPILE_AUTOPRECISION_H

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

/// What the search chose: a precision for the model and overrides for single ops.
struct AutoPrecisionChoice {
  std::string precision;
  std::vector<std::string> overrides;
};

/// Searches from `imported` (the module as imported, not modified): the fastest uniform
/// precision within `budget` on `calibration` (inputs in the model's order; seeded random
/// normal values when empty), then, from the slowest dispatch down, each op that a narrower
/// precision keeps within budget (at most `maxRefinements` tries). Every step is logged on
/// `log`. Failure (with a diagnostic) when even bf16 misses the budget or a candidate fails.
mlir::FailureOr<AutoPrecisionChoice> chooseAutoPrecision(mlir::ModuleOp imported,
                                                         const CompileOptions &base,
                                                         const AccuracyBudget &budget,
                                                         std::vector<rt::HostTensor> calibration,
                                                         unsigned maxRefinements,
                                                         llvm::raw_ostream &log);

} // namespace tessel

#endif
