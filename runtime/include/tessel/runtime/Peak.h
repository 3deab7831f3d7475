//===- Peak.h - Microbenchmarks of the simulated chip ---------------------===//
//
// MegPeak-style calibration: small kernels that each stress one unit (a DRAM
// channel, a NoC link, the matrix engine, the SFPU), run on the simulator,
// with the figure they measure next to the published one. tt-peak prints
// them; a unit test holds wormhole_b0's within 10% of silicon.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_PEAK_H
#define TESSEL_RUNTIME_PEAK_H

#include "tessel/runtime/Chip.h"

#include <string>
#include <vector>

namespace tessel::rt {

struct PeakFigure {
  std::string name;  // e.g. "DRAM read, 1 core, 1 channel"
  std::string unit;  // e.g. "GB/s"
  double measured = 0;
  /// What to compare with: a figure measured on silicon when `published`,
  /// else the peak the chip descriptor implies.
  double reference = 0;
  bool published = false;
};

/// Runs every microbenchmark on `chip`. False with `error` if a benchmark
/// kernel fails to load or run (a simulator bug, never a user error).
bool measurePeaks(const ChipDesc &chip, std::vector<PeakFigure> &figures,
                  std::string &error);

/// Aligned table: figure, measured, reference, ratio, source.
std::string peakTable(const ChipDesc &chip, const std::vector<PeakFigure> &figures);

} // namespace tessel::rt

#endif
