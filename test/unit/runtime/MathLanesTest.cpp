// The math lanes' hand-over: every lane's jobs run in the order submitted, each exactly once,
// whatever the number of workers, through the rings' wrap-around and the submitter's waits.
#include "MathLanes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

using namespace tessel::rt;

namespace {
// A lane's jobs: the even ones pass a 1 along a chain of values, each from the value the job
// before set, and the odd ones add ones to a tile (a matmul with the identity: slow enough
// that the submitter fills the rings). A job run out of order or lost breaks the chain; one
// lost or run twice changes the sum.
struct LaneData {
  std::vector<float> chain;
  std::vector<float> sum = std::vector<float>(kTileElems, 0.0f);
  explicit LaneData(uint64_t jobs) : chain(jobs / 2 + 2, 0.0f) { chain[0] = 1; }
};

struct Operands {
  std::vector<float> ones = std::vector<float>(kTileElems, 1.0f);
  std::vector<float> identity = std::vector<float>(kTileElems, 0.0f);
  Operands() {
    for (int64_t i = 0; i < kTileDim; ++i)
      identity[size_t(i * kTileDim + i)] = 1;
  }
};

TileJob jobFor(uint64_t k, LaneData &data, const Operands &operands) {
  TileJob j;
  if (k % 2 == 0) {
    j.op = Op::NocRead;
    j.a = &data.chain[k / 2];
    j.d = &data.chain[k / 2 + 1];
    j.rows = 1;
  } else {
    j.op = Op::Matmul;
    j.a = operands.ones.data();
    j.b = operands.identity.data();
    j.d = data.sum.data();
  }
  return j;
}

// What the jobs before job `k` leave.
void expectRan(const LaneData &data, uint64_t k, const std::string &where) {
  for (uint64_t i = 0; i <= (k + 1) / 2; ++i)
    ASSERT_EQ(data.chain[i], 1.0f) << where << ", chain value " << i;
  ASSERT_EQ(data.chain[(k + 1) / 2 + 1], 0.0f) << where;
  ASSERT_EQ(data.sum[0], float(k / 2)) << where;
  ASSERT_EQ(data.sum[kTileElems - 1], float(k / 2)) << where;
}
} // namespace

TEST(MathLanes, EveryLaneRunsItsJobsInOrderOnceWhateverTheWorkers) {
  Operands operands;
  constexpr int kLanes = 5;
  // Several laps of a lane's ring, and the submitter waiting for one lane now and then.
  constexpr uint64_t kJobs = 5000;
  for (int workers : {0, 1, 3}) {
    MathLanes lanes(kLanes, workers);
    std::vector<LaneData> data(kLanes, LaneData(kJobs));
    std::vector<uint64_t> submitted(kLanes, 0);
    for (uint64_t step = 0; step < kJobs; ++step)
      for (int lane = 0; lane < kLanes; ++lane) {
        // Lanes 1 and 3 get a burst of 20 jobs every 20 steps, so that they fall behind.
        if ((lane == 1 || lane == 3) && step % 20 != 0)
          continue;
        for (int burst = (lane == 1 || lane == 3) ? 20 : 1; burst > 0; --burst) {
          uint64_t &k = submitted[size_t(lane)];
          uint64_t number = lanes.submit(lane, jobFor(k, data[size_t(lane)], operands));
          ASSERT_EQ(number, ++k);
        }
        if (lane == 0 && step % 997 == 0) {
          lanes.waitFor(lane, submitted[0]);
          ASSERT_TRUE(lanes.ran(lane, submitted[0]));
          expectRan(data[0], submitted[0],
                    std::to_string(workers) + " workers, job " + std::to_string(submitted[0]));
        }
      }
    lanes.drainAll();
    for (int lane = 0; lane < kLanes; ++lane) {
      EXPECT_EQ(submitted[size_t(lane)], kJobs);
      expectRan(data[size_t(lane)], kJobs,
                std::to_string(workers) + " workers, lane " + std::to_string(lane));
    }
  }
}

TEST(MathLanes, PostedTasksRunOnceByTheTimeDrainAllReturns) {
  for (int workers : {0, 1, 3}) {
    MathLanes lanes(2, workers);
    std::atomic<int> ran{0};
    int ranHere = 0;
    MathLanes::Task task{[](void *p) { static_cast<std::atomic<int> *>(p)->fetch_add(1); }, &ran};
    for (int i = 0; i < 1000; ++i)
      if (!lanes.post(task)) {
        task.run(task.arg);
        ++ranHere;
      }
    lanes.drainAll();
    EXPECT_EQ(ran.load(), 1000) << workers << " workers";
    if (workers == 0)
      EXPECT_EQ(ranHere, 1000);
  }
}
