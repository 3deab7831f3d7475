//===- Binary.cpp - Reading .ttb files ------------------------------------===//
#include "tessel/runtime/Binary.h"

#include "tessel/runtime/FileIO.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessel::rt {

bool loadBinaryFromBytes(std::vector<uint8_t> bytes, const ChipDesc &chip,
                         LoadedBinary &out, std::string &error) {
  if (!verifyBinary(bytes.data(), bytes.size(), chip, error))
    return false;
  out.mapped.reset();
  out.bytes = std::move(bytes);
  out.chip = chip;
  return true;
}

namespace {
// A read-only private mapping of the whole of `path`, its pages read in at once; null where the
// file cannot be mapped (empty, not a regular file), which the caller then reads instead.
std::shared_ptr<const uint8_t> mapFile(const std::string &path, size_t &size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return nullptr;
  struct stat st;
  void *p = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    size = size_t(st.st_size);
    p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  }
  ::close(fd);
  if (p == MAP_FAILED)
    return nullptr;
  return std::shared_ptr<const uint8_t>(static_cast<const uint8_t *>(p),
                                        [size](const uint8_t *q) {
                                          ::munmap(const_cast<uint8_t *>(q), size);
                                        });
}
} // namespace

bool loadBinary(const std::string &path, const ChipDesc &chip,
                LoadedBinary &out, std::string &error) {
  // Mapped rather than read: a binary is tens of megabytes, mostly constants read once.
  // tt-compile replaces a binary by renaming a new file over it, which leaves a mapping of the
  // old one intact; truncating the file in place under a running tt-run is not supported.
  size_t size = 0;
  if (std::shared_ptr<const uint8_t> mapped = mapFile(path, size)) {
    if (!verifyBinary(mapped.get(), size, chip, error)) {
      error = path + ": " + error;
      return false;
    }
    out.mapped = std::move(mapped);
    out.bytes.clear();
    out.chip = chip;
    out.path = path;
    return true;
  }
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  if (!loadBinaryFromBytes(std::move(bytes), chip, out, error)) {
    error = path + ": " + error;
    return false;
  }
  out.path = path;
  return true;
}

bool loadBinary(const std::string &path, LoadedBinary &out, std::string &error) {
  ChipDesc chip;
  if (!loadChip(kDefaultChip, chip, error))
    return false;
  return loadBinary(path, chip, out, error);
}

KernelConfigSize kernelConfigSize(const ttb::Dispatch &dispatch) {
  KernelConfigSize size;
  if (dispatch.kernels())
    for (const ttb::Kernel *k : *dispatch.kernels()) {
      ++size.kernels;
      size.codeWords += k->code() ? int64_t(k->code()->size()) : 0;
      if (k->exprs())
        for (const ttb::Expr *e : *k->exprs())
          size.exprWords += e->code() ? int64_t(e->code()->size()) : 0;
    }
  size.cbs = dispatch.cbs() ? int64_t(dispatch.cbs()->size()) : 0;
  size.semaphores = dispatch.semaphores();
  return size;
}

} // namespace tessel::rt
