//===- ReadRunsTest.cpp - NOC_READ_RUNS: a request per contiguous stretch ===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
using T = ExprTag;
int64_t tag(T t) { return int64_t(t); }

/// Postfix of the source row of slot row r (var 4): r + 20 for r < 28, then 91 - r.
std::vector<int64_t> sourceRow() {
  return {tag(T::Var), 4, tag(T::Const), 20, tag(T::Add), 0, tag(T::Var), 4, tag(T::Const), 28,
          tag(T::FloorDiv), 0, tag(T::Const), 71, tag(T::Var), 4, tag(T::Const), -2,
          tag(T::Mul), 0, tag(T::Add), 0, tag(T::Mul), 0, tag(T::Add), 0};
}

/// A one-tile dispatch over a 64 x 32 f32 table whose reader is `reader` (filling cb 0, of
/// `format`): compute copies the tile, the writer stores it.
BinarySpec tableSpec(const KernelSpec &reader,
                     ttb::DataFormat format = ttb::DataFormat::Float32) {
  BinarySpec spec = withIds("table", {64, 32}, 1);
  spec.dispatches[0].cbs[0].format = format;
  KernelSpec compute(ttb::ThreadKind::Compute);
  emitCopyTile(compute, compute.constant(0), 0, 16);
  spec.dispatches[0].kernels = {reader, compute, tileWriter()};
  return spec;
}

/// Rows of a 64 x 32 table into one tile: row r reads table row sourceRow(r), except rows 24 to
/// 27, which are padding (-1). Runs: rows 0-11 (table rows 20-31, tile 0), 12-23 (32-43, tile
/// 1), the padding 24-27, then 28-31 one by one (63, 62, 61, 60: each row before the last).
BinarySpec readRunsSpec(int32_t rows = 32, ttb::DataFormat format = ttb::DataFormat::Float32) {
  KernelSpec reader(ttb::ThreadKind::Reader);
  int32_t zero = reader.constant(0);
  std::vector<int64_t> src = sourceRow();
  std::vector<int64_t> tile = src, offset = src;
  tile.insert(tile.end(), {tag(T::Const), 32, tag(T::FloorDiv), 0});
  offset.insert(offset.end(),
                {tag(T::Const), 32, tag(T::Mod), 0, tag(T::Const), 32, tag(T::Mul), 0});
  int32_t outside = reader.expr({tag(T::Var), 4, tag(T::Const), 24, tag(T::FloorDiv), 0,
                                 tag(T::Var), 4, tag(T::Const), 28, tag(T::FloorDiv), 0,
                                 tag(T::Const), -1, tag(T::Mul), 0, tag(T::Add), 0});
  float fill = -1.0f;
  int32_t fillBits;
  std::memcpy(&fillBits, &fill, sizeof fillBits);
  reader.emit(Op::CbReserve, {0, 1});
  reader.emit(Op::NocReadRuns, {0, 0, zero, 4, rows, 32, 1, reader.expr(tile),
                                reader.expr(offset), outside, fillBits, 0});
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, 1});
  return tableSpec(reader, format);
}

std::vector<HostTensor> tableAndIds() {
  HostTensor table{"table", {64, 32}, std::vector<float>(64 * 32)};
  for (size_t i = 0; i < table.data.size(); ++i)
    table.data[i] = float(i);
  return {table, HostTensor{"ids", {32}, std::vector<float>(32)}};
}
/// Runs `spec` on the table and no ids with a trace; returns the output tile's values and the
/// cycles core (0,0)'s reader spent on NOC instructions (the trace joins consecutive spans).
std::vector<float> runTable(const BinarySpec &spec, int64_t &readerNocCycles) {
  LoadedBinary bin;
  std::string error;
  SimOptions options;
  options.trace = true;
  RunResult result;
  readerNocCycles = 0;
  EXPECT_TRUE(loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error)) << error;
  EXPECT_TRUE(runBinary(bin, tableAndIds(), options, result, error)) << error;
  if (result.outputs.empty())
    return {};
  for (const TraceEvent &e : result.trace.events)
    if (e.pid == 1 && e.tid == 0 && e.name == "NOC")
      readerNocCycles += e.duration;
  return result.outputs[0].data;
}
} // namespace

TEST(ReadRuns, RowsThatFollowEachOtherAreOneRequest) {
  int64_t noc;
  std::vector<float> out = runTable(readRunsSpec(), noc);
  ASSERT_EQ(out.size(), size_t(32 * 32));
  for (int r = 0; r < 32; ++r) {
    int source = r < 28 ? r + 20 : 91 - r;
    for (int c = 0; c < 32; ++c) {
      float want = r >= 24 && r < 28 ? -1.0f : float(source * 32 + c);
      ASSERT_EQ(out[size_t(r * 32 + c)], want) << "row " << r << " col " << c;
    }
  }
  // Seven requests: a cycle per run walked, one per request, and the barrier's.
  EXPECT_EQ(noc, 32 + 7 + 1);
}

namespace {
/// A reader of `runs` runs of `length` values from tile 0 of the table, run r (var 4, inside a
/// loop of `repeats` on var 5 when it is more than one) at offset `offset`.
KernelSpec runsReader(int32_t runs, int32_t length, std::vector<int64_t> offset,
                      int32_t repeats = 1, int32_t perRow = 0) {
  KernelSpec reader(ttb::ThreadKind::Reader);
  int32_t zero = reader.constant(0), at = reader.expr(std::move(offset));
  reader.emit(Op::CbReserve, {0, 1});
  size_t l = repeats > 1 ? reader.loop(5, reader.constant(repeats)) : 0;
  reader.emit(Op::NocReadRuns,
              {0, 0, zero, 4, runs, length, perRow ? perRow : 32 / length, zero, at, zero, 0, 0});
  if (repeats > 1)
    reader.endLoop(l);
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, 1});
  return reader;
}
} // namespace

TEST(ReadRuns, RunsFillTheDecodersChunks) {
  // Eight times the tile's rows in reverse, 32 requests each: 256 records, more than a chunk of
  // the run-ahead decoder holds, so that an instruction's records never straddle two chunks.
  std::vector<int64_t> reversed = {tag(T::Const), 31, tag(T::Var), 4, tag(T::Const), -1,
                                   tag(T::Mul), 0, tag(T::Add), 0, tag(T::Const), 32,
                                   tag(T::Mul), 0};
  int64_t noc;
  std::vector<float> out = runTable(tableSpec(runsReader(32, 32, reversed, 8)), noc);
  ASSERT_EQ(out.size(), size_t(32 * 32));
  for (int r = 0; r < 32; ++r)
    for (int c = 0; c < 32; ++c)
      ASSERT_EQ(out[size_t(r * 32 + c)], float((31 - r) * 32 + c)) << "row " << r << " col " << c;
  EXPECT_EQ(noc, 8 * 32 * 2 + 1);
}

TEST(ReadRuns, AChunkGrowsForAnInstructionOfMoreRequests) {
  // The tile's 1024 values in reverse, one by one: 1024 requests of one instruction in one chunk
  // of the run-ahead decoder, eight times its usual records.
  int64_t noc;
  std::vector<float> out = runTable(
      tableSpec(runsReader(1024, 1, {tag(T::Const), 1023, tag(T::Var), 4, tag(T::Const), -1,
                                     tag(T::Mul), 0, tag(T::Add), 0})),
      noc);
  ASSERT_EQ(out.size(), size_t(32 * 32));
  for (int i = 0; i < 32 * 32; ++i)
    ASSERT_EQ(out[size_t(i)], float(1023 - i)) << i;
  EXPECT_EQ(noc, 1024 * 2 + 1);
}

TEST(ReadRuns, HalfRowsThatFollowEachOtherAreOneRequest) {
  // 64 runs of 16 values, run v at offset 16 v: each tile row's two halves follow each other,
  // and so do the rows, so the tile is one request.
  int64_t noc;
  std::vector<float> out =
      runTable(tableSpec(runsReader(64, 16, {tag(T::Var), 4, tag(T::Const), 16, tag(T::Mul), 0})),
               noc);
  ASSERT_EQ(out.size(), size_t(32 * 32));
  for (int i = 0; i < 32 * 32; ++i)
    ASSERT_EQ(out[size_t(i)], float(i)) << i;
  EXPECT_EQ(noc, 64 + 1 + 1); // a cycle per run walked, the request's, the barrier's
}

TEST(ReadRuns, RunsThatLeaveARowsEndAreNotJoined) {
  // 64 runs of 4 values, two a row (the slot's first 8 columns), from offset 4 v: contiguous in
  // the table, but not in the slot past a row's 8 values: a request per row.
  int64_t noc;
  std::vector<float> out = runTable(
      tableSpec(runsReader(64, 4, {tag(T::Var), 4, tag(T::Const), 4, tag(T::Mul), 0}, 1, 2)),
      noc);
  ASSERT_EQ(out.size(), size_t(32 * 32));
  for (int r = 0; r < 32; ++r)
    for (int c = 0; c < 32; ++c)
      ASSERT_EQ(out[size_t(r * 32 + c)], c < 8 ? float(8 * r + c) : 0.0f)
          << "row " << r << " col " << c;
  EXPECT_EQ(noc, 64 + 32 + 1);
}

TEST(ReadRuns, AFaultIsMetAtItsRun) {
  // 64 runs of 16 values, two a row, from offset 16 v + (v floordiv d) mod 1 with divisor
  // d = 1 - v floordiv 32 + v floordiv 33: 16 v, but run 32, and only it, divides by 0. The
  // decoder extrapolates the first 16 rows, where both quotients hold, and must evaluate the
  // next to meet the fault.
  std::vector<int64_t> offset = {
      tag(T::Var),   4,  tag(T::Const),    16, tag(T::Mul),      0, tag(T::Var),   4,
      tag(T::Const), 1,  tag(T::Var),      4,  tag(T::Const),    32, tag(T::FloorDiv), 0,
      tag(T::Const), -1, tag(T::Mul),      0,  tag(T::Add),      0, tag(T::Var),   4,
      tag(T::Const), 33, tag(T::FloorDiv), 0,  tag(T::Add),      0, tag(T::FloorDiv), 0,
      tag(T::Const), 1,  tag(T::Mod),      0,  tag(T::Add),      0};
  std::string error;
  RunResult result;
  EXPECT_FALSE(runSpec(tableSpec(runsReader(64, 16, offset)), tableAndIds(), SimOptions(), result,
                       error));
  EXPECT_NE(error.find("divides by 0"), std::string::npos) << error;
}

TEST(ReadRuns, ARequestWhoseValuesDoNotFitOneWordKeepsThemWhole) {
  // The decoder packs a request's slot, offsets and count into one word where they fit (16
  // bits for the slot); slot 70,000 does not, and the error must name it, not what is left of it
  // in 16 bits.
  KernelSpec reader(ttb::ThreadKind::Reader);
  int32_t zero = reader.constant(0), slot = reader.constant(70000);
  reader.emit(Op::CbReserve, {0, 1});
  reader.emit(Op::NocReadRuns, {0, 0, slot, 4, 32, 32, 1, zero, zero, zero, 0, 0});
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, 1});
  std::string error;
  RunResult result;
  EXPECT_FALSE(runSpec(tableSpec(reader), tableAndIds(), SimOptions(), result, error));
  EXPECT_NE(error.find("NOC_READ_RUNS into slot 70000 of cb 0"), std::string::npos) << error;
}

TEST(ReadRuns, VerifierRejectsRunsBeyondATile) {
  EXPECT_NE(loadError(readRunsSpec(0)).find("NOC_READ_RUNS of 0 runs of 32 values, 1 a row"),
            std::string::npos);
  EXPECT_NE(loadError(readRunsSpec(33)).find(
                "NOC_READ_RUNS of 33 runs of 32 values, 1 a row: 1 to 1024 runs of at least one "
                "value, a row's runs within its 32 values"),
            std::string::npos);
}

TEST(ReadRuns, VerifierRejectsBlockFloatSlots) {
  std::string error = loadError(readRunsSpec(32, ttb::DataFormat::Bfp8_b));
  EXPECT_NE(error.find("NOC_READ_RUNS cannot split tiles of block-float cb 0"), std::string::npos)
      << error;
}

namespace {
/// Cycles for the first row of cores to read, row by row, each the tile of an L1 tensor that
/// the core after it holds (interleaved: tile t on core t mod 64): over NoC 0 every response
/// goes round the torus's row and the row's links carry all of them; over NoC 1 each crosses
/// one link of its own.
int64_t neighbourRowsCycles(bool nearer) {
  constexpr uint64_t kTensorL1 = 1000000;
  ChipDesc chip = testChip();
  BinarySpec spec;
  std::vector<int64_t> shape = {32, 32 * 9};
  spec.buffers = {{"x", shape, ttb::DataFormat::BFloat16, 0},
                  {"t", shape, ttb::DataFormat::BFloat16, kTensorL1, ttb::MemorySpace::L1}};
  spec.inputs = {0};
  DispatchSpec fill = copySpec(shape, ttb::DataFormat::BFloat16, 7, 7).dispatches[0];
  fill.buffers = {0, 1};
  DispatchSpec d;
  d.name = "read";
  d.x1 = 7;
  d.buffers = {1};
  d.cbs = {{0, ttb::DataFormat::BFloat16, 1, uint32_t(chip.l1ReservedBytes)}};
  KernelSpec reader(ttb::ThreadKind::Reader);
  int32_t zero = reader.constant(0);
  int32_t next = reader.expr({tag(T::Var), VarCoreIndex, tag(T::Const), 1, tag(T::Add), 0});
  // Rows in reverse, so that each is a request of its own.
  int32_t offset = reader.expr({tag(T::Const), 31, tag(T::Var), 4, tag(T::Const), -1,
                                tag(T::Mul), 0, tag(T::Add), 0, tag(T::Const), 32,
                                tag(T::Mul), 0});
  reader.emit(Op::CbReserve, {0, 1});
  reader.emit(Op::NocReadRuns, {0, 0, zero, 4, 32, 32, 1, next, offset, zero, 0, nearer ? 1 : 0});
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, 1});
  d.kernels = {reader};
  spec.dispatches = {fill, d};
  LoadedBinary bin;
  std::string error;
  RunResult r;
  HostTensor x{"x", shape, std::vector<float>(size_t(numElements(shape)), 1.0f)};
  EXPECT_TRUE(loadBinaryFromBytes(buildBinary(spec), chip, bin, error)) << error;
  EXPECT_TRUE(runBinary(bin, {x}, SimOptions(), r, error)) << error;
  return r.perf.dispatches.empty() ? 0 : r.perf.dispatches.back().cycles;
}
} // namespace

TEST(ReadRuns, NearerTakesTheShorterRoute) {
  // Each core's 32 responses of 64 B are 64 flits: over NoC 1, 64 cycles on a link of their own
  // behind 64 cycles of issue; over NoC 0 the eight cores' 512 flits share the row's links.
  int64_t far = neighbourRowsCycles(false), near = neighbourRowsCycles(true);
  EXPECT_GE(far, 8 * 64) << far;
  EXPECT_LT(near, far / 2) << near << " " << far;
}
