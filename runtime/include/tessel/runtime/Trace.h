//===- Trace.h - Chrome trace of a simulated run --------------------------===//
//
// One track per core thread (pid = core, tid = reader/compute/writer) plus a
// "dispatches" track and, after the chip, a "host ops" track. Timestamps are cycles, written as microseconds at the
// chip clock, so Perfetto shows real time.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_TRACE_H
#define TESSEL_RUNTIME_TRACE_H

#include <cstdint>
#include <string>
#include <vector>

namespace tessel::rt {

/// The track of the ops the runtime runs on the host; their spans are host time at the chip's clock.
constexpr int32_t kHostTracePid = -1;
/// A core's track of its packer, which packs beside the compute thread.
constexpr int32_t kPackerTraceThread = 3;

struct TraceEvent {
  int32_t pid;  // 0: dispatches; 1 + y * gridX + x: core (x, y); kHostTracePid: host ops
  int32_t tid;  // 0 reader, 1 compute, 2 writer, 3 packer (0 on the dispatch track)
  int64_t start, duration; // cycles
  std::string name;
};

struct TraceLog {
  /// Recording stops (and `truncated` is set) past this many events, so a
  /// long run cannot exhaust memory.
  size_t maxEvents = 2'000'000;
  bool truncated = false;
  std::vector<TraceEvent> events;
  int gridX = 0, gridY = 0;
  int64_t clockMhz = 1000;

  /// Appends a span, merging it into the previous span of the same track when
  /// it has the same name and starts where that one ended (if `mergeable`).
  void add(int32_t pid, int32_t tid, int64_t start, int64_t duration,
           const std::string &name, bool mergeable = true);
};

std::string traceToJson(const TraceLog &log);

} // namespace tessel::rt

#endif
