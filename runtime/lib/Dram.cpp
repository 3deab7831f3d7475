//===- Dram.cpp - DRAM contents and channel timing ------------------------===//
#include "Dram.h"

#include <algorithm>
#include <cmath>

namespace tessel::rt {

void DramStorage::init(const std::vector<int64_t> &tilesPerBuffer) {
  tileCounts = tilesPerBuffer;
  data.clear();
  data.resize(tilesPerBuffer.size());
  released.clear();
  slabs.clear();
  own.clear();
}

void DramStorage::setPacked(uint32_t id, const uint8_t *bytes, DataFormat format) {
  Buffer &b = data[id];
  b.storage = {};
  b.zeroed.clear();
  b.packed = bytes;
  b.packedFormat = format;
}

DramStorage::Storage DramStorage::fresh(size_t count) {
  if (count >= kSlabFloats / 2) {
    own.emplace_back(count);
    return {own.back().data(), count};
  }
  return {static_cast<float *>(slabs.carve(count * sizeof(float))), count};
}

void DramStorage::allocate(Buffer &b, uint32_t id) {
  size_t tiles = size_t(std::max<int64_t>(tileCounts[id], 1)), count = tiles * kTileElems;
  if (b.packed) {
    // Decoded whole, once: every tile then has its value, and the packed bytes are done with.
    b.storage = fresh(count);
    int64_t bytes = tileBytes(b.packedFormat);
    for (int64_t t = 0; t < tileCounts[id]; ++t)
      decodeTile(b.packed + t * bytes, b.packedFormat, b.storage.values + t * kTileElems);
    b.packed = nullptr;
    return;
  }
  // The smallest released storage that holds it, if any.
  auto best = released.end();
  for (auto it = released.begin(); it != released.end(); ++it)
    if (it->count >= count && (best == released.end() || it->count < best->count))
      best = it;
  if (best == released.end()) {
    b.storage = fresh(count);
    return;
  }
  b.storage = *best;
  released.erase(best);
  b.zeroed.assign(tiles, false);
}

void DramStorage::zeroTile(Buffer &b, int64_t t) {
  std::fill_n(b.storage.values + t * kTileElems, kTileElems, 0.0f);
  b.zeroed[size_t(t)] = true;
}

float *DramStorage::span(uint32_t id, int64_t first, int64_t count) {
  float *values = tile(id, first);
  for (int64_t t = first + 1; t < first + count; ++t)
    tile(id, t);
  return values;
}

void DramStorage::release(uint32_t id) {
  Buffer &b = data[id];
  if (b.storage.values)
    released.push_back(b.storage);
  b.storage = {};
  b.zeroed.clear();
  b.packed = nullptr;
}

int64_t DramTiming::serve(int channel, int64_t arrive, int64_t bytes) {
  double start = std::max(double(arrive), busy[size_t(channel)]);
  double done = start + double(bytes) / bytesPerCycle;
  busy[size_t(channel)] = done;
  return int64_t(std::ceil(done));
}

} // namespace tessel::rt
