#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/Passes.h"

#include "NoC/NoCOps.h"
#include "tessel/runtime/Formats.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace tessel {
#define GEN_PASS_DEF_ALLOCATEBUFFERS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

/// Bytes a tensor takes in each DRAM channel: its tiles are dealt round-robin to the channels.
static int64_t bytesPerChannel(RankedTensorType type, const rt::ChipDesc &chip) {
  std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
  auto format = static_cast<ttb::DataFormat>(grid::getLayout(type).getFormat());
  return rt::interleavedChannelBytes(rt::tiledShape(shape).tiles(), format, chip.dramChannels);
}

namespace {

/// The position in `func`'s body after which nothing reads `v` (the end for a returned value).
static int64_t lastRead(Value v, const llvm::DenseMap<Operation *, int64_t> &position,
                        int64_t end) {
  int64_t last = -1;
  for (Operation *user : v.getUsers()) {
    Operation *top = user;
    while (top && !position.count(top))
      top = top->getParentOp();
    if (!top || isa<func::ReturnOp>(top))
      return end;
    last = std::max(last, position.lookup(top));
  }
  return last;
}

/// First-fit over the buffers live at each grid.empty: a buffer is freed once the position of
/// its last reader has passed.
static LogicalResult
allocateTransient(func::FuncOp func, int64_t base,
                  function_ref<FailureOr<int64_t>(Value, Operation *)> sizeOf,
                  function_ref<LogicalResult(Operation *, int64_t)> check) {
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t n = 0;
  for (Operation &op : func.getBody().front())
    position[&op] = n++;
  struct Live {
    int64_t begin, end, lastUse;
  };
  std::vector<Live> live;
  Builder b(func.getContext());
  for (auto empty : func.getBody().front().getOps<grid::EmptyOp>()) {
    int64_t at = position.lookup(empty), last = at;
    for (OpOperand &use : empty->getUses()) {
      auto dispatch = dyn_cast<grid::DispatchOp>(use.getOwner());
      last = std::max(last, position.lookup(use.getOwner()));
      if (!dispatch)
        continue;
      unsigned k = use.getOperandNumber() - dispatch.getInputs().size();
      if (k < dispatch.getNumResults())
        last = std::max(last, lastRead(dispatch.getResult(k), position, n));
    }
    FailureOr<int64_t> size = sizeOf(empty.getResult(), empty);
    if (failed(size))
      return failure();
    llvm::erase_if(live, [&](const Live &l) { return l.lastUse < at; });
    llvm::sort(live, [](const Live &x, const Live &y) { return x.begin < y.begin; });
    int64_t addr = base;
    for (const Live &l : live) {
      if (l.begin - addr >= *size)
        break;
      addr = std::max(addr, l.end);
    }
    if (failed(check(empty, addr + *size)))
      return failure();
    live.push_back({addr, addr + *size, last});
    empty->setAttr("address", b.getI64IntegerAttr(addr));
  }
  return success();
}

struct AllocateBuffersPass : tessel::impl::AllocateBuffersBase<AllocateBuffersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<rt::ChipDesc> chip = getChipDesc(module);
    if (failed(chip))
      return signalPassFailure();
    Builder b(&getContext());

    // DRAM: inputs and constants live for the whole run, from address 0 up. Every other buffer
    // (a grid.empty that dispatches write) lives from its first writer to the last reader of
    // what they wrote, and takes the lowest gap that no buffer live at the same time holds.
    int64_t permanent = 0;
    auto check = [&](Operation *anchor, int64_t end) -> LogicalResult {
      if (end <= chip->dramChannelBytes)
        return success();
      return anchor->emitError() << "model needs " << end << " bytes per DRAM channel but "
                                 << chip->name << " has " << chip->dramChannelBytes;
    };
    auto sizeOf = [&](Value v, Operation *anchor) -> FailureOr<int64_t> {
      auto type = cast<RankedTensorType>(v.getType());
      if (!grid::getLayout(type))
        return anchor->emitError("tensor has no #grid.layout; run tt-assign-layouts first");
      return int64_t(llvm::alignTo(bytesPerChannel(type, *chip), 64));
    };
    auto placeForever = [&](Value v, Operation *anchor) -> FailureOr<int64_t> {
      FailureOr<int64_t> size = sizeOf(v, anchor);
      if (failed(size))
        return failure();
      int64_t addr = permanent;
      permanent += *size;
      if (failed(check(anchor, permanent)))
        return failure();
      return addr;
    };
    for (auto func : module.getOps<func::FuncOp>()) {
      for (BlockArgument arg : func.getArguments()) {
        FailureOr<int64_t> addr = placeForever(arg, func);
        if (failed(addr))
          return signalPassFailure();
        func.setArgAttr(arg.getArgNumber(), grid::kAddressAttrName, b.getI64IntegerAttr(*addr));
      }
      for (auto constant : func.getOps<graph::ConstantOp>()) {
        FailureOr<int64_t> addr = placeForever(constant, constant);
        if (failed(addr))
          return signalPassFailure();
        constant->setAttr(grid::kAddressAttrName, b.getI64IntegerAttr(*addr));
      }
      if (failed(allocateTransient(func, permanent, sizeOf, check)))
        return signalPassFailure();
    }

    WalkResult result = module.walk<WalkOrder::PreOrder>([&](Operation *op) -> WalkResult {
      if (auto dispatch = dyn_cast<grid::DispatchOp>(op)) {
        int64_t l1 = chip->l1ReservedBytes;
        for (auto cb : dispatch.getBody().front().getOps<noc::CBOp>()) {
          auto type = cast<noc::CircularBufferType>(cb.getType());
          cb.setL1AddressAttr(b.getI64IntegerAttr(l1));
          l1 += type.getNumTiles() * tile::tileBytes(type.getTileType().getFormat());
        }
        if (l1 > chip->l1Bytes) {
          dispatch.emitError() << "circular buffers need " << l1 - chip->l1ReservedBytes
                               << " bytes of L1 per core but " << chip->name << " has "
                               << chip->l1Bytes - chip->l1ReservedBytes << " free";
          return WalkResult::interrupt();
        }
        return WalkResult::skip();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
