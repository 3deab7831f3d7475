// graph.matmul as a tile loop blocked as its #grid.matmul_config says: each core's units are
// its output tiles in the order the config's kernels finish them, each folds the K tiles of
// its row and column into an accumulator, and the finish scales it, adds the bias and the
// residual, applies the activation and zeroes rows past the tensor's end. tt-lower-grid-to-kernels builds the
// config's multicast kernels for it (MatmulKernels.cpp).
#include "Lowerings.h"
#include "tessel/Conversion/MatmulTileLoop.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/MatmulProblem.h"

#include <limits>

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

FailureOr<Value> tessel::lowering::lowerMatmul(OpBuilder &b, graph::MatMulOp op, const LoweringOptions &opts) {
  auto config = op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
  if (!config)
    return op.emitError("matmul has no grid.config; run tt-choose-op-configs first");
  TiledView a = TiledView::of(op.getLhs().getType()), bv = TiledView::of(op.getRhs().getType());
  TiledView out = TiledView::of(op.getType());
  // An absorbed remap (an implicit GEMM's windows): its input is read instead of the lhs.
  graph::RemapOp windows;
  std::optional<TileGather> gatherA;
  if (config.gathersLhs()) {
    windows = op.getLhs().getDefiningOp<graph::RemapOp>();
    if (!windows || !absorbableIntoMatmul(windows))
      return op.emitError() << "matmul config " << config
                            << " gathers the lhs, which is not a remap that reads zeros as padding";
    std::optional<float> padding;
    if (windows.readsPadding())
      padding = 0.0f;
    gatherA = planTileGather(windows.getType(), windows.getInput().getType(),
                             windows.getMap().getResults(), padding, windows.getGuardExprs(),
                             windows.getGuardBounds().value_or(ArrayRef<int64_t>()),
                             /*padPastEnd=*/true);
  }

  // The config must suit the matmul as tt-choose-op-configs checks it (L1 aside: buffer
  // allocation checks that).
  FailureOr<cost::MatmulProblem> problem = matmulProblem(op, opts.chip, config.gathersLhs());
  if (failed(problem))
    return failure();
  std::string why;
  cost::MatmulPlan plan = matmulPlan(config);
  if (!cost::isValid(opts.chip, *problem, plan, std::numeric_limits<int64_t>::max(), &why))
    return op.emitError() << "matmul config " << config << " does not tile this matmul: " << why;
  int64_t macs = out.batch * out.rows * out.cols * a.cols;
  if (gatherA) {
    // The reader gathers the lhs in the output's rows and batch (gatheredLhsView).
    TiledView seen = gatheredLhsView(out, a.nt);
    if (a.batchShape != seen.batchShape || a.mt != seen.mt)
      return op.emitError() << "matmul config " << config
                            << " gathers an lhs whose batch or rows are not the output's";
    a = seen;
  }
  if (!gatherA && batchIsRows(op.getLhs().getType().getShape(), op.getRhs().getType().getShape(),
                              op.getType().getShape())) {
    a = a.batchAsRows();
    out = out.batchAsRows();
  }
  MatmulTiles tiles = matmulTiles(config, a, bv, out);
  CoreSplit split{config.getCoresX(), config.getCoresY() * config.getGroups(), tiles.perCore};
  SmallVector<Value> inputs{windows ? windows.getInput() : op.getLhs(), op.getRhs()};
  Value bias = op.getBias(), residual = op.getResidual();
  if (bias)
    inputs.push_back(bias);
  unsigned residualInput = inputs.size();
  if (residual)
    inputs.push_back(residual);
  // Written over its residual (tt-choose-op-configs decided so), into the residual's buffer.
  Value into;
  if (op->hasAttr(grid::kOverResidualAttrName)) {
    if (!residual || residual.getType() != op.getType())
      return op.emitError() << "matmul marked " << grid::kOverResidualAttrName
                            << " needs a residual of its result's type";
    into = residual;
  }
  DispatchBuilder db(b, op.getLoc(), "matmul", split, inputs, {op.getType()}, opts, macs, into);
  // Reports show each dispatch's chosen config, and the kernels follow it.
  db.dispatchOp()->setAttr(grid::kConfigAttrName, config);
  tile::DataFormat outFormat = formatOf(op.getResult());
  std::optional<graph::UnaryKind> activation = op.getActivation();
  // Rows past the tensor's end must stay 0 for the matmuls that read them; the bias and the
  // residual would fill them.
  bool partialRows = (bias || residual) && out.rows % 32 != 0;
  AffineExpr u = b.getAffineDimExpr(0);

  db.tileLoop();
  db.loop(tiles.perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    // The bias's first row only: the FPU adds it to every row.
    Value biasTile = bias ? db.load(db.input(2), unit, tiles.unitCol, true) : Value();
    Value residualTile = residual ? db.load(db.input(residualInput), unit, tiles.unitTile) : Value();
    Value init = db.compute({}, unit, opts.dstFormat, [](ArrayRef<Value>, ArrayRef<Value>, Value) {});
    auto steps = b.create<scf::ForOp>(op.getLoc(), db.index(0), db.index(tiles.steps),
                                      db.index(1), ValueRange{init});
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToEnd(steps.getBody());
      Value k = steps.getInductionVar(), acc = steps.getRegionIterArgs().front();
      Value at = db.apply(tiles.lhsTile, {unit, k});
      Value lhs = gatherA ? db.gather(db.input(0), at, *gatherA) : db.load(db.input(0), at, u);
      Value rhs = db.load(db.input(1), db.apply(tiles.rhsTile, {unit, k}), u);
      Value next = db.compute({acc, lhs, rhs}, {unit, k}, opts.dstFormat,
                              [&](ArrayRef<Value> t, ArrayRef<Value>, Value zero) {
        db.copy(t[0], zero);
        db.matmul(t[1], t[2], zero);
      });
      b.create<scf::YieldOp>(op.getLoc(), next);
    }
    SmallVector<Value> finishTiles{steps.getResult(0)};
    if (bias)
      finishTiles.push_back(biasTile);
    if (residual)
      finishTiles.push_back(residualTile);
    Value result = db.compute(finishTiles, unit, outFormat,
                              [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value zero) {
      db.copy(t[0], zero);
      if (float scale = op.getScale().convertToFloat(); scale != 1.0f)
        db.unary(tile::UnaryKind::scale, zero, scale);
      // The FPU adds tiles, not Dst: the sums go through L1 once each.
      if (bias)
        db.binary(tile::BinaryKind::add, tile::Broadcast::rows, db.packTile(zero, outFormat),
                  t[1], zero);
      if (residual)
        db.binary(tile::BinaryKind::add, tile::Broadcast::none, db.packTile(zero, outFormat),
                  t.back(), zero);
      if (activation)
        db.activation(*activation, op.getAlpha().convertToFloat(), op.getBeta().convertToFloat(),
                      zero);
      if (partialRows)
        db.mask(zero, db.apply(out.rows - tiles.unitRow * 32, idx[0]), db.index(32), 0.0f);
    });
    b.create<grid::StoreOp>(op.getLoc(), result, db.output(0), unit,
                            AffineMapAttr::get(AffineMap::get(1, 0, tiles.unitTile)));
  });
  return db.results()[0];
}
