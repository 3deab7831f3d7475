//===- ProgramTest.cpp - Dispatches joined into one program ---------------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
/// x -> y -> z: two copies over 4x2 cores, the second `joined` to the first's program, its
/// reader holding `padding` expressions it never reads (configuration to stream).
BinarySpec twoCopies(bool joined, size_t padding = 0) {
  BinarySpec spec = copySpec({64, 256}, ttb::DataFormat::BFloat16, 3, 1);
  spec.buffers.push_back({"z", {64, 256}, ttb::DataFormat::BFloat16, 2 << 20});
  DispatchSpec second = spec.dispatches[0];
  second.name = "copy2";
  second.buffers = {1, 2};
  second.joined = joined;
  for (size_t i = 0; i < padding; ++i)
    second.kernels[0].constant(int64_t(i) + 1000);
  spec.dispatches.push_back(second);
  spec.outputs = {2};
  return spec;
}

bool run(const BinarySpec &spec, const ChipDesc &chip, RunResult &result, std::string &error) {
  LoadedBinary bin;
  if (!loadBinaryFromBytes(buildBinary(spec), chip, bin, error))
    return false;
  HostTensor x{"x", {64, 256}, std::vector<float>(64 * 256)};
  for (size_t i = 0; i < x.data.size(); ++i)
    x.data[i] = float(i % 97) - 48.0f;
  return runBinary(bin, {x}, SimOptions(), result, error);
}

/// Runs `a` and `b` on the test chip; their outputs must agree.
void runBoth(const BinarySpec &a, const BinarySpec &b, RunResult &ra, RunResult &rb) {
  std::string error;
  ASSERT_TRUE(run(a, testChip(), ra, error)) << error;
  ASSERT_TRUE(run(b, testChip(), rb, error)) << error;
  EXPECT_EQ(ra.outputs[0].data, rb.outputs[0].data);
}
} // namespace

TEST(Program, JoinedDispatchStartsAfterABarrierNotALaunch) {
  ChipDesc chip = testChip();
  RunResult separate, joined;
  runBoth(twoCopies(false), twoCopies(true), separate, joined);
  EXPECT_EQ(separate.perf.launches, 2);
  EXPECT_EQ(joined.perf.launches, 1);
  const DispatchPerf &first = joined.perf.dispatches[0], &second = joined.perf.dispatches[1];
  EXPECT_FALSE(first.joined);
  EXPECT_TRUE(second.joined);
  EXPECT_EQ(first.launchCycles, chip.launchCycles);
  // The kernels run as they do after a launch; only the gap before them differs.
  EXPECT_EQ(second.cycles, separate.perf.dispatches[1].cycles);
  EXPECT_EQ(second.startCycle, first.startCycle + first.cycles + second.launchCycles);
  // Eight semaphores to core (0, 0) and the go back: a few NoC crossings of the 8x8 torus, and
  // the second dispatch's configuration at a flit a cycle.
  int64_t config = (kernelConfigSize(*ttb::GetBinary(buildBinary(twoCopies(true)).data())
                                          ->dispatches()
                                          ->Get(1))
                        .bytes() +
                    chip.nocFlitBytes - 1) /
                   chip.nocFlitBytes;
  EXPECT_GT(second.launchCycles, config + 2 * chip.nocHopCycles);
  EXPECT_LT(second.launchCycles,
            config + 2 * (chip.gridX + chip.gridY) * chip.nocHopCycles + 8);
  EXPECT_EQ(joined.perf.cycles,
            separate.perf.cycles - chip.launchCycles + second.launchCycles);
}

TEST(Program, JoinedConfigurationIsStreamedAtAFlitACycle) {
  ChipDesc chip = testChip();
  RunResult small, large;
  std::string error;
  ASSERT_TRUE(run(twoCopies(true), chip, small, error)) << error;
  // 64 more one-term expressions: 256 bytes, 8 flits.
  ASSERT_TRUE(run(twoCopies(true, 64), chip, large, error)) << error;
  EXPECT_EQ(large.perf.dispatches[1].launchCycles - small.perf.dispatches[1].launchCycles,
            64 * 4 / chip.nocFlitBytes);
}

TEST(Program, LoaderRefusesProgramsTheChipCannotHold) {
  ChipDesc chip = testChip();
  LoadedBinary bin;
  std::string error;
  BinarySpec first = twoCopies(false);
  first.dispatches[0].joined = true;
  EXPECT_FALSE(loadBinaryFromBytes(buildBinary(first), chip, bin, error));
  EXPECT_NE(error.find("dispatch 0: joined, but no dispatch comes before it"), std::string::npos)
      << error;

  ChipDesc none = chip;
  none.kernelConfigBytes = 0;
  EXPECT_FALSE(loadBinaryFromBytes(buildBinary(twoCopies(true)), none, bin, error));
  EXPECT_NE(error.find("gives no kernel_config_bytes"), std::string::npos) << error;

  // A binary loads with a buffer of exactly `limit` bytes and is refused, naming `what`, with one
  // byte less.
  ChipDesc small = chip;
  auto expectLimit = [&](const std::vector<uint8_t> &bytes, int64_t limit,
                         const std::string &what) {
    small.kernelConfigBytes = limit;
    EXPECT_TRUE(loadBinaryFromBytes(bytes, small, bin, error)) << error;
    small.kernelConfigBytes = limit - 1;
    EXPECT_FALSE(loadBinaryFromBytes(bytes, small, bin, error));
    EXPECT_NE(error.find(what + " " + std::to_string(limit) +
                         " bytes of kernel configuration; chip 'wormhole_b0' holds " +
                         std::to_string(limit - 1)),
              std::string::npos)
        << error;
  };
  std::vector<uint8_t> bytes = buildBinary(twoCopies(true));
  const ttb::Binary *b = ttb::GetBinary(bytes.data());
  expectLimit(bytes,
              kernelConfigSize(*b->dispatches()->Get(0)).bytes() +
                  kernelConfigSize(*b->dispatches()->Get(1)).bytes(),
              "dispatches 0 to 1: one program of");

  // Nor may one dispatch alone take more than the buffer.
  std::vector<uint8_t> separate = buildBinary(twoCopies(false));
  expectLimit(separate,
              kernelConfigSize(*ttb::GetBinary(separate.data())->dispatches()->Get(0)).bytes(),
              "dispatch 0:");
}

namespace {
/// x -> y, then, joined, a constant w -> z: the second dispatch's reader reads nothing the first
/// writes. With `waitGo` its reader waits for the go after its reads (WAIT_GO), which then run
/// while the barrier's semaphores and go travel.
BinarySpec constantAfterCopy(bool waitGo) {
  BinarySpec spec = twoCopies(true);
  spec.buffers.push_back({"w", {64, 256}, ttb::DataFormat::BFloat16, 3 << 20});
  std::vector<float> w(64 * 256);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = float(i % 13) * 0.25f;
  spec.constants.push_back({3, packTiles(w.data(), {64, 256}, ttb::DataFormat::BFloat16)});
  spec.dispatches[1].buffers = {3, 2};
  if (waitGo)
    spec.dispatches[1].kernels[0].emit(Op::WaitGo);
  return spec;
}
} // namespace

TEST(Program, ReadsOfConstantsBeforeTheGoOverlapTheBarrier) {
  RunResult atGo, early;
  runBoth(constantAfterCopy(false), constantAfterCopy(true), atGo, early);
  const DispatchPerf &barrier = atGo.perf.dispatches[1], &overlapped = early.perf.dispatches[1];
  // The same barrier; the reads that ran during it are off the dispatch's own cycles, by at
  // most the barrier (WAIT_GO takes a cycle).
  EXPECT_EQ(overlapped.launchCycles, barrier.launchCycles);
  EXPECT_LT(overlapped.cycles, barrier.cycles);
  EXPECT_GE(overlapped.cycles + 1, barrier.cycles - barrier.launchCycles);
  EXPECT_EQ(overlapped.startCycle, barrier.startCycle);
}

TEST(Program, OnlyReadsOfConstantsComeBeforeTheGo) {
  // Reading y, which the dispatch before writes.
  BinarySpec reads = constantAfterCopy(true);
  reads.dispatches[1].buffers = {1, 2};
  EXPECT_NE(loadError(reads).find("reader kernel: pc 7: NOC_READ before WAIT_GO reads "),
            std::string::npos)
      << loadError(reads);

  BinarySpec signals = constantAfterCopy(false);
  KernelSpec &reader = signals.dispatches[1].kernels[0];
  int32_t zero = reader.constant(0);
  reader.emit(Op::SemInc, {zero, zero, 0, 1});
  reader.emit(Op::WaitGo);
  signals.dispatches[1].semaphores = 1;
  EXPECT_NE(loadError(signals).find("SEM_INC before WAIT_GO: only reads of constants"),
            std::string::npos)
      << loadError(signals);

  BinarySpec compute = constantAfterCopy(false);
  compute.dispatches[1].kernels[1].emit(Op::WaitGo);
  EXPECT_NE(loadError(compute).find("WAIT_GO on the compute thread"), std::string::npos)
      << loadError(compute);

  BinarySpec twice = constantAfterCopy(true);
  twice.dispatches[1].kernels[0].emit(Op::WaitGo);
  EXPECT_NE(loadError(twice).find("a second WAIT_GO"), std::string::npos) << loadError(twice);

  BinarySpec inLoop = constantAfterCopy(false);
  KernelSpec &looped = inLoop.dispatches[1].kernels[0];
  ASSERT_EQ(looped.code[0], int32_t(Op::Loop));
  looped.code.insert(looped.code.end() - 1, int32_t(Op::WaitGo)); // before the END_LOOP
  ++looped.code[3];                                                 // the LOOP's end

  EXPECT_NE(loadError(inLoop).find("WAIT_GO inside a loop"), std::string::npos)
      << loadError(inLoop);
}
