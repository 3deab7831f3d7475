//===- CircularBuffer.cpp - One core's circular buffer in L1 --------------===//
#include "CircularBuffer.h"

#include <algorithm>

namespace tessel::rt {

CircularBuffer::CircularBuffer(uint32_t id, DataFormat format, int numTiles, float *storage,
                               CbSlot *slots)
    : cbId(id), fmt(format), numTiles(numTiles), data(storage), slots(slots) {
  for (CbSlot *s = slots; s != slots + numTiles; ++s) {
    s->readyTime = s->freeTime = 0;
    s->job = 0;
    s->readers.clear(); // keeps what it had allocated
    s->origin = {};
    s->untouched = true;
  }
}

int64_t CircularBuffer::freedAt(int n) const {
  int64_t t = 0;
  for (int i = 0; i < n; ++i)
    t = std::max(t, slots[(writePtr + i) % numTiles].freeTime);
  return t;
}

int64_t CircularBuffer::publishedAt(int n) const {
  int64_t t = 0;
  for (int i = 0; i < n; ++i)
    t = std::max(t, slots[(readPtr + i) % numTiles].readyTime);
  return t;
}

void CircularBuffer::push(int n, int64_t time) {
  for (int i = 0; i < n; ++i)
    slots[(writePtr + i) % numTiles].readyTime = time;
  writePtr = (writePtr + n) % numTiles;
  occupied += n;
}

void CircularBuffer::pop(int n, int64_t time) {
  for (int i = 0; i < n; ++i)
    slots[(readPtr + i) % numTiles].freeTime = time;
  readPtr = (readPtr + n) % numTiles;
  occupied -= n;
}

void CircularBuffer::firstUse(int64_t index, bool whole) {
  slots[index].untouched = false;
  if (!whole) {
    float *p = data + index * kTileElems;
    std::fill(p, p + kTileElems, 0.0f);
  }
}

} // namespace tessel::rt
