//===- PackerTest.cpp - The packer beside the math: Dst's halves ----------===//
#include "TestBinaries.h"

#include "tessel/runtime/Simulator.h"
#include "tessel/runtime/TileCosts.h"
#include "tessel/runtime/Trace.h"

#include <gtest/gtest.h>

using namespace tessel::rt;
using namespace tessel::rt::test;
using tessel::ttb::ThreadKind;

namespace {
constexpr int64_t kTiles = 16;
constexpr uint32_t kCbBase = 200000;

/// One core copies kTiles bf16 tiles: the reader brings them all at once, the compute thread
/// copies each into Dst tile `dstIndex` and packs it (`readBack`: packs it into cb 1 first and
/// copies it back from there), the writer stores them once all are packed.
BinarySpec copyAll(int64_t dstIndex, bool readBack) {
  BinarySpec spec;
  std::vector<int64_t> shape = {32, 32 * kTiles};
  spec.buffers = {{"x", shape, tessel::ttb::DataFormat::BFloat16, 0},
                  {"y", shape, tessel::ttb::DataFormat::BFloat16, 1 << 20}};
  spec.inputs = {0};
  spec.outputs = {1};
  DispatchSpec d;
  d.name = "copy";
  d.op = "identity";
  d.buffers = {0, 1};
  d.dstFormat = tessel::ttb::DataFormat::BFloat16;
  d.cbs = {{0, tessel::ttb::DataFormat::BFloat16, uint32_t(kTiles), kCbBase},
           {1, tessel::ttb::DataFormat::BFloat16, 1, kCbBase + 65536},
           {16, tessel::ttb::DataFormat::BFloat16, uint32_t(kTiles), kCbBase + 2 * 65536}};

  KernelSpec reader(ThreadKind::Reader);
  int32_t count = reader.constant(kTiles), tile = reader.expr({1, 4});
  reader.emit(Op::CbReserve, {0, int32_t(kTiles)});
  size_t l = reader.loop(4, count);
  reader.emit(Op::NocRead, {0, tile, 0, tile});
  reader.endLoop(l);
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, int32_t(kTiles)});

  KernelSpec compute(ThreadKind::Compute);
  count = compute.constant(kTiles);
  int32_t i = compute.expr({1, 4}), zero = compute.constant(0),
          dst = compute.constant(dstIndex);
  compute.emit(Op::CbWait, {0, int32_t(kTiles)});
  compute.emit(Op::CbReserve, {16, int32_t(kTiles)});
  // Slot `from` of cb `in` through Dst into slot `to` of cb `out`.
  auto copyThroughDst = [&](int32_t in, int32_t from, int32_t out, int32_t to) {
    compute.emit(Op::DstAcquire);
    compute.emit(Op::Copy, {in, from, dst});
    compute.emit(Op::Pack, {dst, out, to});
    compute.emit(Op::DstRelease);
  };
  l = compute.loop(4, count);
  if (readBack) {
    compute.emit(Op::CbReserve, {1, 1});
    copyThroughDst(0, i, 1, zero);
    compute.emit(Op::CbPush, {1, 1});
    compute.emit(Op::CbWait, {1, 1});
    copyThroughDst(1, zero, 16, i);
    compute.emit(Op::CbPop, {1, 1});
  } else {
    copyThroughDst(0, i, 16, i);
  }
  compute.endLoop(l);
  compute.emit(Op::CbPop, {0, int32_t(kTiles)});
  compute.emit(Op::CbPush, {16, int32_t(kTiles)});

  KernelSpec writer(ThreadKind::Writer);
  count = writer.constant(kTiles);
  tile = writer.expr({1, 4});
  writer.emit(Op::CbWait, {16, int32_t(kTiles)});
  l = writer.loop(4, count);
  writer.emit(Op::NocWrite, {16, tile, 1, tile});
  writer.endLoop(l);
  writer.emit(Op::NocBarrier);
  writer.emit(Op::CbPop, {16, int32_t(kTiles)});

  d.kernels = {reader, compute, writer};
  spec.dispatches = {d};
  return spec;
}

struct Timeline {
  int64_t cycles = 0;
  int64_t lastPackEnd = 0, firstWrite = INT64_MAX;
  // The compute thread's waits: for a half of Dst, for tiles pushed to a CB.
  std::vector<int64_t> dstWaits, cbWaits;
};

Timeline simulate(const BinarySpec &spec) {
  std::string error;
  SimOptions options;
  options.trace = true;
  std::vector<float> x(size_t(32 * 32 * kTiles));
  for (size_t k = 0; k < x.size(); ++k)
    x[k] = float(k % 251) - 100.0f;
  RunResult r;
  EXPECT_TRUE(runSpec(spec, {HostTensor{"x", {32, 32 * kTiles}, x}}, options, r, error))
      << error;
  Timeline s;
  if (r.outputs.empty())
    return s;
  EXPECT_EQ(r.outputs[0].data, x);
  s.cycles = r.perf.cycles;
  for (const TraceEvent &e : r.trace.events) {
    if (e.pid != 1)
      continue;
    if (e.tid == int(ThreadKind::Compute) && e.name == "wait DST")
      s.dstWaits.push_back(e.duration);
    else if (e.tid == int(ThreadKind::Compute) && e.name == "wait CB_WAIT")
      s.cbWaits.push_back(e.duration);
    else if (e.tid == kPackerTraceThread)
      s.lastPackEnd = std::max(s.lastPackEnd, e.start + e.duration);
    else if (e.tid == int(ThreadKind::Writer) && e.name == "NOC")
      s.firstWrite = std::min(s.firstWrite, e.start);
  }
  return s;
}

const int64_t kHalf = testChip().dstTilesBf16 / 2;
} // namespace

// The packer packs one half of Dst while the math fills the other: each pack runs beside the
// next copy, and the writer sees the tiles once the packer has packed them. Copied into Dst's
// other half as well (tile 8 of 16), each copy waits for the pack before it.
TEST(Packer, PacksBesideTheMath) {
  Timeline beside = simulate(copyAll(0, false)), serial = simulate(copyAll(kHalf, false));
  int64_t copy = copyCycles(testChip(), DataFormat::BFloat16);
  int64_t pack = packCycles(testChip(), DataFormat::BFloat16);
  // A bf16 pack takes longer than a copy: the copies wait for their halves of Dst, a pack
  // behind.
  ASSERT_GT(pack, copy);
  EXPECT_GE(beside.dstWaits.size(), size_t(kTiles / 2));
  for (int64_t wait : beside.dstWaits)
    EXPECT_LT(wait, pack);
  EXPECT_EQ(serial.dstWaits.size(), size_t(kTiles - 1));
  for (int64_t wait : serial.dstWaits)
    EXPECT_GE(wait, pack - 8);
  EXPECT_GE(serial.cycles - beside.cycles, (kTiles - 2) * copy);
  EXPECT_GE(beside.firstWrite, beside.lastPackEnd);
}

// A tile packed into a CB is published, and read back, once the packer has written it.
TEST(Packer, ATilePackedIsReadOnceWritten) {
  Timeline r = simulate(copyAll(0, true));
  int64_t pack = packCycles(testChip(), DataFormat::BFloat16);
  // The first wait is for the reader's tiles.
  ASSERT_EQ(r.cbWaits.size(), size_t(kTiles + 1));
  for (size_t k = 1; k < r.cbWaits.size(); ++k)
    EXPECT_GE(r.cbWaits[k], pack - 8) << "tile " << k - 1;
}
