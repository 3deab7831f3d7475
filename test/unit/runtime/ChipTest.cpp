//===- ChipTest.cpp - Chip descriptor loading -----------------------------===//
#include "tessel/runtime/Chip.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace tessel::rt;

namespace {
std::string defaultChipText() {
  std::ifstream in(chipsDirectory() + "/wormhole_b0.chip");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string writeTemp(const std::string &name, const std::string &text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}
} // namespace

TEST(Chip, LoadsDefaultByName) {
  ChipDesc chip;
  std::string error;
  ASSERT_TRUE(loadChip("wormhole_b0", chip, error)) << error;
  EXPECT_EQ(chip.name, "wormhole_b0");
  EXPECT_EQ(chip.gridX, 8);
  EXPECT_EQ(chip.gridY, 8);
  EXPECT_EQ(chip.l1Bytes, 1499136);
  EXPECT_EQ(chip.dramChannels, 12);
  EXPECT_EQ(chip.dramChannelBytesPerCycle, 24);
  EXPECT_EQ(chip.matmulMacsPerCycle, 2048);
  EXPECT_EQ(chip.dstTilesF32, 8);
  EXPECT_EQ(chip.packBytesPerCycle, 64);
  EXPECT_EQ(chip.launchCycles, 4000);
}

TEST(Chip, LoadsByPath) {
  ChipDesc chip;
  std::string error;
  std::string path = writeTemp("copy.chip", defaultChipText());
  ASSERT_TRUE(loadChip(path, chip, error)) << error;
  EXPECT_EQ(chip.gridX, 8);
}

TEST(Chip, UnknownNameNamesTheFile) {
  ChipDesc chip;
  std::string error;
  EXPECT_FALSE(loadChip("no_such_chip", chip, error));
  EXPECT_NE(error.find("no_such_chip.chip"), std::string::npos) << error;
}

TEST(Chip, MissingKeyIsNamed) {
  std::string text = defaultChipText();
  size_t at = text.find("sfpu_lanes");
  text.erase(at, text.find('\n', at) - at);
  std::string path = writeTemp("missing.chip", text);
  ChipDesc chip;
  std::string error;
  EXPECT_FALSE(loadChip(path, chip, error));
  EXPECT_NE(error.find("missing key 'sfpu_lanes'"), std::string::npos) << error;
  EXPECT_NE(error.find(path), std::string::npos) << error;
}

TEST(Chip, UnknownKeyAndBadValue) {
  ChipDesc chip;
  std::string error;
  std::string path = writeTemp("unknown.chip", defaultChipText() + "warp_drive = 1\n");
  EXPECT_FALSE(loadChip(path, chip, error));
  EXPECT_NE(error.find("unknown key 'warp_drive'"), std::string::npos) << error;
  std::string text = defaultChipText();
  text.replace(text.find("grid_x = 8"), 10, "grid_x = eight");
  path = writeTemp("bad.chip", text);
  EXPECT_FALSE(loadChip(path, chip, error));
  EXPECT_NE(error.find("'grid_x'"), std::string::npos) << error;
}

TEST(Chip, EnvironmentOverridesDirectory) {
  std::string dir = ::testing::TempDir();
  writeTemp("envchip.chip", defaultChipText());
  const char *old = std::getenv("TESSEL_CHIPS_DIR");
  std::string saved = old ? old : "";
  setenv("TESSEL_CHIPS_DIR", dir.c_str(), 1);
  ChipDesc chip;
  std::string error;
  EXPECT_TRUE(loadChip("envchip", chip, error)) << error;
  if (old)
    setenv("TESSEL_CHIPS_DIR", saved.c_str(), 1);
  else
    unsetenv("TESSEL_CHIPS_DIR");
}

TEST(Chip, GrayskullAndBlackholeCarryTheirFigures) {
  ChipDesc gs, bh;
  std::string error;
  ASSERT_TRUE(loadChip("grayskull_e150", gs, error)) << error;
  EXPECT_EQ(gs.gridX * gs.gridY, 108);
  EXPECT_EQ(gs.l1Bytes, 1 << 20);
  EXPECT_EQ(gs.clockMhz, 1200);
  EXPECT_EQ(gs.dramChannels, 8);
  // 118 GB/s in all: the MB/s key keeps the fraction a byte count would drop.
  EXPECT_EQ(gs.dramChannelMbps * gs.dramChannels, 118000);
  EXPECT_NEAR(gs.dramPeakBytesPerCycle(), 118.0 / 8 / 1.2, 1e-9);

  ASSERT_TRUE(loadChip("blackhole_p150", bh, error)) << error;
  EXPECT_EQ(bh.gridX * bh.gridY, 110);
  EXPECT_EQ(bh.l1Bytes, 1499136);
  EXPECT_EQ(bh.clockMhz, 1350);
  EXPECT_EQ(bh.dramChannels, 8);
  EXPECT_EQ(bh.dramChannelMbps * bh.dramChannels, 512000);
  EXPECT_EQ(bh.nocFlitBytes, 64);
}

TEST(Chip, OptionalKeysDefaultFromTheRequiredOnes) {
  ChipDesc wh;
  std::string error;
  ASSERT_TRUE(loadChip("wormhole_b0", wh, error)) << error;
  EXPECT_EQ(wh.dramChannelMbps, 24000);
  EXPECT_EQ(wh.dramPeakBytesPerCycle(), 24.0);
  EXPECT_EQ(wh.dramEfficiencyPercent, 92);
  std::string path = writeTemp("eff.chip", defaultChipText() + "dram_efficiency_percent = 101\n");
  EXPECT_FALSE(loadChip(path, wh, error));
  EXPECT_NE(error.find("dram_efficiency_percent"), std::string::npos) << error;
}

// The compiler records a descriptor's figures in IR and rebuilds the descriptor from them.
TEST(Chip, FiguresRebuildTheDescriptor) {
  ChipDesc chip, rebuilt;
  std::string error;
  ASSERT_TRUE(loadChip("wormhole_b0", chip, error)) << error;
  ASSERT_TRUE(chipFromFigures(chip.name, chipFigures(chip), "test", rebuilt, error)) << error;
  EXPECT_EQ(rebuilt.name, chip.name);
  EXPECT_EQ(rebuilt.gridX, chip.gridX);
  EXPECT_EQ(rebuilt.l1ReservedBytes, chip.l1ReservedBytes);
  EXPECT_EQ(rebuilt.dramChannelMbps, chip.dramChannelMbps);
  EXPECT_EQ(rebuilt.dramEfficiencyPercent, chip.dramEfficiencyPercent);
  EXPECT_EQ(rebuilt.unpackBytesPerCycle, chip.unpackBytesPerCycle);

  std::vector<ChipFigure> missing = chipFigures(chip);
  missing.erase(missing.begin());
  EXPECT_FALSE(chipFromFigures(chip.name, missing, "test", rebuilt, error));
  EXPECT_NE(error.find("test: missing key 'grid_x'"), std::string::npos) << error;
}
