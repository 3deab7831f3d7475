#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/Passes.h"

#include "NoC/NoCOps.h"
#include "tessel/runtime/Formats.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <functional>

namespace tessel {
#define GEN_PASS_DEF_ALLOCATEBUFFERS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

/// A tensor dispatches write: it lives from its grid.empty to the last reader of what they wrote.
struct Transient {
  grid::EmptyOp empty;
  int64_t at, last;
  /// Only dispatches touch it and the host never sees it: it may live in L1.
  bool onChipOnly = true;
};

/// Every grid.empty of `func` in order, with its live range in positions of the body's ops.
std::vector<Transient> transients(func::FuncOp func,
                                  const llvm::DenseMap<Operation *, int64_t> &position,
                                  int64_t end) {
  std::vector<Transient> out;
  for (auto empty : func.getBody().front().getOps<grid::EmptyOp>()) {
    Transient t{empty, position.lookup(empty), position.lookup(empty)};
    auto reader = [&](Operation *user) {
      Operation *top = user;
      while (top && !position.count(top))
        top = top->getParentOp();
      if (!top || !isa<grid::DispatchOp>(top))
        t.onChipOnly = false;
      t.last = !top || isa<func::ReturnOp>(top) ? end : std::max(t.last, position.lookup(top));
    };
    // The buffer is every dispatch result tied to it, in turn: a dispatch may write into what
    // another wrote there (a matmul over its residual).
    SmallVector<Value> names{empty.getResult()};
    while (!names.empty()) {
      Value name = names.pop_back_val();
      for (OpOperand &use : name.getUses()) {
        reader(use.getOwner());
        auto dispatch = dyn_cast<grid::DispatchOp>(use.getOwner());
        unsigned inputs = dispatch ? dispatch.getInputs().size() : 0;
        if (dispatch && use.getOperandNumber() >= inputs &&
            use.getOperandNumber() - inputs < dispatch.getNumResults())
          names.push_back(dispatch.getResult(use.getOperandNumber() - inputs));
      }
    }
    out.push_back(t);
  }
  return out;
}

/// Gives `root` (a grid.empty's result) `type`, and with it every value that names the same
/// buffer: the block arguments of the dispatches it is bound to and the results tied to it.
void retypeBuffer(Value root, Type type) {
  SmallVector<Value> work{root};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (v.getType() == type)
      continue;
    v.setType(type);
    for (OpOperand &use : v.getUses()) {
      auto dispatch = dyn_cast<grid::DispatchOp>(use.getOwner());
      if (!dispatch)
        continue;
      unsigned n = use.getOperandNumber();
      work.push_back(dispatch.getBody().getArgument(n));
      unsigned inputs = dispatch.getInputs().size();
      if (n >= inputs && n - inputs < dispatch.getNumResults())
        work.push_back(dispatch.getResult(n - inputs));
    }
  }
}

/// A placed range of bytes, busy during a range of positions.
struct Placement {
  int64_t begin, end, from, to;
  bool overlapsInTime(int64_t a, int64_t b) const { return from <= b && a <= to; }
};

/// The placements live at some time during [from, to].
SmallVector<Placement> liveDuring(ArrayRef<Placement> placed, int64_t from, int64_t to) {
  SmallVector<Placement> out;
  for (const Placement &p : placed)
    if (p.overlapsInTime(from, to))
      out.push_back(p);
  return out;
}

/// The highest address in [floor, ceiling - size] at which `size` bytes overlap none of the
/// placements live during [from, to], or nothing.
std::optional<int64_t> highestFit(ArrayRef<Placement> placed, int64_t from, int64_t to,
                                  int64_t size, int64_t floor, int64_t ceiling) {
  SmallVector<Placement> conflicts = liveDuring(placed, from, to);
  // Walking down by decreasing begin, a candidate moved below one placement is below every
  // placement seen before it.
  llvm::sort(conflicts, [](const Placement &x, const Placement &y) { return x.begin > y.begin; });
  int64_t addr = llvm::alignDown(ceiling - size, 64);
  for (const Placement &p : conflicts)
    if (p.begin < addr + size && addr < p.end)
      addr = llvm::alignDown(p.begin - size, 64);
  if (addr < floor)
    return std::nullopt;
  return addr;
}

/// The lowest address from `base` at which `size` bytes overlap none of the placements live
/// during [from, to].
int64_t lowestFit(ArrayRef<Placement> placed, int64_t from, int64_t to, int64_t size,
                  int64_t base) {
  SmallVector<Placement> conflicts = liveDuring(placed, from, to);
  llvm::sort(conflicts, [](const Placement &x, const Placement &y) { return x.begin < y.begin; });
  int64_t addr = base;
  for (const Placement &p : conflicts) {
    if (p.begin - addr >= size)
      break;
    addr = std::max(addr, p.end);
  }
  return addr;
}

struct AllocateBuffersPass : tessel::impl::AllocateBuffersBase<AllocateBuffersPass> {

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<rt::ChipDesc> chip = getChipDesc(module);
    if (failed(chip))
      return signalPassFailure();
    for (auto func : module.getOps<func::FuncOp>())
      if (failed(allocate(func, *chip)))
        return signalPassFailure();
  }

  LogicalResult allocate(func::FuncOp func, const rt::ChipDesc &chip) {
    Builder b(&getContext());
    llvm::DenseMap<Operation *, int64_t> position;
    int64_t end = 0;
    for (Operation &op : func.getBody().front())
      position[&op] = end++;

    // L1: every dispatch's circular buffers from the reserved L1 up.
    std::vector<int64_t> cbEnd(size_t(end), chip.l1ReservedBytes);
    WalkResult walked = func.walk<WalkOrder::PreOrder>([&](grid::DispatchOp dispatch) {
      int64_t l1 = chip.l1ReservedBytes;
      for (auto cb : dispatch.getBody().front().getOps<noc::CBOp>()) {
        auto type = cast<noc::CircularBufferType>(cb.getType());
        cb.setL1AddressAttr(b.getI64IntegerAttr(l1));
        l1 += type.getNumTiles() * tile::tileBytes(type.getTileType().getFormat());
      }
      if (l1 > chip.l1Bytes) {
        dispatch.emitError() << "circular buffers need " << l1 - chip.l1ReservedBytes
                             << " bytes of L1 per core but " << chip.name << " has "
                             << chip.l1Bytes - chip.l1ReservedBytes << " free";
        return WalkResult::interrupt();
      }
      if (position.count(dispatch))
        cbEnd[size_t(position.lookup(dispatch))] = l1;
      return WalkResult::skip();
    });
    if (walked.wasInterrupted())
      return failure();
    for (BlockArgument arg : func.getArguments())
      if (!grid::getLayout(arg.getType()))
        return func.emitError("tensor has no #grid.layout; run tt-assign-layouts first");
    for (auto empty : func.getBody().front().getOps<grid::EmptyOp>())
      if (!grid::getLayout(empty.getType()))
        return empty.emitError("tensor has no #grid.layout; run tt-assign-layouts first");

    // L1 above the circular buffers: the tensors tt-choose-op-configs kept there, interleaved
    // over every core, clear of the circular buffers of every dispatch of their live range and
    // of the other L1 tensors live meanwhile, from the top of L1 down. One that the circular
    // buffers the lowering built leave no room for goes to DRAM after all: kernels name a
    // buffer, not where it is.
    std::vector<Transient> live = transients(func, position, end);
    // Each tensor planned for L1, with its size per core and the top of the circular buffers
    // of its live range, which it must stay above.
    struct Candidate {
      Transient *t;
      int64_t size, floor;
    };
    std::vector<Candidate> candidates;
    for (Transient &t : live)
      if (grid::getLayout(t.empty.getType()).getMemory() == grid::MemorySpace::l1)
        candidates.push_back(
            {&t, l1BytesPerCore(t.empty.getType(), chip.gridX * chip.gridY),
             *std::max_element(cbEnd.begin() + t.at, cbEnd.begin() + t.last + 1)});
    // Packing tensors that keep one address for their whole lives has no best order: try the
    // few that matter (least room first, largest first, longest-lived first, program order),
    // each placing every tensor as high as it fits or as low as its circular buffers allow
    // (leaving the top to tensors beside larger ones), and keep the packing that leaves the
    // fewest bytes to DRAM.
    using Order = std::function<bool(const Candidate &, const Candidate &)>;
    Order orders[] = {
        [](const Candidate &x, const Candidate &y) {
          return std::make_pair(x.floor, x.size) > std::make_pair(y.floor, y.size);
        },
        [](const Candidate &x, const Candidate &y) { return x.size > y.size; },
        [](const Candidate &x, const Candidate &y) {
          return std::make_pair(x.size, x.floor) > std::make_pair(y.size, y.floor);
        },
        [](const Candidate &x, const Candidate &y) {
          return x.t->last - x.t->at > y.t->last - y.t->at;
        },
        [](const Candidate &, const Candidate &) { return false; }};
    llvm::DenseMap<Operation *, int64_t> inL1;
    int64_t bestLeft = -1;
    for (bool fromTop : {true, false})
      for (const Order &order : orders) {
        std::vector<Candidate> sorted = candidates;
        std::stable_sort(sorted.begin(), sorted.end(), order);
        std::vector<Placement> placed;
        llvm::DenseMap<Operation *, int64_t> addresses;
        int64_t left = 0;
        for (const Candidate &c : sorted) {
          const Transient &t = *c.t;
          std::optional<int64_t> addr;
          if (t.onChipOnly && fromTop)
            addr = highestFit(placed, t.at, t.last, c.size, c.floor, chip.l1Bytes);
          if (t.onChipOnly && !fromTop) {
            int64_t low = lowestFit(placed, t.at, t.last, c.size, llvm::alignTo(c.floor, 64));
            if (low + c.size <= chip.l1Bytes)
              addr = low;
          }
          if (!addr) {
            left += c.size;
            continue;
          }
          placed.push_back({*addr, *addr + c.size, t.at, t.last});
          addresses[t.empty] = *addr;
        }
        if (bestLeft < 0 || left < bestLeft) {
          bestLeft = left;
          inL1 = std::move(addresses);
        }
      }
    // A dispatch whose kernels read constants before the go (noc.wait_go) fills its circular
    // buffers on a core as soon as that core has ended the dispatch before, whose other cores
    // may still read the L1 tensors it read: where one of those lies below this dispatch's
    // circular buffers' top, its kernels wait for the go at their start after all.
    int64_t before = -1;
    for (auto dispatch : func.getBody().front().getOps<grid::DispatchOp>()) {
      int64_t at = position.lookup(dispatch);
      SmallVector<noc::WaitGoOp> gos;
      for (auto kernel : dispatch.getBody().front().getOps<noc::KernelOp>())
        if (noc::WaitGoOp go = kernel.getWaitGo())
          gos.push_back(go);
      bool overlaps = !gos.empty() && before >= 0 &&
                      llvm::any_of(candidates, [&](const Candidate &c) {
                        auto it = inL1.find(c.t->empty);
                        return it != inL1.end() && c.t->at <= before && before <= c.t->last &&
                               it->second < cbEnd[size_t(at)];
                      });
      if (overlaps) {
        for (noc::WaitGoOp go : gos)
          go.erase();
        ++numWaitsAtStart;
      }
      before = at;
    }
    for (const Candidate &c : candidates) {
      grid::EmptyOp empty = c.t->empty;
      if (!inL1.count(empty)) {
        retypeBuffer(empty.getResult(), withMemory(empty.getType(), grid::MemorySpace::dram));
        ++numMovedToDram;
        continue;
      }
      ++numInL1;
      empty->setAttr("address", b.getI64IntegerAttr(inL1.lookup(empty)));
    }

    // DRAM: arguments and constants for the whole run from address 0 up, then every other
    // tensor in the lowest gap that no tensor live at the same time holds, so buffers are reused.
    int64_t permanent = 0;
    auto place = [&](Operation *anchor, int64_t addr, int64_t size) -> LogicalResult {
      if (addr + size <= chip.dramChannelBytes)
        return success();
      return anchor->emitError() << "model needs " << addr + size
                                 << " bytes per DRAM channel but " << chip.name << " has "
                                 << chip.dramChannelBytes;
    };
    for (BlockArgument arg : func.getArguments()) {
      int64_t size = interleavedBytes(cast<RankedTensorType>(arg.getType()), chip.dramChannels);
      if (failed(place(func, permanent, size)))
        return failure();
      func.setArgAttr(arg.getArgNumber(), grid::kAddressAttrName, b.getI64IntegerAttr(permanent));
      permanent += size;
    }
    for (auto constant : func.getOps<graph::ConstantOp>()) {
      auto type = dyn_cast<RankedTensorType>(constant.getType());
      if (!type || !grid::getLayout(type))
        return constant.emitError("tensor has no #grid.layout; run tt-assign-layouts first");
      int64_t size = interleavedBytes(type, chip.dramChannels);
      if (failed(place(constant, permanent, size)))
        return failure();
      constant->setAttr(grid::kAddressAttrName, b.getI64IntegerAttr(permanent));
      permanent += size;
    }
    std::vector<Placement> inDram;
    for (Transient &t : live) {
      if (inL1.count(t.empty))
        continue;
      int64_t size = interleavedBytes(cast<RankedTensorType>(t.empty.getType()), chip.dramChannels);
      int64_t addr = lowestFit(inDram, t.at, t.last, size, permanent);
      if (failed(place(t.empty, addr, size)))
        return failure();
      inDram.push_back({addr, addr + size, t.at, t.last});
      t.empty->setAttr("address", b.getI64IntegerAttr(addr));
    }
    return success();
  }
};

} // namespace
