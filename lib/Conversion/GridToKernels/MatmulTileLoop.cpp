// The maps of a matmul's tile loop, from its #grid.matmul_config.
#include "tessel/Conversion/MatmulTileLoop.h"

#include "tessel/Transforms/MatmulProblem.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

TiledView tessel::lowering::gatheredLhsView(const TiledView &out, int64_t kt) {
  TiledView a = out;
  a.nt = kt;
  a.cols = kt * 32;
  return a;
}

MatmulTiles tessel::lowering::matmulTiles(grid::MatmulConfigAttr config, const TiledView &lhs,
                                          const TiledView &rhs, const TiledView &out) {
  MLIRContext *ctx = config.getContext();
  MatmulTiles m;
  cost::MatmulProblem problem;
  problem.batch = out.batch, problem.mt = out.mt, problem.nt = out.nt, problem.kt = lhs.nt;
  cost::MatmulPlan plan = matmulPlan(config);
  m.passes = plan.passes(problem);
  m.chunks = plan.chunks(problem);
  m.lead = plan.leadChunks(problem);
  m.chunkPairK = plan.chunkPairK(problem);
  int64_t bm = config.getBlockM(), bn = config.getBlockN();
  int64_t sm = config.getSubM(), sn = config.getSubN();
  int64_t subCols = bn / sn;
  m.subblocks = (bm / sm) * subCols;
  m.subTiles = sm * sn;
  m.perCore = m.passes * m.subblocks * m.subTiles;
  m.steps = lhs.nt;

  int64_t gm = config.getGridM(), gn = config.getGridN(), groups = config.getGroups();
  int64_t w = config.getCoresX(), cores = config.getCoresX() * config.getCoresY();
  int64_t passM = out.mt / (gm * bm), passN = out.nt / (gn * bn);
  AffineExpr c = getAffineDimExpr(0, ctx), p = getAffineDimExpr(1, ctx),
             s = getAffineDimExpr(2, ctx), t = getAffineDimExpr(3, ctx);
  if (config.isMulticast()) {
    // Group g of the stacked rectangles takes batches g, g + groups, ...
    AffineExpr local = groups > 1 ? c % cores : c, group = c.floorDiv(cores);
    AffineExpr blockRow =
        config.isTwoDimensional() ? local.floorDiv(w) : (gn == 1 ? local : c * 0);
    AffineExpr blockCol = config.isTwoDimensional() ? c % w : (gm == 1 ? local : c * 0);
    m.batch = groups > 1 ? p.floorDiv(passM * passN) * groups + group : p.floorDiv(passM * passN);
    m.row0 = ((p.floorDiv(passN) % passM) * gm + blockRow) * bm;
    m.col0 = ((p % passN) * gn + blockCol) * bn;
  } else {
    // The cores take the blocks in turn: block u = pass * cores + core, batch outermost.
    int64_t blocksM = out.mt / bm, blocksN = out.nt / bn;
    AffineExpr u = p * cores + c;
    m.batch = u.floorDiv(blocksM * blocksN);
    m.row0 = (u.floorDiv(blocksN) % blocksM) * bm;
    m.col0 = (u % blocksN) * bn;
  }
  m.row = m.row0 + s.floorDiv(subCols) * sm + t.floorDiv(sn);
  m.col = m.col0 + (s % subCols) * sn + t % sn;
  m.tile = (m.batch * out.mt + m.row) * out.nt + m.col;
  m.unit = c * m.perCore + (p * m.subblocks + s) * m.subTiles + t;

  // A unit's core, pass, subblock and tile.
  AffineExpr u = c, k = p, i = u % m.perCore;
  SmallVector<AffineExpr> parts{u.floorDiv(m.perCore), i.floorDiv(m.subblocks * m.subTiles),
                                i.floorDiv(m.subTiles) % m.subblocks, i % m.subTiles};
  AffineExpr batch = m.batch.replaceDims(parts), row = m.row.replaceDims(parts),
             col = m.col.replaceDims(parts);
  // Over the units' and steps' ranges, so that the loop's maps read plainly.
  int64_t units = plan.cores() * m.perCore;
  auto simplified = [&](AffineExpr e) {
    return graph::simplifyOverRanges(simplifyAffineExpr(e, 2, 0), {units, m.steps});
  };
  m.unitTile = simplified(m.tile.replaceDims(parts));
  m.unitRow = simplified(row);
  m.unitCol = simplified(col);
  m.lhsTile = simplified(broadcastTileIndex(lhs, out, batch, row, k));
  m.rhsTile = simplified(broadcastTileIndex(rhs, out, batch, k, col));
  return m;
}
