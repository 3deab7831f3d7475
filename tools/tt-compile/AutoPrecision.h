// tt-compile --precision=auto: the cheapest precision per op that keeps the model's outputs within
// an accuracy budget, measured by compiling candidates and running them on the simulated chip.
#ifndef TESSEL_TOOLS_TT_COMPILE_AUTOPRECISION_H
#define TESSEL_TOOLS_TT_COMPILE_AUTOPRECISION_H

#include "Calibration.h"

#include <string>
#include <vector>

namespace tessel {

/// What the search chose: a precision for the model and overrides for single ops.
struct AutoPrecisionChoice {
  std::string precision;
  std::vector<std::string> overrides;
  /// What was measured: the chosen compilation's score against the fp32 one (the budget's
  /// metric, on which inputs), e.g. "pcc 0.99512 against fp32 on seeded random inputs".
  std::string measured;
};

/// Searches from `imported` (the module as imported, not modified): the fastest uniform
/// precision within `budget` on `calibration` (inputs in the model's order; seeded random
/// normal values when empty), then the matmul ops that can go one precision narrower together
/// within budget: what they lose is measured on groups of ops, halved where a group loses more
/// than its share (at most `maxRefinements` such compilations), and they are taken by cycles
/// saved per score lost and checked together. Every step is logged on `log`. Failure (with a
/// diagnostic) when even bf16 misses the budget or a candidate fails.
mlir::FailureOr<AutoPrecisionChoice> chooseAutoPrecision(mlir::ModuleOp imported,
                                                         const CompileOptions &base,
                                                         const AccuracyBudget &budget,
                                                         std::vector<rt::HostTensor> calibration,
                                                         unsigned maxRefinements,
                                                         llvm::raw_ostream &log);

} // namespace tessel

#endif
