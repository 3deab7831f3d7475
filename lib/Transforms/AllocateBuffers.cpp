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

struct AllocateBuffersPass : tessel::impl::AllocateBuffersBase<AllocateBuffersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<rt::ChipDesc> chip = getChipDesc(module);
    if (failed(chip))
      return signalPassFailure();
    Builder b(&getContext());

    // DRAM: a bump allocator; every tensor of the model lives for the whole run for now.
    int64_t next = 0;
    auto place = [&](Value v, Operation *anchor) -> FailureOr<int64_t> {
      auto type = cast<RankedTensorType>(v.getType());
      if (!grid::getLayout(type))
        return anchor->emitError("tensor has no #grid.layout; run tt-assign-layouts first");
      int64_t addr = next;
      next = llvm::alignTo(next + bytesPerChannel(type, *chip), 64);
      if (next > chip->dramChannelBytes)
        return anchor->emitError() << "model needs " << next << " bytes per DRAM channel but "
                                   << chip->name << " has " << chip->dramChannelBytes;
      return addr;
    };
    WalkResult result = module.walk<WalkOrder::PreOrder>([&](Operation *op) -> WalkResult {
      if (auto func = dyn_cast<func::FuncOp>(op)) {
        for (BlockArgument arg : func.getArguments()) {
          FailureOr<int64_t> addr = place(arg, func);
          if (failed(addr))
            return WalkResult::interrupt();
          func.setArgAttr(arg.getArgNumber(), "grid.address", b.getI64IntegerAttr(*addr));
        }
        return WalkResult::advance();
      }
      if (isa<graph::ConstantOp, grid::EmptyOp>(op)) {
        FailureOr<int64_t> addr = place(op->getResult(0), op);
        if (failed(addr))
          return WalkResult::interrupt();
        op->setAttr(isa<grid::EmptyOp>(op) ? "address" : "grid.address",
                    b.getI64IntegerAttr(*addr));
        return WalkResult::advance();
      }
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
