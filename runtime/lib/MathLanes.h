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
// A whole-tile read of memory the dispatch also writes is a job as well; the
// tile's next write, done at once, first waits for it.
// The same host threads run other tasks: decoding threads' instructions ahead
// (RunAhead.h).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_MATHLANES_H
#define TESSEL_RUNTIME_LIB_MATHLANES_H

#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Formats.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
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
  /// lane, from 1. When the workers fall far behind, the caller runs the lane's backlog.
  uint64_t submit(int lane, const TileJob &job);
  /// Returns once job `number` of `lane` (and every one before it) has run.
  void waitFor(int lane, uint64_t number) {
    Lane &l = lanes[size_t(lane)];
    if (number > l.done.load(std::memory_order_acquire)) {
      if (!l.staged.empty())
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
  void drainAll();

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
  /// Wakes the threads in `await`: something they wait for may have happened.
  void signal() {
    { std::lock_guard<std::mutex> lock(mutex); }
    finished.notify_all();
  }
  /// Returns once `done()`, which `signal` announces.
  template <typename Pred> void await(Pred done) {
    if (spinUntil(done, kWaitSpinNs))
      return;
    std::unique_lock<std::mutex> lock(mutex);
    finished.wait(lock, done);
  }

private:
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

  struct Lane {
    std::vector<TileJob> staged;      // submitted, not yet handed over; the submitter's
    std::vector<TileJob> jobs, spare; // handed over, under the lock; spare: for runLane
    uint64_t submitted = 0;           // written by the submitting thread only
    std::atomic<uint64_t> done{0};    // jobs run
    bool running = false;             // a thread is executing this lane's jobs
    bool queued = false;              // the lane is in `ready`
  };
  std::mutex mutex; // adaptive where glibc has it (the constructor)
  std::condition_variable work, finished;
  std::vector<Lane> lanes;
  std::deque<int> ready;
  std::deque<Task> tasks, idleTasks;
  int runningTasks = 0, runningIdleTasks = 0;
  size_t queuedJobs = 0;
  std::vector<std::thread> threads;
  bool stopping = false;

  std::atomic<int> idleWorkers{0};
  /// Counts what was queued for the workers, so that an idle one sees it without the lock.
  std::atomic<uint64_t> posted{0};

  /// Hands `lane`'s staged jobs to the workers.
  void publish(int lane);
  /// Puts `lane`, which has jobs and is neither running nor queued, in `ready` and tells the
  /// workers; called with the lock held.
  void queueLane(int lane);
  void wait(int lane, uint64_t number);
  /// Runs the next few jobs of a queued lane no thread is running; false if there is none.
  /// Called with `lock` held, which it releases while the jobs run.
  bool runSomeQueuedJobs(std::unique_lock<std::mutex> &lock);
  /// Few enough that the waiter sees its own job done soon after the worker finishes it.
  static constexpr uint64_t kJobsRunWhileWaiting = 8;
  void workerLoop();
  /// Runs `lane`'s jobs until none is left, or job `upTo` has run; called with `lock` held,
  /// which it releases while the jobs run.
  void runLane(int lane, std::unique_lock<std::mutex> &lock, uint64_t upTo = UINT64_MAX);
  /// Runs the first task of `queue` (`tasks` or `idleTasks`), counted in `running` while it
  /// runs; called with `lock` held, which it releases around the task.
  void runTask(std::deque<Task> &queue, int &running, std::unique_lock<std::mutex> &lock);
};

/// Host threads to use besides the main one: `requested` - 1 if non-zero,
/// else one less than the cores this process may run on.
int mathWorkers(unsigned requested);

} // namespace tessel::rt

#endif
