//===- Dram.h - DRAM contents and channel timing --------------------------===//
#ifndef TESSEL_RUNTIME_LIB_DRAM_H
#define TESSEL_RUNTIME_LIB_DRAM_H

#include "ZeroedFloats.h"
#include "tessel/runtime/Chip.h"
#include "tessel/runtime/Formats.h"

#include <cstdint>
#include <vector>

namespace tessel::rt {

/// Every buffer's tiles as floats already rounded to the buffer's format
/// (exactly the values its packed bytes encode). Storage is per buffer, not
/// per address: buffers the compiler placed at the same address with disjoint
/// lifetimes behave the same either way.
class DramStorage {
public:
  void init(const std::vector<int64_t> &tilesPerBuffer);
  /// Tile `t` of buffer `id`, allocated (zeroed) on first touch.
  float *tile(uint32_t id, int64_t t);
  int64_t tiles(uint32_t id) const { return tileCounts[id]; }

private:
  std::vector<int64_t> tileCounts;
  std::vector<ZeroedFloats> data;
};

/// Channel bandwidth with a busy-until per channel, plus fixed latency. A
/// channel streams at its sustained rate (peak x dram_efficiency_percent);
/// busy-until times stay fractional so that rates like 22.08 B/cycle add up
/// without per-request rounding.
class DramTiming {
public:
  explicit DramTiming(const ChipDesc &chip)
      : chip(chip), bytesPerCycle(chip.dramSustainedBytesPerCycle()) {
    reset();
  }
  void reset() { busy.assign(size_t(chip.dramChannels), 0.0); }
  /// A request of `bytes` reaching `channel` at `arrive`; returns when the
  /// channel has streamed the data (reads add latency on top).
  int64_t serve(int channel, int64_t arrive, int64_t bytes);
  int64_t latency() const { return chip.dramLatencyCycles; }

private:
  const ChipDesc &chip;
  double bytesPerCycle;
  std::vector<double> busy;
};

} // namespace tessel::rt

#endif
