//===- TileMemory.cpp - When a tile read or write lands, DRAM or L1 -------===//
//
// A buffer's tiles are interleaved over the DRAM channels or over the cores'
// L1, or sharded over the cores' L1 (ttb.fbs, table Buffer). A DRAM page costs
// the request's hops, the channel's streaming and latency, and the data's way
// back on the NoC. An L1 page is another core's memory: the request's hops and
// the data's way back, with no channel to queue on, as a NoC read of a remote
// L1 bank on the chip.
//
//===----------------------------------------------------------------------===//
#include "Dispatch.h"

namespace tessel::rt {

int64_t DispatchRunner::readLands(const Thread &t, uint32_t buf, int64_t tile, int64_t bytes,
                                  bool nearer, int noc) {
  NocModel &nocs = state.noc;
  NocNode self = nocs.worker(t.core->x, t.core->y);
  int channel;
  NocNode home = homeOf(buf, tile, channel);
  stats.nocBytes += bytes;
  // A read's request and its response travel the same NoC.
  int which = !nearer ? noc : nocs.hops(1, home, self) < nocs.hops(0, home, self) ? 1 : 0;
  int64_t ready = t.time + nocs.hops(which, self, home) * chip.nocHopCycles;
  if (channel >= 0) {
    ready = state.dramTiming.serve(channel, ready, bytes) + state.dramTiming.latency();
    stats.dramBytesRead += bytes;
  } else {
    stats.l1BytesRead += bytes;
  }
  return nocs.send(which, home, self, ready, bytes);
}

int64_t DispatchRunner::writeLands(const Thread &t, uint32_t buf, int64_t tile, int64_t bytes,
                                   int64_t &departed, int noc) {
  NocModel &nocs = state.noc;
  NocNode self = nocs.worker(t.core->x, t.core->y);
  int channel;
  NocNode home = homeOf(buf, tile, channel);
  stats.nocBytes += bytes;
  // Landed when the data is in the channel (which absorbs it at its rate) or the home core's L1,
  // and the acknowledgement is back (over the other NoC's route, as a read's response).
  departed = t.time;
  int64_t arrived = nocs.send(noc, self, home, t.time, bytes, &departed);
  if (channel >= 0) {
    arrived = state.dramTiming.serve(channel, arrived, bytes);
    stats.dramBytesWritten += bytes;
  } else {
    stats.l1BytesWritten += bytes;
  }
  return arrived + nocs.hops(1 - noc, home, self) * chip.nocHopCycles;
}

} // namespace tessel::rt
