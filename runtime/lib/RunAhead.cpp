//===- RunAhead.cpp - A thread's instructions, decoded ahead of the scheduler ===//
#include "RunAhead.h"

#include "Dispatch.h"
#include "ZeroedFloats.h"

#include <algorithm>
#include <mutex>

namespace tessel::rt {

namespace {
/// What a stream allocates, kept from stream to stream: a dispatch builds a stream per core and
/// kernel, each with kChunks chunks of 7 KiB and its expressions' state, which were allocated
/// anew each dispatch (the worker's malloc samples on ResNet-50 at batch 1: 113 of about
/// 1,450, 76 with the chunks reused), and under one lock for the whole stream rather than one
/// per piece.
class SpareStorage {
public:
  RunAhead::Storage take() {
    std::lock_guard<std::mutex> lock(mutex);
    if (spare.empty())
      return {};
    RunAhead::Storage storage = std::move(spare.back());
    spare.pop_back();
    return storage;
  }
  void give(RunAhead::Storage &&storage) {
    std::lock_guard<std::mutex> lock(mutex);
    if (spare.size() < kMaxSpare)
      spare.push_back(std::move(storage));
  }

private:
  // Two dispatches' streams (the one running and the next, prepared ahead) on a 64-core grid.
  static constexpr size_t kMaxSpare = 512;
  std::mutex mutex;
  std::vector<RunAhead::Storage> spare;
};

SpareStorage &spareStorage() {
  static SpareStorage storage;
  return storage;
}

/// Chunk-sized word arrays, carved from mappings in huge pages and reused once freed.
class ChunkWordsPool {
public:
  int64_t *take() {
    std::lock_guard<std::mutex> lock(mutex);
    if (!freed.empty()) {
      int64_t *words = freed.back();
      freed.pop_back();
      return words;
    }
    return static_cast<int64_t *>(slabs.carve(RunAhead::kChunkWords * sizeof(int64_t)));
  }
  void give(int64_t *words) {
    std::lock_guard<std::mutex> lock(mutex);
    freed.push_back(words);
  }

private:
  std::mutex mutex;
  ZeroedSlabs slabs{size_t(4) << 20};
  std::vector<int64_t *> freed;
};

// Never destroyed: SpareStorage's chunks, static too, give their words back when they go.
ChunkWordsPool &chunkWordsPool() {
  static ChunkWordsPool *pool = new ChunkWordsPool;
  return *pool;
}
} // namespace

int64_t *ChunkWordsAllocator::allocate(size_t n) {
  if (n == RunAhead::kChunkWords)
    return chunkWordsPool().take();
  return static_cast<int64_t *>(::operator new(n * sizeof(int64_t)));
}

void ChunkWordsAllocator::deallocate(int64_t *words, size_t n) noexcept {
  if (n == RunAhead::kChunkWords)
    chunkWordsPool().give(words);
  else
    ::operator delete(words);
}

RunAhead::RunAhead(const KernelProgram &program, MathLanes &pool)
    : program(program), pool(pool) {
  Storage storage = spareStorage().take();
  exprs = std::move(storage.exprs);
  exprs.reset(*program.graph, program.numVars);
  pieces = std::move(storage.pieces);
  loops = std::move(storage.loops);
  loops.clear();
  for (int i = 0; i < kChunks; ++i)
    chunks[i].words = std::move(storage.words[i]);
}

RunAhead::~RunAhead() {
  Storage storage;
  storage.exprs = std::move(exprs);
  storage.pieces = std::move(pieces);
  storage.loops = std::move(loops);
  for (int i = 0; i < kChunks; ++i)
    storage.words[i] = std::move(chunks[i].words);
  spareStorage().give(std::move(storage));
}

void RunAhead::decode(Chunk &c) {
  // Grown only: storage a stream took over holds its earlier contents, which need no zeroing.
  if (c.words.size() < kChunkWords)
    c.words.resize(kChunkWords);
  c.used = 0;
  c.end = c.parked = false;
  c.fault.clear();
  const std::vector<int32_t> &code = program.code;
  int64_t *out = c.words.data();
  std::string why;
  // The LOOPs and END_LOOPs since the last record go into the next one's header.
  auto takeLoops = [&](int64_t *record) {
    record[0] |= loopsPending << kLoopsShift;
    loopsPending = 0;
  };
  auto loopsOnly = [&] {
    *out = int64_t(pc) | kLoopsOnly;
    takeLoops(out++);
  };
  for (int r = 0; r < kChunkRecords; ++r) {
    if (pc >= code.size()) {
      if (loopsPending)
        loopsOnly();
      c.end = true;
      break;
    }
    Op op = Op(code[pc]);
    const int32_t *w = code.data() + pc + 1;
    if (op == Op::NocReadRuns) {
      // A record per request, all in one chunk: one that has no room left for a request per
      // run ends here and the next begins with it, growing to hold them where there are more.
      if (r > 0 && r + w[4] > kChunkRecords)
        break;
      size_t at = size_t(out - c.words.data()), need = at + size_t(w[4]) * (1 + kMaxValues);
      if (c.words.size() < need) {
        c.words.resize(need);
        out = c.words.data() + at;
      }
      int64_t *first = out;
      int records = decodeReadRuns(w, out, c);
      takeLoops(first);
      if (!c.fault.empty()) {
        c.end = true;
        break;
      }
      r += records - 1;
      pc += size_t(operandCount(int32_t(op))) + 1;
      continue;
    }
    int64_t *header = out++;
    auto eval = [&](int32_t e) {
      if (exprs.eval(size_t(e), *out, why)) {
        ++out;
        return true;
      }
      c.fault = "expr " + std::to_string(e) + ": " + why;
      return false;
    };
    bool ok = true;
    if (op == Op::NocReadSpan) {
      // The slot, offset, count and outside flag; the source only for a run inside the tensor.
      ok = eval(w[4]) && eval(w[5]) && eval(w[6]) && eval(w[7]) &&
           (out[-1] != 0 || (eval(w[1]) && eval(w[2])));
    } else {
      const char *kinds = operandKinds(int32_t(op));
      for (int j = 0; ok && kinds[j]; ++j)
        if (kinds[j] == 'e')
          ok = eval(w[j]);
    }
    *header = int64_t(pc) | int64_t(out - header - 1) << 32;
    if (!ok) {
      takeLoops(header);
      c.end = true;
      break;
    }
    if (op == Op::Loop || op == Op::EndLoop) {
      // No record: it costs its cycle before the next instruction's (Scheduler.cpp).
      out = header;
      if (++loopsPending == kMaxLoops)
        loopsOnly();
      else
        --r;
    } else {
      takeLoops(header);
    }
    switch (op) {
    case Op::Loop: {
      int64_t count = header[1]; // still there, though `out` has moved back over it
      if (count <= 0) {
        pc = size_t(w[2]);
      } else {
        exprs.setVar(size_t(w[0]), 0);
        loops.push_back({w[0], count, pc + 4, 0});
        pc += 4;
      }
      break;
    }
    case Op::EndLoop: {
      // The verifier pairs every END_LOOP with a LOOP. The iteration count lives in the frame so
      // a body that reuses the variable cannot derail the loop.
      Loop &loop = loops.back();
      int64_t next = ++loop.iteration;
      if (next < loop.count) {
        exprs.setVar(size_t(loop.var), next);
        pc = loop.body;
      } else {
        loops.pop_back();
        pc += 1;
      }
      break;
    }
    case Op::CbLoadIndex:
    case Op::CbTileNonzero:
      pc += size_t(operandCount(int32_t(op))) + 1;
      c.parked = true;
      break;
    default:
      pc += size_t(operandCount(int32_t(op))) + 1;
      break;
    }
    if (c.parked)
      break;
  }
  c.used = size_t(out - c.words.data());
}

int RunAhead::packRequest(int64_t *r) {
  // A gather's requests are most of a convolution's records, and each crosses from the host
  // thread that decodes to the scheduler's: seven words where three do.
  int n = numValues(r);
  uint64_t word = 0;
  for (int k = 0; k < n; ++k) {
    if (k == kPackedTile)
      continue;
    if (r[1 + k] < 0 || r[1 + k] >= int64_t(1) << kPackedBits[k])
      return 1 + n;
    word |= uint64_t(r[1 + k]) << kPackedShift[k];
  }
  int64_t tile = n > kPackedTile ? r[1 + kPackedTile] : 0;
  r[0] |= kPacked;
  r[1] = int64_t(word);
  if (n <= kPackedTile)
    return 2;
  r[2] = tile;
  return 3;
}

int RunAhead::decodeReadRuns(const int32_t *w, int64_t *&out, Chunk &c) {
  // NOC_READ_RUNS buf, cb, slot, run_var, runs, length, per_row, tile, src_offset, outside,
  // fill, nearer; run r fills the slot's row r / per_row from value (r mod per_row) * length.
  // Each record: pc | values << 32, then slot, dst_offset, count, outside and, for a request
  // inside the tensor, tile and src_offset (NOC_READ_SPAN's order); packed into fewer words
  // once the request is complete, where they fit (packRequest).
  //
  // The expressions are followed along their trends (ExprState::evalStepping) and
  // extrapolated, not evaluated run by run: first a row at a time, the run variable stepping by
  // per_row for each of a row's runs (a window's rows, where one tile row gathers a few pieces);
  // where those have covered fewer than two rows each, run after run; where those have covered
  // fewer than three runs each, run by run, as before. A trend costs more than a value: it pays
  // only where it covers several.
  std::string why;
  int64_t slot = 0, runs = w[4], length = w[5], perRow = w[6];
  size_t runVar = size_t(w[3]);
  int records = 0;
  int64_t *open = nullptr; // the record of the request the last run joined
  // The open request takes no more runs: packed where it can be.
  auto close = [&] {
    if (open)
      out = open + packRequest(open);
    open = nullptr;
  };
  auto fault = [&](int32_t e) {
    close();
    c.fault = "expr " + std::to_string(e) + ": " + why;
    // The record of the faulting run holds no values: the scheduler meets the fault at it.
    *out++ = int64_t(pc);
    return records + 1;
  };
  // Appends run `run`, joining the open request where it follows on.
  auto add = [&](int64_t run, bool outside, int64_t tile, int64_t src) {
    int64_t dst = run / perRow * kTileDim + run % perRow * length;
    if (open && open[4] == outside && open[2] + open[3] == dst &&
        (outside || (open[5] == tile && open[6] + open[3] == src))) {
      open[3] += length;
      return;
    }
    close();
    open = out;
    int values = outside ? 4 : 6;
    open[0] = int64_t(pc) | int64_t(values) << 32;
    open[1] = slot;
    open[2] = dst;
    open[3] = length;
    open[4] = outside;
    open[5] = outside ? 0 : tile;
    open[6] = outside ? 0 : src;
    out += 1 + values;
    ++records;
  };
  if (!exprs.eval(size_t(w[2]), slot, why))
    return fault(w[2]);
  // Run `run`'s outside, tile and source offset by `evaluate` (their trends, or their values
  // alone): false on a fault, `failed` its expression.
  int32_t failed = -1;
  auto evaluateRun = [&](int64_t run, RunTrends &p, auto evaluate) {
    exprs.setVar(runVar, run);
    p.tile = p.src = {0, 0, ExprState::kForever};
    if (!evaluate(w[9], p.outside))
      failed = w[9];
    else if (p.outside.value == 0 && !evaluate(w[7], p.tile))
      failed = w[7];
    else if (p.outside.value == 0 && !evaluate(w[8], p.src))
      failed = w[8];
    return failed < 0;
  };
  auto trends = [&](int64_t stride) {
    return [&, stride](int32_t e, ExprState::Trend &t) {
      return exprs.evalStepping(size_t(e), runVar, stride, t, why);
    };
  };
  auto values = [&](int32_t e, ExprState::Trend &t) { return exprs.eval(size_t(e), t.value, why); };
  // The steps for which `p` holds: whether the run is outside must hold along the trend.
  auto lasts = [](const RunTrends &p) {
    return p.outside.slope ? 1 : std::min({p.outside.span, p.tile.span, p.src.span});
  };
  auto addAt = [&](int64_t run, const RunTrends &p, int64_t d) {
    add(run, p.outside.value != 0, p.tile.value + p.tile.slope * d, p.src.value + p.src.slope * d);
  };
  pieces.resize(size_t(perRow));
  // The trends followed and what they covered: rows by rows, runs run after run.
  int64_t run = 0, rowTrends = 0, rowsCovered = 0, followed = 0, covered = 0;
  while (run < runs) {
    if (perRow > 1 && (rowTrends < 3 || rowsCovered >= 2 * rowTrends)) {
      int64_t inRow = std::min(perRow, runs - run), rows = ExprState::kForever;
      for (int64_t j = 0; j < inRow; ++j) {
        if (!evaluateRun(run + j, pieces[size_t(j)], trends(perRow))) {
          for (int64_t k = 0; k < j; ++k)
            addAt(run + k, pieces[size_t(k)], 0);
          return fault(failed);
        }
        rows = std::min(rows, lasts(pieces[size_t(j)]));
      }
      rows = std::min(rows, (runs - run + perRow - 1) / perRow);
      for (int64_t d = 0; d < rows; ++d)
        for (int64_t j = 0; j < perRow && run + d * perRow + j < runs; ++j)
          addAt(run + d * perRow + j, pieces[size_t(j)], d);
      run = std::min(runs, run + rows * perRow);
      ++rowTrends;
      rowsCovered += rows;
      continue;
    }
    RunTrends &p = pieces[0];
    if (followed >= 4 && covered < 3 * followed) {
      if (!evaluateRun(run, p, values))
        return fault(failed);
      addAt(run++, p, 0);
      continue;
    }
    if (!evaluateRun(run, p, trends(1)))
      return fault(failed);
    int64_t n = std::min(lasts(p), runs - run);
    for (int64_t d = 0; d < n; ++d)
      addAt(run + d, p, d);
    run += n;
    ++followed;
    covered += n;
  }
  close();
  // The run variable ends as it would run by run: at the last run.
  if (runs > 0)
    exprs.setVar(runVar, runs - 1);
  return records;
}

void RunAhead::decodeAhead(bool justOne) {
  while (true) {
    uint64_t n = decoded.load(std::memory_order_relaxed);
    Chunk &c = chunks[n % kChunks];
    decode(c);
    bool stop = c.end || c.parked;
    stopped.store(stop, std::memory_order_relaxed);
    // Sequentially consistent with `awaited`: either the scheduler sees the chunk before it
    // sleeps, or this sees that it sleeps and wakes it.
    decoded.store(n + 1, std::memory_order_seq_cst);
    if (awaited.load(std::memory_order_seq_cst))
      pool.signal();
    // After a parked chunk, never on: once it is published, the scheduler may reach the
    // instruction, set its variable and clear `stopped` before this looks at it again, and the
    // variable is the scheduler's to hand over (`resume` schedules the decoding after it).
    if (stop || justOne || !roomAhead())
      return;
  }
}

void RunAhead::schedule() {
  // Held at Running while deciding: a task posted earlier and still on the pool claims the
  // decoder whenever it finds it Queued, so Queued must only ever mean "decode now".
  int idle = Idle;
  if (!decoder.compare_exchange_strong(idle, Running, std::memory_order_acq_rel))
    return; // a decoder is at work or on its way
  if (stopped.load(std::memory_order_relaxed) || !roomAhead()) {
    decoder.store(Idle, std::memory_order_release);
    return;
  }
  decoder.store(Queued, std::memory_order_release);
  if (!pool.post({&RunAhead::task, this})) {
    // Refused (no workers, or they are behind): decoded when needed, unless a task posted
    // earlier has claimed the decoder meanwhile; then it is that task's.
    int queued = Queued;
    decoder.compare_exchange_strong(queued, Idle, std::memory_order_acq_rel);
  }
}

void RunAhead::task(void *self) {
  auto *r = static_cast<RunAhead *>(self);
  int queued = Queued;
  if (!r->decoder.compare_exchange_strong(queued, Running, std::memory_order_acq_rel))
    return; // claimed by the scheduler, or called off
  r->decodeAhead(false);
  r->decoder.store(Idle, std::memory_order_seq_cst); // for `signal`
  r->pool.signal();
}

void RunAhead::resume() {
  // The decoder stopped at the parked instruction the scheduler has just executed.
  if (!current().end) {
    stopped.store(false, std::memory_order_relaxed);
    schedule();
  }
}

std::pair<int64_t *, int64_t *> RunAhead::take() {
  uint64_t n = taken.load(std::memory_order_relaxed);
  if (n && current().end)
    return {nullptr, nullptr};
  while (decoded.load(std::memory_order_acquire) <= n) {
    int state = decoder.load(std::memory_order_acquire);
    if (state == Running) {
      awaited.store(true, std::memory_order_seq_cst);
      pool.await([&] {
        return decoded.load(std::memory_order_seq_cst) > n ||
               decoder.load(std::memory_order_seq_cst) != Running;
      });
      awaited.store(false, std::memory_order_relaxed);
    } else if (decoder.compare_exchange_strong(state, Running, std::memory_order_acq_rel)) {
      // Nobody has begun it: quicker here than waiting for a worker. Unless a worker published
      // it between the look at `decoded` above and this claim: the chunk after it may be past
      // an instruction whose variable only the scheduler sets.
      if (decoded.load(std::memory_order_relaxed) <= n)
        decodeAhead(true);
      decoder.store(Idle, std::memory_order_release);
    }
  }
  taken.store(n + 1, std::memory_order_release);
  Chunk &c = chunks[n % kChunks];
  schedule();
  if (!c.used)
    return {nullptr, nullptr};
  return {c.words.data(), c.words.data() + c.used};
}

void RunAhead::quiesce() {
  int queued = Queued;
  if (decoder.compare_exchange_strong(queued, Idle, std::memory_order_acq_rel))
    return;
  if (queued == Running)
    pool.await([this] { return decoder.load(std::memory_order_seq_cst) != Running; });
}

} // namespace tessel::rt
