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

#include "HostVectors.h"

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
/// Whether this host runs the x86-64-v3 clones (AVX2, not AVX-512), whose registers hold the
/// sums of addProductsBy in 8 lanes rather than 16.
bool eightLaneHost();
/// addExactProducts, two products at a time: only where productSums is Paired.
void addPairedProducts(const float *x, const float *y, float *dst, bool roundBf16);

/// `Lanes` values of type `T` in a vector register, as GCC's generic vectors.
template <typename T, int Lanes> struct LanesOf {
  typedef T Type __attribute__((vector_size(sizeof(T) * Lanes)));
};

/// Adds `sum`, a vector of sums of one row, to Dst at `d`, rounding them to bf16 where
/// `RoundBf16`.
template <bool RoundBf16, typename V>
__attribute__((always_inline)) static inline void addSumsToDst(float *d, const V &sum) {
  typedef typename LanesOf<uint32_t, int(sizeof(V) / sizeof(float))>::Type Bits;
  V v;
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

/// The sums of `Rows` rows by `Vecs` vectors of `Lanes` columns at a time: Rows * Vecs sums
/// in registers hide the adds' latency, and each row of y's vectors is loaded once for `Rows`
/// rows. The sizes that fit the host's registers differ (TileProducts.cpp); every lane adds in
/// the same k order whatever they are.
template <bool RoundBf16, int Lanes, int Rows, int Vecs>
__attribute__((always_inline)) static inline void addProductsBy(const float *x, const float *y,
                                                               float *dst) {
  typedef typename LanesOf<float, Lanes>::Type V;
  constexpr int N = int(kTileDim), kCols = Lanes * Vecs;
  static_assert(N % Rows == 0 && N % kCols == 0, "blocks tile the tile");
  for (int i = 0; i < N; i += Rows)
    for (int j = 0; j < N; j += kCols) {
      V sum[Rows][Vecs] = {};
      for (int k = 0; k < N; ++k) {
        V yv[Vecs];
        for (int v = 0; v < Vecs; ++v)
          std::memcpy(&yv[v], y + k * N + j + v * Lanes, sizeof(V));
        for (int r = 0; r < Rows; ++r) {
          float xv = x[(i + r) * N + k];
          for (int v = 0; v < Vecs; ++v)
            sum[r][v] += xv * yv[v];
        }
      }
      for (int r = 0; r < Rows; ++r)
        for (int v = 0; v < Vecs; ++v)
          addSumsToDst<RoundBf16>(dst + (i + r) * N + j + v * Lanes, sum[r][v]);
    }
}

/// addProductsBy, rounding to bf16 or not as `roundBf16` says.
template <int Lanes, int Rows, int Vecs>
__attribute__((always_inline)) static inline void addBlockedProducts(const float *x,
                                                                    const float *y, float *dst,
                                                                    bool roundBf16) {
  if (roundBf16)
    addProductsBy<true, Lanes, Rows, Vecs>(x, y, dst);
  else
    addProductsBy<false, Lanes, Rows, Vecs>(x, y, dst);
}

// Internal linkage on purpose: each file that includes this compiles these with its own
// contraction setting (products fused or rounded).
/// The sums eight rows of 32 at a time: sixteen registers of 16 lanes where the host has them.
__attribute__((always_inline)) static inline void addProducts(const float *x, const float *y,
                                                             float *dst, bool roundBf16) {
  addBlockedProducts<16, 8, 2>(x, y, dst, roundBf16);
}

#if TESSEL_PAIRED_PRODUCTS
/// On eightLaneHost: four rows of 16 sums in 8 lanes, eight registers.
__attribute__((target("arch=x86-64-v3"))) static inline void
addProductsInEights(const float *x, const float *y, float *dst, bool roundBf16) {
  addBlockedProducts<8, 4, 2>(x, y, dst, roundBf16);
}
#endif

/// addProducts in the blocking that fits this host's registers. Inlined, so that each of the
/// caller's clones (HostVectors.h) compiles addProducts for its own vectors.
__attribute__((always_inline)) static inline void
addProductsForHost(const float *x, const float *y, float *dst, bool roundBf16) {
#if TESSEL_PAIRED_PRODUCTS
  if (eightLaneHost())
    return addProductsInEights(x, y, dst, roundBf16);
#endif
  addProducts(x, y, dst, roundBf16);
}

} // namespace tessel::rt

#endif
