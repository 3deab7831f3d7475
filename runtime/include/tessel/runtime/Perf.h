//===- Perf.h - Performance report of a simulated run ---------------------===//
#ifndef TESSEL_RUNTIME_PERF_H
#define TESSEL_RUNTIME_PERF_H

#include <cstdint>
#include <string>
#include <vector>

namespace tessel::rt {

struct ChipDesc;

struct DispatchPerf {
  std::string name, op, location;
  std::string fidelity, dstFormat;
  int64_t cores = 0;
  int64_t startCycle = 0;   // when the dispatch began in the whole run
  int64_t cycles = 0;       // makespan of the dispatch
  uint64_t macs = 0;
  int64_t idealMatmulCycles = 0; // 0 when macs == 0
  double fpuUtilization = 0;     // ideal / cycles, 0 when macs == 0
  int64_t dramBytesRead = 0, dramBytesWritten = 0;
  int64_t nocBytes = 0;     // bytes injected into the NoC; a multicast counts once
  int64_t l1PeakBytes = 0;  // per core: sum of the dispatch's CB sizes
  int64_t instructions = 0; // bytecode instructions executed, all cores
};

struct PerfReport {
  std::string chip;
  int64_t clockMhz = 0;
  std::vector<DispatchPerf> dispatches;
  // Totals over the dispatches.
  int64_t cycles = 0;
  uint64_t macs = 0;
  int64_t idealMatmulCycles = 0;
  int64_t dramBytesRead = 0, dramBytesWritten = 0, nocBytes = 0;
  int64_t l1PeakBytes = 0;
  double microseconds() const {
    return clockMhz ? double(cycles) / double(clockMhz) : 0.0;
  }
};

/// Cycles the matrix engine needs for `macs` on the whole grid at `phases`
/// multiplier phases (LoFi 1 .. HiFi4 4; 12 for f32's three HiFi4 passes).
int64_t idealMatmulCycles(uint64_t macs, const ChipDesc &chip, int phases);

/// Recomputes the totals from `dispatches`.
void finalizePerf(PerfReport &report);

std::string perfToJson(const PerfReport &report);
/// A short aligned table, one line per dispatch plus a total line.
std::string perfToTable(const PerfReport &report);

} // namespace tessel::rt

#endif
