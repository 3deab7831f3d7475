//===- L1Tensors.h - Tensors the compiler keeps in L1 between dispatches --===//
#ifndef TESSEL_RUNTIME_L1TENSORS_H
#define TESSEL_RUNTIME_L1TENSORS_H

#include "tessel/runtime/Chip.h"
#include "tessel/runtime/ttb_generated.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace tessel::rt {

/// A buffer interleaved over the cores' L1: it holds [begin, end) of every core's L1 from the
/// first dispatch that lists it to the last (its live range).
struct L1Tensor {
  uint32_t buffer;
  int64_t begin, end;
  size_t firstDispatch, lastDispatch;
};

/// Shards of `shardRows` x `shardCols` tiles that `rows` x `cols` tiles (rows over the batch)
/// make; the shards of a row of them.
inline int64_t shardsPerRow(int64_t cols, int64_t shardCols) {
  return (cols + shardCols - 1) / shardCols;
}
inline int64_t shardCount(int64_t rows, int64_t cols, int64_t shardRows, int64_t shardCols) {
  return (rows + shardRows - 1) / shardRows * shardsPerRow(cols, shardCols);
}

/// The bytes of every core's L1 that L1 buffer `b` takes: its shard, or its share of the
/// tiles interleaved over all cores.
int64_t l1BytesPerCore(const ttb::Buffer &b, const ChipDesc &chip);

/// Where the tiles of a buffer live, read out of the binary once: every NoC request asks. An L1
/// buffer's tile numbers and shard sizes fit 32 bits (the verifier checks that every core's share
/// fits its L1), and 32-bit divisions are several times quicker than 64-bit ones.
struct TilePlacement {
  bool inL1 = false;
  // An L1 buffer's shards (shardRows 0: interleaved over every core).
  uint32_t colsTiles = 1, shardRows = 0, shardCols = 1, shardsPerRow = 1, shardCoresX = 1;

  explicit TilePlacement(const ttb::Buffer &b);
  /// The core (x, y) whose L1 holds tile `tile`, for an L1 buffer.
  std::pair<int, int> coreOf(int64_t tile, const ChipDesc &chip) const {
    uint32_t t = uint32_t(tile);
    if (shardRows > 0) {
      uint32_t row = t / colsTiles, col = t % colsTiles;
      uint32_t shard = row / shardRows * shardsPerRow + col / shardCols;
      return {int(shard % shardCoresX), int(shard / shardCoresX)};
    }
    uint32_t core = t % uint32_t(chip.gridX * chip.gridY);
    return {int(core % uint32_t(chip.gridX)), int(core / uint32_t(chip.gridX))};
  }
};

/// Each buffer's placement, in buffer order.
std::vector<TilePlacement> placementsOf(const ttb::Binary &bin);

/// The core (x, y) whose L1 holds tile `tile` of L1 buffer `b`.
inline std::pair<int, int> l1CoreOf(const ttb::Buffer &b, int64_t tile, const ChipDesc &chip) {
  return TilePlacement(b).coreOf(tile, chip);
}

/// Every L1 buffer that some dispatch lists, in buffer order.
std::vector<L1Tensor> l1Tensors(const ttb::Binary &bin, const ChipDesc &chip);

} // namespace tessel::rt

#endif
