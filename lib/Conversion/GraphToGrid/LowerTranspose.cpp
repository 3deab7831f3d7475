// graph.transpose: permutes batch dims by tile addressing, and swaps the last two dims with a
// tile transpose. A permutation that moves a batch dim into the last two reshuffles values
// across tiles and goes through the gather kernel instead.
#include "Lowerings.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

FailureOr<Value> tessel::lowering::lowerTranspose(OpBuilder &b, graph::TransposeOp op,
                                                  const LoweringOptions &opts) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> perm = op.getPerm();
  int64_t rank = perm.size();
  bool swap = false;
  if (rank >= 2) {
    std::pair<int64_t, int64_t> last{perm[rank - 2], perm[rank - 1]};
    if (last == std::make_pair(rank - 1, rank - 2))
      swap = true;
    else if (last != std::make_pair(rank - 2, rank - 1)) {
      SmallVector<AffineExpr> inputIndex(rank);
      for (int64_t j = 0; j < rank; ++j)
        inputIndex[perm[j]] = getAffineDimExpr(j, ctx);
      return lowerGather(b, op, op.getInput(), inputIndex, "transpose", opts);
    }
  }
  TiledView in = TiledView::of(op.getInput().getType()), out = TiledView::of(op.getType());
  tile::DataFormat format = grid::getLayout(op.getType()).getFormat();

  AffineExpr u = getAffineDimExpr(0, ctx);
  AffineExpr bOut = u.floorDiv(out.mt * out.nt), mt = u.floorDiv(out.nt) % out.mt, nt = u % out.nt;
  // Input batch index: output batch dim j is input dim perm[j].
  SmallVector<int64_t> inStrides(in.batchShape.size(), 1);
  for (int64_t k = (int64_t)in.batchShape.size() - 2; k >= 0; --k)
    inStrides[k] = inStrides[k + 1] * in.batchShape[k + 1];
  AffineExpr bIn = getAffineConstantExpr(0, ctx);
  int64_t outStride = 1;
  for (int64_t j = (int64_t)out.batchShape.size() - 1; j >= 0; --j) {
    bIn = bIn + (bOut.floorDiv(outStride) % out.batchShape[j]) * inStrides[perm[j]];
    outStride *= out.batchShape[j];
  }
  TileMapping mapping;
  mapping.read(swap ? (bIn * in.mt + nt) * in.nt + mt : (bIn * in.mt + mt) * in.nt + nt);
  mapping.outputTile = u;

  DispatchBuilder db(b, op.getLoc(), "transpose", splitOverCores(out.tiles(), opts.chip),
                     {op.getInput()}, {op.getType()}, opts);
  buildTileLoop(db, mapping, format, [&](ArrayRef<Value> tiles, Value, Value dst) {
    if (swap)
      db.transpose(tiles[0], dst);
    else
      db.copy(tiles[0], dst);
  });
  return db.results()[0];
}
