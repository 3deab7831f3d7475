#include "tessel/Transforms/MatmulProblem.h"
#include "tessel/Transforms/ChipInfo.h"

using namespace mlir;
using namespace tessel;

static int64_t tilesOf(int64_t n) { return (n + 31) / 32; }

static rt::DataFormat formatOf(Value v) {
  // The compiler's and the runtime's format enums share their values by design.
  return static_cast<rt::DataFormat>(grid::getLayout(v.getType()).getFormat());
}

bool tessel::batchIsRows(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs, ArrayRef<int64_t> out) {
  if (lhs.size() != out.size() || out.size() < 3 || lhs.drop_back(2) != out.drop_back(2))
    return false;
  auto batchOf = [](ArrayRef<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape.drop_back(std::min<size_t>(shape.size(), 2)))
      n *= d;
    return n;
  };
  return batchOf(out) > 1 && batchOf(rhs) == 1 && out[out.size() - 2] % 32 == 0;
}

FailureOr<cost::MatmulProblem> tessel::matmulProblem(graph::MatMulOp op, const rt::ChipDesc &chip,
                                                    bool gatherLhs) {
  for (Value v : {op.getLhs(), op.getRhs(), op.getResult()})
    if (!grid::getLayout(v.getType()))
      return op.emitError("operand has no #grid.layout; run tt-assign-layouts first");
  ArrayRef<int64_t> out = op.getType().getShape();
  ArrayRef<int64_t> lhs = op.getLhs().getType().getShape();
  cost::MatmulProblem p;
  for (size_t i = 0; i + 2 < out.size(); ++i)
    p.batch *= out[i];
  p.mt = tilesOf(out.size() >= 2 ? out[out.size() - 2] : 1);
  if (!gatherLhs && batchIsRows(lhs, op.getRhs().getType().getShape(), out)) {
    p.mt *= p.batch;
    p.batch = 1;
  }
  p.nt = tilesOf(out.back());
  p.kt = tilesOf(lhs.back());
  p.lhs = formatOf(op.getLhs());
  p.rhs = formatOf(op.getRhs());
  p.out = formatOf(op.getResult());
  p.fidelity = ttb::MathFidelity::HiFi4;
  if (auto config = op->getAttrOfType<grid::ComputeConfigAttr>(grid::kComputeAttrName))
    p.fidelity = static_cast<ttb::MathFidelity>(config.getFidelity());
  // f32 results accumulate in f32 Dst, which holds half the tiles; half of Dst is packed while
  // the other half accumulates.
  auto compute = op->getAttrOfType<grid::ComputeConfigAttr>(grid::kComputeAttrName);
  bool wideDst = compute ? tile::isWideDst(compute.getDst())
                         : p.out == rt::DataFormat::Float32 || p.out == rt::DataFormat::Int32;
  int64_t dst = wideDst ? chip.dstTilesF32 : chip.dstTilesBf16;
  p.dstCapacity = std::max<int64_t>(dst / 2, 1);
  // An operand the epilogue adds, if present: its format, and a pack and an add per output tile.
  auto addend = [&](Value v, StringRef what, bool &has, rt::DataFormat &format) -> LogicalResult {
    if (!v)
      return success();
    if (!grid::getLayout(v.getType()))
      return op.emitError() << what << " has no #grid.layout; run tt-assign-layouts first";
    has = true;
    format = formatOf(v);
    p.epilogueCycles += rt::packCycles(chip, p.out) +
                        rt::binaryCycles(chip, rt::BinaryOp::Add, p.out, format, p.fidelity);
    return success();
  };
  if (failed(addend(op.getBias(), "bias", p.hasBias, p.bias)) ||
      failed(addend(op.getResidual(), "residual", p.hasResidual, p.residual)))
    return failure();
  if ((p.hasBias || p.hasResidual) && out.size() >= 2 && out[out.size() - 2] % 32)
    p.epilogueCycles += rt::maskCycles(chip);
  if (std::optional<graph::UnaryKind> act = op.getActivation()) {
    p.packerRelu = *act == graph::UnaryKind::relu;
    // A ReLU is the packer's, at no cost of its own (tile.pack relu); the others are the SFPU's.
    if (*act == graph::UnaryKind::clip)
      p.epilogueCycles += rt::unaryCycles(chip, rt::UnaryOp::MaxScalar) +
                          rt::unaryCycles(chip, rt::UnaryOp::MinScalar);
    else if (*act != graph::UnaryKind::relu)
      p.epilogueCycles += rt::unaryCycles(chip, *act == graph::UnaryKind::gelu ? rt::UnaryOp::Gelu
                                                : *act == graph::UnaryKind::gelu_tanh
                                                    ? rt::UnaryOp::GeluTanh
                                                    : rt::UnaryOp::Relu);
  }
  if (gatherLhs) {
    // A gathered tile comes in runs (graph::gatherRunLength) of the remap's input.
    int64_t run = graph::gatherRunLength(op.getLhs().getDefiningOp<graph::RemapOp>());
    p.lhsRuns = 32 * ((32 + run - 1) / run);
    p.lhsRunBytes = run * rt::tileBytes(p.lhs) / (32 * 32);
  }
  Value lhsSource = gatherLhs ? op.getLhs().getDefiningOp<graph::RemapOp>().getInput() : op.getLhs();
  p.lhsInL1 = inL1(lhsSource);
  rowShardsOf(lhsSource, p.mt, p.lhsShardRows, p.lhsShardCoresX, p.lhsShardCoresY);
  p.rhsInL1 = inL1(op.getRhs());
  p.residualInL1 = inL1(op.getResidual());
  if (op.getResidual())
    rowShardsOf(op.getResidual(), p.mt, p.residualShardRows, p.residualShardCoresX,
                p.residualShardCoresY);
  p.outInL1 = inL1(op.getResult());
  return p;
}

void tessel::rowShardsOf(Value v, int64_t rowTiles, int64_t &rows, int64_t &coresX,
                         int64_t &coresY) {
  grid::LayoutAttr layout = grid::getLayout(v.getType());
  ArrayRef<int64_t> shape = cast<RankedTensorType>(v.getType()).getShape();
  int64_t all = 1;
  for (int64_t d : shape.drop_back())
    all *= d;
  if (!layout || layout.getMemory() != grid::MemorySpace::l1 ||
      layout.getSharding() != grid::Sharding::height_sharded || shape.size() < 2 ||
      tilesOf(all) != rowTiles || shape[shape.size() - 2] % 32)
    return;
  rows = layout.getShardShape()[0];
  coresX = layout.getCores().width();
  coresY = layout.getCores().height();
}

cost::MatmulPlan tessel::matmulPlan(grid::MatmulConfigAttr c) {
  return cost::MatmulPlan{c.getGridM(),      c.getGridN(),     c.getCoresX(),
                          c.getCoresY(),     c.getBlockM(),    c.getBlockN(),
                          c.getSubM(),       c.getSubN(),      c.getKChunk(),
                          c.isMulticast(),   c.getGroups(),    c.getDeferWrites(),
                          c.getSkipZeroLhs(),
                          std::vector<int64_t>(c.getKLead().begin(), c.getKLead().end())};
}

grid::MatmulConfigAttr tessel::matmulConfigAttr(MLIRContext *ctx, const cost::MatmulPlan &p,
                                                bool gatherLhs, int64_t cycles,
                                                int64_t rhsStoredTiles) {
  auto operands =
      p.multicast ? grid::OperandSharing::multicast : grid::OperandSharing::unicast;
  auto lhs = gatherLhs ? grid::LhsSource::gather : grid::LhsSource::tensor;
  return grid::MatmulConfigAttr::get(ctx, p.gridM, p.gridN, p.coresX, p.coresY, p.blockM,
                                     p.blockN, p.subM, p.subN, p.kChunk, operands, lhs, cycles,
                                     p.groups, rhsStoredTiles, p.deferWrites, p.skipZeroLhs,
                                     p.kLead);
}
