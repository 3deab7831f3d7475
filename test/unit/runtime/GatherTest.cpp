//===- GatherTest.cpp - CB_LOAD_INDEX: rows fetched by run-time indices ---===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;


TEST(Gather, RowsFollowTheIndicesWithNegativeOnesFromTheEndAndBadOnesClamped) {
  HostTensor table{"table", {64, 32}, std::vector<float>(64 * 32)};
  for (size_t i = 0; i < table.data.size(); ++i)
    table.data[i] = float(i);
  HostTensor ids{"ids", {32}, std::vector<float>(32)};
  for (int r = 0; r < 32; ++r)
    ids.data[size_t(r)] = float((r * 7) % 64);
  ids.data[3] = -1;   // the last row
  ids.data[4] = -64;  // the first
  ids.data[5] = 100;  // past the end: clamped to the last
  ids.data[6] = -200; // before the start: clamped to the first

  LoadedBinary bin;
  std::string error;
  ASSERT_TRUE(loadBinaryFromBytes(buildBinary(gatherSpec()), testChip(), bin, error)) << error;
  RunResult result;
  ASSERT_TRUE(runBinary(bin, {table, ids}, SimOptions(), result, error)) << error;
  const std::vector<float> &out = result.outputs[0].data;
  for (int r = 0; r < 32; ++r) {
    int want = r == 3 || r == 5 ? 63 : r == 4 || r == 6 ? 0 : (r * 7) % 64;
    for (int c = 0; c < 32; ++c)
      ASSERT_EQ(out[size_t(r * 32 + c)], float(want * 32 + c)) << "row " << r << " col " << c;
  }
}

TEST(Gather, ANonPositiveWrapIsRejectedByTheVerifier) {
  BinarySpec spec = gatherSpec();
  std::vector<int32_t> &code = spec.dispatches[0].kernels[0].code;
  for (size_t pc = 0; pc < code.size(); ++pc)
    if (code[pc] == int32_t(Op::CbLoadIndex)) {
      code[pc + 5] = 0;
      break;
    }
  LoadedBinary bin;
  std::string error;
  EXPECT_FALSE(loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error));
  EXPECT_NE(error.find("CB_LOAD_INDEX wraps at 0"), std::string::npos) << error;
}

namespace {
/// out = x when ids[0] is 1 and zeros when it is 0: compute loads the flag out of the id tile it
/// has waited for and copies x into Dst in a loop of that many trips (how a matmul skips a zero
/// weight tile). With `wait` false it loads the flag before waiting for the tile.
BinarySpec flagSpec(bool wait = true) {
  BinarySpec spec = withIds("x", {32, 32}, 1);
  DispatchSpec d = spec.dispatches[0];
  KernelSpec reader(ttb::ThreadKind::Reader);
  int32_t zero = reader.constant(0);
  reader.emit(Op::CbReserve, {0, 1});
  reader.emit(Op::CbReserve, {1, 1});
  reader.emit(Op::NocRead, {0, zero, 0, zero});
  reader.emit(Op::NocRead, {1, zero, 1, zero});
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, 1});
  reader.emit(Op::CbPush, {1, 1});

  KernelSpec compute(ttb::ThreadKind::Compute);
  zero = compute.constant(0);
  int32_t flag = compute.var(5);
  compute.emit(Op::CbWait, {0, 1});
  if (wait)
    compute.emit(Op::CbWait, {1, 1});
  compute.emit(Op::CbLoadIndex, {5, 1, zero, zero, 2});
  compute.emit(Op::CbReserve, {16, 1});
  compute.emit(Op::DstAcquire);
  size_t l = compute.loop(4, flag);
  compute.emit(Op::Copy, {0, zero, zero});
  compute.endLoop(l);
  compute.emit(Op::Pack, {zero, 16, zero});
  compute.emit(Op::DstRelease);
  compute.emit(Op::CbPop, {0, 1});
  compute.emit(Op::CbPop, {1, 1});
  compute.emit(Op::CbPush, {16, 1});

  KernelSpec writer = tileWriter();
  d.kernels = {reader, compute, writer};
  spec.dispatches = {d};
  return spec;
}
} // namespace

TEST(Gather, ComputeLoadsAFlagFromATileItWaitedForAndLoopsOnIt) {
  HostTensor x{"x", {32, 32}, std::vector<float>(32 * 32)};
  for (size_t i = 0; i < x.data.size(); ++i)
    x.data[i] = float(i % 97) + 1.0f;
  LoadedBinary bin;
  std::string error;
  ASSERT_TRUE(loadBinaryFromBytes(buildBinary(flagSpec()), testChip(), bin, error)) << error;
  for (float flag : {1.0f, 0.0f}) {
    HostTensor ids{"ids", {32}, std::vector<float>(32, 0.0f)};
    ids.data[0] = flag;
    RunResult result;
    ASSERT_TRUE(runBinary(bin, {x, ids}, SimOptions(), result, error)) << error;
    EXPECT_EQ(result.outputs[0].data, flag ? x.data : std::vector<float>(32 * 32, 0.0f));
  }
}

TEST(Gather, ComputeCannotLoadFromATileItHasNotWaitedFor) {
  HostTensor x{"x", {32, 32}, std::vector<float>(32 * 32, 1.0f)};
  HostTensor ids{"ids", {32}, std::vector<float>(32, 1.0f)};
  LoadedBinary bin;
  std::string error;
  ASSERT_TRUE(loadBinaryFromBytes(buildBinary(flagSpec(/*wait=*/false)), testChip(), bin, error))
      << error;
  RunResult result;
  // The reader may or may not have pushed the ids by then; a thread that reads a slot it does
  // not hold is wrong either way, and only a published slot is readable.
  bool ran = runBinary(bin, {x, ids}, SimOptions(), result, error);
  if (!ran)
    EXPECT_NE(error.find("not a slot the thread holds"), std::string::npos) << error;
}

namespace {
/// out = x when x has a non-zero value, else zeros: compute tests the x tile it waited for
/// (CB_TILE_NONZERO, 3 skipped products if zero) and copies it in a loop of that many trips.
BinarySpec testSpec(ttb::ThreadKind thread = ttb::ThreadKind::Compute) {
  BinarySpec spec = flagSpec();
  KernelSpec &compute = spec.dispatches[0].kernels[1];
  compute = KernelSpec(ttb::ThreadKind::Compute);
  int32_t zero = compute.constant(0);
  compute.emit(Op::CbWait, {0, 1});
  compute.emit(Op::CbWait, {1, 1});
  compute.emit(Op::CbReserve, {16, 1});
  compute.emit(Op::DstAcquire);
  if (thread == ttb::ThreadKind::Compute)
    compute.emit(Op::CbTileNonzero, {5, 0, zero, 3});
  size_t l = compute.loop(4, compute.var(5));
  compute.emit(Op::Copy, {0, zero, zero});
  compute.endLoop(l);
  compute.emit(Op::Pack, {zero, 16, zero});
  compute.emit(Op::DstRelease);
  compute.emit(Op::CbPop, {0, 1});
  compute.emit(Op::CbPop, {1, 1});
  compute.emit(Op::CbPush, {16, 1});
  if (thread != ttb::ThreadKind::Compute)
    spec.dispatches[0].kernels[0].emit(Op::CbTileNonzero, {5, 0, spec.dispatches[0].kernels[0].constant(0), 3});
  return spec;
}
} // namespace

TEST(Gather, ComputeTestsATileForZerosAndCountsTheSkippedProducts) {
  LoadedBinary bin;
  std::string error;
  ASSERT_TRUE(loadBinaryFromBytes(buildBinary(testSpec()), testChip(), bin, error)) << error;
  HostTensor ids{"ids", {32}, std::vector<float>(32, 0.0f)};
  int64_t cycles[2];
  for (bool zeros : {false, true}) {
    HostTensor x{"x", {32, 32}, std::vector<float>(32 * 32, 0.0f)};
    if (!zeros)
      x.data[1000] = 2.5f; // one value is enough
    RunResult result;
    ASSERT_TRUE(runBinary(bin, {x, ids}, SimOptions(), result, error)) << error;
    EXPECT_EQ(result.outputs[0].data, x.data);
    const DispatchPerf &d = result.perf.dispatches[0];
    EXPECT_EQ(d.tilesTested, 1u);
    EXPECT_EQ(d.zeroTilesFound, zeros ? 1u : 0u);
    EXPECT_EQ(d.skippedTiles, zeros ? 3u : 0u);
    cycles[zeros] = d.cycles;
  }
  // The test costs the same either way; the copy it skips is what a zero tile saves.
  EXPECT_LT(cycles[1], cycles[0]);
}

TEST(Gather, OnlyTheComputeThreadTestsTiles) {
  LoadedBinary bin;
  std::string error;
  EXPECT_FALSE(loadBinaryFromBytes(buildBinary(testSpec(ttb::ThreadKind::Reader)), testChip(),
                                   bin, error));
  EXPECT_NE(error.find("CB_TILE_NONZERO runs on the compute thread"), std::string::npos) << error;
}
