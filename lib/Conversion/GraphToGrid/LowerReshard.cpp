// grid.reshard: a tile loop whose units are the result's tiles in the order its shards are
// dealt over its cores (core c takes shard c, row-major), so that every core writes its own
// shard and reads each tile from wherever the input keeps it. An interleaved result takes the
// most cores its tiles divide over.
#include "Lowerings.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

FailureOr<Value> tessel::lowering::lowerReshard(OpBuilder &b, grid::ReshardOp op,
                                                const LoweringOptions &opts) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(op.getType());
  grid::LayoutAttr layout = grid::getLayout(type);
  TiledView out = TiledView::of(type);
  AffineExpr u = getAffineDimExpr(0, ctx), tile = u;
  CoreSplit split = splitOverCores(out.tiles(), opts.chip);
  if (layout.getSharding() != grid::Sharding::interleaved) {
    grid::CoreRangeAttr cores = layout.getCores();
    if (cores.getX0() != 0 || cores.getY0() != 0)
      return op.emitError() << "reshards to shards over cores from (0, 0) only, not " << layout;
    ArrayRef<int64_t> shard = layout.getShardShape();
    int64_t perCore = shard[0] * shard[1], shardsPerRow = out.nt / shard[1];
    split = CoreSplit{cores.width(), cores.height(), perCore};
    // Unit u is tile i of shard s: row tile (s / shardsPerRow) * rows + i / cols over the
    // batch's rows, column tile (s % shardsPerRow) * cols + i % cols; shards of whole rows
    // follow each other, unit u tile u.
    if (shardsPerRow > 1) {
      AffineExpr s = u.floorDiv(perCore), i = u % perCore;
      AffineExpr row = s.floorDiv(shardsPerRow) * shard[0] + i.floorDiv(shard[1]);
      AffineExpr col = (s % shardsPerRow) * shard[1] + i % shard[1];
      tile = row * out.nt + col;
    }
  }
  TileMapping mapping;
  mapping.read(tile);
  mapping.outputTile = tile;
  DispatchBuilder db(b, op.getLoc(), "reshard", split, {op.getInput()}, {type}, opts);
  buildTileLoop(db, mapping, layout.getFormat(), [&](ArrayRef<Value> tiles, Value, Value dst) {
    db.copy(tiles[0], dst);
  });
  return db.results()[0];
}
