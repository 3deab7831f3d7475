#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/MatmulCostModel.h"
#include "tessel/Transforms/Passes.h"

namespace tessel {
#define GEN_PASS_DEF_CHOOSEOPCONFIGS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

static int64_t tilesOf(int64_t n) { return (n + 31) / 32; }

static rt::DataFormat formatOf(Value v) {
  // The compiler's and the runtime's format enums share their values by design.
  return static_cast<rt::DataFormat>(grid::getLayout(v.getType()).getFormat());
}

/// The matmul as tiles, or failure (with a diagnostic) when an operand has no layout.
static FailureOr<cost::MatmulProblem> problemOf(graph::MatMulOp op, const rt::ChipDesc &chip) {
  for (Value v : {op.getLhs(), op.getRhs(), op.getResult()})
    if (!grid::getLayout(v.getType()))
      return op.emitError("operand has no #grid.layout; run tt-assign-layouts first");
  ArrayRef<int64_t> out = op.getType().getShape();
  ArrayRef<int64_t> lhs = op.getLhs().getType().getShape();
  cost::MatmulProblem p;
  for (size_t i = 0; i + 2 < out.size(); ++i)
    p.batch *= out[i];
  p.mt = tilesOf(out.size() >= 2 ? out[out.size() - 2] : 1);
  p.nt = tilesOf(out.back());
  p.kt = tilesOf(lhs.back());
  p.lhs = formatOf(op.getLhs());
  p.rhs = formatOf(op.getRhs());
  p.out = formatOf(op.getResult());
  p.fidelity = ttb::MathFidelity::HiFi4;
  // f32 results accumulate in f32 Dst, which holds half the tiles; half of Dst is packed while
  // the other half accumulates.
  int64_t dst = p.out == rt::DataFormat::Float32 ? chip.dstTilesF32 : chip.dstTilesBf16;
  p.dstCapacity = std::max<int64_t>(dst / 2, 1);
  // An operand the epilogue adds: its format, and a pack and an add per output tile.
  auto addend = [&](Value v, StringRef what) -> FailureOr<rt::DataFormat> {
    if (!grid::getLayout(v.getType()))
      return op.emitError() << what << " has no #grid.layout; run tt-assign-layouts first";
    rt::DataFormat format = formatOf(v);
    p.epilogueCycles += rt::packCycles(chip, p.out) +
                        rt::binaryCycles(chip, rt::BinaryOp::Add, p.out, format, p.fidelity);
    return format;
  };
  if (Value bias = op.getBias()) {
    FailureOr<rt::DataFormat> format = addend(bias, "bias");
    if (failed(format))
      return failure();
    p.hasBias = true;
    p.bias = *format;
  }
  if (Value residual = op.getResidual()) {
    FailureOr<rt::DataFormat> format = addend(residual, "residual");
    if (failed(format))
      return failure();
    p.hasResidual = true;
    p.residual = *format;
  }
  if ((p.hasBias || p.hasResidual) && out.size() >= 2 && out[out.size() - 2] % 32)
    p.epilogueCycles += rt::maskCycles(chip);
  if (std::optional<graph::UnaryKind> act = op.getActivation()) {
    if (*act == graph::UnaryKind::clip)
      p.epilogueCycles += rt::unaryCycles(chip, rt::UnaryOp::MaxScalar) +
                          rt::unaryCycles(chip, rt::UnaryOp::MinScalar);
    else
      p.epilogueCycles += rt::unaryCycles(chip, *act == graph::UnaryKind::gelu ? rt::UnaryOp::Gelu
                                                : *act == graph::UnaryKind::gelu_tanh
                                                    ? rt::UnaryOp::GeluTanh
                                                    : rt::UnaryOp::Relu);
  }
  return p;
}

static cost::MatmulPlan planOf(grid::MatmulConfigAttr c) {
  return cost::MatmulPlan{c.getGridM(),  c.getGridN(), c.getCoresX(), c.getCoresY(),
                          c.getBlockM(), c.getBlockN(), c.getSubM(),  c.getSubN(),
                          c.getKChunk(), c.isMulticast()};
}

static grid::MatmulConfigAttr attrOf(MLIRContext *ctx, const cost::MatmulPlan &p,
                                     bool gatherLhs, int64_t cycles) {
  auto operands =
      p.multicast ? grid::OperandSharing::multicast : grid::OperandSharing::unicast;
  auto lhs = gatherLhs ? grid::LhsSource::gather : grid::LhsSource::tensor;
  return grid::MatmulConfigAttr::get(ctx, p.gridM, p.gridN, p.coresX, p.coresY, p.blockM,
                                     p.blockN, p.subM, p.subN, p.kChunk, operands, lhs, cycles);
}

/// Makes the reader gather the lhs from the remap that produces it (an implicit GEMM's windows),
/// as cost::MatmulProblem::lhsRuns describes.
static void gatherLhs(cost::MatmulProblem &p, graph::RemapOp windows) {
  int64_t run = graph::gatherRunLength(windows);
  p.lhsRuns = 32 * ((32 + run - 1) / run);
  p.lhsRunBytes = run * rt::tileBytes(p.lhs) / (32 * 32);
}

namespace {

struct ChooseOpConfigsPass : tessel::impl::ChooseOpConfigsBase<ChooseOpConfigsPass> {
  using ChooseOpConfigsBase::ChooseOpConfigsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<rt::ChipDesc> chip = getChipDesc(module);
    if (failed(chip))
      return signalPassFailure();
    int64_t available = chip->l1Bytes - chip->l1ReservedBytes;
    int64_t budget = l1Budget > 0 ? std::min<int64_t>(l1Budget, available) : available;
    WalkResult result = module.walk([&](graph::MatMulOp op) {
      FailureOr<cost::MatmulProblem> problem = problemOf(op, *chip);
      if (failed(problem))
        return WalkResult::interrupt();
      std::optional<cost::MatmulPlan> plan;
      // A convolution's windows are gathered by the matmul's reader rather than written out
      // by a dispatch of their own and read back.
      auto windows = op.getLhs().getDefiningOp<graph::RemapOp>();
      bool gather = windows && absorbableIntoMatmul(windows);
      auto given = op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
      if (given) {
        if (given.gathersLhs() && !gather) {
          op.emitError() << "matmul config " << given
                         << " gathers the lhs, which is not a remap that reads zeros as padding "
                            "in runs of at least "
                         << kMinAbsorbedRun << " values";
          return WalkResult::interrupt();
        }
        gather = given.gathersLhs();
      }
      if (gather)
        gatherLhs(*problem, windows);
      if (given) {
        std::string why;
        if (!cost::isValid(*chip, *problem, planOf(given), budget, &why)) {
          op.emitError() << "matmul config " << given << " does not suit this matmul: " << why;
          return WalkResult::interrupt();
        }
        plan = planOf(given);
      } else {
        plan = cost::choosePlan(*chip, *problem, budget);
        if (!plan) {
          cost::MatmulPlan smallest;
          op.emitError() << "no matmul blocking fits " << budget
                         << " bytes of L1 per core; the smallest needs "
                         << cost::l1Bytes(*problem, smallest) << " bytes";
          return WalkResult::interrupt();
        }
        ++numChosen;
      }
      int64_t cycles = int64_t(std::llround(cost::estimate(*chip, *problem, *plan).cycles));
      op->setAttr(grid::kConfigAttrName, attrOf(&getContext(), *plan, gather, cycles));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    // A pool's or depthwise convolution's windows are gathered by the reduce's reader.
    module.walk([&](graph::ReduceOp op) {
      auto windows = op.getInput().getDefiningOp<graph::RemapOp>();
      if (windows && absorbableIntoReduce(windows))
        op->setAttr(grid::kGatherInputAttrName, UnitAttr::get(&getContext()));
    });
  }
};

} // namespace
