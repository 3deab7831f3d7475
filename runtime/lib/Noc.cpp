//===- Noc.cpp - NoC timing model -----------------------------------------===//
#include "Noc.h"

#include <algorithm>
#include <map>

namespace tessel::rt {

NocModel::NocModel(const ChipDesc &chip)
    : chip(chip), width(chip.gridX + 2), height(chip.gridY) {
  reset();
}

void NocModel::reset() { linkBusy.assign(size_t(2) * width * height * 2, 0); }

NocNode NocModel::dramChannel(int channel) const {
  int half = std::max(1, chip.dramChannels / 2);
  int column = channel < half ? 0 : chip.gridX + 1;
  return {column, (channel % half) * chip.gridY / half};
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
                             int64_t bytes) {
  int64_t serialize = (bytes + chip.nocFlitBytes - 1) / chip.nocFlitBytes;
  int64_t head = start;
  walk(noc, from, to, [&](NocNode n, int dim) {
    int64_t &busy = link(noc, n, dim);
    int64_t enter = std::max(head, busy);
    busy = enter + serialize;
    head = enter + chip.nocHopCycles;
  });
  return head + serialize;
}

int64_t NocModel::send(int noc, NocNode from, NocNode to, int64_t start,
                       int64_t bytes) {
  int64_t arrival = start;
  for (int64_t left = bytes; left > 0; left -= chip.nocMaxPacketBytes)
    arrival = std::max(arrival, sendPacket(noc, from, to, start,
                                           std::min(left, chip.nocMaxPacketBytes)));
  return arrival;
}

std::vector<int64_t> NocModel::multicast(int noc, NocNode from,
                                         const std::vector<NocNode> &to,
                                         int64_t start, int64_t bytes) {
  int64_t serialize = (bytes + chip.nocFlitBytes - 1) / chip.nocFlitBytes;
  // Head time after each link this packet has already claimed.
  std::map<int64_t *, int64_t> claimed;
  std::vector<int64_t> arrivals;
  for (NocNode dst : to) {
    int64_t head = start;
    walk(noc, from, dst, [&](NocNode n, int dim) {
      int64_t *busy = &link(noc, n, dim);
      auto it = claimed.find(busy);
      if (it != claimed.end()) {
        head = it->second;
        return;
      }
      int64_t enter = std::max(head, *busy);
      *busy = enter + serialize;
      head = enter + chip.nocHopCycles;
      claimed[busy] = head;
    });
    arrivals.push_back(head + serialize);
  }
  return arrivals;
}

} // namespace tessel::rt
