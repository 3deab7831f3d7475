//===- TimingTest.cpp - NoC and DRAM timing sanity ------------------------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;
using tessel::ttb::ThreadKind;

namespace {
// One core reads `tiles` tiles of `stride` apart (stride = channels: all from
// channel 0) into one big CB, then waits for them.
int64_t readCycles(int64_t tiles, int64_t stride, ttb::DataFormat fmt) {
  ChipDesc chip = testChip();
  BinarySpec spec;
  spec.buffers = {{"x", {32, 32 * tiles * stride}, fmt, 0}};
  DispatchSpec d;
  d.buffers = {0};
  d.cbs = {{0, fmt, uint32_t(tiles), uint32_t(chip.l1ReservedBytes)}};
  KernelSpec reader(ThreadKind::Reader);
  int32_t tile = reader.expr({1, 4, 0, stride, 3, 0});
  reader.emit(Op::CbReserve, {0, int32_t(tiles)});
  size_t l = reader.loop(4, reader.constant(tiles));
  reader.emit(Op::NocRead, {0, tile, 0, reader.var(4)});
  reader.endLoop(l);
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, int32_t(tiles)});
  d.kernels = {reader};
  spec.dispatches = {d};
  LoadedBinary bin;
  std::string error;
  EXPECT_TRUE(loadBinaryFromBytes(buildBinary(spec), chip, bin, error)) << error;
  RunResult r;
  EXPECT_TRUE(runBinary(bin, {}, SimOptions(), r, error)) << error;
  return r.perf.cycles;
}
} // namespace

TEST(Timing, OneChannelReadRunsAtChannelBandwidthPlusLatency) {
  ChipDesc chip = testChip();
  const int64_t tiles = 32;
  int64_t expected =
      int64_t(tiles * 2048 / chip.dramSustainedBytesPerCycle()) + chip.dramLatencyCycles;
  int64_t got = readCycles(tiles, chip.dramChannels, ttb::DataFormat::BFloat16);
  EXPECT_NEAR(double(got), double(expected), 0.1 * double(expected)) << got;
  EXPECT_GE(got, expected);
}

TEST(Timing, InterleavedReadIsBoundByTheCoresLink) {
  ChipDesc chip = testChip();
  const int64_t tiles = 48;
  // Twelve channels together outrun the one link into the core.
  int64_t got = readCycles(tiles, 1, ttb::DataFormat::BFloat16);
  int64_t linkBound = tiles * 2048 / chip.nocFlitBytes;
  EXPECT_GE(got, linkBound);
  EXPECT_LT(got, linkBound + 2 * chip.dramLatencyCycles);
  EXPECT_LT(got, readCycles(tiles, chip.dramChannels, ttb::DataFormat::BFloat16));
}

TEST(Timing, SmallerFormatsReadFaster) {
  ChipDesc chip = testChip();
  EXPECT_LT(readCycles(16, chip.dramChannels, ttb::DataFormat::Bfp8_b),
            readCycles(16, chip.dramChannels, ttb::DataFormat::BFloat16));
}
