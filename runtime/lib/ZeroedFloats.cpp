//===- ZeroedFloats.cpp - Memory that starts as zeros ---------------------===//
#include "ZeroedFloats.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace tessel::rt {

namespace {
constexpr size_t kPageBytes = 4096, kHugePageBytes = size_t(2) << 20;
/// From here up the pages come from a mapping of their own: `calloc` clears with a pass of its
/// own any memory it cannot tell is untouched, such as the heap that tt-run has glibc grow ahead
/// (`keepHeapPages`), and the thread that allocates then takes every page fault.
constexpr size_t kMappedBytes = size_t(64) << 10;
} // namespace

ZeroedFloats::ZeroedFloats(size_t n) : count(n) {
  size_t bytes = n * sizeof(float);
#ifdef __linux__
  if (bytes >= kMappedBytes) {
    bool huge = bytes >= kHugePageBytes;
    size_t unit = huge ? kHugePageBytes : kPageBytes;
    size_t rounded = (bytes + unit - 1) / unit * unit;
    void *p = ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      if (huge)
        ::madvise(p, rounded, MADV_HUGEPAGE);
      values = static_cast<float *>(p);
      mappedBytes = rounded;
      return;
    }
  }
#endif
  values = static_cast<float *>(std::calloc(bytes ? bytes : 1, 1));
  if (!values)
    throw std::bad_alloc();
}

void ZeroedFloats::populate(size_t first, size_t n) const {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  if (!mappedBytes || first >= count)
    return;
  // madvise wants a page-aligned start.
  uintptr_t begin = reinterpret_cast<uintptr_t>(values + first) & ~uintptr_t(4095);
  uintptr_t end = reinterpret_cast<uintptr_t>(values + std::min(count, first + n));
  if (end > begin)
    ::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)first;
  (void)n;
#endif
}

ZeroedFloats &ZeroedFloats::operator=(ZeroedFloats &&other) noexcept {
  if (this != &other) {
    release();
    values = other.values;
    count = other.count;
    mappedBytes = other.mappedBytes;
    other.values = nullptr;
    other.count = other.mappedBytes = 0;
  }
  return *this;
}

void ZeroedFloats::release() {
  if (!values)
    return;
#ifdef __linux__
  if (mappedBytes) {
    ::munmap(values, mappedBytes);
    values = nullptr;
    return;
  }
#endif
  std::free(values);
  values = nullptr;
}

} // namespace tessel::rt
