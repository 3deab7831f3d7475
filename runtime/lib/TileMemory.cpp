//===- TileMemory.cpp - When a tile read or write lands, DRAM or L1 -------===//
//
// A buffer's tiles are interleaved either over the DRAM channels or over the
// cores' L1 (ttb.fbs, table Buffer). A DRAM page costs the request's hops, the
// channel's streaming and latency, and the data's way back on the NoC. An L1
// page is another core's memory: the request's hops and the data's way back,
// with no channel to queue on, as a NoC read of a remote L1 bank on the chip.
//
//===----------------------------------------------------------------------===//
#include "Dispatch.h"

namespace tessel::rt {

NocNode DispatchRunner::l1Home(int64_t tile) const {
  int64_t core = tile % (int64_t(chip.gridX) * chip.gridY);
  return state.noc.worker(int(core % chip.gridX), int(core / chip.gridX));
}

int64_t DispatchRunner::readLands(const Thread &t, uint32_t buf, int64_t tile, int64_t bytes) {
  NocModel &noc = state.noc;
  NocNode self = noc.worker(t.core->x, t.core->y);
  stats.nocBytes += bytes;
  if (state.inL1(buf)) {
    NocNode home = l1Home(tile);
    int64_t request = t.time + noc.hops(0, self, home) * chip.nocHopCycles;
    stats.l1BytesRead += bytes;
    return noc.send(0, home, self, request, bytes);
  }
  int channel = int(tile % chip.dramChannels);
  NocNode dram = noc.dramChannel(channel);
  int64_t request = t.time + noc.hops(0, self, dram) * chip.nocHopCycles;
  int64_t ready = state.dramTiming.serve(channel, request, bytes) + state.dramTiming.latency();
  stats.dramBytesRead += bytes;
  return noc.send(0, dram, self, ready, bytes);
}

int64_t DispatchRunner::writeLands(const Thread &t, uint32_t buf, int64_t tile, int64_t bytes) {
  NocModel &noc = state.noc;
  NocNode self = noc.worker(t.core->x, t.core->y);
  stats.nocBytes += bytes;
  if (state.inL1(buf)) {
    // Landed when the data is in the home core's L1 and the acknowledgement is back.
    NocNode home = l1Home(tile);
    stats.l1BytesWritten += bytes;
    return noc.send(1, self, home, t.time, bytes) + noc.hops(0, home, self) * chip.nocHopCycles;
  }
  int channel = int(tile % chip.dramChannels);
  NocNode dram = noc.dramChannel(channel);
  int64_t arrive = noc.send(1, self, dram, t.time, bytes);
  // Landed when the channel has absorbed it and the acknowledgement is back.
  stats.dramBytesWritten += bytes;
  return state.dramTiming.serve(channel, arrive, bytes) + noc.hops(0, dram, self) * chip.nocHopCycles;
}

} // namespace tessel::rt
