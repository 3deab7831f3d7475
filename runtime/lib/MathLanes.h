//===- MathLanes.h - Tile math of simulated cores on host threads ---------===//
//
// The timing model decides nothing from values, so the numbers of a compute
// kernel's tile math (MATMUL, the eltwise and SFPU ops, copies, reductions,
// PACK, clearing Dst) may be computed later, on another host thread, as long
// as every later reader of the same memory sees them. Each simulated core has
// a lane: its jobs are queued in program order and run by a pool of host
// threads, one lane at a time, in queue order. A job reads its operands in
// place, from the core's circular buffers and Dst. Every CB slot remembers the
// last job that reads or writes it (`CircularBuffer::lastJob`), and whatever
// else touches a slot's data (a NoC read into it, a write or multicast out of
// it, CB_LOAD_INDEX) first waits for that job, running the lane's backlog on
// the calling thread if no worker has taken it. Dst is only touched by jobs.
// The order of operations on every tile of memory is thus exactly the
// sequential one: results are bit-identical whatever the thread count. A NoC
// read into a CB that only the core's jobs use again is a job too (a copy), and
// so is a whole-tile read into a CB multicast out of, from memory nothing
// writes during the dispatch: the slot remembers that origin, and the
// multicast's copies, jobs of the receiving cores, read it instead of the slot.
// A whole-tile read of memory the dispatch also writes is a job as well, and so
// is a NoC write out of a slot: a tile's write in one lane first waits for its
// pending write and queued reads in others, and its reads in other lanes or at
// once wait for the write.
// The same host threads run other tasks: decoding threads' instructions ahead
// (RunAhead.h).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_MATHLANES_H
#define TESSEL_RUNTIME_LIB_MATHLANES_H

#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Formats.h"
#include "ZeroedFloats.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tessel::rt {

/// One instruction's effect on data, with its operands resolved. One cache line: the scheduler
/// writes each job and a worker reads it on another processor, and every line that crosses
/// costs both (bench/host-latency).
struct alignas(64) TileJob {
  Op op;
  int32_t kind = 0; // the binary, unary or reduce op
  const float *a = nullptr, *b = nullptr;
  float *d = nullptr;
  union {
    /// NocRead: a tile packed in `fmtA`, decoded into `d` (instead of `a`'s floats).
    const uint8_t *packed = nullptr;
    /// DstAcquire: the Dst tiles (a bit each) to clear, `d` their first.
    uint64_t clear;
  };
  /// NocRead: the values to copy; Mask: the rows and columns kept, within [0, kTileDim].
  int32_t rows = 0, cols = 0;
  float param = 0;     // a unary's or mask's value
  int32_t variant = 0; // broadcast, or the reduce's dimension
  bool flag = false;   // an FPU binary, or a reduce that accumulates
  DataFormat fmtA = DataFormat::Float32, fmtB = DataFormat::Float32;
  DataFormat dstFormat = DataFormat::Float32;
  ttb::MathFidelity fidelity = ttb::MathFidelity::HiFi4;
};
static_assert(sizeof(TileJob) == 64, "a job is one cache line");

/// Applies `job` to memory.
void runTileJob(const TileJob &job);
/// What a NoC read puts into a slot, now or as a NocRead job: `count` values of `values`, or
/// the tile `packed` in `format` decoded, or `fill` where both are null.
void copyRead(float *to, const float *values, const uint8_t *packed, DataFormat format,
              int64_t count, float fill);

class MathLanes {
public:
  /// `workers` host threads besides the caller (0: everything runs inline).
  MathLanes(int lanes, int workers);
  ~MathLanes();
  MathLanes(const MathLanes &) = delete;
  MathLanes &operator=(const MathLanes &) = delete;

  /// Queues `job` on `lane` (runs it at once without workers) and returns its number in the
  /// lane, from 1. Only one thread submits. When the workers fall far behind, it runs jobs
  /// itself.
  uint64_t submit(int lane, const TileJob &job);
  /// Returns once job `number` of `lane` (and every one before it) has run; the submitting
  /// thread's.
  void waitFor(int lane, uint64_t number) {
    Lane &l = lanes[size_t(lane)];
    if (number > l.done.load(std::memory_order_acquire)) {
      if (l.published.load(std::memory_order_relaxed) != l.submitted)
        publish(lane);
      wait(lane, number);
    }
  }
  /// Whether job `number` of `lane` (and every one before it) has run.
  bool ran(int lane, uint64_t number) const {
    return number <= lanes[size_t(lane)].done.load(std::memory_order_acquire);
  }
  /// Returns once every job queued on `lane` has run.
  void drain(int lane) { waitFor(lane, lanes[size_t(lane)].submitted); }
  /// Runs every lane's jobs and every posted task.
  void drainAll() {
    drainLanes();
    drainTasks();
  }
  /// Runs every lane's jobs.
  void drainLanes();
  /// Runs every posted task.
  void drainTasks();
  /// Hands every lane's staged jobs to the workers.
  void publishAll();

  /// Work besides the lanes, in no particular order: `run(arg)` once, on a worker or in
  /// drainAll. False, and nothing queued, without workers or while they are far behind on the
  /// lanes.
  struct Task {
    void (*run)(void *);
    void *arg;
  };
  bool post(Task task);
  /// A task for a worker with nothing else to do: taken after every posted task and lane. Not
  /// run by drainAll; false, and nothing queued, without workers.
  bool postIdle(Task task);
  /// Returns once every idle task has run (those not begun run here).
  void drainIdle();
  /// Wakes the threads in `await`: something they wait for may have happened. Costs a load
  /// when none sleeps. What they wait for must have been written sequentially consistent.
  void signal() {
    if (sleepingWaiters.load(std::memory_order_seq_cst) > 0)
      wakeWaiters();
  }
  /// Returns once `done()`, which `signal` announces; `done` reads sequentially consistent.
  template <typename Pred> void await(Pred done) {
    if (!spinUntil(done, kWaitSpinNs))
      sleepUntil(done);
  }

private:
  /// Sleeps on `finished` until `done()`, which a `signal` or a `release` after it announces.
  template <typename Pred> void sleepUntil(Pred done) {
    std::unique_lock<std::mutex> lock(mutex);
    // Either the announcer sees this sleeper, or `done` sees what was written before it.
    sleepingWaiters.fetch_add(1, std::memory_order_seq_cst);
    finished.wait(lock, done);
    sleepingWaiters.fetch_sub(1, std::memory_order_relaxed);
  }
  /// Spins up to `nanos` for `done`, which another thread is about to make true: sleeping on a
  /// condition variable and being woken again takes longer, most of all on a virtual machine,
  /// whose sleeping processor its host must schedule again.
  /// The clock is read only once `done` has been polled a while: mostly it is true at once.
  template <typename Pred> static bool spinUntil(Pred done, int64_t nanos) {
    std::chrono::steady_clock::time_point deadline;
    for (bool first = true;; first = false) {
      for (int i = 0; i < 32; ++i) {
        if (done())
          return true;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      }
      auto now = std::chrono::steady_clock::now();
      if (first)
        deadline = now + std::chrono::nanoseconds(nanos);
      else if (now >= deadline)
        return false;
    }
  }
  /// How long a thread that waits for a worker's result spins, and an idle worker watches for
  /// work, before sleeping. Sleeping and being woken costs the scheduler tens of microseconds
  /// on a virtual machine (ResNet-50 at batch 16 slept 69,000 times a run without the idle
  /// watch, 500 times with it), while a dispatch hands work over every few microseconds.
  static constexpr int64_t kWaitSpinNs = 50'000, kIdleSpinNs = 1'000'000;
  /// Whether idle workers watch for work: not when the pool has more threads than the host has
  /// cores, where a watching worker would take a core from one with work to do.
  bool idleSpin = false;

  /// A lane's jobs live in a ring: [done, published) handed over, [published, submitted)
  /// staged by the submitter. The pool's threads find lanes with jobs in `ready`, and run a
  /// lane once they have claimed it. Nothing here takes a lock: every handed-over batch and
  /// every job run moved several cache lines between the host's processors under the pool's
  /// lock, and a hand-over's waits for it were a tenth of the scheduler's time (bench/host-latency
  /// measures what one such move costs).
  struct alignas(64) Lane {
    // The submitter's.
    TileJob *ring = nullptr;
    uint64_t submitted = 0;
    std::atomic<uint64_t> published{0};
    /// In `ready`, or about to be: set by the submitter, cleared by the thread that takes it.
    std::atomic<bool> queued{false};
    // The running thread's.
    alignas(64) std::atomic<uint64_t> done{0};
    std::atomic<bool> claimed{false};
  };
  /// Jobs a lane holds: the submitter runs or waits for the oldest before it stages more.
  static constexpr uint64_t kRingJobs = 1024;
  std::vector<Lane> lanes;
  /// The lanes' rings, one block: mapped on its own in huge pages where the host has them
  /// (thousands of page faults on the scheduler's thread otherwise). Its jobs are constructed
  /// as they are submitted.
  ZeroedMemory rings;
  static_assert(kRingJobs * sizeof(TileJob) >= ZeroedMemory::kMappedBytes,
                "the rings are page-aligned, hence their jobs too");

  /// Lanes with handed-over jobs, in the order they got them: written by the submitter only,
  /// taken by any thread. A lane is in it at most once (`queued`), so it never holds more than
  /// there are lanes.
  std::unique_ptr<std::atomic<int>[]> readySlots;
  uint64_t readyMask = 0;
  alignas(64) std::atomic<uint64_t> readyTail{0};
  alignas(64) std::atomic<uint64_t> readyHead{0};

  /// Jobs run by each thread: [0] by the submitter, [i] by worker i. Each has its own line.
  struct alignas(64) Count {
    std::atomic<uint64_t> n{0};
  };
  std::unique_ptr<Count[]> jobsRun;
  alignas(64) std::atomic<uint64_t> jobsPublished{0};

  // Tasks, and the threads' sleep.
  std::mutex mutex; // adaptive where glibc has it (the constructor)
  std::condition_variable work, finished;
  std::deque<Task> tasks, idleTasks;
  int runningTasks = 0, runningIdleTasks = 0;
  std::atomic<int> pendingTasks{0}, pendingIdleTasks{0}; // their sizes, seen without the lock
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<int> idleWorkers{0};
  /// Workers asleep on `work`, and threads asleep on `finished`: only then do the others take
  /// the lock to wake them.
  std::atomic<int> sleepingWorkers{0}, sleepingWaiters{0};

  /// Hands `lane`'s staged jobs to the workers.
  void publish(int lane);
  /// Puts `lane` in `ready` unless it is there, and wakes a worker if all sleep; the
  /// submitter's.
  void queueLane(int lane);
  /// The next lane of `ready`, or -1.
  int takeReady();
  bool claim(Lane &l) {
    return !l.claimed.load(std::memory_order_relaxed) &&
           !l.claimed.exchange(true, std::memory_order_seq_cst);
  }
  /// Lets go of a lane claimed, and wakes a thread waiting for it.
  void release(Lane &l);
  /// The submitter's run of the claimed `lane`'s jobs up to job `upTo`: it lets go of the lane
  /// and queues it again if jobs are left.
  void runHere(int lane, uint64_t upTo);
  /// Runs the claimed lane's handed-over jobs up to job `upTo`, counted as thread `self`'s.
  void runClaimed(Lane &l, uint64_t upTo, int self);
  /// Jobs handed over and not yet run.
  uint64_t backlog() const;
  void wait(int lane, uint64_t number);
  /// Runs a few jobs of a lane no thread is running, from the last; false if there is none.
  bool runSomeQueuedJobs();
  /// Few enough that the waiter sees its own job done soon after the worker finishes it.
  static constexpr uint64_t kJobsRunWhileWaiting = 8;
  void wakeWaiters();
  bool workerHasWork() const;
  void workerLoop(int self);
  /// Runs the first task of `queue` (`tasks` or `idleTasks`), counted in `running` while it
  /// runs; called with `lock` held, which it releases around the task.
  void runTask(std::deque<Task> &queue, std::atomic<int> &pending, int &running,
               std::unique_lock<std::mutex> &lock);
};

/// Host threads to use besides the main one: `requested` - 1 if non-zero,
/// else one less than the cores this process may run on.
int mathWorkers(unsigned requested);

} // namespace tessel::rt

#endif
