//===- Dispatch.h - Running one dispatch on the simulated cores -----------===//
//
// A DispatchRunner owns the per-core state of one dispatch (circular buffers,
// semaphores, Dst, three threads per core) and runs the threads' bytecode in
// simulated-time order (Scheduler.cpp); KernelVM.cpp executes instructions.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_DISPATCH_H
#define TESSEL_RUNTIME_LIB_DISPATCH_H

#include "CircularBuffer.h"
#include "Dram.h"
#include "ExprGraph.h"
#include "MathLanes.h"
#include "Noc.h"
#include "RunAhead.h"
#include "ZeroedFloats.h"

#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/L1Tensors.h"
#include "tessel/runtime/Perf.h"
#include "tessel/runtime/Trace.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tessel::rt {

/// A kernel prepared for execution: CB ids and dispatch buffer positions in
/// the code are replaced by CB indices and buffer ids.
struct KernelProgram {
  ttb::ThreadKind kind;
  /// The kernel has a WAIT_GO: it starts before the go, at the dispatch's start.
  bool waitsForGo = false;
  uint32_t numVars;
  std::vector<int32_t> code;
  std::unique_ptr<ExprGraph> graph; // the kernel's expressions, decoded
};

struct Core;

struct Thread {
  enum class State { Ready, Blocked, Done };
  Core *core = nullptr;
  const KernelProgram *program = nullptr;
  int kind = 0; // ThreadKind as int: trace tid
  int id = 0;   // position among the dispatch's threads: breaks ties in time
  /// The instructions, decoded ahead, with their expressions' values.
  std::unique_ptr<RunAhead> stream;
  /// The current instruction's record, and the end of its chunk (RunAhead::take).
  int64_t *record = nullptr, *recordsEnd = nullptr;
  size_t pc = 0; // the current instruction's position in the code
  int64_t time = 0;    // local simulated time (cycles)
  int64_t pending = 0; // when this thread's outstanding NoC transfers land
  int64_t flushed = 0; // when this thread's NoC writes have left its L1
  State state = State::Ready;
  bool dstHeld = false;
};

struct Core {
  int x = 0, y = 0;   // absolute grid coordinates
  int rx = 0, ry = 0; // relative to the dispatch's range
  std::vector<CircularBuffer> cbs;
  std::vector<int64_t> sem, semTime;
  // The packer (Tensix's pack thread) packs Dst tiles into CBs beside the math, from the half
  // of Dst the math has finished with, while the math fills the other half (tt-metal's
  // SyncHalf: tile_regs_commit, wait, release): the compute thread issues each PACK to it.
  int64_t packerFree = 0;          // when it has packed everything issued so far
  int64_t packedInHalf = 0;        // when it has packed what was issued since DST_ACQUIRE
  int64_t dstHalfFree[2] = {0, 0}; // when it has packed what each half of Dst held
  int dstHalf = 1;                 // the half the compute thread holds or last held
  bool dstBothHalves = false;      // the held Dst reaches into the other half
  float *dst = nullptr;                  // ChipState::dst's tiles of this core
  std::vector<bool> *dstDirty = nullptr; // and which were touched since DST_ACQUIRE cleared them
  std::vector<Thread> threads;
};

/// Tiles of all of `d`'s circular buffers on one core.
inline size_t cbTilesPerCore(const ttb::Dispatch &d) {
  size_t tiles = 0;
  if (d.cbs())
    for (const ttb::CircularBuffer *cb : *d.cbs())
      tiles += cb->num_tiles();
  return tiles;
}

/// Everything that outlives one dispatch.
struct ChipState {
  const ChipDesc &chip;
  const ttb::Binary &binary;
  /// Per buffer id: where its tiles live.
  const std::vector<TilePlacement> placements;
  DramStorage dram;
  NocModel noc;
  DramTiming dramTiming;
  /// `chip` with an unpacker fast enough never to bound the math: costs
  /// computed on it are the FPU/SFPU's ideal cycles.
  ChipDesc idealChip;
  TraceLog *trace = nullptr;
  uint64_t instructionBudget = 0;
  const std::atomic<bool> *cancel = nullptr;
  bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
  /// Reports the cycles simulated so far, from within a long dispatch.
  std::function<void(int64_t)> progress;
  /// One lane per core of the grid, for the whole run: the host threads are
  /// started once, not per dispatch.
  MathLanes lanes;
  /// Each core's Dst, kept from dispatch to dispatch: DST_ACQUIRE clears the tiles touched since
  /// the last one, so no dispatch has to clear it whole. Zero pages from the system, touched
  /// first by the lanes that use them rather than cleared by the scheduler at the start.
  int dstTilesPerCore;
  ZeroedFloats dst;
  std::vector<std::vector<bool>> dstDirty;
  /// The cores' circular buffers' tiles, sized for the largest of `binary`'s dispatches; each
  /// dispatch's CBs take them over as the one before left them (a CB zeroes what it reads before
  /// writing it: CircularBuffer.h).
  ZeroedFloats cbTiles;
  /// What the simulator tracks of each of those tiles' slots, taken over the same way.
  std::vector<CbSlot> cbSlots;
  /// Sizes `cbTiles` and `cbSlots`, and has idle workers map the tiles' pages ahead of the
  /// dispatches, a piece at a time.
  void reserveCbTiles();
  ~ChipState() {
    // Before cbTiles goes: a mapping task still queued returns at once.
    stopMapping.store(true, std::memory_order_relaxed);
    lanes.drainIdle();
    // Math a dispatch left queued (DispatchRunner::run) writes the CBs' tiles and Dst.
    lanes.drainAll();
  }
  std::atomic<bool> stopMapping{false};
  size_t cbTilesMapped = 0; // the idle task's
  static void mapCbTiles(void *self);
  ChipState(const ChipDesc &chip, const ttb::Binary &binary, int mathWorkers)
      : chip(chip), binary(binary), placements(placementsOf(binary)), noc(chip),
        dramTiming(chip), idealChip(chip),
        lanes(chip.gridX * chip.gridY, mathWorkers),
        dstTilesPerCore(std::max(chip.dstTilesF32, chip.dstTilesBf16)),
        dst(size_t(chip.gridX * chip.gridY * dstTilesPerCore) * kTileElems),
        dstDirty(size_t(chip.gridX * chip.gridY), std::vector<bool>(size_t(dstTilesPerCore))) {
    idealChip.unpackBytesPerCycle = int64_t(1) << 40;
    reserveCbTiles();
  }
};

/// What a dispatch needs that depends on the binary alone: its kernels with their CB and buffer
/// operands resolved, what its NoC operations touch, and every thread's instruction stream.
struct PreparedDispatch {
  std::vector<KernelProgram> programs;
  /// Per CB index: whether a NoC read into it may be left to the core's lane. Only the lane's
  /// own jobs touch such a CB's tiles after the read (it is not multicast, written out or read
  /// for an index), so the copy needs no waiting for the lane on the main thread.
  std::vector<bool> cbReadInLane;
  /// Per CB index: multicast out of, and otherwise a CB whose reads could be left to the lane.
  /// A whole-tile read into it from memory the dispatch does not write runs in the lane too,
  /// and the slot remembers its origin, which the multicast's copies read instead of the slot.
  std::vector<bool> cbMulticastOnly;
  /// Per buffer id: written by this dispatch. Reads of other buffers see the same values
  /// whenever they happen during the dispatch; a whole-tile read of a written one may wait in
  /// a lane only until the tile's next write (`DispatchRunner::tileReaders`).
  std::vector<bool> bufferWritten;
  /// Thread i of the core at (rx, ry) of the dispatch's range: [(ry * width + rx) *
  /// programs.size() + i], its core's variables set, not started.
  std::vector<std::unique_ptr<RunAhead>> streams;
};

/// Builds `dispatch`'s PreparedDispatch; with `decodeFirstChunks`, also decodes each stream's
/// first chunk on the calling thread. Any host thread may call it while another dispatch runs:
/// it reads nothing but the binary (Simulator.cpp prepares the next dispatch on a worker, so
/// the scheduler does not begin each dispatch waiting for its 192 streams' first chunks).
std::unique_ptr<PreparedDispatch> prepareDispatch(const ttb::Binary &binary,
                                                  const ttb::Dispatch &dispatch, MathLanes &lanes,
                                                  bool decodeFirstChunks);

class DispatchRunner {
public:
  /// With `prepared` null, the dispatch is prepared here. Its cores start at `startCycle` and
  /// receive the go `goCycle` cycles later (a joined dispatch's barrier): a kernel that has a
  /// WAIT_GO starts at once, the others at the go. Its cycles are counted from the go.
  DispatchRunner(ChipState &state, const ttb::Dispatch &dispatch, int64_t startCycle,
                 std::unique_ptr<PreparedDispatch> prepared = nullptr, int64_t goCycle = 0);
  /// Lets the host threads let go of the threads' streams. The math still queued in the lanes
  /// may run on: its jobs need nothing of the runner.
  ~DispatchRunner();
  /// Runs all threads to completion. Fills `perf`; false with `error` on a
  /// runtime fault, deadlock or exhausted instruction budget. The tile math may still be
  /// running in the lanes when it returns: drain them (MathLanes::drainLanes) before anything
  /// reads or reuses memory the dispatch wrote.
  bool run(DispatchPerf &perf, std::string &error);
  /// After run: when each core's last thread ended (its writes landed), in the whole run's
  /// cycles.
  struct CoreEnd {
    int x, y;
    int64_t cycle;
  };
  std::vector<CoreEnd> coreEnds() const;

private:
  enum class Step { Ran, Blocked, Failed };

  ChipState &state;
  const ChipDesc &chip;
  const ttb::Dispatch &dispatch;
  int64_t startCycle;
  /// When the go reaches the cores, from `startCycle`.
  int64_t goCycle;
  int width = 0, height = 0;
  int dstTiles = 0;
  ttb::DataFormat dstFormat;
  std::unique_ptr<PreparedDispatch> prepared;
  const std::vector<KernelProgram> &programs;
  const std::vector<bool> &cbReadInLane, &cbMulticastOnly, &bufferWritten;
  /// (buf, tile) -> the last write of it queued, as (lane, job): the tile's writes and reads in
  /// other lanes, or done at once, wait for it.
  std::unordered_map<uint64_t, std::pair<int, uint64_t>> tileWriters;
  // (buf, tile) -> the whole-tile reads of it queued in lanes, as (lane, job), of a buffer the
  // dispatch also writes: the tile's next write, if in another lane, waits for them.
  std::unordered_map<uint64_t, std::vector<std::pair<int, uint64_t>>> tileReaders;
  static uint64_t tileKey(uint32_t buf, int64_t tile) {
    return uint64_t(buf) << 40 | uint64_t(tile);
  }
  std::vector<Core> cores;
  std::vector<Thread *> woken;
  std::vector<NocNode> mcastNodes; // a NOC_MCAST's destinations (execNoc), kept for the next
  std::string fault;
  DispatchPerf stats;
  // The first tile matmul's start and the last one's end on any core (none yet: INT64_MAX, 0).
  int64_t firstMatmul = INT64_MAX, lastMatmulEnd = 0;

  void buildCores();
  std::string describe(const Thread &t) const;
  std::string waitReason(const Thread &t) const;

  /// The math lane of a core: its index in the grid.
  int lane(const Core &c) const { return c.y * chip.gridX + c.x; }
  int lane(const Thread &t) const { return lane(*t.core); }
  /// Whether a read of a run of values (NOC_READ_SPAN, NOC_READ_RUNS) from buffer `buf` into
  /// `cb` runs in the core's lane. (A whole-tile NOC_READ has rules of its own: execNoc.)
  bool readInLane(uint32_t buf, const CircularBuffer &cb, const Core &core) const {
    return !bufferWritten[buf] && cbReadInLane[size_t(&cb - core.cbs.data())];
  }
  /// What a NoC read copies into a slot: floats, a tile packed in `format`, or else `fill`.
  struct ReadSource {
    const float *values = nullptr;
    const uint8_t *packed = nullptr;
    DataFormat format = DataFormat::Float32;
    float fill = 0;
  };
  /// Before a read of tile `tile` of buffer `buf` into `reader`'s CB, done now or `inLane`:
  /// waits for the tile's pending write, unless the reader's lane has it and reads in the lane.
  void awaitWriter(const Core &reader, uint32_t buf, int64_t tile, bool inLane) {
    if (!bufferWritten[buf])
      return;
    auto writer = tileWriters.find(tileKey(buf, tile));
    if (writer != tileWriters.end() && !(inLane && writer->second.first == lane(reader)))
      state.lanes.waitFor(writer->second.first, writer->second.second);
  }
  /// Tile `tile` of buffer `buf` as a read finds it (packed where the buffer is a constant not
  /// yet decoded).
  ReadSource dramSource(uint32_t buf, int64_t tile) {
    if (const uint8_t *packed = state.dram.packedTile(buf, tile))
      return {nullptr, packed, state.dram.packedFormat(buf)};
    return {state.dram.tile(buf, tile)};
  }
  /// Copies `count` values of `from` to `to` now, or queues the copy in `core`'s lane when
  /// `inLane`; `to` is in `slot` of `cb`. A packed source is a whole tile. Returns the queued
  /// job's number, 0 for a copy done now.
  uint64_t copyIntoSlot(Core &core, CircularBuffer &cb, float *slot, bool inLane, float *to,
                        const ReadSource &from, int64_t count);
  /// Queues in `core`'s lane a copy of `count` values of `from` to `to`; returns the job's
  /// number.
  uint64_t queueCopy(const Core &core, float *to, const ReadSource &from, int64_t count);
  /// Copies `slot` of `cb` to `to`, tile `tile` of buffer `buf`: now, or in the core's lane.
  void writeFromSlot(Core &core, CircularBuffer &cb, const float *slot, uint32_t buf,
                     int64_t tile, float *to);
  /// Waits for the lane jobs that read or write `slot` of `cb` on `core`: its data may then be
  /// read or written (MathLanes.h).
  void settle(Core &core, CircularBuffer &cb, const float *slot) {
    state.lanes.waitFor(lane(core), cb.lastJob(slot));
  }
  /// Waits for the other cores' lane jobs that read `slot` of `cb`: it may then be written.
  void releaseReaders(CircularBuffer &cb, const float *slot) {
    auto &readers = cb.foreignReaders(slot);
    for (auto [lane, job] : readers)
      state.lanes.waitFor(lane, job);
    readers.clear();
  }

  // KernelVM.cpp
  Step step(Thread &t);
  /// The value of the current instruction's expression operand `k`, in the order it uses them.
  /// Operand k of the instruction's record: an expression's value, decoded ahead.
  bool arg(Thread &t, int k, int64_t &value) {
    if (k >= RunAhead::numValues(t.record))
      return fail(t, t.stream->fault());
    value = RunAhead::value(t.record, k);
    return true;
  }
  /// The NoC an instruction's expression operand `k` names: 0 or 1, else the thread fails.
  bool nocArg(Thread &t, int k, int64_t &noc) {
    if (!arg(t, k, noc))
      return false;
    if (noc == 0 || noc == 1)
      return true;
    return fail(t, std::string(opName(t.program->code[t.pc])) + " over NoC " +
                       std::to_string(noc) + ": the chip has NoCs 0 and 1");
  }
  bool fail(Thread &t, const std::string &msg);
  void wake(Core &core);
  Core *coreAt(Thread &t, int64_t rx, int64_t ry);
  float *dstTile(Thread &t, int64_t index);
  Step execCb(Thread &t, Op op, const int32_t *w);
  Step execLoadIndex(Thread &t, const int32_t *w);
  Step execTileNonzero(Thread &t, const int32_t *w);
  Step execNoc(Thread &t, Op op, const int32_t *w);
  Step execReadSpan(Thread &t, const int32_t *w);
  Step execReadRuns(Thread &t, const int32_t *w);
  /// A run of values into a CB slot, its operands in the record as NOC_READ_SPAN's; `nearer`
  /// takes the NoC whose route from the source is shorter, `issue` cycles of the thread's.
  Step readRun(Thread &t, const char *name, uint32_t buf, int32_t cbId, int32_t fillBits,
               bool nearer, int64_t issue);
  /// Asks the host to fetch the source of `t`'s next request of its NOC_READ_RUNS from `buf`.
  void prefetchNextRun(const Thread &t, uint32_t buf);

  // TileMemory.cpp: when a request for `bytes` of tile `tile` of buffer `buf`, issued now by
  // `t`, lands; counts the bytes.
  /// When a read's data lands: over NoC `noc` (0 or 1), or with `nearer` over the NoC whose route
  /// from the tile's home to the core has fewer hops (NoC 0 on a tie).
  int64_t readLands(const Thread &t, uint32_t buf, int64_t tile, int64_t bytes,
                    bool nearer = false, int noc = 0);
  /// When a write over NoC `noc` lands (acknowledged); `departed` gets when it has left the
  /// core's L1.
  int64_t writeLands(const Thread &t, uint32_t buf, int64_t tile, int64_t bytes, int64_t &departed,
                     int noc);
  /// The NoC node that holds tile `tile` of buffer `buf`: a core, or a DRAM channel (`channel`
  /// >= 0; -1 for L1). Inline, and without a struct returned through memory: every NoC request
  /// asks.
  NocNode homeOf(uint32_t buf, int64_t tile, int &channel) const {
    const TilePlacement &p = state.placements[buf];
    if (p.inL1) {
      channel = -1;
      auto [x, y] = p.coreOf(tile, chip);
      return state.noc.worker(x, y);
    }
    channel = int(tile % chip.dramChannels);
    return state.noc.dramChannel(channel);
  }
  Step execSem(Thread &t, Op op, const int32_t *w);
  Step execMath(Thread &t, Op op, const int32_t *w);
  void busy(Thread &t, int64_t cycles, const char *what) {
    if (state.trace && cycles > 0)
      traceBusy(t, cycles, what);
    t.time += cycles;
  }
  void traceBusy(const Thread &t, int64_t cycles, const char *what);
  void waited(Thread &t, int64_t until, const char *what);
};

} // namespace tessel::rt

#endif
