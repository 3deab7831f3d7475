//===- Trace.cpp - Chrome trace event JSON --------------------------------===//
#include "tessel/runtime/Trace.h"

#include "JsonWriter.h"

#include <cstdio>
#include <set>

namespace tessel::rt {

void TraceLog::add(int32_t pid, int32_t tid, int64_t start, int64_t duration,
                   const std::string &name, bool mergeable) {
  // Merge with this track's latest span (search back a little: the three
  // threads of a core interleave in the log).
  if (mergeable)
    for (size_t i = events.size(), seen = 0; i > 0 && seen < 8; --i, ++seen) {
      TraceEvent &e = events[i - 1];
      if (e.pid != pid || e.tid != tid)
        continue;
      if (e.name == name && e.start + e.duration == start) {
        e.duration += duration;
        return;
      }
      break;
    }
  if (events.size() >= maxEvents) {
    truncated = true;
    return;
  }
  events.push_back({pid, tid, start, duration, name});
}

namespace {
// Chrome traces count in microseconds; three decimals keep single cycles
// apart at GHz clocks.
std::string micros(int64_t cycles, int64_t mhz) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", double(cycles) / double(mhz ? mhz : 1));
  return buf;
}
} // namespace

std::string traceToJson(const TraceLog &log) {
  static const char *const kThreads[] = {"reader", "compute", "writer", "packer"};
  std::string s = "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";
  std::set<int32_t> pids;
  for (const TraceEvent &e : log.events)
    pids.insert(e.pid);
  bool first = true;
  auto emit = [&](const std::string &ev) {
    s += (first ? "" : ",\n") + ev;
    first = false;
  };
  for (int32_t pid : pids) {
    std::string name = pid == kHostTracePid ? "host ops" : "dispatches";
    if (pid > 0 && log.gridX > 0)
      name = "core (" + std::to_string((pid - 1) % log.gridX) + "," +
             std::to_string((pid - 1) / log.gridX) + ")";
    emit("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" + std::to_string(pid) +
         ",\"args\":{\"name\":" + jsonString(name) + "}}");
    emit("{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":" +
         std::to_string(pid) + ",\"args\":{\"sort_index\":" + std::to_string(pid) + "}}");
    if (pid <= 0)
      continue;
    for (int tid = 0; tid <= kPackerTraceThread; ++tid)
      emit("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" + std::to_string(pid) +
           ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"name\":\"" +
           kThreads[tid] + "\"}}");
  }
  for (const TraceEvent &e : log.events)
    emit("{\"ph\":\"X\",\"name\":" + jsonString(e.name) + ",\"pid\":" +
         std::to_string(e.pid) + ",\"tid\":" + std::to_string(e.tid) +
         ",\"ts\":" + micros(e.start, log.clockMhz) +
         ",\"dur\":" + micros(e.duration, log.clockMhz) + "}");
  s += "\n]";
  if (log.truncated)
    s += ", \"otherData\": {\"truncated\": \"event limit reached\"}";
  return s + "}\n";
}

} // namespace tessel::rt
