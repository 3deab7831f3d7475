#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace tessel {
#define GEN_PASS_DEF_ASSIGNLAYOUTS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

bool isIntegerTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return false;
  auto elt = dyn_cast<IntegerType>(tensor.getElementType());
  return elt && elt.getWidth() > 1;
}

/// Whether `op` computes an integer result from integer operands exactly in an int32 Dst (the
/// SFPU's integer add, sub, mul, max, min, relu, negate, abs, sign), or only moves values.
bool computesIntegers(Operation *op) {
  if (isa<graph::ConstantOp, graph::ReshapeOp, graph::TransposeOp, graph::ConcatOp,
          graph::GatherRowsOp>(op))
    return true;
  // A remap's padding goes in as a float: zero is the only one whose bits are the integer's.
  if (auto remap = dyn_cast<graph::RemapOp>(op))
    return remap.getPadding().isZero();
  bool integers = llvm::all_of(op->getOperandTypes(), isIntegerTensor) &&
                  llvm::all_of(op->getResultTypes(), isIntegerTensor);
  if (auto b = dyn_cast<graph::BinaryOp>(op)) {
    using K = graph::BinaryKind;
    return integers && llvm::is_contained({K::add, K::sub, K::mul, K::max, K::min}, b.getKind());
  }
  if (auto u = dyn_cast<graph::UnaryOp>(op)) {
    using K = graph::UnaryKind;
    return integers &&
           llvm::is_contained({K::identity, K::neg, K::abs, K::relu, K::sign}, u.getKind());
  }
  return false;
}

/// The integer tensors to hold in int32 tiles: those whose producer and every user compute
/// integers exactly (computesIntegers) or are the function's boundary, every other integer
/// tensor those ops touch going int32 too. The rest stay f32, exact to 2^24.
llvm::DenseSet<Value> int32Tensors(func::FuncOp func) {
  llvm::DenseSet<Value> candidates;
  auto consider = [&](Value v) {
    if (isIntegerTensor(v.getType()))
      candidates.insert(v);
  };
  for (BlockArgument arg : func.getArguments())
    consider(arg);
  func.walk([&](Operation *op) {
    for (Value r : op->getResults())
      consider(r);
  });
  // An op that cannot compute in int32, or one of whose integer tensors has left, takes all of
  // its integer tensors out; repeated until nothing leaves.
  auto ops = [](Value v) {
    SmallVector<Operation *> touching(v.getUsers());
    if (Operation *def = v.getDefiningOp())
      touching.push_back(def);
    return touching;
  };
  auto tensorsOf = [](Operation *op) {
    SmallVector<Value> all(op->getOperands());
    llvm::append_range(all, op->getResults());
    return all;
  };
  auto holds = [&](Operation *op) {
    if (isa<func::ReturnOp>(op))
      return true;
    if (!computesIntegers(op))
      return false;
    for (Value v : tensorsOf(op))
      if (isIntegerTensor(v.getType()) && !candidates.contains(v))
        return false;
    return true;
  };
  SmallVector<Value> left;
  auto evict = [&](Operation *op) {
    for (Value v : tensorsOf(op))
      if (candidates.erase(v))
        left.push_back(v);
  };
  func.walk([&](Operation *op) {
    if (!holds(op))
      evict(op);
  });
  while (!left.empty())
    for (Operation *op : ops(left.pop_back_val()))
      if (!holds(op))
        evict(op);
  return candidates;
}

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
    rt::ChipDesc desc;
    std::string error;
    if (!rt::loadChip(chip, desc, error)) {
      module.emitError() << error;
      return signalPassFailure();
    }
    module->setAttr(grid::kChipAttrName, chipAttr(ctx, desc));

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
