//===- DeterminismTest.cpp - Host threads change neither values nor cycles ===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
// Runs `spec` on `threads` host threads; false with `error` where the run fails.
bool tryRun(const BinarySpec &spec, const std::vector<HostTensor> &inputs, unsigned threads,
            RunResult &r, std::string &error) {
  LoadedBinary bin;
  EXPECT_TRUE(loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error)) << error;
  SimOptions options;
  options.hostThreads = threads;
  return runBinary(bin, inputs, options, r, error);
}

RunResult runWith(const BinarySpec &spec, const std::vector<HostTensor> &inputs,
                  unsigned threads) {
  RunResult r;
  std::string error;
  EXPECT_TRUE(tryRun(spec, inputs, threads, r, error)) << error;
  return r;
}

HostTensor random(const std::string &name, std::vector<int64_t> shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist;
  HostTensor t{name, shape, std::vector<float>(size_t(numElements(shape)))};
  for (float &v : t.data)
    v = dist(rng);
  return t;
}
// Runs `spec` on one host thread and on each of `threads`: the outputs and the perf reports
// must be the same. Returns the one-thread run.
RunResult expectSameForAnyThreadCount(const BinarySpec &spec,
                                      const std::vector<HostTensor> &inputs,
                                      std::initializer_list<unsigned> threads) {
  RunResult one = runWith(spec, inputs, 1);
  for (unsigned n : threads) {
    RunResult many = runWith(spec, inputs, n);
    EXPECT_EQ(many.outputs.size(), one.outputs.size());
    for (size_t i = 0; i < std::min(many.outputs.size(), one.outputs.size()); ++i)
      EXPECT_EQ(many.outputs[i].data, one.outputs[i].data) << n << " threads";
    EXPECT_EQ(perfToJson(many.perf), perfToJson(one.perf)) << n << " threads";
  }
  return one;
}
} // namespace

TEST(Determinism, SameOutputsAndCyclesForAnyThreadCount) {
  // f32 operands take the bf16 split path, whose additions are order-sensitive;
  // every core of a 3x2 range computes (and writes) the same product, so the
  // lanes of six cores run concurrently.
  for (DataFormat fmt : {DataFormat::Float32, DataFormat::BFloat16}) {
    BinarySpec spec = matmulSpec(96, 160, 64, fmt, DataFormat::Float32,
                                 ttb::MathFidelity::HiFi4);
    spec.dispatches[0].x1 = 2;
    spec.dispatches[0].y1 = 1;
    std::vector<HostTensor> inputs = {random("a", {96, 160}, 1), random("b", {160, 64}, 2)};
    expectSameForAnyThreadCount(spec, inputs, {2, 4, 8});
  }
}

TEST(Determinism, SameResultsWhileTheLanesAreFarBehind) {
  // Enough matmuls that the lanes fall far behind and the workers refuse to decode: the main
  // thread then decodes, beside tasks posted for earlier chunks still queued (test_threads.py's
  // sparse matmul runs the same race on a real model, eight times).
  BinarySpec spec = matmulSpec(256, 512, 256, DataFormat::BFloat16, DataFormat::Float32,
                               ttb::MathFidelity::HiFi4);
  spec.dispatches[0].x1 = 2;
  spec.dispatches[0].y1 = 1;
  std::vector<HostTensor> inputs = {random("a", {256, 512}, 6), random("b", {512, 256}, 7)};
  expectSameForAnyThreadCount(spec, inputs, {2, 4});
}

TEST(Determinism, CopiesAndPacksOnLanesLandBeforeTheWritesReadThem) {
  // COPY and PACK run on the cores' lanes; the writer's NOC_WRITE of a packed slot and the
  // reader's NOC_READ into a slot a COPY still reads must wait for them. A two-slot input
  // buffer makes the reader refill slots as soon as they are popped.
  for (DataFormat fmt : {DataFormat::Float32, DataFormat::BFloat16}) {
    BinarySpec spec = copySpec({200, 300}, fmt, 3, 1);
    expectSameForAnyThreadCount(spec, {random("x", {200, 300}, 3)}, {2, 4});
  }
}

TEST(Determinism, AWriteWaitsForTheQueuedReadsOfItsTile) {
  // Each core also writes every tile it copies over the next tile of the input, which another
  // core reads: reads of a buffer the dispatch writes wait in the cores' lanes, and no write may
  // land before the queued reads of its tile, or a reader would find the new value on some runs.
  for (DataFormat fmt : {DataFormat::Float32, DataFormat::BFloat16}) {
    BinarySpec spec = copySpec({200, 300}, fmt, 3, 1);
    const int64_t tiles = 7 * 10;
    KernelSpec writer(ttb::ThreadKind::Writer);
    // ceildiv(tiles - core, cores); i * cores + core; and the tile after it.
    int32_t count =
        writer.expr({0, tiles, 1, VarCoreIndex, 0, -1, 3, 0, 2, 0, 1, VarNumCores, 6, 0});
    std::vector<int64_t> tile = {1, 4, 1, VarNumCores, 3, 0, 1, VarCoreIndex, 2, 0};
    int32_t mine = writer.expr(tile);
    tile.insert(tile.end(), {0, 1, 2, 0, 0, tiles, 5, 0});
    int32_t next = writer.expr(tile), zero = writer.constant(0);
    size_t l = writer.loop(4, count);
    writer.emit(Op::CbWait, {16, 1});
    writer.emit(Op::NocWrite, {16, zero, 1, mine});
    writer.emit(Op::NocWrite, {16, zero, 0, next});
    writer.emit(Op::NocBarrier);
    writer.emit(Op::CbPop, {16, 1});
    writer.endLoop(l);
    spec.dispatches[0].kernels[2] = writer;
    expectSameForAnyThreadCount(spec, {random("x", {200, 300}, 5)}, {2, 4});
  }
}

TEST(Determinism, IndicesLoadedFromDataStopTheRunAheadUntilTheyAreRead) {
  // Every row's CB_LOAD_INDEX sets the variable the next read's address depends on: the stream
  // decoded ahead stops there each time until the scheduler has loaded the index.
  HostTensor table = random("table", {64, 32}, 4);
  HostTensor ids{"ids", {32}, std::vector<float>(32)};
  for (int r = 0; r < 32; ++r)
    ids.data[size_t(r)] = float((r * 13 + 5) % 64);
  RunResult one = expectSameForAnyThreadCount(gatherSpec(), {table, ids}, {2, 4});
  ASSERT_EQ(one.outputs.size(), 1u);
  for (int r = 0; r < 32; ++r)
    ASSERT_EQ(one.outputs[0].data[size_t(r * 32)], table.data[size_t((r * 13 + 5) % 64 * 32)]);
}

TEST(Determinism, NextDispatchesArePreparedWhileEarlierOnesRun) {
  // While a dispatch runs, a worker prepares the next one and decodes its streams' first
  // chunks; the gather's streams stop at their first CB_LOAD_INDEX, which only the scheduler
  // may read once the dispatch runs.
  auto repeated = [](BinarySpec spec) {
    DispatchSpec once = spec.dispatches[0];
    for (int i = 0; i < 5; ++i)
      spec.dispatches.push_back(once);
    return spec;
  };
  BinarySpec matmul = matmulSpec(96, 160, 64, DataFormat::BFloat16, DataFormat::Float32,
                                 ttb::MathFidelity::HiFi4);
  matmul.dispatches[0].x1 = 2;
  matmul.dispatches[0].y1 = 1;
  RunResult matmuls = expectSameForAnyThreadCount(
      repeated(matmul), {random("a", {96, 160}, 9), random("b", {160, 64}, 10)}, {2, 4});
  EXPECT_EQ(matmuls.perf.dispatches.size(), 6u);
  HostTensor ids{"ids", {32}, std::vector<float>(32)};
  for (int r = 0; r < 32; ++r)
    ids.data[size_t(r)] = float((r * 7 + 3) % 64);
  RunResult gathers =
      expectSameForAnyThreadCount(repeated(gatherSpec()), {random("table", {64, 32}, 8), ids},
                                  {2, 4});
  EXPECT_EQ(gathers.perf.dispatches.size(), 6u);
}

TEST(Determinism, DecodingNeverRunsPastAnIndexLoadedFromData) {
  // Every other instruction of the gather's reader parks its stream, so the scheduler keeps
  // catching up with the decoder: a decoder that publishes a parked chunk just as the scheduler
  // looks for it must not let the scheduler decode the chunk after it before the index is read.
  BinarySpec spec = gatherSpec();
  // On 64 cores, each gathering the same rows and writing the same tile.
  spec.dispatches[0].x1 = 7;
  spec.dispatches[0].y1 = 7;
  DispatchSpec once = spec.dispatches[0];
  for (int i = 0; i < 7; ++i)
    spec.dispatches.push_back(once);
  HostTensor ids{"ids", {32}, std::vector<float>(32)};
  for (int r = 0; r < 32; ++r)
    ids.data[size_t(r)] = float((r * 11 + 7) % 64);
  std::vector<HostTensor> inputs = {random("table", {64, 32}, 12), ids};
  RunResult one = runWith(spec, inputs, 1);
  for (int run = 0; run < 25; ++run)
    for (unsigned threads : {2u, 4u}) {
      RunResult many = runWith(spec, inputs, threads);
      ASSERT_EQ(perfToJson(many.perf), perfToJson(one.perf)) << "run " << run << ", " << threads;
      ASSERT_EQ(many.outputs[0].data, one.outputs[0].data) << "run " << run << ", " << threads;
    }
}

TEST(Determinism, AnExpressionFaultStopsTheThreadAtTheInstructionThatUsesIt) {
  // The reader's tile index is i mod (300 - i): fine for the first 300 of 400 tiles, then a
  // zero divisor. The stream is decoded chunks ahead of the scheduler; the fault must still be
  // the 301st NOC_READ's, reported after the tiles before it have moved, for any thread count.
  BinarySpec spec = copySpec({32 * 40, 32 * 10}, DataFormat::Float32);
  KernelSpec &reader = spec.dispatches[0].kernels[0];
  using T = ExprTag;
  auto tag = [](T t) { return int64_t(t); };
  int32_t tile = reader.expr({tag(T::Var), 4, tag(T::Const), 300, tag(T::Var), 4, tag(T::Const), -1,
                              tag(T::Mul), 0, tag(T::Add), 0, tag(T::Mod), 0});
  for (size_t pc = 0; pc < reader.code.size(); pc += size_t(operandCount(reader.code[pc])) + 1)
    if (reader.code[pc] == int32_t(Op::NocRead))
      reader.code[pc + 2] = tile;
  std::vector<HostTensor> inputs = {random("x", {32 * 40, 32 * 10}, 5)};
  std::string first;
  for (unsigned threads : {1u, 2u, 4u}) {
    RunResult r;
    std::string error;
    ASSERT_FALSE(tryRun(spec, inputs, threads, r, error));
    EXPECT_NE(error.find("reader pc"), std::string::npos) << error;
    EXPECT_NE(error.find("NOC_READ: expr " + std::to_string(tile)), std::string::npos) << error;
    if (threads == 1)
      first = error;
    EXPECT_EQ(error, first) << threads << " threads";
  }
}
