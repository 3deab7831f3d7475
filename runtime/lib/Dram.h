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
///
/// A buffer released after its last use hands its storage to a buffer allocated
/// later, whose tiles are then zeroed one by one as they are first touched:
/// fresh pages cost the system a fault and a clearing each (a sixth of
/// `tt-run`'s CPU on ResNet-50 at batch 16, whose buffers took 0.9 GB).
/// Fresh storage is carved from large mappings in huge pages (`fresh`): a
/// buffer's own mapping of a few hundred KiB took a page fault per 4 KiB, about
/// 10 us each on a virtual machine, where a huge page costs a fault per 2 MiB.
///
/// A constant stays packed in the binary until something asks for its floats
/// (`tile`, `span`): a whole-tile read decodes it straight into the CB slot
/// (`packedTile`). Decoded at load, ResNet-50's 25.6 million weights had
/// taken 102 MB of floats, half of a run's peak memory at batch 1.
class DramStorage {
public:
  void init(const std::vector<int64_t> &tilesPerBuffer);
  /// Buffer `id` holds `bytes`, its tiles packed in `format` one after another (the binary's
  /// constant, which outlives the run).
  void setPacked(uint32_t id, const uint8_t *bytes, DataFormat format);
  /// Tile `t` of buffer `id` as packed bytes, or null where the buffer's values are floats.
  const uint8_t *packedTile(uint32_t id, int64_t t) const {
    const Buffer &b = data[id];
    return b.packed ? b.packed + t * tileBytes(b.packedFormat) : nullptr;
  }
  /// The format of buffer `id`'s packed tiles (packedTile).
  DataFormat packedFormat(uint32_t id) const { return data[id].packedFormat; }
  /// Tile `t` of buffer `id` as floats, allocated (zeroed, or decoded from its packed tiles)
  /// on first touch.
  float *tile(uint32_t id, int64_t t) {
    Buffer &b = data[id];
    if (!b.storage.values)
      allocate(b, id);
    if (!b.zeroed.empty() && !b.zeroed[size_t(t)])
      zeroTile(b, t);
    return b.storage.values + t * kTileElems;
  }
  /// Tiles [first, first + count) of buffer `id`, contiguous, zeroed where never touched.
  float *span(uint32_t id, int64_t first, int64_t count);
  int64_t tiles(uint32_t id) const { return tileCounts[id]; }
  /// Buffer `id` is read no more: its storage may serve a later buffer.
  void release(uint32_t id);

private:
  /// Floats no other buffer uses until released.
  struct Storage {
    float *values = nullptr;
    size_t count = 0;
  };
  struct Buffer {
    Storage storage;
    const uint8_t *packed = nullptr;
    DataFormat packedFormat = DataFormat::Float32;
    /// For storage a released buffer held: which tiles hold zeros or this buffer's values.
    std::vector<bool> zeroed;
  };
  void allocate(Buffer &b, uint32_t id);
  void zeroTile(Buffer &b, int64_t t);
  /// `count` zeros never used before.
  Storage fresh(size_t count);
  std::vector<int64_t> tileCounts;
  std::vector<Buffer> data;
  std::vector<Storage> released;
  /// Where fresh storage comes from: pieces of the last slab in order, or a mapping of its own
  /// for a buffer of half a slab or more.
  static constexpr size_t kSlabFloats = size_t(8) << 20; // 32 MiB
  ZeroedSlabs slabs{kSlabFloats * sizeof(float)};
  std::vector<ZeroedFloats> own;
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
