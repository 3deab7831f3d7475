#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/Passes.h"

#include "tessel/Target/KernelEncoder.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace tessel {
#define GEN_PASS_DEF_FORMPROGRAMS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

struct FormProgramsPass : tessel::impl::FormProgramsBase<FormProgramsPass> {
  using FormProgramsBase::FormProgramsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<rt::ChipDesc> chip = getChipDesc(module);
    if (failed(chip))
      return signalPassFailure();
    bool joining = join && chip->kernelConfigBytes > 0;
    for (auto func : module.getOps<func::FuncOp>()) {
      // Bytes of the open program's kernel configuration; < 0: none is open.
      int64_t programBytes = -1;
      for (auto dispatch : func.getOps<grid::DispatchOp>()) {
        FailureOr<rt::KernelConfigSize> size = target::kernelConfigSize(dispatch);
        if (failed(size))
          return signalPassFailure();
        int64_t bytes = size->bytes();
        // The cores must hold a dispatch's kernels, run-time arguments and CB configuration
        // whole: no program can be launched otherwise.
        if (chip->kernelConfigBytes > 0 && bytes > chip->kernelConfigBytes) {
          dispatch.emitError() << "the kernels of dispatch '" << dispatch.getOp() << "' take "
                               << bytes << " bytes of kernel configuration; chip '"
                               << chip->name << "' holds " << chip->kernelConfigBytes;
          return signalPassFailure();
        }
        bool joined = joining && programBytes >= 0 &&
                      programBytes + bytes <= chip->kernelConfigBytes;
        dispatch.setJoined(joined);
        if (joined) {
          programBytes += bytes;
          ++numJoined;
        } else {
          programBytes = bytes;
          ++numPrograms;
        }
      }
    }
  }
};

} // namespace
