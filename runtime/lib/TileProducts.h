//===- TileProducts.h - The sums of products of a tile matmul -------------===//
//
// acc[i][j] += sum_k x[i][k] * y[k][j], the heart of every tile matmul. The
// operands carry at most 8 significant bits (what the multiplier keeps), so a
// product is exact unless it leaves the range of normal floats. Where no
// product can (productsExact), adding each product fused (FMA) or after
// rounding it gives the same bits, and TileProducts.cpp, built with FMA
// contraction, does the former: half the instructions. Either way every lane
// adds in the same k order as a scalar loop.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_TILEPRODUCTS_H
#define TESSEL_RUNTIME_LIB_TILEPRODUCTS_H

#include "tessel/runtime/Formats.h"

#include <cstdint>
#include <cstring>

namespace tessel::rt {

/// Whether every product of a value of `x` and one of `y` (tiles) is zero or a normal float.
bool productsExact(const float *x, const float *y);
/// accumulateProducts, with each product added fused: only where productsExact.
void accumulateExactProducts(const float *x, const float *y, float *acc);

// Internal linkage on purpose: each file that includes this compiles it with its own
// contraction setting.
__attribute__((always_inline)) static inline void accumulateProducts(const float *x, const float *y,
                                                                  float *acc) {
  // Eight rows at a time: sixteen independent sums of 16 lanes hide the adds' latency, and
  // each row of y is loaded once for eight rows.
  typedef float Half __attribute__((vector_size(64)));
  constexpr int N = int(kTileDim), kRows = 8;
  for (int i = 0; i < N; i += kRows) {
    Half sum[kRows][2];
    std::memcpy(sum, acc + i * N, sizeof(sum));
    for (int k = 0; k < N; ++k) {
      Half y0, y1;
      std::memcpy(&y0, y + k * N, sizeof(y0));
      std::memcpy(&y1, y + k * N + 16, sizeof(y1));
      for (int r = 0; r < kRows; ++r) {
        float xv = x[(i + r) * N + k];
        sum[r][0] += xv * y0;
        sum[r][1] += xv * y1;
      }
    }
    std::memcpy(acc + i * N, sum, sizeof(sum));
  }
}

} // namespace tessel::rt

#endif
