//===- ReducePlan.h - How each graph.reduce kind runs on tiles ------------===//
//
// The tile-level recipe of a reduce kind, which its lowering builds and the estimate of a split
// reduce (ReduceSplit.h) charges: the FPU reduction that folds the tiles, the SFPU op applied to
// each input tile first and to the result last, and the identity the accumulator starts at.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_REDUCEPLAN_H
#define TESSEL_TRANSFORMS_REDUCEPLAN_H

#include "Graph/GraphOps.h"
#include "Tile/TileDialect.h"

#include <optional>

namespace tessel {

struct ReducePlan {
  tile::ReduceKind kind;
  std::optional<tile::UnaryKind> pre, post;
  float identity;

  /// Whether a step must set the values past a partial tile's end to the identity before it
  /// folds the tile: not for a plain sum, whose padding adds zeros (nor with a pre-op that keeps
  /// zero at zero).
  bool masksPartialTiles() const {
    return !(kind == tile::ReduceKind::sum && pre != tile::UnaryKind::exp);
  }
};

inline ReducePlan reducePlan(graph::ReduceKind kind) {
  using G = graph::ReduceKind;
  using T = tile::ReduceKind;
  using U = tile::UnaryKind;
  constexpr float huge = 3.0e38f;
  switch (kind) {
  case G::sum: return {T::sum, {}, {}, 0};
  case G::mean: return {T::sum, {}, {}, 0}; // scaled after
  case G::max: return {T::max, {}, {}, -huge};
  case G::min: return {T::min, {}, {}, huge};
  case G::prod: return {T::prod, {}, {}, 1};
  case G::l1: return {T::sum, U::abs, {}, 0};
  case G::l2: return {T::sum, U::square, U::sqrt, 0};
  case G::log_sum: return {T::sum, {}, U::log, 0};
  case G::log_sum_exp: return {T::sum, U::exp, U::log, 0};
  case G::sum_square: return {T::sum, U::square, {}, 0};
  }
  return {T::sum, {}, {}, 0};
}

} // namespace tessel

#endif
