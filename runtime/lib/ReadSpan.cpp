//===- ReadSpan.cpp - NOC_READ_SPAN and NOC_READ_RUNS: runs of a tile's values ===//
//
// Reshapes, concatenations and the like move values between tile positions;
// the reader fetches each run of consecutive values of a tile row with one
// request, as a data-movement kernel reads a byte range. A run whose source
// lies outside the tensor (convolution padding) is filled with a constant by
// the reader instead, without touching the NoC.
//
// NOC_READ_RUNS does the same for each run of a slot (its rows, or equal
// pieces of them), and its runs whose sources follow each other (the same
// input tile, each run's values just after the previous run's, or all padding)
// are one request: the run-ahead decoder walks the runs and hands the
// scheduler one record per request. A request costs the thread a cycle per run
// it walked (computing the run's source, as a loop's iteration costs a cycle)
// and one to issue it.
//
//===----------------------------------------------------------------------===//
#include "Dispatch.h"

#include <algorithm>
#include <cstring>

namespace tessel::rt {

DispatchRunner::Step DispatchRunner::readRun(Thread &t, const char *name, uint32_t buf,
                                             int32_t cbId, int32_t fillBits, bool nearer,
                                             int64_t issue) {
  CircularBuffer &cb = t.core->cbs[size_t(cbId)];
  int64_t slot, dst, count, outside;
  if (!arg(t, 0, slot) || !arg(t, 1, dst) || !arg(t, 2, count) || !arg(t, 3, outside))
    return Step::Failed;
  if (outside != 0) {
    float *slotData = cb.writeSlot(slot);
    if (!slotData || count < 1 || dst < 0 || dst + count > kTileElems) {
      fail(t, std::string(name) + " fill of " + std::to_string(count) + " values at " +
                  std::to_string(dst) + " in slot " + std::to_string(slot) + " of cb " +
                  std::to_string(cb.id()) + " is out of range");
      return Step::Failed;
    }
    float fill;
    std::memcpy(&fill, &fillBits, sizeof fill);
    ReadSource filled;
    filled.fill = roundToFormat(fill, cb.format());
    copyIntoSlot(*t.core, cb, slotData, cbReadInLane[size_t(cbId)], slotData + dst, filled,
                 count);
    busy(t, issue, "NOC");
    return Step::Ran;
  }
  int64_t tile, src;
  if (!arg(t, 4, tile) || !arg(t, 5, src))
    return Step::Failed;
  if (tile < 0 || tile >= state.dram.tiles(buf)) {
    fail(t, std::string(name) + " of tile " + std::to_string(tile) + " out of range of buffer " +
                std::to_string(buf) + " (" + std::to_string(state.dram.tiles(buf)) + " tiles)");
    return Step::Failed;
  }
  if (count < 1 || src < 0 || dst < 0 || src + count > kTileElems || dst + count > kTileElems) {
    fail(t, std::string(name) + " of " + std::to_string(count) + " values from " +
                std::to_string(src) + " to " + std::to_string(dst) + " leaves the tile");
    return Step::Failed;
  }
  float *slotData = cb.writeSlot(slot);
  if (!slotData) {
    fail(t, std::string(name) + " into slot " + std::to_string(slot) + " of cb " +
                std::to_string(cb.id()) + " which has " + std::to_string(cb.freeSlots()) +
                " free slots");
    return Step::Failed;
  }
  bool inLane = readInLane(buf, cb, *t.core);
  awaitWriter(*t.core, buf, tile, inLane);
  copyIntoSlot(*t.core, cb, slotData, inLane, slotData + dst, {state.dram.tile(buf, tile) + src},
               count);
  prefetchNextRun(t, buf);

  // One request; the payload is at least a flit, as the NoC moves whole flits.
  int64_t bytes = std::max(count * tileBytes(cb.format()) / kTileElems, chip.nocFlitBytes);
  t.pending = std::max(t.pending, readLands(t, buf, tile, bytes, nearer));
  busy(t, issue, "NOC");
  return Step::Ran;
}

void DispatchRunner::prefetchNextRun(const Thread &t, uint32_t buf) {
  // Gathers read runs scattered over a large tensor, one request after another, each after
  // other threads' turns: the host's caches have long lost the lines, and its prefetchers
  // cannot guess them. The thread's next record, a request of the same instruction, says
  // which line it reads (its record is two lines ahead of the current one, fetched already).
  const int64_t *next = RunAhead::next(t.record);
  if (next >= t.recordsEnd || RunAhead::pcOf(next) != t.pc || RunAhead::numValues(next) != 6)
    return;
  int64_t tile = RunAhead::value(next, 4), src = RunAhead::value(next, 5);
  if (tile >= 0 && tile < state.dram.tiles(buf) && src >= 0 && src < kTileElems &&
      !state.dram.packedTile(buf, tile))
    __builtin_prefetch(state.dram.tile(buf, tile) + src);
}

DispatchRunner::Step DispatchRunner::execReadSpan(Thread &t, const int32_t *w) {
  // NOC_READ_SPAN buf, tile, src_offset, cb, slot, dst_offset, count, outside, fill
  return readRun(t, "NOC_READ_SPAN", uint32_t(w[0]), w[3], w[8], false, 1);
}

DispatchRunner::Step DispatchRunner::execReadRuns(Thread &t, const int32_t *w) {
  // NOC_READ_RUNS buf, cb, slot, run_var, runs, length, per_row, tile, src_offset, outside,
  // fill, nearer; the record holds one request: the runs it joins are its count over their
  // length.
  int64_t count;
  if (!arg(t, 2, count))
    return Step::Failed;
  return readRun(t, "NOC_READ_RUNS", uint32_t(w[0]), w[1], w[10], w[11] != 0,
                 std::max<int64_t>(count / w[5], 1) + 1);
}

} // namespace tessel::rt
