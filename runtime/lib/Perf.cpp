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

void finalizePerf(PerfReport &r) {
  r.cycles = 0;
  r.macs = 0;
  r.idealMatmulCycles = 0;
  r.dramBytesRead = r.dramBytesWritten = r.nocBytes = r.l1PeakBytes = 0;
  for (const DispatchPerf &d : r.dispatches) {
    r.cycles += d.cycles;
    r.macs += d.macs;
    r.idealMatmulCycles += d.idealMatmulCycles;
    r.dramBytesRead += d.dramBytesRead;
    r.dramBytesWritten += d.dramBytesWritten;
    r.nocBytes += d.nocBytes;
    r.l1PeakBytes = std::max(r.l1PeakBytes, d.l1PeakBytes);
  }
}

std::string perfToJson(const PerfReport &r) {
  std::string s = "{\n  \"chip\": " + jsonString(r.chip) +
                  ",\n  \"clock_mhz\": " + std::to_string(r.clockMhz) +
                  ",\n  \"dispatches\": [";
  for (size_t i = 0; i < r.dispatches.size(); ++i) {
    const DispatchPerf &d = r.dispatches[i];
    s += std::string(i ? "," : "") + "\n    {\"name\": " + jsonString(d.name) +
         ", \"op\": " + jsonString(d.op) + ", \"location\": " + jsonString(d.location) +
         ", \"fidelity\": " + jsonString(d.fidelity) +
         ", \"dst_format\": " + jsonString(d.dstFormat) +
         ", \"cores\": " + std::to_string(d.cores) +
         ", \"start_cycle\": " + std::to_string(d.startCycle) +
         ", \"cycles\": " + std::to_string(d.cycles) +
         ", \"macs\": " + std::to_string(d.macs) +
         ", \"ideal_matmul_cycles\": " + std::to_string(d.idealMatmulCycles) +
         ", \"fpu_utilization\": " + jsonNumber(d.fpuUtilization) +
         ", \"dram_bytes_read\": " + std::to_string(d.dramBytesRead) +
         ", \"dram_bytes_written\": " + std::to_string(d.dramBytesWritten) +
         ", \"noc_bytes\": " + std::to_string(d.nocBytes) +
         ", \"l1_peak_bytes\": " + std::to_string(d.l1PeakBytes) +
         ", \"instructions\": " + std::to_string(d.instructions) + "}";
  }
  double util = r.cycles && r.macs ? double(r.idealMatmulCycles) / double(r.cycles) : 0.0;
  s += "\n  ],\n  \"totals\": {\"cycles\": " + std::to_string(r.cycles) +
       ", \"time_us\": " + jsonNumber(r.microseconds()) +
       ", \"macs\": " + std::to_string(r.macs) +
       ", \"ideal_matmul_cycles\": " + std::to_string(r.idealMatmulCycles) +
       ", \"fpu_utilization\": " + jsonNumber(util) +
       ", \"dram_bytes_read\": " + std::to_string(r.dramBytesRead) +
       ", \"dram_bytes_written\": " + std::to_string(r.dramBytesWritten) +
       ", \"noc_bytes\": " + std::to_string(r.nocBytes) +
       ", \"l1_peak_bytes\": " + std::to_string(r.l1PeakBytes) + "}\n}\n";
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
  std::vector<Row> rows = {{"dispatch", "op", "cores", "cycles", "fpu", "dram rd",
                            "dram wr", "noc", "l1/core"}};
  for (const DispatchPerf &d : r.dispatches)
    rows.push_back({clip(d.name, 32), clip(d.op, 16), std::to_string(d.cores),
                    std::to_string(d.cycles), percent(d.fpuUtilization, d.macs > 0),
                    humanBytes(d.dramBytesRead), humanBytes(d.dramBytesWritten),
                    humanBytes(d.nocBytes), humanBytes(d.l1PeakBytes)});
  double util = r.cycles && r.macs ? double(r.idealMatmulCycles) / double(r.cycles) : 0.0;
  rows.push_back({"total", "", "", std::to_string(r.cycles), percent(util, r.macs > 0),
                  humanBytes(r.dramBytesRead), humanBytes(r.dramBytesWritten),
                  humanBytes(r.nocBytes), humanBytes(r.l1PeakBytes)});
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
      line += c < 2 ? row[c] + pad : pad + row[c];
      line += c + 1 < row.size() ? "  " : "";
    }
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%lld cycles = %.1f us at %lld MHz on %s\n",
                (long long)r.cycles, r.microseconds(), (long long)r.clockMhz,
                r.chip.c_str());
  return out + buf;
}

} // namespace tessel::rt
