// analyzeTileDependence on accesses the pipeline does not produce yet: stores that several units
// share, reads past what is written, broadcasts and reduction steps.
#include "tessel/Transforms/TileLoopFusion.h"

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace tessel;

namespace {

class TileDependenceTest : public ::testing::Test {
protected:
  MLIRContext ctx;
  AffineExpr core = getAffineDimExpr(0, &ctx), iv = getAffineDimExpr(1, &ctx),
             step = getAffineDimExpr(2, &ctx);
  /// 64 cores with two units each: unit = core * 2 + iv.
  AffineExpr unit = core * 2 + iv;
  TileAccess streaming(AffineExpr tile) { return TileAccess{tile, {64, 2, 1}}; }
};

TEST_F(TileDependenceTest, UnitsThatAreTheirTilesGiveEachTileOnce) {
  FailureOr<TileDependence> dep =
      analyzeTileDependence(streaming(unit), 128, {streaming(unit)});
  ASSERT_TRUE(succeeded(dep));
  EXPECT_TRUE(dep->covered);
  EXPECT_TRUE(dep->singleWriter);
  EXPECT_TRUE(dep->readOnce);
  EXPECT_EQ(dep->reads, 128);
}

TEST_F(TileDependenceTest, ABroadcastReadsTilesSeveralTimes) {
  // A row of 8 tiles read by each of 16 rows of tiles.
  FailureOr<TileDependence> dep =
      analyzeTileDependence(TileAccess{unit, {4, 2, 1}}, 8, {streaming(unit % 8)});
  ASSERT_TRUE(succeeded(dep));
  EXPECT_TRUE(dep->covered);
  EXPECT_TRUE(dep->singleWriter);
  EXPECT_FALSE(dep->readOnce);
  EXPECT_EQ(dep->reads, 128);
}

TEST_F(TileDependenceTest, AReadPastTheWrittenTilesIsNotCovered) {
  FailureOr<TileDependence> dep =
      analyzeTileDependence(streaming(unit), 128, {streaming(unit + 1)});
  ASSERT_TRUE(succeeded(dep));
  EXPECT_FALSE(dep->covered);
}

TEST_F(TileDependenceTest, TwoUnitsWritingOneTileAreNotASingleWriter) {
  FailureOr<TileDependence> dep =
      analyzeTileDependence(streaming(unit.floorDiv(2)), 64, {streaming(unit.floorDiv(2))});
  ASSERT_TRUE(succeeded(dep));
  EXPECT_TRUE(dep->covered);
  EXPECT_FALSE(dep->singleWriter);
}

TEST_F(TileDependenceTest, TwoReadsOfOneTileAreNotReadOnce) {
  // Each read alone takes every tile once; together they take each twice (a softmax's passes).
  FailureOr<TileDependence> dep =
      analyzeTileDependence(streaming(unit), 128, {streaming(unit), streaming(127 - unit)});
  ASSERT_TRUE(succeeded(dep));
  EXPECT_TRUE(dep->covered);
  EXPECT_FALSE(dep->readOnce);
  EXPECT_EQ(dep->reads, 256);
}

TEST_F(TileDependenceTest, AReductionsStepsReadARowOfTilesEach) {
  // 8 cores, one unit each, 16 steps: unit u sums the row of tiles u * 16 .. u * 16 + 15.
  FailureOr<TileDependence> dep = analyzeTileDependence(
      streaming(unit), 128, {TileAccess{core * 16 + step, {8, 1, 16}}});
  ASSERT_TRUE(succeeded(dep));
  EXPECT_TRUE(dep->covered);
  EXPECT_TRUE(dep->readOnce);
  EXPECT_EQ(dep->reads, 128);
}

TEST_F(TileDependenceTest, MixedModuloAndDivisionMapsAreExact) {
  // A transpose's mirrored tile of an 8 x 16 tile grid: every tile once.
  AffineExpr mirrored = (unit % 8) * 16 + unit.floorDiv(8);
  FailureOr<TileDependence> dep =
      analyzeTileDependence(streaming(unit), 128, {streaming(mirrored)});
  ASSERT_TRUE(succeeded(dep));
  EXPECT_TRUE(dep->covered);
  EXPECT_TRUE(dep->readOnce);
}

TEST_F(TileDependenceTest, ANonAffineAccessFails) {
  EXPECT_TRUE(failed(analyzeTileDependence(streaming(unit), 128, {streaming(core * iv)})));
}

} // namespace
