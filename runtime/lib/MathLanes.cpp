//===- MathLanes.cpp - Tile matmuls of simulated cores on host threads ----===//
#include "MathLanes.h"

#include "Compute.h"

#ifdef __linux__
#include <sched.h>
#endif

namespace tessel::rt {

namespace {
void runJob(const MatmulJob &job) {
  tileMatmul(job.operands.data(), job.operands.data() + kTileElems, job.dst, job.fmtA, job.fmtB,
             job.fidelity, job.dstFormat);
}

// Jobs queued over all lanes before the submitting thread helps: bounds the
// memory of operand copies when the simulation outruns the math.
constexpr size_t kMaxQueuedJobs = 256;

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

std::vector<float> MathLanes::buffer() {
  std::lock_guard<std::mutex> lock(mutex);
  if (spare.empty())
    return std::vector<float>(size_t(2 * kTileElems));
  std::vector<float> b = std::move(spare.back());
  spare.pop_back();
  return b;
}

MathLanes::MathLanes(int numLanes, int workers) : lanes(size_t(numLanes)) {
  for (int i = 0; i < workers; ++i)
    threads.emplace_back([this] { workerLoop(); });
}

MathLanes::~MathLanes() {
  drainAll();
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  work.notify_all();
  for (std::thread &t : threads)
    t.join();
}

void MathLanes::submit(int lane, MatmulJob job) {
  std::unique_lock<std::mutex> lock(mutex);
  if (threads.empty()) {
    runJob(job);
    spare.push_back(std::move(job.operands));
    return;
  }
  Lane &l = lanes[size_t(lane)];
  l.jobs.push_back(std::move(job));
  ++queuedJobs;
  if (queuedJobs > kMaxQueuedJobs && !l.running) {
    runLane(lane, lock);
    return;
  }
  if (!l.running && !l.queued) {
    l.queued = true;
    ready.push_back(lane);
    work.notify_one();
  }
}

void MathLanes::runLane(int lane, std::unique_lock<std::mutex> &lock) {
  Lane &l = lanes[size_t(lane)];
  l.running = true;
  while (!l.jobs.empty()) {
    MatmulJob job = std::move(l.jobs.front());
    l.jobs.pop_front();
    --queuedJobs;
    lock.unlock();
    runJob(job);
    lock.lock();
    spare.push_back(std::move(job.operands));
  }
  l.running = false;
  done.notify_all();
}

void MathLanes::workerLoop() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    work.wait(lock, [this] { return stopping || !ready.empty(); });
    if (ready.empty())
      return; // stopping
    int lane = ready.front();
    ready.pop_front();
    Lane &l = lanes[size_t(lane)];
    l.queued = false;
    // The main thread may have drained it meanwhile.
    if (!l.running && !l.jobs.empty())
      runLane(lane, lock);
  }
}

void MathLanes::drain(int lane) {
  if (threads.empty())
    return;
  std::unique_lock<std::mutex> lock(mutex);
  Lane &l = lanes[size_t(lane)];
  while (l.running)
    done.wait(lock);
  // Whatever is left, nobody runs: do it here rather than wait for a worker.
  if (!l.jobs.empty())
    runLane(lane, lock);
}

void MathLanes::drainAll() {
  for (int i = 0; i < int(lanes.size()); ++i)
    drain(i);
}

} // namespace tessel::rt
