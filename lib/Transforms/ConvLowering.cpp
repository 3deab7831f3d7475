#include "tessel/Transforms/ConvLowering.h"

using namespace mlir;
using namespace tessel;

Value tessel::buildConvWindows(OpBuilder &b, Location loc, Value x, int64_t groups,
                               ArrayRef<int64_t> outSpatial, ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                               ArrayRef<int64_t> pads, float padding) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = b.getContext();
  int64_t n = type.getDimSize(0), cg = type.getDimSize(1) / groups, k = kernel.size();
  int64_t positions = 1, taps = 1;
  for (int64_t o : outSpatial)
    positions *= o;
  for (int64_t kk : kernel)
    taps *= kk;
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
  auto map = AffineMap::get(4, 0, index, ctx);
  return b.create<graph::RemapOp>(loc, colsType, x, AffineMapAttr::get(map),
                                  b.getF32FloatAttr(padding));
}

static Value reshape(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, cast<RankedTensorType>(v.getType()).getElementType());
  return b.create<graph::ReshapeOp>(loc, type, v);
}

Value tessel::buildIm2colConv(OpBuilder &b, graph::ConvOp conv) {
  Location loc = conv.getLoc();
  MLIRContext *ctx = b.getContext();
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  auto out = cast<RankedTensorType>(conv.getType());
  int64_t k = wType.getRank() - 2, groups = conv.getGroup();
  int64_t mg = wType.getDimSize(0) / groups, cg = wType.getDimSize(1);
  ArrayRef<int64_t> outSpatial = out.getShape().drop_front(2);
  Value cols = buildConvWindows(b, loc, conv.getInput(), groups, outSpatial,
                                wType.getShape().drop_front(2), conv.getStrides(),
                                conv.getDilations(), conv.getPads(), 0.0f);
  auto colsType = cast<RankedTensorType>(cols.getType());
  int64_t taps = colsType.getDimSize(3);
  // Weights [M, C/g, K...] -> [g, C/g * K, M/g]: folded at compile time for constant weights.
  Value wg = reshape(b, loc, conv.getWeight(), {groups, mg, cg * (taps / cg)});
  auto wtType = RankedTensorType::get({groups, taps, mg}, wType.getElementType());
  Value wt = b.create<graph::TransposeOp>(loc, wtType, wg, b.getDenseI64ArrayAttr({0, 2, 1}));
  auto prodType = RankedTensorType::get({colsType.getDimSize(0), groups, colsType.getDimSize(2), mg},
                                        out.getElementType());
  Value prod = b.create<graph::MatMulOp>(loc, prodType, cols, wt);
  // The bias is a row [g, 1, M/g] of the product, which the FPU broadcasts within a tile; on
  // the [N, M, spatial...] result it would be a column to broadcast in memory.
  if (Value bias = conv.getBias())
    prod = b.create<graph::BinaryOp>(loc, prodType, graph::BinaryKind::add, prod,
                                     reshape(b, loc, bias, {groups, 1, mg}));
  // [N, g, P, M/g] -> [N, M, O...].
  SmallVector<AffineExpr> index{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx).floorDiv(mg)};
  AffineExpr position = getAffineConstantExpr(0, ctx);
  for (int64_t i = 0; i < k; ++i)
    position = position * outSpatial[i] + getAffineDimExpr(2 + i, ctx);
  index.push_back(position);
  index.push_back(getAffineDimExpr(1, ctx) % mg);
  auto map = AffineMap::get(out.getRank(), 0, index, ctx);
  return b.create<graph::RemapOp>(loc, out, prod, AffineMapAttr::get(map), b.getF32FloatAttr(0));
}
