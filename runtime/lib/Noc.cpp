//===- Noc.cpp - NoC timing model -----------------------------------------===//
#include "Noc.h"

#include <algorithm>
#include <tuple>

namespace tessel::rt {

NocModel::NocModel(const ChipDesc &chip)
    : chip(chip), width(chip.gridX + 2), height(chip.gridY) {
  reset();
}

std::pair<int64_t, int64_t> LinkCalendar::reserve(int64_t earliest, int64_t flits) {
  // Most requests come after everything booked so far: append.
  if (busy.size() == head || earliest >= busy.back().second) {
    if (busy.size() > head && busy.back().second == earliest)
      busy.back().second = earliest + flits;
    else
      busy.push_back({earliest, earliest + flits});
    return {earliest, earliest + flits - 1};
  }
  int64_t t = earliest, first = -1, last = -1;
  while (flits > 0) {
    // The first booking starting after t.
    auto next = std::upper_bound(busy.begin() + long(head), busy.end(), t,
                                 [](int64_t v, const std::pair<int64_t, int64_t> &b) {
                                   return v < b.first;
                                 });
    size_t idx = size_t(next - busy.begin());
    if (idx > head && busy[idx - 1].second > t) {
      t = busy[idx - 1].second; // t is booked: skip to the end of it
      continue;
    }
    int64_t end = next == busy.end() ? t + flits : std::min(next->first, t + flits);
    if (first < 0)
      first = t;
    last = end - 1;
    flits -= end - t;
    // Book [t, end), merging with the bookings it touches.
    int64_t bookedEnd = end;
    if (next != busy.end() && next->first == end) {
      bookedEnd = next->second;
      busy.erase(next);
    }
    if (idx > head && busy[idx - 1].second == t)
      busy[idx - 1].second = bookedEnd;
    else
      busy.insert(busy.begin() + long(idx), {t, bookedEnd});
    t = end;
  }
  return {first, last};
}

void LinkCalendar::forgetBefore(int64_t horizon) {
  while (head < busy.size() && busy[head].second <= horizon)
    ++head;
  if (head > 64 && 2 * head > busy.size()) {
    busy.erase(busy.begin(), busy.begin() + long(head));
    head = 0;
  }
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

int NocModel::hops(int noc, NocNode from, NocNode to) const {
  int dx = noc == 0 ? to.x - from.x : from.x - to.x;
  int dy = noc == 0 ? to.y - from.y : from.y - to.y;
  return (dx % width + width) % width + (dy % height + height) % height;
}

// Calls fn(node, dim) for every link on the dimension-ordered route.
template <typename Fn>
void NocModel::walk(int noc, NocNode from, NocNode to, Fn fn) {
  int step = noc == 0 ? 1 : -1;
  NocNode at = from;
  while (at.x != to.x) {
    fn(at, 0);
    at.x = (at.x + step + width) % width;
  }
  while (at.y != to.y) {
    fn(at, 1);
    at.y = (at.y + step + height) % height;
  }
}

int64_t NocModel::sendPacket(int noc, NocNode from, NocNode to, int64_t start,
                             int64_t bytes, int64_t *departed) {
  int64_t serialize = (bytes + chip.nocFlitBytes - 1) / chip.nocFlitBytes;
  // head: when the first flit reaches the next router; tail: the last flit.
  int64_t head = start, tail = start + serialize - 1;
  bool firstLink = true;
  walk(noc, from, to, [&](NocNode n, int dim) {
    auto [first, last] = link(noc, n, dim).reserve(head, serialize);
    if (firstLink && departed)
      *departed = std::max(*departed, last + 1);
    firstLink = false;
    head = first + chip.nocHopCycles;
    tail = std::max(tail, last) + chip.nocHopCycles;
  });
  if (firstLink) {
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

std::vector<int64_t> NocModel::multicast(int noc, NocNode from,
                                         const std::vector<NocNode> &to,
                                         int64_t start, int64_t bytes) {
  int64_t serialize = (bytes + chip.nocFlitBytes - 1) / chip.nocFlitBytes;
  uint64_t self = ++multicasts;
  std::vector<int64_t> arrivals;
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
