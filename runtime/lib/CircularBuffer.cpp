//===- CircularBuffer.cpp - One core's circular buffer in L1 --------------===//
#include "CircularBuffer.h"

#include <algorithm>

namespace tessel::rt {

CircularBuffer::CircularBuffer(uint32_t id, DataFormat format, int numTiles, float *storage)
    : cbId(id), fmt(format), numTiles(numTiles),
      data(storage), untouched(size_t(numTiles), 1),
      readyTime(size_t(numTiles), 0),
      freeTime(size_t(numTiles), 0), jobOfSlot(size_t(numTiles), 0),
      readersOfSlot(size_t(numTiles)), originOfSlot(size_t(numTiles)) {}

int64_t CircularBuffer::freedAt(int n) const {
  int64_t t = 0;
  for (int i = 0; i < n; ++i)
    t = std::max(t, freeTime[size_t((writePtr + i) % numTiles)]);
  return t;
}

int64_t CircularBuffer::publishedAt(int n) const {
  int64_t t = 0;
  for (int i = 0; i < n; ++i)
    t = std::max(t, readyTime[size_t((readPtr + i) % numTiles)]);
  return t;
}

void CircularBuffer::push(int n, int64_t time) {
  for (int i = 0; i < n; ++i)
    readyTime[size_t((writePtr + i) % numTiles)] = time;
  writePtr = (writePtr + n) % numTiles;
  occupied += n;
}

void CircularBuffer::pop(int n, int64_t time) {
  for (int i = 0; i < n; ++i)
    freeTime[size_t((readPtr + i) % numTiles)] = time;
  readPtr = (readPtr + n) % numTiles;
  occupied -= n;
}

void CircularBuffer::firstUse(int64_t index, bool whole) {
  untouched[size_t(index)] = false;
  if (!whole) {
    float *p = data + index * kTileElems;
    std::fill(p, p + kTileElems, 0.0f);
  }
}

} // namespace tessel::rt
