// graph.softmax over the last axis, one row of tiles per unit:
//   max = rowmax(x); e = exp(x - max); y = e * (1 / rowsum(e)),
// or with `log`: y = x - (max + log(rowsum(e))), never taking the log of a rounded quotient.
// Partial tiles are masked so that padding neither wins the max nor adds to the sum.
#include "Lowerings.h"
#include "tessel/Transforms/StreamSoftmax.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

static constexpr float kMinusHuge = -3.0e38f;

FailureOr<Value> tessel::lowering::lowerSoftmax(OpBuilder &b, graph::SoftmaxOp op, const LoweringOptions &opts) {
  if ((int64_t)op.getAxis() != op.getType().getRank() - 1)
    return op.emitError("softmax must be over the last axis here; run tt-decompose-graph first");
  MLIRContext *ctx = b.getContext();
  TiledView view = TiledView::of(op.getType());
  tile::DataFormat format = grid::getLayout(op.getType()).getFormat();
  int64_t nt = view.nt, budget = opts.chip.l1Bytes - opts.chip.l1ReservedBytes;
  bool partial = view.cols % 32 != 0;
  if (softmaxRowL1Bytes(op.getType()) > budget)
    return op.emitError() << "a softmax row of " << view.cols
                          << " values does not fit one core's L1; run tt-choose-op-configs, "
                             "which streams it";

  DispatchBuilder db(b, op.getLoc(), "softmax", splitOverCores(view.batch * view.mt, opts.chip),
                     {op.getInput()}, {op.getType()}, opts);
  Value cbIn = db.cb(format, nt), cbExp = db.cb(format, nt), cbMax = db.cb(format, 1),
        cbSum = db.cb(format, op.getLog() ? 2 : 1), cbOut = db.cb(format, 2);
  Value cbLast = partial ? db.cb(format, 1) : Value();
  int64_t perCore = db.split().perCore;
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineExpr tileOf = d0 * nt + d1; // (row unit, column tile)

  db.kernel(noc::ThreadKind::reader);
  db.readUnits(nt, cbIn, tileOf);

  db.kernel(noc::ThreadKind::compute);
  // Every elementwise step of softmax broadcasts the row statistic across columns.
  auto binary = [&](tile::BinaryKind k, Value lhs, Value rhs, Value dst) {
    db.binary(k, tile::Broadcast::cols, lhs, rhs, dst);
  };
  auto reduce = [&](tile::ReduceKind k, Value src, Value dst, bool accumulate) {
    db.reduce(k, 0, src, dst, accumulate);
  };
  /// Row reduction over the nt tiles of `cb`, with `last` standing in for the final tile.
  auto reduceRow = [&](tile::ReduceKind k, Value cb, Value last, Value dst) {
    reduce(k, nt == 1 && last ? last : db.get(cb, db.index(0)), dst, false);
    if (nt > 2)
      db.loop(nt - 2, [&](Value iv) {
        reduce(k, db.get(cb, db.apply(d0 + 1, iv)), dst, true);
      });
    if (nt > 1)
      reduce(k, last ? last : db.get(cb, db.index(nt - 1)), dst, true);
  };

  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv), zero = db.index(0), full = db.index(32);
    db.wait(cbIn, nt);
    Value last;
    if (partial) {
      db.acquireDst();
      db.copy(db.get(cbIn, db.index(nt - 1)), zero);
      db.mask(zero, full, db.index(view.cols % 32), kMinusHuge);
      db.reserve(cbLast, 1);
      db.pack(zero, cbLast, zero);
      db.push(cbLast, 1);
      db.releaseDst();
      db.wait(cbLast, 1);
      last = db.get(cbLast, zero);
    }
    db.acquireDst();
    reduceRow(tile::ReduceKind::max, cbIn, last, zero);
    db.reserve(cbMax, 1);
    db.pack(zero, cbMax, zero);
    db.push(cbMax, 1);
    db.releaseDst();
    db.wait(cbMax, 1);
    if (partial)
      db.pop(cbLast, 1);

    db.reserve(cbExp, nt);
    db.loop(nt, [&](Value j) {
      db.acquireDst();
      binary(tile::BinaryKind::sub, db.get(cbIn, j), db.get(cbMax, zero), zero);
      db.unary(tile::UnaryKind::exp, zero);
      db.mask(zero, full, db.apply(view.cols - d0 * 32, j), 0.0f);
      db.pack(zero, cbExp, j);
      db.releaseDst();
    });
    db.push(cbExp, nt);
    if (!op.getLog())
      db.pop(cbMax, 1);

    db.wait(cbExp, nt);
    db.acquireDst();
    reduceRow(tile::ReduceKind::sum, cbExp, Value(), zero);
    db.unary(op.getLog() ? tile::UnaryKind::log : tile::UnaryKind::recip, zero);
    db.reserve(cbSum, 1);
    db.pack(zero, cbSum, zero);
    db.push(cbSum, 1);
    db.releaseDst();
    db.wait(cbSum, 1);
    if (op.getLog()) {
      // The row offset max + log(sum) replaces log(sum) at the front of cbSum.
      db.acquireDst();
      db.binary(tile::BinaryKind::add, tile::Broadcast::none, db.get(cbMax, zero),
                db.get(cbSum, zero), zero);
      db.reserve(cbSum, 1);
      db.pack(zero, cbSum, zero);
      db.push(cbSum, 1);
      db.releaseDst();
      db.pop(cbSum, 1);
      db.pop(cbMax, 1);
      db.wait(cbSum, 1);
    }

    db.loop(nt, [&](Value j) {
      db.acquireDst();
      if (op.getLog())
        binary(tile::BinaryKind::sub, db.get(cbIn, j), db.get(cbSum, zero), zero);
      else
        binary(tile::BinaryKind::mul, db.get(cbExp, j), db.get(cbSum, zero), zero);
      db.mask(zero, db.apply(view.rows - (d0 % view.mt) * 32, unit),
           db.apply(view.cols - d0 * 32, j), 0.0f);
      db.reserve(cbOut, 1);
      db.pack(zero, cbOut, zero);
      db.push(cbOut, 1);
      db.releaseDst();
    });
    db.pop(cbExp, nt);
    db.pop(cbSum, 1);
    db.pop(cbIn, nt);
  });

  db.kernel(noc::ThreadKind::writer);
  db.writeUnits(nt, cbOut, tileOf);
  return db.results()[0];
}
