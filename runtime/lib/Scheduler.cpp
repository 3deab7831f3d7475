//===- Scheduler.cpp - Running a dispatch's threads in time order ---------===//
//
// Discrete-event scheduling: the runnable thread with the smallest local time
// executes next, and keeps executing while it stays the earliest. A thread
// that cannot proceed (CB_WAIT, CB_RESERVE, SEM_WAIT) parks until another
// thread changes the state of its core, then retries. When nothing can run
// and some thread has not finished, the dispatch is deadlocked.
//
//===----------------------------------------------------------------------===//
#include "Dispatch.h"

#include "tessel/runtime/Bytecode.h"

#include <algorithm>
#include <tuple>

namespace tessel::rt {

namespace {
const char *kThreadNames[] = {"reader", "compute", "writer"};

/// The runnable threads, earliest first. Equal times go by thread position, never by address:
/// the order, and so every cycle count, must not depend on where the host allocated things.
/// A key is one word, time << kIdBits | position, so that ordering two is one comparison; it
/// holds times below 2^43 cycles (hours of the chip's time). The keys are the leaves of a
/// tournament tree with a leaf per thread, each inner node the least key below it: taking the
/// earliest thread replays the matches on its path to the root with no branch to mispredict
/// (a heap's sift-down guesses a child at every level), and queuing one climbs only as far as
/// it wins.
class ReadyQueue {
public:
  static constexpr int kIdBits = 20;
  static constexpr int64_t kMaxTime = int64_t(1) << (63 - kIdBits);
  static constexpr size_t kMaxThreads = size_t(1) << kIdBits;

  explicit ReadyQueue(std::vector<Thread *> threads) : byId(std::move(threads)) {
    while (leaves < byId.size())
      leaves *= 2;
    tree.assign(2 * leaves, kAbsent);
  }
  bool empty() const { return tree[1] == kAbsent; }
  int64_t topTime() const { return int64_t(tree[1] >> kIdBits); }
  /// Whether a thread's time went past kMaxTime (it is queued as if at kMaxTime).
  bool overflowed() const { return overflow; }
  /// Queues `t`, which is not queued (only blocked threads are woken, and the running one is
  /// not in the tree).
  void push(const Thread &t) {
    // A queued key changes the nodes above it up to the first that holds a lesser one.
    size_t n = leaves + size_t(t.id);
    uint64_t k = key(t);
    tree[n] = k;
    for (; n > 1 && tree[n / 2] > k; n /= 2)
      tree[n / 2] = k;
  }
  Thread *pop() {
    // The least key is on every node of its path: each takes the lesser of the other side's.
    size_t id = size_t(tree[1] & (kMaxThreads - 1));
    size_t n = leaves + id;
    tree[n] = kAbsent;
    for (; n > 1; n /= 2)
      tree[n / 2] = std::min(tree[n], tree[n ^ 1]);
    return byId[id];
  }
  /// Queues `t` and takes the earliest, which must be earlier than `t` (a thread that yields to
  /// an earlier one).
  Thread *exchangeTop(const Thread &t) {
    push(t);
    return pop();
  }

private:
  static constexpr uint64_t kAbsent = ~uint64_t(0);
  std::vector<Thread *> byId;
  std::vector<uint64_t> tree; // node n's children are 2n and 2n + 1; leaf i is leaves + i
  size_t leaves = 1;
  bool overflow = false;

  uint64_t key(const Thread &t) {
    int64_t time = t.time;
    if (time >= kMaxTime) {
      overflow = true;
      time = kMaxTime - 1;
    }
    return uint64_t(time) << kIdBits | uint64_t(t.id);
  }
};
} // namespace

std::unique_ptr<PreparedDispatch> prepareDispatch(const ttb::Binary &binary,
                                                  const ttb::Dispatch &dispatch, MathLanes &lanes,
                                                  bool decodeFirstChunks) {
  auto p = std::make_unique<PreparedDispatch>();
  std::vector<uint32_t> cbIds;
  if (dispatch.cbs())
    for (const ttb::CircularBuffer *cb : *dispatch.cbs())
      cbIds.push_back(cb->id());
  if (dispatch.kernels())
    for (const ttb::Kernel *k : *dispatch.kernels()) {
      KernelProgram program;
      program.kind = k->thread();
      program.numVars = k->num_vars();
      if (k->code())
        program.code.assign(k->code()->begin(), k->code()->end());
      std::vector<std::pair<const int32_t *, size_t>> exprs; // (code, terms)
      if (k->exprs())
        for (const ttb::Expr *e : *k->exprs())
          exprs.push_back({e->code() ? e->code()->data() : nullptr,
                           e->code() ? e->code()->size() : 0});
      program.graph = std::make_unique<ExprGraph>(exprs);
      for (size_t pc = 0; pc < program.code.size();) {
        int32_t op = program.code[pc];
        const char *kinds = operandKinds(op);
        for (int j = 0; kinds[j]; ++j) {
          int32_t &word = program.code[pc + 1 + size_t(j)];
          if (kinds[j] == 'c')
            word = int32_t(std::find(cbIds.begin(), cbIds.end(), uint32_t(word)) -
                           cbIds.begin());
          else if (kinds[j] == 'b')
            word = int32_t(dispatch.buffers()->Get(size_t(word)));
        }
        program.waitsForGo |= op == int32_t(Op::WaitGo);
        pc += size_t(operandCount(op)) + 1;
      }
      p->programs.push_back(std::move(program));
    }
  p->cbReadInLane.assign(cbIds.size(), true);
  std::vector<bool> multicast(cbIds.size(), false);
  p->bufferWritten.assign(binary.buffers() ? binary.buffers()->size() : 0, false);
  for (const KernelProgram &program : p->programs)
    for (size_t pc = 0; pc < program.code.size();
         pc += size_t(operandCount(program.code[pc])) + 1) {
      const int32_t *w = program.code.data() + pc + 1;
      switch (Op(program.code[pc])) {
      case Op::NocWrite:
      case Op::NocWrite0:
        p->bufferWritten[size_t(w[2])] = true;
        p->cbReadInLane[size_t(w[0])] = false;
        break;
      case Op::NocMcast:
      case Op::NocMcastOn:
        multicast[size_t(w[0])] = true;
        break;
      case Op::CbLoadIndex:
      case Op::CbTileNonzero:
        p->cbReadInLane[size_t(w[1])] = false;
        break;
      default:
        break;
      }
    }
  p->cbMulticastOnly.assign(cbIds.size(), false);
  for (size_t i = 0; i < cbIds.size(); ++i)
    if (multicast[i]) {
      p->cbMulticastOnly[i] = p->cbReadInLane[i];
      p->cbReadInLane[i] = false;
    }
  int width = int(dispatch.core_x1() - dispatch.core_x0() + 1);
  int height = int(dispatch.core_y1() - dispatch.core_y0() + 1);
  for (int ry = 0; ry < height; ++ry)
    for (int rx = 0; rx < width; ++rx)
      for (const KernelProgram &program : p->programs) {
        auto stream = std::make_unique<RunAhead>(program, lanes);
        stream->setVar(VarCoreX, rx);
        stream->setVar(VarCoreY, ry);
        stream->setVar(VarCoreIndex, ry * width + rx);
        stream->setVar(VarNumCores, width * height);
        if (decodeFirstChunks)
          stream->decodeFirst();
        p->streams.push_back(std::move(stream));
      }
  return p;
}

DispatchRunner::DispatchRunner(ChipState &state, const ttb::Dispatch &dispatch,
                               int64_t startCycle, std::unique_ptr<PreparedDispatch> prep,
                               int64_t goCycle)
    : state(state), chip(state.chip), dispatch(dispatch), startCycle(startCycle),
      goCycle(goCycle),
      prepared(prep ? std::move(prep)
                    : prepareDispatch(state.binary, dispatch, state.lanes, false)),
      programs(prepared->programs), cbReadInLane(prepared->cbReadInLane),
      cbMulticastOnly(prepared->cbMulticastOnly),
      bufferWritten(prepared->bufferWritten) {
  width = int(dispatch.core_x1() - dispatch.core_x0() + 1);
  height = int(dispatch.core_y1() - dispatch.core_y0() + 1);
  dstFormat = dispatch.dst_format();
  // An int32 Dst is 32 bits a value, as f32: half the tiles of a 16-bit one.
  dstTiles = dstFormat == ttb::DataFormat::Float32 || dstFormat == ttb::DataFormat::Int32
                 ? chip.dstTilesF32
                 : chip.dstTilesBf16;
  buildCores();
}

void DispatchRunner::buildCores() {
  cores.resize(size_t(width * height));
  // ChipState::cbTiles holds the largest dispatch's.
  float *tiles = state.cbTiles.data();
  for (int ry = 0; ry < height; ++ry)
    for (int rx = 0; rx < width; ++rx) {
      Core &c = cores[size_t(ry * width + rx)];
      c.rx = rx;
      c.ry = ry;
      c.x = int(dispatch.core_x0()) + rx;
      c.y = int(dispatch.core_y0()) + ry;
      if (dispatch.cbs()) {
        c.cbs.reserve(dispatch.cbs()->size());
        for (const ttb::CircularBuffer *cb : *dispatch.cbs()) {
          c.cbs.emplace_back(cb->id(), cb->format(), int(cb->num_tiles()), tiles,
                             state.cbSlots.data() +
                                 size_t(tiles - state.cbTiles.data()) / size_t(kTileElems));
          tiles += size_t(cb->num_tiles()) * kTileElems;
        }
      }
      c.sem.assign(dispatch.semaphores(), 0);
      c.semTime.assign(dispatch.semaphores(), 0);
      c.dst = state.dst.data() + size_t(lane(c) * state.dstTilesPerCore) * kTileElems;
      c.dstDirty = &state.dstDirty[size_t(lane(c))];
      c.threads.resize(programs.size());
      for (size_t i = 0; i < programs.size(); ++i) {
        Thread &t = c.threads[i];
        t.core = &c;
        t.program = &programs[i];
        t.kind = int(programs[i].kind);
        t.time = programs[i].waitsForGo ? 0 : goCycle;
        t.id = int((ry * width + rx) * programs.size() + i);
        t.stream = std::move(prepared->streams[size_t(t.id)]);
      }
    }
  for (Core &c : cores)
    for (Thread &t : c.threads)
      t.stream->start();
}

DispatchRunner::~DispatchRunner() {
  for (Core &c : cores)
    for (Thread &t : c.threads)
      t.stream->quiesce();
  // Lets the host threads drop the streams' tasks. The math still queued needs nothing of this
  // runner: its jobs hold pointers into ChipState's memory.
  state.lanes.drainTasks();
  // A worker built the streams (prepareDispatch): freeing them is cheaper in its own heap,
  // and off the scheduler's thread.
  using Streams = std::vector<std::unique_ptr<RunAhead>>;
  auto streams = std::make_unique<Streams>();
  for (Core &c : cores)
    for (Thread &t : c.threads)
      streams->push_back(std::move(t.stream));
  if (state.lanes.postIdle({[](void *p) { delete static_cast<Streams *>(p); }, streams.get()}))
    streams.release();
}

std::string DispatchRunner::describe(const Thread &t) const {
  std::string s = "core (" + std::to_string(t.core->x) + "," +
                  std::to_string(t.core->y) + ") " + kThreadNames[t.kind];
  if (t.record)
    s += " pc " + std::to_string(t.pc) + " " + opName(t.program->code[t.pc]);
  return s;
}

std::string DispatchRunner::waitReason(const Thread &t) const {
  const int32_t *w = t.program->code.data() + t.pc + 1;
  switch (Op(t.program->code[t.pc])) {
  case Op::CbWait: {
    const CircularBuffer &cb = t.core->cbs[size_t(w[0])];
    return "waits for " + std::to_string(w[1]) + " tiles in cb " +
           std::to_string(cb.id()) + " (" + std::to_string(cb.published()) +
           " published)";
  }
  case Op::CbReserve: {
    const CircularBuffer &cb = t.core->cbs[size_t(w[0])];
    return "waits for " + std::to_string(w[1]) + " free slots in cb " +
           std::to_string(cb.id()) + " (" + std::to_string(cb.freeSlots()) + " free)";
  }
  case Op::SemWait:
    return "waits on semaphore " + std::to_string(w[0]) + " (value " +
           std::to_string(t.core->sem[size_t(w[0])]) + ")";
  default:
    return "is blocked";
  }
}

bool DispatchRunner::run(DispatchPerf &perf, std::string &error) {
  stats = DispatchPerf();
  firstMatmul = INT64_MAX;
  lastMatmulEnd = 0;
  std::vector<Thread *> byId;
  for (Core &c : cores)
    for (Thread &t : c.threads)
      byId.push_back(&t);
  if (byId.size() > ReadyQueue::kMaxThreads) {
    error = "dispatch '" + std::string(dispatch.name() ? dispatch.name()->str() : "") +
            "' has " + std::to_string(byId.size()) + " threads, more than the simulator holds";
    return false;
  }
  ReadyQueue ready(byId);
  for (Thread *t : byId)
    ready.push(*t);
  uint64_t executed = 0;
  // Ctrl-C and progress every few million instructions, and the budget: `checkAt` is the next
  // count at which one of them is due, so that counting an instruction is one comparison.
  constexpr uint64_t kCheckEvery = uint64_t(1) << 22;
  const uint64_t pastBudget =
      state.instructionBudget == UINT64_MAX ? UINT64_MAX : state.instructionBudget + 1;
  uint64_t checkAt = std::min(kCheckEvery, pastBudget);
  auto countSlow = [&](Thread &t) {
    if (executed > state.instructionBudget) {
      error = "dispatch '" + std::string(dispatch.name() ? dispatch.name()->str() : "") +
              "' exceeded the budget of " + std::to_string(state.instructionBudget) +
              " instructions (runaway loop?)";
      return false;
    }
    if (executed % kCheckEvery == 0) {
      if (state.cancelled()) {
        error = "interrupted";
        return false;
      }
      if (state.progress)
        state.progress(startCycle + t.time);
    }
    checkAt = std::min(executed + kCheckEvery - executed % kCheckEvery, pastBudget);
    return true;
  };
  // Counts an instruction about to run; false when the run must stop.
  auto count = [&](Thread &t) { return ++executed < checkAt || countSlow(t); };
  Thread *next = ready.empty() ? nullptr : ready.pop();
  while (next) {
    Thread &t = *next;
    next = nullptr;
    while (true) {
      if (t.record == t.recordsEnd)
        std::tie(t.record, t.recordsEnd) = t.stream->take();
      if (!t.record) {
        t.time = std::max(t.time, t.pending);
        if (t.kind == int(ttb::ThreadKind::Compute))
          t.time = std::max(t.time, t.core->packerFree);
        t.state = Thread::State::Done;
        break;
      }
      t.pc = RunAhead::pcOf(t.record);
      if (int64_t loops = RunAhead::loopsBefore(t.record)) {
        // A LOOP or END_LOOP costs a cycle and touches nothing but its thread: run the thread's
        // next ones here, as many as it would run before another thread is earlier, with the
        // same count of instructions and the same trace. The record keeps those left.
        int64_t until = ready.empty() ? INT64_MAX : ready.topTime();
        do {
          if (!count(t))
            return false;
          busy(t, 1, "LOOP");
        } while (--loops && t.time <= until);
        RunAhead::setLoopsBefore(t.record, loops);
        if (!loops && RunAhead::isLoopsOnly(t.record))
          t.record = RunAhead::next(t.record);
        t.state = Thread::State::Ready;
        if (t.time > until) {
          next = ready.exchangeTop(t);
          break;
        }
        continue;
      }
      if (!count(t))
        return false;
      state.noc.advanceTo(t.time);
      Step s = step(t);
      if (s == Step::Failed) {
        error = "dispatch '" + std::string(dispatch.name() ? dispatch.name()->str() : "") +
                "': " + fault;
        return false;
      }
      if (s == Step::Ran) {
        t.record = RunAhead::next(t.record);
        // The decoder wrote the records on another host core, and 192 threads take turns
        // reading theirs: too many streams for the hardware to prefetch. Two lines ahead, as
        // NOC_READ_RUNS looks at its next record (prefetchNextRun).
        __builtin_prefetch(t.record + 8);
        __builtin_prefetch(t.record + 16);
      }
      for (Thread *w : woken)
        if (w != &t)
          ready.push(*w);
      woken.clear();
      if (s == Step::Blocked) {
        t.state = Thread::State::Blocked;
        break;
      }
      t.state = Thread::State::Ready;
      if (!ready.empty() && t.time > ready.topTime()) {
        next = ready.exchangeTop(t);
        break;
      }
    }
    if (!next && !ready.empty())
      next = ready.pop();
    if (ready.overflowed()) {
      error = "dispatch '" + std::string(dispatch.name() ? dispatch.name()->str() : "") +
              "' ran past " + std::to_string(ReadyQueue::kMaxTime) + " cycles";
      return false;
    }
  }
  std::string stuck;
  int64_t makespan = 0;
  for (Core &c : cores)
    for (Thread &t : c.threads) {
      makespan = std::max(makespan, t.time);
      if (t.state != Thread::State::Done)
        stuck += (stuck.empty() ? "" : "; ") + describe(t) + " " + waitReason(t);
    }
  if (!stuck.empty()) {
    error = "deadlock in dispatch '" +
            std::string(dispatch.name() ? dispatch.name()->str() : "") + "': " + stuck;
    return false;
  }
  // The math still queued runs on while the caller tears this dispatch down and sets the next
  // one up (Simulator.cpp drains the lanes before the next one runs).
  state.lanes.publishAll();
  // From the go: what ran before it did while the barrier's semaphores and go travelled.
  stats.cycles = std::max<int64_t>(0, makespan - goCycle);
  if (firstMatmul <= lastMatmulEnd) {
    stats.fillCycles = std::max<int64_t>(0, firstMatmul - goCycle);
    stats.drainCycles = makespan - lastMatmulEnd;
  }
  stats.instructions = int64_t(executed);
  perf = stats;
  return true;
}

std::vector<DispatchRunner::CoreEnd> DispatchRunner::coreEnds() const {
  std::vector<CoreEnd> ends;
  for (const Core &c : cores) {
    int64_t end = 0;
    for (const Thread &t : c.threads)
      end = std::max(end, t.time);
    ends.push_back({c.x, c.y, startCycle + end});
  }
  return ends;
}

} // namespace tessel::rt
