#include "Lowerings.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/IntegerTensors.h"

namespace tessel {
#define GEN_PASS_DEF_LOWERGRAPHTOGRID
#include "tessel/Conversion/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

static FailureOr<Value> lowerOp(Operation *op, const LoweringOptions &opts) {
  if (auto mm = dyn_cast<graph::MatMulOp>(op))
    return lowerMatmul(mm, opts);
  if (auto sm = dyn_cast<graph::SoftmaxOp>(op))
    return lowerSoftmax(sm, opts);
  if (auto sdpa = dyn_cast<graph::SDPAOp>(op))
    return lowerAttention(sdpa, opts);
  if (auto gn = dyn_cast<graph::GroupNormOp>(op))
    return lowerGroupNorm(gn, opts);
  if (isa<graph::LayerNormOp, graph::RMSNormOp>(op))
    return lowerNorm(op, opts);
  if (auto tr = dyn_cast<graph::TransposeOp>(op))
    return lowerTranspose(tr, opts);
  if (auto cc = dyn_cast<graph::ConcatOp>(op))
    return lowerConcat(cc, opts);
  if (auto rs = dyn_cast<graph::ReshapeOp>(op))
    return lowerReshape(rs, opts);
  if (auto rd = dyn_cast<graph::ReduceOp>(op))
    return lowerReduce(rd, opts);
  if (auto g = dyn_cast<graph::GatherRowsOp>(op))
    return lowerGatherRows(g, opts);
  if (auto rm = dyn_cast<graph::RemapOp>(op))
    return lowerGather(rm, rm.getInput(), rm.getMap().getResults(), "remap", opts,
                       rm.getPadding().convertToFloat(), rm.getGuardExprs(),
                       rm.getGuardBounds().value_or(ArrayRef<int64_t>()));
  if (isa<graph::UnaryOp, graph::BinaryOp, graph::WhereOp>(op))
    return lowerElementwise(op, opts);
  return op->emitError() << "no kernel for '" << op->getName()
                         << "'; run tt-decompose-graph first";
}

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

struct LowerGraphToGridPass : tessel::impl::LowerGraphToGridBase<LowerGraphToGridPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<rt::ChipDesc> chip = getChipDesc(module);
    if (failed(chip))
      return signalPassFailure();
    SmallVector<Operation *> work;
    // Remaps that only gathering matmuls read need no dispatch; they go once those are lowered.
    SmallVector<Operation *> absorbed;
    module.walk([&](Operation *op) {
      if ((isa<graph::RemapOp>(op) && !op->use_empty() &&
           llvm::all_of(op->getUses(), gathersThrough)) ||
          absorbedIntoAttention(op))
        absorbed.push_back(op);
      else if (isa<graph::GraphDialect>(op->getDialect()) && !isa<graph::ConstantOp>(op))
        work.push_back(op);
    });
    for (Operation *op : work) {
      grid::LayoutAttr layout = grid::getLayout(op->getResult(0).getType());
      if (!layout) {
        op->emitError("result has no #grid.layout; run tt-assign-layouts first");
        return signalPassFailure();
      }
      // The op's compute config (tt-assign-precision); without one, integer math in int32 Dst,
      // f32 tensors in f32 Dst, the others in bf16 Dst (which holds twice the tiles), at HiFi4.
      LoweringOptions opts{*chip,
                           computesInInt32Dst(op)                     ? tile::DataFormat::int32
                           : layout.getFormat() == tile::DataFormat::f32 ? tile::DataFormat::f32
                                                                         : tile::DataFormat::bf16,
                           tile::MathFidelity::HiFi4};
      if (auto compute = op->getAttrOfType<grid::ComputeConfigAttr>(grid::kComputeAttrName)) {
        opts.dstFormat = compute.getDst();
        opts.fidelity = compute.getFidelity();
      }
      FailureOr<Value> lowered = lowerOp(op, opts);
      if (failed(lowered))
        return signalPassFailure();
      op->getResult(0).replaceUsesWithIf(*lowered, [](OpOperand &use) { return !gathersThrough(use); });
      if (op->use_empty())
        op->erase();
      else
        absorbed.push_back(op);
    }
    // Readers first: an absorbed op may read another.
    for (Operation *op : llvm::reverse(absorbed))
      op->erase();
  }
};

} // namespace
