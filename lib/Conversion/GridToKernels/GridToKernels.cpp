// tt-lower-grid-to-kernels: a dispatch in tile loop form becomes reader, compute and writer
// kernels. The reads go to the reader, the grid.compute bodies to the compute kernel between its
// circular-buffer waits and the pack, the store to the writer. This file holds the pass and the
// streaming loops; ReductionKernels.cpp the reductions', RowLoops.cpp and RowKernels.cpp the row
// loops'.
#include "TileLoops.h"
#include "tessel/Transforms/ChipInfo.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"

#include <variant>

namespace tessel {
#define GEN_PASS_DEF_LOWERGRIDTOKERNELS
#include "tessel/Conversion/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

namespace {

/// A tile loop the streaming kernels implement, taken apart.
struct StreamingLoop {
  int64_t perCore = 1;
  TileMapping mapping;
  grid::ComputeOp compute;
  /// For each input of `compute`, the read (and so the input) it comes from.
  SmallVector<unsigned> readOf;
};

/// Takes apart a dispatch body of one `scf.for` over the core's units, each reading one tile of
/// every input in order (grid.load, grid.gather, grid.load_one_of for several, grid.gather_rows
/// for a table and its indices), computing once and storing the result into the one output.
static FailureOr<StreamingLoop> matchStreamingLoop(grid::DispatchOp op, scf::ForOp loop,
                                                  int64_t perCore) {
  auto fail = [&](const Twine &why) { return tileLoopError(op, why); };
  Block &body = op.getBody().front();
  StreamingLoop s;
  s.perCore = perCore;
  Value iv = loop.getInductionVar();
  SmallVector<Operation *> reads;
  SmallVector<grid::ComputeOp> computes;
  SmallVector<grid::StoreOp> stores;
  for (Operation &nested : loop.getBody()->without_terminator()) {
    if (isa<grid::LoadOp, grid::LoadOneOfOp, grid::GatherOp, grid::GatherRowsOp>(nested))
      reads.push_back(&nested);
    else if (auto compute = dyn_cast<grid::ComputeOp>(nested))
      computes.push_back(compute);
    else if (auto st = dyn_cast<grid::StoreOp>(nested))
      stores.push_back(st);
    else if (!isPure(&nested))
      return fail(Twine("'") + nested.getName().getStringRef() + "' in the unit loop");
  }
  if (computes.size() != 1 || stores.size() != 1)
    return fail("each unit must compute one tile and store it");
  s.compute = computes.front();
  grid::StoreOp store = stores.front();
  unsigned next = 0;
  for (Operation *read : reads) {
    // Every read takes its sources, then the unit.
    ValueRange sources = read->getOperands().drop_back();
    for (Value source : sources)
      if (next >= op.getInputs().size() || source != body.getArgument(next++))
        return fail("the reads must read the inputs in order, each once");
    if (!isUnitOfCore(read->getOperands().back(), iv, s.perCore))
      return fail("a read's unit is not the core's unit");
    if (auto load = dyn_cast<grid::LoadOp>(read)) {
      s.mapping.read(load.getMap().getResult(0), load.getFirstRow());
    } else if (auto rows = dyn_cast<grid::GatherRowsOp>(read)) {
      s.mapping.gatherRows(rows.getMap().getResult(0), rows.getMap().getResult(1),
                           rows.getCount());
    } else if (auto pick = dyn_cast<grid::LoadOneOfOp>(read)) {
      SmallVector<AffineExpr> flags, tiles;
      for (auto [k, expr] : llvm::enumerate(pick.getMap().getResults()))
        (k % 2 ? tiles : flags).push_back(expr);
      s.mapping.pick(flags, tiles);
    } else {
      s.mapping.gather(tileGatherOf(cast<grid::GatherOp>(read)));
    }
  }
  if (next != op.getInputs().size())
    return fail("each unit must read a tile of every input");
  if (store.getValue() != s.compute.getResult() ||
      store.getDest() != op.getBody().getArgument(next))
    return fail("the store must write the computed tile into the output");
  if (!isUnitOfCore(store.getUnit(), iv, s.perCore) || s.compute.getIndices().size() != 1 ||
      !isUnitOfCore(s.compute.getIndices().front(), iv, s.perCore))
    return fail("the compute's or the store's unit is not the core's unit");
  s.mapping.outputTile = store.getMap().getResult(0);
  for (Value in : s.compute.getInputs()) {
    Operation *read = in.getDefiningOp();
    if (!llvm::is_contained(reads, read))
      return fail("the compute's inputs must be the tiles read");
    s.readOf.push_back(llvm::find(reads, read) - reads.begin());
  }
  auto yield = cast<grid::YieldOp>(s.compute.getBody().front().getTerminator());
  auto pack = yield.getValue().getDefiningOp<tile::PackOp>();
  if (!pack || getConstantIntValue(pack.getDst()) != 0)
    return fail("the compute must yield the pack of Dst[0]");
  return s;
}

/// The tile loop of a dispatch, taken apart: a streaming loop, a reduction's, a matmul's (a
/// reduction in a dispatch that carries a matmul config), or a row loop.
using TileLoop = std::variant<StreamingLoop, ReductionLoop, MatmulLoop, RowLoop>;

/// The dispatch's one output and its loop over the running core's units, then the rest by its
/// shape: a loop of steps inside makes it a reduction's.
static FailureOr<TileLoop> matchTileLoop(grid::DispatchOp op) {
  Block &body = op.getBody().front();
  if (op.getOutputs().size() != 1)
    return tileLoopError(op, "it writes more than one output");
  auto loops = body.getOps<scf::ForOp>();
  if (!llvm::hasSingleElement(loops))
    return tileLoopError(op, "the body must hold one scf.for over the core's units");
  scf::ForOp units = *loops.begin();
  std::optional<int64_t> perCore = tripCount(units);
  if (!perCore)
    return tileLoopError(op, "the unit loop must run from 0 by 1 to a constant");
  if (!units.getBody()->getOps<grid::LoadRowOp>().empty()) {
    FailureOr<RowLoop> rows = matchRowLoop(op, units, *perCore);
    if (failed(rows))
      return failure();
    return TileLoop(*rows);
  }
  if (!units.getBody()->getOps<scf::ForOp>().empty()) {
    FailureOr<ReductionLoop> reduction = matchReductionLoop(op, units, *perCore);
    if (failed(reduction))
      return failure();
    if (auto config = op->getAttrOfType<grid::MatmulConfigAttr>(grid::kConfigAttrName)) {
      FailureOr<MatmulLoop> matmul = matchMatmulLoop(op, config, *reduction);
      if (failed(matmul))
        return failure();
      return TileLoop(*matmul);
    }
    return TileLoop(*reduction);
  }
  FailureOr<StreamingLoop> streaming = matchStreamingLoop(op, units, *perCore);
  if (failed(streaming))
    return failure();
  return TileLoop(*streaming);
}

static void buildStreamingKernels(DispatchBuilder &db, StreamingLoop loop, OpBuilder &b,
                                  int64_t l1Usable) {
  Block &math = loop.compute.getBody().front();
  auto yield = cast<grid::YieldOp>(math.getTerminator());
  Operation *pack = yield.getValue().getDefiningOp();
  // A tile the math packs for its own later ops (a producer tt-fuse-tile-loops inlined) goes
  // through a one-tile buffer, popped after its last use.
  DenseMap<Operation *, Value> staging;
  SmallVector<std::pair<Operation *, Operation *>> lastUses;
  for (auto staged : math.getOps<tile::PackOp>()) {
    if (staged == pack)
      continue;
    staging[staged] = db.cb(staged.getType().getFormat(), 1);
    Operation *last = nullptr;
    for (Operation *user : staged->getUsers())
      if (!last || last->isBeforeInBlock(user))
        last = user;
    lastUses.push_back({staged, last});
  }
  buildTileStreaming(db, loop.mapping, loop.compute.getType().getFormat(), l1Usable,
                     [&](ArrayRef<Value> tiles, Value unit, Value) {
    IRMapping map;
    for (auto [arg, read] : llvm::zip(math.getArguments().drop_back(), loop.readOf))
      map.map(arg, tiles[read]);
    map.map(math.getArguments().back(), unit);
    // The streaming kernel packs Dst[0] itself, into its output buffer.
    for (Operation &nested : math.without_terminator()) {
      if (&nested == pack)
        continue;
      if (auto it = staging.find(&nested); it != staging.end()) {
        Value dst = map.lookup(cast<tile::PackOp>(nested).getDst());
        map.map(nested.getResult(0), db.stage(dst, it->second));
        if (nested.use_empty())
          db.pop(it->second, 1);
        continue;
      }
      b.clone(nested, map);
      for (auto [staged, last] : lastUses)
        if (last == &nested)
          db.pop(staging[staged], 1);
    }
  });
}

struct TileLoopToKernels : OpConversionPattern<grid::DispatchOp> {
  /// `l1Usable`: a core's L1 for kernels and tensors (0 without a grid.chip).
  TileLoopToKernels(MLIRContext *ctx, int64_t l1Usable)
      : OpConversionPattern(ctx), l1Usable(l1Usable) {}
  int64_t l1Usable;

  LogicalResult matchAndRewrite(grid::DispatchOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (!hasTileLoop(op))
      return failure();
    FailureOr<TileLoop> loop = matchTileLoop(op);
    if (failed(loop))
      return failure();
    grid::CoreRangeAttr cores = op.getCores();
    int64_t perCore = std::visit([](const auto &l) { return l.perCore; }, *loop);
    CoreSplit split{cores.width(), cores.height(), perCore};
    rewriter.setInsertionPoint(op);
    // A matmul that skips its constant rhs's zero tiles reads the stored ones instead.
    std::optional<SmallVector<Value>> inputs;
    if (auto *matmul = std::get_if<MatmulLoop>(&*loop); matmul && matmul->placesInput)
      inputs = skipZeroRhsTiles(rewriter, op, op.getInputs()[1], *matmul->rhsTiles);
    DispatchBuilder db(rewriter, op, split,
                       inputs ? std::optional<ValueRange>(*inputs) : std::nullopt);
    if (auto *streaming = std::get_if<StreamingLoop>(&*loop))
      buildStreamingKernels(db, *streaming, rewriter, l1Usable);
    else if (auto *matmul = std::get_if<MatmulLoop>(&*loop)) {
      buildMatmulKernels(db, *matmul);
      if (matmul->placesInput) {
        // The FPU multiplies the stored tiles only; every lhs row of tiles meets each zero one.
        int64_t all = matmul->rhs.mt * matmul->rhs.nt, stored = matmul->config.getRhsStoredTiles();
        grid::DispatchOp built = db.dispatchOp();
        built.setMacs(uint64_t(double(op.getMacs()) * double(stored) / double(all)));
        built->setAttr(grid::kSkippedTilesAttrName,
                       rewriter.getI64IntegerAttr((all - stored) * matmul->out.batch *
                                                  matmul->out.mt));
      }
    }
    else if (auto *rows = std::get_if<RowLoop>(&*loop))
      buildRowKernels(db, *rows);
    else
      buildReductionKernels(db, std::get<ReductionLoop>(*loop));
    rewriter.replaceOp(op, db.results());
    return success();
  }
};

struct LowerGridToKernelsPass : tessel::impl::LowerGridToKernelsBase<LowerGridToKernelsPass> {
  void runOnOperation() override {
    // A tile loop without kernels is reported once, by its own reason, rather than as a
    // dispatch that failed to legalize.
    getOperation().walk([&](grid::DispatchOp op) {
      if (hasTileLoop(op))
        restoreFoldedLoops(op);
    });
    bool lowerable = true;
    getOperation().walk([&](grid::DispatchOp op) {
      lowerable &= !hasTileLoop(op) || succeeded(matchTileLoop(op));
    });
    if (!lowerable)
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalOp<grid::LoadOp, grid::LoadOneOfOp, grid::LoadRowOp, grid::GatherOp,
                        grid::GatherRowsOp, grid::StoreOp, grid::ComputeOp, grid::YieldOp>();
    target.addDynamicallyLegalOp<grid::DispatchOp>(
        [](grid::DispatchOp op) { return !hasTileLoop(op); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    int64_t l1Usable = 0;
    if (getOperation()->hasAttr(grid::kChipAttrName))
      if (FailureOr<rt::ChipDesc> chip = getChipDesc(getOperation()); succeeded(chip))
        l1Usable = chip->l1Bytes - chip->l1ReservedBytes;
    RewritePatternSet patterns(ctx);
    patterns.add<TileLoopToKernels>(ctx, l1Usable);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
