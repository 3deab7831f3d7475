// tt-choose-conv-algorithms: implicit GEMM or Winograd F(2x2, 3x3) for each 3x3 stride-1
// convolution, whichever the cost model estimates cheaper on the module's chip.
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/ConvLowering.h"
#include "tessel/Transforms/MatmulCostModel.h"
#include "tessel/Transforms/Passes.h"
#include "tessel/Transforms/Precision.h"

#include "Graph/GraphOps.h"
#include "tessel/runtime/Formats.h"
#include "tessel/runtime/TileCosts.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace tessel {
#define GEN_PASS_DEF_CHOOSECONVALGORITHMS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

int64_t tilesOf(int64_t n) { return llvm::divideCeil(n, 32); }

/// The chip and the formats a convolution's matmuls and transforms run in.
struct ConvCostContext {
  const rt::ChipDesc &chip;
  rt::DataFormat act, weights;
  ttb::MathFidelity fidelity;
  int64_t l1Budget;

  cost::MatmulProblem problem(int64_t batch, int64_t rows, int64_t k, int64_t n) const {
    cost::MatmulProblem p;
    p.batch = batch;
    p.mt = tilesOf(rows);
    p.kt = tilesOf(k);
    p.nt = tilesOf(n);
    p.lhs = p.out = p.bias = act;
    p.rhs = weights;
    p.fidelity = fidelity;
    int64_t dst = act == rt::DataFormat::Float32 ? chip.dstTilesF32 : chip.dstTilesBf16;
    p.dstCapacity = std::max<int64_t>(dst / 2, 1);
    // The activations are taken to stay in L1 between the ops, as they do where they fit.
    p.lhsInL1 = p.outInL1 = true;
    return p;
  }

  double matmulCycles(const cost::MatmulProblem &p) const {
    std::optional<cost::MatmulPlan> plan = cost::choosePlan(chip, p, l1Budget);
    return plan ? cost::estimate(chip, p, *plan).cycles : std::numeric_limits<double>::infinity();
  }

  /// A reduce over `taps` windows per output tile, of `units` output tiles, each tap read in
  /// `requests` requests of `requestBytes` from a tensor of `sourceTiles` tiles (spread over
  /// as many cores, up to the grid), with its sign (a tile's first row) from DRAM beside it.
  /// The slowest of:
  /// - the bytes over one NoC's links, a torus's average hops each;
  /// - the bytes out of the cores that hold the source, and into each reducing core;
  /// - the reader, which per output tile issues its requests (a cycle each, and one per run)
  ///   and waits a DRAM round trip for the signs;
  /// - the math: a multiply by the sign and an add per tap, `epilogueAdds` more adds and a pack;
  /// plus the gap before its dispatch.
  double transformCycles(int64_t units, int64_t taps, int64_t requests, double requestBytes,
                         int64_t sourceTiles, int64_t epilogueAdds) const {
    CoreSplit split = splitOverCores(units, chip);
    double flit = chip.nocFlitBytes, tile = rt::tileBytes(act);
    double windowBytes = requests * std::max(flit, requestBytes);
    double gathered = double(units) * taps * windowBytes;
    int64_t gridCores = int64_t(chip.gridX) * chip.gridY;
    double avgHops = (chip.gridX - 1) / 2.0 + (chip.gridY - 1) / 2.0;
    double noc = gathered * avgHops / (2.0 * gridCores * flit);
    // Measured: 64 cores gathering 1 MB of windows from 16 cores' L1 (a 16x16x64 f32 input's
    // transform) got 21 B/cycle out of each, two thirds of a link's flit a cycle.
    double sources = gathered / (double(std::min(sourceTiles, gridCores)) * flit * 2.0 / 3.0);
    double perCore = double(split.perCore);
    double inbound = perCore * taps * (windowBytes + tile / 32) / flit;
    double reader = perCore * (taps * (2.0 * requests + 4.0) + chip.dramLatencyCycles);
    int64_t add = rt::binaryCycles(chip, rt::BinaryOp::Add, act, act, fidelity);
    int64_t mul = rt::binaryCycles(chip, rt::BinaryOp::Mul, act, act, fidelity);
    double math = perCore * (taps * (mul + add) + epilogueAdds * add + rt::packCycles(chip, act));
    return std::max({noc, sources, inbound, reader, math}) +
           cost::dispatchGapCycles(chip, /*joined=*/true, split.width, split.height);
  }
};

/// The share by which Winograd's estimate must undercut the implicit GEMM's: its transforms'
/// estimates run up to 40% low on small convolutions, whose fixed costs they miss
/// (test_winograd.py).
constexpr double kWinogradMargin = 0.15;

struct ConvEstimates {
  double implicitGemm, winograd;
};

ConvEstimates estimate(const ConvCostContext &ctx, graph::ConvOp conv) {
  auto in = cast<RankedTensorType>(conv.getInput().getType());
  auto out = cast<RankedTensorType>(conv.getType());
  int64_t n = in.getDimSize(0), c = in.getDimSize(1), m = out.getDimSize(1);
  int64_t ho = out.getDimSize(2), wo = out.getDimSize(3);
  bool bias = conv.getBias() != nullptr;
  int64_t addCycles =
      rt::binaryCycles(ctx.chip, rt::BinaryOp::Add, ctx.act, ctx.act, ctx.fidelity);

  // The implicit GEMM's windows move a tap's channels as a run (fewer than 32 padded to a
  // power of two, as buildIm2colConv does).
  int64_t cg = c < 32 ? int64_t(llvm::PowerOf2Ceil(c)) : c;
  cost::MatmulProblem direct = ctx.problem(1, n * ho * wo, 9 * cg, m);
  int64_t run = std::min<int64_t>(cg, 32);
  direct.lhsRuns = 32 * ((32 + run - 1) / run);
  direct.lhsRunBytes = run * rt::tileBytes(ctx.act) / 1024;
  direct.hasBias = bias;
  if (bias)
    direct.epilogueCycles = rt::packCycles(ctx.chip, ctx.act) + addCycles;

  int64_t tiles = n * ((ho + 1) / 2) * ((wo + 1) / 2);
  // The input transform reads each tile row of a tap as a run of its own (neighbouring tiles
  // start two positions apart); the output transform reads the products' whole tiles.
  int64_t inRun = std::min<int64_t>(c, 32);
  int64_t h = in.getDimSize(2), w = in.getDimSize(3);
  int64_t productTiles = 16 * tilesOf(tiles) * tilesOf(m);
  double winograd =
      ctx.transformCycles(16 * tilesOf(tiles) * tilesOf(c), 4, 32,
                          inRun * rt::tileBytes(ctx.act) / 1024.0,
                          tilesOf(n * h * w) * tilesOf(c), 0) +
      ctx.matmulCycles(ctx.problem(16, tiles, c, m)) +
      ctx.transformCycles(4 * tilesOf(tiles) * tilesOf(m), 9, 1, rt::tileBytes(ctx.act),
                          productTiles, bias ? 1 : 0);
  return {ctx.matmulCycles(direct), winograd};
}

struct ChooseConvAlgorithmsPass
    : tessel::impl::ChooseConvAlgorithmsBase<ChooseConvAlgorithmsPass> {
  using ChooseConvAlgorithmsBase::ChooseConvAlgorithmsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    std::optional<Precision> model = precisionNamed(precision);
    if (!model) {
      module.emitError() << "unknown precision '" << precision
                         << "' (expected fp32, bf16, bfp8 or bfp4)";
      return signalPassFailure();
    }
    if (winograd != "auto" && winograd != "always" && winograd != "never") {
      module.emitError() << "winograd must be auto, always or never, not '" << winograd << "'";
      return signalPassFailure();
    }
    // Malformed overrides are tt-assign-precision's to report; here they are skipped.
    SmallVector<PrecisionOverride> rules;
    for (const std::string &spec : overrides)
      if (std::optional<PrecisionOverride> rule = parsePrecisionOverride(spec))
        rules.push_back(std::move(*rule));
    if (failed(recordChip(module, chip)))
      return signalPassFailure();
    FailureOr<rt::ChipDesc> desc = getChipDesc(module);
    if (failed(desc))
      return signalPassFailure();
    module.walk([&](graph::ConvOp conv) {
      if (!winogradApplies(conv))
        return;
      // The last override naming one of the conv's nodes wins, as in tt-assign-precision.
      Precision p = *model;
      for (const PrecisionOverride &rule : rules)
        if (graph::namesNode(rule.nodes, conv.getLoc()))
          p = rule.precision;
      // The compiler's and the runtime's format and fidelity enums share their values.
      auto weights = static_cast<rt::DataFormat>(p.weights);
      bool wide = weights == rt::DataFormat::Float32;
      ConvCostContext costs{*desc, wide ? rt::DataFormat::Float32 : rt::DataFormat::BFloat16,
                            weights, static_cast<ttb::MathFidelity>(p.fidelity),
                            desc->l1Bytes - desc->l1ReservedBytes};
      ConvEstimates e = estimate(costs, conv);
      auto out = cast<RankedTensorType>(conv.getType());
      bool evenOutput = out.getDimSize(2) % 2 == 0 && out.getDimSize(3) % 2 == 0;
      bool wideWeights = wide || weights == rt::DataFormat::BFloat16;
      bool take = winograd == "always" ||
                  (winograd == "auto" && evenOutput && wideWeights &&
                   e.winograd < e.implicitGemm * (1.0 - kWinogradMargin));
      auto cycles = [](double c) {
        return int64_t(std::min(c, double(std::numeric_limits<int64_t>::max() / 2)));
      };
      conv->setAttr(grid::kConfigAttrName,
                    grid::ConvConfigAttr::get(ctx,
                                              take ? grid::ConvAlgorithm::winograd
                                                   : grid::ConvAlgorithm::implicit_gemm,
                                              cycles(e.implicitGemm), cycles(e.winograd)));
    });
  }
};

} // namespace
