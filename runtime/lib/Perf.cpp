//===- Perf.cpp - Performance report --------------------------------------===//
#include "tessel/runtime/Perf.h"

#include "JsonWriter.h"

#include "tessel/runtime/Chip.h"

#include <algorithm>
#include <cstdio>

namespace tessel::rt {

int64_t idealMatmulCycles(uint64_t macs, const ChipDesc &chip, int phases) {
  unsigned __int128 perCycle =
      (unsigned __int128)chip.matmulMacsPerCycle * chip.gridX * chip.gridY;
  unsigned __int128 work = (unsigned __int128)macs * unsigned(phases);
  return int64_t((work + perCycle - 1) / perCycle);
}

void finalizeRoofline(DispatchPerf &d, const ChipDesc &chip) {
  // A matmul's work is its macs at its fidelity; any other op's is the tile
  // ops it executed. Either way spread over the whole grid at peak rate.
  d.computeBoundCycles = d.macs ? double(d.idealMatmulCycles)
                                : double(d.idealComputeCycles) / (chip.gridX * chip.gridY);
  d.dramBoundCycles = double(d.dramBytesRead + d.dramBytesWritten) /
                      (chip.dramPeakBytesPerCycle() * chip.dramChannels);
  d.rooflineCycles = std::max(d.computeBoundCycles, d.dramBoundCycles);
  d.achievedFraction = d.cycles > 0 ? d.rooflineCycles / double(d.cycles) : 0.0;
}

void finalizePerf(PerfReport &r) {
  r.cycles = 0;
  r.macs = 0;
  r.idealMatmulCycles = 0;
  r.dramBytesRead = r.dramBytesWritten = r.nocBytes = r.l1PeakBytes = 0;
  r.l1BytesRead = r.l1BytesWritten = 0;
  r.flops = r.rooflineCycles = r.hostMicroseconds = 0;
  r.nodes.clear();
  r.launchCycles = 0;
  r.launches = 0;
  r.fillCycles = r.drainCycles = 0;
  for (const DispatchPerf &d : r.dispatches) {
    r.cycles += d.launchCycles + d.cycles;
    r.launchCycles += d.launchCycles;
    r.launches += d.joined ? 0 : 1;
    r.macs += d.macs;
    r.skippedTiles += d.skippedTiles;
    r.fillCycles += d.fillCycles;
    r.drainCycles += d.drainCycles;
    r.idealMatmulCycles += d.idealMatmulCycles;
    r.dramBytesRead += d.dramBytesRead;
    r.dramBytesWritten += d.dramBytesWritten;
    r.l1BytesRead += d.l1BytesRead;
    r.l1BytesWritten += d.l1BytesWritten;
    r.nocBytes += d.nocBytes;
    r.l1PeakBytes = std::max(r.l1PeakBytes, d.l1PeakBytes);
    r.flops += d.flops;
    r.rooflineCycles += d.rooflineCycles;
    auto node = std::find_if(r.nodes.begin(), r.nodes.end(),
                             [&](const NodePerf &n) { return n.location == d.location; });
    if (node == r.nodes.end())
      node = r.nodes.insert(r.nodes.end(), NodePerf{d.location});
    node->dispatches += 1;
    node->cycles += d.launchCycles + d.cycles;
    node->flops += d.flops;
    node->rooflineCycles += d.rooflineCycles;
    node->dramBytes += d.dramBytesRead + d.dramBytesWritten;
    node->nocBytes += d.nocBytes;
    node->l1PeakBytes = std::max(node->l1PeakBytes, d.l1PeakBytes);
  }
  for (const HostOpPerf &h : r.hostOps)
    r.hostMicroseconds += h.microseconds;
}

namespace {
double fraction(double part, double whole) { return whole > 0 ? part / whole : 0.0; }
} // namespace

std::string perfToJson(const PerfReport &r) {
  std::string s = "{\n  \"chip\": " + jsonString(r.chip) +
                  ",\n  \"precision\": " + jsonString(r.precision) +
                  ",\n  \"clock_mhz\": " + std::to_string(r.clockMhz) +
                  ",\n  \"peak_flops_per_cycle\": " + jsonNumber(r.peakFlopsPerCycle) +
                  ",\n  \"peak_dram_bytes_per_cycle\": " + jsonNumber(r.peakDramBytesPerCycle) +
                  ",\n  \"dispatches\": [";
  for (size_t i = 0; i < r.dispatches.size(); ++i) {
    const DispatchPerf &d = r.dispatches[i];
    s += std::string(i ? "," : "") + "\n    {\"name\": " + jsonString(d.name) +
         ", \"op\": " + jsonString(d.op) + ", \"location\": " + jsonString(d.location) +
         ", \"config\": " + jsonString(d.config) +
         ", \"fidelity\": " + jsonString(d.fidelity) +
         ", \"dst_format\": " + jsonString(d.dstFormat) +
         ", \"cores\": " + std::to_string(d.cores) +
         ", \"launch_cycles\": " + std::to_string(d.launchCycles) +
         ", \"joined\": " + (d.joined ? "true" : "false") +
         ", \"start_cycle\": " + std::to_string(d.startCycle) +
         ", \"cycles\": " + std::to_string(d.cycles) +
         ", \"fill_cycles\": " + std::to_string(d.fillCycles) +
         ", \"drain_cycles\": " + std::to_string(d.drainCycles) +
         ", \"macs\": " + std::to_string(d.macs) +
         ", \"skipped_tiles\": " + std::to_string(d.skippedTiles) +
         ", \"tiles_tested\": " + std::to_string(d.tilesTested) +
         ", \"zero_tiles_found\": " + std::to_string(d.zeroTilesFound) +
         ", \"ideal_matmul_cycles\": " + std::to_string(d.idealMatmulCycles) +
         ", \"fpu_utilization\": " + jsonNumber(d.fpuUtilization) +
         ", \"dram_bytes_read\": " + std::to_string(d.dramBytesRead) +
         ", \"dram_bytes_written\": " + std::to_string(d.dramBytesWritten) +
         ", \"l1_bytes_read\": " + std::to_string(d.l1BytesRead) +
         ", \"l1_bytes_written\": " + std::to_string(d.l1BytesWritten) +
         ", \"noc_bytes\": " + std::to_string(d.nocBytes) +
         ", \"l1_peak_bytes\": " + std::to_string(d.l1PeakBytes) +
         ", \"instructions\": " + std::to_string(d.instructions) +
         ", \"flops\": " + jsonNumber(d.flops) +
         ", \"ideal_compute_cycles\": " + std::to_string(d.idealComputeCycles) +
         ", \"compute_bound_cycles\": " + jsonNumber(d.computeBoundCycles) +
         ", \"dram_bound_cycles\": " + jsonNumber(d.dramBoundCycles) +
         ", \"roofline_cycles\": " + jsonNumber(d.rooflineCycles) +
         ", \"roofline_bound\": " + jsonString(d.bound()) +
         ", \"achieved_fraction\": " + jsonNumber(d.achievedFraction) + "}";
  }
  s += "\n  ],\n  \"nodes\": [";
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    const NodePerf &n = r.nodes[i];
    s += std::string(i ? "," : "") + "\n    {\"location\": " + jsonString(n.location) +
         ", \"dispatches\": " + std::to_string(n.dispatches) +
         ", \"cycles\": " + std::to_string(n.cycles) +
         ", \"flops\": " + jsonNumber(n.flops) +
         ", \"roofline_cycles\": " + jsonNumber(n.rooflineCycles) +
         ", \"achieved_fraction\": " + jsonNumber(fraction(n.rooflineCycles, double(n.cycles))) +
         ", \"dram_bytes\": " + std::to_string(n.dramBytes) +
         ", \"noc_bytes\": " + std::to_string(n.nocBytes) +
         ", \"l1_peak_bytes\": " + std::to_string(n.l1PeakBytes) + "}";
  }
  s += "\n  ],\n  \"host_ops\": [";
  for (size_t i = 0; i < r.hostOps.size(); ++i) {
    const HostOpPerf &h = r.hostOps[i];
    s += std::string(i ? "," : "") + "\n    {\"name\": " + jsonString(h.name) +
         ", \"op\": " + jsonString(h.op) + ", \"location\": " + jsonString(h.location) +
         ", \"time_us\": " + jsonNumber(h.microseconds) + "}";
  }
  double util = r.cycles && r.macs ? double(r.idealMatmulCycles) / double(r.cycles) : 0.0;
  s += "\n  ],\n  \"totals\": {\"cycles\": " + std::to_string(r.cycles) +
       ", \"launch_cycles\": " + std::to_string(r.launchCycles) +
       ", \"launches\": " + std::to_string(r.launches) +
       ", \"fill_cycles\": " + std::to_string(r.fillCycles) +
       ", \"drain_cycles\": " + std::to_string(r.drainCycles) +
       ", \"time_us\": " + jsonNumber(r.microseconds()) +
       ", \"macs\": " + std::to_string(r.macs) +
       ", \"skipped_tiles\": " + std::to_string(r.skippedTiles) +
       ", \"ideal_matmul_cycles\": " + std::to_string(r.idealMatmulCycles) +
       ", \"fpu_utilization\": " + jsonNumber(util) +
       ", \"dram_bytes_read\": " + std::to_string(r.dramBytesRead) +
       ", \"dram_bytes_written\": " + std::to_string(r.dramBytesWritten) +
       ", \"l1_bytes_read\": " + std::to_string(r.l1BytesRead) +
       ", \"l1_bytes_written\": " + std::to_string(r.l1BytesWritten) +
       ", \"noc_bytes\": " + std::to_string(r.nocBytes) +
       ", \"l1_peak_bytes\": " + std::to_string(r.l1PeakBytes) +
       ", \"flops\": " + jsonNumber(r.flops) +
       ", \"roofline_cycles\": " + jsonNumber(r.rooflineCycles) +
       ", \"achieved_fraction\": " + jsonNumber(fraction(r.rooflineCycles, double(r.cycles))) +
       ", \"host_ops\": " + std::to_string(r.hostOps.size()) +
       ", \"host_time_us\": " + jsonNumber(r.hostMicroseconds) + "}";
  int64_t moved = r.dramBytesRead + r.dramBytesWritten;
  s += ",\n  \"model\": {\"ideal_fpu_cycles\": " + std::to_string(r.idealMatmulCycles) +
       ", \"compulsory_dram_bytes\": " + std::to_string(r.compulsoryDramBytes) +
       ", \"compulsory_dram_cycles\": " + jsonNumber(r.compulsoryDramCycles()) +
       ", \"roofline_cycles\": " + jsonNumber(r.modelRooflineCycles()) +
       ", \"roofline_bound\": " + jsonString(r.modelBound()) +
       ", \"achieved_fraction\": " +
       jsonNumber(fraction(r.modelRooflineCycles(), double(r.cycles))) +
       ", \"dram_bytes_moved\": " + std::to_string(moved) +
       ", \"dram_moved_over_compulsory\": " +
       jsonNumber(fraction(double(moved), double(r.compulsoryDramBytes))) +
       ", \"dram_peak_bytes\": " + std::to_string(r.dramPeakBytes) + "}\n}\n";
  return s;
}

namespace {
std::string humanBytes(int64_t b) {
  char buf[32];
  if (b >= (int64_t(1) << 20))
    std::snprintf(buf, sizeof(buf), "%.1fM", double(b) / double(1 << 20));
  else if (b >= 1024)
    std::snprintf(buf, sizeof(buf), "%.1fK", double(b) / 1024.0);
  else
    std::snprintf(buf, sizeof(buf), "%lld", (long long)b);
  return buf;
}

std::string percent(double v, bool present) {
  if (!present)
    return "-";
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%.1f%%", v * 100.0);
  return buf;
}

std::string clip(const std::string &s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}
} // namespace

std::string perfToTable(const PerfReport &r) {
  using Row = std::vector<std::string>;
  std::vector<Row> rows = {{"dispatch", "op", "node", "cores", "cycles", "roofline",
                            "achieved", "bound", "fpu", "dram rd", "dram wr", "noc",
                            "l1/core"}};
  auto cyclesText = [](double c) { return std::to_string(int64_t(c + 0.5)); };
  for (const DispatchPerf &d : r.dispatches)
    rows.push_back({clip(d.name, 24), clip(d.op, 12), clip(d.location, 20),
                    std::to_string(d.cores), std::to_string(d.cycles),
                    cyclesText(d.rooflineCycles), percent(d.achievedFraction, true), d.bound(),
                    percent(d.fpuUtilization, d.macs > 0), humanBytes(d.dramBytesRead),
                    humanBytes(d.dramBytesWritten), humanBytes(d.nocBytes),
                    humanBytes(d.l1PeakBytes)});
  double util = r.cycles && r.macs ? double(r.idealMatmulCycles) / double(r.cycles) : 0.0;
  rows.push_back({"total", "", "", "", std::to_string(r.cycles), cyclesText(r.rooflineCycles),
                  percent(fraction(r.rooflineCycles, double(r.cycles)), true), "",
                  percent(util, r.macs > 0), humanBytes(r.dramBytesRead),
                  humanBytes(r.dramBytesWritten), humanBytes(r.nocBytes),
                  humanBytes(r.l1PeakBytes)});
  std::vector<size_t> width(rows[0].size(), 0);
  for (const Row &row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  std::string out;
  for (const Row &row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      std::string pad(width[c] - row[c].size(), ' ');
      // Names read left-aligned, numbers right-aligned.
      line += c < 3 || c == 7 ? row[c] + pad : pad + row[c];
      line += c + 1 < row.size() ? "  " : "";
    }
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  char buf[200];
  std::snprintf(buf, sizeof(buf),
                "%lld cycles = %.1f us at %lld MHz on %s, %lld of them (%.1f%%) launching %zu "
                "dispatches in %lld program%s; host ops: %zu (%.1f us)\n",
                (long long)r.cycles, r.microseconds(), (long long)r.clockMhz, r.chip.c_str(),
                (long long)r.launchCycles, 100.0 * fraction(double(r.launchCycles), double(r.cycles)),
                r.dispatches.size(), (long long)r.launches, r.launches == 1 ? "" : "s",
                r.hostOps.size(), r.hostMicroseconds);
  char model[240];
  std::snprintf(model, sizeof(model),
                "model roofline: %.0f cycles (%s-bound), %.1f%% achieved; DRAM moved %s, "
                "%.2fx the compulsory %s; DRAM in use at most %s\n",
                r.modelRooflineCycles(), r.modelBound(),
                100.0 * fraction(r.modelRooflineCycles(), double(r.cycles)),
                humanBytes(r.dramBytesRead + r.dramBytesWritten).c_str(),
                fraction(double(r.dramBytesRead + r.dramBytesWritten),
                         double(r.compulsoryDramBytes)),
                humanBytes(r.compulsoryDramBytes).c_str(), humanBytes(r.dramPeakBytes).c_str());
  std::string l1;
  if (r.l1BytesRead + r.l1BytesWritten > 0)
    l1 = "tensors kept in L1: " + humanBytes(r.l1BytesWritten) + " written, " +
         humanBytes(r.l1BytesRead) + " read\n";
  std::string edges;
  if (r.fillCycles + r.drainCycles > 0) {
    char line[200];
    std::snprintf(line, sizeof(line),
                  "matmul dispatches: %lld cycles (%.1f%%) before their first tile product, "
                  "%lld (%.1f%%) after their last\n",
                  (long long)r.fillCycles, 100.0 * fraction(double(r.fillCycles), double(r.cycles)),
                  (long long)r.drainCycles,
                  100.0 * fraction(double(r.drainCycles), double(r.cycles)));
    edges = line;
  }
  std::string host;
  for (const HostOpPerf &h : r.hostOps) {
    char line[200];
    std::snprintf(line, sizeof(line), "on the host: %s (%s), %.1f us\n", clip(h.name, 40).c_str(),
                  h.op.c_str(), h.microseconds);
    host += line;
  }
  return out + buf + model + edges + l1 + host;
}

} // namespace tessel::rt
