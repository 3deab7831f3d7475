// The search behind tt-compile --precision=auto: candidates are compiled in memory from clones of
// the imported module and run on the simulator, whose formats round as the chip's do; the error
// is measured against the fp32 compilation's outputs and the cycles are the simulator's.
#include "AutoPrecision.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace tessel;

/// The first ONNX node of each matmul dispatch, the slowest first.
static std::vector<std::string> slowestNodes(std::vector<rt::DispatchPerf> dispatches) {
  llvm::stable_sort(dispatches, [](const rt::DispatchPerf &a, const rt::DispatchPerf &b) {
    return a.cycles > b.cycles;
  });
  std::vector<std::string> nodes;
  for (const rt::DispatchPerf &d : dispatches)
    if (d.macs != 0 && !d.location.empty())
      nodes.push_back(StringRef(d.location).split(',').first.str());
  return nodes;
}

FailureOr<AutoPrecisionChoice>
tessel::chooseAutoPrecision(ModuleOp imported, const CompileOptions &base,
                            const AccuracyBudget &budget, std::vector<rt::HostTensor> calibration,
                            unsigned maxRefinements, llvm::raw_ostream &log) {
  FailureOr<rt::ChipDesc> loaded = chipOf(imported, base, "auto precision");
  if (failed(loaded))
    return failure();
  const rt::ChipDesc &chip = *loaded;
  bool seeded = calibration.empty();
  FailureOr<Measured> reference = compileAndRun(imported, base, chip, "fp32", {}, calibration,
                                                seeded ? &calibration : nullptr);
  if (failed(reference))
    return failure();
  log << llvm::formatv("auto: fp32 reference on {0} inputs: {1} cycles; budget {2} {3} {4:F4}\n",
                       seeded ? "seeded random" : "the calibration", reference->cycles,
                       budget.metric, budget.metric == "rel-l2" ? "<=" : ">=",
                       budget.threshold);
  auto describe = [&](StringRef what, const Measured &m, double score, bool ok) {
    log << llvm::formatv("auto: {0}: {1} {2:F5}, {3} cycles: {4}\n", what, budget.metric, score,
                         m.cycles, ok ? "within budget" : "outside budget");
  };
  // The fastest uniform precision first.
  AutoPrecisionChoice choice;
  Measured chosen;
  double bf16Score = 0, choiceScore = 0;
  auto record = [&] {
    choice.measured = llvm::formatv("{0} {1:F5} against fp32 on {2} inputs", budget.metric,
                                    choiceScore, seeded ? "seeded random" : "the calibration");
  };
  for (StringRef precision : {"bfp4", "bfp8", "bf16"}) {
    FailureOr<Measured> m = compileAndRun(imported, base, chip, precision, {}, calibration);
    if (failed(m))
      return failure();
    double score = measure(budget, m->outputs, reference->outputs);
    bool ok = within(budget, score);
    describe(precision, *m, score, ok);
    if (ok) {
      choice.precision = precision.str();
      chosen = std::move(*m);
      choiceScore = score;
      break;
    }
    bf16Score = score;
    chosen = std::move(*m);
  }
  if (choice.precision.empty()) {
    // Name the op that fails the budget most: of the slowest ones, the one whose ops kept in
    // fp32 bring the model closest to the reference.
    std::string worst;
    double best = bf16Score;
    bool lower = budget.metric == "rel-l2";
    unsigned tries = 0;
    for (const std::string &node : slowestNodes(chosen.dispatches)) {
      if (tries++ == maxRefinements)
        break;
      FailureOr<Measured> m =
          compileAndRun(imported, base, chip, "bf16", {node + "=fp32"}, calibration);
      if (failed(m))
        return failure();
      double score = measure(budget, m->outputs, reference->outputs);
      describe("bf16 with " + node + "=fp32", *m, score, within(budget, score));
      if (lower ? score < best : score > best)
        worst = node, best = score;
    }
    InFlightDiagnostic diag = imported.emitError()
                              << "auto precision: even bf16 misses the budget " << budget.metric
                              << " " << budget.threshold << " on these inputs ("
                              << llvm::formatv("{0:F5}", bf16Score).str() << ")";
    if (!worst.empty())
      diag << "; '" << worst << "' fails it most: in fp32 it gives "
           << llvm::formatv("{0:F5}", best).str();
    return diag;
  }
  // Then op by op, the slowest dispatches first: the next narrower precision where the budget
  // still holds and the model gets faster.
  StringRef narrower = choice.precision == "bf16" ? "bfp8" : choice.precision == "bfp8" ? "bfp4" : "";
  if (narrower.empty()) {
    record();
    return choice;
  }
  unsigned tries = 0;
  for (const std::string &node : slowestNodes(chosen.dispatches)) {
    if (tries == maxRefinements)
      break;
    ++tries;
    std::vector<std::string> overrides = choice.overrides;
    overrides.push_back(node + "=" + narrower.str());
    FailureOr<Measured> m =
        compileAndRun(imported, base, chip, choice.precision, overrides, calibration);
    if (failed(m))
      return failure();
    double score = measure(budget, m->outputs, reference->outputs);
    bool keep = within(budget, score) && m->cycles < chosen.cycles;
    describe(choice.precision + " with " + overrides.back(), *m, score, within(budget, score));
    if (keep) {
      choice.overrides = overrides;
      chosen = std::move(*m);
      choiceScore = score;
    }
  }
  log << llvm::formatv("auto: chose {0}{1}{2}: {3} cycles\n", choice.precision,
                       choice.overrides.empty() ? "" : " with ",
                       llvm::join(choice.overrides, ", "), chosen.cycles);
  record();
  return choice;
}
