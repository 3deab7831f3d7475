//===- FuzzTest.cpp - Mutated binaries give an error or a run, never a crash ===//
//
// Hundreds of mutations of a realistic two-dispatch binary (a multi-core
// matmul feeding a multi-core copy): bit flips, byte overwrites and
// truncations of the flatbuffer, and semantic mutations of the spec (code
// words, expressions, counts, indices, addresses, core ranges, shapes). Each
// must load and run, or fail with a one-line error. The same byte mutations of
// ONNX tensor files, which must be read or refused. Built a second time with
// AddressSanitizer and UBSan (runtime-fuzz-asan), where an out-of-bounds
// access or undefined behaviour aborts the test.
//
//===----------------------------------------------------------------------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"
#include "tessel/runtime/TensorIO.h"

#include <gtest/gtest.h>

#include <random>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
constexpr int64_t M = 64, K = 96, N = 64;

BinarySpec baseSpec() {
  BinarySpec spec = matmulSpec(M, K, N, DataFormat::BFloat16, DataFormat::Float32,
                               ttb::MathFidelity::HiFi2);
  spec.dispatches[0].x1 = 1; // two cores compute (and write) the same product
  BinarySpec copy = copySpec({M, N}, DataFormat::Float32, 1, 1);
  DispatchSpec d = copy.dispatches[0];
  d.buffers = {2, 3};
  spec.buffers.push_back({"y", {M, N}, DataFormat::Float32, 3 << 20});
  spec.dispatches.push_back(d);
  spec.outputs = {3};
  return spec;
}

std::vector<HostTensor> inputs() {
  HostTensor a{"a", {M, K}, std::vector<float>(size_t(M * K))};
  HostTensor b{"b", {K, N}, std::vector<float>(size_t(K * N))};
  for (size_t i = 0; i < a.data.size(); ++i)
    a.data[i] = float(int(i % 13) - 6) * 0.25f;
  for (size_t i = 0; i < b.data.size(); ++i)
    b.data[i] = float(int(i % 7) - 3) * 0.5f;
  return {a, b};
}

// Loads and runs; true when it ran. Errors must be one line.
bool tryRun(std::vector<uint8_t> bytes, const std::vector<HostTensor> &in, RunResult &r) {
  static const ChipDesc chip = testChip();
  LoadedBinary bin;
  std::string error;
  if (!loadBinaryFromBytes(std::move(bytes), chip, bin, error)) {
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    return false;
  }
  SimOptions options;
  options.instructionBudget = 200'000;
  options.maxHostBytes = 64ull << 20;
  if (!runBinary(bin, in, options, r, error)) {
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    return false;
  }
  return true;
}

int64_t pick(std::mt19937 &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// A value that is often just out of range, sometimes wild.
int64_t nasty(std::mt19937 &rng) {
  switch (pick(rng, 0, 5)) {
  case 0: return pick(rng, -3, 3);
  case 1: return pick(rng, 4, 40);
  case 2: return pick(rng, 1000, 100000);
  case 3: return int64_t(int32_t(rng()));
  case 4: return -int64_t(pick(rng, 1, 1 << 20));
  default: return int64_t(rng()) << 20;
  }
}

void mutateSpec(BinarySpec &s, std::mt19937 &rng) {
  DispatchSpec &d = s.dispatches[size_t(pick(rng, 0, int64_t(s.dispatches.size()) - 1))];
  KernelSpec &k = d.kernels[size_t(pick(rng, 0, int64_t(d.kernels.size()) - 1))];
  switch (pick(rng, 0, 11)) {
  case 0:
  case 1:
    k.code[size_t(pick(rng, 0, int64_t(k.code.size()) - 1))] = int32_t(nasty(rng));
    break;
  case 2:
    k.code.resize(size_t(pick(rng, 0, int64_t(k.code.size()))));
    break;
  case 3: {
    auto &e = k.exprs[size_t(pick(rng, 0, int64_t(k.exprs.size()) - 1))];
    e[size_t(pick(rng, 0, int64_t(e.size()) - 1))] = nasty(rng);
    break;
  }
  case 4:
    k.numVars = uint32_t(nasty(rng));
    break;
  case 5: {
    CbSpec &cb = d.cbs[size_t(pick(rng, 0, int64_t(d.cbs.size()) - 1))];
    switch (pick(rng, 0, 3)) {
    case 0: cb.numTiles = uint32_t(nasty(rng)); break;
    case 1: cb.l1Address = uint32_t(nasty(rng)); break;
    case 2: cb.format = DataFormat(pick(rng, 0, 7)); break;
    default: cb.id = uint32_t(nasty(rng)); break;
    }
    break;
  }
  case 6:
    switch (pick(rng, 0, 3)) {
    case 0: d.x1 = uint32_t(nasty(rng)); break;
    case 1: d.y0 = uint32_t(nasty(rng)); break;
    case 2: d.semaphores = uint32_t(nasty(rng)); break;
    default: d.dstFormat = DataFormat(pick(rng, 0, 7)); break;
    }
    break;
  case 7:
    d.buffers[size_t(pick(rng, 0, int64_t(d.buffers.size()) - 1))] = uint32_t(nasty(rng));
    break;
  case 8: {
    BufferSpec &b = s.buffers[size_t(pick(rng, 0, int64_t(s.buffers.size()) - 1))];
    if (pick(rng, 0, 1))
      b.shape[size_t(pick(rng, 0, int64_t(b.shape.size()) - 1))] = nasty(rng);
    else
      b.address = uint64_t(nasty(rng));
    break;
  }
  case 9:
    if (pick(rng, 0, 1))
      s.outputs[0] = uint32_t(nasty(rng));
    else
      s.inputs[size_t(pick(rng, 0, 1))] = uint32_t(nasty(rng));
    break;
  case 10:
    s.constants.push_back({uint32_t(pick(rng, 0, 4)),
                           std::vector<uint8_t>(size_t(pick(rng, 0, 3)) * 2048, 0x7F)});
    break;
  default:
    d.fidelity = ttb::MathFidelity(pick(rng, 0, 6));
    break;
  }
}
} // namespace

TEST(Fuzz, UnmutatedBinaryRunsCorrectly) {
  RunResult r;
  std::vector<HostTensor> in = inputs();
  ASSERT_TRUE(tryRun(buildBinary(baseSpec()), in, r));
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      float ref = 0;
      for (int64_t k = 0; k < K; ++k)
        ref += in[0].data[size_t(i * K + k)] * in[1].data[size_t(k * N + j)];
      ASSERT_EQ(r.outputs[0].data[size_t(i * N + j)], ref) << i << "," << j;
    }
}

/// Mutation `i` of `bytes`: a few bit flips, a run of random bytes or a truncation.
template <typename Bytes> void mutate(Bytes &bytes, int i, std::mt19937 &rng) {
  switch (i % 3) {
  case 0:
    for (int64_t n = pick(rng, 1, 4); n > 0; --n)
      bytes[size_t(pick(rng, 0, int64_t(bytes.size()) - 1))] ^= char(1u << pick(rng, 0, 7));
    break;
  case 1:
    for (int64_t at = pick(rng, 0, int64_t(bytes.size()) - 1), n = pick(rng, 1, 8);
         n > 0 && at < int64_t(bytes.size()); --n, ++at)
      bytes[size_t(at)] = char(rng());
    break;
  default:
    bytes.resize(size_t(pick(rng, 0, int64_t(bytes.size()) - 1)));
    break;
  }
}

TEST(Fuzz, MutatedBytesNeverCrash) {
  std::vector<uint8_t> base = buildBinary(baseSpec());
  std::vector<HostTensor> in = inputs();
  std::mt19937 rng(7);
  int ran = 0;
  for (int i = 0; i < 600; ++i) {
    std::vector<uint8_t> bytes = base;
    mutate(bytes, i, rng);
    RunResult r;
    ran += tryRun(std::move(bytes), in, r);
  }
  // Many flips hit padding or data and still run: the test sees both paths.
  EXPECT_GT(ran, 0);
}

TEST(Fuzz, MutatedTensorFilesNeverCrash) {
  HostTensor tensor{"x", {3, 4}, std::vector<float>(12, 1.5f)};
  HostTensor seq{"s", {}, {}};
  seq.isSequence = true;
  seq.elements = {tensor, HostTensor{"", {2}, {1, 2}}};
  HostTensor opt{"o", {}, {}};
  opt.isOptional = true;
  opt.elements = {tensor};
  struct Case {
    std::string bytes;
    TensorFileReader read;
    const char *declared;
  } cases[] = {{onnxBytes(tensor, "f32"), readOnnxTensor, "f32"},
               {onnxBytes(seq, "seq(f32)"), readOnnxSequence, "f32"},
               {onnxBytes(opt, "opt(f32)"), readOnnxOptional, "f32"}};
  std::mt19937 rng(11);
  int read = 0, refused = 0;
  for (int i = 0; i < 600; ++i) {
    const Case &c = cases[i % 3];
    std::string bytes = c.bytes;
    mutate(bytes, i / 3, rng);
    HostTensor out;
    std::string error;
    if (readTensorFile(bytes, c.read, out, error, c.declared)) {
      ++read;
    } else {
      ++refused;
      EXPECT_FALSE(error.empty());
      EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
  }
  EXPECT_GT(read, 0);
  EXPECT_GT(refused, 0);
}

TEST(Fuzz, MutatedSpecsNeverCrash) {
  std::vector<HostTensor> in = inputs();
  std::mt19937 rng(11);
  int ran = 0, refused = 0;
  for (int i = 0; i < 800; ++i) {
    BinarySpec spec = baseSpec();
    for (int64_t n = pick(rng, 1, 2); n > 0; --n)
      mutateSpec(spec, rng);
    RunResult r;
    bool ok = tryRun(buildBinary(spec), in, r);
    ran += ok;
    refused += !ok;
  }
  EXPECT_GT(ran, 0);
  EXPECT_GT(refused, 0);
}
