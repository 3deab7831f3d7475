//===- SimulatorTest.cpp - Running hand-built kernels ---------------------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
bool run(const BinarySpec &spec, const std::vector<HostTensor> &inputs,
         RunResult &result, std::string &error, bool trace = false) {
  SimOptions options;
  options.trace = trace;
  return runSpec(spec, inputs, options, result, error);
}

HostTensor ramp(const std::string &name, std::vector<int64_t> shape, float scale) {
  HostTensor t{name, shape, std::vector<float>(size_t(numElements(shape)))};
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = float(int(i % 251) - 125) * scale;
  return t;
}
} // namespace

TEST(Simulator, CopyRoundsToBf16) {
  HostTensor x = ramp("x", {3, 40, 50}, 0.01f);
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(copySpec(x.shape, DataFormat::BFloat16), {x}, r, error)) << error;
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].shape, x.shape);
  for (size_t i = 0; i < x.data.size(); ++i)
    ASSERT_EQ(r.outputs[0].data[i], roundToFormat(x.data[i], DataFormat::BFloat16)) << i;
  const DispatchPerf &p = r.perf.dispatches[0];
  EXPECT_EQ(p.dramBytesRead, 3 * 2 * 2 * 2048);
  EXPECT_EQ(p.dramBytesWritten, 3 * 2 * 2 * 2048);
  EXPECT_EQ(p.l1PeakBytes, 4 * 2048);
  EXPECT_GT(p.cycles, 0);
  // The run is the chip launching the dispatch, then the dispatch.
  EXPECT_EQ(p.launchCycles, testChip().launchCycles);
  EXPECT_EQ(p.startCycle, p.launchCycles);
  EXPECT_EQ(r.perf.launchCycles, p.launchCycles);
  EXPECT_EQ(r.perf.cycles, p.launchCycles + p.cycles);
}

TEST(Simulator, CopyOverManyCoresIsExactInF32) {
  HostTensor x = ramp("x", {100, 70}, 0.001f);
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(copySpec(x.shape, DataFormat::Float32, 2, 1), {x}, r, error)) << error;
  EXPECT_EQ(r.outputs[0].data, x.data);
  EXPECT_EQ(r.perf.dispatches[0].cores, 6);
}

TEST(Simulator, MatmulBf16MatchesExactProducts) {
  // Small integers: every product and sum is exact, so the result is too.
  HostTensor a = ramp("a", {40, 70}, 1.0f), b = ramp("b", {70, 33}, 1.0f);
  for (float &v : a.data) v = std::fmod(v, 7.0f);
  for (float &v : b.data) v = std::fmod(v, 5.0f);
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(matmulSpec(40, 70, 33, DataFormat::BFloat16, DataFormat::Float32,
                             ttb::MathFidelity::HiFi4),
                  {a, b}, r, error))
      << error;
  const HostTensor &c = r.outputs[0];
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 33; ++j) {
      double ref = 0;
      for (int k = 0; k < 70; ++k)
        ref += double(a.data[size_t(i * 70 + k)]) * b.data[size_t(k * 33 + j)];
      ASSERT_EQ(c.data[size_t(i * 33 + j)], float(ref)) << i << "," << j;
    }
  const DispatchPerf &p = r.perf.dispatches[0];
  EXPECT_EQ(p.macs, 40u * 70 * 33);
  // ceil(92400 MACs * 4 phases / (2048 MAC/cycle * 64 cores)).
  EXPECT_EQ(p.idealMatmulCycles, 3);
  EXPECT_GT(p.fpuUtilization, 0.0);
}

TEST(Simulator, MatmulF32UsesTheThreeWayBf16Split) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  HostTensor a{"a", {32, 64}, std::vector<float>(32 * 64)}, b{"b", {64, 32}, std::vector<float>(64 * 32)};
  for (float &v : a.data) v = dist(rng);
  for (float &v : b.data) v = dist(rng);
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(matmulSpec(32, 64, 32, DataFormat::Float32, DataFormat::Float32,
                             ttb::MathFidelity::LoFi),
                  {a, b}, r, error))
      << error;
  double maxErr = 0;
  for (int i = 0; i < 32; ++i)
    for (int j = 0; j < 32; ++j) {
      double ref = 0;
      for (int k = 0; k < 64; ++k)
        ref += double(a.data[size_t(i * 64 + k)]) * b.data[size_t(k * 32 + j)];
      maxErr = std::max(maxErr, std::abs(ref - r.outputs[0].data[size_t(i * 32 + j)]));
    }
  // Plain bf16 operands would be off by ~1e-2 here, a two-way split by ~1e-5; three parts keep
  // f32's rounding of the 64-term sums.
  EXPECT_LT(maxErr, 2e-6);
  // f32 costs six HiFi4 passes whatever the dispatch fidelity says.
  EXPECT_EQ(r.perf.dispatches[0].idealMatmulCycles, 65536 * 24 / (2048 * 64));
  EXPECT_GE(r.perf.dispatches[0].cycles, 2 * 16 * 24);
}

TEST(Simulator, InputShapeMismatchIsAnError) {
  RunResult r;
  std::string error;
  HostTensor x = ramp("x", {32, 31}, 1.0f);
  EXPECT_FALSE(run(copySpec({32, 32}, DataFormat::BFloat16), {x}, r, error));
  EXPECT_NE(error.find("expected shape [32,32], got [32,31]"), std::string::npos) << error;
  EXPECT_FALSE(run(copySpec({32, 32}, DataFormat::BFloat16), {}, r, error));
  EXPECT_NE(error.find("takes 1 inputs, got 0"), std::string::npos) << error;
}

TEST(Simulator, ConstantsAreLoaded) {
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
  HostTensor c = ramp("c", {32, 32}, 0.5f);
  spec.inputs.clear();
  spec.constants.push_back({0, packTiles(c.data.data(), c.shape, DataFormat::BFloat16)});
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(spec, {}, r, error)) << error;
  EXPECT_EQ(r.outputs[0].data, c.data);
}

TEST(Simulator, DstIndexOutOfRangeIsARuntimeError) {
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
  KernelSpec &compute = spec.dispatches[0].kernels[1];
  int32_t eight = compute.constant(8); // f32 Dst holds 8 tiles: 0..7
  compute.code[14] = eight;            // COPY's dst operand
  RunResult r;
  std::string error;
  ASSERT_EQ(compute.code[11], int32_t(Op::Copy));
  EXPECT_FALSE(run(spec, {ramp("x", {32, 32}, 1.0f)}, r, error));
  EXPECT_NE(error.find("Dst index 8 out of range (8 f32 tiles)"), std::string::npos) << error;
  EXPECT_NE(error.find("core (0,0) compute"), std::string::npos) << error;
}

TEST(Simulator, TraceHasOneTrackPerThread) {
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(copySpec({64, 64}, DataFormat::BFloat16, 1, 0), {ramp("x", {64, 64}, 1.0f)},
                  r, error, /*trace=*/true))
      << error;
  std::set<std::pair<int, int>> tracks;
  for (const TraceEvent &e : r.trace.events)
    tracks.insert({e.pid, e.tid});
  EXPECT_TRUE(tracks.count({0, 0}));           // dispatch track
  for (int tid = 0; tid < 3; ++tid) {
    EXPECT_TRUE(tracks.count({1, tid})) << tid; // core (0,0)
    EXPECT_TRUE(tracks.count({2, tid})) << tid; // core (1,0)
  }
  std::string json = traceToJson(r.trace);
  EXPECT_NE(json.find("\"ph\":\"X\""), std::string::npos);
  EXPECT_NE(json.find("\"thread_name\""), std::string::npos);
  EXPECT_NE(perfToJson(r.perf).find("\"fpu_utilization\""), std::string::npos);
  EXPECT_NE(perfToTable(r.perf).find("copy"), std::string::npos);
}

// copySpec's compute kernel for a 40x50 tensor (4 tiles over its cores) with each tile copied
// into Dst[0] and stored into the output's slot by `packs` in turn.
static KernelSpec copyThenPack(std::initializer_list<Op> packs) {
  KernelSpec compute(ttb::ThreadKind::Compute);
  int32_t count = compute.expr({0, 4, 1, VarCoreIndex, 0, -1, 3, 0, 2, 0, 1, VarNumCores, 6, 0});
  int32_t zero = compute.constant(0);
  size_t l = compute.loop(4, count);
  compute.emit(Op::CbWait, {0, 1});
  compute.emit(Op::CbReserve, {16, 1});
  compute.emit(Op::DstAcquire);
  compute.emit(Op::Copy, {0, zero, zero});
  for (Op pack : packs)
    compute.emit(pack, {zero, 16, zero});
  compute.emit(Op::DstRelease);
  compute.emit(Op::CbPop, {0, 1});
  compute.emit(Op::CbPush, {16, 1});
  compute.endLoop(l);
  return compute;
}

// PACK_ACC adds the Dst tile to what the slot holds and rounds the sum to the buffer's format,
// at a PACK's cost: a tile packed once and accumulated twice comes out tripled.
TEST(Simulator, PackAccAddsToTheSlot) {
  HostTensor x = ramp("x", {40, 50}, 0.01f);
  BinarySpec spec = copySpec(x.shape, DataFormat::BFloat16);
  spec.dispatches[0].kernels[1] = copyThenPack({Op::Pack, Op::PackAcc, Op::PackAcc});
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(spec, {x}, r, error)) << error;
  for (size_t i = 0; i < x.data.size(); ++i) {
    float once = roundToFormat(x.data[i], DataFormat::BFloat16);
    float twice = roundToFormat(once + once, DataFormat::BFloat16);
    ASSERT_EQ(r.outputs[0].data[i], roundToFormat(twice + once, DataFormat::BFloat16)) << i;
  }
}

// PACK_RELU converts the ReLU of each value (negatives, -0 included, to +0) at a PACK's cost.
TEST(Simulator, PackReluClampsNegatives) {
  HostTensor x = ramp("x", {40, 50}, 0.01f);
  for (size_t i = 0; i < x.data.size(); i += 2)
    x.data[i] = -x.data[i];
  x.data[1] = -0.0f;
  RunResult results[2];
  for (Op pack : {Op::Pack, Op::PackRelu}) {
    BinarySpec spec = copySpec(x.shape, DataFormat::BFloat16);
    spec.dispatches[0].kernels[1] = copyThenPack({pack});
    std::string error;
    ASSERT_TRUE(run(spec, {x}, results[pack == Op::PackRelu], error)) << error;
  }
  for (size_t i = 0; i < x.data.size(); ++i) {
    float relu = x.data[i] > 0 ? roundToFormat(x.data[i], DataFormat::BFloat16) : 0.0f;
    ASSERT_EQ(results[1].outputs[0].data[i], relu) << i;
    ASSERT_FALSE(std::signbit(results[1].outputs[0].data[i])) << i;
  }
  EXPECT_EQ(results[0].perf.cycles, results[1].perf.cycles);
}

TEST(Simulator, RefusesAnInputBeyondItsExactRange) {
  BinarySpec spec = copySpec({2, 3}, DataFormat::Float32);
  spec.buffers[spec.inputs[0]].exactRange = {-4, 3};
  spec.buffers[spec.inputs[0]].exactReason = "node 'sum' (i64) would leave int32";
  HostTensor x{"x", {2, 3}, {-4, 3, 0, 1, 2, -1}};
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(spec, {x}, r, error)) << error;
  EXPECT_EQ(r.outputs[0].data, x.data);
  x.data[4] = 4;
  EXPECT_FALSE(run(spec, {x}, r, error));
  EXPECT_NE(error.find("value 4 (element 4) is outside [-4, 3]; beyond it, node 'sum' (i64) would "
                       "leave int32"),
            std::string::npos)
      << error;
}
