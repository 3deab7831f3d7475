//===- ZeroedFloats.h - Memory that starts as zeros -----------------------===//
//
// The simulated DRAM and the CBs' tiles: large, mostly written once, and read as zeros where
// never written. The pages come zeroed from the system (no pass over them): from 64 KiB up they
// are mapped on their own, and from a huge page up advised to take huge pages: a page fault per
// 4 KiB cost the scheduler's thread 6% of its time on ResNet-50 at batch 1 (perf, by thread).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_ZEROEDFLOATS_H
#define TESSEL_RUNTIME_LIB_ZEROEDFLOATS_H

#include <cstddef>

namespace tessel::rt {

class ZeroedFloats {
public:
  ZeroedFloats() = default;
  /// `count` zeros; throws std::bad_alloc when the system has no memory for them.
  explicit ZeroedFloats(size_t count);
  ~ZeroedFloats() { release(); }
  ZeroedFloats(ZeroedFloats &&other) noexcept { *this = static_cast<ZeroedFloats &&>(other); }
  ZeroedFloats &operator=(ZeroedFloats &&other) noexcept;
  ZeroedFloats(const ZeroedFloats &) = delete;
  ZeroedFloats &operator=(const ZeroedFloats &) = delete;

  float *data() const { return values; }
  size_t size() const { return count; }
  /// Has the system map the pages of floats [first, first + n) now, where it can, without
  /// changing what they hold: whichever thread calls it pays for clearing them, not the one
  /// that first writes there.
  void populate(size_t first, size_t n) const;

private:
  void release();
  float *values = nullptr;
  size_t count = 0;
  size_t mappedBytes = 0; // 0: calloc'd
};

} // namespace tessel::rt

#endif
