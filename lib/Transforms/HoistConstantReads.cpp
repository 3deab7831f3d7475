// tt-hoist-constant-reads: a data-movement kernel's leading reads of constants go before a
// noc.wait_go, so that they travel while the barrier before a joined dispatch does.
#include "tessel/Transforms/Passes.h"

#include "Graph/GraphOps.h"
#include "Grid/GridOps.h"
#include "NoC/NoCOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/TypeSwitch.h"

namespace tessel {
#define GEN_PASS_DEF_HOISTCONSTANTREADS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

/// Whether `buffer`, a block argument of `dispatch`'s region, is an input a graph.constant
/// defines: no dispatch writes it.
bool isConstantInput(grid::DispatchOp dispatch, Value buffer) {
  auto arg = dyn_cast<BlockArgument>(buffer);
  if (!arg || arg.getOwner()->getParentOp() != dispatch.getOperation() ||
      arg.getArgNumber() >= dispatch.getInputs().size())
    return false;
  return dispatch.getInputs()[arg.getArgNumber()].getDefiningOp<graph::ConstantOp>() != nullptr;
}

/// Whether `op` may run before the go: it touches only the kernel's own circular buffers and
/// reads constants. `reads` counts the reads of constants it holds.
bool runsBeforeGo(grid::DispatchOp dispatch, Operation &op, int64_t &reads) {
  if (isa<noc::CBReserveOp, noc::CBPushOp, noc::BarrierOp, grid::CoreIndexOp, affine::AffineApplyOp,
          arith::ConstantOp>(op))
    return true;
  Value source = llvm::TypeSwitch<Operation *, Value>(&op)
                     .Case<noc::ReadOp, noc::ReadSpanOp>([](auto read) { return read.getBuffer(); })
                     .Default([](Operation *) { return Value(); });
  if (source) {
    if (!isConstantInput(dispatch, source))
      return false;
    ++reads;
    return true;
  }
  if (auto loop = dyn_cast<scf::ForOp>(op))
    return llvm::all_of(loop.getBody()->without_terminator(),
                        [&](Operation &inner) { return runsBeforeGo(dispatch, inner, reads); });
  return false;
}

struct HoistConstantReadsPass : tessel::impl::HoistConstantReadsBase<HoistConstantReadsPass> {
  void runOnOperation() override {
    getOperation().walk([&](func::FuncOp func) {
      // A function's first dispatch starts a program: no barrier comes before it.
      for (auto dispatch : llvm::drop_begin(func.getBody().front().getOps<grid::DispatchOp>()))
        hoist(dispatch);
    });
  }

  void hoist(grid::DispatchOp dispatch) {
    for (auto kernel : dispatch.getBody().getOps<noc::KernelOp>()) {
      Block &body = kernel.getBody().front();
      if (kernel.getThread() == noc::ThreadKind::compute || !body.getOps<noc::WaitGoOp>().empty())
        continue;
      int64_t reads = 0;
      Operation *first = nullptr; // the first op that must wait for the go
      for (Operation &op : body)
        if (!runsBeforeGo(dispatch, op, reads)) {
          first = &op;
          break;
        }
      if (reads == 0)
        continue;
      // A kernel of nothing but reads of constants waits for the go at its end.
      OpBuilder b = first ? OpBuilder(first) : OpBuilder::atBlockEnd(&body);
      b.create<noc::WaitGoOp>(kernel.getLoc());
      ++numKernels;
    }
  }
};

} // namespace
