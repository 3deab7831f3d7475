//===- TileProducts.h - The sums of products of a tile matmul -------------===//
//
// dst[i][j] += sum_k x[i][k] * y[k][j], the heart of every tile matmul: the sum
// from zero in k order, then added to Dst and, for a bf16 Dst, rounded. The
// operands carry at most 8 significant bits (what the multiplier keeps), so a
// product is exact unless it leaves the range of normal floats. Where no
// product can (productsExact), adding each product fused (FMA) or after
// rounding it gives the same bits, and TileProducts.cpp, built with FMA
// contraction, does the former: half the instructions. Either way every lane
// adds in the same k order as a scalar loop. The sums go to Dst from the
// registers they are made in: no pass over the tile of sums, and none to round.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_TILEPRODUCTS_H
#define TESSEL_RUNTIME_LIB_TILEPRODUCTS_H

#include "tessel/runtime/Formats.h"

#include <cstdint>
#include <cstring>

namespace tessel::rt {

/// How the products of tiles `x` and `y` may be added, each way with the bits of rounding
/// every product and adding it to the sum in k order.
enum class ProductSums {
  /// Some product may leave the range of normal floats: addProducts.
  Rounded,
  /// Every product is zero or a normal float, so exact: each added fused (addExactProducts).
  Fused,
  /// Fused, and two at a time by the host's bf16 dot products (AVX512-BF16, which adds the
  /// pair's products one after the other, each fused, but flushes subnormals): the values are
  /// bf16 and no sum of their products can be subnormal or overflow (addPairedProducts).
  Paired,
};
ProductSums productSums(const float *x, const float *y);
/// Whether every product of a value of `x` and one of `y` (tiles) is zero or a normal float.
inline bool productsExact(const float *x, const float *y) {
  return productSums(x, y) != ProductSums::Rounded;
}
/// addProducts, with each product added fused: only where productsExact.
void addExactProducts(const float *x, const float *y, float *dst, bool roundBf16);
/// Whether this host has the bf16 dot products that ProductSums::Paired needs.
bool pairedProductsAvailable();
/// addExactProducts, two products at a time: only where productSums is Paired.
void addPairedProducts(const float *x, const float *y, float *dst, bool roundBf16);

typedef float TileLanes __attribute__((vector_size(64)));

/// Adds `sum`, 16 sums of a row, to Dst at `d`, rounding them to bf16 where `RoundBf16`.
template <bool RoundBf16>
__attribute__((always_inline)) static inline void addSumsToDst(float *d, const TileLanes &sum) {
  typedef uint32_t Bits __attribute__((vector_size(64)));
  TileLanes v;
  std::memcpy(&v, d, sizeof(v));
  v += sum;
  if (RoundBf16) {
    // Bf16.h's rounding, a lane each.
    Bits b, nan, rounded;
    std::memcpy(&b, &v, sizeof(b));
    nan = (b & 0x7FFFFFFFu) > 0x7F800000u;
    rounded = b + 0x7FFFu + ((b >> 16) & 1u);
    b = ((nan & (b | 0x00400000u)) | (~nan & rounded)) & 0xFFFF0000u;
    std::memcpy(&v, &b, sizeof(v));
  }
  std::memcpy(d, &v, sizeof(v));
}

// Internal linkage on purpose: each file that includes this compiles it with its own
// contraction setting.
template <bool RoundBf16>
__attribute__((always_inline)) static inline void addProducts(const float *x, const float *y,
                                                             float *dst) {
  // Eight rows at a time: sixteen independent sums of 16 lanes hide the adds' latency, and
  // each row of y is loaded once for eight rows.
  constexpr int N = int(kTileDim), kRows = 8;
  for (int i = 0; i < N; i += kRows) {
    TileLanes sum[kRows][2] = {};
    for (int k = 0; k < N; ++k) {
      TileLanes y0, y1;
      std::memcpy(&y0, y + k * N, sizeof(y0));
      std::memcpy(&y1, y + k * N + 16, sizeof(y1));
      for (int r = 0; r < kRows; ++r) {
        float xv = x[(i + r) * N + k];
        sum[r][0] += xv * y0;
        sum[r][1] += xv * y1;
      }
    }
    for (int r = 0; r < kRows; ++r)
      for (int h = 0; h < 2; ++h)
        addSumsToDst<RoundBf16>(dst + (i + r) * N + h * 16, sum[r][h]);
  }
}

} // namespace tessel::rt

#endif
