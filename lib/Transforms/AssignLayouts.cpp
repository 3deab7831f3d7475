#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/IntegerTensors.h"
#include "tessel/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace tessel {
#define GEN_PASS_DEF_ASSIGNLAYOUTS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

struct AssignLayoutsPass : tessel::impl::AssignLayoutsBase<AssignLayoutsPass> {
  using AssignLayoutsBase::AssignLayoutsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    tile::DataFormat format;
    // bfp8 and bfp4 narrow the weights only (tt-assign-precision): activations stay bf16.
    if (precision == "fp32")
      format = tile::DataFormat::f32;
    else if (precision == "bf16" || precision == "bfp8" || precision == "bfp4")
      format = tile::DataFormat::bf16;
    else {
      module.emitError() << "unknown precision '" << precision
                         << "' (expected fp32, bf16, bfp8 or bfp4)";
      return signalPassFailure();
    }
    module->setAttr(grid::kPrecisionAttrName, StringAttr::get(ctx, precision));
    // A chip an earlier pass recorded (tt-choose-conv-algorithms) is not read again.
    if (failed(recordChip(module, chip)))
      return signalPassFailure();

    // Integers that only integer math and moves touch are held in int32 tiles, exact over the
    // whole int32 range; other integers and booleans in f32 tiles whatever the precision:
    // exact up to 2^24, which bf16 (exact to 256) would not be.
    // A tensor the model itself types bf16 is held in bf16 tiles whatever the precision, so
    // that a cast to bf16 rounds as it would anywhere else.
    auto floatLayout = grid::LayoutAttr::getInterleaved(ctx, format);
    auto exactLayout = grid::LayoutAttr::getInterleaved(ctx, tile::DataFormat::f32);
    auto bf16Layout = grid::LayoutAttr::getInterleaved(ctx, tile::DataFormat::bf16);
    auto int32Layout = grid::LayoutAttr::getInterleaved(ctx, tile::DataFormat::int32);
    module.walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      llvm::DenseSet<Value> int32 = int32Tensors(func);
      auto withLayout = [&](Value v) -> Type {
        auto tensor = dyn_cast<RankedTensorType>(v.getType());
        if (!tensor || tensor.getEncoding())
          return v.getType();
        Type elt = tensor.getElementType();
        return RankedTensorType::get(tensor.getShape(), elt,
                                     int32.contains(v)      ? int32Layout
                                     : elt.isBF16()         ? bf16Layout
                                     : isa<FloatType>(elt) ? floatLayout
                                                           : exactLayout);
      };
      for (BlockArgument arg : func.getArguments())
        arg.setType(withLayout(arg));
      func.walk([&](Operation *op) {
        for (OpResult r : op->getResults())
          r.setType(withLayout(r));
      });
      SmallVector<Type> results(func.front().getTerminator()->getOperandTypes());
      func.setType(FunctionType::get(ctx, func.getBody().getArgumentTypes(), results));
    });
  }
};

} // namespace
