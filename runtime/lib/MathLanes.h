//===- MathLanes.h - Tile matmuls of simulated cores on host threads ------===//
//
// The timing model decides nothing from values, so the numbers of a MATMUL
// may be computed later, on another host thread, as long as every later use
// of the same Dst sees them. Each simulated core has a lane: its MATMULs are
// queued in order (operands copied at issue, as the CB slots may be refilled)
// and run by a pool of host threads, one lane at a time, in queue order. Any
// other access to a core's Dst first drains the core's lane, running the
// queued matmuls on the calling thread if no worker has picked them up. The
// order of additions into each Dst tile is thus exactly the sequential one:
// results are bit-identical whatever the thread count.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_MATHLANES_H
#define TESSEL_RUNTIME_LIB_MATHLANES_H

#include "tessel/runtime/Formats.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace tessel::rt {

struct MatmulJob {
  std::vector<float> operands; // a then b, kTileElems each
  float *dst;
  DataFormat fmtA, fmtB;
  ttb::MathFidelity fidelity;
  DataFormat dstFormat;
};

class MathLanes {
public:
  /// `workers` host threads besides the caller (0: everything runs inline).
  MathLanes(int lanes, int workers);
  ~MathLanes();
  MathLanes(const MathLanes &) = delete;
  MathLanes &operator=(const MathLanes &) = delete;

  /// Whether there are no workers: a matmul may then run at once on its operands.
  bool runsInline() const { return threads.empty(); }
  /// An operand buffer of 2 x kTileElems floats for a job.
  std::vector<float> buffer();
  /// Queues a matmul on `lane` (runs it at once without workers). When the
  /// workers fall far behind, the caller runs the lane's backlog itself.
  void submit(int lane, MatmulJob job);
  /// Returns once every job queued on `lane` has run.
  void drain(int lane);
  void drainAll();

private:
  struct Lane {
    std::deque<MatmulJob> jobs;
    bool running = false; // a thread is executing this lane's jobs
    bool queued = false;  // the lane is in `ready`
  };
  std::mutex mutex;
  std::condition_variable work, done;
  std::vector<Lane> lanes;
  std::deque<int> ready;
  // Operand buffers of finished jobs, reused: no allocation per matmul.
  std::vector<std::vector<float>> spare;
  size_t queuedJobs = 0;
  std::vector<std::thread> threads;
  bool stopping = false;

  void workerLoop();
  /// Runs `lane`'s jobs until none is left; called with `lock` held, which it
  /// releases around each job.
  void runLane(int lane, std::unique_lock<std::mutex> &lock);
};

/// Host threads to use besides the main one: `requested` - 1 if non-zero,
/// else one less than the cores this process may run on.
int mathWorkers(unsigned requested);

} // namespace tessel::rt

#endif
