//===- Peak.cpp - Microbenchmarks of the simulated chip -------------------===//
//
// Every benchmark runs the same kernel at two sizes and divides the
// difference of the work by the difference of the cycles: fixed costs
// (latency of the first request, kernel start, barriers) cancel and what is
// left is the steady-state rate of the unit under test. Nothing here touches
// the timing model: the kernels are ordinary bytecode.
//
// Published figures (silicon, ../shared/ARCHITECTURE.md) exist for
// wormhole_b0's DRAM; every other reference is the peak the descriptor
// states (link = one flit per cycle, hop = noc_hop_cycles, matmul =
// 16 x phases cycles, eltwise and SFPU rates).
//
//===----------------------------------------------------------------------===//
#include "tessel/runtime/Peak.h"

#include "Noc.h"

#include "tessel/runtime/BinaryBuilder.h"
#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace tessel::rt {

namespace {

using ttb::DataFormat;
using ttb::MathFidelity;
using ttb::ThreadKind;

// First L1 byte a circular buffer may use.
uint32_t l1Base(const ChipDesc &chip) { return uint32_t(chip.l1ReservedBytes); }

class Bench {
public:
  Bench(const ChipDesc &chip, std::string &error) : chip(chip), error(error) {}

  bool cycles(BinarySpec spec, int64_t &out) {
    spec.chip = chip.name;
    LoadedBinary bin;
    RunResult result;
    if (!loadBinaryFromBytes(buildBinary(spec), chip, bin, error) ||
        !runBinary(bin, {}, SimOptions(), result, error)) {
      error = "benchmark '" + spec.dispatches[0].name + "': " + error;
      return false;
    }
    out = result.perf.cycles;
    return true;
  }

  /// Steady-state work per cycle: (work(n2) - work(n1)) / (cycles(n2) - cycles(n1)).
  template <typename Build>
  bool rate(Build build, int64_t n1, int64_t n2, double workPerUnit, double &out) {
    int64_t c1, c2;
    if (!cycles(build(n1), c1) || !cycles(build(n2), c2))
      return false;
    if (c2 <= c1) {
      error = "benchmark did not slow down with more work";
      return false;
    }
    out = double(n2 - n1) * workPerUnit / double(c2 - c1);
    return true;
  }

  const ChipDesc &chip;
  std::string &error;
};

// Postfix "1 - ceildiv(x, span)": 1 on the core at x = 0, else 0.
std::vector<int64_t> onlyFirst(int64_t span) {
  return {0, 1, 1, VarCoreX, 0, span, 6, 0, 0, -1, 3, 0, 2, 0};
}

// The cores of a width x height rectangle each read `tiles` bf16 tiles.
// `tileOf` is the postfix expression of the tile index from the loop variable
// (4) and the core variables; `active` (postfix, 0 or 1) picks the cores that
// read at all.
BinarySpec dramReadSpec(const ChipDesc &chip, int width, int height, int64_t tiles,
                        int64_t bufferTiles, std::vector<int64_t> tileOf,
                        std::vector<int64_t> active = {0, 1}) {
  BinarySpec spec;
  spec.buffers = {{"x", {32, 32 * bufferTiles}, DataFormat::BFloat16, 0}};
  DispatchSpec d;
  d.name = "dram_read";
  d.x1 = uint32_t(width - 1);
  d.y1 = uint32_t(height - 1);
  d.buffers = {0};
  d.cbs = {{0, DataFormat::BFloat16, uint32_t(tiles), l1Base(chip)}};
  KernelSpec reader(ThreadKind::Reader);
  reader.numVars = 6;
  int32_t tile = reader.expr(std::move(tileOf));
  size_t on = reader.loop(5, reader.expr(std::move(active)));
  reader.emit(Op::CbReserve, {0, int32_t(tiles)});
  size_t l = reader.loop(4, reader.constant(tiles));
  reader.emit(Op::NocRead, {0, tile, 0, reader.var(4)});
  reader.endLoop(l);
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, int32_t(tiles)});
  reader.endLoop(on);
  d.kernels = {reader};
  spec.dispatches = {d};
  return spec;
}

// Core (0,0) sends `tiles` bf16 tiles to the cores (1..last, 0) with one
// NOC_MCAST each (a single destination when last == 1).
BinarySpec multicastSpec(const ChipDesc &chip, int last, int64_t tiles) {
  BinarySpec spec;
  DispatchSpec d;
  d.name = "noc_mcast";
  d.x1 = uint32_t(last);
  d.cbs = {{0, DataFormat::BFloat16, uint32_t(tiles), l1Base(chip)}};
  KernelSpec sender(ThreadKind::Reader);
  sender.numVars = 6;
  int32_t zero = sender.constant(0), one = sender.constant(1), end = sender.constant(last);
  size_t only = sender.loop(5, sender.expr(onlyFirst(last)));
  sender.emit(Op::CbReserve, {0, 1});
  size_t l = sender.loop(4, sender.constant(tiles));
  sender.emit(Op::NocMcast, {0, zero, one, zero, end, zero, sender.var(4)});
  sender.endLoop(l);
  sender.emit(Op::NocBarrier);
  sender.endLoop(only);
  d.kernels = {sender};
  spec.dispatches = {d};
  return spec;
}

// Core (distance, 0) increments a semaphore of core (0, 0), which waits on it.
BinarySpec hopSpec(int distance) {
  BinarySpec spec;
  DispatchSpec d;
  d.name = "noc_hop";
  d.x1 = uint32_t(distance);
  d.semaphores = 1;
  KernelSpec k(ThreadKind::Reader);
  k.numVars = 5;
  int32_t zero = k.constant(0), one = k.constant(1);
  size_t send = k.loop(4, k.expr({1, VarCoreX, 0, distance, 4, 0}));
  k.emit(Op::SemInc, {zero, zero, 0, 1});
  k.endLoop(send);
  size_t wait = k.loop(4, k.expr(onlyFirst(distance)));
  k.emit(Op::SemWait, {0, one});
  k.endLoop(wait);
  d.kernels = {k};
  spec.dispatches = {d};
  return spec;
}

// One core's compute thread repeats a tile op `reps` x 16 times on operands
// that sit published in CBs 0 and 1 (format `fmt`). `emitOp` appends one op.
template <typename EmitOp>
BinarySpec computeSpec(const ChipDesc &chip, DataFormat fmt, MathFidelity fidelity,
                       int64_t reps, EmitOp emitOp) {
  BinarySpec spec;
  DispatchSpec d;
  d.name = "compute";
  d.fidelity = fidelity;
  uint32_t tile = uint32_t(tileBytes(fmt));
  d.cbs = {{0, fmt, 1, l1Base(chip)}, {1, fmt, 1, l1Base(chip) + tile}};
  KernelSpec reader(ThreadKind::Reader);
  for (int32_t cb : {0, 1}) {
    reader.emit(Op::CbReserve, {cb, 1});
    reader.emit(Op::CbPush, {cb, 1});
  }
  KernelSpec compute(ThreadKind::Compute);
  int32_t zero = compute.constant(0);
  compute.emit(Op::CbWait, {0, 1});
  compute.emit(Op::CbWait, {1, 1});
  compute.emit(Op::DstAcquire);
  size_t l = compute.loop(4, compute.constant(reps));
  // Unrolled so that the loop's own cycle stays in the noise.
  for (int i = 0; i < 16; ++i)
    emitOp(compute, zero);
  compute.endLoop(l);
  compute.emit(Op::DstRelease);
  d.kernels = {reader, compute};
  spec.dispatches = {d};
  return spec;
}

const char *fidelityName(MathFidelity f) {
  switch (f) {
  case MathFidelity::LoFi: return "LoFi";
  case MathFidelity::HiFi2: return "HiFi2";
  case MathFidelity::HiFi3: return "HiFi3";
  case MathFidelity::HiFi4: return "HiFi4";
  }
  return "?";
}

// Silicon measurements of ARCHITECTURE.md, where they exist.
struct Published {
  double coreDramGBs = 0, aggregateDramGBs = 0;
};
Published publishedFor(const ChipDesc &chip) {
  if (chip.name == "wormhole_b0")
    return {22.0, 265.0};
  return {};
}

} // namespace

bool measurePeaks(const ChipDesc &chip, std::vector<PeakFigure> &figures,
                  std::string &error) {
  figures.clear();
  Bench bench(chip, error);
  const double tile = double(tileBytes(DataFormat::BFloat16));
  const double ghz = double(chip.clockMhz) / 1000.0;
  const int64_t channels = chip.dramChannels;
  Published pub = publishedFor(chip);
  auto add = [&](std::string name, std::string unit, double measured, double peak,
                 double published) {
    figures.push_back({std::move(name), std::move(unit), measured,
                       published > 0 ? published : peak, published > 0});
  };
  double v;

  // One core streams from one channel: tiles t * channels all live in channel 0.
  auto oneChannel = [&](int64_t n) {
    return dramReadSpec(chip, 1, 1, n, n * channels, {1, 4, 0, channels, 3, 0});
  };
  if (!bench.rate(oneChannel, 64, 128, tile, v))
    return false;
  add("DRAM read, 1 core from 1 channel", "GB/s", v * ghz,
      chip.dramPeakBytesPerCycle() * ghz, pub.coreDramGBs);

  // One reader per channel, each on the core just east of its channel (see
  // Noc.h: channel c at row c mod half of the west column, c >= half in the
  // middle column): a (gridX/2 + 1) x half rectangle whose cores at x = 0
  // and x = gridX/2 read, channel (x / (gridX/2)) * half + y.
  int64_t half = (channels + 1) / 2, mid = chip.gridX / 2;
  auto perChannel = [&](int64_t n) {
    // Tile i * channels + channel; the reading columns: 1 - ceildiv(x mod mid, mid).
    return dramReadSpec(
        chip, int(mid + 1), int(half), n, n * channels,
        {1, 4, 0, channels, 3, 0, 1, VarCoreX, 0, mid, 4, 0, 0, half, 3, 0, 1, VarCoreY, 2, 0,
         2, 0},
        {0, 1, 1, VarCoreX, 0, mid, 5, 0, 0, mid, 6, 0, 0, -1, 3, 0, 2, 0});
  };
  if (!bench.rate(perChannel, 32, 64, tile * double(channels), v))
    return false;
  double aggregatePeak = chip.dramPeakBytesPerCycle() * double(channels) * ghz;
  add("DRAM read, " + std::to_string(channels) + " cores, own channel each", "GB/s", v * ghz,
      aggregatePeak, pub.aggregateDramGBs);
  int64_t all = int64_t(chip.gridX) * chip.gridY;
  auto interleaved = [&](int64_t n) {
    return dramReadSpec(chip, chip.gridX, chip.gridY, n, n * all,
                        {1, 4, 0, all, 3, 0, 1, VarCoreIndex, 2, 0});
  };
  if (!bench.rate(interleaved, 16, 32, tile * double(all), v))
    return false;
  add("DRAM read, " + std::to_string(all) + " cores, interleaved", "GB/s", v * ghz,
      aggregatePeak, pub.aggregateDramGBs);

  // NoC: the latency slope of a semaphore write over distance, the
  // throughput of a stream to the neighbour and of a multicast to the row.
  int far = chip.gridX - 1;
  int64_t near = 0, farCycles = 0;
  if (!bench.cycles(hopSpec(1), near) || !bench.cycles(hopSpec(far), farCycles))
    return false;
  // A semaphore increment travels on NoC1; count the routers it passes (the
  // middle DRAM column adds one on the way).
  NocModel noc(chip);
  NocNode home = noc.worker(0, 0);
  int hops = noc.hops(1, noc.worker(far, 0), home) - noc.hops(1, noc.worker(1, 0), home);
  add("NoC hop latency", "cycles", double(farCycles - near) / double(hops),
      double(chip.nocHopCycles), 0);
  auto toNeighbour = [&](int64_t n) { return multicastSpec(chip, 1, n); };
  if (!bench.rate(toNeighbour, 32, 64, tile, v))
    return false;
  add("NoC link, core to core", "B/cycle", v, double(chip.nocFlitBytes), 0);
  auto toRow = [&](int64_t n) { return multicastSpec(chip, far, n); };
  if (!bench.rate(toRow, 32, 64, tile, v))
    return false;
  add("NoC multicast to " + std::to_string(far) + " cores, per core", "B/cycle", v,
      double(chip.nocFlitBytes), 0);

  // Matrix engine: block-float-4 operands unpack faster than LoFi multiplies,
  // so the multiplier is what the loop measures.
  for (MathFidelity f : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3,
                         MathFidelity::HiFi4}) {
    auto matmul = [&](int64_t n) {
      return computeSpec(chip, DataFormat::Bfp4_b, f, n, [](KernelSpec &k, int32_t zero) {
        k.emit(Op::Matmul, {0, zero, 1, zero, zero});
      });
    };
    double perCycle;
    if (!bench.rate(matmul, 8, 16, 16.0, perCycle))
      return false;
    int phases = int(f) + 1;
    add(std::string("tile matmul 32x32x32, ") + fidelityName(f), "cycles", 1.0 / perCycle,
        16.0 * phases * 2048.0 / double(chip.matmulMacsPerCycle), 0);
  }

  // FPU eltwise on bfp2 tiles (the smallest to unpack), SFPU on a Dst tile.
  struct Eltwise {
    const char *name;
    BinaryOp op;
    double peak;
  };
  for (Eltwise e : {Eltwise{"FPU eltwise add", BinaryOp::Add, double(chip.fpuAddFlopsPerCycle)},
                    Eltwise{"FPU eltwise mul, LoFi", BinaryOp::Mul,
                            double(chip.fpuMulFlopsPerCycle)}}) {
    auto eltwise = [&](int64_t n) {
      return computeSpec(chip, DataFormat::Bfp2_b, MathFidelity::LoFi, n,
                         [&](KernelSpec &k, int32_t zero) {
                           k.emit(Op::Binary, {int32_t(e.op), 0, 0, zero, 1, zero, zero});
                         });
    };
    if (!bench.rate(eltwise, 8, 16, 16.0 * double(kTileElems), v))
      return false;
    add(e.name, "flop/cycle", v, e.peak, 0);
  }
  auto sfpu = [&](int64_t n) {
    return computeSpec(chip, DataFormat::BFloat16, MathFidelity::HiFi4, n,
                       [](KernelSpec &k, int32_t zero) {
                         float two = 2.0f;
                         int32_t bits;
                         std::memcpy(&bits, &two, 4);
                         k.emit(Op::Unary, {int32_t(UnaryOp::Scale), zero, bits});
                       });
  };
  if (!bench.rate(sfpu, 8, 16, 16.0 * double(kTileElems), v))
    return false;
  add("SFPU multiply", "op/cycle", v, double(chip.sfpuLanes), 0);
  return true;
}

std::string peakTable(const ChipDesc &chip, const std::vector<PeakFigure> &figures) {
  std::vector<std::string> names;
  int width = int(std::strlen("figure"));
  for (const PeakFigure &f : figures) {
    names.push_back(f.name + " (" + f.unit + ")");
    width = std::max(width, int(names.back().size()));
  }
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-*s %10s %10s %7s  %s\n", width, "figure", "simulated",
                "reference", "ratio", "reference is");
  out += line;
  for (size_t i = 0; i < figures.size(); ++i) {
    const PeakFigure &f = figures[i];
    std::snprintf(line, sizeof(line), "%-*s %10.2f %10.2f %6.1f%%  %s\n", width,
                  names[i].c_str(), f.measured, f.reference, 100.0 * f.measured / f.reference,
                  f.published ? "published (silicon)" : "descriptor peak");
    out += line;
  }
  std::snprintf(line, sizeof(line), "chip %s: %dx%d cores at %lld MHz\n", chip.name.c_str(),
                chip.gridX, chip.gridY, (long long)chip.clockMhz);
  return out + line;
}

} // namespace tessel::rt
