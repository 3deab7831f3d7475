//===- RunAhead.cpp - A thread's instructions, decoded ahead of the scheduler ===//
#include "RunAhead.h"

#include "Dispatch.h"

namespace tessel::rt {

RunAhead::RunAhead(const KernelProgram &program, MathLanes &pool)
    : program(program), pool(pool) {
  exprs.reset(*program.graph, program.numVars);
}

void RunAhead::decode(Chunk &c) {
  // No instruction has more than six expression operands (NOC_MCAST, NOC_READ_SPAN).
  constexpr size_t kMaxValues = 6;
  c.words.resize(size_t(kChunkRecords) * (1 + kMaxValues));
  c.used = 0;
  c.end = c.parked = false;
  c.fault.clear();
  const std::vector<int32_t> &code = program.code;
  int64_t *out = c.words.data();
  std::string why;
  for (int r = 0; r < kChunkRecords; ++r) {
    if (pc >= code.size()) {
      c.end = true;
      break;
    }
    Op op = Op(code[pc]);
    const int32_t *w = code.data() + pc + 1;
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
      c.end = true;
      break;
    }
    if (op == Op::Loop || op == Op::EndLoop)
      *header |= int64_t(1) << 40;
    switch (op) {
    case Op::Loop: {
      int64_t count = header[1];
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

void RunAhead::schedule() {
  // Release: a task posted for an earlier chunk may be the one that claims this chunk, so the
  // claim, not the post, must order the scheduler's last look at the chunks before the decoding.
  fill.store(Queued, std::memory_order_release);
  if (!pool.post({&RunAhead::task, this})) {
    // Refused (no workers, or they are behind): decoded when needed, unless a task posted for
    // an earlier chunk has claimed this one meanwhile; then it is that task's.
    int queued = Queued;
    fill.compare_exchange_strong(queued, Idle, std::memory_order_relaxed);
  }
}

void RunAhead::task(void *self) {
  auto *r = static_cast<RunAhead *>(self);
  int queued = Queued;
  if (!r->fill.compare_exchange_strong(queued, Running, std::memory_order_acquire))
    return; // taken by the scheduler, or called off
  r->decode(r->chunks[r->cur ^ 1]);
  r->fill.store(Ready, std::memory_order_release);
  r->pool.signal();
}

void RunAhead::resume() {
  if (!chunks[cur].end)
    schedule();
}

std::pair<const int64_t *, const int64_t *> RunAhead::take() {
  if (chunks[cur].end)
    return {nullptr, nullptr};
  int state = fill.load(std::memory_order_acquire);
  if (state == Idle || (state == Queued && fill.compare_exchange_strong(
                                               state, Running, std::memory_order_acquire)))
    decode(chunks[cur ^ 1]);
  else if (state != Ready)
    pool.await([this] { return fill.load(std::memory_order_acquire) == Ready; });
  fill.store(Idle, std::memory_order_relaxed);
  cur ^= 1;
  const Chunk &c = chunks[cur];
  if (!c.end && !c.parked)
    schedule();
  if (!c.used)
    return {nullptr, nullptr};
  return {c.words.data(), c.words.data() + c.used};
}

void RunAhead::quiesce() {
  int queued = Queued;
  if (fill.compare_exchange_strong(queued, Idle, std::memory_order_acquire))
    return;
  if (queued == Running)
    pool.await([this] { return fill.load(std::memory_order_acquire) == Ready; });
}

} // namespace tessel::rt
