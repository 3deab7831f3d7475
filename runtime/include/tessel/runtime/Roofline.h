//===- Roofline.h - Roofline chart of a run -------------------------------===//
#ifndef TESSEL_RUNTIME_ROOFLINE_H
#define TESSEL_RUNTIME_ROOFLINE_H

#include "tessel/runtime/Perf.h"

#include <string>

namespace tessel::rt {

/// A standalone SVG: every dispatch as one point at (flop per DRAM byte,
/// achieved GFLOP/s) on log-log axes, under the chip's DRAM slope and its
/// matrix-engine roofs (LoFi, and HiFi4 dashed), labelled with its name.
std::string rooflineSvg(const PerfReport &report);

} // namespace tessel::rt

#endif
