//===- DramStorageTest.cpp - Simulated DRAM storage and its reuse ---------===//
#include "Dram.h"

#include <gtest/gtest.h>

#include <algorithm>

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
