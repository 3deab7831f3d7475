#include "tessel/Transforms/ConvLowering.h"

using namespace mlir;
using namespace tessel;

static int64_t product(ArrayRef<int64_t> v) {
  int64_t p = 1;
  for (int64_t x : v)
    p *= x;
  return p;
}

/// A remap of `x` to `type` whose results are simplified over the output's index ranges, so
/// that the lowering sees `d3` rather than `d3 mod C` for d3 < C.
static Value remap(OpBuilder &b, Location loc, Value x, RankedTensorType type,
                   ArrayRef<AffineExpr> index, float padding, ArrayRef<AffineExpr> guards = {},
                   ArrayRef<int64_t> guardBounds = {}) {
  MLIRContext *ctx = b.getContext();
  auto simplified = [&](ArrayRef<AffineExpr> exprs) {
    SmallVector<AffineExpr> out;
    for (AffineExpr e : exprs)
      out.push_back(graph::simplifyOverRanges(e, type.getShape()));
    return AffineMap::get(type.getRank(), 0, out, ctx);
  };
  AffineMapAttr guardsAttr;
  DenseI64ArrayAttr boundsAttr;
  if (!guards.empty()) {
    guardsAttr = AffineMapAttr::get(simplified(guards));
    boundsAttr = b.getDenseI64ArrayAttr(guardBounds);
  }
  return b.create<graph::RemapOp>(loc, type, x, AffineMapAttr::get(simplified(index)),
                                  b.getF32FloatAttr(padding), guardsAttr, boundsAttr);
}

Value tessel::buildConvWindows(OpBuilder &b, Location loc, Value x, int64_t groups,
                               ArrayRef<int64_t> outSpatial, ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                               ArrayRef<int64_t> pads, float padding) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = b.getContext();
  int64_t n = type.getDimSize(0), cg = type.getDimSize(1) / groups, k = kernel.size();
  int64_t positions = product(outSpatial), taps = product(kernel);
  AffineExpr dn = getAffineDimExpr(0, ctx), dg = getAffineDimExpr(1, ctx),
             dp = getAffineDimExpr(2, ctx), dq = getAffineDimExpr(3, ctx);
  SmallVector<AffineExpr> index{dn, dg * cg + dq.floorDiv(taps)};
  int64_t oStride = positions, kStride = taps;
  for (int64_t i = 0; i < k; ++i) {
    oStride /= outSpatial[i];
    kStride /= kernel[i];
    AffineExpr o = dp.floorDiv(oStride) % outSpatial[i], kk = dq.floorDiv(kStride) % kernel[i];
    index.push_back(o * strides[i] - pads[i] + kk * dilations[i]);
  }
  auto colsType = RankedTensorType::get({n, groups, positions, cg * taps}, type.getElementType());
  return remap(b, loc, x, colsType, index, padding);
}

Value tessel::buildChannelRows(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> spatial = type.getShape().drop_front(2);
  int64_t positions = product(spatial);
  AffineExpr p = getAffineDimExpr(2, ctx);
  SmallVector<AffineExpr> index{getAffineDimExpr(0, ctx), getAffineDimExpr(3, ctx)};
  int64_t stride = positions;
  for (int64_t size : spatial) {
    stride /= size;
    index.push_back(p.floorDiv(stride) % size);
  }
  auto rowsType = RankedTensorType::get({type.getDimSize(0), 1, positions, type.getDimSize(1)},
                                        type.getElementType());
  return remap(b, loc, x, rowsType, index, 0.0f);
}

Value tessel::buildFromChannelRows(OpBuilder &b, Location loc, Value rows,
                                   RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  int64_t perGroup = cast<RankedTensorType>(rows.getType()).getDimSize(3);
  AffineExpr m = getAffineDimExpr(1, ctx), position = getAffineConstantExpr(0, ctx);
  for (int64_t i = 2; i < type.getRank(); ++i)
    position = position * type.getDimSize(i) + getAffineDimExpr(i, ctx);
  return remap(b, loc, rows, type,
               {getAffineDimExpr(0, ctx), m.floorDiv(perGroup), position, m % perGroup}, 0.0f);
}

/// [N, groups, output positions, taps * C/groups] from `rows` [N, 1, input positions, C]: the
/// windows of each output position, a tap's channels side by side so that they move as runs.
/// The window's own spatial indices are guards: the flattened position cannot tell a column
/// left of the input from the end of the row above.
static Value buildRowWindows(OpBuilder &b, Location loc, Value rows, ArrayRef<int64_t> inSpatial,
                             int64_t groups, ArrayRef<int64_t> outSpatial,
                             ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                             ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
  auto type = cast<RankedTensorType>(rows.getType());
  MLIRContext *ctx = b.getContext();
  int64_t cg = type.getDimSize(3) / groups, k = kernel.size();
  int64_t positions = product(outSpatial), taps = product(kernel);
  AffineExpr dp = getAffineDimExpr(2, ctx), dq = getAffineDimExpr(3, ctx), tap = dq.floorDiv(cg);
  AffineExpr position = getAffineConstantExpr(0, ctx);
  SmallVector<AffineExpr> guards;
  SmallVector<int64_t> bounds;
  int64_t oStride = positions, kStride = taps;
  for (int64_t i = 0; i < k; ++i) {
    oStride /= outSpatial[i];
    kStride /= kernel[i];
    AffineExpr o = dp.floorDiv(oStride) % outSpatial[i], kk = tap.floorDiv(kStride) % kernel[i];
    AffineExpr in = o * strides[i] - pads[i] + kk * dilations[i];
    position = position * inSpatial[i] + in;
    guards.push_back(in);
    bounds.push_back(inSpatial[i]);
  }
  auto colsType = RankedTensorType::get({type.getDimSize(0), groups, positions, taps * cg},
                                        type.getElementType());
  SmallVector<AffineExpr> index{getAffineDimExpr(0, ctx), getAffineConstantExpr(0, ctx), position,
                                getAffineDimExpr(1, ctx) * cg + dq % cg};
  // Guards that the output's ranges keep inside need no check.
  SmallVector<AffineExpr> needed;
  SmallVector<int64_t> neededBounds;
  for (auto [g, bound] : llvm::zip(guards, bounds)) {
    std::optional<std::pair<int64_t, int64_t>> r = graph::affineRange(g, colsType.getShape());
    if (r && r->first >= 0 && r->second < bound)
      continue;
    needed.push_back(g);
    neededBounds.push_back(bound);
  }
  return remap(b, loc, rows, colsType, index, 0.0f, needed, neededBounds);
}

static Value reshape(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, cast<RankedTensorType>(v.getType()).getElementType());
  return b.create<graph::ReshapeOp>(loc, type, v);
}

Value tessel::buildIm2colConv(OpBuilder &b, graph::ConvOp conv) {
  Location loc = conv.getLoc();
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  auto inType = cast<RankedTensorType>(conv.getInput().getType());
  auto out = cast<RankedTensorType>(conv.getType());
  int64_t groups = conv.getGroup();
  int64_t mg = wType.getDimSize(0) / groups, cg = wType.getDimSize(1);
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  ArrayRef<int64_t> outSpatial = out.getShape().drop_front(2);
  int64_t taps = product(kernel);
  Value cols = buildChannelRows(b, loc, conv.getInput());
  bool pointwise = groups == 1 && taps == 1 && llvm::all_of(conv.getStrides(), [](int64_t s) { return s == 1; }) &&
                   llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; });
  if (!pointwise)
    cols = buildRowWindows(b, loc, cols, inType.getShape().drop_front(2), groups, outSpatial,
                           kernel, conv.getStrides(), conv.getDilations(), conv.getPads());
  // Weights [M, C/g, K...] -> [g, taps * C/g, M/g], rows ordered as the windows' columns:
  // folded at compile time for constant weights.
  Value w = reshape(b, loc, conv.getWeight(), {groups, mg, cg, taps});
  auto wtType = RankedTensorType::get({groups, taps, cg, mg}, wType.getElementType());
  w = b.create<graph::TransposeOp>(loc, wtType, w, b.getDenseI64ArrayAttr({0, 3, 2, 1}));
  w = reshape(b, loc, w, {groups, taps * cg, mg});
  auto colsType = cast<RankedTensorType>(cols.getType());
  auto prodType = RankedTensorType::get({colsType.getDimSize(0), groups, colsType.getDimSize(2), mg},
                                        out.getElementType());
  Value prod = b.create<graph::MatMulOp>(loc, prodType, cols, w);
  // The bias is a row [g, 1, M/g] of the product, which the FPU broadcasts within a tile; on
  // the [N, M, spatial...] result it would be a column to broadcast in memory.
  if (Value bias = conv.getBias())
    prod = b.create<graph::BinaryOp>(loc, prodType, graph::BinaryKind::add, prod,
                                     reshape(b, loc, bias, {groups, 1, mg}));
  return buildFromChannelRows(b, loc, prod, out);
}
