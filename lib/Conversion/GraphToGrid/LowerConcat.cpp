// graph.concat along an axis before the last two: every output tile is a whole tile of one input,
// the one whose range along the axis holds the tile's index (grid.load_one_of, with a 0/1 flag
// per input); compute passes it through.
#include "Lowerings.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

FailureOr<Value> tessel::lowering::lowerConcat(OpBuilder &b, graph::ConcatOp op, const LoweringOptions &opts) {
  MLIRContext *ctx = b.getContext();
  auto outType = cast<RankedTensorType>(op.getType());
  TiledView out = TiledView::of(outType);
  int64_t axis = op.getAxis(), rank = outType.getRank();
  if (axis >= rank - 2)
    return op.emitError("a concat along one of the last two axes has no kernel; run "
                        "tt-decompose-graph first");
  tile::DataFormat format = formatOf(op.getInputs().front());
  for (Value in : op.getInputs())
    if (formatOf(in) != format)
      return op.emitError("concat inputs must share a data format");

  // The output tile u: batch index, its coordinate along the axis, and the tile within the
  // last two dims.
  AffineExpr u = getAffineDimExpr(0, ctx);
  int64_t tilesPerBatch = out.mt * out.nt;
  AffineExpr batch = u.floorDiv(tilesPerBatch), inBatchTile = u % tilesPerBatch;
  SmallVector<int64_t> strides = graph::rowMajorStrides(out.batchShape);
  int64_t size = outType.getDimSize(axis);
  AffineExpr at = batch.floorDiv(strides[axis]) % size;
  // 1 when `at` >= t, for t in [0, size]: (at + size - t) floordiv size.
  auto atLeast = [&](int64_t t) { return (at + size - t).floorDiv(size); };

  DispatchBuilder db(b, op.getLoc(), "concat", splitOverCores(out.tiles(), opts.chip),
                     op.getInputs(), {outType}, opts);
  TileMapping mapping;
  SmallVector<AffineExpr> flags, inTiles;
  int64_t offset = 0;
  for (Value in : op.getInputs()) {
    int64_t inSize = cast<RankedTensorType>(in.getType()).getDimSize(axis);
    // The same batch index with the axis coordinate moved into this input.
    AffineExpr inBatch = batch.floorDiv(strides[axis] * size) * (strides[axis] * inSize) +
                         (at - offset) * strides[axis] + batch % strides[axis];
    flags.push_back(atLeast(offset) - atLeast(offset + inSize));
    inTiles.push_back(inBatch * tilesPerBatch + inBatchTile);
    offset += inSize;
  }
  mapping.pick(flags, inTiles);
  mapping.outputTile = u;
  buildTileLoop(db, mapping, formatOf(op.getResult()),
                [&](ArrayRef<Value> tiles, Value, Value dst) { db.copy(tiles[0], dst); });
  return db.results()[0];
}
