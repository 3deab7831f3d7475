//===- Simulator.h - Running a binary on the simulated chip ---------------===//
//
// The simulator executes the kernels' bytecode, core thread by core thread,
// in the order of their simulated time. It is functional (values rounded to
// every data format they pass through) and timed (NoC, DRAM, compute costs).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_SIMULATOR_H
#define TESSEL_RUNTIME_SIMULATOR_H

#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Perf.h"
#include "tessel/runtime/Trace.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tessel::rt {

/// A host tensor: row-major f32 values of a logical shape, or (a string tensor, which only host
/// ops read and write) its strings, UTF-8, with `data` empty; or a sequence of tensors (an ONNX
/// sequence the model takes or gives, which only host ops touch), with no shape of its own; or
/// an ONNX optional, holding one element (a tensor or sequence) or none.
struct HostTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
  std::vector<std::string> strings;
  bool isSequence = false;
  bool isOptional = false;
  std::vector<HostTensor> elements;
  /// An integer tensor's exact values, beside `data` (f32 is exact only to 2^24): the readers of
  /// .npy, .pb and inline values fill it, and the chip fills it for a tensor it holds in int32.
  /// Empty where no one has (a host op's result): `data` is then all there is.
  std::vector<int32_t> ints;
};

/// `t.ints` where it holds every value of `t`, else null.
inline const int32_t *exactInts(const HostTensor &t) {
  return !t.ints.empty() && t.ints.size() == t.data.size() ? t.ints.data() : nullptr;
}

/// A shape as text: [1,3,224,224].
std::string shapeText(const std::vector<int64_t> &shape);

/// Whether a tensor of `shape` fits a signature's `declared` shape: the same rank, and each dim
/// the same where the signature gives it (-1: an input only host ops read, whose size is known
/// only at run time).
bool shapeFits(const std::vector<int64_t> &declared, const std::vector<int64_t> &shape);

struct SimOptions {
  /// Instructions one dispatch may execute (all cores together) before the
  /// run is stopped: a malformed loop cannot hang the runtime.
  uint64_t instructionBudget = 4'000'000'000ull;
  /// Record a Chrome trace into RunResult::trace.
  bool trace = false;
  /// Bytes of host memory DRAM buffers may take in the simulator.
  uint64_t maxHostBytes = 8ull << 30;
  /// Host threads for the simulated cores' tile math (0: one per host core).
  /// Results and cycles do not depend on it.
  unsigned hostThreads = 0;
  /// Called between dispatches and every few million instructions within one.
  std::function<void(const struct RunProgress &)> progress;
  /// When it becomes true the run stops with the error "interrupted".
  const std::atomic<bool> *cancel = nullptr;
  /// Seeds the random tensors the binary draws without a seed of their own (the k-th of them
  /// from `seed + k`); without it, each run draws from the system's entropy.
  std::optional<uint32_t> seed;
};

/// How far a run has got.
struct RunProgress {
  size_t dispatch = 0;   // the dispatch running (0-based), or dispatches when all are done
  size_t dispatches = 0; // in the binary
  std::string name;      // of the dispatch running
  int64_t cycles = 0;    // simulated so far
  /// A guess at the share of the host's work done: dispatches weighted by their matmul MACs
  /// plus the mean, so that a run of small ops still moves it.
  double fraction = 0;
};

struct RunResult {
  std::vector<HostTensor> outputs;
  PerfReport perf;
  TraceLog trace;
};

/// Runs `binary` with `inputs` in the binary's input order. Input shapes must
/// equal the signatures'. On failure returns false with a one-line `error`
/// (bad input, runtime fault in a kernel, deadlock, budget exceeded).
bool runBinary(const LoadedBinary &binary, const std::vector<HostTensor> &inputs,
               const SimOptions &options, RunResult &result, std::string &error);

} // namespace tessel::rt

#endif
