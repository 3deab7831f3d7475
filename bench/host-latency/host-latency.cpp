//===- host-latency.cpp - A cache line's round trip between two host threads ===//
//
// tt-run's threads hand work to one another through shared memory, so how much a second thread
// gains depends on how long a cache line takes to go from one host processor to the other and
// back. On a virtual machine that changes with where the host places the processors: this
// project's machine measured 180 ns in some hours and 480 ns in others, and ResNet-50 at batch 1
// gained 1.7-1.8x from a second thread in the first and 1.4-1.5x in the second. bench/run.py
// prints it beside its scaling column.
//
// Two threads pass a counter back and forth; prints the median round trip of five rounds, in
// nanoseconds.
//
//===----------------------------------------------------------------------===//
#include "MathLanes.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr long kTrips = 100000;

const char *const kUsage = R"(usage: host-latency

Prints the median time, in nanoseconds, that a cache line takes to go from one
host thread to another and back: five rounds of 100,000 trips of a counter
between two threads. Prints "-" where this process may run on one processor only.
)";

double roundTripNs() {
  alignas(64) std::atomic<long> ball{0};
  std::thread other([&] {
    for (long i = 1; i <= kTrips; ++i) {
      while (ball.load(std::memory_order_acquire) != 2 * i - 1) {
      }
      ball.store(2 * i, std::memory_order_release);
    }
  });
  auto start = std::chrono::steady_clock::now();
  for (long i = 1; i <= kTrips; ++i) {
    ball.store(2 * i - 1, std::memory_order_release);
    while (ball.load(std::memory_order_acquire) != 2 * i) {
    }
  }
  auto end = std::chrono::steady_clock::now();
  other.join();
  return std::chrono::duration<double, std::nano>(end - start).count() / kTrips;
}

} // namespace

int main(int argc, char **argv) {
  bool help =
      argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h");
  if (argc > 1) {
    std::fputs(kUsage, help ? stdout : stderr);
    return help ? 0 : 2;
  }
  // On one processor each trip would wait for the system to switch threads; tt-run then has
  // no worker thread either.
  if (tessel::rt::mathWorkers(0) == 0) {
    std::puts("-");
    return 0;
  }
  std::vector<double> rounds;
  for (int i = 0; i < 5; ++i)
    rounds.push_back(roundTripNs());
  std::sort(rounds.begin(), rounds.end());
  std::printf("%.0f\n", rounds[rounds.size() / 2]);
  return 0;
}
