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
#include "tessel/runtime/L1Tensors.h"

namespace tessel::rt {

DispatchRunner::TileHome DispatchRunner::homeOf(uint32_t buf, int64_t tile) const {
  const TilePlacement &p = state.placements[buf];
  if (p.inL1) {
    auto [x, y] = p.coreOf(tile, chip);
    return {state.noc.worker(x, y), std::nullopt};
  }
  int channel = int(tile % chip.dramChannels);
  return {state.noc.dramChannel(channel), channel};
}

int64_t DispatchRunner::readLands(const Thread &t, uint32_t buf, int64_t tile, int64_t bytes) {
  NocModel &noc = state.noc;
  NocNode self = noc.worker(t.core->x, t.core->y);
  TileHome home = homeOf(buf, tile);
  stats.nocBytes += bytes;
  int64_t ready = t.time + noc.hops(0, self, home.node) * chip.nocHopCycles;
  if (home.channel) {
    ready = state.dramTiming.serve(*home.channel, ready, bytes) + state.dramTiming.latency();
    stats.dramBytesRead += bytes;
  } else {
    stats.l1BytesRead += bytes;
  }
  return noc.send(0, home.node, self, ready, bytes);
}

int64_t DispatchRunner::writeLands(const Thread &t, uint32_t buf, int64_t tile, int64_t bytes,
                                   int64_t &departed, int noc) {
  NocModel &nocs = state.noc;
  NocNode self = nocs.worker(t.core->x, t.core->y);
  TileHome home = homeOf(buf, tile);
  stats.nocBytes += bytes;
  // Landed when the data is in the channel (which absorbs it at its rate) or the home core's L1,
  // and the acknowledgement is back (over the other NoC's route, as a read's response).
  departed = t.time;
  int64_t arrived = nocs.send(noc, self, home.node, t.time, bytes, &departed);
  if (home.channel) {
    arrived = state.dramTiming.serve(*home.channel, arrived, bytes);
    stats.dramBytesWritten += bytes;
  } else {
    stats.l1BytesWritten += bytes;
  }
  return arrived + nocs.hops(1 - noc, home.node, self) * chip.nocHopCycles;
}

} // namespace tessel::rt
