//===- CircularBuffer.h - One core's circular buffer in L1 ----------------===//
//
// A ring of `numTiles` slots with tt-metal semantics. Each slot remembers when
// it was last published (push) and freed (pop), so a thread that waits for it
// resumes at the time the other side made it available.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_CIRCULARBUFFER_H
#define TESSEL_RUNTIME_LIB_CIRCULARBUFFER_H

#include "tessel/runtime/Formats.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace tessel::rt {

/// Where a slot's tile came from, when a NoC read filled it whole from memory that nothing
/// writes during the dispatch: a tile of floats, or one packed in `format`. Neither: unknown.
struct SlotOrigin {
  const float *values = nullptr;
  const uint8_t *packed = nullptr;
  DataFormat format = DataFormat::Float32;
  explicit operator bool() const { return values || packed; }
};

/// What the simulator tracks of one slot of a circular buffer, besides its tile.
struct CbSlot {
  int64_t readyTime = 0, freeTime = 0; // last published (push) and freed (pop)
  uint64_t job = 0;                    // CircularBuffer::lastJob
  std::vector<std::pair<int, uint64_t>> readers; // CircularBuffer::foreignReaders
  SlotOrigin origin;
  bool untouched = true; // holds whatever the slot's memory held before: zeroed on first use
};

class CircularBuffer {
public:
  /// `storage`: numTiles tiles the buffer uses but does not own, whatever they hold; `slots`:
  /// numTiles slot states it resets and uses but does not own. Every dispatch's buffers take
  /// both over from the one before (ChipState::cbTiles and cbSlots), so that setting a
  /// dispatch's hundreds of buffers up allocates nothing.
  CircularBuffer(uint32_t id, DataFormat format, int numTiles, float *storage, CbSlot *slots);

  uint32_t id() const { return cbId; }
  DataFormat format() const { return fmt; }
  int capacity() const { return numTiles; }
  int published() const { return occupied; }
  int freeSlots() const { return numTiles - occupied; }

  /// Latest time at which the next `n` write slots were freed.
  int64_t freedAt(int n) const;
  /// Latest time at which the next `n` readable tiles were published.
  int64_t publishedAt(int n) const;
  void push(int n, int64_t time);
  void pop(int n, int64_t time);
  /// When the core's packer finishes the last tile packed into the buffer (0: none): the
  /// packer works beside the math, so the tiles it writes are ready only then.
  int64_t packedAt() const { return packed; }
  void packedUntil(int64_t time) { packed = time; }

  /// Slot `rel` after the write pointer (producer side); nullptr when it is
  /// not a free slot, i.e. writing it would clobber unconsumed data. `whole`:
  /// the caller overwrites all of it, so what it held does not matter.
  float *writeSlot(int64_t rel, bool whole = false) {
    if (rel < 0 || rel >= freeSlots())
      return nullptr;
    return slot(wrap(writePtr + rel), whole);
  }
  /// Slot `rel` after the read pointer (consumer side); nullptr when it is
  /// not a published tile.
  const float *readSlot(int64_t rel) {
    if (rel < 0 || rel >= occupied)
      return nullptr;
    return slot(wrap(readPtr + rel), false);
  }
  /// The last lane job (MathLanes.h) that reads or writes the slot at `slot`, a pointer
  /// readSlot or writeSlot returned.
  uint64_t &lastJob(const float *slot) { return slotOf(slot).job; }
  /// Jobs of other cores' lanes that read the slot at `slot` (multicast copies out of it), as
  /// (lane, job): nothing may write the slot before they have run.
  std::vector<std::pair<int, uint64_t>> &foreignReaders(const float *slot) {
    return slotOf(slot).readers;
  }

  /// What the slot at `slot` holds, if it is a tile of memory nothing writes during the
  /// dispatch (and nothing wrote the slot since): whoever writes a slot sets or clears it. A
  /// multicast out of the slot may then copy from there, with no need for the slot's data.
  SlotOrigin &origin(const float *slot) { return slotOf(slot).origin; }

private:
  uint32_t cbId;
  DataFormat fmt;
  int numTiles;
  int readPtr = 0, writePtr = 0, occupied = 0;
  int64_t packed = 0;
  // A slot holds zeros until written. Slots are zeroed when first used, and not at all when
  // first written whole: most never need it.
  float *data;
  CbSlot *slots;

  CbSlot &slotOf(const float *slot) { return slots[size_t(slot - data) / size_t(kTileElems)]; }

  /// A ring pointer plus an offset below the ring's size, wrapped without a division: every NoC
  /// request and tile op asks for a slot.
  int64_t wrap(int64_t index) const { return index >= numTiles ? index - numTiles : index; }
  float *slot(int64_t index, bool whole) {
    float *p = data + index * kTileElems;
    if (slots[index].untouched)
      firstUse(index, whole);
    return p;
  }
  void firstUse(int64_t index, bool whole);
};

} // namespace tessel::rt

#endif
