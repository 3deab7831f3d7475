//===- TileProducts.cpp - Tile products added fused -----------------------===//
//
// Built with -ffp-contract=fast (runtime/CMakeLists.txt): the sums below become
// fused multiply-adds where the host has them.
//
//===----------------------------------------------------------------------===//
#include "TileProducts.h"

#include "HostVectors.h"

#include <algorithm>

#if TESSEL_PAIRED_PRODUCTS
#include <immintrin.h>
#endif

namespace tessel::rt {

namespace {
// The exponent fields of the tile's smallest nonzero magnitude (255 if none) and of its largest,
// and whether every value is a bf16 (its low 16 bits clear). A float's magnitude orders as its
// bits do; a zero's bits less one are the largest of all.
struct ExponentRange {
  uint32_t lo, hi;
  bool bf16;
};
template <int Lanes>
__attribute__((always_inline)) inline ExponentRange exponentRange(const float *v) {
  typedef typename LanesOf<uint32_t, Lanes>::Type Bits;
  Bits smallestLessOne = Bits{} - 1, largest = Bits{}, lowBits = Bits{};
  for (int64_t e = 0; e < kTileElems; e += Lanes) {
    Bits bits;
    std::memcpy(&bits, v + e, sizeof bits);
    Bits magnitude = bits & 0x7fffffff, lessOne = magnitude - 1;
    smallestLessOne = lessOne < smallestLessOne ? lessOne : smallestLessOne;
    largest = magnitude > largest ? magnitude : largest;
    lowBits |= bits;
  }
  uint32_t small = ~0u, large = 0, low = 0;
  for (int i = 0; i < Lanes; ++i) {
    small = std::min(small, smallestLessOne[i]);
    large = std::max(large, largest[i]);
    low |= lowBits[i];
  }
  return {small == ~0u ? 255 : (small + 1) >> 23, large >> 23, (low & 0xffff) == 0};
}

template <int Lanes>
__attribute__((always_inline)) inline ProductSums productSumsBy(const float *x, const float *y) {
  ExponentRange a = exponentRange<Lanes>(x), b = exponentRange<Lanes>(y);
  if (a.lo == 255 || b.lo == 255) // a zero tile: every product is zero
    return a.hi < 255 && b.hi < 255 ? ProductSums::Fused : ProductSums::Rounded;
  // Normal operands (no subnormal, Inf or NaN); a product lies in
  // [2^(ex + ey - 254), 2^(ex + ey - 252)), which must stay within [2^-126, 2^128).
  if (!(a.lo >= 1 && b.lo >= 1 && a.hi <= 254 && b.hi <= 254 && int(a.lo + b.lo) - 254 >= -126 &&
        int(a.hi + b.hi) - 252 <= 128))
    return ProductSums::Rounded;
  // A bf16 of exponent e is a multiple of 2^(e - 7), so every sum of products, rounded or not,
  // is a multiple of 2^(ex + ey - 268) for the smallest exponents: no nonzero one is subnormal
  // where that is 2^-126 or more. Products below 2^122 keep a sum of 32 below 2^127.
  if (a.bf16 && b.bf16 && a.lo + b.lo >= 142 && a.hi + b.hi <= 374 && pairedProductsAvailable())
    return ProductSums::Paired;
  return ProductSums::Fused;
}

#if TESSEL_PAIRED_PRODUCTS
// On eightLaneHost: exponents scanned in 8 lanes.
__attribute__((target("arch=x86-64-v3"))) ProductSums productSumsInEights(const float *x,
                                                                          const float *y) {
  return productSumsBy<8>(x, y);
}
#endif
} // namespace

TESSEL_WIDE_VECTORS
ProductSums productSums(const float *x, const float *y) {
#if TESSEL_PAIRED_PRODUCTS
  if (eightLaneHost())
    return productSumsInEights(x, y);
#endif
  return productSumsBy<16>(x, y);
}

TESSEL_WIDE_VECTORS
void addExactProducts(const float *x, const float *y, float *dst, bool roundBf16) {
  addProductsForHost(x, y, dst, roundBf16);
}

#if TESSEL_PAIRED_PRODUCTS
// A host with AVX2 but not AVX-512 holds a 16-lane vector in two of its sixteen registers:
// addProducts' 16 sums would take all 32 halves and go to the stack at every product (a tile
// matmul took ~8x longer there), and GCC's 16-lane loops spill there too. Eight lanes fit.
// These are the hosts that run the x86-64-v3 clones, whose whole level the eight-lane kernels
// are compiled for.
bool eightLaneHost() {
  static const bool eight =
      __builtin_cpu_supports("x86-64-v3") && !__builtin_cpu_supports("x86-64-v4");
  return eight;
}

bool pairedProductsAvailable() {
  static const bool available = __builtin_cpu_supports("avx512bf16");
  return available;
}

__attribute__((target("arch=x86-64-v4,avx512bf16"))) void
addPairedProducts(const float *x, const float *y, float *dst, bool roundBf16) {
  constexpr int N = int(kTileDim), kRows = 8;
  // A bf16's bits are its float's upper half. VDPBF16PS adds the product of a pair's odd
  // element first, so that element holds the pair's first k: y's rows 2p and 2p + 1 become
  // one row of pairs, and x's rows pairs along k.
  alignas(64) uint32_t yPairs[N / 2][N], xPairs[N][N / 2];
  const __m512i high = _mm512_set1_epi32(int(0xffff0000u));
  for (int p = 0; p < N / 2; ++p)
    for (int h = 0; h < 2; ++h) {
      __m512i first = _mm512_loadu_si512(y + 2 * p * N + 16 * h);
      __m512i second = _mm512_loadu_si512(y + (2 * p + 1) * N + 16 * h);
      _mm512_store_si512(&yPairs[p][16 * h], _mm512_or_si512(_mm512_and_si512(first, high),
                                                             _mm512_srli_epi32(second, 16)));
    }
  for (int i = 0; i < N; ++i)
    for (int h = 0; h < 2; ++h) {
      // Eight 64-bit lanes, each x[i][k] in its low half and x[i][k + 1] in its high half.
      __m512i pairs = _mm512_loadu_si512(x + i * N + 16 * h);
      __m512i packed = _mm512_or_si512(_mm512_and_si512(pairs, _mm512_set1_epi64(0xffff0000)),
                                       _mm512_srli_epi64(pairs, 48));
      _mm256_store_si256(reinterpret_cast<__m256i *>(&xPairs[i][8 * h]),
                         _mm512_cvtepi64_epi32(packed));
    }
  for (int i = 0; i < N; i += kRows) {
    __m512 sum[kRows][2];
    for (int r = 0; r < kRows; ++r)
      sum[r][0] = sum[r][1] = _mm512_setzero_ps();
    for (int p = 0; p < N / 2; ++p) {
      __m512bh y0 = __m512bh(_mm512_load_si512(&yPairs[p][0]));
      __m512bh y1 = __m512bh(_mm512_load_si512(&yPairs[p][16]));
      for (int r = 0; r < kRows; ++r) {
        __m512bh xv = __m512bh(_mm512_set1_epi32(int(xPairs[i + r][p])));
        sum[r][0] = _mm512_dpbf16_ps(sum[r][0], xv, y0);
        sum[r][1] = _mm512_dpbf16_ps(sum[r][1], xv, y1);
      }
    }
    for (int r = 0; r < kRows; ++r)
      for (int h = 0; h < 2; ++h) {
        float *d = dst + (i + r) * N + h * 16;
        if (roundBf16)
          addSumsToDst<true>(d, sum[r][h]);
        else
          addSumsToDst<false>(d, sum[r][h]);
      }
  }
}
#else
bool eightLaneHost() { return false; }

bool pairedProductsAvailable() { return false; }

void addPairedProducts(const float *x, const float *y, float *dst, bool roundBf16) {
  addExactProducts(x, y, dst, roundBf16);
}
#endif

} // namespace tessel::rt
