//===- FormatsTest.cpp - Rounding, encoding and tilization ----------------===//
#include "FloatBits.h"
#include "tessel/runtime/Formats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace tessel::rt;

namespace {
} // namespace

TEST(Formats, TileBytes) {
  EXPECT_EQ(tileBytes(DataFormat::Float32), 4096);
  EXPECT_EQ(tileBytes(DataFormat::BFloat16), 2048);
  EXPECT_EQ(tileBytes(DataFormat::Bfp8_b), 1088);
  EXPECT_EQ(tileBytes(DataFormat::Bfp4_b), 576);
  EXPECT_EQ(tileBytes(DataFormat::Bfp2_b), 320);
  EXPECT_EQ(tileBytes(DataFormat::Int32), 4096);
  EXPECT_EQ(tileBytes(DataFormat(77)), 0);
}

TEST(Formats, Bf16RoundsTiesToEven) {
  const DataFormat bf = DataFormat::BFloat16;
  // 1 + 2^-8 is halfway between 1 (even) and 1 + 2^-7 (odd): down.
  EXPECT_EQ(roundToFormat(1.0f + std::ldexp(1.0f, -8), bf), 1.0f);
  // 1 + 3*2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up.
  EXPECT_EQ(roundToFormat(1.0f + 3 * std::ldexp(1.0f, -8), bf), 1.0f + std::ldexp(1.0f, -6));
  // Just above halfway rounds up.
  EXPECT_EQ(roundToFormat(fromBits(0x3F808001u), bf), fromBits(0x3F810000u));
  EXPECT_EQ(roundToFormat(-1.0f - std::ldexp(1.0f, -8), bf), -1.0f);
  EXPECT_EQ(roundToFormat(3.0f, bf), 3.0f);
}

TEST(Formats, Bf16SpecialValues) {
  const DataFormat bf = DataFormat::BFloat16;
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(roundToFormat(inf, bf), inf);
  EXPECT_EQ(roundToFormat(-inf, bf), -inf);
  EXPECT_TRUE(std::isnan(roundToFormat(std::nanf(""), bf)));
  // A NaN whose payload lives only in the low half must stay NaN.
  EXPECT_TRUE(std::isnan(roundToFormat(fromBits(0x7F800001u), bf)));
  // The largest float is above the largest bf16 by more than half an ulp.
  EXPECT_EQ(roundToFormat(std::numeric_limits<float>::max(), bf), inf);
  // Denormals round within the bf16 denormal range.
  float tiny = fromBits(0x00012345u);
  EXPECT_EQ(bitsOf(roundToFormat(tiny, bf)), 0x00010000u);
  EXPECT_EQ(bitsOf(roundToFormat(fromBits(0x00008000u), bf)), 0u); // tie to even (0)
  EXPECT_EQ(bitsOf(roundToFormat(fromBits(0x00018000u), bf)), 0x00020000u);
  EXPECT_EQ(bitsOf(roundToFormat(-0.0f, bf)), 0x80000000u);
}

TEST(Formats, Int32AndF32) {
  EXPECT_EQ(slotInt32(roundToFormat(int32Slot(123456789), DataFormat::Int32)), 123456789);
  EXPECT_EQ(roundToFormat(0.1f, DataFormat::Float32), 0.1f);
}

TEST(Formats, BfpSharesOneExponentPerBlock) {
  float tile[kTileElems] = {};
  tile[0] = 1.0f;
  tile[1] = 0.01f;   // far below the block's exponent: flushes to 0 in bfp4
  tile[2] = -0.75f;
  tile[16] = 0.01f;  // next block has its own exponent
  roundTile(tile, DataFormat::Bfp4_b);
  EXPECT_EQ(tile[0], 1.0f);
  EXPECT_EQ(tile[1], 0.0f);
  EXPECT_EQ(tile[2], -0.75f);
  EXPECT_NEAR(tile[16], 0.01f, 0.001f);
  float t8[kTileElems] = {};
  t8[0] = 1.0f;
  t8[1] = 1.0f / 3.0f;
  roundTile(t8, DataFormat::Bfp8_b);
  EXPECT_NEAR(t8[1], 1.0f / 3.0f, 1.0f / 64.0f);
  EXPECT_EQ(t8[1], std::ldexp(std::nearbyint(std::ldexp(1.0f / 3.0f, 6)), -6));
}

TEST(Formats, TiledShape) {
  TiledShape s = tiledShape({2, 3, 33, 70});
  EXPECT_EQ(s.batch, 6);
  EXPECT_EQ(s.rowsTiles, 2);
  EXPECT_EQ(s.colsTiles, 3);
  EXPECT_EQ(tiledShape({5}).tiles(), 1);
  EXPECT_EQ(tiledShape({}).tiles(), 1);
  EXPECT_EQ(interleavedChannelBytes(13, DataFormat::BFloat16, 12), 2 * 2048);
}

class PackRoundTrip : public ::testing::TestWithParam<DataFormat> {};

TEST_P(PackRoundTrip, PadsWithZerosAndRestoresValues) {
  DataFormat fmt = GetParam();
  std::vector<int64_t> shape = {2, 33, 40};
  std::vector<float> data(2 * 33 * 40);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = float(int(i % 97) - 48) * 0.25f;
  std::vector<uint8_t> packed;
  std::string error;
  ASSERT_TRUE(packTiles(data.data(), shape, fmt, packed, error)) << error;
  ASSERT_EQ(int64_t(packed.size()), 2 * 2 * 2 * tileBytes(fmt));
  std::vector<float> back;
  ASSERT_TRUE(unpackTiles(packed.data(), packed.size(), shape, fmt, back, error)) << error;
  ASSERT_EQ(back.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    float tol = fmt == DataFormat::Bfp8_b ? 0.25f : 0.0f;
    EXPECT_NEAR(back[i], roundToFormat(data[i], fmt == DataFormat::Bfp8_b ? DataFormat::Float32 : fmt), tol) << i;
  }
  // Padding: the tile holding row 32, cols 32..63 of batch 0 has zeros past col 39.
  std::vector<float> tiles(8 * kTileElems);
  tilize(data.data(), shape, tiles.data());
  const float *t3 = tiles.data() + 3 * kTileElems; // batch 0, mt 1, nt 1
  EXPECT_EQ(t3[0], data[32 * 40 + 32]);
  EXPECT_EQ(t3[8], 0.0f);
  EXPECT_EQ(t3[32], 0.0f);
}

INSTANTIATE_TEST_SUITE_P(Formats, PackRoundTrip,
                         ::testing::Values(DataFormat::Float32, DataFormat::BFloat16,
                                           DataFormat::Int32, DataFormat::Bfp8_b));

TEST(Formats, Bf16EncodingIsUpperHalf) {
  float v[1] = {1.5f};
  std::vector<uint8_t> bytes = packTiles(v, {1}, DataFormat::BFloat16);
  ASSERT_EQ(bytes.size(), 2048u);
  EXPECT_EQ(bytes[0], 0xC0);
  EXPECT_EQ(bytes[1], 0x3F);
  EXPECT_EQ(bytes[2], 0);
}

TEST(Formats, UnpackRejectsWrongSize) {
  std::vector<uint8_t> bytes(100);
  std::vector<float> out;
  std::string error;
  EXPECT_FALSE(unpackTiles(bytes.data(), bytes.size(), {4, 4}, DataFormat::Float32, out, error));
  EXPECT_NE(error.find("expected 4096"), std::string::npos) << error;
}
