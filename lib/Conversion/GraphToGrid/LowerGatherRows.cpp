// graph.gather_rows (embedding lookup): each output tile is 32 rows of the table picked by run-time
// indices (grid.gather_rows; its kernel fetches the tile of indices into a slot of its own, reads
// each index out of it and fetches that row's 32 values of the right column tile over the NoC;
// rows past the end are zeros). No arithmetic is needed: compute only copies the tile into the
// output's format.
#include "Lowerings.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

FailureOr<Value> tessel::lowering::lowerGatherRows(OpBuilder &b, graph::GatherRowsOp op,
                                                   const LoweringOptions &opts) {
  MLIRContext *ctx = b.getContext();
  Value table = op.getTable(), indices = op.getIndices();
  TiledView out = TiledView::of(op.getType());
  tile::DataFormat tableFormat = formatOf(table);
  if (tableFormat != tile::DataFormat::f32 && tableFormat != tile::DataFormat::bf16 &&
      tableFormat != tile::DataFormat::int32)
    return op.emitError("gather_rows reads rows out of f32, bf16 or int32 tiles only");
  if (formatOf(indices) != tile::DataFormat::f32 && formatOf(indices) != tile::DataFormat::int32)
    return op.emitError("gather_rows reads its indices from f32 or int32 tiles");

  DispatchBuilder db(b, op.getLoc(), "gather_rows", splitOverCores(out.tiles(), opts.chip),
                     {table, indices}, {op.getType()}, opts);
  // Unit u is output tile (i, j): rows 32i.. named by tile i of the indices, column tile j.
  AffineExpr u = getAffineDimExpr(0, ctx);
  TileMapping mapping;
  mapping.gatherRows(u.floorDiv(out.nt), u % out.nt, out.rows);
  mapping.outputTile = u;
  buildTileLoop(db, mapping, formatOf(op.getResult()),
                [&](ArrayRef<Value> tiles, Value, Value dst) { db.copy(tiles[0], dst); });
  return db.results()[0];
}
