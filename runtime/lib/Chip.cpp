//===- Chip.cpp - Chip descriptor files -----------------------------------===//
#include "tessel/runtime/Chip.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace tessel::rt {

std::string chipsDirectory() {
  if (const char *env = std::getenv("TESSEL_CHIPS_DIR"); env && *env)
    return env;
  return TESSEL_CHIPS_DIR;
}

namespace {

// One entry per key of a descriptor; `minimum` rejects values that would
// make the simulator divide by zero or build an empty grid.
struct KeySpec {
  const char *key;
  int64_t minimum;
  int64_t ChipDesc::*wide;
  int ChipDesc::*narrow;
  bool optional = false;
};

const KeySpec kKeys[] = {
    {"grid_x", 1, nullptr, &ChipDesc::gridX},
    {"grid_y", 1, nullptr, &ChipDesc::gridY},
    {"clock_mhz", 1, &ChipDesc::clockMhz, nullptr},
    {"l1_bytes", 1, &ChipDesc::l1Bytes, nullptr},
    {"l1_reserved_bytes", 0, &ChipDesc::l1ReservedBytes, nullptr},
    {"dram_channels", 1, nullptr, &ChipDesc::dramChannels},
    {"dram_channel_bytes", 1, &ChipDesc::dramChannelBytes, nullptr},
    {"dram_channel_bytes_per_cycle", 1, &ChipDesc::dramChannelBytesPerCycle, nullptr},
    {"dram_latency_cycles", 0, &ChipDesc::dramLatencyCycles, nullptr},
    {"noc_flit_bytes", 1, &ChipDesc::nocFlitBytes, nullptr},
    {"noc_hop_cycles", 0, &ChipDesc::nocHopCycles, nullptr},
    {"noc_max_packet_bytes", 1, &ChipDesc::nocMaxPacketBytes, nullptr},
    {"matmul_macs_per_cycle", 1, &ChipDesc::matmulMacsPerCycle, nullptr},
    {"dst_tiles_bf16", 1, nullptr, &ChipDesc::dstTilesBf16},
    {"dst_tiles_f32", 1, nullptr, &ChipDesc::dstTilesF32},
    {"fpu_add_flops_per_cycle", 1, &ChipDesc::fpuAddFlopsPerCycle, nullptr},
    {"fpu_mul_flops_per_cycle", 1, &ChipDesc::fpuMulFlopsPerCycle, nullptr},
    {"sfpu_lanes", 1, &ChipDesc::sfpuLanes, nullptr},
    {"unpack_bytes_per_cycle", 1, &ChipDesc::unpackBytesPerCycle, nullptr},
    {"pack_bytes_per_cycle", 1, &ChipDesc::packBytesPerCycle, nullptr},
    {"launch_cycles", 0, &ChipDesc::launchCycles, nullptr},
    // Optional: descriptors written before these keys existed stay valid (and
    // tools built before them keep reading descriptors that omit them).
    {"dram_channel_mbps", 1, &ChipDesc::dramChannelMbps, nullptr, true},
    {"dram_efficiency_percent", 1, &ChipDesc::dramEfficiencyPercent, nullptr, true},
    {"kernel_config_bytes", 0, &ChipDesc::kernelConfigBytes, nullptr, true},
};

// Sustained share of the DRAM peak when a descriptor does not say: Wormhole's
// GDDR6 channels deliver about 22 of their 24 GB/s to a stream of tile reads.
constexpr int64_t kDefaultDramEfficiencyPercent = 92;

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos)
    return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool isPath(const std::string &s) {
  return s.find('/') != std::string::npos ||
         (s.size() >= 5 && s.compare(s.size() - 5, 5, ".chip") == 0);
}

} // namespace

bool chipFromFigures(const std::string &name, const std::vector<ChipFigure> &figures,
                     const std::string &source, ChipDesc &out, std::string &error) {
  ChipDesc chip;
  chip.name = name;
  std::map<std::string, int> seen;
  for (const ChipFigure &f : figures) {
    const std::string &where = f.where.empty() ? source : f.where;
    if (seen.count(f.key)) {
      error = where + ": key '" + f.key + "' given twice";
      return false;
    }
    seen[f.key] = 1;
    const KeySpec *spec = nullptr;
    for (const KeySpec &k : kKeys)
      if (f.key == k.key)
        spec = &k;
    if (!spec) {
      error = where + ": unknown key '" + f.key + "'";
      return false;
    }
    if (f.value < spec->minimum || (spec->narrow && f.value > (1 << 20))) {
      error = where + ": value of '" + f.key + "' is out of range: " + std::to_string(f.value);
      return false;
    }
    if (spec->wide)
      chip.*(spec->wide) = f.value;
    else
      chip.*(spec->narrow) = int(f.value);
  }
  for (const KeySpec &k : kKeys)
    if (!k.optional && !seen.count(k.key)) {
      error = source + ": missing key '" + k.key + "'";
      return false;
    }
  if (!seen.count("dram_channel_mbps"))
    chip.dramChannelMbps = chip.dramChannelBytesPerCycle * chip.clockMhz;
  if (!seen.count("dram_efficiency_percent"))
    chip.dramEfficiencyPercent = kDefaultDramEfficiencyPercent;
  if (chip.dramEfficiencyPercent > 100) {
    error = source + ": dram_efficiency_percent must be at most 100";
    return false;
  }
  if (chip.l1ReservedBytes >= chip.l1Bytes) {
    error = source + ": l1_reserved_bytes must be below l1_bytes";
    return false;
  }
  out = chip;
  return true;
}

std::vector<ChipFigure> chipFigures(const ChipDesc &chip) {
  std::vector<ChipFigure> figures;
  for (const KeySpec &k : kKeys)
    figures.push_back({k.key, k.wide ? chip.*(k.wide) : int64_t(chip.*(k.narrow)), ""});
  return figures;
}

bool loadChip(const std::string &nameOrPath, ChipDesc &out, std::string &error) {
  std::string path = isPath(nameOrPath)
                         ? nameOrPath
                         : chipsDirectory() + "/" + nameOrPath + ".chip";
  std::ifstream in(path);
  if (!in) {
    error = isPath(nameOrPath)
                ? "cannot open chip descriptor '" + path + "'"
                : "unknown chip '" + nameOrPath + "' (no " + path + ")";
    return false;
  }
  std::string name;
  bool named = false;
  std::vector<ChipFigure> figures;
  std::string line;
  for (int lineNo = 1; std::getline(in, line); ++lineNo) {
    if (size_t hash = line.find('#'); hash != std::string::npos)
      line.resize(hash);
    line = trim(line);
    if (line.empty())
      continue;
    std::string where = path + ":" + std::to_string(lineNo);
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      error = where + ": expected 'key = value', got '" + line + "'";
      return false;
    }
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == "name") {
      if (named) {
        error = where + ": key 'name' given twice";
        return false;
      }
      name = value;
      named = true;
      continue;
    }
    errno = 0;
    char *end = nullptr;
    long long v = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end || errno == ERANGE) {
      error = where + ": value of '" + key + "' is not an integer: '" + value + "'";
      return false;
    }
    figures.push_back({key, v, where});
  }
  if (!named) {
    error = path + ": missing key 'name'";
    return false;
  }
  return chipFromFigures(name, figures, path, out, error);
}

} // namespace tessel::rt
