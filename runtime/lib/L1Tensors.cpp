//===- L1Tensors.cpp - Live ranges of the tensors kept in L1 --------------===//
#include "tessel/runtime/L1Tensors.h"
#include "tessel/runtime/Formats.h"

namespace tessel::rt {

int64_t l1BytesPerCore(const ttb::Buffer &b, const ChipDesc &chip) {
  if (b.shard_rows() > 0)
    return b.shard_rows() * b.shard_cols() * tileBytes(b.format());
  return interleavedChannelBytes(b.batch() * b.rows_tiles() * b.cols_tiles(), b.format(),
                                 chip.gridX * chip.gridY);
}

TilePlacement::TilePlacement(const ttb::Buffer &b) : inL1(b.memory() == ttb::MemorySpace::L1) {
  if (b.shard_rows() <= 0)
    return;
  colsTiles = uint32_t(b.cols_tiles());
  shardRows = uint32_t(b.shard_rows());
  shardCols = uint32_t(b.shard_cols());
  shardsPerRow = uint32_t(tessel::rt::shardsPerRow(colsTiles, shardCols));
  shardCoresX = uint32_t(b.shard_cores_x());
}

std::vector<TilePlacement> placementsOf(const ttb::Binary &bin) {
  std::vector<TilePlacement> out;
  if (bin.buffers())
    for (const ttb::Buffer *b : *bin.buffers())
      out.emplace_back(*b);
  return out;
}

std::vector<L1Tensor> l1Tensors(const ttb::Binary &bin, const ChipDesc &chip) {
  std::vector<L1Tensor> out;
  if (!bin.buffers() || !bin.dispatches())
    return out;
  std::vector<int64_t> index(bin.buffers()->size(), -1);
  for (size_t d = 0; d < bin.dispatches()->size(); ++d) {
    const ttb::Dispatch *dispatch = bin.dispatches()->Get(d);
    if (!dispatch->buffers())
      continue;
    for (uint32_t id : *dispatch->buffers()) {
      if (id >= index.size())
        continue;
      const ttb::Buffer *b = bin.buffers()->Get(id);
      if (b->memory() != ttb::MemorySpace::L1)
        continue;
      if (index[id] < 0) {
        int64_t bytes = l1BytesPerCore(*b, chip);
        index[id] = int64_t(out.size());
        out.push_back({id, int64_t(b->address()), int64_t(b->address()) + bytes, d, d});
      }
      out[size_t(index[id])].lastDispatch = d;
    }
  }
  return out;
}

} // namespace tessel::rt
