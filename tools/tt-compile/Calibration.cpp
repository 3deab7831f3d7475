// Compiling a model in memory and running it on the simulator, on calibration inputs: what
// tt-compile's --precision=auto search and its --prune report measure with. The simulator's
// formats round as the chip's do, so the error measured is the chip's.
#include "Calibration.h"

#include "tessel/Target/Ttb.h"
#include "tessel/runtime/Binary.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
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

FailureOr<Measured> CandidateCompiler::compileAndRun(const CompileOptions &base,
                                                     const rt::ChipDesc &chip,
                                                     StringRef precision,
                                                     ArrayRef<std::string> overrides,
                                                     const std::vector<rt::HostTensor> &inputs,
                                                     std::vector<rt::HostTensor> *signatureInputs) {
  if (bytecode.empty()) {
    llvm::raw_string_ostream os(bytecode);
    if (failed(writeBytecodeToFile(imported, os)))
      return imported.emitError() << "calibration: the module could not be written as bytecode";
  }
  MLIRContext *parent = imported.getContext();
  MLIRContext context(parent->getDialectRegistry(), MLIRContext::Threading::DISABLED);
  if (parent->isMultithreadingEnabled())
    context.setThreadPool(parent->getThreadPool());
  // Its diagnostics are the compilation's: reported where the imported module's are.
  context.getDiagEngine().registerHandler(
      [parent](Diagnostic &diag) { parent->getDiagEngine().emit(std::move(diag)); });
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(bytecode, &context);
  if (!module)
    return imported.emitError() << "calibration: the module's bytecode could not be read back";
  CompileOptions options;
  options.copyOptionValuesFrom(base);
  options.precision = precision.str();
  options.precisionOverrides = overrides;
  // The search's candidates are not the user's compilation: they print nothing.
  options.printFusion = false;
  PassManager pm(&context);
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
    return imported.emitError() << "calibration: " << error;
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
    return imported.emitError() << "calibration: " << precision << ": " << error;
  return Measured{std::move(result.outputs), result.perf.cycles, result.perf.dispatches};
}

double tessel::measure(const AccuracyBudget &budget, const std::vector<rt::HostTensor> &got,
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

bool tessel::within(const AccuracyBudget &budget, double score) {
  return budget.metric == "rel-l2" ? score <= budget.threshold : score >= budget.threshold;
}


FailureOr<rt::ChipDesc> tessel::chipOf(ModuleOp imported, const CompileOptions &options,
                                       StringRef what) {
  rt::ChipDesc chip;
  std::string error;
  if (!rt::loadChip(options.chip.getValue(), chip, error))
    return imported.emitError() << what << ": " << error;
  return chip;
}

LogicalResult tessel::reportPruning(ModuleOp imported, const CompileOptions &options,
                                    std::vector<rt::HostTensor> calibration, raw_ostream &log) {
  FailureOr<rt::ChipDesc> chip = chipOf(imported, options, "prune");
  if (failed(chip))
    return failure();
  CompileOptions dense;
  dense.copyOptionValuesFrom(options);
  dense.pruneTiles = 0.0;
  bool seeded = calibration.empty();
  CandidateCompiler candidates(imported);
  FailureOr<Measured> reference =
      candidates.compileAndRun(dense, *chip, options.precision, options.precisionOverrides,
                               calibration, seeded ? &calibration : nullptr);
  if (failed(reference))
    return failure();
  FailureOr<Measured> pruned = candidates.compileAndRun(
      options, *chip, options.precision, options.precisionOverrides, calibration);
  if (failed(pruned))
    return failure();
  uint64_t skipped = 0;
  for (const rt::DispatchPerf &d : pruned->dispatches)
    skipped += d.skippedTiles;
  double pcc = measure(AccuracyBudget{"pcc", 0.0}, pruned->outputs, reference->outputs);
  double relL2 = measure(AccuracyBudget{"rel-l2", 0.0}, pruned->outputs, reference->outputs);
  log << llvm::formatv("prune: {0:P0} of each weight's tiles zeroed; on {1} inputs, against the "
                       "unpruned model: pcc {2:F5}, rel-l2 {3:F5}; {4} tile products skipped, "
                       "{5} cycles against {6} ({7:F2}x)\n",
                       double(options.pruneTiles), seeded ? "seeded random" : "the calibration",
                       pcc, relL2, skipped, pruned->cycles, reference->cycles,
                       pruned->cycles ? double(reference->cycles) / double(pruned->cycles) : 0.0);
  return success();
}

FailureOr<std::vector<std::string>>
tessel::profileZeroActivationTiles(ModuleOp imported, const CompileOptions &options,
                                   std::vector<rt::HostTensor> calibration, raw_ostream &log) {
  FailureOr<rt::ChipDesc> chip = chipOf(imported, options, "sparsity profile");
  if (failed(chip))
    return failure();
  CompileOptions testing;
  testing.copyOptionValuesFrom(options);
  testing.forceSkipZeroTiles = true;
  bool seeded = calibration.empty();
  FailureOr<Measured> run = CandidateCompiler(imported).compileAndRun(
      testing, *chip, options.precision, options.precisionOverrides, calibration,
      seeded ? &calibration : nullptr);
  if (failed(run))
    return failure();
  std::vector<std::string> shares;
  for (const rt::DispatchPerf &d : run->dispatches) {
    if (d.tilesTested == 0 || d.location.empty())
      continue;
    double share = double(d.zeroTilesFound) / double(d.tilesTested);
    std::string node = StringRef(d.location).split(',').first.str();
    log << llvm::formatv("sparsity: '{0}': {1:P1} of its activation tiles zero on {2} inputs\n",
                         node, share, seeded ? "seeded random" : "the calibration");
    shares.push_back(node + "=" + llvm::formatv("{0:F4}", share).str());
  }
  return shares;
}
