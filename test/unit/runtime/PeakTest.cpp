//===- PeakTest.cpp - The simulated wormhole_b0 meets its published figures ===//
#include "TestBinaries.h"

#include "tessel/runtime/Peak.h"

#include <gtest/gtest.h>

using namespace tessel::rt;

TEST(Peak, WormholeWithinTenPercentOfPublished) {
  ChipDesc chip = test::testChip();
  std::vector<PeakFigure> figures;
  std::string error;
  ASSERT_TRUE(measurePeaks(chip, figures, error)) << error;
  ASSERT_GE(figures.size(), 13u);
  int published = 0;
  for (const PeakFigure &f : figures) {
    EXPECT_NEAR(f.measured, f.reference, 0.1 * f.reference) << f.name << " (" << f.unit << ")";
    published += f.published;
  }
  // Single-core, 12-reader and 64-reader DRAM reads compare with silicon.
  EXPECT_EQ(published, 3);
}

TEST(Peak, OtherChipsRunEveryBenchmark) {
  for (const char *name : {"grayskull_e150", "blackhole_p150"}) {
    ChipDesc chip;
    std::string error;
    ASSERT_TRUE(loadChip(name, chip, error)) << error;
    std::vector<PeakFigure> figures;
    ASSERT_TRUE(measurePeaks(chip, figures, error)) << name << ": " << error;
    for (const PeakFigure &f : figures)
      EXPECT_GT(f.measured, 0) << name << ": " << f.name;
  }
}
