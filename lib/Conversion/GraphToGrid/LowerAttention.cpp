// graph.sdpa as one FlashAttention-style dispatch. A unit is a block of query tiles (32
// queries each) of one batch element; its core streams the keys and values through L1 in
// chunks of key tiles (32 keys each), each chunk read once for the whole block, and keeps per
// query the running maximum m, the running sum l and the unscaled output O (a row of tiles):
//   s = (q * scale) kt_c (+ mask_c)          scores of the chunk, padding keys at -huge
//   m' = max(m, rowmax(s));  a = exp(m - m')  rescales what came before
//   p = exp(s - m');  l' = l a + rowsum(p);  O' = O a + p v_c
// and writes O / l. The scores never leave the core. The running values live in circular
// buffers used as queues: each query tile's new value is pushed behind the block's old ones,
// which are popped once the chunk is done. Rescaling (a, and O * a) costs the same per chunk
// whatever its size and nothing on the first; the blocks and chunks are the op's
// #grid.attention_config (AttentionPlan.h).
// Keys and values a decoder appends to its cache are read from the cache and the new rows
// (AppendedRows), and queries gathered from rows of a projection as runs of values (RowRuns):
// no dispatch writes them first.
#include "Lowerings.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/AttentionPlan.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

static constexpr float kMinusHuge = -3.0e38f;

/// The tile of a tensor of shape `to` that holds tile (b, row tile, column tile) of `from`
/// (dims d0, d1, d2), where `map` takes `from`'s index to `to`'s and maps whole tiles
/// (wholeTileView).
static AffineExpr tileThrough(AffineMap map, const TiledView &from, ArrayRef<int64_t> to) {
  MLIRContext *ctx = map.getContext();
  return tileThroughMap(map, from.batchShape, getAffineDimExpr(1, ctx) * 32,
                        getAffineDimExpr(2, ctx) * 32, to)
      .first;
}

namespace {
/// Where the kernel reads an operand's tiles: the tensor, and the tile at (batch, row tile,
/// column tile) of the operand as an expression of those three dims; through a remap that is a
/// whole-tile view (attentionReadsThrough), its input's tiles, perhaps transposed.
struct OperandTiles {
  Value source;
  AffineExpr tile;
  bool transposed = false;
  /// Keys or values appended to a cache (attentionReadsAppended): `source` is the cache, whose
  /// last row tile (of keys) gets the new rows from `appended->source`.
  std::optional<AppendedRows> appended;
  /// Queries whose tiles' rows are runs of `source`'s values (RowRuns).
  std::optional<RowRuns> rows;

  static OperandTiles of(OpOperand &use) {
    MLIRContext *ctx = use.getOwner()->getContext();
    AffineExpr b = getAffineDimExpr(0, ctx), rowTile = getAffineDimExpr(1, ctx),
               colTile = getAffineDimExpr(2, ctx);
    TiledView operand = TiledView::of(use.get().getType());
    auto appendedTo = [](Value v) -> std::optional<AppendedRows> {
      Operation *op = v.getDefiningOp();
      return op ? attentionReadsAppended(op) : std::nullopt;
    };
    if (!attentionReadsThrough(use)) {
      std::optional<AppendedRows> appended = appendedTo(use.get());
      return {appended ? appended->cache : use.get(),
              (b * operand.mt + rowTile) * operand.nt + colTile, false, appended, std::nullopt};
    }
    auto remap = use.get().getDefiningOp<graph::RemapOp>();
    if (!wholeTileView(remap))
      return {remap.getInput(), AffineExpr(), false, std::nullopt, rowRuns(remap)};
    bool transposed = *wholeTileView(remap);
    std::optional<AppendedRows> appended = appendedTo(remap.getInput());
    return {appended ? appended->cache : remap.getInput(),
            tileThrough(remap.getMap(), operand, remap.getInput().getType().getShape()),
            transposed, appended, std::nullopt};
  }
};
} // namespace

FailureOr<Value> tessel::lowering::lowerAttention(OpBuilder &b, graph::SDPAOp op, const LoweringOptions &opts) {
  MLIRContext *ctx = b.getContext();
  RankedTensorType outType = op.getType();
  // The output [..., Sq, Dv], which the result holds as it is or through result_map.
  SmallVector<int64_t> outShape(op.getQ().getType().getShape().drop_back(1));
  outShape.push_back(op.getV().getType().getShape().back());
  auto logical = RankedTensorType::get(outShape, outType.getElementType());
  TiledView q = TiledView::of(op.getQ().getType()), kt = TiledView::of(op.getKt().getType());
  TiledView v = TiledView::of(op.getV().getType()), out = TiledView::of(logical);
  SmallVector<int64_t> scoresShape(outShape.begin(), outShape.end() - 1);
  scoresShape.push_back(kt.cols);
  TiledView scores = TiledView::of(RankedTensorType::get(scoresShape, outType.getElementType()));
  int64_t nd = q.nt, nk = kt.nt, ne = v.nt;
  tile::DataFormat format = grid::getLayout(outType).getFormat();
  auto config = op->getAttrOfType<grid::AttentionConfigAttr>(grid::kConfigAttrName);
  if (!config)
    return op.emitError("attention has no grid.config; run tt-choose-op-configs first");
  if (failed(verifyAttentionConfig(op, config)))
    return failure();
  int64_t block = config.getBlock(), chunk = config.getChunk();
  int64_t units = q.batch * q.mt / block;
  bool decode = q.mt == 1 && q.rows < 32;
  int64_t chunks = nk / chunk;
  float scale = op.getScale().convertToFloat();
  bool partialKeys = kt.cols % 32 != 0;

  OperandTiles qIn = OperandTiles::of(op->getOpOperand(0)),
               ktIn = OperandTiles::of(op->getOpOperand(1)),
               vIn = OperandTiles::of(op->getOpOperand(2));
  SmallVector<Value> inputs{qIn.source, ktIn.source, vIn.source};
  if (op.getMask())
    inputs.push_back(op.getMask());
  // Where the keys or values are appended to a cache, the inputs that hold the new rows.
  int64_t ktRowsInput = -1, vRowsInput = -1;
  if (ktIn.appended) {
    ktRowsInput = inputs.size();
    inputs.push_back(ktIn.appended->source);
  }
  if (vIn.appended) {
    vRowsInput = inputs.size();
    inputs.push_back(vIn.appended->source);
  }
  // Causal: the key tile on a query tile's diagonal (Sk - Sq is whole tiles) adds a constant
  // tile that hides the keys after each query; later key tiles are not computed at all.
  bool causal = op.getCausal();
  int64_t diagonalOffset = (kt.cols - q.rows) / 32;
  if (causal) {
    auto plain = RankedTensorType::get({32, 32}, b.getF32Type());
    std::vector<float> values(32 * 32, 0.0f);
    for (int64_t i = 0; i < 32; ++i)
      for (int64_t k = i + 1; k < 32; ++k)
        values[i * 32 + k] = kMinusHuge;
    auto type = RankedTensorType::get({32, 32}, b.getF32Type(),
                                      grid::LayoutAttr::getInterleaved(ctx, format));
    inputs.push_back(b.create<graph::ConstantOp>(NameLoc::get(b.getStringAttr("causal_mask")),
                                                 type, graph::makeF32Elements(plain, values,
                                                                              "causal_mask")));
  }
  int64_t macs = q.batch * q.rows * kt.cols * (q.cols + v.cols);
  DispatchBuilder db(b, op.getLoc(), "sdpa", splitOverCores(units, opts.chip), inputs,
                     {outType}, opts, macs);
  Value cbQ = db.cb(format, block * nd);
  Value cbQScaled = scale != 1.0f ? db.cb(format, block * nd) : cbQ;
  Value cbK = db.cb(format, 2 * chunk * nd), cbV = db.cb(format, 2 * chunk * ne);
  Value cbMask = op.getMask() ? db.cb(format, 2 * block * chunk) : Value();
  Value cbS = db.cb(format, chunk), cbP = db.cb(format, chunk), cbAlpha = db.cb(format, 1);
  Value cbM = db.cb(format, 2 * block), cbL = db.cb(format, 2 * block);
  Value cbO = db.cb(format, 2 * block * ne);
  Value cbStage = db.cb(format, 1), cbOut = db.cb(format, 2);
  Value cbCausal = causal ? db.cb(format, 2) : Value();
  Value causalInput = causal ? db.input(inputs.size() - 1) : Value();
  int64_t perCore = db.split().perCore;

  // Over (unit, query tile of the block, key tile, d or e).
  AffineExpr u = getAffineDimExpr(0, ctx), r = getAffineDimExpr(1, ctx),
             j = getAffineDimExpr(2, ctx), k = getAffineDimExpr(3, ctx);
  AffineExpr qt = u * block + r, batch = (u * block).floorDiv(q.mt), row = qt % q.mt;
  AffineExpr outTile = qt * ne + k;
  if (std::optional<AffineMap> map = op.getResultMap()) {
    if (wholeTileView(*map, outShape, outType.getShape()) != false)
      return op.emitError("result_map must put whole output tiles in place");
    outTile = tileThrough(*map, out, outType.getShape()).replaceDims({batch, row, k});
  }
  AffineExpr qTile = qIn.rows ? AffineExpr() : qIn.tile.replaceDims({batch, row, k});
  AffineExpr ktTile = ktIn.tile.replaceDims({batch, k, j});
  AffineExpr vTile = vIn.tile.replaceDims({batch, j, k});
  AffineExpr maskTile;
  tile::Broadcast maskBroadcast = tile::Broadcast::none;
  if (op.getMask()) {
    TiledView m = TiledView::of(op.getMask().getType());
    maskTile = broadcastTileIndex(m, scores, batch, row, j);
    maskBroadcast = inTileBroadcast(m, scores);
  }
  AffineExpr x = getAffineDimExpr(0, ctx), y = getAffineDimExpr(1, ctx);
  // The chunks a unit computes: causal blocks stop at their last query tile's diagonal.
  AffineExpr unitChunks = getAffineConstantExpr(chunks, ctx);
  if (causal)
    unitChunks = (((x * block + block - 1) % q.mt) + diagonalOffset).floorDiv(chunk) + 1;
  // Key tile t of chunk c against query tile qi of unit u: (u, qi, c, t) -> 1 when it is
  // after (`hidden`) or on (`diagonal`) the query tile's diagonal. step(e) = [e >= 0] for the
  // small |e| these take.
  int64_t far = 4 * (nk + q.mt + 1);
  auto step = [&](AffineExpr e) { return (e + far).floorDiv(far); };
  AffineExpr keyAfterDiagonal = getAffineDimExpr(2, ctx) * chunk + getAffineDimExpr(3, ctx) -
                                ((getAffineDimExpr(0, ctx) * block + getAffineDimExpr(1, ctx)) %
                                 q.mt) - diagonalOffset;
  AffineExpr hidden = step(keyAfterDiagonal - 1);
  AffineExpr diagonal = step(keyAfterDiagonal) - hidden;
  /// x * width + y: a position in a buffer of width-tile rows.
  auto at = [&](Value a, int64_t width, Value c) { return db.apply(x * width + y, {a, c}); };

  db.kernel(noc::ThreadKind::reader);
  Value zero = db.index(0);
  // Rows first .. first + count - 1 of `slot` as runs of 32 values of `input`, row i's from
  // `tile` at `offset` (over d0 = batch, d1 = i, d2 = column tile), and zeros below them.
  auto readRuns = [&](int64_t input, AffineExpr tile, AffineExpr offset, int64_t first,
                      int64_t count, Value unit, Value col, Value cb, Value slot) {
    AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
               d2 = getAffineDimExpr(2, ctx);
    AffineExpr b = batch.replaceDims({d0});
    db.loop(count, [&](Value i) {
      db.readSpan(db.input(input), db.apply(tile.replaceDims({b, d1, d2}), {unit, i, col}),
                  db.apply(offset.replaceDims({b, d1, d2}), {unit, i, col}), cb, slot,
                  db.apply((d0 + first) * 32, i), 32);
    });
    if (int64_t end = first + count; end < 32)
      db.fillSpan(db.input(input), cb, slot, db.index(end * 32), (32 - end) * 32, 0.0f);
  };
  // Key tile `key`, column tile `col` of keys or values into `slot`: a tile of the operand, or,
  // appended to a cache, of the cache, whose last row tile (of keys) takes the cache's rows and
  // the new ones as spans of values instead (and zeros below them), all landing at once.
  auto readKeyTile = [&](const OperandTiles &in, int64_t input, int64_t rowsInput,
                         AffineExpr tileExpr, Value unit, Value key, Value col, Value cb,
                         Value slot) {
    Value tileIndex = db.apply(tileExpr, {unit, zero, key, col});
    if (!in.appended) {
      db.read(db.input(input), tileIndex, cb, slot);
      return;
    }
    const AppendedRows &rows = *in.appended;
    AffineExpr d0 = getAffineDimExpr(0, ctx);
    AffineExpr isLast = nk > 1 ? d0.floorDiv(nk - 1) : getAffineConstantExpr(1, ctx);
    db.loop(db.apply(1 - isLast, key), [&](Value) {
      db.read(db.input(input), tileIndex, cb, slot);
    });
    db.loop(db.apply(isLast, key), [&](Value) {
      int64_t kept = rows.first % 32;
      db.readSpan(db.input(input), tileIndex, zero, cb, slot, zero, kept * 32);
      readRuns(rowsInput, rows.sourceTile, rows.sourceOffset, kept, rows.count, unit, col, cb,
               slot);
    });
  };
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    db.reserve(cbQ, block * nd);
    db.loop(block, [&](Value qi) {
      db.loop(nd, [&](Value d) {
        if (!qIn.rows) {
          db.read(db.input(0), db.apply(qTile, {unit, qi, zero, d}), cbQ, at(qi, nd, d));
          return;
        }
        readRuns(0, qIn.rows->sourceTile, qIn.rows->sourceOffset, 0, qIn.rows->rows, unit, d,
                 cbQ, at(qi, nd, d));
      });
    });
    if (causal) {
      db.reserve(cbCausal, 1);
      db.read(causalInput, zero, cbCausal, zero);
    }
    // A decoder's query tiles land with the first key tile (one round trip a unit); a longer
    // sequence's on their own, so that compute scales them while the first chunk comes.
    auto pushQueries = [&] {
      db.push(cbQ, block * nd);
      if (causal)
        db.push(cbCausal, 1);
    };
    if (!decode) {
      db.barrier();
      pushQueries();
    }
    db.loop(db.apply(unitChunks, {unit}), [&](Value c) {
      db.reserve(cbK, chunk * nd);
      if (cbMask)
        db.reserve(cbMask, block * chunk);
      db.reserve(cbV, chunk * ne);
      db.loop(chunk, [&](Value t) {
        Value key = at(c, chunk, t);
        db.loop(nd, [&](Value d) {
          readKeyTile(ktIn, 1, ktRowsInput, ktTile, unit, key, d, cbK, at(t, nd, d));
        });
        db.loop(ne, [&](Value e) {
          readKeyTile(vIn, 2, vRowsInput, vTile, unit, key, e, cbV, at(t, ne, e));
        });
        if (cbMask)
          db.loop(block, [&](Value qi) {
            db.read(db.input(3), db.apply(maskTile, {unit, qi, key}), cbMask,
                    at(qi, chunk, t));
          });
      });
      db.barrier();
      if (decode)
        db.loop(db.apply(1 - getAffineDimExpr(0, ctx).ceilDiv(chunks), c),
                [&](Value) { pushQueries(); });
      db.push(cbK, chunk * nd);
      if (cbMask)
        db.push(cbMask, block * chunk);
      db.push(cbV, chunk * ne);
    });
  });

  db.kernel(noc::ThreadKind::compute);
  zero = db.index(0);
  // A value packed behind what a buffer holds is this thread's to read at once.
  /// The first `n` tiles of `from`, each put into Dst[0] by `fn`, packed into `to`; `from`
  /// gives them up.
  auto eachTile = [&](Value from, Value to, int64_t n, function_ref<void(Value)> fn) {
    db.reserve(to, n);
    db.loop(n, [&](Value t) {
      db.acquireDst();
      fn(db.get(from, t));
      db.pack(zero, to, t);
      db.releaseDst();
    });
    db.push(to, n);
    db.wait(to, n);
    db.pop(from, n);
  };
  Value one = db.index(1), two = db.index(2), three = db.index(3), full = db.index(32);
  // Rescaling by a = exp(m - m') only after the first chunk: before it m is -huge, so a is
  // zero, and l and O start from the cleared Dst instead.
  auto onLaterChunks = [&](Value c, function_ref<void()> fn) {
    if (chunks > 1)
      db.loop(db.apply(getAffineDimExpr(0, ctx).ceilDiv(chunks), {c}), [&](Value) { fn(); });
  };
  db.loop(perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    // m starts at -huge, l and O at zero; q is scaled once for all the keys.
    db.acquireDst();
    db.loop(block, [&](Value) {
      db.packOne(zero, cbL);
      db.loop(ne, [&](Value) { db.packOne(zero, cbO); });
    });
    db.mask(zero, zero, zero, kMinusHuge);
    db.loop(block, [&](Value) { db.packOne(zero, cbM); });
    db.releaseDst();
    db.wait(cbL, block);
    db.wait(cbM, block);
    db.wait(cbO, block * ne);
    db.wait(cbQ, block * nd);
    if (cbQScaled != cbQ)
      eachTile(cbQ, cbQScaled, block * nd, [&](Value tileValue) {
        db.copy(tileValue, zero);
        db.unary(tile::UnaryKind::scale, zero, scale);
      });

    if (causal)
      db.wait(cbCausal, 1);
    db.loop(db.apply(unitChunks, {unit}), [&](Value c) {
      db.wait(cbK, chunk * nd);
      if (cbMask)
        db.wait(cbMask, block * chunk);
      db.wait(cbV, chunk * ne);
      db.loop(block, [&](Value qi) {
        // Query tile qi's scores over the chunk, a key tile at a time.
        db.reserve(cbS, chunk);
        db.loop(chunk, [&](Value t) {
          db.acquireDst();
          auto scores = [&] {
            db.loop(nd, [&](Value d) {
              // Keys read as tiles of K (not of K^T): the unpacker transposes them.
              db.matmul(db.get(cbQScaled, at(qi, nd, d)), db.get(cbK, at(t, nd, d)), zero,
                        ktIn.transposed);
            });
          };
          if (causal) {
            SmallVector<Value> where{unit, qi, c, t};
            db.loop(db.apply(1 - hidden, where), [&](Value) { scores(); });
            db.loop(db.apply(diagonal, where), [&](Value) {
              db.packOne(zero, cbStage);
              db.binary(tile::BinaryKind::add, tile::Broadcast::none, db.get(cbStage, zero),
                        db.get(cbCausal, zero), zero);
              db.pop(cbStage, 1);
            });
            db.loop(db.apply(hidden, where), [&](Value) {
              db.mask(zero, zero, zero, kMinusHuge);
            });
          } else {
            scores();
          }
          if (cbMask) {
            db.packOne(zero, cbStage);
            db.binary(tile::BinaryKind::add, maskBroadcast, db.get(cbStage, zero),
                      db.get(cbMask, at(qi, chunk, t)), zero);
            db.pop(cbStage, 1);
          }
          if (partialKeys)
            db.mask(zero, full, db.apply(kt.cols - (x * chunk + y) * 32, {c, t}), kMinusHuge);
          db.pack(zero, cbS, t);
          db.releaseDst();
        });
        db.push(cbS, chunk);
        db.wait(cbS, chunk);

        // m' = max(m, rowmax(s)) and l' = l a + rowsum(p) behind the block's old values,
        // with a = exp(m - m') and p = exp(s - m').
        Value old = qi, fresh = db.apply(x + block, {qi});
        db.acquireDst();
        db.copy(db.get(cbM, old), one);
        db.loop(chunk, [&](Value t) {
          db.reduce(tile::ReduceKind::max, 0, db.get(cbS, t), one, /*accumulate=*/true);
        });
        db.packOne(one, cbM);
        onLaterChunks(c, [&] {
          db.binary(tile::BinaryKind::sub, tile::Broadcast::none, db.get(cbM, old),
                    db.get(cbM, fresh), two);
          db.unary(tile::UnaryKind::exp, two);
          db.packOne(two, cbAlpha);
          db.binary(tile::BinaryKind::mul, tile::Broadcast::none, db.get(cbL, old),
                    db.get(cbAlpha, zero), three);
        });
        db.reserve(cbP, chunk);
        db.loop(chunk, [&](Value t) {
          db.binary(tile::BinaryKind::sub, tile::Broadcast::cols, db.get(cbS, t),
                    db.get(cbM, fresh), zero);
          db.unary(tile::UnaryKind::exp, zero);
          db.pack(zero, cbP, t);
        });
        db.push(cbP, chunk);
        db.wait(cbP, chunk);
        db.loop(chunk, [&](Value t) {
          db.reduce(tile::ReduceKind::sum, 0, db.get(cbP, t), three, /*accumulate=*/true);
        });
        db.packOne(three, cbL);
        db.pop(cbS, chunk);
        db.releaseDst();

        // O' = O a + p v, a tile of O at a time, behind the block's old O.
        db.loop(ne, [&](Value e) {
          db.acquireDst();
          onLaterChunks(c, [&] {
            db.binary(tile::BinaryKind::mul, tile::Broadcast::cols,
                      db.get(cbO, at(qi, ne, e)), db.get(cbAlpha, zero), zero);
          });
          db.loop(chunk, [&](Value t) {
            db.matmul(db.get(cbP, t), db.get(cbV, at(t, ne, e)), zero);
          });
          db.reserve(cbO, 1);
          db.pack(zero, cbO, zero);
          db.push(cbO, 1);
          db.releaseDst();
        });
        onLaterChunks(c, [&] { db.pop(cbAlpha, 1); });
        db.pop(cbP, chunk);
      });
      db.pop(cbM, block);
      db.pop(cbL, block);
      db.pop(cbO, block * ne);
      db.wait(cbM, block);
      db.wait(cbL, block);
      db.wait(cbO, block * ne);
      db.pop(cbK, chunk * nd);
      if (cbMask)
        db.pop(cbMask, block * chunk);
      db.pop(cbV, chunk * ne);
    });

    // O / l, with the padding rows and columns zeroed.
    db.loop(block, [&](Value qi) {
      db.acquireDst();
      db.copy(db.get(cbL, qi), one);
      db.unary(tile::UnaryKind::recip, one);
      db.packOne(one, cbStage);
      db.loop(ne, [&](Value e) {
        db.binary(tile::BinaryKind::mul, tile::Broadcast::cols, db.get(cbO, at(qi, ne, e)),
                  db.get(cbStage, zero), zero);
        db.mask(zero, db.apply(out.rows - (qt % out.mt) * 32, {unit, qi}),
                db.apply(out.cols - x * 32, {e}), 0.0f);
        db.packOne(zero, cbOut);
      });
      db.releaseDst();
      db.pop(cbStage, 1);
    });
    db.pop(cbO, block * ne);
    db.pop(cbL, block);
    db.pop(cbM, block);
    db.pop(cbQScaled, block * nd);
    if (causal)
      db.pop(cbCausal, 1);
  });

  // Tile t of a unit's block is query tile t floordiv ne's column tile t mod ne.
  db.kernel(noc::ThreadKind::writer);
  db.writeUnits(block * ne, cbOut,
                outTile.replaceDims({x, y.floorDiv(ne), getAffineConstantExpr(0, ctx), y % ne}));
  return db.results()[0];
}
