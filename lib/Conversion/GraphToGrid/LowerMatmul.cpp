// graph.matmul: each core computes output sub-blocks of sh x sw tiles, accumulating over K in Dst
// while the reader streams kb-tile chunks of A's rows and B's columns.
#include "DispatchBuilder.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

/// Chunks of at most this many K tiles let the reader fetch chunk k+1 while compute works on
/// chunk k, without paying the multicast handshake too often. Measured on the first matmul of the
/// 1024-wide MLP (batch 32, fp32): 50.8k, 41.9k, 38.1k and 39.1k cycles for chunks of 2, 4, 8 and
/// 32 tiles.
static constexpr int64_t kMaxKChunk = 8;

namespace {
struct MatmulTiling {
  int64_t sh = 1, sw = 1, kb = 1;
  CoreSplit split;
};
} // namespace

/// Sub-block sizes: as many cores busy as possible first, then the largest sub-block Dst holds
/// (fewer re-reads of A and B); then the largest K chunk, up to kMaxKChunk tiles, whose
/// double-buffered tiles fit L1.
static FailureOr<MatmulTiling> chooseTiling(const TiledView &a, const TiledView &out,
                                            tile::DataFormat format,
                                            const LoweringOptions &opts, Operation *op) {
  MatmulTiling best;
  int64_t bestCores = 0;
  for (int64_t sh = 1; sh <= out.mt; ++sh) {
    if (out.mt % sh)
      continue;
    for (int64_t sw = 1; sw <= out.nt && sh * sw <= opts.dstCapacity(); ++sw) {
      if (out.nt % sw)
        continue;
      CoreSplit split = splitOverCores(out.batch * (out.mt / sh) * (out.nt / sw), opts.chip);
      if (split.cores() > bestCores ||
          (split.cores() == bestCores && sh * sw > best.sh * best.sw)) {
        best = MatmulTiling{sh, sw, 1, split};
        bestCores = split.cores();
      }
    }
  }
  int64_t kt = a.nt, budget = opts.chip.l1Bytes - opts.chip.l1ReservedBytes;
  int64_t tileBytes = tile::tileBytes(format);
  auto bytes = [&](int64_t kb) {
    return (2 * best.sh * kb + 2 * kb * best.sw + 2 * best.sh * best.sw) * tileBytes;
  };
  best.kb = 0;
  for (int64_t kb = std::min(kt, kMaxKChunk); kb >= 1; --kb)
    if (kt % kb == 0 && bytes(kb) <= budget) {
      best.kb = kb;
      break;
    }
  if (best.kb == 0)
    return op->emitError() << "matmul needs " << bytes(1) << " bytes of L1 per core at the "
                           << "smallest blocking, more than the " << budget << " available";
  return best;
}

FailureOr<Value> tessel::lowering::lowerMatmul(graph::MatMulOp op, const LoweringOptions &opts) {
  OpBuilder b(op);
  TiledView a = TiledView::of(op.getLhs().getType()), bv = TiledView::of(op.getRhs().getType());
  TiledView out = TiledView::of(op.getType());
  tile::DataFormat format = grid::getLayout(op.getType()).getFormat();
  FailureOr<MatmulTiling> tiling = chooseTiling(a, out, format, opts, op);
  if (failed(tiling))
    return failure();
  int64_t sh = tiling->sh, sw = tiling->sw, kb = tiling->kb, kChunks = a.nt / kb;
  int64_t ms = out.mt / sh, ns = out.nt / sw;
  int64_t macs = out.batch * out.rows * out.cols * a.cols;

  DispatchBuilder db(b, op.getLoc(), "matmul", tiling->split, {op.getLhs(), op.getRhs()},
                     {op.getType()}, opts, macs);
  Value cbA = db.cb(format, 2 * sh * kb), cbB = db.cb(format, 2 * kb * sw);
  Value cbOut = db.cb(format, 2 * sh * sw);
  int64_t perCore = db.split().perCore;

  // Unit u is sub-block (batch, row block, col block); d1.. are loop counters.
  AffineExpr u = b.getAffineDimExpr(0), kc = b.getAffineDimExpr(1), i = b.getAffineDimExpr(2),
             j = b.getAffineDimExpr(3);
  AffineExpr batch = u.floorDiv(ms * ns), rowBlock = u.floorDiv(ns) % ms, colBlock = u % ns;
  // A tile (i, k) and B tile (k, j) of chunk kc; `i`/`j` double as the k counter.
  AffineExpr aTile = broadcastTileIndex(a, out, batch, rowBlock * sh + i, kc * kb + j);
  AffineExpr bTile = broadcastTileIndex(bv, out, batch, kc * kb + i, colBlock * sw + j);
  AffineExpr cTile = (batch * out.mt + rowBlock * sh + i) * out.nt + colBlock * sw + j;

  // When every core walks the same row block of A (one row block in all: the usual shape of a
  // batch of activations times a weight), core 0 reads each chunk of A once and multicasts it;
  // semaphore 0 counts the receivers that have room for it, semaphore 1 tells them it landed.
  int64_t cores = db.split().cores();
  bool multicastA = cores > 1 && out.batch * ms == 1;
  AffineExpr core = b.getAffineDimExpr(0);
  AffineExpr isReceiver = core.ceilDiv(cores), isSender = 1 - isReceiver;

  db.kernel(noc::ThreadKind::reader);
  auto readA = [&](Value unit, Value chunk) {
    db.loop(sh, [&](Value r) {
      db.loop(kb, [&](Value k) {
        db.read(db.input(0), db.apply(aTile, {unit, chunk, r, k}), cbA,
                db.apply(i * kb + j, {unit, chunk, r, k}));
      });
    });
  };
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    db.loop(kChunks, [&](Value chunk) {
      db.reserve(cbA, sh * kb);
      if (!multicastA) {
        readA(unit, chunk);
      } else {
        db.when(isSender, [&] {
          readA(unit, chunk);
          db.barrier();
          db.semWait(0, db.index(cores - 1));
          db.loop(sh * kb, [&](Value slot) { db.multicast(cbA, slot); });
          db.barrier();
          db.loop(cores - 1, [&](Value c) {
            AffineExpr receiver = b.getAffineDimExpr(0) + 1;
            db.semInc(db.apply(receiver % db.split().width, c),
                      db.apply(receiver.floorDiv(db.split().width), c), 1, 1);
          });
        });
        db.when(isReceiver, [&] {
          db.semInc(db.index(0), db.index(0), 0, 1);
          db.semWait(1, db.index(1));
        });
      }
      db.reserve(cbB, kb * sw);
      db.loop(kb, [&](Value k) {
        db.loop(sw, [&](Value c) {
          db.read(db.input(1), db.apply(bTile, {unit, chunk, k, c}), cbB,
                  db.apply(i * sw + j, {unit, chunk, k, c}));
        });
      });
      db.barrier();
      db.push(cbA, sh * kb);
      db.push(cbB, kb * sw);
    });
  });

  db.kernel(noc::ThreadKind::compute);
  db.loop(perCore, [&](Value) {
    db.acquireDst();
    db.loop(kChunks, [&](Value) {
      db.wait(cbA, sh * kb);
      db.wait(cbB, kb * sw);
      db.loop(sh, [&](Value r) {
        db.loop(sw, [&](Value c) {
          db.loop(kb, [&](Value k) {
            AffineExpr r0 = b.getAffineDimExpr(0), c0 = b.getAffineDimExpr(1),
                       k0 = b.getAffineDimExpr(2);
            Value lhs = db.get(cbA, db.apply(r0 * kb + k0, {r, c, k}));
            Value rhs = db.get(cbB, db.apply(k0 * sw + c0, {r, c, k}));
            db.matmul(lhs, rhs, db.apply(r0 * sw + c0, {r, c, k}));
          });
        });
      });
      db.pop(cbA, sh * kb);
      db.pop(cbB, kb * sw);
    });
    db.reserve(cbOut, sh * sw);
    db.loop(sh * sw, [&](Value d) { db.pack(d, cbOut, d); });
    db.push(cbOut, sh * sw);
    db.releaseDst();
  });

  db.kernel(noc::ThreadKind::writer);
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    db.wait(cbOut, sh * sw);
    db.loop(sh, [&](Value r) {
      db.loop(sw, [&](Value c) {
        Value zero = db.index(0);
        db.write(cbOut, db.apply(i * sw + j, {unit, zero, r, c}), db.output(0),
                 db.apply(cTile, {unit, zero, r, c}));
      });
    });
    db.barrier();
    db.pop(cbOut, sh * sw);
  });
  return db.results()[0];
}
