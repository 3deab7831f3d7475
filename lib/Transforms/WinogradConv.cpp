//===- WinogradConv.cpp - 3x3 convolutions as Winograd F(2x2, 3x3) --------===//
//
// Y = A^T [(G g G^T) . (B^T d B)] A over each 2x2 output tile and the 4x4 input tile d under it
// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016). The rows of B^T
// and A^T hold only +-1 and 0, so both transforms are signed sums of a few taps: windows that a
// weighted reduce sums, as a depthwise convolution's. The weights' transform (G has halves) is
// done here, in f32, once.
//
//===----------------------------------------------------------------------===//
#include "tessel/Transforms/ConvLowering.h"

using namespace mlir;
using namespace tessel;

namespace {
// B^T: row a sums d[first[a]] * firstSign[a] and d[second[a]] * secondSign[a].
constexpr int64_t kFirst[4] = {0, 1, 1, 1}, kSecond[4] = {2, 2, 2, 3};
constexpr float kFirstSign[4] = {1, 1, -1, 1}, kSecondSign[4] = {-1, 1, 1, -1};
// G, 4x3.
constexpr float kG[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
} // namespace

/// table[k] for k in [0, table.size()), as steps (k + n - j) floordiv n that are 1 from k = j on.
static AffineExpr lookup(AffineExpr k, ArrayRef<int64_t> table) {
  int64_t n = table.size();
  AffineExpr e = getAffineConstantExpr(table[0], k.getContext());
  for (int64_t j = 1; j < n; ++j)
    if (int64_t step = table[j] - table[j - 1])
      e = e + (k + (n - j)).floorDiv(n) * step;
  return e;
}

static Value constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type element,
                      ArrayRef<float> data) {
  auto type = RankedTensorType::get(shape, element);
  return b.create<graph::ConstantOp>(loc, type, graph::makeF32Elements(type, data));
}

bool tessel::winogradApplies(graph::ConvOp conv) {
  auto in = cast<RankedTensorType>(conv.getInput().getType());
  auto w = cast<RankedTensorType>(conv.getWeight().getType());
  return in.getRank() == 4 && conv.getGroup() == 1 && w.getElementType().isF32() &&
         w.getShape().drop_front(2) == ArrayRef<int64_t>{3, 3} &&
         llvm::all_of(conv.getStrides(), [](int64_t s) { return s == 1; }) &&
         llvm::all_of(conv.getDilations(), [](int64_t d) { return d == 1; }) &&
         conv.getWeight().getDefiningOp<graph::ConstantOp>();
}

FailureOr<Value> tessel::buildWinogradConv(OpBuilder &b, graph::ConvOp conv) {
  auto inType = cast<RankedTensorType>(conv.getInput().getType());
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  auto out = cast<RankedTensorType>(conv.getType());
  if (!winogradApplies(conv))
    return failure();
  std::optional<std::vector<float>> g = graph::readF32Elements(
      conv.getWeight().getDefiningOp<graph::ConstantOp>().getValue());
  if (!g)
    return failure();
  Location loc = conv.getLoc();
  MLIRContext *ctx = b.getContext();
  Type element = out.getElementType();
  int64_t n = inType.getDimSize(0), c = inType.getDimSize(1), h = inType.getDimSize(2),
          w = inType.getDimSize(3), m = wType.getDimSize(0);
  int64_t ho = out.getDimSize(2), wo = out.getDimSize(3);
  int64_t th = (ho + 1) / 2, tw = (wo + 1) / 2, tiles = n * th * tw;
  int64_t padTop = conv.getPads()[0], padLeft = conv.getPads()[1];
  auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto zero = getAffineConstantExpr(0, ctx);

  // Input transform: V[4a + b', tile, c] = sum over the taps (u, v) of row a's and b''s signed
  // values: windows [16, 4, tiles, C] of the rows of channels, reduced by signs [16, 4, 1, 1]
  // (broadcast over each tile: only its first row is read).
  Value rows = buildChannelRows(b, loc, conv.getInput());
  auto windowsType = RankedTensorType::get({16, 4, tiles, c}, element);
  SmallVector<int64_t, 8> taps;
  for (int64_t a = 0; a < 4; ++a)
    taps.append({kFirst[a], kSecond[a]});
  AffineExpr xi = dim(0), tap = dim(1), tile = dim(2);
  AffineExpr ky = lookup(xi.floorDiv(4) * 2 + tap.floorDiv(2), taps);
  AffineExpr kx = lookup(xi % 4 * 2 + tap % 2, taps);
  AffineExpr ty = tile.floorDiv(tw) % th, tx = tile % tw;
  WindowReads reads =
      windowReadsAt(tile.floorDiv(th * tw), {ty * 2 - padTop + ky, tx * 2 - padLeft + kx},
                    windowsType.getShape(), {h, w});
  Value windows = buildRemap(b, loc, rows, windowsType, {zero, zero, reads.position, dim(3)},
                             0.0f, reads.guards, reads.bounds);
  std::vector<float> signs;
  for (int64_t a = 0; a < 4; ++a)
    for (int64_t bb = 0; bb < 4; ++bb)
      for (int64_t u = 0; u < 2; ++u)
        for (int64_t v = 0; v < 2; ++v)
          signs.push_back((u ? kSecondSign[a] : kFirstSign[a]) *
                          (v ? kSecondSign[bb] : kFirstSign[bb]));
  Value v = b.create<graph::ReduceOp>(loc, RankedTensorType::get({16, 1, tiles, c}, element),
                                      graph::ReduceKind::sum, windows,
                                      constant(b, loc, {16, 4, 1, 1}, element, signs),
                                      b.getDenseI64ArrayAttr({1}));

  // U[4a + b', c, m] = (G g[m, c] G^T)[a, b'].
  std::vector<float> u(16 * c * m, 0.0f);
  for (int64_t mo = 0; mo < m; ++mo)
    for (int64_t ci = 0; ci < c; ++ci) {
      const float *k = g->data() + (mo * c + ci) * 9;
      for (int64_t a = 0; a < 4; ++a)
        for (int64_t bb = 0; bb < 4; ++bb) {
          float sum = 0;
          for (int64_t i = 0; i < 3; ++i)
            for (int64_t j = 0; j < 3; ++j)
              sum += kG[a][i] * k[i * 3 + j] * kG[bb][j];
          u[((a * 4 + bb) * c + ci) * m + mo] = sum;
        }
    }
  // Batched over [16, 1]: the reduce's result as it is, no reshape between.
  Value products =
      b.create<graph::MatMulOp>(loc, RankedTensorType::get({16, 1, tiles, m}, element), v,
                                constant(b, loc, {16, 1, c, m}, element, u));

  // Output transform: Y[2r + q, tile, m] = sum over i, j < 3 of M[4(r + i) + q + j] with A^T's
  // signs (row 0 all +1; row 1 +1, -1, -1): windows [4, 9, tiles, M] reduced by [4, 9, 1, 1].
  auto outWindowsType = RankedTensorType::get({4, 9, tiles, m}, element);
  AffineExpr rq = dim(0), t = dim(1);
  Value outWindows =
      buildRemap(b, loc, products, outWindowsType,
                 {(rq.floorDiv(2) + t.floorDiv(3)) * 4 + rq % 2 + t % 3, zero, dim(2), dim(3)},
                 0.0f);
  std::vector<float> outSigns;
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t q = 0; q < 2; ++q)
      for (int64_t i = 0; i < 3; ++i)
        for (int64_t j = 0; j < 3; ++j)
          outSigns.push_back((r && i ? -1.0f : 1.0f) * (q && j ? -1.0f : 1.0f));
  auto sumType = RankedTensorType::get({4, 1, tiles, m}, element);
  Value y = b.create<graph::ReduceOp>(loc, sumType, graph::ReduceKind::sum, outWindows,
                                      constant(b, loc, {4, 9, 1, 1}, element, outSigns),
                                      b.getDenseI64ArrayAttr({1}));
  if (Value bias = conv.getBias())
    y = b.create<graph::BinaryOp>(
        loc, sumType, graph::BinaryKind::add, y,
        b.create<graph::ReshapeOp>(loc, RankedTensorType::get({1, 1, m}, element), bias));
  // [N, M, Ho, Wo]: output (y, x) is position (y mod 2, x mod 2) of tile (y / 2, x / 2).
  return buildRemap(b, loc, y, out,
                    {dim(2) % 2 * 2 + dim(3) % 2, zero,
                     (dim(0) * th + dim(2).floorDiv(2)) * tw + dim(3).floorDiv(2), dim(1)},
                    0.0f);
}
