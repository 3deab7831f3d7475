//===- BatchNorm.h - A batch norm as a per-channel scale and shift --------===//
#ifndef TESSEL_TRANSFORMS_BATCHNORM_H
#define TESSEL_TRANSFORMS_BATCHNORM_H

#include "Graph/GraphOps.h"

#include <optional>
#include <vector>

namespace tessel {

/// `batch_norm(x) = x * factor + shift` per channel: factor = scale / sqrt(var + epsilon),
/// shift = bias - mean * factor.
struct BatchNormFactors {
  std::vector<float> factor, shift;
};

/// The factors of `op` when its four parameters are constants, computed in double.
std::optional<BatchNormFactors> constantFactors(graph::BatchNormOp op);

} // namespace tessel

#endif
