//===- L1TensorTest.cpp - Tensors kept in L1 between dispatches -----------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/L1Tensors.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
constexpr uint64_t kTensorL1 = 1000000;

/// x -> t -> y: two copies over the whole grid, the intermediate `t` in `memory` at `address`.
BinarySpec chainSpec(std::vector<int64_t> shape, ttb::MemorySpace memory, uint64_t address) {
  BinarySpec first = copySpec(shape, ttb::DataFormat::BFloat16, 7, 7);
  BinarySpec spec;
  spec.buffers = {{"x", shape, ttb::DataFormat::BFloat16, 0},
                  {"t", shape, ttb::DataFormat::BFloat16, address, memory},
                  {"y", shape, ttb::DataFormat::BFloat16, 2 << 20}};
  spec.inputs = {0};
  spec.outputs = {2};
  DispatchSpec d0 = first.dispatches[0], d1 = first.dispatches[0];
  d0.name = "to_t";
  d1.name = "from_t";
  d0.buffers = {0, 1};
  d1.buffers = {1, 2};
  spec.dispatches = {d0, d1};
  return spec;
}

HostTensor ramp(std::vector<int64_t> shape) {
  HostTensor t{"x", shape, std::vector<float>(size_t(numElements(shape)))};
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = float(int(i % 97) - 48) * 0.25f;
  return t;
}

bool run(const BinarySpec &spec, const HostTensor &x, RunResult &r, std::string &error) {
  LoadedBinary bin;
  if (!loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error))
    return false;
  return runBinary(bin, {x}, SimOptions(), r, error);
}
} // namespace

TEST(L1Tensor, IntermediateStaysOffDram) {
  HostTensor x = ramp({512, 1024});
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(chainSpec(x.shape, ttb::MemorySpace::L1, kTensorL1), x, r, error)) << error;
  EXPECT_EQ(r.outputs[0].data, x.data);
  int64_t bytes = tiledShape(x.shape).tiles() * 2048;
  ASSERT_EQ(r.perf.dispatches.size(), 2u);
  const DispatchPerf &write = r.perf.dispatches[0], &read = r.perf.dispatches[1];
  EXPECT_EQ(write.dramBytesWritten, 0);
  EXPECT_EQ(write.l1BytesWritten, bytes);
  EXPECT_EQ(read.dramBytesRead, 0);
  EXPECT_EQ(read.l1BytesRead, bytes);
  // 512 tiles over 64 cores: 8 tiles, 16 KB of every core's L1, counted in the peak.
  EXPECT_EQ(read.l1PeakBytes - r.perf.dispatches[0].l1PeakBytes, 0);
  EXPECT_GE(read.l1PeakBytes, 16384);
  // DRAM holds x and y only.
  RunResult dram;
  ASSERT_TRUE(run(chainSpec(x.shape, ttb::MemorySpace::Dram, 1 << 20), x, dram, error)) << error;
  EXPECT_EQ(dram.outputs[0].data, x.data);
  EXPECT_EQ(r.perf.dramBytesRead + r.perf.dramBytesWritten,
            dram.perf.dramBytesRead + dram.perf.dramBytesWritten - 2 * bytes);
  EXPECT_EQ(dram.perf.dispatches[1].l1PeakBytes + 16384, read.l1PeakBytes);
  for (int i = 0; i < 2; ++i)
    EXPECT_LT(r.perf.dispatches[i].cycles, dram.perf.dispatches[i].cycles)
        << i << ": " << r.perf.dispatches[i].cycles << " vs " << dram.perf.dispatches[i].cycles;
}

TEST(L1Tensor, VerifierRejectsOverlapWithCircularBuffers) {
  // copySpec's cbs start at 200000.
  std::string error = loadError(chainSpec({256, 256}, ttb::MemorySpace::L1, 200000));
  EXPECT_NE(error.find("overlaps cb 0 of dispatch 0"), std::string::npos) << error;
}

TEST(L1Tensor, VerifierRejectsRangeOutsideL1) {
  ChipDesc chip = testChip();
  std::string error =
      loadError(chainSpec({256, 256}, ttb::MemorySpace::L1, uint64_t(chip.l1Bytes) - 1024));
  EXPECT_NE(error.find("is outside"), std::string::npos) << error;
  error = loadError(chainSpec({256, 256}, ttb::MemorySpace::L1, 1024));
  EXPECT_NE(error.find("is outside"), std::string::npos) << error;
}

TEST(L1Tensor, VerifierRejectsOverlappingLiveTensors) {
  BinarySpec spec = chainSpec({256, 256}, ttb::MemorySpace::L1, kTensorL1);
  // y in L1 as well, at t's address, while t is still read by the dispatch that writes y.
  spec.buffers.push_back({"u", {256, 256}, ttb::DataFormat::BFloat16, kTensorL1 + 1024,
                          ttb::MemorySpace::L1});
  spec.dispatches[1].buffers = {1, 3};
  spec.outputs = {2};
  std::string error = loadError(spec);
  EXPECT_NE(error.find("overlap in L1 while both are live"), std::string::npos) << error;
}

TEST(L1Tensor, VerifierRejectsHostBuffersInL1) {
  BinarySpec spec = chainSpec({64, 64}, ttb::MemorySpace::L1, kTensorL1);
  spec.buffers[0].memory = ttb::MemorySpace::L1;
  spec.buffers[0].address = kTensorL1 + 65536;
  std::string error = loadError(spec);
  EXPECT_NE(error.find("the host reads and writes DRAM"), std::string::npos) << error;
}

namespace {
/// Cycles for core (0,0) to read `tiles` consecutive tiles of a buffer in `memory` and wait;
/// `shardTiles` > 0 shards the L1 buffer (one row of tiles) by that many tiles over rows of 8
/// cores.
int64_t readCycles(int64_t tiles, ttb::MemorySpace memory, int64_t shardTiles = 0) {
  ChipDesc chip = testChip();
  BinarySpec spec;
  spec.buffers = {{"x", {32, 32 * tiles}, ttb::DataFormat::BFloat16, 0},
                  {"t", {32, 32 * tiles}, ttb::DataFormat::BFloat16, kTensorL1, memory,
                   shardTiles ? 1 : 0, shardTiles, shardTiles ? 8 : 0}};
  spec.inputs = {0};
  DispatchSpec fill = copySpec({32, 32 * tiles}, ttb::DataFormat::BFloat16, 7, 7).dispatches[0];
  fill.buffers = {0, 1};
  DispatchSpec d;
  d.name = "read";
  d.buffers = {1};
  d.cbs = {{0, ttb::DataFormat::BFloat16, uint32_t(tiles), uint32_t(chip.l1ReservedBytes)}};
  KernelSpec reader(tessel::ttb::ThreadKind::Reader);
  reader.emit(Op::CbReserve, {0, int32_t(tiles)});
  size_t l = reader.loop(4, reader.constant(tiles));
  reader.emit(Op::NocRead, {0, reader.var(4), 0, reader.var(4)});
  reader.endLoop(l);
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, int32_t(tiles)});
  d.kernels = {reader};
  spec.dispatches = {fill, d};
  RunResult r;
  std::string error;
  EXPECT_TRUE(run(spec, ramp({32, 32 * tiles}), r, error)) << error;
  return r.perf.dispatches.empty() ? 0 : r.perf.dispatches.back().cycles;
}
} // namespace

TEST(L1Tensor, ReadsPayNoDramLatency) {
  // One core reading 8 tiles: from DRAM the channel latency dominates; from other cores' L1,
  // only hops and the core's link (8 x 2048 B at 32 B/cycle = 512 cycles).
  ChipDesc chip = testChip();
  int64_t dram = readCycles(8, ttb::MemorySpace::Dram), l1 = readCycles(8, ttb::MemorySpace::L1);
  EXPECT_GE(dram, chip.dramLatencyCycles + 512);
  EXPECT_GE(l1, 512);
  EXPECT_LT(l1, 512 + 2 * 16 * chip.nocHopCycles) << l1;
}

TEST(L1Tensor, ShardOnTheReadingCoreCrossesNoLink) {
  // The 8 tiles in core (0,0)'s own shard: through the core's own port at a flit a cycle (no
  // faster than from a neighbour), no hops; one tile per core from (1,0) on: the hops to each.
  ChipDesc chip = testChip();
  int64_t own = readCycles(8, ttb::MemorySpace::L1, 8);
  int64_t spread = readCycles(8, ttb::MemorySpace::L1, 1);
  EXPECT_GE(own, 8 * 2048 / 32) << own;
  EXPECT_LT(own, 8 * 2048 / 32 + chip.nocHopCycles) << own;
  EXPECT_GT(spread, own);
  EXPECT_EQ(readCycles(8, ttb::MemorySpace::L1, 1), readCycles(8, ttb::MemorySpace::L1));
}

TEST(L1Tensor, ShardedIntermediateKeepsItsValues) {
  // 512 x 1024: 16 x 32 tiles, two rows of tiles (64 tiles) per core on 8 x 8 cores.
  HostTensor x = ramp({512, 1024});
  BinarySpec spec = chainSpec(x.shape, ttb::MemorySpace::L1, kTensorL1);
  spec.buffers[1].shardRows = 2;
  spec.buffers[1].shardCols = 32;
  spec.buffers[1].shardCoresX = 8;
  RunResult r;
  std::string error;
  ASSERT_TRUE(run(spec, x, r, error)) << error;
  EXPECT_EQ(r.outputs[0].data, x.data);
  // Its shard, 64 tiles of 2 KB, of every core's L1 (interleaved: 8 tiles).
  EXPECT_GE(r.perf.dispatches[1].l1PeakBytes, 64 * 2048);
}

TEST(L1Tensor, VerifierRejectsShardsBeyondTheGrid) {
  BinarySpec spec = chainSpec({512, 1024}, ttb::MemorySpace::L1, kTensorL1);
  spec.buffers[1].shardRows = 1; // 16 x 8 = 128 shards
  spec.buffers[1].shardCols = 4;
  spec.buffers[1].shardCoresX = 8;
  std::string error = loadError(spec);
  EXPECT_NE(error.find("128 shards in rows of 8 cores do not fit the 8x8 grid"),
            std::string::npos)
      << error;
  spec = chainSpec({512, 1024}, ttb::MemorySpace::Dram, 1 << 21);
  spec.buffers[1].shardRows = 2;
  spec.buffers[1].shardCols = 32;
  spec.buffers[1].shardCoresX = 8;
  error = loadError(spec);
  EXPECT_NE(error.find("need positive sizes within the tensor and an L1 buffer"),
            std::string::npos)
      << error;
  // Shards larger than the tensor (16 x 32 tiles), and a name that would break the error's line.
  spec = chainSpec({512, 1024}, ttb::MemorySpace::L1, kTensorL1);
  spec.buffers[1].name = "t\nu";
  spec.buffers[1].shardRows = int64_t(1) << 40;
  spec.buffers[1].shardCols = 4;
  spec.buffers[1].shardCoresX = 8;
  error = loadError(spec);
  EXPECT_NE(error.find("buffer 1 't\\nu': shards of 1099511627776x4 tiles need positive sizes "
                       "within the tensor"),
            std::string::npos)
      << error;
}

TEST(L1Tensor, BlockShardsSitOnTheirCoresRowMajor) {
  // 4 x 6 tiles in blocks of 2 x 3: shards (0,0) (0,1) / (1,0) (1,1) on cores (0,0) (1,0) /
  // (0,1) (1,1) of a 2-wide rectangle. Tile (r, c) = r * 6 + c.
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<int64_t> shape{128, 192};
  fbb.Finish(ttb::CreateBufferDirect(fbb, "t", &shape, ttb::DataFormat::BFloat16, kTensorL1, 1, 4,
                                     6, ttb::MemorySpace::L1, 2, 3, 2));
  const ttb::Buffer &b = *flatbuffers::GetRoot<ttb::Buffer>(fbb.GetBufferPointer());
  ChipDesc chip = testChip();
  EXPECT_EQ(l1CoreOf(b, 0, chip), std::make_pair(0, 0));
  EXPECT_EQ(l1CoreOf(b, 8, chip), std::make_pair(0, 0));  // (1, 2)
  EXPECT_EQ(l1CoreOf(b, 3, chip), std::make_pair(1, 0));  // (0, 3)
  EXPECT_EQ(l1CoreOf(b, 12, chip), std::make_pair(0, 1)); // (2, 0)
  EXPECT_EQ(l1CoreOf(b, 23, chip), std::make_pair(1, 1)); // (3, 5)
  EXPECT_EQ(l1BytesPerCore(b, chip), 6 * 2048);
  // Interleaved: tile t on core t mod 64.
  flatbuffers::FlatBufferBuilder plain;
  plain.Finish(ttb::CreateBufferDirect(plain, "u", &shape, ttb::DataFormat::BFloat16, kTensorL1,
                                       1, 4, 6, ttb::MemorySpace::L1));
  const ttb::Buffer &u = *flatbuffers::GetRoot<ttb::Buffer>(plain.GetBufferPointer());
  EXPECT_EQ(l1CoreOf(u, 23, chip), std::make_pair(7, 2));
  EXPECT_EQ(l1BytesPerCore(u, chip), 2048);
}
