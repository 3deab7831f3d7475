// A matmul's tile loop as the kernels its #grid.matmul_config describes: each core of the
// rectangle accumulates an output block over K chunks, in Dst-sized subblocks whose partial sums
// wait in L1 between chunks; operands shared by a row or column of cores (or the whole
// rectangle) are read from DRAM by one of them, or by several at once when a chunk has few
// pieces (cost::spreadsChunk), and multicast to the rest. The loop's finish becomes the
// epilogue, run on a whole subblock at a time.
#include "TileLoops.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/MatmulCostModel.h"
#include "tessel/Transforms/MatmulProblem.h"
#include "tessel/Transforms/ZeroTiles.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

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
  /// The NoC the core's multicasts and DRAM reads take; null: NoC 1 and NoC 0.
  AffineExpr noc;
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
/// Where `spreadNocs`, cores whose x + y is even multicast over NoC 0 and read from DRAM over it,
/// the others over NoC 1: the senders of a row (column, rectangle) alternate, so that each
/// NoC's links carry half their packets and half the responses.
static Sharing sharingOf(MLIRContext *ctx, grid::MatmulConfigAttr config, bool lhs,
                         bool spreadNocs) {
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
  // (x + y) mod 2, written with fewer terms: the same as c mod 2 for an odd width, and as
  // (c + y) mod 2 for an even one.
  if (spreadNocs)
    s.noc = w % 2 ? c % 2 : (c + y) % 2;
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
/// `slotOf(piece, i)` is its slot within the chunk; where `stored` is given, it is 1 for a slot
/// whose tile is stored and 0 for one that is skipped, and a sender multicasts only the former;
/// `readPlaces(chunk, ahead)`, if given, reads a chunk's places of its tiles `ahead` chunks past
/// the write pointer of their buffer before the chunk's tiles are read (with its first piece,
/// when that is read ahead).
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
                      function_ref<Value(Value piece, Value i)> slotOf,
                      function_ref<Value(Value slot)> stored,
                      function_ref<void(Value chunk, int64_t ahead)> readPlaces) {
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
    if (readPlaces)
      readPlaces(g, 0);
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
      auto send = [&] {
        db.multicast(cb, slotOf(piece, i), db.apply(s.x0, core), db.apply(s.y0, core),
                     db.apply(s.x1, core), db.apply(s.y1, core),
                     s.noc ? db.apply(s.noc, core) : Value());
      };
      if (stored)
        db.loop(stored(slotOf(piece, i)), [&](Value) { send(); });
      else
        send();
    });
  };
  // The first chunk's senders' first pieces; later chunks had theirs read during the chunk
  // before, where it allowed.
  AffineExpr prefetched = (prefetchAfter.replaceDims({d0 - 1}) + d0.ceilDiv(total)).floorDiv(2);
  // A sender that read ahead read the chunk's places with its first piece.
  if (readPlaces)
    db.loop(db.apply(1 - (isSender + prefetched.replaceDims({d1})).floorDiv(2), {core, g}),
            [&](Value) { readPlaces(g, 0); });
  db.reserve(cb, chunkTiles);
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
  // Only where some chunk is read ahead: that reserves two chunks, which the buffer of a
  // shorter first chunk and a longer second one may not hold.
  auto never = dyn_cast<AffineConstantExpr>(prefetchAfter);
  if (!never || never.getValue() != 0)
    db.loop(db.apply(prefetchAfter, g), [&](Value) {
      db.loop(db.apply(isSender, {core, next}), [&](Value) {
        if (readPlaces)
          readPlaces(next, 1);
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

/// Whether `finish` only packs the accumulator: nothing is applied to the block's tiles.
static bool finishIsPack(grid::ComputeOp finish) {
  Block &body = finish.getBody().front();
  Operation *finalPack = cast<grid::YieldOp>(body.getTerminator()).getValue().getDefiningOp();
  return llvm::all_of(body.without_terminator(), [&](Operation &op) {
    return &op == finalPack || isa<arith::ConstantOp>(op) ||
           (isa<tile::CopyOp>(op) && op.getOperand(0) == body.getArgument(0));
  });
}

/// Whether `operand` names a Dst register of its tile op.
static bool isDstOperand(OpOperand &operand) {
  return TypeSwitch<Operation *, bool>(operand.getOwner())
      .Case<tile::DstBinaryOp>([](auto) { return true; })
      .Case<tile::MatmulOp, tile::BinaryOp, tile::UnaryOp, tile::CopyOp, tile::TransposeOp,
            tile::ReduceOp, tile::MaskOp, tile::PackOp>(
          [&](auto op) { return &operand == &op.getDstMutable(); })
      .Default([](Operation *) { return false; });
}

FailureOr<MatmulLoop> tessel::lowering::matchMatmulLoop(grid::DispatchOp op,
                                                        grid::MatmulConfigAttr config,
                                                        const ReductionLoop &loop) {
  auto fail = [&](const Twine &why) { return tileLoopError(op, "matmul: " + why); };
  MatmulLoop l;
  // Op handles are values whose accessors are not const: `r` is the copy `l` holds.
  ReductionLoop &r = l;
  r = loop;
  l.config = config;
  Block &dispatchBody = op.getBody().front();
  auto inputOf = [&](Operation *read) {
    return cast<BlockArgument>(read->getOperand(0)).getArgNumber();
  };
  if (r.stepReads.size() != 2 || inputOf(r.stepReads[0]) != 0 || inputOf(r.stepReads[1]) != 1 ||
      !isa<grid::LoadOp>(r.stepReads[1]))
    return fail("each step reads a tile of the lhs (input 0) and of the rhs (input 1)");
  auto lhsGather = dyn_cast<grid::GatherOp>(r.stepReads[0]);
  if (bool(lhsGather) != config.gathersLhs())
    return fail("the lhs is gathered from windows exactly when the config says so");
  l.out = TiledView::of(op.getOutputs()[0].getType());
  l.rhs = TiledView::of(dispatchBody.getArgument(1).getType());
  l.lhs = lhsGather ? gatheredLhsView(l.out, r.stepCount)
                    : TiledView::of(dispatchBody.getArgument(0).getType());
  if (lhsGather)
    l.gather = tileGatherOf(lhsGather);
  auto shapeOf = [](Value v) { return cast<RankedTensorType>(v.getType()).getShape(); };
  if (!lhsGather && batchIsRows(shapeOf(dispatchBody.getArgument(0)),
                                shapeOf(dispatchBody.getArgument(1)), shapeOf(op.getOutputs()[0]))) {
    l.lhs = l.lhs.batchAsRows();
    l.out = l.out.batchAsRows();
  }
  if (l.lhs.nt != r.stepCount || l.rhs.mt != r.stepCount)
    return fail("a unit takes a step per K tile");
  l.tiles = matmulTiles(config, l.lhs, l.rhs, l.out);
  const MatmulTiles &m = l.tiles;
  if (config.skipsZeroRhsTiles()) {
    std::optional<ConstantTiles> rhsTiles = constantTiles(op.getInputs()[1]);
    if (!rhsTiles)
      return fail("only a constant rhs holding one matrix can skip its zero tiles");
    if (rhsTiles->stored != config.getRhsStoredTiles())
      return fail(Twine("the config stores ") + Twine(config.getRhsStoredTiles()) +
                  " rhs tiles, but " + Twine(rhsTiles->stored) + " are not all zero");
    if (config.getKChunk() * config.getBlockN() > 32 * 32)
      return fail("a chunk's rhs tiles must have their places in one tile");
    if (r.stepCount % config.getKChunk())
      return fail("skipping zero rhs tiles, k_chunk must divide K");
    l.placesInput = op.getInputs().size();
    l.rhsTiles = std::make_shared<const ConstantTiles>(std::move(*rhsTiles));
  }
  if (r.perCore != m.perCore)
    return fail(Twine("the config gives each core ") + Twine(m.perCore) + " output tiles, not " +
                Twine(r.perCore));
  // Every index over (core, unit loop counter, step), as the config's maps give them.
  Value unit = r.unit, iv = r.units.getInductionVar(), step = r.steps.getInductionVar();
  MLIRContext *ctx = op.getContext();
  AffineExpr c = getAffineDimExpr(0, ctx), i = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx), unitExpr = c * r.perCore + i;
  auto at = [&](Value indexValue, AffineMap map) {
    AffineExpr index = indexExpr(indexValue, iv, step);
    return index ? map.getResult(0).replaceDims({index}) : AffineExpr();
  };
  auto ofUnit = [&](AffineExpr e) { return e.replaceDims({unitExpr, k}); };
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
  auto lhsLoad = dyn_cast<grid::LoadOp>(r.stepReads[0]);
  AffineExpr lhsAt = at(r.stepReads[0]->getOperand(1), lhsLoad ? lhsLoad.getMap() : identity);
  AffineExpr rhsAt =
      at(r.stepReads[1]->getOperand(1), cast<grid::LoadOp>(r.stepReads[1]).getMap());
  AffineExpr stored = at(r.store.getUnit(), r.store.getMap());
  int64_t cores = op.getCores().width() * op.getCores().height();
  SmallVector<int64_t> sizes{cores, r.perCore, r.stepCount};
  if (!agreeOver(lhsAt, ofUnit(m.lhsTile), sizes) || !agreeOver(rhsAt, ofUnit(m.rhsTile), sizes) ||
      !agreeOver(stored, ofUnit(m.unitTile), sizes))
    return fail("its tiles are not where the config's blocks put them");
  SmallVector<int64_t> units{cores * r.perCore};
  for (grid::LoadOp read : r.unitReads) {
    AffineExpr tile = read.getMap().getResult(0);
    bool row = read.getFirstRow() && agreeOver(tile, m.unitCol, units);
    if (read.getUnit() != unit ||
        (!row && (read.getFirstRow() || !agreeOver(tile, m.unitTile, units))))
      return fail("a unit reads only the first row of its column's tile (a bias) or its own "
                  "tile (a residual)");
    l.rowReads.push_back(row);
  }

  SmallVector<Operation *> initMath = mathOf(r.init.getBody().front()),
                           stepMath = mathOf(r.step.getBody().front());
  // The step: the accumulator's copy into Dst[0] (matchReductionLoop checked it), the product,
  // the pack.
  auto product = stepMath.size() == 3 ? dyn_cast<tile::MatmulOp>(stepMath[1]) : tile::MatmulOp();
  Block &stepBody = r.step.getBody().front();
  if (initMath.size() != 1 || !product || product.getTransposeRhs() ||
      product.getLhs() != stepBody.getArgument(1) ||
      product.getRhs() != stepBody.getArgument(2) || getConstantIntValue(product.getDst()) != 0)
    return fail("the accumulator starts at zero and each step adds the product of its tiles");
  // The epilogue runs on a subblock's tiles at once: it may use Dst[0] only, and each tile it
  // packs for itself is used up before the next, so that one buffer stages them all.
  Block &finish = r.finish.getBody().front();
  Operation *lastStaged = nullptr;
  Value yielded = cast<grid::YieldOp>(finish.getTerminator()).getValue();
  for (Operation &nested : finish.without_terminator()) {
    if (!isa<arith::ConstantOp, affine::AffineApplyOp>(nested) &&
        !isa<tile::TileDialect>(nested.getDialect()))
      return fail(Twine("'") + nested.getName().getStringRef() + "' in the epilogue");
    for (OpOperand &operand : nested.getOpOperands())
      if (isDstOperand(operand) && getConstantIntValue(operand.get()) != 0)
        return fail("the epilogue uses Dst[0] only");
    if (auto pack = dyn_cast<tile::PackOp>(nested); pack && pack.getResult() != yielded) {
      if (lastStaged)
        for (Operation *user : lastStaged->getResult(0).getUsers())
          if (pack->isBeforeInBlock(user))
            return fail("a tile the epilogue packs is used after it packs the next");
      lastStaged = pack;
    }
  }
  return l;
}

namespace {

/// Builds the kernels of one matmul loop.
class MatmulKernels {
public:
  MatmulKernels(DispatchBuilder &db, const MatmulLoop &l)
      : db(db), l(l), m(this->l.tiles) {}
  void build();

private:
  /// The loop's finish on the `m.subTiles` tiles of subblock `sub` of pass `pass`, which Dst
  /// holds: each of its ops in turn on every tile, with Dst[0] standing for the tile's
  /// register; packs it for the writer.
  void epilogue(Value pass, Value sub);
  void packInto(Value cb, bool relu = false);

  DispatchBuilder &db;
  MatmulLoop l;
  const MatmulTiles &m;
  Value cbOut, cbStage;
  /// The buffer of each read of the finish (after the accumulator), and its dispatch input.
  SmallVector<Value> unitCBs;
  SmallVector<unsigned> unitInputs;
};

} // namespace

void MatmulKernels::packInto(Value cb, bool relu) {
  db.reserve(cb, m.subTiles);
  for (int64_t t = 0; t < m.subTiles; ++t)
    db.pack(db.index(t), cb, db.index(t), /*accumulate=*/false, relu);
  db.push(cb, m.subTiles);
}

void MatmulKernels::epilogue(Value pass, Value sub) {
  OpBuilder &b = db.builder();
  MLIRContext *ctx = db.context();
  grid::ComputeOp finish = l.finish;
  Block &body = finish.getBody().front();
  Operation *finalPack = cast<grid::YieldOp>(body.getTerminator()).getValue().getDefiningOp();
  BlockArgument acc = body.getArgument(0), unitArg = body.getArguments().back();
  int64_t tiles = m.subTiles, subCols = l.config.getBlockN() / l.config.getSubN();
  int64_t sn = l.config.getSubN();
  AffineExpr d0 = getAffineDimExpr(0, ctx);

  // Tile t's values: the tiles it reads from the buffers, and its indices. Its unit is
  // m.unit over (core, pass, sub), folded into the index computations that take it.
  SmallVector<IRMapping> maps(tiles);
  auto unitOf = [&](int64_t t, unsigned firstDim) {
    return m.unit.replaceDims({getAffineDimExpr(firstDim, ctx), getAffineDimExpr(firstDim + 1, ctx),
                               getAffineDimExpr(firstDim + 2, ctx),
                               getAffineConstantExpr(t, ctx)});
  };
  // Bias rows are waited for before the staged tile they are added to, residual tiles after.
  enum Kind { row, staged, whole };
  DenseMap<Value, std::pair<Kind, Value>> buffered;
  for (auto [k, cb] : llvm::enumerate(unitCBs))
    buffered[body.getArgument(k + 1)] = {l.rowReads[k] ? row : whole, cb};
  DenseMap<Value, Operation *> lastUse;
  for (Operation &op : body.without_terminator())
    for (Value operand : op.getOperands())
      lastUse[operand] = &op;
  DenseSet<Value> waited;
  // A ReLU just before the final pack is the packer's (its ReLU stage), not the SFPU's.
  Operation *packerRelu = nullptr;
  for (Operation *op = finalPack->getPrevNode(); op; op = op->getPrevNode()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    auto unary = dyn_cast<tile::UnaryOp>(op);
    if (unary && unary.getKind() == tile::UnaryKind::relu)
      packerRelu = op;
    break;
  }

  for (Operation &op : body.without_terminator()) {
    if (&op == finalPack || &op == packerRelu || isa<arith::ConstantOp>(op) ||
        (isa<tile::CopyOp>(op) && op.getOperand(0) == acc))
      continue;
    if (auto pack = dyn_cast<tile::PackOp>(op)) {
      // Tiles the body reads back (the FPU adds tiles, not Dst) go through L1.
      packInto(cbStage);
      buffered[pack.getResult()] = {staged, cbStage};
      continue;
    }
    for (Kind kind : {row, staged, whole})
      for (Value operand : op.getOperands()) {
        auto it = buffered.find(operand);
        if (it == buffered.end() || it->second.first != kind || !waited.insert(operand).second)
          continue;
        db.wait(it->second.second, kind == row ? l.config.getBlockN() : tiles);
      }
    for (int64_t t = 0; t < tiles; ++t) {
      IRMapping &map = maps[t];
      for (OpOperand &operand : op.getOpOperands()) {
        Value v = operand.get();
        if (map.contains(v) || isDstOperand(operand))
          continue;
        if (auto it = buffered.find(v); it != buffered.end()) {
          auto [kind, cb] = it->second;
          Value slot = kind == row ? db.apply((d0 % subCols) * sn + t % sn, sub) : db.index(t);
          map.map(v, db.get(cb, slot));
        } else if (auto constant = v.getDefiningOp<arith::ConstantOp>()) {
          map.map(v, b.clone(*constant)->getResult(0));
        } else if (v == unitArg && !isa<affine::AffineApplyOp>(op)) {
          map.map(v, db.apply(unitOf(t, 0), {db.core(), pass, sub}));
        }
      }
      if (auto apply = dyn_cast<affine::AffineApplyOp>(op)) {
        SmallVector<AffineExpr> dims;
        SmallVector<Value> operands;
        for (Value v : apply.getMapOperands()) {
          unsigned n = operands.size();
          if (v == unitArg) {
            dims.push_back(unitOf(t, n));
            operands.append({db.core(), pass, sub});
          } else {
            dims.push_back(getAffineDimExpr(n, ctx));
            operands.push_back(map.lookup(v));
          }
        }
        AffineExpr expr = apply.getAffineMap().getResult(0).replaceDims(dims);
        // Over the unit alone, the loops' ranges simplify what the unit's decomposition adds.
        if (operands.size() == 3)
          expr = graph::simplifyOverRanges(simplifyAffineExpr(expr, 3, 0),
                                           {db.split().cores(), m.passes, m.subblocks});
        map.map(apply.getResult(), db.apply(expr, operands));
        continue;
      }
      bool usesDst = llvm::any_of(op.getOpOperands(), isDstOperand);
      Value dst = usesDst ? db.index(t) : Value();
      Operation *clone = b.clone(op, map);
      for (OpOperand &operand : clone->getOpOperands())
        if (isDstOperand(operand))
          operand.set(dst);
    }
    for (Kind kind : {staged, whole})
      for (Value operand : llvm::SetVector<Value>(op.operand_begin(), op.operand_end())) {
        auto it = buffered.find(operand);
        if (it != buffered.end() && it->second.first == kind && lastUse.lookup(operand) == &op)
          db.pop(it->second.second, tiles);
      }
  }
  packInto(cbOut, /*relu=*/packerRelu != nullptr);
}

void MatmulKernels::build() {
  MLIRContext *ctx = db.context();
  grid::MatmulConfigAttr config = l.config;
  const TiledView &a = l.lhs, &bv = l.rhs;
  int64_t bm = config.getBlockM(), bn = config.getBlockN();
  int64_t sm = config.getSubM(), sn = config.getSubN(), kc = config.getKChunk();
  int64_t passes = m.passes, chunks = m.chunks;
  tile::DataFormat outFormat = formatOf(db.output(0));
  // Each pass's chunks before those of k_chunk (k_lead, or a shorter first one where k_chunk
  // does not divide K); a buffer holds two consecutive chunks.
  ArrayRef<int64_t> lead = m.lead;
  int64_t leads = lead.size();
  Value cbA = db.cb(formatOf(db.input(0)), bm * m.chunkPairK);
  Value cbB = db.cb(formatOf(db.input(1)), m.chunkPairK * bn);
  // With several passes of several chunks, the writer may store a pass's block while it feeds
  // the next pass's chunks, a share after each: the block waits in L1.
  bool deferWrites = config.getDeferWrites() && passes > 1 && chunks > 1;
  // The packer's L1 accumulation (cost::MatmulPlan::accumulatesInL1): where the block needs no
  // epilogue, each chunk packs its partial sums onto the last one's in the output buffer, which
  // holds the whole block (two where the writer stores a pass's block during the next pass),
  // instead of into a buffer of partial sums that the next chunk reloads into Dst.
  bool l1Acc = chunks > 1 && l.unitReads.empty() && finishIsPack(l.finish) &&
               (outFormat == tile::DataFormat::bf16 || outFormat == tile::DataFormat::f32);
  cbOut = db.cb(outFormat, l1Acc         ? (deferWrites ? 2 : 1) * bm * bn
                           : deferWrites ? bm * bn + sm * sn
                                         : 2 * sm * sn);
  Value cbPartial = chunks > 1 && !l1Acc ? db.cb(outFormat, bm * bn) : Value();
  // Skipping the rhs's zero tiles: each chunk's places of its tiles among the stored ones
  // (0: skipped), which the writer reads before the tiles and compute before it multiplies.
  bool sparse = l.placesInput > 0;
  int64_t stored = config.getRhsStoredTiles();
  Value cbPlaces = sparse ? db.cb(tile::DataFormat::f32, 2) : Value();
  AffineExpr e0 = getAffineDimExpr(0, ctx);
  // Over d0 = a place: 1 when the tile is stored.
  AffineExpr isStored = e0.ceilDiv(stored + 1);
  auto placeOf = [&](Value slot, Value element) {
    return db.loadIndex(cbPlaces, slot, element, stored + 1);
  };
  // The epilogue's reads: a pass's bias rows, or a subblock's residual tiles.
  for (auto [read, row] : llvm::zip(l.unitReads, l.rowReads)) {
    unitInputs.push_back(cast<BlockArgument>(read.getSource()).getArgNumber());
    unitCBs.push_back(db.cb(read.getType().getFormat(), 2 * (row ? bn : sm * sn)));
  }
  Block &finishBody = l.finish.getBody().front();
  Value yielded = cast<grid::YieldOp>(finishBody.getTerminator()).getValue();
  for (auto pack : finishBody.getOps<tile::PackOp>())
    if (pack.getResult() != yielded && !cbStage)
      cbStage = db.cb(pack.getType().getFormat(), sm * sn);
  auto forEachRead = [&](bool rows, function_ref<void(Value cb, unsigned input)> fn) {
    for (auto [cb, input, row] : llvm::zip(unitCBs, unitInputs, l.rowReads))
      if (row == rows)
        fn(cb, input);
  };
  bool anyRows = llvm::is_contained(l.rowReads, true);
  bool anyTiles = llvm::is_contained(l.rowReads, false);

  AffineExpr batch = m.batch, row0 = m.row0, col0 = m.col0;
  bool spreadNocs = matmulPlan(config).spreadsOverNocs(inL1(db.input(1)), inL1(db.output(0)),
                                                       config.getCycles());
  Sharing shareA = sharingOf(ctx, config, /*lhs=*/true, spreadNocs);
  Sharing shareB = sharingOf(ctx, config, /*lhs=*/false, spreadNocs);
  // d0 = core, d1 = pass, d2 = chunk, d3 = piece, d4 = index within the piece.
  AffineExpr ch = getAffineDimExpr(2, ctx), piece = getAffineDimExpr(3, ctx),
             i = getAffineDimExpr(4, ctx);

  bool twoD = config.isTwoDimensional();
  // A chunk of k tiles of K, and the pieces each operand's chunk comes in.
  struct ChunkShape {
    int64_t k;
    cost::ChunkPieces a, b;
  };
  auto shapeOf = [&](int64_t k) {
    return ChunkShape{k, cost::chunkPieces(bm, k, twoD, passes, shareA.n),
                      cost::chunkPieces(k, bn, twoD, passes, shareB.n)};
  };
  ChunkShape restShape = shapeOf(kc);
  SmallVector<ChunkShape> leadShapes;
  for (int64_t k : lead)
    leadShapes.push_back(shapeOf(k));
  const ChunkShape &firstShape = leads ? leadShapes.front() : restShape;
  // Over d0 = a chunk of a pass: 1 from chunk j on (for j = 1 as the one shorter first chunk
  // has always written it, so that its kernels stay as they were).
  auto from = [&](AffineExpr c, int64_t j) {
    return j == 1 ? c.ceilDiv(chunks) : (c + (chunks - j)).floorDiv(chunks);
  };
  // The first K tile of chunk `ch` within its pass: each leading chunk shortens those after it.
  AffineExpr kStart = ch * kc;
  for (int64_t j = 0; j < leads; ++j)
    kStart = kStart - (kc - lead[j]) * from(ch, j + 1);
  // fn(chunk, its shape) for each chunk of a pass from chunk `first` on, in order.
  auto forEachChunkFrom = [&](int64_t first,
                              function_ref<void(Value chunk, const ChunkShape &shape)> fn) {
    for (int64_t j = first; j < leads; ++j)
      fn(db.index(j), leadShapes[j]);
    int64_t start = std::max(first, leads);
    db.loop(chunks - start, [&](Value c) {
      fn(start ? db.apply(getAffineDimExpr(0, ctx) + start, c) : c, restShape);
    });
  };
  auto forEachChunk = [&](function_ref<void(Value chunk, const ChunkShape &shape)> fn) {
    forEachChunkFrom(0, fn);
  };
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
                  AffineExpr prefetchAfter,
                  function_ref<void(Value chunk, int64_t ahead)> readPlaces = nullptr) {
    AffineExpr c0 = getAffineDimExpr(0, ctx), g1 = getAffineDimExpr(1, ctx);
    AffineExpr tileOfChunk = tile.replaceDims(
        {c0, g1.floorDiv(chunks), g1 % chunks, getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)});
    cost::PieceShape shape = cp.shape;
    int64_t chunkTiles = shape.rows * shape.cols * cp.pieces;
    bool skips = input == 1 && sparse;
    feedChunk(
        db, cb, g, passes * chunks, prefetchAfter, cp, share, sem,
        [&](Value chunk, Value pc, Value ix, Value slot) {
          if (skips) {
            // The stored tiles are read by their place; the places are in chunk slot order,
            // a chunk read ahead's in the next slot of places.
            Value place = placeOf(db.apply(e0.floorDiv(chunkTiles), slot),
                                  db.apply(e0 % chunkTiles, slot));
            db.loop(db.apply(isStored, place),
                    [&](Value) { db.read(db.input(1), db.apply(e0 - 1, place), cb, slot); });
            return;
          }
          Value t = db.apply(tileOfChunk, {db.core(), chunk, pc, ix});
          if (input == 0 && l.gather)
            return emitTileGather(db, *l.gather, db.input(0), t, cb, slot);
          // From DRAM over the core's NoC, as its multicasts: the responses of the cores that
          // read at once load both NoCs' links.
          Value noc =
              share.noc && !inL1(db.input(input)) ? db.apply(share.noc, db.core()) : Value();
          db.read(db.input(input), t, cb, slot, /*firstRow=*/false, noc);
        },
        [&](Value pc, Value ix) {
          AffineExpr p0 = getAffineDimExpr(0, ctx), i1 = getAffineDimExpr(1, ctx);
          return db.apply(rowIn(shape, cols, p0, i1) * cols + colIn(shape, cols, p0, i1),
                          {pc, ix});
        },
        skips ? function_ref<Value(Value)>([&](Value slot) {
          return db.apply(isStored, placeOf(db.index(0), slot));
        })
              : function_ref<Value(Value)>(),
        readPlaces);
  };
  auto chunkOf = [&](Value pass, Value chunk) {
    return db.apply(getAffineDimExpr(0, ctx) * chunks + getAffineDimExpr(1, ctx), {pass, chunk});
  };
  // Over d0 = g: every chunk but the last may be followed by a prefetch on the reader; the
  // writer stores a pass's block after it has fed the next pass's first chunk, which compute
  // cannot free before that store, so it does not prefetch from a pass's first chunk.
  // A chunk's first piece is read ahead only into a chunk of the same shape: with a shorter
  // first chunk, not from a pass's first or last chunk.
  AffineExpr gE = getAffineDimExpr(0, ctx);
  AffineExpr notLast = (passes * chunks - 1 - gE).ceilDiv(passes * chunks);
  AffineExpr afterFirst = (gE % chunks).ceilDiv(chunks);
  AffineExpr beforeLast = (chunks - 1 - gE % chunks).ceilDiv(chunks);
  AffineExpr prefetchA = notLast;
  AffineExpr prefetchB = (notLast + afterFirst).floorDiv(2);
  if (leads)
    prefetchA = prefetchB = chunks > leads + 1
                                ? (from(gE % chunks, leads) + beforeLast).floorDiv(2)
                                : getAffineConstantExpr(0, ctx);
  int64_t subblocks = m.subblocks, subTiles = m.subTiles;

  // Reader: the lhs, in the pieces chunkPieces cuts (tiles spread over the DRAM channels),
  // slots row-major.
  db.kernel(noc::ThreadKind::reader);
  auto aTileOf = [&](const ChunkShape &s) {
    return broadcastTileIndex(a, l.out, batch, row0 + rowIn(s.a.shape, s.k, piece, i),
                              kStart + colIn(s.a.shape, s.k, piece, i));
  };
  db.loop(passes, [&](Value pass) {
    // The bias tiles of the block's columns, once per pass: only their first row, which the
    // add broadcasts. Every core of a column reads the same few tiles from the same DRAM
    // channels; whole tiles would queue there ahead of the first chunk's weights. Only the
    // last chunk needs them: their reads overlap the chunks'.
    forEachRead(true, [&](Value cb, unsigned input) {
      db.reserve(cb, bn);
      db.loop(bn, [&](Value j) {
        db.read(db.input(input), db.apply(col0 + getAffineDimExpr(2, ctx), {db.core(), pass, j}),
                cb, j, /*firstRow=*/true);
      });
    });
    forEachChunk([&](Value chunk, const ChunkShape &s) {
      feed(chunkOf(pass, chunk), 0, cbA, aTileOf(s), s.k, s.a, shareA, {0, 1}, prefetchA);
    });
    if (anyRows) {
      db.barrier();
      forEachRead(true, [&](Value cb, unsigned) { db.push(cb, bn); });
    }
    if (anyTiles) {
      // The block's residual, a subblock at a time as the last chunk finishes them.
      db.loop(subblocks, [&](Value sub) {
        forEachRead(false, [&](Value cb, unsigned input) {
          db.reserve(cb, subTiles);
          db.loop(subTiles, [&](Value t) {
            db.read(db.input(input), db.apply(m.tile, {db.core(), pass, sub, t}), cb, t);
          });
        });
        db.barrier();
        forEachRead(false, [&](Value cb, unsigned) { db.push(cb, subTiles); });
      });
    }
  });

  // Compute: per chunk, every subblock reloads its partial sums (after the first chunk),
  // accumulates the chunk's products and packs them for the next chunk or, after the last,
  // runs the epilogue for the writer.
  db.kernel(noc::ThreadKind::compute);
  int64_t subCols = bn / sn;
  db.loop(passes, [&](Value pass) {
    forEachChunk([&](Value chunk, const ChunkShape &shape) {
      int64_t chunkK = shape.k;
      db.wait(cbA, bm * chunkK);
      db.wait(cbB, chunkK * bn);
      if (sparse)
        db.wait(cbPlaces, 1);
      db.loop(subblocks, [&](Value sub) {
        AffineExpr s = getAffineDimExpr(0, ctx), k = getAffineDimExpr(1, ctx);
        db.acquireDst();
        if (cbPartial) {
          // Only chunks after the first have partial sums to reload.
          db.loop(db.apply(getAffineDimExpr(0, ctx).ceilDiv(chunks), chunk), [&](Value) {
            db.wait(cbPartial, subTiles);
            for (int64_t t = 0; t < subTiles; ++t)
              db.copy(db.get(cbPartial, db.index(t)), db.index(t));
            db.pop(cbPartial, subTiles);
          });
        }
        db.loop(chunkK, [&](Value kv) {
          auto lhsSlot = [&](int64_t r) {
            return db.apply((s.floorDiv(subCols) * sm + r) * chunkK + k, {sub, kv});
          };
          auto product = [&](int64_t r, int64_t cc) {
            Value lhs = db.get(cbA, lhsSlot(r));
            Value rhs = db.get(cbB, db.apply(k * bn + (s % subCols) * sn + cc, {sub, kv}));
            db.matmul(lhs, rhs, db.index(r * sn + cc));
          };
          // Column cc's rhs tile by the rows `rows`, looked up first where zero tiles are
          // skipped.
          auto column = [&](int64_t cc, ArrayRef<int64_t> rows) {
            if (!sparse) {
              for (int64_t r : rows)
                product(r, cc);
              return;
            }
            Value place =
                placeOf(db.index(0), db.apply(k * bn + (s % subCols) * sn + cc, {sub, kv}));
            db.loop(db.apply(isStored, place), [&](Value) {
              for (int64_t r : rows)
                product(r, cc);
            });
          };
          auto allRows = llvm::to_vector(llvm::seq<int64_t>(0, sm));
          if (!config.getSkipZeroLhs()) {
            if (!sparse) {
              for (int64_t r = 0; r < sm; ++r)
                for (int64_t cc = 0; cc < sn; ++cc)
                  product(r, cc);
              return;
            }
            // A column's rhs tile is looked up once for the subblock's rows.
            for (int64_t cc = 0; cc < sn; ++cc)
              column(cc, allRows);
            return;
          }
          // Each row's lhs tile is tested once for the subblock's columns.
          for (int64_t r = 0; r < sm; ++r)
            db.loop(db.tileNonzero(cbA, lhsSlot(r), sn), [&](Value) {
              for (int64_t cc = 0; cc < sn; ++cc)
                column(cc, {r});
            });
        });
        if (chunks == 1) {
          epilogue(pass, sub);
        } else {
          // Over d0 = the chunk: 1 for the chunks after the first, 1 for the last.
          AffineExpr c = getAffineDimExpr(0, ctx);
          AffineExpr later = c.ceilDiv(chunks), isLast = c.floorDiv(chunks - 1);
          if (l1Acc) {
            // The first chunk's first subblock makes room for the whole block: by then the
            // writer has stored the block two passes back (deferred) or the last pass's.
            db.loop(db.apply(1 - later, chunk), [&](Value) {
              db.loop(db.apply(1 - c.ceilDiv(subblocks), sub),
                      [&](Value) { db.reserve(cbOut, bm * bn); });
            });
            // Before the last chunk a subblock's tiles wait at its place in the block, the
            // first chunk's packed, the others' added to them; the last chunk's are added and
            // go to the writer, after the subblocks before it.
            auto packAll = [&](Value count, bool accumulate) {
              db.loop(count, [&](Value) {
                for (int64_t t = 0; t < subTiles; ++t)
                  db.pack(db.index(t), cbOut, db.apply(c * subTiles + t, sub), accumulate);
              });
            };
            packAll(db.apply(1 - later, chunk), /*accumulate=*/false);
            packAll(db.apply(later - isLast, chunk), /*accumulate=*/true);
            db.loop(db.apply(isLast, chunk), [&](Value) {
              for (int64_t t = 0; t < subTiles; ++t)
                db.pack(db.index(t), cbOut, db.index(t), /*accumulate=*/true);
              db.push(cbOut, subTiles);
            });
          } else {
            db.loop(db.apply(1 - isLast, chunk), [&](Value) { packInto(cbPartial); });
            db.loop(db.apply(isLast, chunk), [&](Value) { epilogue(pass, sub); });
          }
        }
        db.releaseDst();
      });
      db.pop(cbA, bm * chunkK);
      db.pop(cbB, chunkK * bn);
      if (sparse)
        db.pop(cbPlaces, 1);
    });
    forEachRead(true, [&](Value cb, unsigned) { db.pop(cb, bn); });
  });

  // Writer: the rhs, a piece per K row of the chunk (bn tiles each), and the pass's output block,
  // a subblock at a time as compute packs them. The next pass's first rhs chunk is fetched before
  // the block is stored, so that the next pass need not wait for it.
  db.kernel(noc::ThreadKind::writer);
  auto bTileOf = [&](const ChunkShape &s) {
    return broadcastTileIndex(bv, l.out, batch, kStart + rowIn(s.b.shape, bn, piece, i),
                              col0 + colIn(s.b.shape, bn, piece, i));
  };
  // Skipping zero tiles, the places of chunk `g`'s tiles, `ahead` slots past the write pointer
  // (1: the chunk is read ahead). K row k of the block's columns is a run of bn places at
  // k * stride + col0 of the places' rows, never across a tile (the stride divides one).
  auto readPlaces = [&](Value g, int64_t ahead) {
    db.reserve(cbPlaces, ahead + 1);
    db.loop(kc, [&](Value row) {
      AffineExpr c0 = getAffineDimExpr(0, ctx), g1 = getAffineDimExpr(1, ctx);
      AffineExpr at = ((g1 % chunks) * kc + getAffineDimExpr(2, ctx)) * l.rhsTiles->mapStride() +
                      col0.replaceDims({c0, g1.floorDiv(chunks)});
      SmallVector<Value> dims{db.core(), g, row};
      db.readSpan(db.input(l.placesInput), db.apply(at.floorDiv(32 * 32), dims),
                  db.apply(at % (32 * 32), dims), cbPlaces, db.index(ahead),
                  db.apply(e0 * bn, row), bn);
    });
    db.barrier();
  };
  auto feedB = [&](Value pass, Value chunk, const ChunkShape &s) {
    Value g = chunkOf(pass, chunk);
    if (!sparse) {
      feed(g, 1, cbB, bTileOf(s), bn, s.b, shareB, {2, 3}, prefetchB);
      return;
    }
    feed(g, 1, cbB, bTileOf(s), bn, s.b, shareB, {2, 3}, prefetchB, readPlaces);
    db.push(cbPlaces, 1);
  };
  // The last pass's block goes to DRAM while nothing more is read: every core's writes converge
  // on the NoC 1 links into the DRAM columns, so every other subblock takes NoC 0's.
  bool toDram = grid::getLayout(db.output(0).getType()).getMemory() == grid::MemorySpace::dram;
  // `count` subblocks of pass `pass`'s block from subblock `from` on, as compute packs them.
  auto writeSubblocks = [&](Value pass, Value from, Value count) {
    db.loop(count, [&](Value i) {
      Value sub = db.apply(e0 + getAffineDimExpr(1, ctx), {from, i});
      db.wait(cbOut, subTiles);
      auto writeOver = [&](bool noc0) {
        db.loop(subTiles, [&](Value t) {
          db.write(cbOut, t, db.output(0), db.apply(m.tile, {db.core(), pass, sub, t}), noc0);
        });
      };
      if (!toDram) {
        writeOver(false);
      } else {
        // Over d0 = pass, d1 = subblock: 1 for an odd subblock of the last pass.
        AffineExpr p0 = getAffineDimExpr(0, ctx), s1 = getAffineDimExpr(1, ctx);
        AffineExpr overNoc0 = ((p0 + 1).floorDiv(passes) + s1 % 2).floorDiv(2);
        db.loop(db.apply(overNoc0, {pass, sub}), [&](Value) { writeOver(true); });
        db.loop(db.apply(1 - overNoc0, {pass, sub}), [&](Value) { writeOver(false); });
      }
      db.flush();
      db.pop(cbOut, subTiles);
    });
  };
  feedB(db.index(0), db.index(0), firstShape);
  db.loop(passes, [&](Value pass) {
    AffineExpr p0 = getAffineDimExpr(0, ctx), c1 = getAffineDimExpr(1, ctx);
    forEachChunkFrom(1, [&](Value chunk, const ChunkShape &shape) {
      feedB(pass, chunk, shape);
      if (!deferWrites)
        return;
      // After the first pass, a share of the pass before's block.
      Value c = db.apply(getAffineDimExpr(0, ctx) - 1, chunk);
      db.loop(db.apply(p0.ceilDiv(passes), pass), [&](Value) {
        AffineExpr begin = (c1 * subblocks).floorDiv(chunks - 1);
        AffineExpr end = ((c1 + 1) * subblocks).floorDiv(chunks - 1);
        writeSubblocks(db.apply(p0 - 1, pass), db.apply(begin, {pass, c}),
                       db.apply(end - begin, {pass, c}));
      });
    });
    db.loop(db.apply((passes - 1 - p0).ceilDiv(passes), pass),
            [&](Value) { feedB(db.apply(p0 + 1, pass), db.index(0), firstShape); });
    if (!deferWrites)
      writeSubblocks(pass, db.index(0), db.index(subblocks));
  });
  if (deferWrites)
    writeSubblocks(db.index(passes - 1), db.index(0), db.index(subblocks));
}

void tessel::lowering::buildMatmulKernels(DispatchBuilder &db, const MatmulLoop &loop) {
  MatmulKernels(db, loop).build();
}

SmallVector<Value> tessel::lowering::skipZeroRhsTiles(OpBuilder &b, grid::DispatchOp op,
                                                      Value rhs, const ConstantTiles &tiles) {
  MLIRContext *ctx = b.getContext();
  std::string name = graph::nodeNames(rhs.getLoc());
  if (name.empty())
    name = "weight";
  auto constant = [&](StringRef suffix, int64_t rows, tile::DataFormat format,
                      ArrayRef<float> values) -> Value {
    auto plain = RankedTensorType::get({rows, 32}, b.getF32Type());
    auto type = RankedTensorType::get({rows, 32}, b.getF32Type(),
                                      grid::LayoutAttr::getInterleaved(ctx, format));
    std::string full = (name + suffix).str();
    return b.create<graph::ConstantOp>(NameLoc::get(b.getStringAttr(full)), type,
                                       graph::makeF32Elements(plain, values, full));
  };
  SmallVector<Value> inputs(op.getInputs());
  inputs[1] = constant(".stored_tiles", tiles.stored * 32, formatOf(rhs), tiles.packed());
  inputs.push_back(
      constant(".tile_places", tiles.mapTiles() * 32, tile::DataFormat::f32, tiles.map()));
  return inputs;
}
