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
#include <vector>

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
  /// Cycles from the end of one program on the cores to the start of the next: the
  /// dispatcher sending kernel binaries, run-time arguments, CB configuration and the go
  /// signal to every core (commands already on the chip, as with a captured trace).
  int64_t launchCycles = 0;
  // Optional keys (see loadChip for their defaults).
  /// Peak bandwidth of one DRAM channel in MB/s: more precise than
  /// dramChannelBytesPerCycle when the peak is not a whole number of bytes per
  /// cycle (Grayskull: 118 GB/s over 8 channels at 1.2 GHz).
  int64_t dramChannelMbps = 0;
  /// Share of the peak a channel sustains on a stream of tile reads (refresh,
  /// row switches, command overhead): calibrated against measured silicon.
  int64_t dramEfficiencyPercent = 0;
  /// L1 each core keeps for the kernel configuration of the program it runs: kernel binaries,
  /// run-time arguments, CB and semaphore configuration. A program of several dispatches
  /// (`joined` ones) must fit it; 0: programs of one dispatch only.
  int64_t kernelConfigBytes = 0;

  /// Peak bytes per cycle of one DRAM channel.
  double dramPeakBytesPerCycle() const {
    return double(dramChannelMbps) / double(clockMhz);
  }
  /// Bytes per cycle one channel sustains.
  double dramSustainedBytesPerCycle() const {
    return dramPeakBytesPerCycle() * double(dramEfficiencyPercent) / 100.0;
  }
};

/// The directory holding <name>.chip files: $TESSEL_CHIPS_DIR if set, else the
/// source tree's runtime/chips.
std::string chipsDirectory();

/// Loads a descriptor. `nameOrPath` containing '/' or ending in ".chip" is a
/// file path; anything else is looked up as <chipsDirectory()>/<name>.chip.
/// Every required key must be present exactly once, and every key known;
/// errors name key and file. Optional keys and their defaults:
///   dram_channel_mbps        dram_channel_bytes_per_cycle * clock_mhz
///   dram_efficiency_percent  92 (GDDR6 on Wormhole: 22 of 24 GB/s sustained)
///   kernel_config_bytes      0 (every program holds one dispatch)
bool loadChip(const std::string &nameOrPath, ChipDesc &out, std::string &error);

/// One `key = value` figure of a descriptor, and where it was given (for errors; empty: the
/// source as a whole).
struct ChipFigure {
  std::string key;
  int64_t value = 0;
  std::string where;
};

/// A descriptor from its figures, checked as loadChip checks a file's: every required key once,
/// every key known, values in range; optional keys get their defaults. `source` names where the
/// figures come from in errors.
bool chipFromFigures(const std::string &name, const std::vector<ChipFigure> &figures,
                     const std::string &source, ChipDesc &out, std::string &error);

/// Every figure of `chip`, the optional ones as resolved, in the order of the keys.
std::vector<ChipFigure> chipFigures(const ChipDesc &chip);

/// The chip the runtime runs when none is requested.
inline constexpr const char *kDefaultChip = "wormhole_b0";

} // namespace tessel::rt

#endif
