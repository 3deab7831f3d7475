// graph.softmax over the last axis as a row loop, one row of tiles per unit, held in L1
// (grid.load_row) across its passes:
//   max = rowmax(x); e = exp(x - max); y = e * (1 / rowsum(e)),
// or with `log`: y = x - (max + log(rowsum(e))), never taking the log of a rounded quotient.
// Partial tiles are masked so that padding neither wins the max nor adds to the sum: the max
// reads the row with its last tile masked to -huge (a tensor.insert), the exponentials are
// masked to zero past the row's end.
#include "Lowerings.h"
#include "tessel/Transforms/StreamSoftmax.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

static constexpr float kMinusHuge = -3.0e38f;

FailureOr<Value> tessel::lowering::lowerSoftmax(OpBuilder &b, graph::SoftmaxOp op,
                                                const LoweringOptions &opts) {
  if ((int64_t)op.getAxis() != op.getType().getRank() - 1)
    return op.emitError("softmax must be over the last axis here; run tt-decompose-graph first");
  MLIRContext *ctx = b.getContext();
  Location loc = op.getLoc();
  TiledView view = TiledView::of(op.getType());
  tile::DataFormat format = grid::getLayout(op.getType()).getFormat(), acc = opts.dstFormat;
  int64_t nt = view.nt, budget = opts.chip.l1Bytes - opts.chip.l1ReservedBytes;
  bool partial = view.cols % 32 != 0;
  if (softmaxRowL1Bytes(op.getType()) > budget)
    return op.emitError() << "a softmax row of " << view.cols
                          << " values does not fit one core's L1; run tt-choose-op-configs, "
                             "which streams it";

  DispatchBuilder db(b, loc, "softmax", splitOverCores(view.batch * view.mt, opts.chip),
                     {op.getInput()}, {op.getType()}, opts);
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineExpr tileOf = d0 * nt + d1; // (row unit, column tile)
  // Every elementwise step of softmax broadcasts the row statistic across columns.
  auto broadcast = [&](tile::BinaryKind k, Value lhs, Value rhs, Value dst) {
    db.binary(k, tile::Broadcast::cols, lhs, rhs, dst);
  };

  db.tileLoop();
  db.loop(db.split().perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    // A reduction of `row` along it into Dst: its first tile starts the accumulator, each later
    // one folds into it, and `finish` turns it into the row's statistic.
    auto reduceRow = [&](tile::ReduceKind kind, Value row,
                         function_ref<void(Value dst)> finish) -> Value {
      Value first = db.rowTile(row, db.index(0));
      Value accumulator =
          db.compute(first, unit, acc, [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
            db.reduce(kind, 0, t[0], dst, false);
          });
      if (nt > 1)
        accumulator = db.loopCarrying(1, nt, accumulator, [&](Value j, ValueRange carried) {
          return SmallVector<Value>{db.compute(
              {carried[0], db.rowTile(row, j)}, {unit, j}, acc,
              [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
                db.copy(t[0], dst);
                db.reduce(kind, 0, t[1], dst, true);
              })};
        })[0];
      return db.compute(accumulator, unit, format,
                        [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
        db.copy(t[0], dst);
        finish(dst);
      });
    };

    Value x = db.loadRow(db.input(0), unit, tileOf, nt);
    Value forMax = x;
    if (partial) {
      Value last = db.compute(db.rowTile(x, db.index(nt - 1)), unit, format,
                              [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
        db.copy(t[0], dst);
        db.mask(dst, db.index(32), db.index(view.cols % 32), kMinusHuge);
      });
      forMax = db.rowInsert(last, x, db.index(nt - 1));
    }
    Value max = reduceRow(tile::ReduceKind::max, forMax, [](Value) {});

    Value exps = db.loopCarrying(0, nt, db.emptyRow(format, nt), [&](Value j, ValueRange row) {
      Value e = db.compute({db.rowTile(x, j), max}, {unit, j}, format,
                           [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value dst) {
        broadcast(tile::BinaryKind::sub, t[0], t[1], dst);
        db.unary(tile::UnaryKind::exp, dst);
        db.mask(dst, db.index(32), db.apply(view.cols - d0 * 32, idx[1]), 0.0f);
      });
      return SmallVector<Value>{db.rowInsert(e, row[0], j)};
    })[0];
    Value scale = reduceRow(tile::ReduceKind::sum, exps, [&](Value dst) {
      db.unary(op.getLog() ? tile::UnaryKind::log : tile::UnaryKind::recip, dst);
    });
    if (op.getLog())
      // The row's offset max + log(sum).
      scale = db.compute({max, scale}, unit, format,
                         [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
        db.binary(tile::BinaryKind::add, tile::Broadcast::none, t[0], t[1], dst);
      });

    db.loop(nt, [&](Value j) {
      Value y = db.compute({db.rowTile(op.getLog() ? x : exps, j), scale}, {unit, j}, format,
                           [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value dst) {
        broadcast(op.getLog() ? tile::BinaryKind::sub : tile::BinaryKind::mul, t[0], t[1], dst);
        db.mask(dst, db.apply(view.rows - (d0 % view.mt) * 32, idx[0]),
                db.apply(view.cols - d0 * 32, idx[1]), 0.0f);
      });
      b.create<grid::StoreOp>(loc, y, db.output(0), db.apply(tileOf, {unit, j}),
                              AffineMapAttr::get(AffineMap::getMultiDimIdentityMap(1, ctx)));
    });
  });
  return db.results()[0];
}
