//===- MathLanes.cpp - Tile math of simulated cores on host threads -------===//
#include "MathLanes.h"

#include "Compute.h"
#include "ElementwiseMath.h"

#include <algorithm>
#include <cstring>

#include <pthread.h>

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
// Jobs queued over all lanes before the submitting thread helps: bounds how far the
// simulation runs ahead of the math.
constexpr size_t kMaxQueuedJobs = 16384;
// Jobs a lane collects before it hands them to the workers at once (unless one is idle): the
// hand-over takes the pool's lock.
constexpr size_t kStagedJobs = 16;
// Jobs queued beyond which the workers take no more tasks: they are the bottleneck, and the
// poster had better do the task itself.
constexpr size_t kMaxBacklogForTasks = 512;

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

MathLanes::MathLanes(int numLanes, int workers) : lanes(size_t(numLanes)) {
#if defined(__GLIBC__) && defined(PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP)
  // The scheduler and the workers each take the lock thousands of times a dispatch, for well
  // under a microsecond. A plain mutex puts a thread that finds it held to sleep at once, and
  // its holder then pays a system call to wake it; glibc's adaptive kind spins briefly first.
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
  pthread_mutex_destroy(mutex.native_handle());
  pthread_mutex_init(mutex.native_handle(), &attr);
  pthread_mutexattr_destroy(&attr);
#endif
  idleSpin = unsigned(workers) + 1 <= hostCores();
  for (int i = 0; i < workers; ++i)
    threads.emplace_back([this] { workerLoop(); });
}

MathLanes::~MathLanes() {
  drainIdle();
  drainAll();
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    posted.fetch_add(1, std::memory_order_relaxed);
  }
  work.notify_all();
  for (std::thread &t : threads)
    t.join();
}

uint64_t MathLanes::submit(int lane, const TileJob &job) {
  Lane &l = lanes[size_t(lane)];
  uint64_t number = ++l.submitted;
  if (threads.empty()) {
    runTileJob(job);
    l.done.store(number, std::memory_order_release);
    return number;
  }
  l.staged.push_back(job);
  if (l.staged.size() >= kStagedJobs || idleWorkers.load(std::memory_order_relaxed) > 0)
    publish(lane);
  return number;
}

void MathLanes::publish(int lane) {
  Lane &l = lanes[size_t(lane)];
  std::unique_lock<std::mutex> lock(mutex);
  queuedJobs += l.staged.size();
  // Handed over whole where nothing waits before them: no copy.
  if (l.jobs.empty())
    l.jobs.swap(l.staged);
  else
    l.jobs.insert(l.jobs.end(), l.staged.begin(), l.staged.end());
  l.staged.clear();
  if (queuedJobs > kMaxQueuedJobs && !l.running) {
    runLane(lane, lock);
    return;
  }
  if (!l.running && !l.queued)
    queueLane(lane);
}

void MathLanes::queueLane(int lane) {
  lanes[size_t(lane)].queued = true;
  ready.push_back(lane);
  posted.fetch_add(1, std::memory_order_relaxed);
  work.notify_one();
}

void MathLanes::runLane(int lane, std::unique_lock<std::mutex> &lock, uint64_t upTo) {
  Lane &l = lanes[size_t(lane)];
  l.running = true;
  std::vector<TileJob> batch;
  batch.swap(l.spare);
  uint64_t done = l.done.load(std::memory_order_relaxed);
  while (!l.jobs.empty() && done < upTo) {
    batch.clear();
    if (upTo - done >= l.jobs.size()) {
      batch.swap(l.jobs);
    } else {
      auto end = l.jobs.begin() + long(upTo - done);
      batch.assign(l.jobs.begin(), end);
      l.jobs.erase(l.jobs.begin(), end);
    }
    queuedJobs -= batch.size();
    // Only the thread running the lane writes `done`: a store, not a locked add, per job.
    uint64_t ran = done;
    done += batch.size();
    lock.unlock();
    for (const TileJob &job : batch) {
      runTileJob(job);
      l.done.store(++ran, std::memory_order_release);
    }
    lock.lock();
  }
  batch.clear();
  l.spare.swap(batch);
  l.running = false;
  finished.notify_all();
}

bool MathLanes::post(Task task) {
  if (threads.empty())
    return false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (queuedJobs > kMaxBacklogForTasks)
      return false;
    tasks.push_back(task);
    posted.fetch_add(1, std::memory_order_relaxed);
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
    posted.fetch_add(1, std::memory_order_relaxed);
  }
  work.notify_one();
  return true;
}

void MathLanes::drainIdle() {
  std::unique_lock<std::mutex> lock(mutex);
  while (!idleTasks.empty())
    runTask(idleTasks, runningIdleTasks, lock);
  finished.wait(lock, [this] { return runningIdleTasks == 0; });
}

void MathLanes::runTask(std::deque<Task> &queue, int &running,
                        std::unique_lock<std::mutex> &lock) {
  Task task = queue.front();
  queue.pop_front();
  ++running;
  lock.unlock();
  task.run(task.arg);
  lock.lock();
  if (--running == 0)
    finished.notify_all();
}

void MathLanes::workerLoop() {
  std::unique_lock<std::mutex> lock(mutex);
  auto hasWork = [this] {
    return stopping || !ready.empty() || !tasks.empty() || !idleTasks.empty();
  };
  while (true) {
    idleWorkers.fetch_add(1, std::memory_order_relaxed);
    if (idleSpin && !hasWork()) {
      uint64_t seen = posted.load(std::memory_order_relaxed);
      lock.unlock();
      spinUntil([&] { return posted.load(std::memory_order_relaxed) != seen; }, kIdleSpinNs);
      lock.lock();
    }
    work.wait(lock, hasWork);
    idleWorkers.fetch_sub(1, std::memory_order_relaxed);
    // Tasks first: the scheduler will soon need what they decode.
    if (!tasks.empty()) {
      runTask(tasks, runningTasks, lock);
      continue;
    }
    if (ready.empty()) {
      if (idleTasks.empty())
        return; // stopping
      runTask(idleTasks, runningIdleTasks, lock);
      continue;
    }
    int lane = ready.front();
    ready.pop_front();
    Lane &l = lanes[size_t(lane)];
    l.queued = false;
    // The main thread may have drained it meanwhile.
    if (!l.running && !l.jobs.empty())
      runLane(lane, lock);
  }
}

void MathLanes::wait(int lane, uint64_t number) {
  std::unique_lock<std::mutex> lock(mutex);
  Lane &l = lanes[size_t(lane)];
  while (l.done.load(std::memory_order_acquire) < number) {
    if (l.running) {
      lock.unlock();
      bool ran = spinUntil([&] { return l.done.load(std::memory_order_acquire) >= number; },
                           kWaitSpinNs);
      lock.lock();
      // Rather than sleep until the worker is done, run a few jobs it has not reached yet.
      if (!ran && l.running && !runSomeQueuedJobs(lock))
        finished.wait(lock);
      continue;
    }
    // Nobody runs the lane: run the jobs up to `number` here rather than wait for a worker,
    // and leave the rest to the workers.
    runLane(lane, lock, number);
    if (!l.jobs.empty() && !l.queued)
      queueLane(lane);
  }
}

bool MathLanes::runSomeQueuedJobs(std::unique_lock<std::mutex> &lock) {
  // From the back of `ready`: the workers take lanes from its front.
  for (auto it = ready.rbegin(); it != ready.rend(); ++it) {
    Lane &l = lanes[size_t(*it)];
    if (!l.running && !l.jobs.empty()) {
      runLane(*it, lock, l.done.load(std::memory_order_relaxed) + kJobsRunWhileWaiting);
      return true;
    }
  }
  return false;
}

void MathLanes::drainAll() {
  for (int i = 0; i < int(lanes.size()); ++i)
    drain(i);
  std::unique_lock<std::mutex> lock(mutex);
  while (!tasks.empty())
    runTask(tasks, runningTasks, lock);
  finished.wait(lock, [this] { return runningTasks == 0; });
}

} // namespace tessel::rt
