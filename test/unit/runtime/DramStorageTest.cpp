//===- DramStorageTest.cpp - Simulated DRAM storage and its reuse ---------===//
#include "Dram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

using namespace tessel::rt;

TEST(DramStorage, ReleasedStorageServesALaterBufferAsZeros) {
  DramStorage dram;
  dram.init({4, 3, 8});
  float *a = dram.tile(0, 0);
  for (int64_t t = 0; t < 4; ++t)
    std::fill_n(dram.tile(0, t), kTileElems, 7.0f);
  dram.release(0);
  // Buffer 1 fits in buffer 0's storage and takes it; every tile reads as zeros until written.
  float *b = dram.tile(1, 2);
  EXPECT_EQ(b, a + 2 * kTileElems);
  for (int64_t t = 0; t < 3; ++t)
    for (int64_t i = 0; i < kTileElems; ++i)
      ASSERT_EQ(dram.tile(1, t)[i], 0.0f) << "tile " << t << " value " << i;
  dram.tile(1, 1)[5] = 3.0f;
  EXPECT_EQ(dram.tile(1, 1)[5], 3.0f); // a touched tile is not zeroed again
  // Buffer 2 is larger than anything released: fresh zeros of its own.
  EXPECT_NE(dram.span(2, 0, 8), a);
  for (int64_t i = 0; i < 8 * kTileElems; ++i)
    ASSERT_EQ(dram.span(2, 0, 8)[i], 0.0f);
}

TEST(DramStorage, ASpanOfReusedStorageIsZeroedWhole) {
  DramStorage dram;
  dram.init({2, 2});
  std::fill_n(dram.span(0, 0, 2), 2 * kTileElems, 1.0f);
  dram.release(0);
  float *s = dram.span(1, 0, 2);
  for (int64_t i = 0; i < 2 * kTileElems; ++i)
    ASSERT_EQ(s[i], 0.0f) << i;
}

TEST(DramStorage, AConstantStaysPackedUntilItsFloatsAreAskedFor) {
  std::vector<float> values(2 * kTileElems);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = float(int(i % 97) - 48) * 0.125f;
  std::vector<uint8_t> packed = packTiles(values.data(), {64, 32}, DataFormat::Bfp8_b);
  DramStorage dram;
  dram.init({2, 2});
  dram.setPacked(0, packed.data(), DataFormat::Bfp8_b);
  ASSERT_EQ(dram.packedTile(0, 1), packed.data() + tileBytes(DataFormat::Bfp8_b));
  EXPECT_EQ(dram.packedFormat(0), DataFormat::Bfp8_b);
  EXPECT_EQ(dram.packedTile(1, 0), nullptr);
  // Asked for floats, it decodes whole: the values its packed tiles encode, then no packed tile.
  float *floats = dram.span(0, 0, 2);
  std::vector<float> expected(2 * kTileElems);
  for (int64_t t = 0; t < 2; ++t)
    decodeTile(packed.data() + t * tileBytes(DataFormat::Bfp8_b), DataFormat::Bfp8_b,
               expected.data() + t * kTileElems);
  for (int64_t i = 0; i < 2 * kTileElems; ++i)
    ASSERT_EQ(floats[i], expected[size_t(i)]) << i;
  EXPECT_EQ(dram.packedTile(0, 0), nullptr);
  // Released, it leaves no packed tiles behind for the buffer's id.
  dram.setPacked(1, packed.data(), DataFormat::Bfp8_b);
  dram.release(1);
  EXPECT_EQ(dram.packedTile(1, 0), nullptr);
}

TEST(ZeroedFloats, FreshStorageOfEverySizeReadsAsZerosEvenWhereMemoryWasUsedBefore) {
  // Under 64 KiB (calloc), from 64 KiB (a mapping of its own) and from 2 MiB (huge pages); each
  // size twice, the second time where the first, filled with non-zeros and freed, may have been.
  for (size_t count : {size_t(1), size_t(16383), size_t(16384), size_t(300000), size_t(600000)})
    for (int round = 0; round < 2; ++round) {
      ZeroedFloats z(count);
      ASSERT_EQ(z.size(), count);
      for (size_t i = 0; i < count; ++i)
        ASSERT_EQ(z.data()[i], 0.0f) << count << " floats, value " << i << ", round " << round;
      z.populate(0, count); // maps the pages without changing them
      ASSERT_EQ(z.data()[count - 1], 0.0f);
      std::fill_n(z.data(), count, 7.0f);
      ZeroedFloats moved(std::move(z));
      EXPECT_EQ(moved.data()[count - 1], 7.0f);
    }
}
