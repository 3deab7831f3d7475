//===- Perf.h - Performance report of a simulated run ---------------------===//
#ifndef TESSEL_RUNTIME_PERF_H
#define TESSEL_RUNTIME_PERF_H

#include <cstdint>
#include <algorithm>
#include <string>
#include <vector>

namespace tessel::rt {

struct ChipDesc;

struct DispatchPerf {
  std::string name, op, location;
  /// The strategy the compiler chose for the dispatch (empty if it records none).
  std::string config;
  std::string fidelity, dstFormat;
  int64_t cores = 0;
  /// Before the dispatch starts: the chip launching its program, or for a dispatch joined to
  /// the previous one's program, streaming its configuration and the barrier between the two.
  int64_t launchCycles = 0;
  bool joined = false;
  int64_t startCycle = 0;   // when the dispatch began in the whole run, after its launch
  int64_t cycles = 0;       // makespan of the dispatch
  /// From the dispatch's start to the first tile matmul on any core (the wait for the first
  /// operands), and from the end of the last to the dispatch's end (the epilogue, packing and
  /// writing the last results); 0 for a dispatch without matmuls.
  int64_t fillCycles = 0, drainCycles = 0;
  uint64_t macs = 0;
  /// Tile products the kernels skip: a matmul's zero weight tiles, as the compiler counted them,
  /// and its zero activation tiles, as the kernels found them.
  uint64_t skippedTiles = 0;
  /// Activation tiles the kernels tested (CB_TILE_NONZERO), and those found all zero.
  uint64_t tilesTested = 0, zeroTilesFound = 0;
  int64_t idealMatmulCycles = 0; // 0 when macs == 0
  double fpuUtilization = 0;     // ideal / cycles, 0 when macs == 0
  int64_t dramBytesRead = 0, dramBytesWritten = 0;
  /// Bytes read from and written to tensors the compiler kept in L1 (another core's, or this one's).
  int64_t l1BytesRead = 0, l1BytesWritten = 0;
  int64_t nocBytes = 0;     // bytes injected into the NoC; a multicast counts once
  int64_t l1PeakBytes = 0;  // per core: the dispatch's CBs plus the L1 tensors live meanwhile
  int64_t instructions = 0; // bytecode instructions executed, all cores
  /// Work the simulator executed: 2 x 32^3 flop per tile matmul, 1024 per
  /// other tile op (eltwise, SFPU, copy, reduce; packing is not counted).
  double flops = 0;
  /// Those tile ops at the FPU/SFPU's peak rate, summed over cores.
  int64_t idealComputeCycles = 0;
  // The roofline of the op on the whole chip (finalizeRoofline):
  double computeBoundCycles = 0; // ideal matmul cycles (macs) or idealComputeCycles / grid cores
  double dramBoundCycles = 0;    // DRAM bytes / peak DRAM bytes per cycle
  double rooflineCycles = 0;     // max of the two
  double achievedFraction = 0;   // rooflineCycles / cycles
  const char *bound() const {
    return computeBoundCycles >= dramBoundCycles ? "compute" : "dram";
  }
};

/// An op the runtime ran on the host after the chip (the binary's host_ops), timed in host
/// microseconds; they are no part of the chip's cycles.
struct HostOpPerf {
  std::string name, op, location;
  double microseconds = 0;
};

/// Dispatches of one ONNX node (same `location`), summed.
struct NodePerf {
  std::string location;
  int64_t dispatches = 0, cycles = 0;
  double flops = 0, rooflineCycles = 0;
  int64_t dramBytes = 0, nocBytes = 0, l1PeakBytes = 0;
};

struct PerfReport {
  std::string chip;
  /// The precision the binary was compiled at, as the compiler recorded it (with, for
  /// --precision=auto, the error measured).
  std::string precision;
  int64_t clockMhz = 0;
  /// The chip's roofs: peak flop per cycle of the matrix engine (LoFi, whole
  /// grid) and peak DRAM bytes per cycle (all channels).
  double peakFlopsPerCycle = 0, peakDramBytesPerCycle = 0;
  std::vector<DispatchPerf> dispatches;
  std::vector<HostOpPerf> hostOps;
  std::vector<NodePerf> nodes; // filled by finalizePerf, in first-dispatch order
  // Totals over the dispatches.
  int64_t cycles = 0;       // the whole run: every dispatch's launch and makespan
  int64_t launchCycles = 0; // of which launching programs and the barriers between their dispatches
  int64_t launches = 0;     // programs launched (dispatches not joined to the one before)
  int64_t fillCycles = 0, drainCycles = 0; // the dispatches', summed
  uint64_t macs = 0;
  uint64_t skippedTiles = 0;
  int64_t idealMatmulCycles = 0;
  int64_t dramBytesRead = 0, dramBytesWritten = 0, nocBytes = 0;
  int64_t l1BytesRead = 0, l1BytesWritten = 0;
  int64_t l1PeakBytes = 0;
  double flops = 0, rooflineCycles = 0;
  double hostMicroseconds = 0;
  /// The model-level roofline: the DRAM bytes no schedule avoids (constants in their data
  /// format, inputs and outputs once) against the ideal matrix-engine cycles of every matmul at
  /// the fidelity it used; the larger bounds the whole run.
  int64_t compulsoryDramBytes = 0;
  /// DRAM the binary's buffers occupy at their addresses, over all channels: the allocator
  /// reuses the space of buffers nothing reads any more.
  int64_t dramPeakBytes = 0;
  double compulsoryDramCycles() const {
    return peakDramBytesPerCycle > 0 ? double(compulsoryDramBytes) / peakDramBytesPerCycle : 0.0;
  }
  double modelRooflineCycles() const {
    return std::max(double(idealMatmulCycles), compulsoryDramCycles());
  }
  const char *modelBound() const {
    return double(idealMatmulCycles) >= compulsoryDramCycles() ? "fpu" : "dram";
  }
  double microseconds() const {
    return clockMhz ? double(cycles) / double(clockMhz) : 0.0;
  }
};

/// Cycles the matrix engine needs for `macs` on the whole grid at `phases`
/// multiplier phases (LoFi 1 .. HiFi4 4; 24 for f32's six HiFi4 passes).
int64_t idealMatmulCycles(uint64_t macs, const ChipDesc &chip, int phases);

/// Fills `d`'s roofline fields from its work and traffic on `chip`.
void finalizeRoofline(DispatchPerf &d, const ChipDesc &chip);

/// Recomputes the totals and the per-node view from `dispatches`.
void finalizePerf(PerfReport &report);

std::string perfToJson(const PerfReport &report);
/// A short aligned table, one line per dispatch plus a total line.
std::string perfToTable(const PerfReport &report);

} // namespace tessel::rt

#endif
