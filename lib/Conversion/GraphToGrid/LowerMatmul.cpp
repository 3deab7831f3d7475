// graph.matmul, blocked as its #grid.matmul_config says: each core of the rectangle accumulates
// an output block over K chunks, in Dst-sized subblocks whose partial sums wait in L1 between
// chunks; operands shared by a row or column of cores (or the whole rectangle) are read from
// DRAM by one of them, or by several at once when a chunk has few pieces (cost::spreadsChunk),
// and multicast to the rest.
#include "Lowerings.h"
#include "tessel/Transforms/AbsorbedRemaps.h"
#include "tessel/Transforms/MatmulProblem.h"

#include <limits>

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

namespace {

/// The cores that share an operand's chunks: a row of the rectangle (the lhs of a
/// two-dimensional grid), a column (its rhs) or the whole rectangle (a one-dimensional grid),
/// within the core's own group of rectangles. Expressions are over d0 = the core's linear index,
/// and d1 = a member's number in the group (0 .. n-1) for the member's coordinates.
struct Sharing {
  bool shared = false;
  int64_t n = 1;
  AffineExpr pos;              // the core's own number in its group
  AffineExpr rotation;         // where the senders start in the core's group
  AffineExpr memberX, memberY; // of member d1
  AffineExpr x0, y0, x1, y1;   // the multicast rectangle, the sender's own core included
};

/// Semaphores of one multicast operand: every core counts into `ready` on each sender of a
/// chunk when its buffer has room; each sender raises every other core's `landed` once its
/// pieces are there.
struct Semaphores {
  int64_t ready, landed;
};

} // namespace

/// Rows of cores share the lhs and columns the rhs in a two-dimensional grid; in a
/// one-dimensional one, the whole rectangle shares the operand. The senders move along their
/// row (column, rectangle) from chunk to chunk, and the rows (columns) start at different
/// places, so that the DRAM responses of the senders of one chunk travel different NoC links.
static Sharing sharingOf(MLIRContext *ctx, grid::MatmulConfigAttr config, bool lhs) {
  int64_t w = config.getCoresX(), h = config.getCoresY();
  AffineExpr c = getAffineDimExpr(0, ctx), k = getAffineDimExpr(1, ctx);
  // The rectangles of groups are stacked in y: `top` is the core's group's first row and
  // `local` the core's index in its rectangle.
  bool grouped = config.getGroups() > 1;
  AffineExpr x = c % w, y = c.floorDiv(w);
  AffineExpr top = grouped ? c.floorDiv(w * h) * h : getAffineConstantExpr(0, ctx);
  AffineExpr local = grouped ? c % (w * h) : c;
  auto constant = [&](int64_t v) { return getAffineConstantExpr(v, ctx); };
  Sharing s;
  if (!config.isMulticast())
    return s;
  if (config.isTwoDimensional()) {
    s.shared = true;
    if (lhs) {
      s.n = w, s.pos = x, s.rotation = y;
      s.memberX = k, s.memberY = y;
      s.x0 = constant(0), s.y0 = y, s.x1 = constant(w - 1), s.y1 = y;
    } else {
      s.n = h, s.pos = y - top, s.rotation = x;
      s.memberX = x, s.memberY = top + k;
      s.x0 = x, s.y0 = top, s.x1 = x, s.y1 = top + (h - 1);
    }
    return s;
  }
  bool sharedOperand = lhs ? config.getGridM() == 1 : config.getGridN() == 1;
  if (!sharedOperand || w * h == 1)
    return s;
  s.shared = true;
  s.n = w * h, s.pos = local, s.rotation = constant(0);
  s.memberX = k % w, s.memberY = top + k.floorDiv(w);
  s.x0 = constant(0), s.y0 = top, s.x1 = constant(w - 1), s.y1 = top + (h - 1);
  return s;
}

/// Fills `cb` with chunk `g` (of `total`) of an operand, cut as `cp` says: `readTile(g, piece,
/// i, slot)` brings tile i of a piece of chunk g into `slot` from DRAM, or a sender sends it;
/// `slotOf(piece, i)` is its slot within the chunk.
/// A shared chunk's pieces go to `cp.senders` senders, consecutive members of the group, so that
/// their DRAM reads overlap; each multicasts a piece as soon as it has landed, so that the
/// multicast of one piece overlaps the read of the next. Where `prefetchAfter` (0 or 1,
/// over d0 = g) allows, a sender of the next chunk reads the first piece of its share while it
/// waits for this one, into the buffer's other half, so that chunks with different senders do
/// not wait for each other's reads. That waits for compute to free the chunk before: the thread
/// must owe compute nothing else meanwhile.
static void feedChunk(DispatchBuilder &db, Value cb, Value g, int64_t total,
                      AffineExpr prefetchAfter, const cost::ChunkPieces &cp, const Sharing &s,
                      Semaphores sem,
                      function_ref<void(Value g, Value piece, Value i, Value slot)> readTile,
                      function_ref<Value(Value piece, Value i)> slotOf) {
  MLIRContext *ctx = db.context();
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
             d2 = getAffineDimExpr(2, ctx);
  int64_t pieces = cp.pieces, pieceTiles = cp.shape.rows * cp.shape.cols;
  int64_t chunkTiles = pieces * pieceTiles;
  // Piece `piece` of chunk `chunk`, `ahead` chunks past the write pointer.
  auto readPiece = [&](Value chunk, Value piece, int64_t ahead) {
    db.loop(pieceTiles, [&](Value i) {
      readTile(chunk, piece, i, db.apply(d0 + ahead * chunkTiles, slotOf(piece, i)));
    });
  };
  if (!s.shared) {
    db.reserve(cb, chunkTiles);
    db.loop(pieces, [&](Value piece) { readPiece(g, piece, 0); });
    db.barrier();
    db.push(cb, chunkTiles);
    return;
  }
  int64_t senders = cp.senders, perSender = pieces / senders;
  // Over d0 = core, d1 = chunk: the first sender's member number, and the core's place after
  // it (a sender if below `senders`).
  AffineExpr first = (s.rotation + d1 * senders) % s.n;
  AffineExpr place = (s.pos - first) % s.n;
  AffineExpr isSender = 1 - place.floorDiv(senders).ceilDiv(s.n);
  AffineExpr firstPiece = place * perSender;
  Value core = db.core();
  Value next = db.apply(d0 + 1, g);
  // Member `m`'s coordinates, with m over (d0 = core, d1 = chunk, d2 = q).
  auto at = [&](AffineExpr m, Value q) {
    return std::make_pair(db.apply(s.memberX.replaceDims({d0, m}), {core, g, q}),
                          db.apply(s.memberY.replaceDims({d0, m}), {core, g, q}));
  };
  auto multicastPiece = [&](Value piece) {
    db.loop(pieceTiles, [&](Value i) {
      db.multicast(cb, slotOf(piece, i), db.apply(s.x0, core), db.apply(s.y0, core),
                   db.apply(s.x1, core), db.apply(s.y1, core));
    });
  };
  // The first chunk's senders' first pieces; later chunks had theirs read during the chunk
  // before, where it allowed.
  db.reserve(cb, chunkTiles);
  AffineExpr prefetched = (prefetchAfter.replaceDims({d0 - 1}) + d0.ceilDiv(total)).floorDiv(2);
  db.loop(db.apply(isSender, {core, g}), [&](Value) {
    db.loop(db.apply(1 - prefetched, g),
            [&](Value) { readPiece(g, db.apply(firstPiece, {core, g}), 0); });
  });
  // Room here for the chunk: tell every other sender.
  Value mine = db.apply(place, {core, g});
  db.loop(senders, [&](Value q) {
    db.loop(db.apply(((d0 - d1) % s.n).ceilDiv(s.n), {q, mine}), [&](Value) {
      auto [x, y] = at((first + d2) % s.n, q);
      db.semInc(x, y, sem.ready, 1);
    });
  });
  db.loop(db.apply(isSender, {core, g}), [&](Value) {
    db.barrier();
    db.semWait(sem.ready, db.index(s.n - 1));
    multicastPiece(db.apply(firstPiece, {core, g}));
    db.loop(perSender - 1, [&](Value rest) {
      Value piece = db.apply(firstPiece.replaceDims({d0, d1}) + d2 + 1, {core, g, rest});
      readPiece(g, piece, 0);
      db.barrier();
      multicastPiece(piece);
    });
    db.barrier();
    db.loop(s.n - 1, [&](Value r) {
      auto [x, y] = at((s.pos + d2 + 1) % s.n, r);
      db.semInc(x, y, sem.landed, 1);
    });
  });
  // The next chunk's first piece, if this core sends one: it waits for the previous chunk to
  // leave the buffer's other half.
  db.loop(db.apply(prefetchAfter, g), [&](Value) {
    db.loop(db.apply(isSender, {core, next}), [&](Value) {
      db.reserve(cb, 2 * chunkTiles);
      readPiece(next, db.apply(firstPiece, {core, next}), 1);
    });
  });
  // The other senders' pieces.
  Value others = db.apply(senders - d0, db.apply(isSender, {core, g}));
  db.loop(db.apply(d0.ceilDiv(senders), others),
          [&](Value) { db.semWait(sem.landed, others); });
  db.push(cb, chunkTiles);
}

FailureOr<Value> tessel::lowering::lowerMatmul(graph::MatMulOp op, const LoweringOptions &opts) {
  auto config = op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName);
  if (!config)
    return op.emitError("matmul has no grid.config; run tt-choose-op-configs first");
  OpBuilder b(op);
  MLIRContext *ctx = b.getContext();
  TiledView a = TiledView::of(op.getLhs().getType()), bv = TiledView::of(op.getRhs().getType());
  TiledView out = TiledView::of(op.getType());
  int64_t gm = config.getGridM(), gn = config.getGridN();
  int64_t bm = config.getBlockM(), bn = config.getBlockN();
  int64_t sm = config.getSubM(), sn = config.getSubN(), kc = config.getKChunk();
  bool multicast = config.isMulticast();
  int64_t cores = config.getCoresX() * config.getCoresY(); // one group's rectangle
  int64_t blocksM = out.mt / bm, blocksN = out.nt / bn;
  // An absorbed remap (an implicit GEMM's windows): its input is read instead of the lhs.
  graph::RemapOp windows;
  std::optional<TileGather> gatherA;
  if (config.gathersLhs()) {
    windows = op.getLhs().getDefiningOp<graph::RemapOp>();
    if (!windows || !absorbableIntoMatmul(windows))
      return op.emitError() << "matmul config " << config
                            << " gathers the lhs, which is not a remap that reads zeros as padding";
    std::optional<float> padding;
    if (windows.readsPadding())
      padding = 0.0f;
    gatherA = planTileGather(windows.getType(), windows.getInput().getType(),
                             windows.getMap().getResults(), padding, windows.getGuardExprs(),
                             windows.getGuardBounds().value_or(ArrayRef<int64_t>()),
                             /*padPastEnd=*/true);
  }

  // The config must suit the matmul as tt-choose-op-configs checks it (L1 aside: buffer
  // allocation checks that).
  FailureOr<cost::MatmulProblem> problem = matmulProblem(op, opts.chip, config.gathersLhs());
  if (failed(problem))
    return failure();
  std::string why;
  cost::MatmulPlan plan = matmulPlan(config);
  if (!cost::isValid(opts.chip, *problem, plan, std::numeric_limits<int64_t>::max(), &why))
    return op.emitError() << "matmul config " << config << " does not tile this matmul: " << why;
  int64_t passM = out.mt / (gm * bm), passN = out.nt / (gn * bn);
  int64_t groups = config.getGroups();
  int64_t passes = plan.passes(*problem), chunks = plan.chunks(*problem);
  int64_t macs = out.batch * out.rows * out.cols * a.cols;

  CoreSplit split{config.getCoresX(), config.getCoresY() * groups, 1};
  SmallVector<Value> inputs{windows ? windows.getInput() : op.getLhs(), op.getRhs()};
  Value bias = op.getBias(), residual = op.getResidual();
  if (bias)
    inputs.push_back(bias);
  unsigned residualInput = inputs.size();
  if (residual)
    inputs.push_back(residual);
  DispatchBuilder db(b, op.getLoc(), "matmul", split, inputs, {op.getType()}, opts, macs);
  // Reports show each dispatch's chosen config.
  db.dispatchOp()->setAttr(grid::kConfigAttrName, config);
  tile::DataFormat outFormat = formatOf(op.getResult());
  Value cbA = db.cb(formatOf(inputs[0]), 2 * bm * kc);
  Value cbB = db.cb(formatOf(op.getRhs()), 2 * kc * bn);
  Value cbOut = db.cb(outFormat, 2 * sm * sn);
  Value cbPartial = chunks > 1 ? db.cb(outFormat, bm * bn) : Value();
  // The epilogue: the pass's bias tiles, a subblock's residual tiles, and the packed subblock
  // they are added to.
  Value cbBias = bias ? db.cb(formatOf(bias), 2 * bn) : Value();
  Value cbResidual = residual ? db.cb(formatOf(residual), 2 * sm * sn) : Value();
  Value cbSum = bias || residual ? db.cb(outFormat, sm * sn) : Value();

  // The block a core computes in pass p: d0 = core, d1 = pass.
  int64_t w = config.getCoresX();
  AffineExpr c = b.getAffineDimExpr(0), p = b.getAffineDimExpr(1);
  AffineExpr batch, row0, col0;
  if (multicast) {
    // Group g of the stacked rectangles takes batches g, g + groups, ...
    AffineExpr local = groups > 1 ? c % cores : c, group = c.floorDiv(cores);
    AffineExpr blockRow = config.isTwoDimensional() ? local.floorDiv(w) : (gn == 1 ? local : c * 0);
    AffineExpr blockCol = config.isTwoDimensional() ? c % w : (gm == 1 ? local : c * 0);
    batch = groups > 1 ? p.floorDiv(passM * passN) * groups + group : p.floorDiv(passM * passN);
    row0 = ((p.floorDiv(passN) % passM) * gm + blockRow) * bm;
    col0 = ((p % passN) * gn + blockCol) * bn;
  } else {
    // The cores take the blocks in turn: block u = pass * cores + core, batch outermost.
    AffineExpr u = p * cores + c;
    batch = u.floorDiv(blocksM * blocksN);
    row0 = (u.floorDiv(blocksN) % blocksM) * bm;
    col0 = (u % blocksN) * bn;
  }
  Sharing shareA = sharingOf(ctx, config, /*lhs=*/true);
  Sharing shareB = sharingOf(ctx, config, /*lhs=*/false);
  // d0 = core, d1 = pass, d2 = chunk, d3 = piece, d4 = index within the piece.
  AffineExpr ch = b.getAffineDimExpr(2), piece = b.getAffineDimExpr(3), i = b.getAffineDimExpr(4);

  bool twoD = config.isTwoDimensional();
  cost::ChunkPieces piecesA = cost::chunkPieces(bm, kc, twoD, passes, shareA.n);
  cost::ChunkPieces piecesB = cost::chunkPieces(kc, bn, twoD, passes, shareB.n);
  // The row and column within a `cols`-wide chunk of tile i of piece p, pieces of `shape` laid
  // out row-major.
  auto rowIn = [&](cost::PieceShape shape, int64_t cols, AffineExpr p, AffineExpr i) {
    return p.floorDiv(cols / shape.cols) * shape.rows + i.floorDiv(shape.cols);
  };
  auto colIn = [&](cost::PieceShape shape, int64_t cols, AffineExpr p, AffineExpr i) {
    return (p % (cols / shape.cols)) * shape.cols + i % shape.cols;
  };
  // Chunk `g` (pass g / chunks, chunk g mod chunks) of one operand's `cols`-wide block, in
  // pieces as `cp` cuts them; `tile` is over (core, pass, chunk, piece, index within the piece).
  auto feed = [&](Value g, unsigned input, Value cb, AffineExpr tile, int64_t cols,
                  const cost::ChunkPieces &cp, const Sharing &share, Semaphores sem,
                  AffineExpr prefetchAfter) {
    AffineExpr c0 = b.getAffineDimExpr(0), g1 = b.getAffineDimExpr(1);
    AffineExpr tileOfChunk = tile.replaceDims(
        {c0, g1.floorDiv(chunks), g1 % chunks, b.getAffineDimExpr(2), b.getAffineDimExpr(3)});
    cost::PieceShape shape = cp.shape;
    feedChunk(
        db, cb, g, passes * chunks, prefetchAfter, cp, share, sem,
        [&](Value chunk, Value pc, Value ix, Value slot) {
          Value t = db.apply(tileOfChunk, {db.core(), chunk, pc, ix});
          if (input == 0 && gatherA)
            return emitTileGather(db, *gatherA, db.input(0), t, cb, slot);
          db.read(db.input(input), t, cb, slot);
        },
        [&](Value pc, Value ix) {
          AffineExpr p0 = b.getAffineDimExpr(0), i1 = b.getAffineDimExpr(1);
          return db.apply(rowIn(shape, cols, p0, i1) * cols + colIn(shape, cols, p0, i1),
                          {pc, ix});
        });
  };
  auto chunkOf = [&](Value pass, Value chunk) {
    return db.apply(b.getAffineDimExpr(0) * chunks + b.getAffineDimExpr(1), {pass, chunk});
  };
  // Over d0 = g: every chunk but the last may be followed by a prefetch on the reader; the
  // writer stores a pass's block after it has fed the next pass's first chunk, which compute
  // cannot free before that store, so it does not prefetch from a pass's first chunk.
  AffineExpr gE = b.getAffineDimExpr(0);
  AffineExpr notLast = (passes * chunks - 1 - gE).ceilDiv(passes * chunks);
  AffineExpr prefetchA = notLast, prefetchB = (notLast + (gE % chunks).ceilDiv(chunks)).floorDiv(2);

  // Output tile `d3` of subblock `d2` of the block of (d0 = core, d1 = pass).
  int64_t subRows = bm / sm, subCols = bn / sn, subTiles = sm * sn;
  AffineExpr subblockTile;
  {
    AffineExpr s = b.getAffineDimExpr(2), tt = b.getAffineDimExpr(3);
    AffineExpr rowT = row0 + s.floorDiv(subCols) * sm + tt.floorDiv(sn);
    AffineExpr colT = col0 + (s % subCols) * sn + tt % sn;
    subblockTile = (batch * out.mt + rowT) * out.nt + colT;
  }

  // Reader: the lhs, in the pieces chunkPieces cuts (tiles spread over the DRAM channels),
  // slots row-major.
  db.kernel(noc::ThreadKind::reader);
  AffineExpr aTile =
      broadcastTileIndex(a, out, batch, row0 + rowIn(piecesA.shape, kc, piece, i),
                         ch * kc + colIn(piecesA.shape, kc, piece, i));
  db.loop(passes, [&](Value pass) {
    if (bias) {
      // The bias tiles of the block's columns, once per pass: only their first row, which the
      // add broadcasts. Every core of a column reads the same few tiles from the same DRAM
      // channels; whole tiles would queue there ahead of the first chunk's weights. Only the
      // last chunk needs them: their reads overlap the chunks'.
      db.reserve(cbBias, bn);
      db.loop(bn, [&](Value j) {
        db.read(db.input(2), db.apply(col0 + b.getAffineDimExpr(2), {db.core(), pass, j}), cbBias,
                j, /*firstRow=*/true);
      });
    }
    db.loop(chunks, [&](Value chunk) {
      feed(chunkOf(pass, chunk), 0, cbA, aTile, kc, piecesA, shareA, {0, 1}, prefetchA);
    });
    if (bias) {
      db.barrier();
      db.push(cbBias, bn);
    }
    if (residual) {
      // The block's residual, a subblock at a time as the last chunk finishes them.
      db.loop(subRows * subCols, [&](Value sub) {
        db.reserve(cbResidual, subTiles);
        db.loop(subTiles, [&](Value t) {
          db.read(db.input(residualInput),
                  db.apply(subblockTile, {db.core(), pass, sub, t}), cbResidual, t);
        });
        db.barrier();
        db.push(cbResidual, subTiles);
      });
    }
  });

  // Compute: per chunk, every subblock reloads its partial sums (after the first chunk),
  // accumulates the chunk's products and packs them for the next chunk or for the writer.
  db.kernel(noc::ThreadKind::compute);
  std::optional<graph::UnaryKind> activation = op.getActivation();
  bool partialRows = (bias || residual) && out.rows % 32 != 0;
  db.loop(passes, [&](Value pass) {
    db.loop(chunks, [&](Value chunk) {
      db.wait(cbA, bm * kc);
      db.wait(cbB, kc * bn);
      db.loop(subRows * subCols, [&](Value sub) {
        AffineExpr s = b.getAffineDimExpr(0), k = b.getAffineDimExpr(1);
        db.acquireDst();
        if (chunks > 1) {
          // Only chunks after the first have partial sums to reload.
          db.loop(db.apply(b.getAffineDimExpr(0).ceilDiv(chunks), chunk), [&](Value) {
            db.wait(cbPartial, subTiles);
            for (int64_t t = 0; t < subTiles; ++t)
              db.copy(db.get(cbPartial, db.index(t)), db.index(t));
            db.pop(cbPartial, subTiles);
          });
        }
        db.loop(kc, [&](Value kv) {
          for (int64_t r = 0; r < sm; ++r)
            for (int64_t cc = 0; cc < sn; ++cc) {
              Value lhs = db.get(cbA, db.apply((s.floorDiv(subCols) * sm + r) * kc + k, {sub, kv}));
              Value rhs = db.get(cbB, db.apply(k * bn + (s % subCols) * sn + cc, {sub, kv}));
              db.matmul(lhs, rhs, db.index(r * sn + cc));
            }
        });
        auto packInto = [&](Value cb) {
          db.reserve(cb, subTiles);
          for (int64_t t = 0; t < subTiles; ++t)
            db.pack(db.index(t), cb, db.index(t));
          db.push(cb, subTiles);
        };
        // The finished subblock: bias added row by row and the residual tile by tile (the FPU
        // adds from two buffers, so the sums go through L1 once each), the activation, and rows
        // past the tensor's end back to 0.
        auto finish = [&]() {
          if (bias) {
            packInto(cbSum);
            db.wait(cbBias, bn);
            db.wait(cbSum, subTiles);
            for (int64_t t = 0; t < subTiles; ++t) {
              Value biasTile = db.get(cbBias, db.apply((s % subCols) * sn + t % sn, sub));
              db.binary(tile::BinaryKind::add, tile::Broadcast::rows,
                        db.get(cbSum, db.index(t)), biasTile, db.index(t));
            }
            db.pop(cbSum, subTiles);
          }
          if (residual) {
            packInto(cbSum);
            db.wait(cbSum, subTiles);
            db.wait(cbResidual, subTiles);
            for (int64_t t = 0; t < subTiles; ++t)
              db.binary(tile::BinaryKind::add, tile::Broadcast::none, db.get(cbSum, db.index(t)),
                        db.get(cbResidual, db.index(t)), db.index(t));
            db.pop(cbSum, subTiles);
            db.pop(cbResidual, subTiles);
          }
          for (int64_t t = 0; t < subTiles && activation; ++t)
            db.activation(*op.getActivation(), op.getAlpha().convertToFloat(),
                          op.getBeta().convertToFloat(), db.index(t));
          if (partialRows) {
            // d0 = core, d1 = pass, d2 = subblock.
            AffineExpr sb = b.getAffineDimExpr(2);
            for (int64_t t = 0; t < subTiles; ++t) {
              AffineExpr rowT = row0 + sb.floorDiv(subCols) * sm + t / sn;
              db.mask(db.index(t), db.apply(out.rows - rowT * 32, {db.core(), pass, sub}),
                      db.index(32), 0.0f);
            }
          }
          packInto(cbOut);
        };
        if (chunks == 1) {
          finish();
        } else {
          AffineExpr isLast = b.getAffineDimExpr(0).floorDiv(chunks - 1);
          db.loop(db.apply(1 - isLast, chunk), [&](Value) { packInto(cbPartial); });
          db.loop(db.apply(isLast, chunk), [&](Value) { finish(); });
        }
        db.releaseDst();
      });
      db.pop(cbA, bm * kc);
      db.pop(cbB, kc * bn);
    });
    if (bias)
      db.pop(cbBias, bn);
  });

  // Writer: the rhs, a piece per K row of the chunk (bn tiles each), and the pass's output block,
  // a subblock at a time as compute packs them. The next pass's first rhs chunk is fetched before
  // the block is stored, so that the next pass need not wait for it.
  db.kernel(noc::ThreadKind::writer);
  AffineExpr bTile =
      broadcastTileIndex(bv, out, batch, ch * kc + rowIn(piecesB.shape, bn, piece, i),
                         col0 + colIn(piecesB.shape, bn, piece, i));
  auto feedB = [&](Value pass, Value chunk) {
    feed(chunkOf(pass, chunk), 1, cbB, bTile, bn, piecesB, shareB, {2, 3}, prefetchB);
  };
  feedB(db.index(0), db.index(0));
  db.loop(passes, [&](Value pass) {
    AffineExpr p0 = b.getAffineDimExpr(0);
    db.loop(chunks - 1, [&](Value c) { feedB(pass, db.apply(p0 + 1, c)); });
    db.loop(db.apply((passes - 1 - p0).ceilDiv(passes), pass),
            [&](Value) { feedB(db.apply(p0 + 1, pass), db.index(0)); });
    db.loop(subRows * subCols, [&](Value sub) {
      db.wait(cbOut, subTiles);
      db.loop(subTiles, [&](Value t) {
        db.write(cbOut, t, db.output(0), db.apply(subblockTile, {db.core(), pass, sub, t}));
      });
      db.flush();
      db.pop(cbOut, subTiles);
    });
  });
  return db.results()[0];
}
