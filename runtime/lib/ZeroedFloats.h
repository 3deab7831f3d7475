//===- ZeroedFloats.h - Memory that starts as zeros -----------------------===//
//
// The simulated DRAM, the CBs' tiles and the math lanes' rings of jobs: large, mostly written
// once, and read as zeros where never written. The pages come zeroed from the system (no pass over them): from 64 KiB up they
// are mapped on their own, and from a huge page up advised to take huge pages: a page fault per
// 4 KiB cost the scheduler's thread 6% of its time on ResNet-50 at batch 1 (perf, by thread).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_ZEROEDFLOATS_H
#define TESSEL_RUNTIME_LIB_ZEROEDFLOATS_H

#include <cstddef>
#include <vector>

namespace tessel::rt {

/// Bytes that start as zeros, aligned as malloc's are, and to a page from kMappedBytes up.
class ZeroedMemory {
public:
  /// From here up the pages come from a mapping of their own: `calloc` clears with a pass of
  /// its own any memory it cannot tell is untouched, such as the heap that tt-run has glibc
  /// grow ahead (`keepHeapPages`), and the thread that allocates then takes every page fault.
  static constexpr size_t kMappedBytes = size_t(64) << 10;

  ZeroedMemory() = default;
  /// `bytes` zeros; throws std::bad_alloc when the system has no memory for them.
  explicit ZeroedMemory(size_t bytes);
  ~ZeroedMemory() { release(); }
  ZeroedMemory(ZeroedMemory &&other) noexcept { *this = static_cast<ZeroedMemory &&>(other); }
  ZeroedMemory &operator=(ZeroedMemory &&other) noexcept;
  ZeroedMemory(const ZeroedMemory &) = delete;
  ZeroedMemory &operator=(const ZeroedMemory &) = delete;

  void *data() const { return memory; }
  /// Has the system map the pages of bytes [offset, offset + n) now, where it can, without
  /// changing what they hold: whichever thread calls it pays for clearing them, not the one
  /// that first writes there.
  void populate(size_t offset, size_t n) const;

private:
  void release();
  void *memory = nullptr;
  size_t size = 0;
  size_t mappedBytes = 0; // 0: calloc'd
};

/// Zeros carved in order from mappings of `slabBytes` each (huge pages), for storage kept until
/// all of it goes: no mapping or heap block a piece, whose first writes took a page fault per
/// 4 KiB.
class ZeroedSlabs {
public:
  explicit ZeroedSlabs(size_t slabBytes) : slabBytes(slabBytes) {}
  /// `bytes` (at most slabBytes) never handed out before; a piece is aligned as the sizes of
  /// the pieces before it allow.
  void *carve(size_t bytes);
  /// Gives all of them back.
  void clear() {
    slabs.clear();
    used = 0;
  }

private:
  size_t slabBytes;
  std::vector<ZeroedMemory> slabs;
  size_t used = 0; // bytes of slabs.back() handed out
};

class ZeroedFloats {
public:
  ZeroedFloats() = default;
  /// `count` zeros; throws std::bad_alloc when the system has no memory for them.
  explicit ZeroedFloats(size_t count) : memory(count * sizeof(float)), count(count) {}
  ZeroedFloats(ZeroedFloats &&other) noexcept { *this = static_cast<ZeroedFloats &&>(other); }
  ZeroedFloats &operator=(ZeroedFloats &&other) noexcept {
    memory = static_cast<ZeroedMemory &&>(other.memory);
    count = other.count;
    other.count = 0;
    return *this;
  }

  float *data() const { return static_cast<float *>(memory.data()); }
  size_t size() const { return count; }
  /// ZeroedMemory::populate for floats [first, first + n).
  void populate(size_t first, size_t n) const {
    if (first < count)
      memory.populate(first * sizeof(float), (count - first < n ? count - first : n) * sizeof(float));
  }

private:
  ZeroedMemory memory;
  size_t count = 0;
};

} // namespace tessel::rt

#endif
