//===- KernelVM.cpp - Executing one kernel instruction --------------------===//
//
// Data moves and math happen when the instruction executes; the timing model
// only decides when the thread (and whoever waits on it) may go on. Control,
// CB, semaphore and NoC-issue instructions cost one RISC-V cycle; tile math
// costs what Compute.cpp says.
//
//===----------------------------------------------------------------------===//
#include "Compute.h"
#include "Dispatch.h"

#include <algorithm>
#include <cstring>

namespace tessel::rt {

namespace {
float floatFromBits(int32_t w) {
  float f;
  std::memcpy(&f, &w, 4);
  return f;
}
} // namespace

bool DispatchRunner::fail(Thread &t, const std::string &msg) {
  fault = describe(t) + ": " + msg;
  return false;
}

void DispatchRunner::traceBusy(const Thread &t, int64_t cycles, const char *what) {
  state.trace->add(1 + t.core->y * chip.gridX + t.core->x, t.kind, startCycle + t.time, cycles,
                   what);
}

void DispatchRunner::waited(Thread &t, int64_t until, const char *what) {
  if (until <= t.time)
    return;
  if (state.trace)
    state.trace->add(1 + t.core->y * chip.gridX + t.core->x, t.kind,
                     startCycle + t.time, until - t.time,
                     std::string("wait ") + what);
  t.time = until;
}

void DispatchRunner::wake(Core &core) {
  for (Thread &other : core.threads)
    if (other.state == Thread::State::Blocked) {
      other.state = Thread::State::Ready;
      woken.push_back(&other);
    }
}

Core *DispatchRunner::coreAt(Thread &t, int64_t rx, int64_t ry) {
  if (rx < 0 || ry < 0 || rx >= width || ry >= height) {
    fail(t, "core (" + std::to_string(rx) + "," + std::to_string(ry) +
                ") is outside the dispatch's " + std::to_string(width) + "x" +
                std::to_string(height) + " range");
    return nullptr;
  }
  return &cores[size_t(ry * width + rx)];
}

float *DispatchRunner::dstTile(Thread &t, int64_t index) {
  if (!t.dstHeld) {
    fail(t, "Dst used without DST_ACQUIRE");
    return nullptr;
  }
  if (index < 0 || index >= dstTiles) {
    fail(t, "Dst index " + std::to_string(index) + " out of range (" +
                std::to_string(dstTiles) + " " + formatName(dstFormat) + " tiles)");
    return nullptr;
  }
  Core &core = *t.core;
  if (index >= std::max<int64_t>(dstTiles / 2, 1) && !core.dstBothHalves) {
    // The math writes into the other half too: whatever the packer still packs from it first.
    core.dstBothHalves = true;
    waited(t, core.dstHalfFree[1 - core.dstHalf], "DST");
  }
  (*core.dstDirty)[size_t(index)] = true;
  return core.dst + index * kTileElems;
}

DispatchRunner::Step DispatchRunner::step(Thread &t) {
  const int32_t *w = t.program->code.data() + t.pc + 1;
  Op op = Op(t.program->code[t.pc]);
  switch (op) {
  case Op::Loop:
  case Op::EndLoop: {
    // The scheduler runs loop control itself, the stream having taken the branches; a LOOP
    // whose count faulted comes here to report it.
    int64_t count;
    if (op == Op::Loop && !arg(t, 0, count))
      return Step::Failed;
    busy(t, 1, "LOOP");
    return Step::Ran;
  }
  case Op::CbReserve:
  case Op::CbPush:
  case Op::CbWait:
  case Op::CbPop:
    return execCb(t, op, w);
  case Op::CbLoadIndex:
    return execLoadIndex(t, w);
  case Op::CbTileNonzero:
    return execTileNonzero(t, w);
  case Op::NocRead:
  case Op::NocReadOn:
  case Op::NocWrite:
  case Op::NocWrite0:
  case Op::NocBarrier:
  case Op::NocFlush:
  case Op::NocMcast:
  case Op::NocMcastOn:
  case Op::NocReadSpan:
  case Op::NocReadRuns:
    return execNoc(t, op, w);
  case Op::SemWait:
  case Op::SemInc:
    return execSem(t, op, w);
  case Op::WaitGo:
    // The go reaches every core of the dispatch at `goCycle`, as SEM_WAIT sees a semaphore set.
    waited(t, goCycle, "GO");
    busy(t, 1, "SEM");
    return Step::Ran;
  case Op::DstAcquire: {
    if (t.dstHeld) {
      fail(t, "DST_ACQUIRE while Dst is already held");
      return Step::Failed;
    }
    t.dstHeld = true;
    {
      // The other half of Dst, once the packer has drained it.
      Core &core = *t.core;
      core.dstHalf = 1 - core.dstHalf;
      core.dstBothHalves = false;
      core.packedInHalf = 0;
      waited(t, core.dstHalfFree[core.dstHalf], "DST");
    }
    // The tiles used since the last acquire are cleared, in the core's lane, 64 to a job.
    std::vector<bool> &dirty = *t.core->dstDirty;
    for (size_t first = 0; first < dirty.size(); first += 64) {
      TileJob clear{Op::DstAcquire};
      clear.d = t.core->dst + int64_t(first) * kTileElems;
      clear.clear = 0;
      for (size_t i = first; i < std::min(first + 64, dirty.size()); ++i)
        if (dirty[i]) {
          clear.clear |= uint64_t(1) << (i - first);
          dirty[i] = false;
        }
      if (clear.clear)
        state.lanes.submit(lane(t), clear);
    }
    busy(t, 1, "DST");
    return Step::Ran;
  }
  case Op::DstRelease:
    if (!t.dstHeld) {
      fail(t, "DST_RELEASE without DST_ACQUIRE");
      return Step::Failed;
    }
    t.dstHeld = false;
    {
      Core &core = *t.core;
      core.dstHalfFree[core.dstHalf] = core.packerFree;
      if (core.dstBothHalves)
        core.dstHalfFree[1 - core.dstHalf] = core.packerFree;
    }
    busy(t, 1, "DST");
    return Step::Ran;
  default:
    return execMath(t, op, w);
  }
}

DispatchRunner::Step DispatchRunner::execCb(Thread &t, Op op, const int32_t *w) {
  CircularBuffer &cb = t.core->cbs[size_t(w[0])];
  int n = w[1];
  switch (op) {
  case Op::CbReserve:
    if (cb.freeSlots() < n)
      return Step::Blocked;
    waited(t, cb.freedAt(n), "CB_RESERVE");
    break;
  case Op::CbWait:
    if (cb.published() < n)
      return Step::Blocked;
    waited(t, cb.publishedAt(n), "CB_WAIT");
    break;
  case Op::CbPush:
    if (cb.freeSlots() < n) {
      fail(t, "CB_PUSH of " + std::to_string(n) + " tiles on cb " +
                  std::to_string(cb.id()) + " with only " +
                  std::to_string(cb.freeSlots()) + " free slots");
      return Step::Failed;
    }
    cb.push(n, std::max(t.time, cb.packedAt()));
    wake(*t.core);
    break;
  default:
    if (cb.published() < n) {
      fail(t, "CB_POP of " + std::to_string(n) + " tiles on cb " +
                  std::to_string(cb.id()) + " with only " +
                  std::to_string(cb.published()) + " published");
      return Step::Failed;
    }
    cb.pop(n, t.time);
    wake(*t.core);
    break;
  }
  busy(t, 1, "CB");
  return Step::Ran;
}

uint64_t DispatchRunner::copyIntoSlot(Core &core, CircularBuffer &cb, float *slot, bool inLane,
                                      float *to, const ReadSource &from, int64_t count) {
  cb.origin(slot) = {}; // a whole-tile read sets it again
  // A run of a few values into a slot no job touches any more costs less to copy than to queue.
  if (inLane && count < kTileElems && state.lanes.ran(lane(core), cb.lastJob(slot)))
    inLane = false;
  if (!inLane) {
    settle(core, cb, slot);
    releaseReaders(cb, slot);
    copyRead(to, from.values, from.packed, from.format, count, from.fill);
    return 0;
  }
  return cb.lastJob(slot) = queueCopy(core, to, from, count);
}

uint64_t DispatchRunner::queueCopy(const Core &core, float *to, const ReadSource &from,
                                   int64_t count) {
  TileJob copy{Op::NocRead};
  copy.a = from.values;
  copy.packed = from.packed;
  copy.fmtA = from.format;
  copy.d = to;
  copy.rows = int32_t(count); // at most a tile
  copy.param = from.fill;
  return state.lanes.submit(lane(core), copy);
}

void DispatchRunner::writeFromSlot(Core &core, CircularBuffer &cb, const float *slot,
                                   uint32_t buf, int64_t tile, float *to) {
  // In the writer's lane, after what must come before it in another lane: the tile's pending
  // write there, and its reads queued there (`tileReaders`). Reads of the tile wait for this
  // write in turn (`awaitWriter`). Then the order of the accesses to every tile stays the
  // sequential one, and the scheduler does not run the lane's math to the PACK at once, as a
  // copy done now would (ResNet-50 at batch 1: 4,611 such waits of 5,552 writes to buffers
  // its dispatches also read).
  uint64_t key = tileKey(buf, tile);
  int writer = lane(core);
  if (auto prior = tileWriters.find(key);
      prior != tileWriters.end() && prior->second.first != writer)
    state.lanes.waitFor(prior->second.first, prior->second.second);
  if (auto readers = tileReaders.find(key); readers != tileReaders.end()) {
    for (auto [lane, job] : readers->second)
      if (lane != writer)
        state.lanes.waitFor(lane, job);
    tileReaders.erase(readers);
  }
  uint64_t job = queueCopy(core, to, {slot}, kTileElems);
  cb.lastJob(slot) = job;
  tileWriters[key] = {writer, job};
}

DispatchRunner::Step DispatchRunner::execLoadIndex(Thread &t, const int32_t *w) {
  // CB_LOAD_INDEX var, cb, slot, element, wrap: a data-movement kernel reads an index it has
  // just fetched into a slot of its own (not pushed) and addresses later reads with it; the
  // compute kernel reads one from a slot it has waited for.
  CircularBuffer &cb = t.core->cbs[size_t(w[1])];
  int64_t slot, element;
  if (!arg(t, 0, slot) || !arg(t, 1, element))
    return Step::Failed;
  const float *data =
      t.program->kind == ttb::ThreadKind::Compute ? cb.readSlot(slot) : cb.writeSlot(slot);
  if (!data || element < 0 || element >= kTileElems) {
    fail(t, "CB_LOAD_INDEX of element " + std::to_string(element) + " of slot " +
                std::to_string(slot) + " of cb " + std::to_string(cb.id()) +
                ", which is not a slot the thread holds");
    return Step::Failed;
  }
  settle(*t.core, cb, data);
  // Negative indices count from the end (ONNX); out-of-range ones are clamped so that a bad
  // index reads a wrong row, never outside the tensor.
  int64_t wrap = w[4];
  int64_t index = cb.format() == DataFormat::Int32 ? slotInt32(data[element])
                                                   : int64_t(data[element]);
  if (index < 0)
    index += wrap;
  t.stream->setVar(size_t(w[0]), std::clamp<int64_t>(index, 0, wrap - 1));
  t.stream->resume();
  busy(t, 1, "CB");
  return Step::Ran;
}

DispatchRunner::Step DispatchRunner::execTileNonzero(Thread &t, const int32_t *w) {
  // CB_TILE_NONZERO var, cb, slot, skips: the compute kernel tests a tile it has waited for (an
  // activation that may be all zeros) before it multiplies it; a zero tile's `skips` tile
  // products are counted as skipped.
  CircularBuffer &cb = t.core->cbs[size_t(w[1])];
  int64_t slot;
  if (!arg(t, 0, slot))
    return Step::Failed;
  const float *data = cb.readSlot(slot);
  if (!data) {
    fail(t, "CB_TILE_NONZERO of slot " + std::to_string(slot) + " of cb " +
                std::to_string(cb.id()) + ", which is not a tile the thread waited for");
    return Step::Failed;
  }
  settle(*t.core, cb, data);
  bool any = std::any_of(data, data + kTileElems, [](float v) { return v != 0.0f; });
  t.stream->setVar(size_t(w[0]), any);
  t.stream->resume();
  ++stats.tilesTested;
  if (!any) {
    ++stats.zeroTilesFound;
    stats.skippedTiles += uint64_t(w[3]);
  }
  busy(t, tileTestCycles(chip, cb.format()), "TEST");
  return Step::Ran;
}

DispatchRunner::Step DispatchRunner::execSem(Thread &t, Op op, const int32_t *w) {
  if (op == Op::SemWait) {
    int64_t value;
    if (!arg(t, 0, value))
      return Step::Failed;
    size_t s = size_t(w[0]);
    if (t.core->sem[s] < value)
      return Step::Blocked;
    t.core->sem[s] -= value;
    waited(t, t.core->semTime[s], "SEM_WAIT");
    busy(t, 1, "SEM");
    return Step::Ran;
  }
  int64_t x, y;
  if (!arg(t, 0, x) || !arg(t, 1, y))
    return Step::Failed;
  Core *dest = coreAt(t, x, y);
  if (!dest)
    return Step::Failed;
  int64_t arrival = state.noc.semaphoreArrival(state.noc.worker(t.core->x, t.core->y),
                                                state.noc.worker(dest->x, dest->y), t.time);
  size_t s = size_t(w[2]);
  dest->sem[s] += int64_t(w[3]);
  dest->semTime[s] = std::max(dest->semTime[s], arrival);
  t.pending = std::max(t.pending, arrival);
  wake(*dest);
  busy(t, 1, "SEM");
  return Step::Ran;
}

DispatchRunner::Step DispatchRunner::execNoc(Thread &t, Op op, const int32_t *w) {
  NocModel &noc = state.noc;
  NocNode self = noc.worker(t.core->x, t.core->y);
  if (op == Op::NocBarrier) {
    waited(t, t.pending, "NOC_BARRIER");
    busy(t, 1, "NOC");
    return Step::Ran;
  }
  if (op == Op::NocFlush) {
    // tt-metal's noc_async_writes_flushed: the written slots may be reused once the writes have
    // left, before they land.
    waited(t, t.flushed, "NOC_FLUSH");
    busy(t, 1, "NOC");
    return Step::Ran;
  }
  if (op == Op::NocReadSpan)
    return execReadSpan(t, w);
  if (op == Op::NocReadRuns)
    return execReadRuns(t, w);
  if (op == Op::NocRead || op == Op::NocReadOn || op == Op::NocWrite || op == Op::NocWrite0) {
    bool read = op == Op::NocRead || op == Op::NocReadOn;
    uint32_t buf = uint32_t(read ? w[0] : w[2]);
    CircularBuffer &cb = t.core->cbs[size_t(read ? w[2] : w[0])];
    // The operands in code order: a read's tile and slot, a write's slot and tile.
    int64_t first, second;
    if (!arg(t, 0, first) || !arg(t, 1, second))
      return Step::Failed;
    int64_t tile = read ? first : second, slot = read ? second : first;
    int64_t readNoc = 0;
    if (op == Op::NocReadOn && !nocArg(t, 2, readNoc))
      return Step::Failed;
    if (tile < 0 || tile >= state.dram.tiles(buf)) {
      const ttb::Buffer *b = state.binary.buffers()->Get(buf);
      fail(t, "tile " + std::to_string(tile) + " out of range of buffer " +
                  std::to_string(buf) + " '" + (b->name() ? b->name()->str() : "") +
                  "' (" + std::to_string(state.dram.tiles(buf)) + " tiles)");
      return Step::Failed;
    }
    int64_t bytes = tileBytes(cb.format());
    int64_t landed;
    if (read) {
      float *slotData = cb.writeSlot(slot, true);
      if (!slotData) {
        fail(t, "NOC_READ into slot " + std::to_string(slot) + " of cb " +
                    std::to_string(cb.id()) + " which has " +
                    std::to_string(cb.freeSlots()) + " free slots");
        return Step::Failed;
      }
      ReadSource from = dramSource(buf, tile);
      size_t cbIndex = size_t(&cb - t.core->cbs.data());
      // A tile of a buffer the dispatch writes too is read in the lane as well, and its next
      // write waits for the read (`tileReaders`).
      bool inLane = cbReadInLane[cbIndex];
      awaitWriter(*t.core, buf, tile, inLane);
      // Into a CB multicast out of: in the lane as well when the tile stays as it is during the
      // dispatch, for the multicast copies it rather than the slot (the slot's earlier readers,
      // copies out of a slot of unknown origin, must be done first).
      bool keepOrigin = !inLane && !bufferWritten[buf] && cbMulticastOnly[cbIndex];
      if (keepOrigin) {
        releaseReaders(cb, slotData);
        inLane = true;
      }
      uint64_t job = copyIntoSlot(*t.core, cb, slotData, inLane, slotData, from, kTileElems);
      if (job && bufferWritten[buf])
        tileReaders[tileKey(buf, tile)].push_back({lane(*t.core), job});
      if (keepOrigin) // copyIntoSlot forgot the slot's last origin
        cb.origin(slotData) = {from.values, from.packed, from.format};
      landed = readLands(t, buf, tile, bytes, /*nearer=*/false, int(readNoc));
    } else {
      const float *slotData = cb.readSlot(slot);
      if (!slotData) {
        fail(t, "NOC_WRITE from slot " + std::to_string(slot) + " of cb " +
                    std::to_string(cb.id()) + " which has " +
                    std::to_string(cb.published()) + " published tiles");
        return Step::Failed;
      }
      writeFromSlot(*t.core, cb, slotData, buf, tile, state.dram.tile(buf, tile));
      int64_t departed = 0;
      landed = writeLands(t, buf, tile, bytes, departed, op == Op::NocWrite0 ? 0 : 1);
      t.flushed = std::max(t.flushed, departed);
    }
    t.pending = std::max(t.pending, landed);
    busy(t, 1, "NOC");
    return Step::Ran;
  }
  // NOC_MCAST cb, slot, x0, y0, x1, y1, dst_slot (NOC_MCAST_ON: and noc)
  CircularBuffer &cb = t.core->cbs[size_t(w[0])];
  int64_t v[7] = {0, 0, 0, 0, 0, 0, 1};
  for (int i = 0; i < 6; ++i)
    if (!arg(t, i, v[i]))
      return Step::Failed;
  if (op == Op::NocMcastOn && !nocArg(t, 6, v[6]))
    return Step::Failed;
  // The source is a reserved slot, as in tt-metal: the sender multicasts before it publishes the
  // tile, so its own consumer cannot pop it while the multicast still reads it.
  const float *src = cb.writeSlot(v[0]);
  if (!src) {
    fail(t, "NOC_MCAST from slot " + std::to_string(v[0]) + " of cb " +
                std::to_string(cb.id()) + " which has " + std::to_string(cb.freeSlots()) +
                " free slots");
    return Step::Failed;
  }
  if (v[1] > v[3] || v[2] > v[4]) {
    fail(t, "NOC_MCAST to an empty rectangle");
    return Step::Failed;
  }
  // Copies of the slot's origin, if known, need nothing of the slot; else it must be settled.
  SlotOrigin origin = cb.origin(src);
  if (!origin)
    settle(*t.core, cb, src);
  std::vector<NocNode> &nodes = mcastNodes;
  nodes.clear();
  for (int64_t y = v[2]; y <= v[4]; ++y)
    for (int64_t x = v[1]; x <= v[3]; ++x) {
      Core *dest = coreAt(t, x, y);
      if (!dest)
        return Step::Failed;
      float *slotData = dest->cbs[size_t(w[0])].writeSlot(v[5], true);
      if (!slotData) {
        fail(t, "NOC_MCAST into slot " + std::to_string(v[5]) + " of cb " +
                    std::to_string(cb.id()) + " on core (" + std::to_string(x) +
                    "," + std::to_string(y) + ") which is not a free slot");
        return Step::Failed;
      }
      if (slotData != src) {
        // The copy waits in the destination's lane behind the jobs that read the slot's last
        // tile; the source slot remembers it, so that nothing writes it before the copy.
        CircularBuffer &destCb = dest->cbs[size_t(w[0])];
        releaseReaders(destCb, slotData);
        uint64_t job;
        if (origin) {
          job = queueCopy(*dest, slotData, {origin.values, origin.packed, origin.format},
                          kTileElems);
        } else {
          job = queueCopy(*dest, slotData, {src}, kTileElems);
          cb.foreignReaders(src).push_back({lane(*dest), job});
        }
        destCb.lastJob(slotData) = job;
        destCb.origin(slotData) = origin;
      }
      nodes.push_back(noc.worker(dest->x, dest->y));
    }
  int64_t bytes = tileBytes(cb.format());
  // The source slot is read out as the packet leaves; without a departure time from the
  // multicast tree, a flush waits for it to land, as a barrier would.
  for (int64_t arrival : noc.multicast(int(v[6]), self, nodes, t.time, bytes)) {
    t.pending = std::max(t.pending, arrival);
    t.flushed = std::max(t.flushed, arrival);
  }
  stats.nocBytes += bytes;
  busy(t, 1, "NOC");
  return Step::Ran;
}

DispatchRunner::Step DispatchRunner::execMath(Thread &t, Op op, const int32_t *w) {
  // The data effect goes to the core's lane (MathLanes.h); the timing is charged now. The
  // slots a job reads or writes remember it, so that nothing touches them before it has run.
  std::pair<CircularBuffer *, const float *> slots[2];
  int numSlots = 0;
  auto operand = [&](int32_t cbIndex, int k, const float *&data) -> bool {
    int64_t slot;
    if (!arg(t, k, slot))
      return false;
    CircularBuffer &cb = t.core->cbs[size_t(cbIndex)];
    data = cb.readSlot(slot);
    if (!data)
      return fail(t, std::string(opName(int32_t(op))) + " reads slot " +
                         std::to_string(slot) + " of cb " + std::to_string(cb.id()) +
                         " which has " + std::to_string(cb.published()) +
                         " published tiles");
    slots[numSlots++] = {&cb, data};
    return true;
  };
  auto dstOperand = [&](int k, float *&data) -> bool {
    int64_t index;
    if (!arg(t, k, index))
      return false;
    data = dstTile(t, index);
    return data != nullptr;
  };
  auto fmtOf = [&](int32_t cbIndex) { return t.core->cbs[size_t(cbIndex)].format(); };
  // An int32 Dst holds integers (Compute.h): only ops with an integer form touch it, and its
  // binary ops take int32 tiles (a where's condition excepted). The unpackers and the packer
  // move int32 tiles as bits, and float tiles as f32 values (converted by the SFPU's typecasts),
  // so an int32 tile needs a 32-bit Dst.
  bool intDst = dstFormat == DataFormat::Int32;
  // `math`: the op computes on the tile's values rather than moving them.
  auto tileFits = [&](DataFormat f, bool math) {
    const char *why = nullptr;
    if (f == DataFormat::Int32 && dstFormat == DataFormat::BFloat16)
      why = "with a bf16 Dst";
    else if (math && (f == DataFormat::Int32) != intDst)
      why = intDst ? "for integer math" : "for float math";
    if (!why)
      return true;
    fail(t, std::string(opName(int32_t(op))) + " takes a tile of " + formatName(f) + " " + why);
    return false;
  };
  auto integerForm = [&](bool has) {
    if (!intDst || has)
      return true;
    bool kinded = op == Op::Binary || op == Op::Unary || op == Op::DstBinary;
    fail(t, std::string(opName(int32_t(op))) +
                (kinded ? " kind " + std::to_string(w[0]) : std::string()) +
                " has no integer form for an int32 Dst");
    return false;
  };
  ttb::MathFidelity fidelity = dispatch.fidelity();
  TileJob job{op};
  job.fidelity = fidelity;
  job.dstFormat = dstFormat;
  // `ideal`: the same work with an unpacker that never holds the math back,
  // i.e. at the FPU/SFPU's peak rate (the roofline's compute time).
  int64_t cycles = 0, ideal = 0;
  switch (op) {
  case Op::Matmul:
  case Op::MatmulBt:
    if (!operand(w[0], 0, job.a) || !operand(w[2], 1, job.b) || !dstOperand(2, job.d) ||
        !tileFits(fmtOf(w[0]), true) || !tileFits(fmtOf(w[2]), true))
      return Step::Failed;
    job.fmtA = fmtOf(w[0]);
    job.fmtB = fmtOf(w[2]);
    cycles = matmulCycles(chip, fmtOf(w[0]), fmtOf(w[2]), fidelity);
    ideal = matmulCycles(state.idealChip, fmtOf(w[0]), fmtOf(w[2]), fidelity);
    break;
  case Op::Binary:
    if (!operand(w[2], 0, job.a) || !operand(w[4], 1, job.b) || !dstOperand(2, job.d) ||
        (intDst && !integerForm(hasIntegerForm(BinaryOp(w[0])))) ||
        !tileFits(fmtOf(w[2]), BinaryOp(w[0]) != BinaryOp::WhereInto) ||
        !tileFits(fmtOf(w[4]), true))
      return Step::Failed;
    job.kind = w[0];
    job.variant = w[1];
    job.flag = fmtOf(w[2]) != DataFormat::Float32 && fmtOf(w[4]) != DataFormat::Float32 &&
               !intDst;
    job.fmtA = fmtOf(w[2]);
    cycles = binaryCycles(chip, BinaryOp(w[0]), fmtOf(w[2]), fmtOf(w[4]), fidelity);
    ideal = binaryCycles(state.idealChip, BinaryOp(w[0]), fmtOf(w[2]), fmtOf(w[4]), fidelity);
    break;
  case Op::Unary:
    if (!dstOperand(0, job.d) || (intDst && !integerForm(hasIntegerForm(UnaryOp(w[0])))))
      return Step::Failed;
    job.kind = w[0];
    job.param = floatFromBits(w[2]);
    cycles = unaryCycles(chip, UnaryOp(w[0]));
    ideal = unaryCycles(state.idealChip, UnaryOp(w[0]));
    break;
  case Op::Copy:
  case Op::Transpose:
    if (!operand(w[0], 0, job.a) || !dstOperand(1, job.d) || !tileFits(fmtOf(w[0]), false))
      return Step::Failed;
    cycles = op == Op::Copy ? copyCycles(chip, fmtOf(w[0])) : transposeCycles(chip, fmtOf(w[0]));
    ideal = op == Op::Copy ? copyCycles(state.idealChip, fmtOf(w[0]))
                           : transposeCycles(state.idealChip, fmtOf(w[0]));
    break;
  case Op::Reduce:
    if (!operand(w[3], 0, job.a) || !dstOperand(1, job.d) || !tileFits(fmtOf(w[3]), true))
      return Step::Failed;
    job.kind = w[0];
    job.variant = w[1];
    job.flag = w[2] != 0;
    cycles = reduceCycles(chip, fmtOf(w[3]), fidelity);
    ideal = reduceCycles(state.idealChip, fmtOf(w[3]), fidelity);
    break;
  case Op::DstBinary: {
    float *x = nullptr, *y = nullptr;
    if (!dstOperand(0, x) || !dstOperand(1, y) || !dstOperand(2, job.d) ||
        (intDst && !integerForm(hasIntegerForm(BinaryOp(w[0])))))
      return Step::Failed;
    job.kind = w[0];
    job.a = x;
    job.b = y;
    cycles = dstBinaryCycles(chip, BinaryOp(w[0]));
    ideal = dstBinaryCycles(state.idealChip, BinaryOp(w[0]));
    break;
  }
  case Op::Mask: {
    int64_t rows, cols;
    if (!dstOperand(0, job.d) || !arg(t, 1, rows) || !arg(t, 2, cols))
      return Step::Failed;
    // Beyond the tile's edges the mask keeps all or nothing of it, as it does at them.
    job.rows = int32_t(std::clamp<int64_t>(rows, 0, kTileDim));
    job.cols = int32_t(std::clamp<int64_t>(cols, 0, kTileDim));
    job.param = floatFromBits(w[3]);
    cycles = maskCycles(chip);
    ideal = maskCycles(state.idealChip);
    break;
  }
  case Op::Pack:
  case Op::PackAcc:
  case Op::PackRelu: {
    int64_t slot;
    float *from = nullptr;
    if (!dstOperand(0, from) || !arg(t, 1, slot))
      return Step::Failed;
    CircularBuffer &cb = t.core->cbs[size_t(w[1])];
    bool accumulate = op == Op::PackAcc;
    if (!tileFits(cb.format(), false) || (op != Op::Pack && !integerForm(false)))
      return Step::Failed;
    job.d = cb.writeSlot(slot, /*whole=*/!accumulate);
    if (!job.d) {
      fail(t, std::string(opName(int32_t(op))) + " into slot " + std::to_string(slot) + " of cb " +
                  std::to_string(cb.id()) + " which has " + std::to_string(cb.freeSlots()) +
                  " free slots");
      return Step::Failed;
    }
    releaseReaders(cb, job.d);
    cb.origin(job.d) = {};
    job.a = from;
    job.fmtA = cb.format();
    slots[numSlots++] = {&cb, job.d};
    cycles = packCycles(chip, cb.format());
    break;
  }
  default:
    fail(t, "unexpected opcode " + std::to_string(int32_t(op)));
    return Step::Failed;
  }
  uint64_t number = state.lanes.submit(lane(t), job);
  for (int i = 0; i < numSlots; ++i)
    slots[i].first->lastJob(slots[i].second) = number;
  if (op == Op::Pack || op == Op::PackAcc || op == Op::PackRelu) {
    // Issued to the packer, which packs it once the math has made it and after what it was
    // given before; the compute thread goes on.
    Core &core = *t.core;
    int64_t start = std::max(t.time, core.packerFree);
    core.packerFree = start + cycles;
    core.packedInHalf = core.packerFree;
    slots[0].first->packedUntil(core.packerFree);
    if (state.trace)
      state.trace->add(1 + core.y * chip.gridX + core.x, kPackerTraceThread, startCycle + start,
                       cycles, opName(int32_t(op)));
    busy(t, 1, "PACK issue");
    return Step::Ran;
  }
  // Dst, once handed to the packer, is the math's again only when the packer is done with it.
  // (A tile the packer writes is read only once pushed: CB_PUSH publishes it when packed.)
  waited(t, t.core->packedInHalf, "PACK");
  bool matmul = op == Op::Matmul || op == Op::MatmulBt;
  if (matmul) {
    firstMatmul = std::min(firstMatmul, t.time);
    lastMatmulEnd = std::max(lastMatmulEnd, t.time + cycles);
  }
  stats.flops += matmul ? 2.0 * double(kTileElems) * double(kTileDim) : double(kTileElems);
  stats.idealComputeCycles += ideal;
  busy(t, cycles, opName(int32_t(op)));
  return Step::Ran;
}

} // namespace tessel::rt
