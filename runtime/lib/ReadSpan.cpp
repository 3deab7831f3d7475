//===- ReadSpan.cpp - NOC_READ_SPAN: a run of values out of a tile -------===//
//
// Reshapes, concatenations and the like move values between tile positions;
// the reader fetches each run of consecutive values of a tile row with one
// request, as a data-movement kernel reads a byte range. A run whose source
// lies outside the tensor (convolution padding) is filled with a constant by
// the reader instead, without touching the NoC.
//
//===----------------------------------------------------------------------===//
#include "Dispatch.h"

#include <algorithm>
#include <cstring>

namespace tessel::rt {

DispatchRunner::Step DispatchRunner::execReadSpan(Thread &t, const int32_t *w) {
  // NOC_READ_SPAN buf, tile, src_offset, cb, slot, dst_offset, count, outside, fill
  uint32_t buf = uint32_t(w[0]);
  CircularBuffer &cb = t.core->cbs[size_t(w[3])];
  int64_t slot, dst, count, outside;
  if (!arg(t, 0, slot) || !arg(t, 1, dst) || !arg(t, 2, count) || !arg(t, 3, outside))
    return Step::Failed;
  if (outside != 0) {
    float *slotData = cb.writeSlot(slot);
    if (!slotData || count < 1 || dst < 0 || dst + count > kTileElems) {
      fail(t, "NOC_READ_SPAN fill of " + std::to_string(count) + " values at " +
                  std::to_string(dst) + " in slot " + std::to_string(slot) + " of cb " +
                  std::to_string(cb.id()) + " is out of range");
      return Step::Failed;
    }
    float fill;
    std::memcpy(&fill, &w[8], sizeof fill);
    copyIntoSlot(*t.core, cb, slotData, cbReadInLane[size_t(w[3])], slotData + dst, nullptr,
                 count, roundToFormat(fill, cb.format()));
    busy(t, 1, "NOC");
    return Step::Ran;
  }
  int64_t tile, src;
  if (!arg(t, 4, tile) || !arg(t, 5, src))
    return Step::Failed;
  if (tile < 0 || tile >= state.dram.tiles(buf)) {
    fail(t, "NOC_READ_SPAN of tile " + std::to_string(tile) + " out of range of buffer " +
                std::to_string(buf) + " (" + std::to_string(state.dram.tiles(buf)) + " tiles)");
    return Step::Failed;
  }
  if (count < 1 || src < 0 || dst < 0 || src + count > kTileElems || dst + count > kTileElems) {
    fail(t, "NOC_READ_SPAN of " + std::to_string(count) + " values from " +
                std::to_string(src) + " to " + std::to_string(dst) + " leaves the tile");
    return Step::Failed;
  }
  float *slotData = cb.writeSlot(slot);
  if (!slotData) {
    fail(t, "NOC_READ_SPAN into slot " + std::to_string(slot) + " of cb " +
                std::to_string(cb.id()) + " which has " + std::to_string(cb.freeSlots()) +
                " free slots");
    return Step::Failed;
  }
  copyIntoSlot(*t.core, cb, slotData, readInLane(buf, cb, *t.core), slotData + dst,
               state.dram.tile(buf, tile) + src, count);

  // One request; the payload is at least a flit, as the NoC moves whole flits.
  int64_t bytes = std::max(count * tileBytes(cb.format()) / kTileElems, chip.nocFlitBytes);
  t.pending = std::max(t.pending, readLands(t, buf, tile, bytes));
  busy(t, 1, "NOC");
  return Step::Ran;
}

} // namespace tessel::rt
