//===- Dram.cpp - DRAM contents and channel timing ------------------------===//
#include "Dram.h"

#include <algorithm>
#include <cmath>

namespace tessel::rt {

void DramStorage::init(const std::vector<int64_t> &tilesPerBuffer) {
  tileCounts = tilesPerBuffer;
  data.clear();
  data.resize(tilesPerBuffer.size());
}

float *DramStorage::tile(uint32_t id, int64_t t) {
  auto &buf = data[id];
  if (!buf.data())
    buf = ZeroedFloats(size_t(std::max<int64_t>(tileCounts[id], 1) * kTileElems));
  return buf.data() + t * kTileElems;
}

int64_t DramTiming::serve(int channel, int64_t arrive, int64_t bytes) {
  double start = std::max(double(arrive), busy[size_t(channel)]);
  double done = start + double(bytes) / bytesPerCycle;
  busy[size_t(channel)] = done;
  return int64_t(std::ceil(done));
}

} // namespace tessel::rt
