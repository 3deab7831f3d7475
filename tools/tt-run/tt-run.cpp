//===- tt-run.cpp - Run a .ttb binary on the simulated chip ---------------===//
#include "tessel/runtime/Binary.h"
#include "tessel/runtime/FileIO.h"
#include "tessel/runtime/Roofline.h"
#include "tessel/runtime/Simulator.h"
#include "tessel/runtime/TensorIO.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace tessel::rt;

namespace {

const char *const kHelp = R"(usage: tt-run MODEL.ttb [options]

Runs a compiled Tessel binary on the simulated chip and prints or saves its
outputs and a performance report.

options:
  --input=VALUE         one per model input, in the model's input order. VALUE is
                          @FILE.npy   a numpy array
                          @FILE.pb    a serialized ONNX TensorProto, or a
                                      SequenceProto or OptionalProto for a
                                      sequence or optional input
                          SHAPE=DATA  inline, e.g. 2x3xf32=1,2,3,4,5,6 (scalar: f32=5)
                        of bool, int8 to uint64, float16, bfloat16 (.pb, inline),
                        float32, float64 or string (.npy unicode or bytes, .pb).
                        Integers are exact over the int32 range (held as int32 on
                        the chip; as f32, exact to 2^24, where a float-only op
                        reads them); one beyond it is an error, as is one beyond
                        the bounds the compiler gave the input so that the int64
                        results it feeds stay exact (--dump-ttb: exact_range).
                        Inline types: bool i8 u8 i16 u16 i32 u32 i64 u64 f16 bf16
                        f32 f64.
  --output=@FILE.npy    where to write the outputs, in output order, in the element
  --output=@FILE.pb     types the model declares (repeat once per output): .npy
                        (bfloat16 as float32, strings as numpy unicode) or .pb, an
                        ONNX TensorProto (a SequenceProto or OptionalProto for a
                        sequence or optional output, which only .pb holds).
                        Without --output every output is printed on stdout.
  --perf-report=FILE    write the per-dispatch performance report as JSON
  --trace=FILE          write a Chrome trace (open in Perfetto or chrome://tracing)
  --roofline=FILE.svg   draw every dispatch on the chip's roofline chart (SVG)
  --chip=NAME|PATH      chip to run on (default wormhole_b0); a NAME is looked up
                        in $TESSEL_CHIPS_DIR, a PATH is a .chip descriptor file
  --max-instructions=N  stop a dispatch after N bytecode instructions
  --threads=N           host threads for the simulation (default: all host cores);
                        results and cycles do not depend on it
  --seed=N              seed the random tensors the model draws without a seed
                        attribute (RandomNormal, RandomUniform, their -Like forms,
                        Bernoulli; N + k for the k-th), so that runs repeat;
                        without it each run draws its own
  --quiet               no performance table and no progress on stderr
  --help                show this help

Runs longer than 2 s show their progress on stderr (dispatch k of n, simulated
cycles, time left). Ctrl-C stops the simulation and writes no output file.
)";

std::atomic<bool> interrupted{false};

extern "C" void onInterrupt(int) {
  interrupted = true;
  // A second Ctrl-C ends the process at once.
  std::signal(SIGINT, SIG_DFL);
}

/// Progress on stderr once a run has taken 2 s: rewritten in place on a terminal, a line
/// every 5 s otherwise.
class ProgressLine {
public:
  void operator()(const RunProgress &p) {
    if (p.dispatch != index || !p.name.empty()) {
      index = p.dispatch;
      name = p.name;
    }
    auto now = Clock::now();
    double elapsed = std::chrono::duration<double>(now - start).count();
    bool done = p.dispatch >= p.dispatches;
    if (elapsed < 2.0 || (done && !shown) ||
        (!done && shown && std::chrono::duration<double>(now - last).count() < (tty ? 0.25 : 5.0)))
      return;
    last = now;
    shown = true;
    std::string line = "tt-run: dispatch " + std::to_string(std::min(p.dispatch + 1, p.dispatches)) +
                       " of " + std::to_string(p.dispatches);
    if (!done && !name.empty())
      line += " (" + name + ")";
    char tail[160];
    std::snprintf(tail, sizeof(tail), ", %lld cycles simulated, %.1f s", (long long)p.cycles,
                  elapsed);
    line += tail;
    if (!done && p.fraction > 0.05) {
      std::snprintf(tail, sizeof(tail), ", about %.0f s left",
                    elapsed * (1 - p.fraction) / p.fraction);
      line += tail;
    }
    if (tty)
      std::fprintf(stderr, "\r%s\x1b[K%s", line.c_str(), done ? "\n" : "");
    else
      std::fprintf(stderr, "%s\n", line.c_str());
    open = tty && !done;
  }
  /// Ends a line left open on a terminal.
  void close() {
    if (open)
      std::fputc('\n', stderr);
    open = false;
  }

private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now(), last;
  bool tty = isatty(2), shown = false, open = false;
  size_t index = size_t(-1);
  std::string name;
};

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "tt-run: error: %s\n", msg.c_str());
  std::exit(1);
}

bool startsWith(const std::string &s, const char *prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}


struct Options {
  std::string model, perfReport, trace, roofline, chip = kDefaultChip;
  std::vector<std::string> inputs, outputs;
  uint64_t maxInstructions = SimOptions().instructionBudget;
  unsigned threads = 0;
  std::optional<uint32_t> seed;
  bool quiet = false;
};

Options parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag) { return a.substr(std::strlen(flag)); };
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      std::exit(0);
    } else if (a == "--quiet") {
      o.quiet = true;
    } else if (startsWith(a, "--input=")) {
      o.inputs.push_back(value("--input="));
    } else if (startsWith(a, "--output=")) {
      std::string v = value("--output=");
      if (!startsWith(v, "@") || v.size() == 1)
        die("--output expects @FILE.npy, got '" + v + "'");
      o.outputs.push_back(v.substr(1));
    } else if (startsWith(a, "--perf-report=")) {
      o.perfReport = value("--perf-report=");
    } else if (startsWith(a, "--roofline=")) {
      o.roofline = value("--roofline=");
    } else if (startsWith(a, "--trace=")) {
      o.trace = value("--trace=");
    } else if (startsWith(a, "--chip=")) {
      o.chip = value("--chip=");
    } else if (startsWith(a, "--threads=")) {
      std::string v = value("--threads=");
      char *end = nullptr;
      unsigned long n = std::strtoul(v.c_str(), &end, 10);
      if (v.empty() || *end || n == 0 || n > 1024)
        die("--threads expects an integer in [1, 1024], got '" + v + "'");
      o.threads = unsigned(n);
    } else if (startsWith(a, "--seed=")) {
      std::string v = value("--seed=");
      char *end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end || v[0] == '-' || n > UINT32_MAX)
        die("--seed expects an integer in [0, 4294967295], got '" + v + "'");
      o.seed = uint32_t(n);
    } else if (startsWith(a, "--max-instructions=")) {
      std::string v = value("--max-instructions=");
      char *end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end || n == 0)
        die("--max-instructions expects a positive integer, got '" + v + "'");
      o.maxInstructions = n;
    } else if (startsWith(a, "-") && a != "-") {
      die("unknown option '" + a + "' (see --help)");
    } else if (o.model.empty()) {
      o.model = a;
    } else {
      die("more than one model given ('" + o.model + "' and '" + a + "')");
    }
  }
  if (o.model.empty())
    die("no model given (usage: tt-run MODEL.ttb [--input=...]...; see --help)");
  return o;
}

/// The element type a signature declares, or `otherwise` in a binary without one.
std::string elementType(const tessel::ttb::TensorSignature &sig, const char *otherwise) {
  return sig.element_type() ? sig.element_type()->str() : otherwise;
}

HostTensor readInput(const std::string &spec, size_t index,
                     const tessel::ttb::TensorSignature &sig) {
  std::string label = "input " + std::to_string(index) + " '" +
                      (sig.name() ? sig.name()->str() : "") + "'";
  HostTensor t;
  std::string error;
  bool ok;
  std::string declared = elementType(sig, "");
  std::string elements = sequenceElementType(declared), held = optionalElementType(declared);
  if (!elements.empty() || !held.empty()) {
    if (!startsWith(spec, "@") || !endsWith(spec, ".pb"))
      die(label + ": a sequence or an optional is given as @FILE.pb, a serialized ONNX "
                  "SequenceProto or OptionalProto");
    bool ok = elements.empty() ? readOnnxOptional(spec.substr(1), t, error, held)
                               : readOnnxSequence(spec.substr(1), t, error, elements);
    if (!ok)
      die(label + ": " + error);
    return t;
  }
  if (startsWith(spec, "@")) {
    std::string path = spec.substr(1);
    ok = endsWith(path, ".pb") ? readOnnxTensor(path, t, error, declared)
                               : readNpy(path, t, error, declared);
  } else {
    ok = parseInlineTensor(spec, t, error);
  }
  if (!ok)
    die(label + ": " + error);
  std::vector<int64_t> want;
  if (sig.shape())
    want.assign(sig.shape()->begin(), sig.shape()->end());
  if (!shapeFits(want, t.shape))
    die(label + ": expected shape " + shapeText(want) + ", got " + shapeText(t.shape));
  return t;
}

/// The simulation allocates and frees memory in pieces of kilobytes to megabytes, from the
/// scheduler's thread and the workers'. By default glibc grows and trims its heap by a few
/// hundred KB per system call and maps large pieces on their own, so the same memory
/// returns to the system and is faulted in and cleared again many times, and each of those
/// calls takes the address space's lock, which a worker mapping the CBs' pages holds for
/// milliseconds (`ChipState::reserveCbTiles`): at ResNet-50 batch 1 the scheduler waited on it
/// for up to 23 ms in 115 `brk` calls. Here the heap grows 64 MiB at a time and keeps
/// what is freed.
void keepHeapPages() {
#ifdef __GLIBC__
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // Setting the two above fixes the threshold for mapping a piece on its own at 128 KB.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

} // namespace

int main(int argc, char **argv) {
  keepHeapPages();
  Options opts = parseArgs(argc, argv);
  std::string error;
  ChipDesc chip;
  if (!loadChip(opts.chip, chip, error))
    die(error);
  LoadedBinary binary;
  if (!loadBinary(opts.model, chip, binary, error))
    die(error);
  const tessel::ttb::Binary &bin = *binary.root();

  size_t numInputs = bin.inputs() ? bin.inputs()->size() : 0;
  size_t numOutputs = bin.outputs() ? bin.outputs()->size() : 0;
  if (opts.inputs.size() != numInputs)
    die("the model takes " + std::to_string(numInputs) + " inputs, got " +
        std::to_string(opts.inputs.size()) + " --input");
  if (!opts.outputs.empty() && opts.outputs.size() != numOutputs)
    die("the model has " + std::to_string(numOutputs) + " outputs, got " +
        std::to_string(opts.outputs.size()) + " --output");
  std::vector<HostTensor> inputs;
  for (size_t i = 0; i < numInputs; ++i)
    inputs.push_back(readInput(opts.inputs[i], i, *bin.inputs()->Get(i)));

  SimOptions sim;
  sim.trace = !opts.trace.empty();
  sim.instructionBudget = opts.maxInstructions;
  sim.hostThreads = opts.threads;
  sim.seed = opts.seed;
  sim.cancel = &interrupted;
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  ProgressLine progress;
  if (!opts.quiet)
    sim.progress = [&](const RunProgress &p) { progress(p); };
  RunResult result;
  if (!runBinary(binary, inputs, sim, result, error)) {
    progress.close();
    if (interrupted) {
      std::fputs("tt-run: interrupted; no output written\n", stderr);
      return 130;
    }
    die(error);
  }

  // Every file the run writes, or none: a failure leaves no output of this run behind.
  FileGroup files;
  for (size_t i = 0; i < opts.outputs.size(); ++i) {
    std::string type = elementType(*bin.outputs()->Get(i), "f32");
    bool pb = endsWith(opts.outputs[i], ".pb");
    if ((result.outputs[i].isSequence || result.outputs[i].isOptional) && !pb)
      die("output " + std::to_string(i) + " '" + result.outputs[i].name +
          "' is a sequence or an optional, which only a .pb file holds");
    files.add(opts.outputs[i], pb ? onnxBytes(result.outputs[i], type)
                                  : npyBytes(result.outputs[i], type));
  }
  if (!opts.perfReport.empty())
    files.add(opts.perfReport, perfToJson(result.perf));
  if (!opts.trace.empty())
    files.add(opts.trace, traceToJson(result.trace));
  if (!opts.roofline.empty())
    files.add(opts.roofline, rooflineSvg(result.perf));
  if (!files.commit(error))
    die(error);
  if (opts.outputs.empty())
    for (size_t i = 0; i < result.outputs.size(); ++i) {
      const HostTensor &out = result.outputs[i];
      std::string type = elementType(*bin.outputs()->Get(i), "f32");
      if (out.isOptional) {
        std::printf("%s: optional, %s\n", out.name.c_str(),
                    out.elements.empty() ? "empty" : "holding one value (write it with .pb)");
        continue;
      }
      if (out.isSequence) {
        ValueKind kind = valueKindOf(sequenceElementType(type));
        std::printf("%s: sequence of %zu\n", out.name.c_str(), out.elements.size());
        for (size_t e = 0; e < out.elements.size(); ++e)
          std::printf("[%zu] shape %s\n%s\n", e, shapeText(out.elements[e].shape).c_str(),
                      formatTensor(out.elements[e], kind).c_str());
        continue;
      }
      std::printf("%s: shape %s\n%s\n", out.name.c_str(), shapeText(out.shape).c_str(),
                  formatTensor(out, valueKindOf(type)).c_str());
    }
  if (!opts.quiet)
    std::fputs(perfToTable(result.perf).c_str(), stderr);
  return 0;
}
