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
} // namespace

ZeroedMemory::ZeroedMemory(size_t bytes) : size(bytes) {
#ifdef __linux__
  if (bytes >= kMappedBytes) {
    bool huge = bytes >= kHugePageBytes;
    size_t unit = huge ? kHugePageBytes : kPageBytes;
    size_t rounded = (bytes + unit - 1) / unit * unit;
    // Huge pages only fill whole aligned 2 MiB: a mapping that starts between two takes 4 KiB
    // pages up to the first, so it is mapped a huge page longer and its ends trimmed.
    size_t slack = huge ? kHugePageBytes : 0;
    void *p = ::mmap(nullptr, rounded + slack, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      if (huge) {
        uintptr_t start = reinterpret_cast<uintptr_t>(p);
        uintptr_t aligned = (start + kHugePageBytes - 1) & ~uintptr_t(kHugePageBytes - 1);
        if (aligned > start)
          ::munmap(p, aligned - start);
        if (start + slack > aligned)
          ::munmap(reinterpret_cast<void *>(aligned + rounded), start + slack - aligned);
        p = reinterpret_cast<void *>(aligned);
        ::madvise(p, rounded, MADV_HUGEPAGE);
      }
      memory = p;
      mappedBytes = rounded;
      return;
    }
  }
#endif
  memory = std::calloc(bytes ? bytes : 1, 1);
  if (!memory)
    throw std::bad_alloc();
}

void ZeroedMemory::populate(size_t offset, size_t n) const {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  if (!mappedBytes || offset >= size)
    return;
  // madvise wants a page-aligned start.
  uintptr_t begin = (reinterpret_cast<uintptr_t>(memory) + offset) & ~uintptr_t(kPageBytes - 1);
  uintptr_t end = reinterpret_cast<uintptr_t>(memory) + std::min(size, offset + n);
  if (end > begin)
    ::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)offset;
  (void)n;
#endif
}

void *ZeroedSlabs::carve(size_t bytes) {
  if (slabs.empty() || slabBytes - used < bytes) {
    slabs.emplace_back(slabBytes);
    used = 0;
  }
  void *piece = static_cast<char *>(slabs.back().data()) + used;
  used += bytes;
  return piece;
}

ZeroedMemory &ZeroedMemory::operator=(ZeroedMemory &&other) noexcept {
  if (this != &other) {
    release();
    memory = other.memory;
    size = other.size;
    mappedBytes = other.mappedBytes;
    other.memory = nullptr;
    other.size = other.mappedBytes = 0;
  }
  return *this;
}

void ZeroedMemory::release() {
  if (!memory)
    return;
#ifdef __linux__
  if (mappedBytes) {
    ::munmap(memory, mappedBytes);
    memory = nullptr;
    return;
  }
#endif
  std::free(memory);
  memory = nullptr;
}

} // namespace tessel::rt
