//===- TileProducts.cpp - Tile products added fused -----------------------===//
//
// Built with -ffp-contract=fast (runtime/CMakeLists.txt): the sums below become
// fused multiply-adds where the host has them.
//
//===----------------------------------------------------------------------===//
#include "TileProducts.h"

#include "HostVectors.h"

#include <algorithm>

namespace tessel::rt {

namespace {
// The exponent fields of the tile's smallest nonzero magnitude (255 if none) and of its largest.
// A float's magnitude orders as its bits do; a zero's bits less one are the largest of all.
__attribute__((always_inline)) inline void exponentRange(const float *v, uint32_t &lo,
                                                         uint32_t &hi) {
  typedef uint32_t Lanes __attribute__((vector_size(64)));
  Lanes smallestLessOne = Lanes{} - 1, largest = Lanes{};
  for (int64_t e = 0; e < kTileElems; e += 16) {
    Lanes bits;
    std::memcpy(&bits, v + e, sizeof bits);
    Lanes magnitude = bits & 0x7fffffff, lessOne = magnitude - 1;
    smallestLessOne = lessOne < smallestLessOne ? lessOne : smallestLessOne;
    largest = magnitude > largest ? magnitude : largest;
  }
  uint32_t small = ~0u, large = 0;
  for (int i = 0; i < 16; ++i) {
    small = std::min(small, smallestLessOne[i]);
    large = std::max(large, largest[i]);
  }
  lo = small == ~0u ? 255 : (small + 1) >> 23;
  hi = large >> 23;
}
} // namespace

TESSEL_WIDE_VECTORS
bool productsExact(const float *x, const float *y) {
  uint32_t xLo, xHi, yLo, yHi;
  exponentRange(x, xLo, xHi);
  exponentRange(y, yLo, yHi);
  if (xLo == 255 || yLo == 255)
    return xHi < 255 && yHi < 255; // a zero tile: every product is zero
  // Normal operands (no subnormal, Inf or NaN); a product lies in
  // [2^(ex + ey - 254), 2^(ex + ey - 252)), which must stay within [2^-126, 2^128).
  return xLo >= 1 && yLo >= 1 && xHi <= 254 && yHi <= 254 && int(xLo + yLo) - 254 >= -126 &&
         int(xHi + yHi) - 252 <= 128;
}

TESSEL_WIDE_VECTORS
void addExactProducts(const float *x, const float *y, float *dst, bool roundBf16) {
  if (roundBf16)
    addProducts<true>(x, y, dst);
  else
    addProducts<false>(x, y, dst);
}

} // namespace tessel::rt
