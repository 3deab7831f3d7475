// graph.add / graph.mul (numpy broadcasting) and graph.relu: one tile in, one tile out.
#include "DispatchBuilder.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

namespace {
/// Output tile coordinates of unit d0.
struct UnitCoords {
  AffineExpr b, mt, nt;
  UnitCoords(const TiledView &out, MLIRContext *ctx) {
    AffineExpr u = getAffineDimExpr(0, ctx);
    b = u.floorDiv(out.mt * out.nt);
    mt = u.floorDiv(out.nt) % out.mt;
    nt = u % out.nt;
  }
};
} // namespace

static tile::Broadcast inTileBroadcast(const TiledView &operand, const TiledView &out) {
  bool rows = operand.rows == 1 && out.rows > 1, cols = operand.cols == 1 && out.cols > 1;
  if (rows && cols)
    return tile::Broadcast::scalar;
  if (rows)
    return tile::Broadcast::rows;
  if (cols)
    return tile::Broadcast::cols;
  return tile::Broadcast::none;
}

FailureOr<Value> tessel::lowering::lowerElementwise(Operation *op, const LoweringOptions &opts) {
  OpBuilder b(op);
  MLIRContext *ctx = b.getContext();
  Type resultType = op->getResult(0).getType();
  TiledView out = TiledView::of(resultType);
  UnitCoords at(out, ctx);
  tile::DataFormat format = grid::getLayout(resultType).getFormat();

  SmallVector<Value> inputs(op->getOperands());
  std::optional<tile::BinaryKind> kind;
  if (isa<graph::AddOp>(op))
    kind = tile::BinaryKind::add;
  else if (isa<graph::MulOp>(op))
    kind = tile::BinaryKind::mul;

  tile::Broadcast bcast = tile::Broadcast::none;
  if (kind) {
    tile::Broadcast lhsB = inTileBroadcast(TiledView::of(inputs[0].getType()), out);
    tile::Broadcast rhsB = inTileBroadcast(TiledView::of(inputs[1].getType()), out);
    // The FPU broadcasts only its second operand; add and mul commute.
    if (lhsB != tile::Broadcast::none) {
      std::swap(inputs[0], inputs[1]);
      std::swap(lhsB, rhsB);
    }
    if (lhsB != tile::Broadcast::none)
      return op->emitError("both operands broadcast within a tile; not supported yet");
    bcast = rhsB;
  }

  TileMapping mapping;
  for (Value in : inputs)
    mapping.inputTiles.push_back(
        broadcastTileIndex(TiledView::of(in.getType()), out, at.b, at.mt, at.nt));
  mapping.outputTile = getAffineDimExpr(0, ctx);

  CoreSplit split = splitOverCores(out.tiles(), opts.chip);
  DispatchBuilder db(b, op->getLoc(), op->getName().stripDialect(), split, inputs, {resultType},
                     opts);
  buildTileStreaming(db, mapping, format, [&](ArrayRef<Value> tiles, Value unit, Value dst) {
    OpBuilder &kb = db.builder();
    Location loc = db.location();
    if (kind) {
      kb.create<tile::BinaryOp>(loc, tile::BinaryKindAttr::get(ctx, *kind),
                                tile::BroadcastAttr::get(ctx, bcast), tiles[0], tiles[1], dst);
      // A broadcast fills the padding of partial tiles too; keep padding zero for consumers.
      if (bcast != tile::Broadcast::none) {
        Value rows = db.apply(out.rows - at.mt * 32, unit);
        Value cols = db.apply(out.cols - at.nt * 32, unit);
        kb.create<tile::MaskOp>(loc, dst, rows, cols, kb.getF32FloatAttr(0.0f));
      }
      return;
    }
    kb.create<tile::CopyOp>(loc, tiles[0], dst);
    kb.create<tile::UnaryOp>(loc, tile::UnaryKindAttr::get(ctx, tile::UnaryKind::relu), dst,
                             kb.getF32FloatAttr(0.0f));
  });
  return db.results()[0];
}
