// tt-lower-grid-to-kernels: a dispatch in tile loop form becomes reader, compute and writer
// kernels. The loads go to the reader, the grid.compute body to the compute kernel between its
// circular-buffer waits and the pack, the store to the writer.
#include "tessel/Conversion/DispatchBuilder.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"

namespace tessel {
#define GEN_PASS_DEF_LOWERGRIDTOKERNELS
#include "tessel/Conversion/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

static bool hasTileLoop(grid::DispatchOp op) {
  return op.getBody()
      .walk([](Operation *nested) {
        return isa<grid::LoadOp, grid::LoadOneOfOp, grid::GatherOp, grid::StoreOp,
                   grid::ComputeOp>(nested)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

namespace {

/// A tile loop the streaming kernels implement, taken apart.
struct StreamingLoop {
  int64_t perCore = 1;
  TileMapping mapping;
  grid::ComputeOp compute;
  /// For each input of `compute`, the read (and so the input) it comes from.
  SmallVector<unsigned> readOf;
};

/// Whether `unit` is the running core's `iv`-th unit: core_index linear * perCore + iv.
static bool isUnitOfCore(Value unit, Value iv, int64_t perCore) {
  auto apply = unit.getDefiningOp<affine::AffineApplyOp>();
  if (!apply || apply.getAffineMap().getNumResults() != 1)
    return false;
  MLIRContext *ctx = unit.getContext();
  AffineExpr core = getAffineDimExpr(0, ctx), step = getAffineDimExpr(1, ctx);
  SmallVector<AffineExpr> operands;
  for (Value operand : apply.getMapOperands()) {
    auto index = operand.getDefiningOp<grid::CoreIndexOp>();
    if (index && index.getDim() == grid::CoreDim::linear)
      operands.push_back(core);
    else if (operand == iv)
      operands.push_back(step);
    else
      return false;
  }
  AffineMap map = apply.getAffineMap();
  AffineExpr expr = map.getResult(0).replaceDimsAndSymbols(
      ArrayRef(operands).take_front(map.getNumDims()),
      ArrayRef(operands).drop_front(map.getNumDims()));
  AffineExpr diff = simplifyAffineExpr(expr - (core * perCore + step), 2, 0);
  auto constant = dyn_cast<AffineConstantExpr>(diff);
  return constant && constant.getValue() == 0;
}

/// Takes apart a dispatch body of one `scf.for` over the core's units, each reading one tile of
/// every input in order (grid.load, grid.gather, or grid.load_one_of for several), computing
/// once and storing the result into the one output.
static FailureOr<StreamingLoop> matchStreamingLoop(grid::DispatchOp op) {
  auto fail = [&](const Twine &why) {
    op.emitError() << "no streaming kernels for this tile loop: " << why;
    return failure();
  };
  Block &body = op.getBody().front();
  if (op.getOutputs().size() != 1)
    return fail("it writes more than one output");
  auto loops = body.getOps<scf::ForOp>();
  if (!llvm::hasSingleElement(loops))
    return fail("the body must hold one scf.for over the core's units");
  scf::ForOp loop = *loops.begin();
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                         ub = getConstantIntValue(loop.getUpperBound()),
                         step = getConstantIntValue(loop.getStep());
  if (lb != 0 || step != 1 || !ub || *ub < 1)
    return fail("the unit loop must run from 0 by 1 to a constant");
  StreamingLoop s;
  s.perCore = *ub;
  Value iv = loop.getInductionVar();
  SmallVector<Operation *> reads;
  SmallVector<grid::ComputeOp> computes;
  SmallVector<grid::StoreOp> stores;
  for (Operation &nested : loop.getBody()->without_terminator()) {
    if (isa<grid::LoadOp, grid::LoadOneOfOp, grid::GatherOp>(nested))
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
      s.mapping.read(load.getMap().getResult(0));
    } else if (auto pick = dyn_cast<grid::LoadOneOfOp>(read)) {
      SmallVector<AffineExpr> flags, tiles;
      for (auto [k, expr] : llvm::enumerate(pick.getMap().getResults()))
        (k % 2 ? tiles : flags).push_back(expr);
      s.mapping.pick(flags, tiles);
    } else {
      auto gather = cast<grid::GatherOp>(read);
      AffineMap map = gather.getMap();
      TileGather g;
      g.inTile = map.getResult(0);
      g.inOffset = map.getResult(1);
      g.outside = map.getResult(2);
      g.runLength = gather.getRunLength();
      g.columns = gather.getColumns();
      g.fill = gather.getFill().convertToFloat();
      s.mapping.gather(g);
    }
  }
  if (next != op.getInputs().size())
    return fail("each unit must read a tile of every input");
  if (store.getValue() != s.compute.getResult() ||
      store.getDest() != op.getBody().getArgument(next))
    return fail("the store must write the computed tile into the output");
  if (!isUnitOfCore(store.getUnit(), iv, s.perCore) ||
      !isUnitOfCore(s.compute.getUnit(), iv, s.perCore))
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

struct TileLoopToKernels : OpConversionPattern<grid::DispatchOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(grid::DispatchOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (!hasTileLoop(op))
      return failure();
    FailureOr<StreamingLoop> loop = matchStreamingLoop(op);
    if (failed(loop))
      return failure();
    grid::CoreRangeAttr cores = op.getCores();
    CoreSplit split{cores.getX1() - cores.getX0() + 1, cores.getY1() - cores.getY0() + 1,
                    loop->perCore};
    rewriter.setInsertionPoint(op);
    DispatchBuilder db(rewriter, op, split);
    Block &math = loop->compute.getBody().front();
    auto yield = cast<grid::YieldOp>(math.getTerminator());
    Operation *pack = yield.getValue().getDefiningOp();
    buildTileStreaming(db, loop->mapping, loop->compute.getType().getFormat(),
                       [&](ArrayRef<Value> tiles, Value unit, Value) {
      IRMapping map;
      for (auto [arg, read] : llvm::zip(math.getArguments().drop_back(), loop->readOf))
        map.map(arg, tiles[read]);
      map.map(math.getArguments().back(), unit);
      // The streaming kernel packs Dst[0] itself, into its output buffer.
      for (Operation &nested : math.without_terminator())
        if (&nested != pack)
          rewriter.clone(nested, map);
    });
    rewriter.replaceOp(op, db.results());
    return success();
  }
};

struct LowerGridToKernelsPass : tessel::impl::LowerGridToKernelsBase<LowerGridToKernelsPass> {
  void runOnOperation() override {
    // A tile loop the kernels cannot stream is reported once, by its own reason, rather than
    // as a dispatch that failed to legalize.
    bool streamable = true;
    getOperation().walk([&](grid::DispatchOp op) {
      streamable &= !hasTileLoop(op) || succeeded(matchStreamingLoop(op));
    });
    if (!streamable)
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalOp<grid::LoadOp, grid::LoadOneOfOp, grid::GatherOp, grid::StoreOp,
                        grid::ComputeOp, grid::YieldOp>();
    target.addDynamicallyLegalOp<grid::DispatchOp>(
        [](grid::DispatchOp op) { return !hasTileLoop(op); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    patterns.add<TileLoopToKernels>(ctx);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
