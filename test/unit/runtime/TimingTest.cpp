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
// A dispatch over buffer 0 whose one CB holds `tiles` tiles of `fmt`.
DispatchSpec oneCbDispatch(int64_t tiles, ttb::DataFormat fmt = ttb::DataFormat::BFloat16) {
  DispatchSpec d;
  d.buffers = {0};
  d.cbs = {{0, fmt, uint32_t(tiles), uint32_t(testChip().l1ReservedBytes)}};
  return d;
}

// The simulated cycles of a binary of one dispatch `d` over `buffers`.
int64_t cyclesOf(std::vector<BufferSpec> buffers, DispatchSpec d) {
  BinarySpec spec;
  spec.buffers = std::move(buffers);
  spec.dispatches = {std::move(d)};
  LoadedBinary bin;
  std::string error;
  EXPECT_TRUE(loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error)) << error;
  RunResult r;
  EXPECT_TRUE(runBinary(bin, {}, SimOptions(), r, error)) << error;
  // The kernels' own time: the launch before them is charged apart.
  return r.perf.dispatches.at(0).cycles;
}

// One core reads `tiles` tiles of `stride` apart (stride = channels: all from
// channel 0) into one big CB, then waits for them.
int64_t readCycles(int64_t tiles, int64_t stride, ttb::DataFormat fmt) {
  DispatchSpec d = oneCbDispatch(tiles, fmt);
  KernelSpec reader(ThreadKind::Reader);
  int32_t tile = reader.expr({1, 4, 0, stride, 3, 0});
  reader.emit(Op::CbReserve, {0, int32_t(tiles)});
  size_t l = reader.loop(4, reader.constant(tiles));
  reader.emit(Op::NocRead, {0, tile, 0, reader.var(4)});
  reader.endLoop(l);
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, int32_t(tiles)});
  d.kernels = {reader};
  return cyclesOf({{"x", {32, 32 * tiles * stride}, fmt, 0}}, d);
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

namespace {
// One core reads `tiles` consecutive (interleaved) tiles at once, the odd ones with NOC_READ_ON
// over NoC `oddNoc`, then waits for them; `error` gets a failure's message.
int64_t pairedReadCycles(int64_t tiles, int oddNoc, std::string &error) {
  DispatchSpec d = oneCbDispatch(tiles);
  KernelSpec reader(ThreadKind::Reader);
  reader.emit(Op::CbReserve, {0, int32_t(tiles)});
  size_t l = reader.loop(4, reader.constant(tiles / 2));
  int32_t even = reader.expr({1, 4, 0, 2, 3, 0}), odd = reader.expr({1, 4, 0, 2, 3, 0, 0, 1, 2, 0});
  reader.emit(Op::NocRead, {0, even, 0, even});
  reader.emit(Op::NocReadOn, {0, odd, 0, odd, reader.constant(oddNoc)});
  reader.endLoop(l);
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, int32_t(tiles)});
  d.kernels = {reader};
  BinarySpec spec;
  spec.buffers = {{"x", {32, 32 * tiles}, ttb::DataFormat::BFloat16, 0}};
  spec.dispatches = {d};
  LoadedBinary bin;
  RunResult r;
  if (!loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error) ||
      !runBinary(bin, {}, SimOptions(), r, error))
    return -1;
  return r.perf.dispatches.at(0).cycles;
}
} // namespace

// The responses of a core's reads come in over its one link from the NoC they take: split over
// both NoCs, a burst of interleaved reads lands in about two thirds of the time (the DRAM
// latency is paid either way). A third NoC is an error.
TEST(Timing, ReadsOverBothNocsLandTwiceAsFast) {
  ChipDesc chip = testChip();
  const int64_t tiles = 48;
  std::string error;
  int64_t one = pairedReadCycles(tiles, 0, error);
  ASSERT_GT(one, 0) << error;
  int64_t both = pairedReadCycles(tiles, 1, error);
  ASSERT_GT(both, 0) << error;
  int64_t link = tiles * 2048 / chip.nocFlitBytes;
  EXPECT_GE(one, link);
  // Measured: 3,178 and 2,154 cycles.
  EXPECT_LT(both, one * 3 / 4) << one << " " << both;
  EXPECT_GE(both, link / 2 + chip.dramLatencyCycles);
  EXPECT_EQ(pairedReadCycles(tiles, 2, error), -1);
  EXPECT_NE(error.find("NOC_READ_ON over NoC 2: the chip has NoCs 0 and 1"), std::string::npos)
      << error;
}

namespace {
// One core writes `tiles` tiles of a CB to DRAM one at a time, waiting with `sync` before it
// pops each slot and writes the next.
int64_t writeCycles(int64_t tiles, Op sync) {
  DispatchSpec d = oneCbDispatch(1);
  KernelSpec writer(ThreadKind::Writer);
  int32_t zero = writer.constant(0);
  size_t l = writer.loop(4, writer.constant(tiles));
  writer.emit(Op::CbReserve, {0, 1});
  writer.emit(Op::CbPush, {0, 1});
  writer.emit(Op::CbWait, {0, 1});
  writer.emit(Op::NocWrite, {0, zero, 0, writer.var(4)});
  writer.emit(sync);
  writer.emit(Op::CbPop, {0, 1});
  writer.endLoop(l);
  d.kernels = {writer};
  return cyclesOf({{"y", {32, 32 * tiles}, ttb::DataFormat::BFloat16, 0}}, d);
}
} // namespace

namespace {
// One core writes `tiles` tiles it holds at once to DRAM, every other one over NoC 0 when
// `alternate`, then waits for them to land.
int64_t burstCycles(int64_t tiles, bool alternate) {
  DispatchSpec d = oneCbDispatch(tiles);
  KernelSpec writer(ThreadKind::Writer);
  writer.emit(Op::CbReserve, {0, int32_t(tiles)});
  writer.emit(Op::CbPush, {0, int32_t(tiles)});
  writer.emit(Op::CbWait, {0, int32_t(tiles)});
  size_t l = writer.loop(4, writer.constant(tiles / 2));
  int32_t even = writer.expr({1, 4, 0, 2, 3, 0}), odd = writer.expr({1, 4, 0, 2, 3, 0, 0, 1, 2, 0});
  writer.emit(Op::NocWrite, {0, even, 0, even});
  writer.emit(alternate ? Op::NocWrite0 : Op::NocWrite, {0, odd, 0, odd});
  writer.endLoop(l);
  writer.emit(Op::NocBarrier);
  writer.emit(Op::CbPop, {0, int32_t(tiles)});
  d.kernels = {writer};
  return cyclesOf({{"y", {32, 32 * tiles}, ttb::DataFormat::BFloat16, 0}}, d);
}
} // namespace

// A core's writes leave over its one link into the NoC they take: split over both NoCs, a burst
// leaves in about half the time.
TEST(Timing, WritesOverBothNocsLeaveTwiceAsFast) {
  ChipDesc chip = testChip();
  const int64_t tiles = 24;
  int64_t one = burstCycles(tiles, false), both = burstCycles(tiles, true);
  int64_t leave = tiles * 2048 / chip.nocFlitBytes;
  EXPECT_GE(one, leave);
  EXPECT_LT(both, one * 2 / 3) << one << " " << both;
  // Measured: 1,797 and 1,047 cycles.
  EXPECT_GE(both, leave / 2);
}

// A flush waits until a write has left the core, a barrier until it has landed and been
// acknowledged: tiles written one slot at a time go out back to back after flushes, each
// round trip paid after barriers. The dispatch still ends when the last write has landed.
TEST(Timing, FlushWaitsForWritesToLeaveNotToLand) {
  ChipDesc chip = testChip();
  const int64_t tiles = 16;
  int64_t flushed = writeCycles(tiles, Op::NocFlush);
  int64_t barriered = writeCycles(tiles, Op::NocBarrier);
  int64_t leave = 2048 / chip.nocFlitBytes;
  // Measured: 1,319 and 4,661 cycles for 16 tiles.
  EXPECT_GE(flushed, tiles * leave);
  EXPECT_LT(flushed, tiles * leave + 2 * chip.dramLatencyCycles) << flushed;
  EXPECT_GT(barriered, 2 * flushed) << flushed << " " << barriered;
}
