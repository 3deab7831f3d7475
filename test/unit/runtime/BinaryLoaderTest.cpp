//===- BinaryLoaderTest.cpp - Verification of .ttb binaries ---------------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

using namespace tessel::rt;
using namespace tessel::rt::test;

namespace {
KernelSpec &compute(BinarySpec &spec) { return spec.dispatches[0].kernels[1]; }
} // namespace

TEST(BinaryLoader, AcceptsAWellFormedBinary) {
  LoadedBinary bin;
  std::string error;
  EXPECT_TRUE(loadBinaryFromBytes(buildBinary(copySpec({64, 64}, DataFormat::BFloat16)),
                                  testChip(), bin, error))
      << error;
}

TEST(BinaryLoader, RejectsOtherChipOrSchema) {
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.chip = "grayskull_e150";
  std::string schema = "(schema " + std::to_string(kSchemaVersion) + ")";
  EXPECT_EQ(loadError(spec), "binary was compiled for chip 'grayskull_e150' " + schema +
                                 " but this runtime runs 'wormhole_b0' " + schema);
  spec.chip = "wormhole_b0";
  spec.schemaVersion = kSchemaVersion + 1;
  EXPECT_NE(loadError(spec).find("(schema " + std::to_string(kSchemaVersion + 1) + ")"),
            std::string::npos);
}

TEST(BinaryLoader, BinaryForOneChipDoesNotRunOnAnother) {
  const char *chips[] = {"wormhole_b0", "grayskull_e150", "blackhole_p150"};
  for (const char *built : chips)
    for (const char *runs : chips) {
      ChipDesc chip;
      std::string error;
      ASSERT_TRUE(loadChip(runs, chip, error)) << error;
      BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
      spec.chip = built;
      LoadedBinary bin;
      bool ok = loadBinaryFromBytes(buildBinary(spec), chip, bin, error);
      EXPECT_EQ(ok, std::string(built) == runs) << built << " on " << runs;
      if (!ok) {
        EXPECT_NE(error.find(std::string("'") + built + "'"), std::string::npos) << error;
        EXPECT_NE(error.find(std::string("'") + runs + "'"), std::string::npos) << error;
      }
    }
}

TEST(BinaryLoader, RejectsNonBinaries) {
  LoadedBinary bin;
  std::string error;
  EXPECT_FALSE(loadBinaryFromBytes({1, 2, 3}, testChip(), bin, error));
  EXPECT_NE(error.find("TTB0"), std::string::npos);
  EXPECT_FALSE(loadBinary("/nonexistent/model.ttb", testChip(), bin, error));
  EXPECT_NE(error.find("/nonexistent/model.ttb"), std::string::npos);
}

TEST(BinaryLoader, RejectsOutOfRangeOperands) {
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).emit(Op::CbWait, {5, 1});
  EXPECT_NE(loadError(spec).find("cb 5 is not a circular buffer"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).emit(Op::Copy, {0, 99, 0});
  EXPECT_NE(loadError(spec).find("expr 99 out of range"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.dispatches[0].kernels[0].emit(Op::NocRead, {7, 0, 0, 0});
  EXPECT_NE(loadError(spec).find("buffer 7 out of range"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).emit(Op::Unary, {kNumUnaryOps, 0, 0});
  EXPECT_NE(loadError(spec).find("unknown unary op " + std::to_string(kNumUnaryOps)),
            std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).emit(Op::SemWait, {0, 0});
  EXPECT_NE(loadError(spec).find("semaphore 0 out of range"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).code.push_back(99);
  EXPECT_NE(loadError(spec).find("unknown opcode 99"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).code.push_back(int32_t(Op::Matmul));
  EXPECT_NE(loadError(spec).find("truncated"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).expr({1, 50});
  EXPECT_NE(loadError(spec).find("variable 50 out of range"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).expr({0, 1, 2, 0});
  EXPECT_NE(loadError(spec).find("underflow"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).emit(Op::CbWait, {0, 3});
  EXPECT_NE(loadError(spec).find("exceeds the cb's 2 tiles"), std::string::npos);
}

TEST(BinaryLoader, RejectsBadLoops) {
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).code[3] += 1; // end_pc of the first LOOP
  EXPECT_NE(loadError(spec).find("end_pc"), std::string::npos);
  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).emit(Op::EndLoop);
  EXPECT_NE(loadError(spec).find("END_LOOP without LOOP"), std::string::npos);
  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).loop(4, 0);
  EXPECT_NE(loadError(spec).find("end_pc"), std::string::npos);
  spec = copySpec({32, 32}, DataFormat::BFloat16);
  compute(spec).code[1] = 2; // loop over a core variable
  EXPECT_NE(loadError(spec).find("loop variable 2"), std::string::npos);
}

TEST(BinaryLoader, RejectsBadPlacement) {
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16, 8, 0);
  EXPECT_NE(loadError(spec).find("not inside the 8x8 grid"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.dispatches[0].cbs[0].l1Address = 1000;
  EXPECT_NE(loadError(spec).find("L1 range"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.dispatches[0].cbs[1].l1Address = 1499136 - 2048;
  spec.dispatches[0].cbs[1].numTiles = 2;
  EXPECT_NE(loadError(spec).find("L1 range"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.dispatches[0].cbs[1].l1Address = spec.dispatches[0].cbs[0].l1Address + 2048;
  EXPECT_NE(loadError(spec).find("overlap"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.dispatches[0].cbs[1].id = 0;
  EXPECT_NE(loadError(spec).find("defined twice"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.buffers[1].address = (1ull << 30) - 1024;
  EXPECT_NE(loadError(spec).find("exceeds the DRAM channel size"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.dispatches[0].cbs[0].format = DataFormat::Float32;
  EXPECT_NE(loadError(spec).find("is bf16 but cb 0 is f32"), std::string::npos);

  spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.constants.push_back({1, std::vector<uint8_t>(100)});
  EXPECT_NE(loadError(spec).find("expected 2048"), std::string::npos);
}

// Every prefix of a binary and every single-byte corruption must give a clean
// error or a binary that runs (or fails) cleanly, never a crash.
TEST(BinaryLoader, SurvivesTruncationAndBitFlips) {
  std::vector<uint8_t> good = buildBinary(copySpec({40, 40}, DataFormat::BFloat16, 1, 0));
  ChipDesc chip = testChip();
  for (size_t n = 0; n < good.size(); n += 3) {
    LoadedBinary bin;
    std::string error;
    std::vector<uint8_t> cut(good.begin(), good.begin() + long(n));
    EXPECT_FALSE(loadBinaryFromBytes(cut, chip, bin, error)) << n << " of " << good.size();
  }
  HostTensor input{"x", {40, 40}, std::vector<float>(1600, 1.0f)};
  SimOptions options;
  options.instructionBudget = 20000;
  options.maxHostBytes = 64 << 20;
  int loaded = 0;
  for (size_t i = 0; i < good.size(); ++i)
    for (uint8_t mask : {0x01, 0x10, 0x80}) {
      std::vector<uint8_t> bad = good;
      bad[i] ^= mask;
      LoadedBinary bin;
      std::string error;
      if (!loadBinaryFromBytes(bad, chip, bin, error)) {
        EXPECT_FALSE(error.empty());
        continue;
      }
      ++loaded;
      RunResult result;
      runBinary(bin, {input}, options, result, error);
    }
  EXPECT_GT(loaded, 0);
}

TEST(BinaryLoader, RejectsMalformedExactRanges) {
  for (std::vector<int64_t> range : {std::vector<int64_t>{1}, {3, 2}, {0, 1, 2}}) {
    BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
    spec.buffers[spec.inputs[0]].exactRange = range;
    EXPECT_NE(loadError(spec).find("an exact range is two values, low then high, of an input"),
              std::string::npos);
  }
  BinarySpec spec = copySpec({32, 32}, DataFormat::BFloat16);
  spec.buffers[spec.outputs[0]].exactRange = {0, 1};
  EXPECT_NE(loadError(spec).find("output 0: an exact range"), std::string::npos);
}
