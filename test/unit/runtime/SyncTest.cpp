//===- SyncTest.cpp - Blocking, deadlocks, semaphores and multicast -------===//
#include "FloatBits.h"
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"
#include "tessel/runtime/Trace.h"

#include <gtest/gtest.h>

using namespace tessel::rt;
using namespace tessel::rt::test;
using tessel::ttb::ThreadKind;

namespace {
bool run(const BinarySpec &spec, const std::vector<HostTensor> &inputs,
         RunResult &result, std::string &error) {
  return runSpec(spec, inputs, SimOptions(), result, error);
}

HostTensor ones(std::vector<int64_t> shape) {
  return {"x", shape, std::vector<float>(size_t(numElements(shape)), 1.0f)};
}
} // namespace

TEST(Sync, DeadlockListsEveryWaitingThread) {
  BinarySpec spec = copySpec({64, 32}, DataFormat::BFloat16);
  // The reader never produces: compute waits on cb 0, the writer on cb 16.
  spec.dispatches[0].kernels[0].code.clear();
  RunResult r;
  std::string error;
  EXPECT_FALSE(run(spec, {ones({64, 32})}, r, error));
  EXPECT_NE(error.find("deadlock in dispatch 'copy'"), std::string::npos) << error;
  EXPECT_NE(error.find("core (0,0) compute pc 4 CB_WAIT waits for 1 tiles in cb 0 (0 published)"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("core (0,0) writer pc 4 CB_WAIT waits for 1 tiles in cb 16"),
            std::string::npos)
      << error;
  EXPECT_EQ(error.find("reader"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(Sync, RunawayLoopHitsTheBudget) {
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
  KernelSpec &reader = spec.dispatches[0].kernels[0];
  size_t l = reader.loop(5, reader.expr({0, 1 << 20, 0, 1 << 20, 3, 0})); // 2^40 trips
  reader.endLoop(l);
  LoadedBinary bin;
  std::string error;
  ASSERT_TRUE(loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error)) << error;
  SimOptions options;
  options.instructionBudget = 100000;
  RunResult r;
  EXPECT_FALSE(runBinary(bin, {ones({32, 32})}, options, r, error));
  EXPECT_NE(error.find("exceeded the budget"), std::string::npos) << error;
}

TEST(Sync, SmallCircularBufferBlocksTheProducer) {
  std::vector<int64_t> shape = {32, 32 * 24};
  // The cycles the reader waits to reserve a slot of its CB.
  auto readerWaits = [&](uint32_t slots, RunResult &r) {
    std::string error;
    SimOptions options;
    options.trace = true;
    EXPECT_TRUE(runSpec(copySpec(shape, DataFormat::BFloat16, 0, 0, slots), {ones(shape)},
                        options, r, error))
        << error;
    int64_t waits = 0;
    for (const TraceEvent &e : r.trace.events)
      if (e.pid == 1 && e.tid == 0 && e.name == "wait CB_RESERVE")
        waits += e.duration;
    return waits;
  };
  RunResult one, four;
  int64_t oneWaits = readerWaits(1, one), fourWaits = readerWaits(4, four);
  EXPECT_EQ(one.outputs[0].data, four.outputs[0].data);
  // With one slot the reader waits for the compute thread to take each of the 24 tiles (a COPY
  // at least); with four it runs ahead.
  EXPECT_GT(oneWaits, 24 * 16);
  EXPECT_LT(4 * fourWaits, oneWaits);
}

TEST(Sync, PopWithoutTilesIsARuntimeError) {
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
  KernelSpec &writer = spec.dispatches[0].kernels[2];
  writer.emit(Op::CbPop, {16, 1});
  RunResult r;
  std::string error;
  EXPECT_FALSE(run(spec, {ones({32, 32})}, r, error));
  EXPECT_NE(error.find("CB_POP of 1 tiles on cb 16 with only 0 published"), std::string::npos)
      << error;
}

namespace {
// Core 0 reads one tile into its cb 0 and, once every core has reserved a
// slot there (semaphore 0 on core 0), multicasts it from its reserved slot into
// the cb 0 of the other cores before publishing it; semaphore 1 then lets the
// receivers' readers publish it. Each core copies the tile to output tile `core`.
// The multicast is a NOC_MCAST, or with `noc` >= 0 a NOC_MCAST_ON over that NoC. With
// `fillFirstRow`, a NOC_READ_SPAN fills the slot's first row with -7 before the multicast: what
// the cores receive is the slot as it then is, not the tile read into it.
constexpr int kMcastCores = 4;
constexpr float kRowFill = -7.0f;
bool runMulticast(int noc, RunResult &r, std::string &error, bool fillFirstRow = false) {
  const int n = kMcastCores;
  BinarySpec spec = copySpec({32, 32 * n}, DataFormat::BFloat16, n - 1, 0);
  spec.buffers[0].shape = {32, 32};
  spec.dispatches[0].semaphores = 2;
  KernelSpec reader(ThreadKind::Reader);
  int32_t zero = reader.constant(0), one = reader.constant(1), last = reader.constant(n - 1),
          count = reader.constant(n);
  // 1 on core 0, 0 elsewhere: (n - 1 - x) floordiv (n - 1).
  std::vector<int64_t> sender = {0, n - 1, 1, VarCoreX, 0, -1, 3, 0, 2, 0, 0, n - 1, 4, 0};
  int32_t isSender = reader.expr(sender);
  reader.emit(Op::CbReserve, {0, 1});
  reader.emit(Op::SemInc, {zero, zero, 0, 1});
  size_t l = reader.loop(4, isSender);
  reader.emit(Op::NocRead, {0, zero, 0, zero});
  if (fillFirstRow)
    reader.emit(Op::NocReadSpan, {0, zero, zero, 0, zero, zero, reader.constant(32), one,
                                  int32_t(bitsOf(kRowFill))});
  reader.emit(Op::NocBarrier);
  reader.emit(Op::SemWait, {0, count});
  if (noc < 0)
    reader.emit(Op::NocMcast, {0, zero, one, zero, last, zero, zero});
  else
    reader.emit(Op::NocMcastOn, {0, zero, one, zero, last, zero, zero, reader.constant(noc)});
  reader.emit(Op::NocBarrier);
  size_t inner = reader.loop(5, count);
  reader.emit(Op::SemInc, {reader.var(5), zero, 1, 1});
  reader.endLoop(inner);
  reader.emit(Op::NocBarrier);
  reader.endLoop(l);
  reader.emit(Op::SemWait, {1, one});
  reader.emit(Op::CbPush, {0, 1});
  spec.dispatches[0].kernels[0] = reader;
  // Compute and writer handle exactly one tile per core.
  for (int k = 1; k < 3; ++k)
    spec.dispatches[0].kernels[size_t(k)].exprs[0] = {exprTerm(ExprTag::Const, 1)};

  HostTensor x{"x", {32, 32}, std::vector<float>(1024)};
  for (size_t i = 0; i < x.data.size(); ++i)
    x.data[i] = float(i);
  if (!run(spec, {x}, r, error))
    return false;
  const HostTensor &y = r.outputs[0];
  for (int c = 0; c < n; ++c)
    for (int i = 0; i < 32; ++i)
      for (int j = 0; j < 32; ++j)
        if (y.data[size_t(i * 32 * n + c * 32 + j)] !=
            (fillFirstRow && i == 0
                 ? kRowFill
                 : roundToFormat(x.data[size_t(i * 32 + j)], DataFormat::BFloat16))) {
          error = "core " + std::to_string(c) + " has a wrong value at " + std::to_string(i) +
                  ", " + std::to_string(j);
          return false;
        }
  return true;
}
} // namespace

TEST(Sync, SemaphoresAndMulticast) {
  RunResult r;
  std::string error;
  ASSERT_TRUE(runMulticast(-1, r, error)) << error;
  // One DRAM read; the multicast is counted once on the NoC.
  EXPECT_EQ(r.perf.dispatches[0].dramBytesRead, 2048);
  EXPECT_EQ(r.perf.dispatches[0].nocBytes, 2048 + 2048 * kMcastCores + 2048);
}

// The read fills the slot from memory nothing writes, so the receivers' copies may come from
// there; the span read after it must still reach them.
TEST(Sync, MulticastSendsTheSlotAsWrittenLast) {
  RunResult r;
  std::string error;
  ASSERT_TRUE(runMulticast(-1, r, error, /*fillFirstRow=*/true)) << error;
}

// NOC_MCAST_ON over NoC 1 is NOC_MCAST; over NoC 0 the packet goes +x from core 0, the other way
// round the row, and lands at other times.
TEST(Sync, MulticastOverEitherNoc) {
  RunResult plain, noc1, noc0;
  std::string error;
  ASSERT_TRUE(runMulticast(-1, plain, error)) << error;
  ASSERT_TRUE(runMulticast(1, noc1, error)) << error;
  ASSERT_TRUE(runMulticast(0, noc0, error)) << error;
  EXPECT_EQ(noc1.perf.dispatches[0].cycles, plain.perf.dispatches[0].cycles);
  EXPECT_NE(noc0.perf.dispatches[0].cycles, plain.perf.dispatches[0].cycles);
  EXPECT_EQ(noc0.outputs[0].data, plain.outputs[0].data);
}

TEST(Sync, MulticastOverANocTheChipLacksFails) {
  RunResult r;
  std::string error;
  EXPECT_FALSE(runMulticast(2, r, error));
  EXPECT_NE(error.find("NOC_MCAST_ON over NoC 2: the chip has NoCs 0 and 1"), std::string::npos)
      << error;
}
