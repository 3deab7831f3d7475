//===- Binary.h - Loading and verifying .ttb binaries ---------------------===//
#ifndef TESSEL_RUNTIME_BINARY_H
#define TESSEL_RUNTIME_BINARY_H

#include "tessel/runtime/Chip.h"
#include "tessel/runtime/ttb_generated.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessel::rt {

/// Bump on any incompatible change of runtime/schema/ttb.fbs or the bytecode.
// 2: CB_LOAD_INDEX (gathers by run-time indices). 5: CB_TILE_NONZERO (zero activation tiles).
// 6: host ops (host_ops, host_values, TensorSignature.from_host). 7: Dispatch.joined (programs
// of several dispatches). 8: HostOp.body (host Loops with a run-time trip count). 9: generated
// (random tensors the runtime draws). 11: NOC_MCAST_ON, NOC_READ_ON. 12: WAIT_GO (constants
// read before a joined dispatch's barrier ends).
constexpr uint32_t kSchemaVersion = 12;

/// The buffer of an input or output signature that has none: an empty tensor (a dim of 0), which
/// holds no data, or an output a host op computes.
constexpr uint32_t kNoBuffer = 0xFFFFFFFFu;

/// The bytes of a dispatch's kernel configuration as a core holds it: its kernels' code and
/// expressions (4 bytes a word) with a 16-byte header per kernel, 16 bytes per circular buffer
/// and 4 per semaphore. A program of several dispatches holds theirs together;
/// the compiler counts the same way from its encoded kernels.
struct KernelConfigSize {
  int64_t kernels = 0, codeWords = 0, exprWords = 0, cbs = 0, semaphores = 0;
  int64_t bytes() const {
    return 16 * kernels + 4 * codeWords + 4 * exprWords + 16 * cbs + 4 * semaphores;
  }
};
KernelConfigSize kernelConfigSize(const ttb::Dispatch &dispatch);

/// A verified binary: its bytes and the chip it will run on. Everything
/// reachable from root() has passed verifyBinary, so the simulator may index
/// without further bounds checks on static operands.
struct LoadedBinary {
  /// The bytes: a read-only mapping of the file (`mapped`), or a copy in memory (`bytes`).
  std::shared_ptr<const uint8_t> mapped;
  std::vector<uint8_t> bytes;
  ChipDesc chip;
  std::string path;

  const uint8_t *data() const { return mapped ? mapped.get() : bytes.data(); }
  const ttb::Binary *root() const { return ttb::GetBinary(data()); }
};

/// Reads `path` and verifies it for the default chip (kDefaultChip).
bool loadBinary(const std::string &path, LoadedBinary &out, std::string &error);
/// Maps `path` (reads it where it cannot be mapped) and verifies it for `chip`.
bool loadBinary(const std::string &path, const ChipDesc &chip,
                LoadedBinary &out, std::string &error);
/// Verifies an in-memory binary (takes ownership of `bytes`).
bool loadBinaryFromBytes(std::vector<uint8_t> bytes, const ChipDesc &chip,
                         LoadedBinary &out, std::string &error);

/// Structural (flatbuffers Verifier, identifier), compatibility (schema
/// version, chip) and semantic checks. One-line error on the first failure.
bool verifyBinary(const uint8_t *data, size_t size, const ChipDesc &chip,
                  std::string &error);

} // namespace tessel::rt

#endif
