//===- ZeroTiles.h - The all-zero 32x32 tiles of a constant matrix ---------===//
//
// A matmul whose rhs is a constant may skip the rhs's all-zero tiles: the
// binary stores the others alone, in row-major tile order, and a map from each
// tile of the matrix to its place among them. tt-choose-op-configs counts them
// for the cost model; tt-lower-grid-to-kernels packs them.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_ZEROTILES_H
#define TESSEL_TRANSFORMS_ZEROTILES_H

#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace tessel {

/// A constant matrix (all dims before the last two of size 1) seen as 32x32 tiles.
struct ConstantTiles {
  int64_t rows = 0, cols = 0, kt = 0, nt = 0;
  /// The values, row-major.
  std::vector<float> values;
  /// Per tile, row-major: 0 when all its values are zero, else its place among the stored
  /// tiles plus one.
  std::vector<int64_t> place;
  int64_t stored = 0;

  int64_t tiles() const { return kt * nt; }
  /// The row-major tile that holds value (r, c).
  int64_t tileOf(int64_t r, int64_t c) const { return (r / 32) * nt + c / 32; }
  /// The stored tiles, one after another as a (stored * 32) x 32 matrix.
  std::vector<float> packed() const;
  /// The place map, laid out for the kernels: tile (k, n)'s entry at k * mapStride() + n of a
  /// (mapTiles() * 32) x 32 matrix, so that a K row's entries never cross a tile.
  std::vector<float> map() const;
  int64_t mapStride() const;
  int64_t mapTiles() const;
};

/// The tiles of `rhs`, or nullopt when it is not a graph.constant holding one matrix or when its
/// K rows have more tiles than the map's one-tile rows hold (1024).
std::optional<ConstantTiles> constantTiles(mlir::Value rhs);

} // namespace tessel

#endif
