//===- TileProductsTest.cpp - Fused tile products only where they are exact ===//
#include "TileProducts.h"

#include "Bf16.h"
#include "Compute.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace tessel::rt;
namespace ttb = tessel::ttb;

namespace {
constexpr int N = int(kTileDim);

// A tile of values with at most 8 significant bits (what the multiplier keeps) of magnitude
// about 2^scale.
std::vector<float> tile(std::mt19937 &rng, int scale) {
  std::uniform_int_distribution<int> mantissa(128, 255), sign(0, 1), spread(-3, 3);
  std::vector<float> t(static_cast<size_t>(kTileElems));
  for (float &v : t)
    v = std::ldexp(float(mantissa(rng)) / 128.0f, scale + spread(rng)) * (sign(rng) ? -1 : 1);
  return t;
}

// The reference: each product rounded, then added to a sum from zero in the k order of the
// vector loop; the sum added to the Dst value (0.5 where not given), then rounded to bf16 where
// `bf16`.
std::vector<float> rounded(const std::vector<float> &x, const std::vector<float> &y,
                           bool bf16 = false, float start = 0.5f) {
  std::vector<float> acc(size_t(kTileElems), start);
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < N; ++k) {
        volatile float product = x[size_t(i * N + k)] * y[size_t(k * N + j)];
        sum = sum + product;
      }
      float &d = acc[size_t(i * N + j)];
      d = d + sum;
      if (bf16)
        d = roundBf16(d);
    }
  return acc;
}

std::vector<float> fused(const std::vector<float> &x, const std::vector<float> &y,
                         bool bf16 = false, float start = 0.5f) {
  std::vector<float> acc(size_t(kTileElems), start);
  addExactProducts(x.data(), y.data(), acc.data(), bf16);
  return acc;
}
} // namespace

TEST(TileProducts, FusedSumsEqualRoundedOnesWhereverProductsAreExact) {
  std::mt19937 rng(7);
  int exact = 0;
  for (int scale : {-60, -20, 0, 20, 60}) {
    std::vector<float> x = tile(rng, scale), y = tile(rng, -scale / 2);
    ASSERT_TRUE(productsExact(x.data(), y.data())) << "scale " << scale;
    std::vector<float> want = rounded(x, y), got = fused(x, y);
    ASSERT_EQ(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()), 0)
        << "scale " << scale;
    ++exact;
  }
  EXPECT_EQ(exact, 5);
}

TEST(TileProducts, ABf16DstTakesTheSumsRounded) {
  // Sums added to a Dst of 1000.0 (where the bf16 rounding of the total drops bits) and rounded
  // as Bf16.h rounds, fused and not.
  std::mt19937 rng(9);
  std::vector<float> x = tile(rng, 2), y = tile(rng, 3);
  ASSERT_TRUE(productsExact(x.data(), y.data()));
  std::vector<float> want = rounded(x, y, true, 1000.0f), got = fused(x, y, true, 1000.0f);
  ASSERT_EQ(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()), 0);
  std::vector<float> unfused(size_t(kTileElems), 1000.0f);
  addProducts(x.data(), y.data(), unfused.data(), true);
  ASSERT_EQ(std::memcmp(want.data(), unfused.data(), sizeof(float) * want.size()), 0);
  // Not a no-op: the unrounded sums differ.
  std::vector<float> plain = rounded(x, y, false, 1000.0f);
  EXPECT_NE(std::memcmp(want.data(), plain.data(), sizeof(float) * want.size()), 0);
}

TEST(TileProducts, EveryBlockingAddsInTheSameOrder) {
  // The host picks how many rows and lanes of sums it keeps in registers (TileProducts.cpp):
  // each blocking, whatever host runs this, must give the reference's bits.
  std::mt19937 rng(10);
  std::vector<float> x = tile(rng, 1), y = tile(rng, -2);
  for (bool bf16 : {false, true}) {
    std::vector<float> want = rounded(x, y, bf16, 1000.0f);
    auto check = [&](auto add, const char *name) {
      std::vector<float> got(size_t(kTileElems), 1000.0f);
      add(x.data(), y.data(), got.data(), bf16);
      EXPECT_EQ(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()), 0)
          << name << (bf16 ? ", bf16 Dst" : "");
    };
    check(addBlockedProducts<16, 8, 2>, "16 lanes, 8 rows");
    check(addBlockedProducts<8, 4, 2>, "8 lanes, 4 rows");
    check(addBlockedProducts<4, 2, 4>, "4 lanes, 2 rows");
  }
}

TEST(TileProducts, ProductsThatLeaveTheNormalRangeAreNotExact) {
  std::mt19937 rng(8);
  std::vector<float> zeros(size_t(kTileElems), 0.0f), ones = tile(rng, 0);
  EXPECT_TRUE(productsExact(zeros.data(), ones.data()));
  // Products beyond 2^128 overflow; products below 2^-126 are subnormal or zero.
  std::vector<float> huge = tile(rng, 70), tiny = tile(rng, -70);
  EXPECT_FALSE(productsExact(huge.data(), huge.data()));
  EXPECT_FALSE(productsExact(tiny.data(), tiny.data()));
  EXPECT_TRUE(productsExact(huge.data(), tiny.data()));
  // Where they overflow, fused and rounded sums differ (on a host with FMA): the check is what
  // keeps them equal.
  std::vector<float> big(size_t(kTileElems), std::ldexp(1.5f, 70));
  std::vector<float> cancel(size_t(kTileElems), std::ldexp(1.5f, 70));
  for (int k = 1; k < N; k += 2)
    for (int j = 0; j < N; ++j)
      cancel[size_t(k * N + j)] = -cancel[size_t(k * N + j)];
  EXPECT_FALSE(productsExact(big.data(), cancel.data()));
  std::vector<float> want = rounded(big, cancel), got = fused(big, cancel);
  EXPECT_TRUE(std::isnan(want[0]));
#if defined(__x86_64__)
  if (__builtin_cpu_supports("fma"))
    EXPECT_FALSE(std::isnan(got[0]));
#endif
  // Subnormal, infinite and NaN operands.
  for (float odd : {std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::infinity(),
                    std::numeric_limits<float>::quiet_NaN()}) {
    std::vector<float> x = ones;
    x[77] = odd;
    EXPECT_FALSE(productsExact(x.data(), ones.data())) << odd;
    EXPECT_FALSE(productsExact(ones.data(), x.data())) << odd;
  }
}

TEST(TileProducts, ATileMatmulRoundsProductsOutsideTheNormalRangeOneByOne) {
  // Products near 2^-140 are subnormal: tileMatmul adds them rounded, in the kernel this host
  // runs (eightLaneHost or not), with the reference's bits.
  std::mt19937 rng(12);
  std::vector<float> x = tile(rng, -70), y = tile(rng, -70);
  ASSERT_EQ(productSums(x.data(), y.data()), ProductSums::Rounded);
  for (bool bf16 : {false, true}) {
    std::vector<float> want = rounded(x, y, bf16, 0.0f);
    std::vector<float> got(size_t(kTileElems), 0.0f);
    tileMatmul(x.data(), y.data(), got.data(), DataFormat::BFloat16, DataFormat::BFloat16,
               ttb::MathFidelity::HiFi4, bf16 ? DataFormat::BFloat16 : DataFormat::Float32);
    EXPECT_EQ(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()), 0)
        << (bf16 ? "bf16 Dst" : "f32 Dst");
    EXPECT_NE(want[0], 0.0f); // subnormal sums, not flushed
  }
}

TEST(TileProducts, PairedSumsEqualRoundedOnesWhereChosen) {
  if (!pairedProductsAvailable())
    GTEST_SKIP() << "the host has no AVX512-BF16";
  std::mt19937 rng(11);
  for (int scale : {-40, -10, 0, 10, 40})
    for (bool bf16 : {false, true}) {
      std::vector<float> x = tile(rng, scale), y = tile(rng, -scale / 2);
      ASSERT_EQ(productSums(x.data(), y.data()), ProductSums::Paired) << "scale " << scale;
      std::vector<float> want = rounded(x, y, bf16, 1000.0f);
      std::vector<float> got(size_t(kTileElems), 1000.0f);
      addPairedProducts(x.data(), y.data(), got.data(), bf16);
      ASSERT_EQ(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()), 0)
          << "scale " << scale << (bf16 ? ", bf16 Dst" : "");
    }
}

TEST(TileProducts, NoPairsWhereASumCouldBeSubnormalOrAValueIsNoBf16) {
  // x[i][0] y[0][j] = 1.5 * 2^-126 and x[i][1] y[1][j] = -2^-126: their sum, 2^-127, is
  // subnormal, which the host's bf16 dot products flush to zero.
  std::vector<float> x(size_t(kTileElems), 0.0f), y(size_t(kTileElems), std::ldexp(1.0f, -63));
  for (int i = 0; i < N; ++i) {
    x[size_t(i * N)] = std::ldexp(1.5f, -63);
    x[size_t(i * N + 1)] = -std::ldexp(1.0f, -63);
  }
  EXPECT_EQ(productSums(x.data(), y.data()), ProductSums::Fused);
  std::vector<float> want = rounded(x, y, false, 0.0f);
  ASSERT_EQ(want[0], std::ldexp(1.0f, -127));
  EXPECT_EQ(fused(x, y, false, 0.0f)[0], want[0]);
  if (pairedProductsAvailable()) {
    // Not a needless check: paired, the sum is lost.
    std::vector<float> paired(size_t(kTileElems), 0.0f);
    addPairedProducts(x.data(), y.data(), paired.data(), false);
    EXPECT_EQ(paired[0], 0.0f);
  }
  // A value with more than bf16's bits (its low half set) cannot be paired.
  std::mt19937 rng(12);
  std::vector<float> a = tile(rng, 0), b = tile(rng, 0);
  if (pairedProductsAvailable()) {
    EXPECT_EQ(productSums(a.data(), b.data()), ProductSums::Paired);
  }
  a[300] = std::nextafter(a[300], 2.0f);
  EXPECT_EQ(productSums(a.data(), b.data()), ProductSums::Fused);
}
