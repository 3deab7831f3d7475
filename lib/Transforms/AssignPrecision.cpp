// tt-assign-precision: each graph op's compute config (`grid.compute`: the format Dst accumulates
// in and the math fidelity) and the data format of the weights its matmuls read, from the
// model's precision and the user's per-node overrides.
#include "tessel/Transforms/IntegerTensors.h"
#include "tessel/Transforms/Passes.h"
#include "tessel/Transforms/Precision.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"

namespace tessel {
#define GEN_PASS_DEF_ASSIGNPRECISION
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

/// Bits of mantissa a format keeps, to take the widest of several requests for one weight.
int mantissaBits(tile::DataFormat format) {
  switch (format) {
  case tile::DataFormat::f32:
    return 23;
  case tile::DataFormat::bf16:
    return 7;
  case tile::DataFormat::bfp8_b:
    return 7 - 1;
  case tile::DataFormat::bfp4_b:
    return 3 - 1;
  default:
    return 0;
  }
}

/// Whether every reader of `v` is a matmul that takes it as an operand or as the residual its
/// tiles add to the product's (whole tiles, as the product's), and `v` is a model input (the
/// runtime packs it), a matmul's result or an elementwise op's (their kernels pack any format);
/// softmax's row loop and the hand-built kernels (attention, norms) write the format they read.
bool onlyMatmulsRead(Value v) {
  Operation *producer = v.getDefiningOp();
  if (producer && !isa<graph::MatMulOp, graph::UnaryOp, graph::BinaryOp, graph::WhereOp>(producer))
    return false;
  return llvm::all_of(v.getUses(), [&](OpOperand &use) {
    auto mm = dyn_cast<graph::MatMulOp>(use.getOwner());
    return mm && (use.get() == mm.getLhs() || use.get() == mm.getRhs() ||
                  use.get() == mm.getResidual()) &&
           mm.getLhs() != mm.getRhs();
  });
}

struct AssignPrecisionPass : tessel::impl::AssignPrecisionBase<AssignPrecisionPass> {
  using AssignPrecisionBase::AssignPrecisionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto name = module->getAttrOfType<StringAttr>(grid::kPrecisionAttrName);
    if (!name) {
      module.emitError("module has no grid.precision; run tt-assign-layouts first");
      return signalPassFailure();
    }
    Precision model = *precisionNamed(name.getValue());
    SmallVector<PrecisionOverride> rules;
    for (const std::string &spec : overrides) {
      std::optional<PrecisionOverride> rule = parsePrecisionOverride(spec);
      if (!rule) {
        module.emitError() << "bad precision override '" << spec
                           << "': expected NODE_GLOB=fp32|bf16|bfp8|bfp4";
        return signalPassFailure();
      }
      rules.push_back(std::move(*rule));
    }
    // The last override that names one of the op's nodes wins, as later flags do.
    SmallVector<bool> matched(rules.size(), false);
    auto precisionOf = [&](Operation *op) {
      Precision p = model;
      for (auto [i, rule] : llvm::enumerate(rules))
        if (graph::namesNode(rule.nodes, op->getLoc())) {
          p = rule.precision;
          matched[i] = true;
        }
      return p;
    };

    // The format each matmul operand is asked for by the matmuls that read it: the widest wins.
    llvm::MapVector<Value, tile::DataFormat> narrowed;
    module.walk([&](Operation *op) {
      if (!isa<graph::GraphDialect>(op->getDialect()) || isa<graph::ConstantOp>(op) ||
          op->getNumResults() != 1)
        return;
      grid::LayoutAttr result = grid::getLayout(op->getResult(0).getType());
      if (!result)
        return;
      Precision p = precisionOf(op);
      // Dst accumulates in f32 for f32 results (and an op the user asked fp32 of), else in bf16.
      // Integer math (int32 results, and elementwise ops on int32 operands: comparisons, casts
      // to floats; tt-assign-layouts) runs in an int32 Dst.
      bool wide = result.getFormat() == tile::DataFormat::f32 ||
                  p.weights == tile::DataFormat::f32;
      tile::DataFormat dst = computesInInt32Dst(op) ? tile::DataFormat::int32
                             : wide ? tile::DataFormat::f32
                                    : tile::DataFormat::bf16;
      op->setAttr(grid::kComputeAttrName, grid::ComputeConfigAttr::get(ctx, dst, p.fidelity));
      auto mm = dyn_cast<graph::MatMulOp>(op);
      if (!mm)
        return;
      for (Value operand : {mm.getLhs(), mm.getRhs(), mm.getResidual()}) {
        // A constant residual is an offset of the product's shape, not a weight: it keeps its
        // format.
        if (!operand ||
            (operand == mm.getResidual() && operand.getDefiningOp<graph::ConstantOp>()))
          continue;
        if (!isa<FloatType>(cast<RankedTensorType>(operand.getType()).getElementType()))
          continue;
        // An activation goes block-float only where matmuls alone read it, whole tiles at a
        // time: a gather's runs would split a block's shared exponents.
        tile::DataFormat format = p.weights;
        if (!operand.getDefiningOp<graph::ConstantOp>()) {
          if (!tile::isBlockFloat(format) || !onlyMatmulsRead(operand))
            continue;
          format = tile::DataFormat::bfp8_b;
        }
        auto [it, inserted] = narrowed.insert({operand, format});
        if (!inserted && mantissaBits(format) > mantissaBits(it->second))
          it->second = format;
      }
    });
    // A glob that names nothing is a mistyped node name, not a no-op.
    for (auto [i, spec] : llvm::enumerate(overrides))
      if (!matched[i]) {
        module.emitError() << "precision override '" << spec
                           << "' matches no ONNX node of the model's ops";
        return signalPassFailure();
      }
    for (auto [value, format] : narrowed) {
      auto type = cast<RankedTensorType>(value.getType());
      grid::LayoutAttr layout = grid::getLayout(type);
      if (layout.getFormat() == format)
        continue;
      auto moved = grid::LayoutAttr::get(ctx, layout.getTileRows(), layout.getTileCols(), format,
                                         layout.getMemory(), layout.getSharding(),
                                         layout.getShardShape(), layout.getCores());
      value.setType(RankedTensorType::get(type.getShape(), type.getElementType(), moved));
    }
    // A narrowed argument changes the function's signature: the runtime packs the input.
    module.walk([&](func::FuncOp func) {
      func.setType(FunctionType::get(ctx, func.getBody().getArgumentTypes(),
                                     func.getFunctionType().getResults()));
    });
  }
};

} // namespace
