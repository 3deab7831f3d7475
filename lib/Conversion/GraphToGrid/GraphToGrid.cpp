#include "Lowerings.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/IntegerTensors.h"

#include "mlir/Transforms/DialectConversion.h"

namespace tessel {
#define GEN_PASS_DEF_LOWERGRAPHTOGRID
#include "tessel/Conversion/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

/// Whether `use` is the lhs of a matmul whose reader gathers it (`lhs = gather`) or the input
/// of a reduce that does (`grid.gather_input`): such a use reads the remap's input, not its
/// result.
static bool gathersThrough(OpOperand &use) {
  Operation *user = use.getOwner();
  if (attentionReadsThrough(use))
    return true;
  if (use.getOperandNumber() != 0)
    return false;
  if (isa<graph::ReduceOp>(user))
    return user->hasAttr(grid::kGatherInputAttrName);
  auto config = isa<graph::MatMulOp>(user)
                    ? user->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName)
                    : grid::MatmulConfigAttr();
  return config && config.gathersLhs();
}

namespace {

/// Lowers one kind of graph op with its `lower` function: the op's dispatch goes in front of
/// it and replaces its results. `failed` records that a lowering reported its own error, so
/// that the pass need not add the driver's "failed to legalize" for the same op.
struct GraphOpLowering : ConversionPattern {
  using Lower =
      std::function<FailureOr<Value>(OpBuilder &, Operation *, const LoweringOptions &)>;
  GraphOpLowering(StringRef opName, MLIRContext *ctx, const rt::ChipDesc &chip, Lower lower,
                  bool &failed)
      : ConversionPattern(opName, /*benefit=*/1, ctx), chip(chip), lower(std::move(lower)),
        loweringFailed(failed) {}

  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value>,
                                ConversionPatternRewriter &rewriter) const override {
    grid::LayoutAttr layout = grid::getLayout(op->getResult(0).getType());
    if (!layout)
      return report(op->emitError("result has no #grid.layout; run tt-assign-layouts first"));
    // The op's compute config (tt-assign-precision); without one, integer math in int32 Dst,
    // f32 tensors in f32 Dst, the others in bf16 Dst (which holds twice the tiles), at HiFi4.
    LoweringOptions opts{chip,
                         computesInInt32Dst(op)                     ? tile::DataFormat::int32
                         : layout.getFormat() == tile::DataFormat::f32 ? tile::DataFormat::f32
                                                                       : tile::DataFormat::bf16,
                         tile::MathFidelity::HiFi4};
    if (auto compute = op->getAttrOfType<grid::ComputeConfigAttr>(grid::kComputeAttrName)) {
      opts.dstFormat = compute.getDst();
      opts.fidelity = compute.getFidelity();
    }
    FailureOr<Value> lowered = lower(rewriter, op, opts);
    if (failed(lowered))
      return report(failure());
    // Readers that gather through the op still see it until the conversion ends, as the
    // driver replaces uses only then: they read its input.
    rewriter.replaceOp(op, *lowered);
    return success();
  }

private:
  LogicalResult report(LogicalResult result) const {
    loweringFailed = true;
    return result;
  }

  const rt::ChipDesc &chip;
  Lower lower;
  bool &loweringFailed;
};

/// A graph op that no GraphOpLowering takes (`lowered` names those): no kernel for it here.
struct NoKernel : ConversionPattern {
  NoKernel(MLIRContext *ctx, const DenseSet<OperationName> &lowered, bool &failed)
      : ConversionPattern(MatchAnyOpTypeTag(), /*benefit=*/0, ctx), lowered(lowered),
        loweringFailed(failed) {}
  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value>,
                                ConversionPatternRewriter &) const override {
    if (!isa<graph::GraphDialect>(op->getDialect()) || lowered.contains(op->getName()))
      return failure();
    loweringFailed = true;
    return op->emitError() << "no kernel for '" << op->getName()
                           << "'; run tt-decompose-graph first";
  }
  const DenseSet<OperationName> &lowered;
  bool &loweringFailed;
};

template <typename OpT>
void addLowering(RewritePatternSet &patterns, const rt::ChipDesc &chip, bool &failed,
                 FailureOr<Value> (*lower)(OpBuilder &, OpT, const LoweringOptions &)) {
  patterns.add<GraphOpLowering>(
      OpT::getOperationName(), patterns.getContext(), chip,
      [lower](OpBuilder &b, Operation *op, const LoweringOptions &opts) {
        return lower(b, cast<OpT>(op), opts);
      },
      failed);
}

/// Ops whose one lowering takes them as `Operation *` (a family of graph ops).
template <typename... OpTs>
void addLowering(RewritePatternSet &patterns, const rt::ChipDesc &chip, bool &failed,
                 FailureOr<Value> (*lower)(OpBuilder &, Operation *, const LoweringOptions &)) {
  (patterns.add<GraphOpLowering>(OpTs::getOperationName(), patterns.getContext(), chip, lower,
                                 failed),
   ...);
}

FailureOr<Value> lowerRemap(OpBuilder &b, graph::RemapOp rm, const LoweringOptions &opts) {
  return lowerGather(b, rm, rm.getInput(), rm.getMap().getResults(), "remap", opts,
                     rm.getPadding().convertToFloat(), rm.getGuardExprs(),
                     rm.getGuardBounds().value_or(ArrayRef<int64_t>()));
}

/// A remap that only gathering readers read, or a tensor that attention reads in place, needs
/// no dispatch: it goes once they are lowered.
bool isAbsorbed(Operation *op) {
  return (isa<graph::RemapOp>(op) && !op->use_empty() &&
          llvm::all_of(op->getUses(), gathersThrough)) ||
         absorbedIntoAttention(op);
}

struct LowerGraphToGridPass : tessel::impl::LowerGraphToGridBase<LowerGraphToGridPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<rt::ChipDesc> chip = getChipDesc(module);
    if (failed(chip))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    // Decided before any op is lowered: lowering a reader does not change what it absorbs.
    SmallVector<Operation *> absorbed;
    module.walk([&](Operation *op) {
      if (isAbsorbed(op))
        absorbed.push_back(op);
    });
    DenseSet<Operation *> absorbedSet(absorbed.begin(), absorbed.end());
    ConversionTarget target(*ctx);
    target.addLegalOp<graph::ConstantOp>();
    target.addIllegalOp<grid::ReshardOp>();
    target.addDynamicallyLegalDialect<graph::GraphDialect>(
        [&](Operation *op) { return absorbedSet.contains(op); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    bool loweringFailed = false;
    RewritePatternSet patterns(ctx);
    addLowering(patterns, *chip, loweringFailed, lowerMatmul);
    addLowering(patterns, *chip, loweringFailed, lowerSoftmax);
    addLowering(patterns, *chip, loweringFailed, lowerAttention);
    addLowering(patterns, *chip, loweringFailed, lowerGroupNorm);
    addLowering<graph::LayerNormOp, graph::RMSNormOp>(patterns, *chip, loweringFailed, lowerNorm);
    addLowering(patterns, *chip, loweringFailed, lowerTranspose);
    addLowering(patterns, *chip, loweringFailed, lowerConcat);
    addLowering(patterns, *chip, loweringFailed, lowerReshape);
    addLowering(patterns, *chip, loweringFailed, lowerReduce);
    addLowering(patterns, *chip, loweringFailed, lowerReshard);
    addLowering(patterns, *chip, loweringFailed, lowerGatherRows);
    addLowering(patterns, *chip, loweringFailed, lowerRemap);
    addLowering<graph::UnaryOp, graph::BinaryOp, graph::WhereOp>(patterns, *chip,
                                                                  loweringFailed, lowerElementwise);
    DenseSet<OperationName> lowered;
    for (const auto &pattern : patterns.getNativePatterns())
      if (std::optional<OperationName> name = pattern->getRootKind())
        lowered.insert(*name);
    patterns.add<NoKernel>(ctx, lowered, loweringFailed);

    // A lowering that fails has said why at its op; the driver's own report of the same op
    // adds nothing.
    ScopedDiagnosticHandler quiet(ctx, [&](Diagnostic &diag) {
      return success(loweringFailed && diag.getSeverity() == DiagnosticSeverity::Error &&
                     StringRef(diag.str()).starts_with("failed to legalize"));
    });
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    // Readers first: an absorbed op may read another.
    for (Operation *op : llvm::reverse(absorbed))
      op->erase();
  }
};

} // namespace
