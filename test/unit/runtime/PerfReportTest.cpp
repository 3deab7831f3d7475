//===- PerfReportTest.cpp - Roofline, per-node view and host ops ----------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
/// The perf report of a run of `spec` on `inputs` (failing the test where it does not run).
PerfReport perfOf(const BinarySpec &spec, const std::vector<HostTensor> &inputs) {
  std::string error;
  RunResult r;
  EXPECT_TRUE(runSpec(spec, inputs, SimOptions(), r, error)) << error;
  return r.perf;
}
HostTensor zeros(std::vector<int64_t> shape) {
  return {"t", shape, std::vector<float>(size_t(numElements(shape)), 0.0f)};
}
/// A 64 x 256 by 256 x 64 bf16 matmul at HiFi4 into f32, on zeros.
PerfReport runMatmul() {
  return perfOf(
      matmulSpec(64, 256, 64, DataFormat::BFloat16, DataFormat::Float32, ttb::MathFidelity::HiFi4),
      {zeros({64, 256}), zeros({256, 64})});
}
} // namespace

TEST(PerfReport, MatmulRooflineFromMacsAndDramBytes) {
  ChipDesc chip = testChip();
  PerfReport p = runMatmul();
  const DispatchPerf &d = p.dispatches[0];
  EXPECT_EQ(d.flops, 2.0 * 64 * 256 * 64);
  EXPECT_DOUBLE_EQ(d.computeBoundCycles, double(idealMatmulCycles(d.macs, chip, 4)));
  EXPECT_DOUBLE_EQ(d.dramBoundCycles, double(d.dramBytesRead + d.dramBytesWritten) /
                                          (chip.dramPeakBytesPerCycle() * chip.dramChannels));
  EXPECT_DOUBLE_EQ(d.rooflineCycles, std::max(d.computeBoundCycles, d.dramBoundCycles));
  EXPECT_GT(d.achievedFraction, 0.0);
  EXPECT_LE(d.achievedFraction, 1.0);
  std::string json = perfToJson(p);
  for (const char *field : {"\"roofline_cycles\"", "\"achieved_fraction\"", "\"roofline_bound\"",
                            "\"nodes\"", "\"host_ops\": [", "\"host_time_us\": 0",
                            "\"fpu_utilization\"", "\"l1_peak_bytes\"", "\"noc_bytes\"",
                            "\"dram_peak_bytes\""})
    EXPECT_NE(json.find(field), std::string::npos) << field;
  // Inputs and output live at once in their own places: at least the bytes they hold.
  EXPECT_GE(p.dramPeakBytes, p.compulsoryDramBytes);
  EXPECT_GT(p.compulsoryDramBytes, 0);
  EXPECT_NE(perfToTable(p).find("host ops: 0"), std::string::npos);
}

TEST(PerfReport, EltwiseComputeTimeComesFromExecutedTileOps) {
  ChipDesc chip = testChip();
  PerfReport p = perfOf(copySpec({64, 64}, DataFormat::BFloat16), {zeros({64, 64})});
  const DispatchPerf &d = p.dispatches[0];
  // Four COPY tiles at the FPU's peak (1024 / 128 cycles each) over the grid.
  EXPECT_EQ(d.flops, 4.0 * kTileElems);
  EXPECT_EQ(d.idealComputeCycles, 4 * kTileElems / chip.fpuAddFlopsPerCycle);
  EXPECT_DOUBLE_EQ(d.computeBoundCycles,
                   double(d.idealComputeCycles) / (chip.gridX * chip.gridY));
  EXPECT_STREQ(d.bound(), "dram");
}

TEST(PerfReport, FillAndDrainFrameTheMatmuls) {
  ChipDesc chip = testChip();
  PerfReport p = runMatmul();
  const DispatchPerf &d = p.dispatches[0];
  // The first operands come from DRAM; the last product's result is packed and written back.
  EXPECT_GE(d.fillCycles, chip.dramLatencyCycles);
  EXPECT_GE(d.drainCycles, chip.dramLatencyCycles / 2);
  EXPECT_LT(d.fillCycles + d.drainCycles, d.cycles);
  EXPECT_EQ(p.fillCycles, d.fillCycles);
  EXPECT_EQ(p.drainCycles, d.drainCycles);
  std::string json = perfToJson(p);
  EXPECT_NE(json.find("\"fill_cycles\": " + std::to_string(d.fillCycles)), std::string::npos);
  EXPECT_NE(json.find("\"drain_cycles\": " + std::to_string(d.drainCycles)), std::string::npos);
  EXPECT_NE(perfToTable(p).find("before their first tile product"), std::string::npos);
  // A dispatch without matmuls has neither, and the table says nothing of them.
  PerfReport copy = perfOf(copySpec({64, 64}, DataFormat::BFloat16), {zeros({64, 64})});
  EXPECT_EQ(copy.dispatches[0].fillCycles, 0);
  EXPECT_EQ(copy.dispatches[0].drainCycles, 0);
  EXPECT_EQ(perfToTable(copy).find("before their first tile product"), std::string::npos);
}

TEST(PerfReport, NodesSumTheirDispatches) {
  BinarySpec spec = copySpec({64, 64}, DataFormat::BFloat16);
  spec.dispatches.push_back(spec.dispatches[0]);
  spec.dispatches[1].location = "other";
  spec.dispatches.push_back(spec.dispatches[0]);
  PerfReport p = perfOf(spec, {zeros({64, 64})});
  ASSERT_EQ(p.nodes.size(), 2u);
  EXPECT_EQ(p.nodes[0].location, "node");
  EXPECT_EQ(p.nodes[0].dispatches, 2);
  EXPECT_EQ(p.nodes[0].cycles, p.dispatches[0].launchCycles + p.dispatches[0].cycles +
                                   p.dispatches[2].launchCycles + p.dispatches[2].cycles);
  EXPECT_EQ(p.dispatches[1].startCycle,
            p.dispatches[0].cycles + p.dispatches[0].launchCycles + p.dispatches[1].launchCycles);
  EXPECT_EQ(p.nodes[1].location, "other");
}
