//===- FuzzLoad.cpp - libFuzzer target: .ttb bytes through the loader and simulator ===//
//
// Any byte string is a possible binary. The loader must refuse it with a one-line error, or
// verify it so that the simulator can run it (on zero inputs, under an instruction budget) to
// outputs or a one-line error: never a crash or a sanitizer report. Built only with
// -DTESSEL_FUZZ=ON.
//
//===----------------------------------------------------------------------===//
#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Simulator.h"

#include <cstdio>
#include <cstdlib>

using namespace tessel::rt;

static void requireOneLine(const std::string &error, const char *what) {
  if (error.empty() || error.find('\n') != std::string::npos) {
    std::fprintf(stderr, "%s failed without a one-line error: '%s'\n", what, error.c_str());
    std::abort();
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const ChipDesc chip = [] {
    ChipDesc c;
    std::string error;
    if (!loadChip("wormhole_b0", c, error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      std::abort();
    }
    return c;
  }();
  LoadedBinary binary;
  std::string error;
  if (!loadBinaryFromBytes(std::vector<uint8_t>(data, data + size), chip, binary, error)) {
    requireOneLine(error, "loading");
    return 0;
  }
  std::vector<HostTensor> inputs;
  int64_t elements = 0;
  if (const auto *sigs = binary.root()->inputs())
    for (const auto *sig : *sigs) {
      HostTensor t;
      t.name = sig->name() ? sig->name()->str() : "";
      int64_t n = 1;
      if (sig->shape())
        for (int64_t d : *sig->shape()) {
          t.shape.push_back(d);
          n *= d;
        }
      elements += n;
      // The loader bounds shapes by the buffers they live in; a run may still be too big to
      // be worth a fuzzer's time.
      if (elements > (int64_t(1) << 22))
        return 0;
      t.data.assign(size_t(n), 0.5f);
      inputs.push_back(std::move(t));
    }
  SimOptions options;
  options.instructionBudget = 200'000;
  options.maxHostBytes = 64ull << 20;
  options.hostThreads = 1;
  RunResult result;
  if (!runBinary(binary, inputs, options, result, error))
    requireOneLine(error, "running");
  return 0;
}
