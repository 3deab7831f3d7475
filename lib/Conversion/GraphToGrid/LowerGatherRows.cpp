// graph.gather_rows (embedding lookup): each output tile is 32 rows of the table picked by run-time
// indices. The reader fetches the tile of indices into a slot of its own, reads each index out of
// it and fetches that row's 32 values of the right column tile over the NoC; rows past the end
// are filled with zeros. No arithmetic is needed: compute only copies the tile into the output's
// format.
#include "Lowerings.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

FailureOr<Value> tessel::lowering::lowerGatherRows(graph::GatherRowsOp op,
                                                   const LoweringOptions &opts) {
  OpBuilder b(op);
  MLIRContext *ctx = b.getContext();
  Value table = op.getTable(), indices = op.getIndices();
  TiledView out = TiledView::of(op.getType()), rows = TiledView::of(table.getType());
  tile::DataFormat tableFormat = formatOf(table);
  if (tableFormat != tile::DataFormat::f32 && tableFormat != tile::DataFormat::bf16)
    return op.emitError("gather_rows reads rows out of f32 or bf16 tiles only");
  if (formatOf(indices) != tile::DataFormat::f32)
    return op.emitError("gather_rows reads its indices from f32 tiles");
  int64_t tableRows = rows.rows, count = out.rows;

  DispatchBuilder db(b, op.getLoc(), "gather_rows", splitOverCores(out.tiles(), opts.chip),
                     {table, indices}, {op.getType()}, opts);
  Value indexCB = db.cb(tile::DataFormat::f32, 1);
  Value rowsCB = db.cb(tableFormat, 2);
  Value outCB = db.cb(formatOf(op.getResult()), 2);
  int64_t perCore = db.split().perCore;
  // Unit u is output tile (i, j): rows 32i.., column tile j. d1 is the row within the tile and
  // d2 the index read for it.
  AffineExpr u = getAffineDimExpr(0, ctx), r = getAffineDimExpr(1, ctx),
             idx = getAffineDimExpr(2, ctx);
  AffineExpr rowBlock = u.floorDiv(out.nt), colTile = u % out.nt;

  db.kernel(noc::ThreadKind::reader);
  Value zero = db.index(0);
  // The index slot is this thread's scratch: reserved once, refilled per unit, never pushed.
  db.reserve(indexCB, 1);
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    db.read(db.input(1), db.apply(rowBlock, unit), indexCB, zero);
    db.barrier();
    db.reserve(rowsCB, 1);
    db.loop(32, [&](Value row) {
      Value index = db.builder().create<noc::CBLoadIndexOp>(
          db.location(), db.builder().getIndexType(), indexCB, zero, row,
          db.builder().getI64IntegerAttr(tableRows));
      ValueRange dims{unit, row, index};
      db.builder().create<noc::ReadSpanOp>(
          db.location(), db.input(0), db.apply(idx.floorDiv(32) * rows.nt + colTile, dims),
          db.apply((idx % 32) * 32, dims), rowsCB, zero, db.apply(r * 32, dims), db.index(32),
          // Non-zero for the rows past the last index, which stay zero padding.
          db.apply((rowBlock * 32 + r).floorDiv(count), dims), b.getF32FloatAttr(0.0f));
    });
    db.barrier();
    db.push(rowsCB, 1);
  });

  db.kernel(noc::ThreadKind::compute);
  db.loop(perCore, [&](Value) {
    Value zero = db.index(0);
    db.wait(rowsCB, 1);
    Value tile = db.get(rowsCB, zero);
    db.acquireDst();
    db.copy(tile, zero);
    db.reserve(outCB, 1);
    db.pack(zero, outCB, zero);
    db.push(outCB, 1);
    db.releaseDst();
    db.pop(rowsCB, 1);
  });

  db.kernel(noc::ThreadKind::writer);
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0);
    db.wait(outCB, 1);
    db.write(outCB, zero, db.output(0), db.apply(u, unit));
    db.flush();
    db.pop(outCB, 1);
  });
  return db.results()[0];
}
