//===- LegacyRandom.h - numpy's legacy random generator -------------------===//
//
// What the runtime draws random numbers with (Dropout in training, the tensors
// of RandomNormal, RandomUniform and Bernoulli): numpy's RandomState, so that
// a model given a seed draws the numbers `np.random.seed(seed)` followed by
// `np.random.random_sample` or `np.random.normal` would. MT19937 seeded like
// np.random.seed with an integer, doubles from 53 random bits, and normals by
// the polar method with the second value of each pair kept for the next call.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_LEGACYRANDOM_H
#define TESSEL_RUNTIME_LIB_LEGACYRANDOM_H

#include <cmath>
#include <cstdint>
#include <random>

namespace tessel::rt {

class LegacyRandom {
public:
  explicit LegacyRandom(uint32_t seed) : mt(seed) {}

  /// Uniform in [0, 1).
  double uniform() {
    uint32_t a = mt() >> 5, b = mt() >> 6;
    return (double(a) * 67108864.0 + double(b)) / 9007199254740992.0;
  }
  /// Standard normal.
  double normal() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double x1, x2, r2;
    do {
      x1 = 2.0 * uniform() - 1.0;
      x2 = 2.0 * uniform() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = std::sqrt(-2.0 * std::log(r2) / r2);
    spare = f * x1;
    hasSpare = true;
    return f * x2;
  }

private:
  std::mt19937 mt;
  bool hasSpare = false;
  double spare = 0;
};

} // namespace tessel::rt

#endif
