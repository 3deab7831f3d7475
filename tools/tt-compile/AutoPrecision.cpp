// The search behind tt-compile --precision=auto: candidates are compiled in memory from the
// imported module (CandidateCompiler) and run on the simulator, whose formats round as the
// chip's do; the error is measured against the fp32 compilation's outputs and the cycles are the
// simulator's.
#include "AutoPrecision.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace tessel;

/// The first ONNX node of each matmul dispatch, in program order, each once.
static std::vector<std::string> matmulNodes(const std::vector<rt::DispatchPerf> &dispatches) {
  std::vector<std::string> nodes;
  for (const rt::DispatchPerf &d : dispatches)
    if (d.macs != 0 && !d.location.empty()) {
      std::string node = StringRef(d.location).split(',').first.str();
      if (llvm::find(nodes, node) == nodes.end())
        nodes.push_back(node);
    }
  return nodes;
}

namespace {
/// Sets of ops the search measures narrower together before it keeps the model's precision.
constexpr int kVerifications = 4;

/// Ops tried one precision narrower together: the score they lose against the model's
/// precision (0 when they gain) and the cycles they save.
struct Unit {
  std::vector<std::string> nodes;
  double loss = 0, gain = 0;
  double ratio() const { return gain / std::max(loss, 1e-9); }
};
} // namespace

/// The first ONNX node of each matmul dispatch, the slowest first, each once.
static std::vector<std::string> slowestNodes(std::vector<rt::DispatchPerf> dispatches) {
  llvm::stable_sort(dispatches, [](const rt::DispatchPerf &a, const rt::DispatchPerf &b) {
    return a.cycles > b.cycles;
  });
  return matmulNodes(dispatches);
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
  CandidateCompiler candidates(imported);
  FailureOr<Measured> reference = candidates.compileAndRun(base, chip, "fp32", {}, calibration,
                                                           seeded ? &calibration : nullptr);
  if (failed(reference))
    return failure();
  // rel-l2 is better lower, pcc and top1 higher.
  bool lower = budget.metric == "rel-l2";
  log << llvm::formatv("auto: fp32 reference on {0} inputs: {1} cycles; budget {2} {3} {4:F4}\n",
                       seeded ? "seeded random" : "the calibration", reference->cycles,
                       budget.metric, lower ? "<=" : ">=", budget.threshold);
  auto describe = [&](StringRef what, const Measured &m, double score, bool ok) {
    log << llvm::formatv("auto: {0}: {1} {2:F5}, {3} cycles: {4}\n", what, budget.metric, score,
                         m.cycles, ok ? "within budget" : "outside budget");
  };
  // The fastest uniform precision first.
  AutoPrecisionChoice choice;
  Measured chosen;
  // The score of the last uniform precision that missed the budget: bf16's when all do, else
  // the one just narrower than the choice.
  double missedScore = 0, choiceScore = 0;
  auto record = [&] {
    choice.measured = llvm::formatv("{0} {1:F5} against fp32 on {2} inputs", budget.metric,
                                    choiceScore, seeded ? "seeded random" : "the calibration");
  };
  for (StringRef precision : {"bfp4", "bfp8", "bf16"}) {
    FailureOr<Measured> m = candidates.compileAndRun(base, chip, precision, {}, calibration);
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
    missedScore = score;
    chosen = std::move(*m);
  }
  if (choice.precision.empty()) {
    // Name the op that fails the budget most: of the slowest ones, the one whose ops kept in
    // fp32 bring the model closest to the reference.
    std::string worst;
    double best = missedScore;
    unsigned tries = 0;
    for (const std::string &node : slowestNodes(chosen.dispatches)) {
      if (tries++ == maxRefinements)
        break;
      FailureOr<Measured> m =
          candidates.compileAndRun(base, chip, "bf16", {node + "=fp32"}, calibration);
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
                              << llvm::formatv("{0:F5}", missedScore).str() << ")";
    if (!worst.empty())
      diag << "; '" << worst << "' fails it most: in fp32 it gives "
           << llvm::formatv("{0:F5}", best).str();
    return diag;
  }
  // Then the ops that can be one precision narrower together within the budget. What ops lose
  // is measured on groups of them narrowed alone (adaptive group testing): eight groups, then
  // the group that loses most halved, its first half measured and the second taken as the rest
  // of the group's loss, so that the few ops that lose most come to stand alone (ResNet-50's
  // downsampling convolutions and its classifier). The units are then taken by
  // cycles saved per score lost, their losses scaled by how much more the whole model at the
  // narrower precision loses than its units do apart, and the set is measured; while it misses
  // the budget, the unit that saves least per score lost goes back.
  StringRef narrower = choice.precision == "bf16" ? "bfp8" : choice.precision == "bfp8" ? "bfp4" : "";
  if (narrower.empty()) {
    record();
    return choice;
  }
  auto lossOf = [&](double score) {
    return std::max(0.0, lower ? score - choiceScore : choiceScore - score);
  };
  double allowed = lower ? budget.threshold - choiceScore : choiceScore - budget.threshold;
  std::vector<std::string> ops = matmulNodes(chosen.dispatches);
  unsigned tries = 0;
  auto overridesFor = [&](ArrayRef<std::string> nodes) {
    std::vector<std::string> overrides;
    for (const std::string &node : nodes)
      overrides.push_back(node + "=" + narrower.str());
    return overrides;
  };
  // Measures `nodes` narrower; failure when a candidate fails to compile or run.
  auto tryNarrower = [&](ArrayRef<std::string> nodes, Unit &unit, double &score,
                         Measured *kept = nullptr) -> LogicalResult {
    ++tries;
    FailureOr<Measured> m =
        candidates.compileAndRun(base, chip, choice.precision, overridesFor(nodes), calibration);
    if (failed(m))
      return failure();
    score = measure(budget, m->outputs, reference->outputs);
    std::string range = nodes.size() == 1 ? nodes.front() : nodes.front() + " .. " + nodes.back();
    describe(llvm::formatv("{0} with {1} of {2} ops {3} ({4})", choice.precision, nodes.size(),
                           ops.size(), narrower, range)
                 .str(),
             *m, score, within(budget, score));
    // `nodes` may be `unit`'s own.
    std::vector<std::string> measured(nodes.begin(), nodes.end());
    unit = Unit{std::move(measured), lossOf(score), double(chosen.cycles - m->cycles)};
    if (kept)
      *kept = std::move(*m);
    return success();
  };
  // Groups of about an eighth of the ops each, in program order, then, while compilations
  // remain, the group that loses most halved.
  std::vector<Unit> units;
  size_t groupSize = std::max<size_t>(1, (ops.size() + 7) / 8);
  for (size_t i = 0; i < ops.size() && tries < maxRefinements; i += groupSize) {
    std::vector<std::string> group(ops.begin() + i,
                                   ops.begin() + std::min(ops.size(), i + groupSize));
    Unit unit;
    double score;
    if (failed(tryNarrower(group, unit, score)))
      return failure();
    units.push_back(std::move(unit));
  }
  while (tries < maxRefinements) {
    auto worst = llvm::max_element(units, [](const Unit &a, const Unit &b) {
      return (a.nodes.size() > 1 ? a.loss : -1.0) < (b.nodes.size() > 1 ? b.loss : -1.0);
    });
    if (worst == units.end() || worst->nodes.size() < 2 || worst->loss <= 0)
      break;
    Unit group = std::move(*worst);
    units.erase(worst);
    size_t half = group.nodes.size() / 2;
    Unit first, rest{std::vector<std::string>(group.nodes.begin() + half, group.nodes.end()), 0,
                     0};
    double score;
    if (failed(tryNarrower(ArrayRef<std::string>(group.nodes).take_front(half), first, score)))
      return failure();
    rest.loss = std::max(0.0, group.loss - first.loss);
    rest.gain = group.gain - first.gain;
    units.push_back(std::move(first));
    units.push_back(std::move(rest));
  }
  // Losses of ops narrowed together add up to more than apart.
  double apart = 0;
  for (const Unit &u : units)
    apart += u.loss;
  double together = lossOf(missedScore); // the whole model narrower
  double interaction = apart > 0 ? std::max(1.0, together / apart) : 1.0;
  llvm::stable_sort(units, [](const Unit &a, const Unit &b) { return a.ratio() > b.ratio(); });
  std::vector<Unit> taken;
  double predicted = 0;
  for (Unit &u : units)
    if (u.gain > 0 && predicted + interaction * u.loss <= allowed) {
      predicted += interaction * u.loss;
      taken.push_back(std::move(u));
    }
  for (int attempt = 0; attempt < kVerifications && !taken.empty(); ++attempt) {
    std::vector<std::string> nodes;
    for (const Unit &u : taken)
      nodes.insert(nodes.end(), u.nodes.begin(), u.nodes.end());
    Unit set;
    double score;
    Measured m;
    if (failed(tryNarrower(nodes, set, score, &m)))
      return failure();
    if (within(budget, score) && m.cycles < chosen.cycles) {
      // In program order, as the log names them.
      std::vector<std::string> ordered;
      for (const std::string &op : ops)
        if (llvm::is_contained(nodes, op))
          ordered.push_back(op);
      choice.overrides = overridesFor(ordered);
      chosen = std::move(m);
      choiceScore = score;
      break;
    }
    taken.pop_back();
  }
  log << llvm::formatv("auto: chose {0}{1}{2}: {3} cycles\n", choice.precision,
                       choice.overrides.empty() ? "" : " with ",
                       llvm::join(choice.overrides, ", "), chosen.cycles);
  record();
  return choice;
}
