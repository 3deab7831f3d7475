//===- Noc.cpp - NoC timing model -----------------------------------------===//
#include "Noc.h"

#include <algorithm>
#include <tuple>

namespace tessel::rt {

NocModel::NocModel(const ChipDesc &chip)
    : chip(chip), width(chip.gridX + 2), height(chip.gridY), route(size_t(width + height)) {
  reset();
}

namespace {
constexpr size_t kFirstRingWords = 64;

/// The lowest `n` set bits of `bits` (which has more than `n`).
uint64_t lowestSetBits(uint64_t bits, int64_t n) {
  int start = __builtin_ctzll(bits);
  uint64_t run = (n == 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1) << start;
  if (start + n <= 64 && (run & ~bits) == 0)
    return run; // the common case: they are contiguous
  uint64_t rest = bits;
  for (int64_t i = 0; i < n; ++i)
    rest &= rest - 1;
  return bits & ~rest;
}
} // namespace

void LinkCalendar::cover(int64_t w) {
  if (low == high) { // nothing booked: the range starts at w
    if (words.empty()) {
      words.assign(kFirstRingWords, 0);
      full.assign(kFirstRingWords / 64, 0);
    }
    low = w;
    high = w + 1;
    return;
  }
  int64_t newLow = std::min(low, w), newHigh = std::max(high, w + 1);
  if (size_t(newHigh - newLow) > words.size()) {
    size_t size = words.size();
    while (size < size_t(newHigh - newLow))
      size *= 2;
    std::vector<uint64_t> grown(size, 0);
    for (int64_t v = low; v < high; ++v)
      grown[size_t(v) & (size - 1)] = word(v);
    words = std::move(grown);
    full.assign(size / 64, 0); // marked again as searches meet them
  }
  low = newLow;
  high = newHigh;
}

int64_t LinkCalendar::nextNotFull(int64_t w) const {
  while (w < high) {
    size_t i = size_t(w) & (words.size() - 1);
    uint64_t notFull = ~full[i >> 6] >> (i & 63);
    if (notFull)
      return std::min(high, w + __builtin_ctzll(notFull));
    w += 64 - int64_t(i & 63);
  }
  return high;
}

std::pair<int64_t, int64_t> LinkCalendar::reserveSlow(int64_t earliest, int64_t flits) {
  int64_t first = -1, last = -1;
  for (int64_t t = earliest; flits > 0;) {
    int64_t w = t >> 6;
    if (w < low || w >= high)
      cover(w);
    uint64_t &bits = word(w);
    uint64_t free = ~bits & (~uint64_t(0) << (t & 63));
    if (!free) {
      // A busy link is booked far ahead: skip the words known to be full.
      if (!~bits)
        markFull(w);
      t = nextNotFull(w + 1) * 64;
      continue;
    }
    // The free bits are mostly one run, whose length needs no population count.
    uint64_t run = free >> __builtin_ctzll(free);
    int64_t count = (run & (run + 1)) == 0 ? 64 - __builtin_clzll(run)
                                           : __builtin_popcountll(free);
    uint64_t take = count <= flits ? free : lowestSetBits(free, flits);
    bits |= take;
    if (!~bits)
      markFull(w);
    if (first < 0)
      first = w * 64 + __builtin_ctzll(take);
    last = w * 64 + 63 - __builtin_clzll(take);
    flits -= std::min(count, flits);
    t = (t | 63) + 1;
  }
  return {first, last};
}

void LinkCalendar::forgetWords(int64_t w) {
  for (; low < std::min(w, high); ++low) {
    size_t i = size_t(low) & (words.size() - 1);
    words[i] = 0;
    full[i >> 6] &= ~(uint64_t(1) << (i & 63));
  }
  if (w >= high)
    low = high = w; // nothing left: the range starts again wherever the next booking is
}

void LinkCalendar::clear() {
  forgetWords(high);
  low = high = 0;
}

void NocModel::reset() {
  linkBusy.resize(size_t(2) * width * height * 3);
  claimedBy.assign(linkBusy.size(), 0);
  claimedAt.resize(linkBusy.size());
  multicasts = 0;
  horizon = 0;
  for (LinkCalendar &c : linkBusy)
    c.clear();
}

NocNode NocModel::dramChannel(int channel) const {
  int half = std::max(1, (chip.dramChannels + 1) / 2);
  int column = channel < half ? 0 : chip.gridX / 2 + 1;
  return {column, (channel % half) % chip.gridY};
}

// Calls fn(node, dim) for every link on the dimension-ordered route.
template <typename Fn>
void NocModel::walk(int noc, NocNode from, NocNode to, Fn fn) {
  NocNode at = from;
  while (at.x != to.x) {
    fn(at, 0);
    at.x = noc == 0 ? (at.x + 1 == width ? 0 : at.x + 1) : (at.x == 0 ? width - 1 : at.x - 1);
  }
  while (at.y != to.y) {
    fn(at, 1);
    at.y = noc == 0 ? (at.y + 1 == height ? 0 : at.y + 1) : (at.y == 0 ? height - 1 : at.y - 1);
  }
}

int64_t NocModel::sendPacket(int noc, NocNode from, NocNode to, int64_t start,
                             int64_t bytes, int64_t *departed) {
  int64_t serialize = (bytes + chip.nocFlitBytes - 1) / chip.nocFlitBytes;
  // head: when the first flit reaches the next router; tail: the last flit.
  int64_t head = start, tail = start + serialize - 1;
  // Each hop's booking waits on the last one's: fetch every link's calendar and the word the
  // head will likely need first, so that their cache misses overlap instead of following
  // each other.
  int links = 0;
  walk(noc, from, to, [&](NocNode n, int dim) { route[links++] = &link(noc, n, dim); });
  for (int i = 0; i < links; ++i)
    route[i]->prefetch(start + int64_t(i) * chip.nocHopCycles);
  for (int i = 0; i < links; ++i) {
    auto [first, last] = route[i]->reserve(head, serialize);
    if (i == 0 && departed)
      *departed = std::max(*departed, last + 1);
    head = first + chip.nocHopCycles;
    tail = std::max(tail, last) + chip.nocHopCycles;
  }
  if (links == 0) {
    // To itself: the node's own port, at a flit a cycle like a link.
    int64_t last = link(noc, from, 2).reserve(start, serialize).second;
    if (departed)
      *departed = std::max(*departed, last + 1);
    return last + 1;
  }
  return tail + 1;
}

int64_t NocModel::send(int noc, NocNode from, NocNode to, int64_t start,
                       int64_t bytes, int64_t *departed) {
  int64_t arrival = start;
  for (int64_t left = bytes; left > 0; left -= chip.nocMaxPacketBytes)
    arrival = std::max(arrival, sendPacket(noc, from, to, start,
                                           std::min(left, chip.nocMaxPacketBytes), departed));
  return arrival;
}

const std::vector<int64_t> &NocModel::multicast(int noc, NocNode from,
                                                const std::vector<NocNode> &to, int64_t start,
                                                int64_t bytes) {
  int64_t serialize = (bytes + chip.nocFlitBytes - 1) / chip.nocFlitBytes;
  uint64_t self = ++multicasts;
  arrivals.clear();
  for (NocNode dst : to) {
    int64_t head = start, tail = start + serialize - 1;
    walk(noc, from, dst, [&](NocNode n, int dim) {
      LinkCalendar *l = &link(noc, n, dim);
      size_t index = size_t(l - linkBusy.data());
      if (claimedBy[index] == self) {
        std::tie(head, tail) = claimedAt[index];
        return;
      }
      auto [first, last] = l->reserve(head, serialize);
      head = first + chip.nocHopCycles;
      tail = std::max(tail, last) + chip.nocHopCycles;
      claimedBy[index] = self;
      claimedAt[index] = {head, tail};
    });
    arrivals.push_back(tail + 1);
  }
  return arrivals;
}

} // namespace tessel::rt
