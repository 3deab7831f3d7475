// tt-hoist-constant-reads: a data-movement kernel's leading reads of constants go before a
// noc.wait_go, so that they travel while the barrier before a joined dispatch does.
#include "tessel/Transforms/Passes.h"

#include "Graph/GraphOps.h"
#include "Grid/GridOps.h"
#include "NoC/NoCOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

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
      if (kernel.getThread() == noc::ThreadKind::compute || kernel.getWaitGo())
        continue;
      int64_t reads = 0;
      Operation *first = nullptr; // the first op that must wait for the go
      auto constant = [&](Value buffer) { return isConstantInput(dispatch, buffer); };
      for (Operation &op : body)
        if (!noc::runsBeforeGo(op, constant, reads)) {
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
