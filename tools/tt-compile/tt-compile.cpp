// tt-compile: ONNX model -> .ttb binary for a simulated chip, in one step.
#include "Graph/GraphDialect.h"
#include "Graph/GraphOps.h"
#include "Graph/InputNames.h"
#include "Grid/GridDialect.h"
#include "Grid/GridOps.h"
#include "AutoPrecision.h"
#include "tessel/Diagnostics.h"
#include "tessel/runtime/TensorIO.h"
#include "tessel/Import/OnnxImport.h"
#include "tessel/Pipelines/Pipelines.h"
#include "tessel/Registration.h"
#include "tessel/Target/Ttb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("tt-compile options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"), cl::Required,
                                      cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output .ttb file (default: the model's "
                                                     "name with .ttb)"),
                                       cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> chip("chip",
                                 cl::desc("Target chip: a name under runtime/chips "
                                          "(wormhole_b0) or a path to a .chip descriptor"),
                                 cl::init("wormhole_b0"), cl::cat(category));
static cl::opt<std::string> precision(
    "precision",
    cl::desc("auto: the cheapest precision per op within --accuracy, measured on the simulator "
             "(the search is logged on stderr); fp32: f32 tiles, ONNX-conformant numbers; "
             "bf16: bf16 tiles at HiFi4, faster, "
             "PCC-level accuracy; bfp8: matmul and convolution weights, and the activations only "
             "matmuls read, in bfp8_b at HiFi2 (half their bytes, twice the matmul rate), other "
             "activations bf16; bfp4: the same with the weights in bfp4_b at LoFi (a quarter of "
             "the bytes, four times the rate, the least accurate)"),
    cl::value_desc("fp32|bf16|bfp8|bfp4|auto"), cl::init("fp32"), cl::cat(category));
static cl::opt<std::string> accuracy(
    "accuracy",
    cl::desc("With --precision=auto, how close the outputs must stay to the fp32 compilation's "
             "on the calibration inputs: pcc:X (Pearson correlation at least X), rel-l2:X "
             "(relative L2 error at most X) or top1:X (share of rows whose largest value is at "
             "the same place, at least X)"),
    cl::value_desc("metric:X"), cl::init("pcc:0.99"), cl::cat(category));
static cl::list<std::string> calibration(
    "calibration",
    cl::desc("With --precision=auto, --prune or --sparsity=activations, a calibration input as "
             "@FILE.npy, one per model input in "
             "order (default: seeded random normal values)"),
    cl::value_desc("@file.npy"), cl::cat(category));
static cl::opt<unsigned> autoTries(
    "auto-tries",
    cl::desc("With --precision=auto, at most how many compilations the search measures to "
             "find the ops that can be one precision narrower than the model's (groups of "
             "ops, halved where they lose most accuracy)"),
    cl::init(24), cl::cat(category));
static cl::list<std::string> precisionOverrides(
    "precision-override",
    cl::desc("Another precision for the ops whose ONNX node names match a glob, "
             "NODE_GLOB=fp32|bf16|bfp8|bfp4 (repeatable; the last match wins), e.g. "
             "--precision-override='*attn*=bf16'"),
    cl::value_desc("glob=precision"), cl::cat(category));
static cl::list<std::string> inputShapes("input-shape",
                                         cl::desc("Pin an input's dims, NAME:1x3x224x224 "
                                                  "(repeatable)"),
                                         cl::cat(category));
static cl::opt<std::string> dumpIrDir("dump-ir-dir",
                                      cl::desc("Write the IR after import and after every pass "
                                               "into this directory, numbered in order"),
                                      cl::value_desc("dir"), cl::cat(category));

static cl::opt<bool> printOpConfigs("print-op-configs",
                                    cl::desc("Print each op's chosen config (core grid, "
                                             "blocking, K chunk, estimated cycles; a 3x3 "
                                             "convolution's algorithm; attention's query "
                                             "blocks and key chunks) and whether "
                                             "its result stays in L1 (sharded, written over its residual), on stdout"),
                                    cl::cat(category));
static cl::opt<bool> printPrecision("print-precision",
                                    cl::desc("Print each op's precision on stdout: the formats of "
                                             "its operands and result, its Dst format and its "
                                             "math fidelity"),
                                    cl::cat(category));
static cl::opt<int64_t> l1Budget("l1-budget",
                                 cl::desc("L1 bytes per core an op's config may plan for "
                                          "(default: all the chip leaves to kernels); a "
                                          "smaller budget forces streaming configs"),
                                 cl::value_desc("bytes"), cl::init(0), cl::cat(category));
static cl::opt<bool> dramTensors("dram-tensors",
                                 cl::desc("Keep every tensor in DRAM between ops, instead of "
                                          "keeping in L1 those that fit (to measure what L1 "
                                          "residency gains)"),
                                 cl::cat(category));
static cl::opt<bool> noSplitK("no-split-k",
                              cl::desc("Never split a matmul along K over more cores, even where "
                                       "the cost model estimates it faster (to measure what "
                                       "splitting gains)"),
                              cl::cat(category));
static cl::opt<bool> noSplitReduce("no-split-reduce",
                                   cl::desc("Never split a reduce's long rows over more cores, "
                                            "even where the cost model estimates it faster (to "
                                            "measure what splitting gains)"),
                                   cl::cat(category));
static cl::opt<bool> separateDispatches(
    "separate-dispatches",
    cl::desc("Launch every dispatch as a program of its own, instead of joining consecutive "
             "dispatches into programs that fit the chip's kernel config buffer, whose "
             "dispatches meet at a barrier on the NoC instead of a launch (to measure what "
             "joining gains)"),
    cl::cat(category));
static cl::opt<std::string> sparsity(
    "sparsity",
    cl::desc("on (default): a matmul or convolution whose weight has all-zero 32x32 tiles (a "
             "pruned one) stores only the others and neither reads nor multiplies the zero ones, "
             "where the cost model estimates that faster; activations: the same, and first a "
             "run on the --calibration inputs (seeded random ones when none are given) measures "
             "the share of each matmul's activation tiles that are all zero (as after a ReLU), "
             "and matmuls test their activation tiles and skip the zero ones where the cost "
             "model estimates that faster at that share; always: both wherever the kernels can "
             "(to check the estimate); off: every tile stored and multiplied (to measure what "
             "skipping gains)"),
    cl::value_desc("on|activations|always|off"), cl::init("on"), cl::cat(category));
static cl::opt<std::string> prune(
    "prune",
    cl::desc("tile:F zeroes the share F (in (0, 1]) of every matmul and convolution weight's "
             "32x32 tiles, those of least L2 norm first, so that the kernels skip them: faster, "
             "for users who accept the loss, which is reported on stderr against the unpruned "
             "model on the --calibration inputs (seeded random ones when none are given)"),
    cl::value_desc("tile:F"), cl::cat(category));
static cl::opt<std::string> fusion(
    "fusion",
    cl::desc("on (default): fuse ops where the compiler can: on the graph (GELU, the "
             "normalisations and attention recognised, a matmul's bias, activation, scale and "
             "residual in its epilogue), then on the grid (streaming ops moved into the tile "
             "loops that read them, tt-fuse-tile-loops, where its cost model says it pays); "
             "always: the same, fusing tile loops wherever it is legal (to check the cost "
             "model); graph: the graph's fusions only; off: every op its own dispatch, for "
             "comparison and debugging"),
    cl::value_desc("on|always|graph|off"), cl::init("on"), cl::cat(category));
static cl::opt<std::string> winograd(
    "winograd",
    cl::desc("auto (default): compute a 3x3 stride-1 convolution with constant weights as "
             "Winograd F(2x2, 3x3) where the cost model estimates it cheaper than the implicit "
             "GEMM (2.25x fewer matmul products, the input and output transformed by dispatches "
             "of their own; taken only for f32 or bf16 weights and an even output size); "
             "always: wherever it applies; never: nowhere. --print-op-configs shows each "
             "convolution's choice and estimates"),
    cl::value_desc("auto|always|never"), cl::init("auto"), cl::cat(category));
static cl::opt<bool> printFusion("print-fusion",
                                 cl::desc("Print on stdout the graph ops that cover several ONNX "
                                          "nodes, and each producer -> consumer dispatch pair "
                                          "tt-fuse-tile-loops weighed: fused or not, and why"),
                                 cl::cat(category));

namespace {
/// Runs `print` on every op of the module before or after the pass named `pass`: the reports
/// --print-op-configs, --print-fusion and --print-precision write.
class PrintEachOp : public PassInstrumentation {
public:
  PrintEachOp(StringRef pass, bool before, std::function<void(Operation *)> print)
      : pass(pass), before(before), print(std::move(print)) {}
  void runBeforePass(Pass *p, Operation *op) override {
    if (before && p->getArgument() == pass)
      op->walk([&](Operation *inner) { print(inner); });
  }
  void runAfterPass(Pass *p, Operation *op) override {
    if (!before && p->getArgument() == pass)
      op->walk([&](Operation *inner) { print(inner); });
  }

private:
  std::string pass;
  bool before;
  std::function<void(Operation *)> print;
};

/// What tt-choose-op-configs decided, one line per op that has a config or keeps its result in
/// L1, named by its ONNX nodes: the config, and where the result lives (and how it is sharded);
/// for a reshard that copies a DRAM input to L1 for the remap after it, both estimates.
void printOpConfig(Operation *inner) {
  Attribute config = inner->getAttr(tessel::grid::kConfigAttrName);
  tessel::grid::LayoutAttr layout;
  if (inner->getNumResults() == 1)
    layout = tessel::grid::getLayout(inner->getResult(0).getType());
  bool inL1 = layout && layout.getMemory() == tessel::grid::MemorySpace::l1;
  if (!config && !inL1)
    return;
  llvm::outs() << tessel::graph::nodeNames(inner->getLoc()) << " (" << inner->getName() << "): ";
  if (config)
    llvm::outs() << config << "; ";
  llvm::outs() << "result in " << (inL1 ? "L1" : "DRAM");
  if (inL1 && layout.getSharding() != tessel::grid::Sharding::interleaved) {
    tessel::grid::CoreRangeAttr cores = layout.getCores();
    llvm::outs() << ", " << tessel::grid::stringifySharding(layout.getSharding()) << " "
                 << layout.getShardShape()[0] << "x" << layout.getShardShape()[1]
                 << " tiles per core over " << cores.width() << "x" << cores.height() << " cores";
  }
  if (inner->hasAttr(tessel::grid::kOverResidualAttrName))
    llvm::outs() << ", written over its residual";
  if (auto staged =
          inner->getAttrOfType<DenseI64ArrayAttr>(tessel::grid::kStagedCyclesAttrName))
    llvm::outs() << ", a copy of its DRAM input for the gathers that read it (estimated "
                 << staged[0] << " cycles with them, " << staged[1] << " reading DRAM)";
  llvm::outs() << "\n";
}

/// What tt-choose-conv-algorithms decided for a convolution Winograd could compute.
void printConvConfig(Operation *inner) {
  if (auto config = inner->getAttrOfType<tessel::grid::ConvConfigAttr>(
          tessel::grid::kConfigAttrName))
    llvm::outs() << tessel::graph::nodeNames(inner->getLoc()) << " (" << inner->getName()
                 << "): " << config << "\n";
}

/// Once the graph is in its final form (before layouts are assigned), a graph op that computes
/// several ONNX nodes: what the graph-level fusions made of them.
void printGraphFusion(Operation *inner) {
  // Constants and layout changes folded from or split off a fused node are not fusions.
  if (!isa<tessel::graph::GraphDialect>(inner->getDialect()) ||
      isa<tessel::graph::ConstantOp, tessel::graph::RemapOp, tessel::graph::ReshapeOp>(inner))
    return;
  std::string nodes = tessel::graph::nodeNames(inner->getLoc());
  if (llvm::count(nodes, ',') == 0)
    return;
  llvm::outs() << "graph: " << inner->getName() << " covers " << nodes << "\n";
}

/// What tt-assign-precision gave an op, named by its ONNX nodes: the formats of its operands and
/// result, the format Dst accumulates in and the math fidelity.
void printOpPrecision(Operation *inner) {
  auto compute =
      inner->getAttrOfType<tessel::grid::ComputeConfigAttr>(tessel::grid::kComputeAttrName);
  if (!compute)
    return;
  auto formatOf = [](Value v) {
    tessel::grid::LayoutAttr layout = tessel::grid::getLayout(v.getType());
    return layout ? tessel::tile::stringifyDataFormat(layout.getFormat()) : StringRef("-");
  };
  llvm::outs() << tessel::graph::nodeNames(inner->getLoc()) << " (" << inner->getName() << "): ";
  llvm::interleave(
      inner->getOperands(), llvm::outs(), [&](Value v) { llvm::outs() << formatOf(v); }, ", ");
  llvm::outs() << " -> " << formatOf(inner->getResult(0)) << "; Dst "
               << tessel::tile::stringifyDataFormat(compute.getDst()) << ", "
               << tessel::tile::stringifyMathFidelity(compute.getFidelity()) << "\n";
}

/// Writes the module after each pass to <dir>/NN-<pass>.mlir.
class DumpIR : public PassInstrumentation {
public:
  DumpIR(std::string dir) : dir(std::move(dir)) {}
  void dump(Operation *op, StringRef stage) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, llvm::formatv("{0:02}-{1}.mlir", index++, stage).str());
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (!ec)
      op->print(os);
  }
  void runAfterPass(Pass *pass, Operation *op) override { dump(op, pass->getArgument()); }

private:
  std::string dir;
  int index = 0;
};
} // namespace

static int fail(const Twine &message) {
  llvm::errs() << "tt-compile: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerAsmPrinterCLOptions();
  // LLVM's and MLIR's own options still parse, but --help lists only the compiler's.
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Tessel compiler: ONNX model -> .ttb binary for a simulated many-core chip\n\n"
      "  tt-compile model.onnx -o model.ttb [--precision=bf16] [--input-shape=x:1x3x224x224]\n\n"
      "Also accepts --mlir-print-ir-after-all and the other --mlir-* pass manager options\n"
      "(--help-hidden lists them).\n");

  auto buffer = llvm::MemoryBuffer::getFile(inputFile, /*IsText=*/false);
  if (!buffer)
    return fail("cannot read '" + inputFile + "': " + buffer.getError().message());
  if (!llvm::is_contained(ArrayRef<StringRef>{"fp32", "bf16", "bfp8", "bfp4", "auto"},
                          precision.getValue()))
    return fail("--precision must be fp32, bf16, bfp8, bfp4 or auto, got '" + precision + "'");
  tessel::AccuracyBudget budget;
  std::string budgetError;
  if (!tessel::parseAccuracyBudget(accuracy, budget, budgetError))
    return fail(budgetError);
  std::vector<tessel::rt::HostTensor> calibrationInputs;
  for (const std::string &spec : calibration) {
    tessel::rt::HostTensor t;
    std::string error;
    if (!StringRef(spec).starts_with("@") || !tessel::rt::readNpy(spec.substr(1), t, error))
      return fail("bad --calibration '" + spec + "'" + (error.empty() ? " (expected @FILE.npy)"
                                                                        : ": " + error));
    calibrationInputs.push_back(std::move(t));
  }
  std::string output = outputFile;
  if (output.empty()) {
    llvm::SmallString<128> p(inputFile);
    llvm::sys::path::replace_extension(p, "ttb");
    output = std::string(p);
  }

  DialectRegistry registry;
  tessel::registerAllDialects(registry);
  MLIRContext context(registry);
  tessel::OneLineDiagnostics diagnostics(&context, "tt-compile");

  tessel::OnnxImportOptions importOptions;
  importOptions.fileName = inputFile;
  for (const std::string &spec : inputShapes)
    if (!tessel::parseInputShape(spec, importOptions))
      return fail("bad --input-shape '" + spec + "' (expected NAME:1x3x224x224)");
  OwningOpRef<ModuleOp> module =
      tessel::importOnnx((*buffer)->getBuffer(), &context, importOptions);
  if (!module)
    return 1;

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return fail("bad pass manager options");
  if (!dumpIrDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(dumpIrDir))
      return fail("cannot create '" + dumpIrDir + "': " + ec.message());
    auto dumper = std::make_unique<DumpIR>(dumpIrDir);
    dumper->dump(*module, "import-onnx");
    pm.addInstrumentation(std::move(dumper));
  }
  if (printOpConfigs) {
    pm.addInstrumentation(std::make_unique<PrintEachOp>("tt-choose-conv-algorithms",
                                                        /*before=*/false, printConvConfig));
    pm.addInstrumentation(
        std::make_unique<PrintEachOp>("tt-choose-op-configs", /*before=*/false, printOpConfig));
  }
  if (printPrecision)
    pm.addInstrumentation(
        std::make_unique<PrintEachOp>("tt-assign-precision", /*before=*/false, printOpPrecision));
  if (l1Budget < 0)
    return fail("--l1-budget must not be negative");
  if (fusion != "on" && fusion != "always" && fusion != "graph" && fusion != "off")
    return fail("--fusion must be on, always, graph or off, not '" + fusion + "'");
  if (sparsity != "on" && sparsity != "activations" && sparsity != "always" &&
      sparsity != "off")
    return fail("--sparsity must be on, activations, always or off, not '" + sparsity + "'");
  tessel::CompileOptions options;
  options.skipZeroTiles = sparsity != "off";
  options.forceSkipZeroTiles = sparsity == "always";
  if (!prune.empty()) {
    double share = 0;
    StringRef spec(prune);
    if (!spec.consume_front("tile:") || spec.getAsDouble(share) || !(share > 0 && share <= 1))
      return fail("--prune must be tile:F with F in (0, 1], not '" + prune + "'");
    options.pruneTiles = share;
  }
  options.l1Budget = l1Budget.getValue();
  options.l1Tensors = !dramTensors;
  options.splitK = !noSplitK;
  options.splitReduce = !noSplitReduce;
  options.joinDispatches = !separateDispatches;
  options.fusion = fusion != "off";
  options.fuseTileLoops = fusion == "on" || fusion == "always";
  options.forceFusion = fusion == "always";
  options.printFusion = printFusion.getValue();
  if (winograd != "auto" && winograd != "always" && winograd != "never")
    return fail("--winograd must be auto, always or never, not '" + winograd + "'");
  options.winograd = winograd.getValue();
  if (printFusion)
    pm.addInstrumentation(
        std::make_unique<PrintEachOp>("tt-assign-layouts", /*before=*/true, printGraphFusion));
  options.chip = chip.getValue();
  options.precision = precision.getValue();
  options.precisionOverrides = ArrayRef<std::string>(precisionOverrides);
  std::string chosenPrecision = precision;
  if (precision == "auto") {
    auto start = std::chrono::steady_clock::now();
    FailureOr<tessel::AutoPrecisionChoice> choice = tessel::chooseAutoPrecision(
        *module, options, budget, calibrationInputs, autoTries, llvm::errs());
    if (failed(choice))
      return 1;
    llvm::errs() << llvm::formatv(
        "auto: searched in {0:F1} s\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    // The user's overrides come last: they win over the search's.
    std::vector<std::string> overrides = choice->overrides;
    overrides.insert(overrides.end(), precisionOverrides.begin(), precisionOverrides.end());
    options.precision = choice->precision;
    options.precisionOverrides = ArrayRef<std::string>(overrides);
    std::string note = "auto: " + choice->measured;
    if (!choice->overrides.empty())
      note += "; " + llvm::join(choice->overrides, ", ");
    (*module)->setAttr(tessel::grid::kPrecisionNoteAttrName, StringAttr::get(&context, note));
    chosenPrecision = "auto: " + choice->precision +
                      (choice->overrides.empty() ? "" : " with " + std::to_string(
                                                                  choice->overrides.size()) +
                                                            " ops narrower");
  }
  // The profile and the accuracy report compile clones of the module as imported.
  std::vector<std::string> zeroShares;
  if (sparsity == "activations") {
    FailureOr<std::vector<std::string>> shares =
        tessel::profileZeroActivationTiles(*module, options, calibrationInputs, llvm::errs());
    if (failed(shares))
      return 1;
    zeroShares = std::move(*shares);
    options.lhsZeroShares = ArrayRef<std::string>(zeroShares);
  }
  if (options.pruneTiles > 0 &&
      failed(tessel::reportPruning(*module, options, calibrationInputs, llvm::errs())))
    return 1;
  tessel::buildCompilePipeline(pm, options);
  if (failed(pm.run(*module)))
    return 1;

  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (failed(tessel::serializeToTtb(*module, os)))
    return 1;

  // Write next to the destination and rename, so a failure never leaves a half-written binary.
  llvm::SmallString<128> tmp;
  int fd;
  llvm::SmallString<128> model(output);
  llvm::sys::path::remove_filename(model);
  llvm::SmallString<128> pattern(model.empty() ? "." : model.str());
  llvm::sys::path::append(pattern, llvm::sys::path::filename(output) + ".tmp-%%%%%%");
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(pattern, fd, tmp))
    return fail("cannot write '" + output + "': " + ec.message());
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << bytes;
    out.close();
    if (out.has_error()) {
      llvm::sys::fs::remove(tmp);
      return fail("cannot write '" + output + "': " + out.error().message());
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, output)) {
    llvm::sys::fs::remove(tmp);
    return fail("cannot write '" + output + "': " + ec.message());
  }
  size_t dispatches = 0, programs = 0;
  module->walk([&](tessel::grid::DispatchOp d) {
    ++dispatches;
    programs += d.getJoined() ? 0 : 1;
  });
  llvm::errs() << "tt-compile: " << inputFile << " -> " << output << " (" << dispatches
               << " dispatches in " << programs << (programs == 1 ? " program, " : " programs, ")
               << bytes.size() << " bytes, "
               << chosenPrecision << ", " << chip << ")\n";
  // The inputs tt-run will refuse values of, said before anyone runs it.
  module->walk([&](mlir::func::FuncOp func) {
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      auto exact =
          func.getArgAttrOfType<mlir::DictionaryAttr>(i, tessel::graph::kExactRangeAttrName);
      if (!exact)
        continue;
      llvm::errs() << "tt-compile: input '" << tessel::graph::inputName(func.getArgAttrDict(i), i)
                   << "' takes values in [" << exact.getAs<mlir::IntegerAttr>("lo").getInt()
                   << ", " << exact.getAs<mlir::IntegerAttr>("hi").getInt() << "]: beyond them, "
                   << exact.getAs<mlir::StringAttr>("reason").getValue() << "\n";
    }
  });
  return 0;
}
