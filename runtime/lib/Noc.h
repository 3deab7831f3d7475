//===- Noc.h - Timing model of the two NoC tori ---------------------------===//
//
// The torus is gridX + 2 nodes wide and gridY high. Two columns hold the DRAM
// channels, as on Wormhole where the DRAM columns split the Tensix grid: the
// west edge (column 0) and the middle (column gridX/2 + 1). Worker core (x, y)
// sits at node (x + 1, y) west of the middle column and (x + 2, y) east of it.
// Channel c is in the west column for c < channels/2, else the middle one, at
// row (c mod channels/2), so the worker just east of a channel is one hop
// away on NoC0 and each row's two channels feed opposite halves of the ring.
// NoC0 routes +x then +y, NoC1 -x then -y, both wrapping. Each link moves
// nocFlitBytes per cycle and is held while a packet streams through it
// (contention); the head pays nocHopCycles per hop (wormhole switching).
// Packets are booked when their sender issues them, which is not the order
// in which they reach a link (a DRAM response leaves when its channel gets to
// it), so a link keeps a calendar of busy cycles. Routers arbitrate flit by
// flit, so a packet takes the first free cycles from when its head arrives,
// contiguous or not: packets crossing one link share it instead of leaving
// gaps too short for a whole packet.
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

/// Busy cycles of one link, a bit per cycle. A link is booked packet by packet, mostly just after
/// the simulation's present but also well ahead of it (a DRAM response leaves when its channel
/// gets to it), and a packet takes free cycles wherever they are: finding and setting them is a
/// few word operations on bits, where a list of intervals shifts its tail to insert or merge one.
/// The words form a ring that covers the span from the oldest cycle still remembered to the
/// latest booked one, and grows when a booking reaches past it.
class LinkCalendar {
public:
  /// Books the first `flits` free cycles at or after `earliest`; returns the
  /// first and the last of them.
  std::pair<int64_t, int64_t> reserve(int64_t earliest, int64_t flits) {
    // Mostly the link is free from `earliest` on: then those are the first free cycles.
    int64_t w = earliest >> 6, at = earliest & 63;
    if (w >= low && w < high && flits > 0 && at + flits <= 64) {
      uint64_t want = (flits == 64 ? ~uint64_t(0) : (uint64_t(1) << flits) - 1) << at;
      uint64_t &bits = word(w);
      if (!(bits & want)) {
        bits |= want;
        return {earliest, earliest + flits - 1};
      }
    }
    return reserveSlow(earliest, flits);
  }
  void clear();
  /// Asks the cache for the word holding `cycle`, which a booking will soon read.
  void prefetch(int64_t cycle) const {
    int64_t w = cycle >> 6;
    if (w >= low && w < high)
      __builtin_prefetch(&words[size_t(w) & (words.size() - 1)], 1);
  }
  /// Drops bookings before `horizon`: no later request can start before it.
  void forgetBefore(int64_t horizon) {
    if ((horizon >> 6) > low)
      forgetWords(horizon >> 6);
  }

private:
  // Word w (cycles 64w to 64w + 63) is words[w & (words.size() - 1)] for w in [low, high); every
  // word outside that range is free, and so is its slot.
  std::vector<uint64_t> words;
  // A bit per slot of `words`: set only for a word in [low, high) that is full (searches set
  // it as they meet one).
  std::vector<uint64_t> full;
  int64_t low = 0, high = 0;

  uint64_t &word(int64_t w) { return words[size_t(w) & (words.size() - 1)]; }
  /// Makes word `w` addressable: the range [low, high) grows to hold it, the ring with it.
  void cover(int64_t w);
  void markFull(int64_t w) {
    size_t i = size_t(w) & (words.size() - 1);
    full[i >> 6] |= uint64_t(1) << (i & 63);
  }
  /// The first word from `w` on that is not marked full; `high` if all up to it are.
  int64_t nextNotFull(int64_t w) const;
  std::pair<int64_t, int64_t> reserveSlow(int64_t earliest, int64_t flits);
  /// Forgets words before `w`, which is past `low`.
  void forgetWords(int64_t w);
};

class NocModel {
public:
  explicit NocModel(const ChipDesc &chip);
  /// Forgets link occupancy (each dispatch starts on an idle chip).
  void reset();
  /// The simulation has reached `now`: every later request starts at or after it, so bookings
  /// that end by then can go. Keeps the calendars small; changes no result.
  void advanceTo(int64_t now) { horizon = now; }

  NocNode worker(int x, int y) const {
    return {x + 1 + (x >= chip.gridX / 2 ? 1 : 0), y};
  }
  NocNode dramChannel(int channel) const;
  int hops(int noc, NocNode from, NocNode to) const {
    // Both nodes are on the torus, so each difference is within one lap.
    int dx = noc == 0 ? to.x - from.x : from.x - to.x;
    int dy = noc == 0 ? to.y - from.y : from.y - to.y;
    return (dx < 0 ? dx + width : dx) + (dy < 0 ? dy + height : dy);
  }

  /// Streams `bytes` from `from` to `to` on `noc`, injected at `start`;
  /// returns when the last byte arrives. Packets over nocMaxPacketBytes are
  /// split and follow each other.
  /// With `departed`, also the cycle after the last byte left `from` (the source buffer may be
  /// reused from then on).
  int64_t send(int noc, NocNode from, NocNode to, int64_t start, int64_t bytes,
               int64_t *departed = nullptr);

  /// When a semaphore increment issued at `issued` reaches `to`: one small posted write on NoC1,
  /// its head's hops and a cycle (links are not booked for it).
  int64_t semaphoreArrival(NocNode from, NocNode to, int64_t issued) const {
    return issued + 1 + hops(1, from, to) * chip.nocHopCycles;
  }

  /// One packet to many nodes along a tree: a link shared by several
  /// destinations carries the data once. Returns the arrival at each node, valid until the
  /// next multicast (a dispatch multicasts tens of thousands of times).
  const std::vector<int64_t> &multicast(int noc, NocNode from, const std::vector<NocNode> &to,
                                        int64_t start, int64_t bytes);

private:
  const ChipDesc &chip;
  int width, height;
  // [noc][y][x][dim]: link leaving node (x, y) in x (0) or y (1), or (2) the node's own port,
  // which a packet to the node itself crosses instead (a read of the core's own L1).
  std::vector<LinkCalendar> linkBusy;
  int64_t horizon = 0;
  // Per link, the multicast that last claimed it (its number) and the packet's (head, tail)
  // after it: a multicast's tree crosses each link once.
  std::vector<uint64_t> claimedBy;
  std::vector<std::pair<int64_t, int64_t>> claimedAt;
  uint64_t multicasts = 0;
  std::vector<int64_t> arrivals; // the last multicast's

  LinkCalendar &link(int noc, NocNode n, int dim) {
    LinkCalendar &c = linkBusy[((size_t(noc) * height + n.y) * width + n.x) * 3 + dim];
    c.forgetBefore(horizon);
    return c;
  }
  template <typename Fn> void walk(int noc, NocNode from, NocNode to, Fn fn);
  /// sendPacket's route, a link at a time (no route crosses width + height links).
  std::vector<LinkCalendar *> route;
  int64_t sendPacket(int noc, NocNode from, NocNode to, int64_t start,
                     int64_t bytes, int64_t *departed);
};

} // namespace tessel::rt

#endif
