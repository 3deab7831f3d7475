// The search behind tt-compile --precision=auto: candidates are compiled in memory from clones of
// the imported module and run on the simulator, whose formats round as the chip's do; the error
// is measured against the fp32 compilation's outputs and the cycles are the simulator's.
#include "AutoPrecision.h"

#include "tessel/Target/Ttb.h"
#include "tessel/runtime/Binary.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace tessel;

bool tessel::parseAccuracyBudget(StringRef spec, AccuracyBudget &budget, std::string &error) {
  auto [metric, value] = spec.split(':');
  double threshold = 0;
  if ((metric != "pcc" && metric != "rel-l2" && metric != "top1") || value.empty() ||
      value.getAsDouble(threshold) || threshold < 0 || threshold > 1) {
    error = "--accuracy must be pcc:X, rel-l2:X or top1:X with X in [0, 1], got '" +
            spec.str() + "'";
    return false;
  }
  budget.metric = metric.str();
  budget.threshold = threshold;
  return true;
}

namespace {

struct Measured {
  std::vector<rt::HostTensor> outputs;
  int64_t cycles = 0;
  std::vector<rt::DispatchPerf> dispatches;
};

/// Compiles a clone of `imported` at `precision` with `overrides` and runs it on `inputs` on
/// `chip`; with `signatureInputs`, on seeded random inputs it fills in the binary's signature.
FailureOr<Measured> compileAndRun(ModuleOp imported, const CompileOptions &base,
                                  const rt::ChipDesc &chip, StringRef precision,
                                  ArrayRef<std::string> overrides,
                                  const std::vector<rt::HostTensor> &inputs,
                                  std::vector<rt::HostTensor> *signatureInputs = nullptr) {
  OwningOpRef<ModuleOp> module = imported.clone();
  CompileOptions options;
  options.copyOptionValuesFrom(base);
  options.precision = precision.str();
  options.precisionOverrides = overrides;
  // The search's candidates are not the user's compilation: they print nothing.
  options.printFusion = false;
  PassManager pm(imported.getContext());
  buildCompilePipeline(pm, options);
  if (failed(pm.run(*module)))
    return failure();
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (failed(serializeToTtb(*module, os)))
    return failure();
  rt::LoadedBinary binary;
  std::string error;
  if (!rt::loadBinaryFromBytes(std::vector<uint8_t>(bytes.begin(), bytes.end()), chip, binary,
                               error))
    return imported.emitError() << "auto precision: " << error;
  if (signatureInputs) {
    // Seeded normal values for every input, in the model's order and shapes.
    std::mt19937 rng(0);
    std::normal_distribution<float> normal;
    for (const ttb::TensorSignature *sig : *binary.root()->inputs()) {
      rt::HostTensor t;
      t.name = sig->name()->str();
      t.shape.assign(sig->shape()->begin(), sig->shape()->end());
      int64_t n = 1;
      for (int64_t d : t.shape)
        n *= d;
      for (int64_t i = 0; i < n; ++i)
        t.data.push_back(normal(rng));
      signatureInputs->push_back(std::move(t));
    }
  }
  rt::RunResult result;
  if (!rt::runBinary(binary, signatureInputs ? *signatureInputs : inputs, rt::SimOptions(),
                     result, error))
    return imported.emitError() << "auto precision: " << precision << ": " << error;
  return Measured{std::move(result.outputs), result.perf.cycles, result.perf.dispatches};
}

/// The budget's measure of `got` against `ref`, over all outputs: the worst one.
double measure(const AccuracyBudget &budget, const std::vector<rt::HostTensor> &got,
               const std::vector<rt::HostTensor> &ref) {
  bool lowerIsBetter = budget.metric == "rel-l2";
  double worst = lowerIsBetter ? 0.0 : 1.0;
  for (size_t o = 0; o < ref.size() && o < got.size(); ++o) {
    const std::vector<float> &y = got[o].data, &r = ref[o].data;
    size_t n = std::min(y.size(), r.size());
    double score = 1.0;
    if (budget.metric == "pcc") {
      double my = 0, mr = 0;
      for (size_t i = 0; i < n; ++i)
        my += y[i], mr += r[i];
      my /= double(n), mr /= double(n);
      double syr = 0, syy = 0, srr = 0;
      for (size_t i = 0; i < n; ++i) {
        syr += (y[i] - my) * (r[i] - mr);
        syy += (y[i] - my) * (y[i] - my);
        srr += (r[i] - mr) * (r[i] - mr);
      }
      score = syy > 0 && srr > 0 ? syr / std::sqrt(syy * srr) : (syy == srr ? 1.0 : 0.0);
    } else if (budget.metric == "rel-l2") {
      double diff = 0, norm = 0;
      for (size_t i = 0; i < n; ++i)
        diff += (y[i] - r[i]) * (y[i] - r[i]), norm += double(r[i]) * r[i];
      score = norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
    } else {
      int64_t row = ref[o].shape.empty() ? 1 : ref[o].shape.back();
      int64_t rows = row > 0 ? int64_t(n) / row : 0, same = 0;
      for (int64_t k = 0; k < rows; ++k) {
        auto at = [&](const std::vector<float> &v) {
          return std::max_element(v.begin() + k * row, v.begin() + (k + 1) * row) -
                 (v.begin() + k * row);
        };
        same += at(y) == at(r);
      }
      score = rows ? double(same) / double(rows) : 1.0;
    }
    worst = lowerIsBetter ? std::max(worst, score) : std::min(worst, score);
  }
  return worst;
}

bool within(const AccuracyBudget &budget, double score) {
  return budget.metric == "rel-l2" ? score <= budget.threshold : score >= budget.threshold;
}

} // namespace

FailureOr<AutoPrecisionChoice>
tessel::chooseAutoPrecision(ModuleOp imported, const CompileOptions &base,
                            const AccuracyBudget &budget, std::vector<rt::HostTensor> calibration,
                            unsigned maxRefinements, llvm::raw_ostream &log) {
  rt::ChipDesc chip;
  std::string error;
  if (!rt::loadChip(base.chip.getValue(), chip, error))
    return imported.emitError() << "auto precision: " << error;
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
      break;
    }
  }
  if (choice.precision.empty())
    return imported.emitError() << "auto precision: even bf16 misses the budget " << budget.metric
                                << " " << budget.threshold << " on these inputs";
  // Then op by op, the slowest dispatches first: the next narrower precision where the budget
  // still holds and the model gets faster.
  StringRef narrower = choice.precision == "bf16" ? "bfp8" : choice.precision == "bfp8" ? "bfp4" : "";
  if (narrower.empty())
    return choice;
  std::vector<rt::DispatchPerf> order = chosen.dispatches;
  llvm::stable_sort(order, [](const rt::DispatchPerf &a, const rt::DispatchPerf &b) {
    return a.cycles > b.cycles;
  });
  unsigned tries = 0;
  for (const rt::DispatchPerf &d : order) {
    if (tries == maxRefinements)
      break;
    if (d.macs == 0 || d.location.empty())
      continue;
    ++tries;
    std::string node = StringRef(d.location).split(',').first.str();
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
    }
  }
  log << llvm::formatv("auto: chose {0}{1}{2}: {3} cycles\n", choice.precision,
                       choice.overrides.empty() ? "" : " with ",
                       llvm::join(choice.overrides, ", "), chosen.cycles);
  return choice;
}
