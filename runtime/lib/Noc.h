//===- Noc.h - Timing model of the two NoC tori ---------------------------===//
//
// Worker core (x, y) sits at NoC node (x + 1, y) on a torus of width
// gridX + 2 and height gridY; DRAM channels occupy columns 0 and gridX + 1.
// NoC0 routes +x then +y, NoC1 -x then -y, both wrapping. Each link moves
// nocFlitBytes per cycle and stays busy while a packet streams through it
// (contention); the head pays nocHopCycles per hop (wormhole switching).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_NOC_H
#define TESSEL_RUNTIME_LIB_NOC_H

#include "tessel/runtime/Chip.h"

#include <cstdint>
#include <vector>

namespace tessel::rt {

struct NocNode {
  int x, y;
};

class NocModel {
public:
  explicit NocModel(const ChipDesc &chip);
  /// Forgets link occupancy (each dispatch starts on an idle chip).
  void reset();

  NocNode worker(int x, int y) const { return {x + 1, y}; }
  NocNode dramChannel(int channel) const;
  int hops(int noc, NocNode from, NocNode to) const;

  /// Streams `bytes` from `from` to `to` on `noc`, injected at `start`;
  /// returns when the last byte arrives. Packets over nocMaxPacketBytes are
  /// split and follow each other.
  int64_t send(int noc, NocNode from, NocNode to, int64_t start, int64_t bytes);

  /// One packet to many nodes along a tree: a link shared by several
  /// destinations carries the data once. Returns the arrival at each node.
  std::vector<int64_t> multicast(int noc, NocNode from,
                                 const std::vector<NocNode> &to, int64_t start,
                                 int64_t bytes);

private:
  const ChipDesc &chip;
  int width, height;
  std::vector<int64_t> linkBusy; // [noc][y][x][dim]: link leaving node (x, y)

  int64_t &link(int noc, NocNode n, int dim) {
    return linkBusy[((size_t(noc) * height + n.y) * width + n.x) * 2 + dim];
  }
  template <typename Fn> void walk(int noc, NocNode from, NocNode to, Fn fn);
  int64_t sendPacket(int noc, NocNode from, NocNode to, int64_t start,
                     int64_t bytes);
};

} // namespace tessel::rt

#endif
