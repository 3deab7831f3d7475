#include "tessel/Transforms/ConvLowering.h"

using namespace mlir;
using namespace tessel;

static int64_t product(ArrayRef<int64_t> v) { return ShapedType::getNumElements(v); }

Value tessel::buildRemap(OpBuilder &b, Location loc, Value x, RankedTensorType type,
                         ArrayRef<AffineExpr> index, float padding, ArrayRef<AffineExpr> guards,
                         ArrayRef<int64_t> guardBounds) {
  auto simplified = [&](ArrayRef<AffineExpr> exprs) {
    return graph::simplifyOverRanges(exprs, type.getShape(), b.getContext());
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
  return buildRemap(b, loc, x, colsType, index, padding);
}

Value tessel::buildChannelRows(OpBuilder &b, Location loc, Value x, int64_t channels) {
  auto type = cast<RankedTensorType>(x.getType());
  if (!channels)
    channels = type.getDimSize(1);
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> spatial = type.getShape().drop_front(2);
  int64_t positions = product(spatial), n = type.getDimSize(0);
  AffineExpr row = getAffineDimExpr(2, ctx), p = row % positions;
  SmallVector<AffineExpr> index{row.floorDiv(positions), getAffineDimExpr(3, ctx)};
  int64_t stride = positions;
  for (int64_t size : spatial) {
    stride /= size;
    index.push_back(p.floorDiv(stride) % size);
  }
  auto rowsType = RankedTensorType::get({1, 1, n * positions, channels}, type.getElementType());
  return buildRemap(b, loc, x, rowsType, index, 0.0f);
}

Value tessel::buildFromChannelRows(OpBuilder &b, Location loc, Value rows,
                                   RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  int64_t perGroup = cast<RankedTensorType>(rows.getType()).getDimSize(3);
  AffineExpr m = getAffineDimExpr(1, ctx), position = getAffineConstantExpr(0, ctx);
  for (int64_t i = 2; i < type.getRank(); ++i)
    position = position * type.getDimSize(i) + getAffineDimExpr(i, ctx);
  int64_t positions = product(type.getShape().drop_front(2));
  return buildRemap(b, loc, rows, type,
               {getAffineConstantExpr(0, ctx), m.floorDiv(perGroup),
                getAffineDimExpr(0, ctx) * positions + position, m % perGroup},
               0.0f);
}

WindowReads tessel::windowReadsAt(AffineExpr image, ArrayRef<AffineExpr> at,
                                  ArrayRef<int64_t> shape, ArrayRef<int64_t> inSpatial) {
  WindowReads w{image, {}, {}};
  for (auto [in, size] : llvm::zip_equal(at, inSpatial)) {
    w.position = w.position * size + in;
    std::optional<std::pair<int64_t, int64_t>> r = graph::affineRange(in, shape);
    if (r && r->first >= 0 && r->second < size)
      continue;
    w.guards.push_back(in);
    w.bounds.push_back(size);
  }
  return w;
}

/// `outRow` (a row of the windows, image after image) and `tap` are expressions of the output
/// dims of a result `shape`; the position read is a row of the input's rows of channels.
static WindowReads windowReads(AffineExpr outRow, AffineExpr tap, ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> inSpatial, ArrayRef<int64_t> outSpatial,
                               ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
  int64_t outPositions = product(outSpatial);
  AffineExpr outPosition = outRow % outPositions;
  SmallVector<AffineExpr> at;
  int64_t oStride = outPositions, kStride = product(kernel);
  for (size_t i = 0; i < kernel.size(); ++i) {
    oStride /= outSpatial[i];
    kStride /= kernel[i];
    AffineExpr o = outPosition.floorDiv(oStride) % outSpatial[i];
    at.push_back(o * strides[i] - pads[i] + tap.floorDiv(kStride) % kernel[i] * dilations[i]);
  }
  return windowReadsAt(outRow.floorDiv(outPositions), at, shape, inSpatial);
}

/// [1, groups, N * output positions, taps * C/groups] from `rows` [1, 1, N * input positions, C]:
/// the windows of each output position, a tap's channels side by side so that they move as runs.
static Value buildRowWindows(OpBuilder &b, Location loc, Value rows, ArrayRef<int64_t> inSpatial,
                             int64_t groups, ArrayRef<int64_t> outSpatial,
                             ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                             ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
  auto type = cast<RankedTensorType>(rows.getType());
  MLIRContext *ctx = b.getContext();
  int64_t cg = type.getDimSize(3) / groups;
  int64_t n = type.getDimSize(2) / product(inSpatial);
  auto colsType = RankedTensorType::get(
      {1, groups, n * product(outSpatial), product(kernel) * cg}, type.getElementType());
  AffineExpr dq = getAffineDimExpr(3, ctx);
  WindowReads w = windowReads(getAffineDimExpr(2, ctx), dq.floorDiv(cg), colsType.getShape(),
                              inSpatial, outSpatial, kernel, strides, dilations, pads);
  SmallVector<AffineExpr> index{getAffineConstantExpr(0, ctx), getAffineConstantExpr(0, ctx),
                                w.position, getAffineDimExpr(1, ctx) * cg + dq % cg};
  return buildRemap(b, loc, rows, colsType, index, 0.0f, w.guards, w.bounds);
}

static Value reshape(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, cast<RankedTensorType>(v.getType()).getElementType());
  return b.create<graph::ReshapeOp>(loc, type, v);
}

/// A depthwise convolution (one input and one output channel per group) as a windowed
/// multiply-accumulate: the windows [1, taps, N * positions, C] of the rows of channels weighted by
/// [taps, 1, C] (a row per tap, broadcast within tiles) and summed over the taps (whole tiles) in
/// one reduction, plus the bias row. A block-diagonal matmul would spend a tile per channel.
static Value buildDepthwiseConv(OpBuilder &b, graph::ConvOp conv) {
  Location loc = conv.getLoc();
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(conv.getInput().getType());
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  auto out = cast<RankedTensorType>(conv.getType());
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  ArrayRef<int64_t> outSpatial = out.getShape().drop_front(2);
  int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
  int64_t taps = product(kernel), positions = product(outSpatial);
  Type element = out.getElementType();
  Value rows = buildChannelRows(b, loc, conv.getInput());
  auto windowsType = RankedTensorType::get({1, taps, n * positions, c}, element);
  WindowReads w = windowReads(getAffineDimExpr(2, ctx), getAffineDimExpr(1, ctx),
                              windowsType.getShape(), inType.getShape().drop_front(2), outSpatial,
                              kernel, conv.getStrides(), conv.getDilations(), conv.getPads());
  Value windows = buildRemap(b, loc, rows, windowsType,
                        {getAffineConstantExpr(0, ctx), getAffineConstantExpr(0, ctx), w.position,
                         getAffineDimExpr(3, ctx)},
                        0.0f, w.guards, w.bounds);
  // Weights [C, 1, K...] -> [taps, 1, C]: folded at compile time for constant weights.
  Value wt = reshape(b, loc, conv.getWeight(), {c, taps});
  wt = b.create<graph::TransposeOp>(loc, RankedTensorType::get({taps, c}, element), wt,
                                    b.getDenseI64ArrayAttr({1, 0}));
  wt = reshape(b, loc, wt, {taps, 1, c});
  auto sumType = RankedTensorType::get({1, 1, n * positions, c}, element);
  Value sum = b.create<graph::ReduceOp>(loc, sumType, graph::ReduceKind::sum, windows, wt,
                                        b.getDenseI64ArrayAttr({1}));
  if (Value bias = conv.getBias())
    sum = b.create<graph::BinaryOp>(loc, sumType, graph::BinaryKind::add, sum,
                                    reshape(b, loc, bias, {1, 1, c}));
  return buildFromChannelRows(b, loc, sum, out);
}

/// `w` [M, C, K...] with zero channels appended up to `channels`: computed here for constant
/// weights, by a remap that reads padding otherwise.
static Value padWeightChannels(OpBuilder &b, Location loc, Value w, int64_t channels) {
  auto type = cast<RankedTensorType>(w.getType());
  SmallVector<int64_t> shape(type.getShape());
  int64_t m = shape[0], c = shape[1], taps = product(ArrayRef<int64_t>(shape).drop_front(2));
  shape[1] = channels;
  auto padded = type.clone(shape);
  if (auto constant = w.getDefiningOp<graph::ConstantOp>())
    if (type.getElementType().isF32())
      if (std::optional<std::vector<float>> data = graph::readF32Elements(constant.getValue())) {
        std::vector<float> out(m * channels * taps, 0.0f);
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < c * taps; ++j)
            out[(i * channels) * taps + j] = (*data)[i * c * taps + j];
        return b.create<graph::ConstantOp>(loc, padded, graph::makeF32Elements(padded, out));
      }
  SmallVector<AffineExpr> index;
  for (int64_t i = 0; i < type.getRank(); ++i)
    index.push_back(getAffineDimExpr(i, b.getContext()));
  return buildRemap(b, loc, w, padded, index, 0.0f);
}

FailureOr<Value> tessel::buildSpaceToDepthConv(OpBuilder &b, graph::ConvOp conv) {
  auto inType = cast<RankedTensorType>(conv.getInput().getType());
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  auto out = cast<RankedTensorType>(conv.getType());
  if (inType.getRank() != 4 || conv.getGroup() != 1 || !wType.getElementType().isF32() ||
      !llvm::all_of(conv.getStrides(), [](int64_t s) { return s == 2; }) ||
      !llvm::all_of(conv.getDilations(), [](int64_t d) { return d == 1; }))
    return failure();
  int64_t n = inType.getDimSize(0), c = inType.getDimSize(1), m = wType.getDimSize(0);
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  // Four times the channels must still fit one run of a tile row, and a 1x1 kernel would read a
  // quarter of them.
  if (4 * c > 32 || llvm::any_of(kernel, [](int64_t k) { return k < 2; }))
    return failure();
  auto constant = conv.getWeight().getDefiningOp<graph::ConstantOp>();
  std::optional<std::vector<float>> w =
      constant ? graph::readF32Elements(constant.getValue()) : std::nullopt;
  if (!w)
    return failure();
  // Per spatial dim: input i = 2o - pad + k becomes block b = o + t - pad' of row r = i mod 2,
  // where k + shift = 2t + r with pad' = ceil(pad / 2) and shift = 2 pad' - pad.
  SmallVector<int64_t, 2> blocks, newKernel, newPads, shift;
  for (int d = 0; d < 2; ++d) {
    int64_t pad = conv.getPads()[d];
    newPads.push_back((pad + 1) / 2);
    shift.push_back(2 * newPads[d] - pad);
    blocks.push_back((inType.getDimSize(2 + d) + 1) / 2);
    newKernel.push_back((kernel[d] + shift[d] + 1) / 2);
    // The padding after the blocks that the output's size implies must not be negative.
    if (out.getDimSize(2 + d) - 1 + newKernel[d] - newPads[d] - blocks[d] < 0)
      return failure();
  }
  Location loc = conv.getLoc();
  MLIRContext *ctx = b.getContext();
  // x'[n, 4 c + 2 ry + rx, by, bx] = x[n, c, 2 by + ry, 2 bx + rx]; an odd size reads zeros.
  // The two columns of a block are neighbours in both, so the windows move them as one run.
  AffineExpr d0 = getAffineDimExpr(0, ctx), ch = getAffineDimExpr(1, ctx),
             by = getAffineDimExpr(2, ctx), bx = getAffineDimExpr(3, ctx);
  AffineExpr phase = ch % 4;
  auto s2dType = RankedTensorType::get({n, 4 * c, blocks[0], blocks[1]}, inType.getElementType());
  Value x = buildRemap(b, loc, conv.getInput(), s2dType,
                  {d0, ch.floorDiv(4), by * 2 + phase.floorDiv(2), bx * 2 + phase % 2}, 0.0f);
  // w'[m, 4 c + 2 ry + rx, ty, tx] = w[m, c, 2 ty + ry - shift, 2 tx + rx - shift], zero
  // where that leaves the kernel.
  auto newWType = RankedTensorType::get({m, 4 * c, newKernel[0], newKernel[1]},
                                        wType.getElementType());
  std::vector<float> data(newWType.getNumElements(), 0.0f);
  for (int64_t o = 0; o < m; ++o)
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t ky = 0; ky < kernel[0]; ++ky)
        for (int64_t kx = 0; kx < kernel[1]; ++kx) {
          int64_t y = ky + shift[0], xx = kx + shift[1];
          int64_t channel = 4 * ci + 2 * (y % 2) + xx % 2;
          data[((o * 4 * c + channel) * newKernel[0] + y / 2) * newKernel[1] + xx / 2] =
              (*w)[((o * c + ci) * kernel[0] + ky) * kernel[1] + kx];
        }
  Value weight =
      b.create<graph::ConstantOp>(loc, newWType, graph::makeF32Elements(newWType, data));
  return b
      .create<graph::ConvOp>(loc, out, x, weight, conv.getBias(), b.getDenseI64ArrayAttr({1, 1}),
                             b.getDenseI64ArrayAttr({1, 1}), b.getDenseI64ArrayAttr(newPads),
                             b.getI64IntegerAttr(1))
      .getResult();
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
  // Windowed, a depthwise convolution's tiles hold channels side by side; with fewer channels
  // than taps the block-diagonal matmul's tiles (taps side by side) are fewer.
  if (groups > 1 && cg == 1 && mg == 1 && groups >= taps)
    return buildDepthwiseConv(b, conv);
  bool pointwise = groups == 1 && taps == 1 &&
                   llvm::all_of(conv.getStrides(), [](int64_t s) { return s == 1; }) &&
                   llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; });
  // Windows over fewer than 32 channels pad them with zeros to a power of two, so that a tap's
  // channels move as one run that never straddles two tiles (a stem's 3 channels as 4).
  Value weight = conv.getWeight();
  if (!pointwise && groups == 1 && cg < 32 && !llvm::isPowerOf2_64(cg)) {
    cg = int64_t(llvm::PowerOf2Ceil(cg));
    weight = padWeightChannels(b, loc, weight, cg);
  }
  Value cols = buildChannelRows(b, loc, conv.getInput(), groups * cg);
  if (!pointwise)
    cols = buildRowWindows(b, loc, cols, inType.getShape().drop_front(2), groups, outSpatial,
                           kernel, conv.getStrides(), conv.getDilations(), conv.getPads());
  // Weights [M, C/g, K...] -> [g, taps * C/g, M/g], rows ordered as the windows' columns:
  // folded at compile time for constant weights.
  Value w = reshape(b, loc, weight, {groups, mg, cg, taps});
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

Value tessel::buildPool(OpBuilder &b, graph::PoolOp pool) {
  Location loc = pool.getLoc();
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(pool.getInput().getType());
  auto out = cast<RankedTensorType>(pool.getType());
  ArrayRef<int64_t> inSpatial = inType.getShape().drop_front(2);
  ArrayRef<int64_t> outSpatial = out.getShape().drop_front(2);
  ArrayRef<int64_t> kernel = pool.getKernel(), pads = pool.getPads();
  int64_t k = kernel.size(), n = inType.getDimSize(0), c = inType.getDimSize(1);
  bool isMax = pool.getKind() == graph::PoolKind::max;
  float padding = isMax ? -3.0e38f : 0.0f;
  auto reduce = [&](graph::ReduceKind kind, Value v, ArrayRef<int64_t> axes) -> Value {
    SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
    for (int64_t axis : axes)
      shape[axis] = 1;
    return b.create<graph::ReduceOp>(loc, out.clone(shape), kind, v, b.getDenseI64ArrayAttr(axes));
  };
  // Channels-last only pays with a tile row of channels: with fewer, each channel keeps its
  // [N, C, ...] layout and its windows run along the rows of a tile.
  bool channelsLast = c >= 32;
  bool global = kernel == inSpatial && product(outSpatial) == 1 &&
                llvm::all_of(pads, [](int64_t p) { return p == 0; });
  graph::ReduceKind kind = isMax ? graph::ReduceKind::max : graph::ReduceKind::sum;
  int64_t taps = product(kernel), positions = product(outSpatial);
  Value pooled;
  if (global) {
    // A window over the whole input: a reduction over the positions themselves.
    kind = isMax ? graph::ReduceKind::max : graph::ReduceKind::mean;
    if (!channelsLast) {
      SmallVector<int64_t> axes;
      for (int64_t i = 2; i < inType.getRank(); ++i)
        axes.push_back(i);
      return reduce(kind, pool.getInput(), axes);
    }
    // The images' rows one after another, viewed per image ([N, 1, positions, C], which the
    // reduce's reader gathers), reduced over the positions.
    Value rows = buildChannelRows(b, loc, pool.getInput());
    int64_t inPositions = product(inSpatial);
    auto perImage = RankedTensorType::get({n, 1, inPositions, c}, inType.getElementType());
    Value images = buildRemap(b, loc, rows, perImage,
                         {getAffineConstantExpr(0, ctx), getAffineConstantExpr(0, ctx),
                          getAffineDimExpr(0, ctx) * inPositions + getAffineDimExpr(2, ctx),
                          getAffineDimExpr(3, ctx)},
                         0.0f);
    Value pooled = reduce(kind, images, {2});
    SmallVector<AffineExpr> index{getAffineDimExpr(0, ctx), getAffineConstantExpr(0, ctx),
                                  getAffineConstantExpr(0, ctx), getAffineDimExpr(1, ctx)};
    for (int64_t i = 2; i < out.getRank(); ++i)
      index[2] = index[2] + getAffineDimExpr(i, ctx);
    return buildRemap(b, loc, pooled, out, index, 0.0f);
  }
  if (channelsLast) {
    // [1, taps, N * output positions, C]: a tap's window values are a tile row of channels, and
    // the reduction over taps combines whole tiles.
    Value rows = buildChannelRows(b, loc, pool.getInput());
    auto windowsType =
        RankedTensorType::get({1, taps, n * positions, c}, inType.getElementType());
    WindowReads w = windowReads(getAffineDimExpr(2, ctx), getAffineDimExpr(1, ctx),
                                windowsType.getShape(), inSpatial, outSpatial, kernel,
                                pool.getStrides(), pool.getDilations(), pads.take_front(k));
    SmallVector<AffineExpr> index{getAffineConstantExpr(0, ctx), getAffineConstantExpr(0, ctx),
                                  w.position, getAffineDimExpr(3, ctx)};
    pooled = reduce(kind, buildRemap(b, loc, rows, windowsType, index, padding, w.guards, w.bounds), {1});
  } else {
    // [N, C, output positions, taps], reduced along the rows of its tiles.
    Value windows = buildConvWindows(b, loc, pool.getInput(), c, outSpatial, kernel,
                                     pool.getStrides(), pool.getDilations(), pads.take_front(k),
                                     padding);
    pooled = reduce(kind, windows, {3});
  }
  if (!isMax) {
    // One divisor per output position, counted here: the taps inside the input, or inside the
    // pads as well; never the part of a window past the end pad.
    SmallVector<float> scale(positions);
    for (int64_t p = 0; p < positions; ++p) {
      int64_t count = 1, rest = p, stride = positions;
      for (int64_t i = 0; i < k; ++i) {
        stride /= outSpatial[i];
        int64_t o = rest / stride;
        rest %= stride;
        int64_t lo = pool.getCountIncludePad() ? -pads[i] : 0;
        int64_t hi = inSpatial[i] + (pool.getCountIncludePad() ? pads[k + i] : 0);
        int64_t inside = 0;
        for (int64_t t = 0; t < kernel[i]; ++t) {
          int64_t at = o * pool.getStrides()[i] - pads[i] + t * pool.getDilations()[i];
          inside += at >= lo && at < hi;
        }
        count *= inside;
      }
      scale[p] = count ? 1.0f / count : 0.0f;
    }
    // Channels-last, the images' positions follow each other in the rows.
    int64_t rows = channelsLast ? n * positions : positions;
    for (int64_t i = positions; i < rows; ++i)
      scale.push_back(scale[i % positions]);
    auto scaleType = RankedTensorType::get({1, 1, rows, 1}, out.getElementType());
    Value factors =
        b.create<graph::ConstantOp>(loc, scaleType, graph::makeF32Elements(scaleType, scale));
    pooled = b.create<graph::BinaryOp>(loc, pooled.getType(), graph::BinaryKind::mul, pooled,
                                       factors);
  }
  if (!channelsLast)
    return b.create<graph::ReshapeOp>(loc, out, pooled);
  return buildFromChannelRows(b, loc, pooled, out);
}
