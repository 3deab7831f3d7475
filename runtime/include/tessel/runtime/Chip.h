//===- Chip.h - Chip descriptors ------------------------------------------===//
//
// A chip descriptor holds the numbers the compiler's cost model and the
// simulator share. Descriptors are "key = value" files in runtime/chips/.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_CHIP_H
#define TESSEL_RUNTIME_CHIP_H

#include <cstdint>
#include <string>

namespace tessel::rt {

struct ChipDesc {
  std::string name;
  int gridX = 0, gridY = 0;
  int64_t clockMhz = 0, l1Bytes = 0, l1ReservedBytes = 0;
  int dramChannels = 0;
  int64_t dramChannelBytes = 0, dramChannelBytesPerCycle = 0,
          dramLatencyCycles = 0, nocFlitBytes = 0, nocHopCycles = 0,
          nocMaxPacketBytes = 0, matmulMacsPerCycle = 0;
  int dstTilesBf16 = 0, dstTilesF32 = 0;
  int64_t fpuAddFlopsPerCycle = 0, fpuMulFlopsPerCycle = 0, sfpuLanes = 0,
          unpackBytesPerCycle = 0, packBytesPerCycle = 0;
};

/// The directory holding <name>.chip files: $TESSEL_CHIPS_DIR if set, else the
/// source tree's runtime/chips.
std::string chipsDirectory();

/// Loads a descriptor. `nameOrPath` containing '/' or ending in ".chip" is a
/// file path; anything else is looked up as <chipsDirectory()>/<name>.chip.
/// Every key must be present exactly once and known; errors name key and file.
bool loadChip(const std::string &nameOrPath, ChipDesc &out, std::string &error);

/// The chip the runtime runs when none is requested.
inline constexpr const char *kDefaultChip = "wormhole_b0";

} // namespace tessel::rt

#endif
