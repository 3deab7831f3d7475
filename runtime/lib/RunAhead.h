//===- RunAhead.h - A thread's instructions, decoded ahead of the scheduler ===//
//
// Which instruction a kernel thread executes next, and the values of its index
// expressions, never depend on time: loop counts and indices are functions of
// the loop counters and the core's position. So each thread's stream of
// instructions can be worked out ahead of the scheduler, in chunks, on another
// host thread (the math lanes' pool): a chunk holds the next instructions'
// pcs and the values of their expression operands, in the order the
// instruction uses them. While the scheduler consumes one chunk, the decoder
// works on the next ones, up to kChunks - 1 ahead: the host thread that decodes
// also runs tile math, and a lead of several chunks lets it decode while the
// scheduler is busy and the scheduler go on while it runs math.
//
// Two instructions set a variable from data, which only the scheduler may
// read at its point in time: CB_LOAD_INDEX and CB_TILE_NONZERO. Decoding stops
// after one (the chunk is `parked`) and goes on once the scheduler has
// executed it and set the variable (`setVar`, then `resume`).
//
// A fault in an expression ends the stream: the faulting instruction's record
// holds the values before it, and the scheduler reports the fault when it asks
// for the missing one, at the same point as if it had evaluated it itself.
// Results are thus the same whichever host thread decodes, and whenever.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_RUNAHEAD_H
#define TESSEL_RUNTIME_LIB_RUNAHEAD_H

#include "ExprGraph.h"
#include "MathLanes.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace tessel::rt {

struct KernelProgram;

/// Allocates the words of decoded chunks: those of a chunk's first size from huge pages shared
/// by all streams (RunAhead.cpp). A dispatch's streams start with 4 MiB of chunks, which came
/// from the heap in 4 KiB pages at a page fault each, a fifth of all a run's.
struct ChunkWordsAllocator {
  using value_type = int64_t;
  template <typename U> struct rebind {
    using other = ChunkWordsAllocator;
  };
  int64_t *allocate(size_t n);
  void deallocate(int64_t *words, size_t n) noexcept;
  bool operator==(const ChunkWordsAllocator &) const { return true; }
  bool operator!=(const ChunkWordsAllocator &) const { return false; }
};
using ChunkWords = std::vector<int64_t, ChunkWordsAllocator>;

class RunAhead {
public:
  /// Instructions per chunk: large enough that handing chunks between host threads costs little,
  /// small enough that a dispatch's 192 threads' chunks stay in the host's caches.
  static constexpr int kChunkRecords = 128;
  /// No instruction has more than six expression operands (NOC_MCAST, NOC_READ_SPAN).
  static constexpr int kMaxValues = 6;
  /// A chunk's words, unless a NOC_READ_RUNS' requests need more.
  static constexpr size_t kChunkWords = size_t(kChunkRecords) * (1 + kMaxValues);
  /// The chunk being consumed and those decoded ahead of it.
  static constexpr int kChunks = 3;
  /// A record's header: where its count of loops before it starts, the flag of a record of
  /// loops alone, and the most loops one header holds.
  static constexpr int kLoopsShift = 41;
  static constexpr int64_t kLoopsOnly = int64_t(1) << 40, kMaxLoops = (int64_t(1) << 22) - 1;
  /// A NOC_READ_RUNS request whose slot, offsets, count and outside flag share one word, its
  /// tile the next (`packRequest`).
  static constexpr int64_t kPacked = int64_t(1) << 39;
  /// Where a packed request's values lie in its word, in `value`'s order (slot, dst_offset,
  /// count, outside, tile, src_offset): the tile has the next word to itself.
  static constexpr int kPackedTile = 4;
  static constexpr int kPackedShift[6] = {0, 16, 28, 41, 0, 42};
  static constexpr int kPackedBits[6] = {16, 12, 13, 1, 0, 12};

  RunAhead(const KernelProgram &program, MathLanes &pool);
  /// Hands its storage to the streams built after it.
  ~RunAhead();
  RunAhead(const RunAhead &) = delete;
  RunAhead &operator=(const RunAhead &) = delete;

  /// Sets a variable before `start`, or at a parked instruction.
  void setVar(size_t v, int64_t value) { exprs.setVar(v, value); }
  /// Decodes the first chunk on the calling thread, before `start`.
  void decodeFirst() {
    decoder.store(Running, std::memory_order_relaxed);
    decodeAhead(true);
    decoder.store(Idle, std::memory_order_release);
  }
  /// Starts decoding the next chunks on the pool.
  void start() { schedule(); }
  /// After a parked instruction has set its variable: decoding may go on.
  void resume();

  /// The next chunk of records, [first, last): each is the instruction's pc | n << 32 |
  /// packed << 39 | loops only << 40 | loops << 41, then the n values of its expression
  /// operands (`value`; packed: a NOC_READ_RUNS request's in two words, `packRequest`). Empty
  /// once the thread has no more. The scheduler counts down a record's loops as it runs them.
  std::pair<int64_t *, int64_t *> take();

  static size_t pcOf(const int64_t *record) { return size_t(record[0] & 0xffffffff); }
  static int numValues(const int64_t *record) { return int((record[0] >> 32) & 0x7f); }
  /// Value `k` of the record, `k` < numValues.
  static int64_t value(const int64_t *record, int k) {
    if (!(record[0] & kPacked))
      return record[1 + k];
    if (k == kPackedTile)
      return record[2];
    uint64_t word = uint64_t(record[1]);
    return int64_t((word >> kPackedShift[k]) & ((uint64_t(1) << kPackedBits[k]) - 1));
  }
  /// The record after `record`.
  template <typename T> static T *next(T *record) {
    int n = numValues(record);
    return record + 1 + (record[0] & kPacked ? (n > kPackedTile ? 2 : 1) : n);
  }
  /// The LOOPs and END_LOOPs before the record's instruction, whose branches the stream has
  /// taken: all that is left of each is its cycle. They are half of all instructions, and a
  /// record of their own crossed from the decoding host thread for each.
  static int64_t loopsBefore(const int64_t *record) { return record[0] >> kLoopsShift; }
  static void setLoopsBefore(int64_t *record, int64_t n) {
    record[0] = (record[0] & ((int64_t(1) << kLoopsShift) - 1)) | n << kLoopsShift;
  }
  /// A record of loops alone, where no instruction follows them in the chunk or the stream.
  static bool isLoopsOnly(const int64_t *record) { return record[0] & kLoopsOnly; }
  /// The fault that ended the stream at the last record taken, if it asks for a missing value.
  const std::string &fault() const { return current().fault; }

  /// Calls off a chunk not yet begun, or waits for the one being decoded. Before a stream goes,
  /// its owner quiesces it and then drains the pool, which may still hold its tasks.
  void quiesce();

private:
  struct Chunk {
    // The records take() describes; `used` words of them.
    ChunkWords words;
    size_t used = 0;
    bool end = false;    // the thread has no instruction after these
    bool parked = false; // the last one sets a variable from data
    std::string fault;
  };
  enum DecoderState : int { Idle, Queued, Running };

  const KernelProgram &program;
  MathLanes &pool;
  // The decoder's: whoever holds `decoder` at Running (a task on the pool, or the scheduler).
  ExprState exprs;
  /// decodeReadRuns' trends of each run of a row: whether it is outside, its tile and its
  /// source offset.
  struct RunTrends {
    ExprState::Trend outside, tile, src;
  };
  std::vector<RunTrends> pieces;
  struct Loop {
    int var;
    int64_t count;
    size_t body;
    int64_t iteration;
  };
  std::vector<Loop> loops;

public:
  /// What a stream allocates: its expressions' state, its decoder's stacks and its chunks'
  /// words.
  struct Storage {
    ExprState exprs;
    std::vector<RunTrends> pieces;
    std::vector<Loop> loops;
    ChunkWords words[kChunks];
  };

private:
  int64_t loopsPending = 0; // decoded, for the next record
  size_t pc = 0; // of the next instruction to decode
  // The last chunk decoded ends the thread or parks it: nothing more to decode until `resume`.
  // Ordered by `decoded` and `decoder`.
  std::atomic<bool> stopped{false};

  // Chunk n lives in chunks[n % kChunks]. The decoder writes chunk `decoded` while fewer than
  // kChunks chunks from the current one (`taken` - 1) on are decoded, and then publishes it.
  Chunk chunks[kChunks];
  std::atomic<uint64_t> decoded{0};
  std::atomic<uint64_t> taken{0}; // written by the scheduler only
  std::atomic<int> decoder{Idle};
  std::atomic<bool> awaited{false}; // the scheduler waits for a chunk

  const Chunk &current() const {
    return chunks[(taken.load(std::memory_order_relaxed) - 1) % kChunks];
  }
  bool roomAhead() const {
    return decoded.load(std::memory_order_relaxed) + 1 <
           taken.load(std::memory_order_acquire) + kChunks;
  }
  void decode(Chunk &c);
  /// Decodes NOC_READ_RUNS (operands `w`) at `pc` into a record per request at `out` (runs
  /// whose sources follow each other joined); returns the records written. On a fault
  /// `c.fault` says why and the last record holds no values.
  int decodeReadRuns(const int32_t *w, int64_t *&out, Chunk &c);
  /// Packs request record `r` (NOC_READ_SPAN's values) where its values fit; returns its words.
  static int packRequest(int64_t *r);
  /// Decodes chunks while there is room (one at least), holding `decoder` at Running.
  void decodeAhead(bool justOne);
  void schedule();
  static void task(void *self);
};

} // namespace tessel::rt

#endif
