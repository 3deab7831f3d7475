//===- Simulator.cpp - Running a whole binary -----------------------------===//
//
// Host side of a run: check and place the inputs, load the constants, run the
// dispatches back to back, read the outputs back.
//
//===----------------------------------------------------------------------===//
#include "tessel/runtime/Simulator.h"

#include "Compute.h"
#include "Dispatch.h"
#include "HostOps.h"
#include "LegacyRandom.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/L1Tensors.h"
#include "tessel/runtime/OneLine.h"
#include "tessel/runtime/SaturatingCast.h"
#include "tessel/runtime/TensorIO.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <random>

namespace tessel::rt {

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

bool shapeFits(const std::vector<int64_t> &declared, const std::vector<int64_t> &shape) {
  if (declared.size() != shape.size())
    return false;
  for (size_t i = 0; i < shape.size(); ++i)
    if (declared[i] != -1 && declared[i] != shape[i])
      return false;
  return true;
}

namespace {

std::vector<int64_t> signatureShape(const ttb::TensorSignature &sig) {
  std::vector<int64_t> shape;
  if (sig.shape())
    shape.assign(sig.shape()->begin(), sig.shape()->end());
  return shape;
}

std::string signatureName(const ttb::TensorSignature &sig, size_t i) {
  return sig.name() && sig.name()->size() ? "'" + sig.name()->str() + "'"
                                          : "#" + std::to_string(i);
}

const char *fidelityName(ttb::MathFidelity f) {
  switch (f) {
  case ttb::MathFidelity::LoFi: return "LoFi";
  case ttb::MathFidelity::HiFi2: return "HiFi2";
  case ttb::MathFidelity::HiFi3: return "HiFi3";
  case ttb::MathFidelity::HiFi4: return "HiFi4";
  }
  return "?";
}

// Whether some MATMUL of the dispatch reads an f32 operand (it then costs
// six HiFi4 passes whatever the fidelity).
bool hasF32Matmul(const ttb::Dispatch &d) {
  if (!d.kernels() || !d.cbs())
    return false;
  auto isF32 = [&](int32_t id) {
    for (const ttb::CircularBuffer *cb : *d.cbs())
      if (int64_t(cb->id()) == int64_t(id))
        return cb->format() == DataFormat::Float32;
    return false;
  };
  for (const ttb::Kernel *k : *d.kernels()) {
    if (!k->code())
      continue;
    const auto &code = *k->code();
    for (size_t pc = 0; pc < code.size(); pc += size_t(operandCount(code[pc])) + 1)
      if ((Op(code[pc]) == Op::Matmul || Op(code[pc]) == Op::MatmulBt) &&
          (isF32(code[pc + 1]) || isF32(code[pc + 3])))
        return true;
  }
  return false;
}

/// `values` of `shape` into DRAM buffer `buffer`, tiled, their padding zero, rounded to its format;
/// an int32 buffer takes `ints` where given, else `values` rounded and saturated.
void placeTensor(ChipState &st, uint32_t buffer, const std::vector<int64_t> &shape,
                 const std::vector<float> &values, const int32_t *ints = nullptr) {
  DataFormat fmt = st.binary.buffers()->Get(buffer)->format();
  int64_t tiles = st.dram.tiles(buffer);
  std::vector<float> tiled(size_t(tiles * kTileElems));
  if (fmt == DataFormat::Int32) {
    std::vector<float> slots(values.size());
    for (size_t i = 0; i < values.size(); ++i)
      slots[i] = int32Slot(ints ? ints[i] : saturateInt32(values[i]));
    tilize(slots.data(), shape, tiled.data());
  } else {
    tilize(values.data(), shape, tiled.data());
  }
  for (int64_t t = 0; t < tiles; ++t) {
    float *dst = st.dram.tile(buffer, t);
    std::copy_n(tiled.data() + t * kTileElems, kTileElems, dst);
    roundTile(dst, fmt);
  }
}

/// Whether every value of `in` lies in the signature's exact range (tt-bound-integer-inputs), if
/// it has one; else `error` says which does not and what it would break.
bool withinExactRange(const ttb::TensorSignature &sig, const HostTensor &in, std::string &error) {
  if (!sig.exact_range() || sig.exact_range()->size() != 2)
    return true;
  int64_t lo = sig.exact_range()->Get(0), hi = sig.exact_range()->Get(1);
  const int32_t *ints = exactInts(in);
  for (size_t k = 0; k < in.data.size(); ++k) {
    double v = ints ? double(ints[k]) : double(in.data[k]);
    if (v >= double(lo) && v <= double(hi))
      continue;
    char text[48];
    std::snprintf(text, sizeof text, "%.17g", v);
    error = "value " + std::string(text) + " (element " + std::to_string(k) + ") is outside [" +
            std::to_string(lo) + ", " + std::to_string(hi) + "]; beyond it, " +
            (sig.exact_reason() ? sig.exact_reason()->str() : "an integer would not be exact");
    return false;
  }
  return true;
}

bool placeInputs(ChipState &st, const std::vector<HostTensor> &inputs,
                 std::string &error) {
  const ttb::Binary &bin = st.binary;
  size_t expected = bin.inputs() ? bin.inputs()->size() : 0;
  if (inputs.size() != expected) {
    error = "the model takes " + std::to_string(expected) + " inputs, got " +
            std::to_string(inputs.size());
    return false;
  }
  for (size_t i = 0; i < expected; ++i) {
    const ttb::TensorSignature &sig = *bin.inputs()->Get(i);
    std::vector<int64_t> shape = signatureShape(sig);
    const HostTensor &in = inputs[i];
    std::string type = sig.element_type() ? sig.element_type()->str() : "";
    bool sequence = !sequenceElementType(type).empty(), optional = !optionalElementType(type).empty();
    auto kind = [](bool seq, bool opt) { return seq ? "a sequence" : opt ? "an optional" : "a tensor"; };
    if (sequence != in.isSequence || optional != in.isOptional) {
      error = "input " + signatureName(sig, i) + ": expected " + kind(sequence, optional) +
              ", got " + kind(in.isSequence, in.isOptional);
      return false;
    }
    if (sequence || optional)
      continue; // only host ops read it
    if (!shapeFits(shape, in.shape)) {
      error = "input " + signatureName(sig, i) + ": expected shape " +
              shapeText(shape) + ", got " + shapeText(in.shape);
      return false;
    }
    bool text = sig.element_type() && sig.element_type()->str() == "string";
    if ((text && !in.data.empty()) || (!text && !in.strings.empty())) {
      error = "input " + signatureName(sig, i) + ": expected " +
              (text ? "strings" : "numbers") + ", got " + (text ? "numbers" : "strings");
      return false;
    }
    size_t values = text ? in.strings.size() : in.data.size();
    if (int64_t(values) != numElements(in.shape)) {
      error = "input " + signatureName(sig, i) + ": has " + std::to_string(values) +
              " values for shape " + shapeText(in.shape);
      return false;
    }
    if (sig.buffer() == kNoBuffer)
      continue; // empty: nothing to place
    if (!withinExactRange(sig, in, error)) {
      error = "input " + signatureName(sig, i) + ": " + error;
      return false;
    }
    placeTensor(st, sig.buffer(), shape, in.data, exactInts(in));
  }
  return true;
}

/// The random tensors the binary draws (Binary.generated), in their buffers: numpy's legacy
/// generator, seeded by the node's seed, else by `options.seed` + k for the k-th unseeded one,
/// else by the system.
void placeGenerated(ChipState &st, const SimOptions &options) {
  const ttb::Binary &bin = st.binary;
  if (!bin.generated())
    return;
  uint32_t unseeded = 0;
  for (const ttb::Generated *g : *bin.generated()) {
    uint32_t seed = g->seeded()     ? uint32_t(saturatingInt64(g->seed()))
                    : options.seed ? *options.seed + unseeded++
                                   : std::random_device{}();
    LegacyRandom rng(seed);
    const ttb::TensorSignature &sig = *g->signature();
    std::vector<int64_t> shape = signatureShape(sig);
    std::vector<float> values(size_t(numElements(shape)));
    double a = g->a(), b = g->b();
    for (float &v : values)
      v = float(g->normal() ? a + b * rng.normal() : a + (b - a) * rng.uniform());
    placeTensor(st, sig.buffer(), shape, values);
  }
}

void loadConstants(ChipState &st) {
  const ttb::Binary &bin = st.binary;
  if (!bin.constants())
    return;
  for (const ttb::Constant *c : *bin.constants())
    st.dram.setPacked(c->buffer(), c->data()->data(), bin.buffers()->Get(c->buffer())->format());
}

/// The highest end of any buffer in a DRAM channel, times the channels.
int64_t dramPeakBytes(ChipState &st, const ChipDesc &chip) {
  int64_t end = 0;
  if (st.binary.buffers())
    for (uint32_t i = 0; i < st.binary.buffers()->size(); ++i) {
      const ttb::Buffer *b = st.binary.buffers()->Get(i);
      if (b->memory() != ttb::MemorySpace::Dram)
        continue;
      end = std::max(end, int64_t(b->address()) +
                              interleavedChannelBytes(st.dram.tiles(i), b->format(),
                                                      chip.dramChannels));
    }
  return end * chip.dramChannels;
}

/// Bytes every schedule moves: each constant, input and output buffer once, in its format.
int64_t compulsoryDramBytes(ChipState &st) {
  const ttb::Binary &bin = st.binary;
  std::vector<bool> counted(bin.buffers() ? bin.buffers()->size() : 0, false);
  int64_t bytes = 0;
  auto count = [&](uint32_t buffer) {
    if (buffer >= counted.size() || counted[buffer])
      return;
    counted[buffer] = true;
    bytes += st.dram.tiles(buffer) * tileBytes(bin.buffers()->Get(buffer)->format());
  };
  if (bin.constants())
    for (const ttb::Constant *c : *bin.constants())
      count(c->buffer());
  for (auto *signatures : {bin.inputs(), bin.outputs()})
    if (signatures)
      for (const ttb::TensorSignature *sig : *signatures)
        if (sig->buffer() != kNoBuffer)
          count(sig->buffer());
  // A drawn tensor reaches DRAM from the host, as an input does.
  if (bin.generated())
    for (const ttb::Generated *g : *bin.generated())
      count(g->signature()->buffer());
  return bytes;
}

/// The tensors of `signatures` read back from DRAM; one with no buffer (empty, or a host op's
/// output) has no values yet.
void readSignatures(ChipState &st, const flatbuffers::Vector<flatbuffers::Offset<ttb::TensorSignature>> *signatures,
                    std::vector<HostTensor> &outputs) {
  outputs.clear();
  if (!signatures)
    return;
  for (size_t i = 0; i < signatures->size(); ++i) {
    const ttb::TensorSignature &sig = *signatures->Get(i);
    HostTensor out;
    out.name = sig.name() ? sig.name()->str() : "output" + std::to_string(i);
    out.shape = signatureShape(sig);
    if (sig.buffer() == kNoBuffer) {
      outputs.push_back(std::move(out));
      continue;
    }
    int64_t tiles = st.dram.tiles(sig.buffer());
    std::vector<float> tiled(size_t(tiles * kTileElems));
    for (int64_t t = 0; t < tiles; ++t)
      std::copy_n(st.dram.tile(sig.buffer(), t), kTileElems,
                  tiled.data() + t * kTileElems);
    out.data.assign(size_t(numElements(out.shape)), 0.0f);
    untilize(tiled.data(), out.shape, out.data.data());
    if (st.binary.buffers()->Get(sig.buffer())->format() == DataFormat::Int32)
      for (float &slot : out.data) {
        out.ints.push_back(slotInt32(slot));
        slot = float(out.ints.back());
      }
    outputs.push_back(std::move(out));
  }
}

/// Runs the binary's host ops after the chip, on the model's inputs and what the chip returned;
/// fills the outputs they compute, and times each in the report and on the trace's host track
/// (from `chipEnd`, in host microseconds at the chip's clock).
bool runHostOps(ChipState &st, const std::vector<HostTensor> &inputs, int64_t chipEnd,
                RunResult &result, std::string &error) {
  const ttb::Binary &bin = st.binary;
  if (!bin.host_ops())
    return true;
  std::vector<HostTensor> hostValues;
  readSignatures(st, bin.host_values(), hostValues);
  HostScope values;
  for (size_t i = 0; bin.inputs() && i < bin.inputs()->size(); ++i)
    if (bin.inputs()->Get(i)->name())
      values[bin.inputs()->Get(i)->name()->str()] = &inputs[i];
  for (size_t i = 0; i < result.outputs.size(); ++i)
    if (bin.outputs()->Get(i)->buffer() != kNoBuffer)
      values[result.outputs[i].name] = &result.outputs[i];
  for (const HostTensor &t : hostValues)
    values[t.name] = &t;
  std::deque<HostTensor> computed; // stable addresses for `values`
  int64_t at = chipEnd;
  auto ran = [&](const ttb::HostOp &op, double us) {
    std::string opName = op.name() ? op.name()->str() : "";
    result.perf.hostOps.push_back({opName, op.op() ? op.op()->str() : "", opName, us});
    if (st.trace) {
      int64_t cycles = std::max<int64_t>(1, int64_t(us * double(result.trace.clockMhz)));
      st.trace->add(kHostTracePid, 0, at, cycles, opName, /*mergeable=*/false);
      at += cycles;
    }
  };
  if (!runHostOpList(*bin.host_ops(), values, computed, st.cancel, error, ran))
    return false;
  for (size_t i = 0; i < result.outputs.size(); ++i) {
    const ttb::TensorSignature &sig = *bin.outputs()->Get(i);
    if (!sig.from_host())
      continue;
    auto it = values.find(result.outputs[i].name);
    if (it == values.end()) {
      error = "output " + signatureName(sig, i) + ": no host op computes it";
      return false;
    }
    result.outputs[i] = *it->second;
  }
  return true;
}

/// When the cores of `next`, joined to the program of `prev`, start. The program streams
/// `next`'s kernel configuration to the cores beside the others' (one multicast, a flit a cycle;
/// charged here, in series, though it could overlap the earlier dispatches). Then a barrier:
/// each core of `prev`, as its kernels end, increments a semaphore on `prev`'s first core (as
/// SEM_INC); that core waits for them all (a cycle, as SEM_WAIT) and multicasts the go on NoC0
/// (a 4-byte semaphore set) to the cores of `next`, which wait for it (a cycle).
int64_t joinedStart(ChipState &st, const ttb::Dispatch &prev,
                    const std::vector<DispatchRunner::CoreEnd> &prevEnds,
                    const ttb::Dispatch &next) {
  NocModel &noc = st.noc;
  noc.reset();
  NocNode coordinator = noc.worker(int(prev.core_x0()), int(prev.core_y0()));
  int64_t signalled = 0;
  for (const DispatchRunner::CoreEnd &e : prevEnds)
    signalled = std::max(signalled,
                         noc.semaphoreArrival(noc.worker(e.x, e.y), coordinator, e.cycle));
  std::vector<NocNode> cores;
  for (uint32_t y = next.core_y0(); y <= next.core_y1(); ++y)
    for (uint32_t x = next.core_x0(); x <= next.core_x1(); ++x)
      cores.push_back(noc.worker(int(x), int(y)));
  const std::vector<int64_t> &go = noc.multicast(0, coordinator, cores, signalled + 1, 4);
  int64_t released = *std::max_element(go.begin(), go.end()) + 1;
  const ChipDesc &chip = st.chip;
  int64_t config = (kernelConfigSize(next).bytes() + chip.nocFlitBytes - 1) / chip.nocFlitBytes;
  return released + config;
}

/// The next dispatch, prepared (PreparedDispatch, its streams' first chunks decoded) by a worker
/// with nothing else to do while the current dispatch runs. Otherwise the scheduler would start
/// every dispatch by decoding, or waiting for, most of its 192 threads' first chunks itself.
class NextDispatch {
public:
  explicit NextDispatch(ChipState &st) : st(st) {}
  NextDispatch(const NextDispatch &) = delete;
  NextDispatch &operator=(const NextDispatch &) = delete;
  /// No task left that refers to this. No dispatch is left either: the CBs' pages still to be
  /// mapped ahead (ChipState::mapCbTiles), idle tasks too, would only be mapped here, on the
  /// scheduler's thread, for nothing.
  ~NextDispatch() {
    take();
    st.stopMapping.store(true, std::memory_order_relaxed);
    st.lanes.drainIdle();
  }

  /// Starts preparing `d` (which must be taken before the next call).
  void begin(const ttb::Dispatch *d) {
    dispatch = d;
    prepared.reset();
    state.store(Queued, std::memory_order_release);
    if (!st.lanes.postIdle({&NextDispatch::task, this}))
      state.store(Idle, std::memory_order_relaxed);
  }
  /// What was prepared for the dispatch begun last; null if no worker began it (the caller
  /// prepares it then, decoding the first chunks on the workers as usual).
  std::unique_ptr<PreparedDispatch> take() {
    int queued = Queued;
    if (state.compare_exchange_strong(queued, Idle, std::memory_order_acq_rel))
      return nullptr;
    if (queued == Running)
      st.lanes.await([this] { return state.load(std::memory_order_seq_cst) == Done; });
    if (state.load(std::memory_order_acquire) == Done)
      state.store(Idle, std::memory_order_relaxed);
    return std::move(prepared);
  }

private:
  enum State : int { Idle, Queued, Running, Done };
  ChipState &st;
  const ttb::Dispatch *dispatch = nullptr;
  std::unique_ptr<PreparedDispatch> prepared;
  std::atomic<int> state{Idle};

  static void task(void *self) {
    auto *n = static_cast<NextDispatch *>(self);
    int queued = Queued;
    if (!n->state.compare_exchange_strong(queued, Running, std::memory_order_acq_rel))
      return; // taken back
    n->prepared = prepareDispatch(n->st.binary, *n->dispatch, n->st.lanes, true);
    n->state.store(Done, std::memory_order_seq_cst); // for `signal`
    n->st.lanes.signal();
  }
};

} // namespace

/// For each buffer, the last dispatch that reads or writes it, or -1 where the host reads it
/// after the dispatches (outputs, values host ops read) or no dispatch names it.
static std::vector<int64_t> lastDispatchUses(const ttb::Binary &bin) {
  size_t numBuffers = bin.buffers() ? bin.buffers()->size() : 0;
  std::vector<int64_t> last(numBuffers, -1);
  if (bin.dispatches())
    for (size_t i = 0; i < bin.dispatches()->size(); ++i)
      if (const auto *buffers = bin.dispatches()->Get(i)->buffers())
        for (uint32_t b : *buffers)
          last[b] = int64_t(i);
  for (const auto *signatures : {bin.outputs(), bin.host_values()})
    if (signatures)
      for (const ttb::TensorSignature *s : *signatures)
        if (s->buffer() < numBuffers) // not a host op's or an empty tensor
          last[s->buffer()] = -1;
  return last;
}

static bool runVerified(const LoadedBinary &binary, const std::vector<HostTensor> &inputs,
                        const SimOptions &options, RunResult &result, std::string &error);

bool runBinary(const LoadedBinary &binary, const std::vector<HostTensor> &inputs,
               const SimOptions &options, RunResult &result, std::string &error) {
  if (runVerified(binary, inputs, options, result, error))
    return true;
  error = oneLine(error);
  return false;
}

void ChipState::reserveCbTiles() {
  size_t most = 0;
  if (binary.dispatches())
    for (const ttb::Dispatch *d : *binary.dispatches()) {
      size_t cores = size_t(d->core_x1() - d->core_x0() + 1) * (d->core_y1() - d->core_y0() + 1);
      most = std::max(most, cores * cbTilesPerCore(*d) * size_t(kTileElems));
    }
  if (most == 0)
    return;
  cbTiles = ZeroedFloats(most);
  cbSlots.resize(most / size_t(kTileElems));
  // Refused without workers: the pages are then mapped as they are first written.
  lanes.postIdle({&ChipState::mapCbTiles, this});
}

void ChipState::mapCbTiles(void *self) {
  // A few MiB at a time, each piece queued behind whatever else the workers have to do.
  constexpr size_t kPiece = (size_t(4) << 20) / sizeof(float);
  auto *st = static_cast<ChipState *>(self);
  if (st->stopMapping.load(std::memory_order_relaxed))
    return;
  st->cbTiles.populate(st->cbTilesMapped, kPiece);
  st->cbTilesMapped += kPiece;
  if (st->cbTilesMapped < st->cbTiles.size())
    st->lanes.postIdle({&ChipState::mapCbTiles, st});
}

static bool runVerified(const LoadedBinary &binary, const std::vector<HostTensor> &inputs,
                        const SimOptions &options, RunResult &result, std::string &error) {
  const ttb::Binary &bin = *binary.root();
  const ChipDesc &chip = binary.chip;
  ChipState st(chip, bin, mathWorkers(options.hostThreads));
  std::vector<int64_t> tiles;
  uint64_t hostBytes = 0;
  if (bin.buffers())
    for (const ttb::Buffer *b : *bin.buffers()) {
      tiles.push_back(b->batch() * b->rows_tiles() * b->cols_tiles());
      hostBytes += uint64_t(tiles.back()) * kTileElems * sizeof(float);
    }
  if (hostBytes > options.maxHostBytes) {
    error = "the binary's buffers need " + std::to_string(hostBytes >> 20) +
            " MiB of host memory, more than the limit of " +
            std::to_string(options.maxHostBytes >> 20) + " MiB";
    return false;
  }
  st.dram.init(tiles);
  st.instructionBudget = options.instructionBudget;
  result = RunResult();
  if (options.trace) {
    result.trace.gridX = chip.gridX;
    result.trace.gridY = chip.gridY;
    result.trace.clockMhz = chip.clockMhz;
    st.trace = &result.trace;
  }
  if (!placeInputs(st, inputs, error))
    return false;
  placeGenerated(st, options);
  loadConstants(st);

  PerfReport &perf = result.perf;
  perf.chip = chip.name;
  if (bin.precision())
    perf.precision = bin.precision()->str();
  perf.clockMhz = chip.clockMhz;
  perf.peakFlopsPerCycle = 2.0 * double(chip.matmulMacsPerCycle) * chip.gridX * chip.gridY;
  perf.peakDramBytesPerCycle = chip.dramPeakBytesPerCycle() * chip.dramChannels;
  perf.compulsoryDramBytes = compulsoryDramBytes(st);
  perf.dramPeakBytes = dramPeakBytes(st, chip);
  // Per core, the L1 that tensors kept between dispatches hold during each dispatch.
  std::vector<int64_t> l1TensorBytes(bin.dispatches() ? bin.dispatches()->size() : 0, 0);
  for (const L1Tensor &t : l1Tensors(bin, chip))
    for (size_t d = t.firstDispatch; d <= t.lastDispatch; ++d)
      l1TensorBytes[d] += t.end - t.begin;
  int64_t now = 0;
  size_t numDispatches = bin.dispatches() ? bin.dispatches()->size() : 0;
  std::vector<double> workBefore(numDispatches + 1, 0.0);
  if (numDispatches) {
    double macs = 0;
    for (const ttb::Dispatch *d : *bin.dispatches())
      macs += double(d->macs());
    for (size_t i = 0; i < numDispatches; ++i)
      workBefore[i + 1] =
          workBefore[i] + double(bin.dispatches()->Get(i)->macs()) + macs / double(numDispatches) + 1;
  }
  auto report = [&](size_t index, const ttb::Dispatch *d, int64_t cycles) {
    if (options.progress)
      options.progress({index, numDispatches, d && d->name() ? d->name()->str() : "", cycles,
                        numDispatches ? workBefore[index] / workBefore.back() : 1.0});
  };
  st.cancel = options.cancel;
  st.progress = [&](int64_t cycles) { report(perf.dispatches.size(), nullptr, cycles); };
  std::vector<int64_t> lastUse = lastDispatchUses(bin);
  auto releaseAfter = [&](const ttb::Dispatch *d, size_t index) {
    if (d && d->buffers())
      for (uint32_t b : *d->buffers())
        if (lastUse[b] == int64_t(index))
          st.dram.release(b);
  };
  const ttb::Dispatch *previous = nullptr;
  std::vector<DispatchRunner::CoreEnd> previousEnds;
  NextDispatch next(st);
  if (bin.dispatches())
    for (size_t index = 0; index < bin.dispatches()->size(); ++index) {
      const ttb::Dispatch *d = bin.dispatches()->Get(index);
      if (st.cancelled()) {
        error = "interrupted";
        return false;
      }
      report(perf.dispatches.size(), d, now);
      // The chip launches the program before any core starts it (ChipDesc::launchCycles); a
      // dispatch joined to the previous one's program waits for its barrier instead.
      int64_t launch = chip.launchCycles;
      if (d->joined() && previous)
        launch = joinedStart(st, *previous, previousEnds, *d) - now;
      if (st.trace && launch > 0)
        st.trace->add(0, 0, now, launch, d->joined() ? "barrier" : "launch", /*mergeable=*/false);
      st.noc.reset();
      st.dramTiming.reset();
      DispatchPerf dp;
      // A joined dispatch's kernels that wait for the go (WAIT_GO) start when the dispatch
      // before has ended on every core: their reads of constants overlap the barrier.
      int64_t early = d->joined() && previous ? launch : 0;
      DispatchRunner runner(st, *d, now + launch - early, next.take(), early);
      now += launch;
      if (index + 1 < bin.dispatches()->size())
        next.begin(bin.dispatches()->Get(index + 1));
      // The dispatch before's math ran on meanwhile (DispatchRunner::run); its buffers read for
      // the last time may serve others once it is done.
      st.lanes.drainLanes();
      releaseAfter(previous, index - 1);
      if (!runner.run(dp, error))
        return false;
      previous = d;
      previousEnds = runner.coreEnds();
      dp.joined = d->joined();
      dp.name = d->name() ? d->name()->str() : "";
      dp.op = d->op() ? d->op()->str() : "";
      dp.location = d->location() ? d->location()->str() : "";
      dp.config = d->config() ? d->config()->str() : "";
      dp.fidelity = fidelityName(d->fidelity());
      dp.dstFormat = formatName(d->dst_format());
      dp.cores = int64_t(d->core_x1() - d->core_x0() + 1) *
                 int64_t(d->core_y1() - d->core_y0() + 1);
      dp.startCycle = now;
      dp.launchCycles = launch;
      dp.macs = d->macs();
      // The compiler's count (zero weight tiles) beside the kernels' (zero activation tiles).
      dp.skippedTiles += d->skipped_tiles();
      if (dp.macs) {
        dp.idealMatmulCycles = idealMatmulCycles(
            dp.macs, chip, matmulPhases(d->fidelity(), hasF32Matmul(*d)));
        if (dp.cycles > 0)
          dp.fpuUtilization = double(dp.idealMatmulCycles) / double(dp.cycles);
      }
      dp.l1PeakBytes = l1TensorBytes[perf.dispatches.size()];
      if (d->cbs())
        for (const ttb::CircularBuffer *cb : *d->cbs())
          dp.l1PeakBytes += int64_t(cb->num_tiles()) * tileBytes(cb->format());
      finalizeRoofline(dp, chip);
      if (st.trace)
        st.trace->add(0, 0, now, dp.cycles, dp.name.empty() ? dp.op : dp.name,
                      /*mergeable=*/false);
      now += dp.cycles;
      perf.dispatches.push_back(std::move(dp));
    }
  report(numDispatches, nullptr, now);
  st.lanes.drainLanes();
  releaseAfter(previous, numDispatches - 1);
  readSignatures(st, bin.outputs(), result.outputs);
  if (!runHostOps(st, inputs, now, result, error))
    return false;
  finalizePerf(perf);
  return true;
}

} // namespace tessel::rt
