//===- MathLanes.cpp - Tile math of simulated cores on host threads -------===//
#include "MathLanes.h"

#include "Compute.h"
#include "ElementwiseMath.h"

#include <algorithm>
#include <cstring>

#include <pthread.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#ifdef __linux__
#include <sched.h>
#endif

namespace tessel::rt {

void runTileJob(const TileJob &j) {
  switch (j.op) {
  case Op::Matmul:
    tileMatmul(j.a, j.b, j.d, j.fmtA, j.fmtB, j.fidelity, j.dstFormat);
    break;
  case Op::MatmulBt: {
    alignas(64) float bt[kTileElems];
    for (int64_t r = 0; r < kTileDim; ++r)
      for (int64_t c = 0; c < kTileDim; ++c)
        bt[c * kTileDim + r] = j.b[r * kTileDim + c];
    tileMatmul(j.a, bt, j.d, j.fmtA, j.fmtB, j.fidelity, j.dstFormat);
    break;
  }
  case Op::Binary:
    tileBinary(BinaryOp(j.kind), Broadcast(j.variant), j.a, j.b, j.d, j.flag, j.fidelity,
               j.dstFormat, j.fmtA);
    break;
  case Op::Unary:
    tileUnary(UnaryOp(j.kind), j.param, j.d, j.dstFormat);
    break;
  case Op::Copy:
    tileCopy(j.a, j.d, j.dstFormat);
    break;
  case Op::Transpose:
    tileTranspose(j.a, j.d, j.dstFormat);
    break;
  case Op::Reduce:
    tileReduce(ReduceOp(j.kind), j.variant, j.flag, j.a, j.d, j.dstFormat);
    break;
  case Op::DstBinary:
    tileDstBinary(BinaryOp(j.kind), j.a, j.b, j.d, j.dstFormat);
    break;
  case Op::Mask:
    tileMask(j.d, j.rows, j.cols, j.param, j.dstFormat);
    break;
  case Op::Pack:
  case Op::PackAcc:
  case Op::PackRelu:
    // a: the Dst tile, d: the slot, fmtA: the slot's format; PACK_ACC adds to what it holds,
    // PACK_RELU takes the ReLU of each value (as UNARY's ReLU does) before converting it.
    if (j.op == Op::PackAcc)
      for (int64_t i = 0; i < kTileElems; ++i)
        j.d[i] += j.a[i];
    else if (j.op == Op::PackRelu)
      for (int64_t i = 0; i < kTileElems; ++i)
        j.d[i] = applyUnary(UnaryOp::Relu, j.a[i], 0.0f);
    else
      std::memcpy(j.d, j.a, sizeof(float) * kTileElems);
    roundTile(j.d, j.fmtA);
    break;
  case Op::NocRead:
    copyRead(j.d, j.a, j.packed, j.fmtA, j.rows, j.param);
    break;
  case Op::DstAcquire:
    for (uint64_t m = j.clear; m; m &= m - 1)
      std::memset(j.d + int64_t(__builtin_ctzll(m)) * kTileElems, 0, sizeof(float) * kTileElems);
    break;
  default:
    break;
  }
}

void copyRead(float *to, const float *values, const uint8_t *packed, DataFormat format,
              int64_t count, float fill) {
  if (packed)
    decodeTile(packed, format, to);
  else if (values)
    std::memcpy(to, values, sizeof(float) * size_t(count));
  else
    std::fill(to, to + count, fill);
}

namespace {
// Jobs handed over and not yet run, over all lanes, beyond which the submitter runs a lane's
// jobs itself: bounds how far the simulation runs ahead of the math.
constexpr uint64_t kMaxQueuedJobs = 16384;
// Jobs a lane stages before it hands them to the workers at once (unless one is idle): each
// hand-over moves the lane's and the ready queue's lines to the processor that takes it.
constexpr uint64_t kStagedJobs = 16;
// Jobs queued beyond which the workers take no more tasks: they are the bottleneck, and the
// poster had better do the task itself.
constexpr uint64_t kMaxBacklogForTasks = 512;

/// Writes `job` into its ring slot past the caches where the host has streaming stores: the
/// worker that reads it next runs on another processor, in whose cache an ordinary store
/// would first find the slot's line from the lap before and fetch it back. ResNet-50 at batch
/// 1 on two threads: 1.03x where a cache line's round trip between the processors takes
/// about 490 ns, the same where it takes 110 ns. The ThreadSanitizer build stores as usual,
/// which it sees.
void writeJob(TileJob *slot, const TileJob &job) {
#if defined(__SSE2__) && !defined(__SANITIZE_THREAD__)
  static_assert(sizeof(TileJob) == 4 * sizeof(__m128i), "a job is four streaming stores");
  const auto *from = reinterpret_cast<const __m128i *>(&job);
  auto *to = reinterpret_cast<__m128i *>(slot);
  for (int i = 0; i < 4; ++i)
    _mm_stream_si128(to + i, _mm_loadu_si128(from + i));
#else
  new (slot) TileJob(job);
#endif
}

unsigned hostCores() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return unsigned(CPU_COUNT(&set));
#endif
  return std::thread::hardware_concurrency();
}
} // namespace

int mathWorkers(unsigned requested) {
  unsigned n = requested ? requested : hostCores();
  return n > 1 ? int(n) - 1 : 0;
}

MathLanes::MathLanes(int numLanes, int workers)
    : lanes(size_t(numLanes)), jobsRun(new Count[size_t(workers) + 1]) {
#if defined(__GLIBC__) && defined(PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP)
  // Threads take the lock to post tasks and to sleep, for well under a microsecond. A plain
  // mutex puts a thread that finds it held to sleep at once, and its holder then pays a system
  // call to wake it; glibc's adaptive kind spins briefly first.
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
  pthread_mutex_destroy(mutex.native_handle());
  pthread_mutex_init(mutex.native_handle(), &attr);
  pthread_mutexattr_destroy(&attr);
#endif
  if (workers > 0) {
    rings = ZeroedMemory(lanes.size() * kRingJobs * sizeof(TileJob));
    for (size_t i = 0; i < lanes.size(); ++i)
      lanes[i].ring = static_cast<TileJob *>(rings.data()) + i * kRingJobs;
    size_t slots = 1;
    while (slots < lanes.size())
      slots *= 2;
    readySlots.reset(new std::atomic<int>[slots]);
    readyMask = slots - 1;
  }
  idleSpin = unsigned(workers) + 1 <= hostCores();
  for (int i = 0; i < workers; ++i)
    threads.emplace_back([this, i] { workerLoop(i + 1); });
}

MathLanes::~MathLanes() {
  drainIdle();
  drainAll();
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping.store(true, std::memory_order_seq_cst);
  }
  work.notify_all();
  for (std::thread &t : threads)
    t.join();
}

uint64_t MathLanes::submit(int lane, const TileJob &job) {
  Lane &l = lanes[size_t(lane)];
  uint64_t number = l.submitted + 1;
  if (threads.empty()) {
    runTileJob(job);
    l.submitted = number;
    l.done.store(number, std::memory_order_release);
    return number;
  }
  // The ring's slot held job number - kRingJobs, which must have run.
  if (number > kRingJobs && l.done.load(std::memory_order_acquire) < number - kRingJobs) {
    if (l.published.load(std::memory_order_relaxed) != l.submitted)
      publish(lane);
    wait(lane, number - kRingJobs);
  }
  writeJob(&l.ring[(number - 1) % kRingJobs], job);
  l.submitted = number;
  if (number - l.published.load(std::memory_order_relaxed) >= kStagedJobs ||
      idleWorkers.load(std::memory_order_relaxed) > 0)
    publish(lane);
  return number;
}

void MathLanes::publish(int lane) {
  Lane &l = lanes[size_t(lane)];
#if defined(__SSE2__) && !defined(__SANITIZE_THREAD__)
  _mm_sfence(); // the jobs' streaming stores before the count that hands them over
#endif
  uint64_t before = l.published.load(std::memory_order_relaxed);
  l.published.store(l.submitted, std::memory_order_seq_cst);
  jobsPublished.store(jobsPublished.load(std::memory_order_relaxed) + (l.submitted - before),
                      std::memory_order_relaxed);
  if (backlog() > kMaxQueuedJobs && claim(l))
    runHere(lane, l.submitted);
  else
    queueLane(lane);
}

void MathLanes::queueLane(int lane) {
  Lane &l = lanes[size_t(lane)];
  // Sequentially consistent with the taker's clearing and its look at `published` after it:
  // either this sees the lane taken (and queues it again), or the taker sees these jobs.
  if (l.queued.load(std::memory_order_seq_cst) || l.queued.exchange(true, std::memory_order_seq_cst))
    return;
  uint64_t tail = readyTail.load(std::memory_order_relaxed);
  readySlots[tail & readyMask].store(lane, std::memory_order_relaxed);
  // Sequentially consistent with a worker going to sleep (workerLoop).
  readyTail.store(tail + 1, std::memory_order_seq_cst);
  if (sleepingWorkers.load(std::memory_order_seq_cst) > 0) {
    { std::lock_guard<std::mutex> lock(mutex); }
    work.notify_one();
  }
}

int MathLanes::takeReady() {
  uint64_t head = readyHead.load(std::memory_order_acquire);
  while (head != readyTail.load(std::memory_order_acquire)) {
    // Read before the claim: once it moves the head, the submitter may reuse the slot.
    int lane = readySlots[head & readyMask].load(std::memory_order_relaxed);
    if (readyHead.compare_exchange_weak(head, head + 1, std::memory_order_acq_rel))
      return lane;
  }
  return -1;
}

void MathLanes::release(Lane &l) {
  l.claimed.store(false, std::memory_order_seq_cst);
  if (sleepingWaiters.load(std::memory_order_seq_cst) > 0)
    wakeWaiters();
}

void MathLanes::wakeWaiters() {
  { std::lock_guard<std::mutex> lock(mutex); }
  finished.notify_all();
}

namespace {
/// A tile matmul reads its two operand tiles first thing (`productSums`), mostly from beyond the
/// host's first caches: a lane's next matmul has them fetched while the current one computes.
void prefetchOperands(const TileJob &next) {
  if (next.op != Op::Matmul && next.op != Op::MatmulBt)
    return;
  for (int64_t e = 0; e < kTileElems; e += 16) {
    __builtin_prefetch(next.a + e);
    __builtin_prefetch(next.b + e);
  }
}
} // namespace

void MathLanes::runClaimed(Lane &l, uint64_t upTo, int self) {
  uint64_t done = l.done.load(std::memory_order_relaxed), first = done;
  while (true) {
    uint64_t end = std::min(l.published.load(std::memory_order_acquire), upTo);
    if (done >= end)
      break;
    // Only the thread running the lane writes `done`: a store, not a locked add, per job.
    for (; done < end; ++done) {
      if (done + 1 < end)
        prefetchOperands(l.ring[(done + 1) % kRingJobs]);
      runTileJob(l.ring[done % kRingJobs]);
      l.done.store(done + 1, std::memory_order_release);
    }
  }
  std::atomic<uint64_t> &count = jobsRun[size_t(self)].n;
  count.store(count.load(std::memory_order_relaxed) + (done - first), std::memory_order_relaxed);
}

uint64_t MathLanes::backlog() const {
  uint64_t run = 0;
  for (size_t i = 0; i <= threads.size(); ++i)
    run += jobsRun[i].n.load(std::memory_order_relaxed);
  uint64_t published = jobsPublished.load(std::memory_order_relaxed);
  return published > run ? published - run : 0;
}

bool MathLanes::post(Task task) {
  if (threads.empty() || backlog() > kMaxBacklogForTasks)
    return false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    tasks.push_back(task);
    pendingTasks.fetch_add(1, std::memory_order_seq_cst);
  }
  work.notify_one();
  return true;
}

bool MathLanes::postIdle(Task task) {
  if (threads.empty())
    return false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    idleTasks.push_back(task);
    pendingIdleTasks.fetch_add(1, std::memory_order_seq_cst);
  }
  work.notify_one();
  return true;
}

void MathLanes::drainIdle() {
  std::unique_lock<std::mutex> lock(mutex);
  while (!idleTasks.empty())
    runTask(idleTasks, pendingIdleTasks, runningIdleTasks, lock);
  finished.wait(lock, [this] { return runningIdleTasks == 0; });
}

void MathLanes::runTask(std::deque<Task> &queue, std::atomic<int> &pending, int &running,
                        std::unique_lock<std::mutex> &lock) {
  Task task = queue.front();
  queue.pop_front();
  pending.fetch_sub(1, std::memory_order_relaxed);
  ++running;
  lock.unlock();
  task.run(task.arg);
  lock.lock();
  if (--running == 0)
    finished.notify_all();
}

bool MathLanes::workerHasWork() const {
  return readyHead.load(std::memory_order_seq_cst) != readyTail.load(std::memory_order_seq_cst) ||
         pendingTasks.load(std::memory_order_seq_cst) > 0 ||
         pendingIdleTasks.load(std::memory_order_seq_cst) > 0 ||
         stopping.load(std::memory_order_seq_cst);
}

void MathLanes::workerLoop(int self) {
  while (true) {
    // Tasks first: the scheduler will soon need what they decode.
    if (pendingTasks.load(std::memory_order_relaxed) > 0) {
      std::unique_lock<std::mutex> lock(mutex);
      if (!tasks.empty()) {
        runTask(tasks, pendingTasks, runningTasks, lock);
        continue;
      }
    }
    int lane = takeReady();
    if (lane >= 0) {
      Lane &l = lanes[size_t(lane)];
      l.queued.store(false, std::memory_order_seq_cst);
      // Jobs handed over after the last look but before the release are this thread's too:
      // the submitter saw the lane queued, or the claim failed, and queued it again.
      while (claim(l)) {
        runClaimed(l, UINT64_MAX, self);
        release(l);
        if (l.published.load(std::memory_order_seq_cst) == l.done.load(std::memory_order_relaxed))
          break;
      }
      continue;
    }
    if (pendingIdleTasks.load(std::memory_order_relaxed) > 0) {
      std::unique_lock<std::mutex> lock(mutex);
      if (!idleTasks.empty()) {
        runTask(idleTasks, pendingIdleTasks, runningIdleTasks, lock);
        continue;
      }
    }
    if (stopping.load(std::memory_order_acquire))
      return;
    idleWorkers.fetch_add(1, std::memory_order_relaxed);
    if (!idleSpin || !spinUntil([this] { return workerHasWork(); }, kIdleSpinNs)) {
      std::unique_lock<std::mutex> lock(mutex);
      // Sequentially consistent with queueLane's look at sleepingWorkers: either it sees this
      // sleep, or this sees its lane.
      sleepingWorkers.fetch_add(1, std::memory_order_seq_cst);
      work.wait(lock, [this] { return workerHasWork(); });
      sleepingWorkers.fetch_sub(1, std::memory_order_relaxed);
    }
    idleWorkers.fetch_sub(1, std::memory_order_relaxed);
  }
}

void MathLanes::wait(int lane, uint64_t number) {
  Lane &l = lanes[size_t(lane)];
  auto ranOrFree = [&] {
    return l.done.load(std::memory_order_acquire) >= number ||
           !l.claimed.load(std::memory_order_seq_cst);
  };
  while (l.done.load(std::memory_order_acquire) < number) {
    if (claim(l)) {
      // Nobody runs the lane: run the jobs up to `number` here rather than wait for a worker,
      // and leave the rest to the workers.
      runHere(lane, number);
      continue;
    }
    if (spinUntil(ranOrFree, kWaitSpinNs))
      continue;
    // Rather than sleep until the worker is done, run a few jobs it has not reached yet.
    if (!runSomeQueuedJobs())
      sleepUntil(ranOrFree);
  }
}

void MathLanes::runHere(int lane, uint64_t upTo) {
  Lane &l = lanes[size_t(lane)];
  runClaimed(l, upTo, 0);
  release(l);
  if (l.done.load(std::memory_order_relaxed) < l.published.load(std::memory_order_relaxed))
    queueLane(lane);
}

bool MathLanes::runSomeQueuedJobs() {
  // From the last lane: the workers take lanes in the order they got jobs, mostly the first.
  for (size_t i = lanes.size(); i-- > 0;) {
    Lane &l = lanes[i];
    if (l.done.load(std::memory_order_relaxed) < l.published.load(std::memory_order_relaxed) &&
        claim(l)) {
      runHere(int(i), l.done.load(std::memory_order_relaxed) + kJobsRunWhileWaiting);
      return true;
    }
  }
  return false;
}

void MathLanes::drainLanes() {
  for (int i = 0; i < int(lanes.size()); ++i)
    drain(i);
}

void MathLanes::publishAll() {
  if (threads.empty())
    return; // every job ran as it was submitted
  for (int i = 0; i < int(lanes.size()); ++i)
    if (lanes[size_t(i)].published.load(std::memory_order_relaxed) != lanes[size_t(i)].submitted)
      publish(i);
}

void MathLanes::drainTasks() {
  std::unique_lock<std::mutex> lock(mutex);
  while (!tasks.empty())
    runTask(tasks, pendingTasks, runningTasks, lock);
  finished.wait(lock, [this] { return runningTasks == 0; });
}

} // namespace tessel::rt
