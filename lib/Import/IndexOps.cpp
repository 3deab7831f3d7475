// Ops that select elements by index: Trilu, Gather and Scatter families, OneHot.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

/// Trilu: the 0/1 triangle j - i >= k (upper) or j - i <= k (lower) multiplies the input. With a
/// constant k it is built at compile time; a k fed at run time is compared on the chip against the
/// constant diagonal offsets j - i.
static Result convertTrilu(NodeContext &ctx) {
  RankedTensorType out = ctx.resultTypes[0];
  bool upper = ctx.intAttr("upper", 1) != 0;
  int64_t rows = out.getDimSize(out.getRank() - 2), cols = out.getDimSize(out.getRank() - 1);
  auto maskType = RankedTensorType::get({rows, cols}, out.getElementType());
  bool runtimeK = ctx.operands.size() > 1 && ctx.operands[1] && !ctx.constantOperand(1);
  int64_t k = 0;
  if (!runtimeK && ctx.operands.size() > 1 && ctx.operands[1]) {
    std::optional<std::vector<float>> given = ctx.constantOperand(1);
    if (given->size() != 1)
      return ctx.emitError() << "Trilu's k must be a single value";
    // Any |k| past the matrix keeps all or nothing; clamped, j - i >= k cannot overflow.
    k = std::clamp<int64_t>(saturatingInt64(given->front()), -(rows + cols), rows + cols);
  }
  SmallVector<double> offsets, keep;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      offsets.push_back(j - i);
      keep.push_back(upper ? (j - i >= k) : (j - i <= k));
    }
  Value triangle;
  if (runtimeK) {
    Type f32 = ctx.builder.getF32Type();
    Value kf = unary(ctx, graph::UnaryKind::identity, ctx.operands[1], 0, 0,
                     RankedTensorType::get(cast<RankedTensorType>(ctx.operands[1].getType()).getShape(), f32));
    Value diag = constant(ctx, RankedTensorType::get({rows, cols}, f32), offsets);
    Value hit = binary(ctx, upper ? graph::BinaryKind::greater_or_equal : graph::BinaryKind::less_or_equal,
                       diag, kf, RankedTensorType::get({rows, cols}, ctx.builder.getI1Type()));
    triangle = unary(ctx, graph::UnaryKind::identity, hit, 0, 0, maskType);
  } else {
    triangle = constant(ctx, maskType, keep);
  }
  return one(binary(ctx, graph::BinaryKind::mul, ctx.operands[0], triangle, out));
}



static int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}


static Value castTo(NodeContext &ctx, Value v, RankedTensorType type) {
  return castElements(ctx, reshapeTo(ctx, v, type.getShape()), type.getElementType());
}

/// Indices as f32 with negative ones counted from the end of an axis of size `size`; `size` may
/// also be a tensor of per-component sizes that broadcasts against the indices.
static Value wrapNegative(NodeContext &ctx, Value indices, Value size) {
  Value idx = asF32(ctx, indices);
  Type f32 = ctx.builder.getF32Type();
  Value negative = binary(ctx, graph::BinaryKind::less, idx, scalarConstant(ctx, f32, 0.0),
                          withElementType(idx, ctx.builder.getI1Type()));
  Value shift = binary(ctx, graph::BinaryKind::mul, asF32(ctx, negative), size);
  return binary(ctx, graph::BinaryKind::add, idx, shift);
}

static Value wrapNegative(NodeContext &ctx, Value indices, int64_t size) {
  return wrapNegative(ctx, indices, scalarConstant(ctx, ctx.builder.getF32Type(), (double)size));
}


/// The node's `axis` attribute in [0, rank), or an error naming it.
static FailureOr<int64_t> axisAttr(NodeContext &ctx, int64_t rank, int64_t dflt = 0) {
  int64_t axis = ctx.intAttr("axis", dflt);
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << ctx.node.op_type() << "'s axis " << axis
                           << " is outside a rank-" << rank << " tensor";
  return axis < 0 ? axis + rank : axis;
}

/// The rows a one-hot [M, K] matrix selects from `table` viewed as [P, K, Q]: a matmul on the
/// chip, exact because every product is by 0 or 1. Returns [P, M, Q] in f32.
static Value selectRows(NodeContext &ctx, Value onehot, Value table, int64_t p, int64_t k,
                        int64_t q) {
  Value t = reshapeTo(ctx, asF32(ctx, table), {p, k, q});
  int64_t m = shapeOf(onehot)[shapeOf(onehot).size() - 2];
  auto type = RankedTensorType::get({p, m, q}, ctx.builder.getF32Type());
  return ctx.builder.create<graph::MatMulOp>(ctx.loc, type, onehot, t);
}

/// Gather along `axis` by indices known only at run time (constant ones fold at import when the
/// data is constant too). Along the first axis of a float tensor it is a graph.gather_rows;
/// otherwise each index becomes a one-hot row that a matmul applies to the data.
static Result convertGather(NodeContext &ctx) {
  Value data = ctx.operands[0];
  ArrayRef<int64_t> dshape = shapeOf(data);
  int64_t rank = dshape.size();
  FailureOr<int64_t> axisOr = axisAttr(ctx, rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  int64_t k = dshape[axis], p = product(dshape.take_front(axis)),
          q = product(dshape.drop_front(axis + 1)), m = product(shapeOf(ctx.operands[1]));
  Type elt = cast<RankedTensorType>(data.getType()).getElementType();
  auto indexType = dyn_cast<IntegerType>(
      cast<RankedTensorType>(ctx.operands[1].getType()).getElementType());
  if (axis == 0 && isa<FloatType>(elt) && indexType && indexType.getWidth() > 1) {
    // Rows of a table (embeddings): fetched by index over the NoC, no arithmetic.
    Value table = reshapeTo(ctx, data, {k, q});
    Value ids = reshapeTo(ctx, ctx.operands[1], {m});
    Value rows = ctx.builder.create<graph::GatherRowsOp>(
        ctx.loc, RankedTensorType::get({m, q}, elt), table, ids);
    return one(reshapeTo(ctx, rows, ctx.resultTypes[0].getShape()));
  }
  Value idx = reshapeTo(ctx, wrapNegative(ctx, ctx.operands[1], k), {m});
  Value rows = selectRows(ctx, oneHot(ctx, idx, k), data, p, k, q);
  return one(castTo(ctx, rows, ctx.resultTypes[0]));
}

/// GatherElements: out[j] = data[j with j[axis] replaced by indices[j]]. Float data is gathered
/// value by value with graph.gather_rows; other data is laid out as [..., 1 (at axis), ..., K] so
/// that the one-hot of the indices picks along the last axis.
static Result convertGatherElements(NodeContext &ctx) {
  Value data = ctx.operands[0], indices = ctx.operands[1];
  ArrayRef<int64_t> dshape = shapeOf(data), ishape = shapeOf(indices);
  int64_t rank = dshape.size();
  FailureOr<int64_t> axisOr = axisAttr(ctx, rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr, k = dshape[axis];
  Type elt = cast<RankedTensorType>(data.getType()).getElementType();
  if (isa<FloatType>(elt) && product(dshape) < (int64_t(1) << 24)) {
    // Each element's flat position in the data (exact in f32 below 2^24), computed on the chip,
    // picks a one-value row of the flattened data: a NoC read per element, no O(K) work.
    SmallVector<int64_t> strides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * dshape[d + 1];
    SmallVector<double> base;
    SmallVector<int64_t> at(rank, 0);
    for (int64_t linear = 0, n = product(ishape); linear < n; ++linear) {
      double offset = 0;
      for (int64_t d = 0; d < rank; ++d)
        offset += d == axis ? 0 : double(at[d] * strides[d]);
      base.push_back(offset);
      for (int64_t d = rank - 1; d >= 0 && ++at[d] == ishape[d]; --d)
        at[d] = 0;
    }
    Type f32 = ctx.builder.getF32Type();
    Value step = wrapNegative(ctx, indices, k);
    if (strides[axis] != 1)
      step = binary(ctx, graph::BinaryKind::mul, step,
                    scalarConstant(ctx, f32, double(strides[axis])));
    Value position = binary(ctx, graph::BinaryKind::add, step,
                            constant(ctx, RankedTensorType::get(ishape, f32), base));
    int64_t m = product(ishape);
    Value ids = unary(ctx, graph::UnaryKind::trunc, reshapeTo(ctx, position, {m}), 0, 0,
                      RankedTensorType::get({m}, ctx.builder.getI64Type()));
    Value table = reshapeTo(ctx, data, {product(dshape), 1});
    Value picked = ctx.builder.create<graph::GatherRowsOp>(
        ctx.loc, RankedTensorType::get({m, 1}, elt), table, ids);
    return one(castTo(ctx, picked, ctx.resultTypes[0]));
  }
  Value onehot = oneHot(ctx, wrapNegative(ctx, indices, k), k);
  MLIRContext *mctx = ctx.builder.getContext();
  SmallVector<int64_t> viewShape(ishape);
  viewShape[axis] = 1;
  viewShape.push_back(k);
  SmallVector<AffineExpr> index;
  for (int64_t i = 0; i < rank; ++i)
    index.push_back(getAffineDimExpr(i == axis ? rank : i, mctx));
  Value view = remap(ctx, asF32(ctx, data), RankedTensorType::get(viewShape, ctx.builder.getF32Type()),
                     index);
  Value picked = binary(ctx, graph::BinaryKind::mul, onehot, view);
  Value sum = reduceKeep(ctx, graph::ReduceKind::sum, picked, {rank});
  return one(castTo(ctx, sum, ctx.resultTypes[0]));
}

/// The row-major position that the last axis of `indices` ([..., t]) addresses in the first t
/// dims of `dims`, negative components wrapped, as f32 of shape [...] (the last axis dropped).
static Value linearIndex(NodeContext &ctx, Value indices, ArrayRef<int64_t> dims) {
  int64_t t = shapeOf(indices).back();
  Type f32 = ctx.builder.getF32Type();
  SmallVector<double> sizes, strides(t, 1.0);
  for (int64_t i = 0; i < t; ++i)
    sizes.push_back(dims[i]);
  for (int64_t i = t - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * dims[i + 1];
  Value wrapped = wrapNegative(ctx, indices, constant(ctx, RankedTensorType::get({t}, f32), sizes));
  Value scaled = binary(ctx, graph::BinaryKind::mul, wrapped,
                        constant(ctx, RankedTensorType::get({t}, f32), strides));
  Value lin = reduceKeep(ctx, graph::ReduceKind::sum, scaled, {(int64_t)shapeOf(indices).size() - 1});
  return reshapeTo(ctx, lin, shapeOf(indices).drop_back());
}

/// GatherND: each index tuple becomes a flat position within its batch, and a one-hot matmul
/// per batch picks the slices.
static Result convertGatherND(NodeContext &ctx) {
  Value data = ctx.operands[0], indices = ctx.operands[1];
  ArrayRef<int64_t> dshape = shapeOf(data), ishape = shapeOf(indices);
  int64_t b = ctx.intAttr("batch_dims", 0), t = ishape.back();
  int64_t batch = product(dshape.take_front(b)), k = product(dshape.slice(b, t)),
          q = product(dshape.drop_front(b + t)), m = product(ishape.slice(b, ishape.size() - 1 - b));
  Value lin = linearIndex(ctx, indices, dshape.drop_front(b));
  Value onehot = oneHot(ctx, reshapeTo(ctx, lin, {batch, m}), k);
  Value rows = selectRows(ctx, onehot, data, batch, k, q);
  return one(castTo(ctx, rows, ctx.resultTypes[0]));
}

/// The reduction a scatter applies where indices hit; "none" overwrites.
static FailureOr<graph::ReduceKind> scatterReduction(NodeContext &ctx) {
  std::string r = ctx.attr("reduction") ? ctx.attr("reduction")->s() : "none";
  if (r == "none" || r == "add")
    return graph::ReduceKind::sum;
  if (r == "mul")
    return graph::ReduceKind::prod;
  if (r == "max")
    return graph::ReduceKind::max;
  if (r == "min")
    return graph::ReduceKind::min;
  return ctx.emitError() << ctx.node.op_type() << " reduction '" << r << "' is unknown";
}

/// The updates a scatter sends to each target, combined along `axis` of `hits` x `updates`
/// (both broadcast to the same rank, `hits` 0/1): for sum the products, for prod/max/min the
/// updates where hit and the reduction's neutral element elsewhere. Also returns how many
/// updates reached each target.
static std::pair<Value, Value> combineUpdates(NodeContext &ctx, graph::ReduceKind kind, Value hits,
                                              Value updates, int64_t axis) {
  Type f32 = ctx.builder.getF32Type();
  Value count = reduceKeep(ctx, graph::ReduceKind::sum, hits, {axis});
  Value spread = binary(ctx, graph::BinaryKind::mul, hits, updates);
  if (kind != graph::ReduceKind::sum) {
    double neutral = kind == graph::ReduceKind::prod ? 1.0
                     : kind == graph::ReduceKind::max ? -3.0e38
                                                       : 3.0e38;
    Value missed = binary(ctx, graph::BinaryKind::sub, scalarConstant(ctx, f32, 1.0), hits);
    spread = binary(ctx, graph::BinaryKind::add, spread,
                    binary(ctx, graph::BinaryKind::mul, missed, scalarConstant(ctx, f32, neutral)));
  }
  return {reduceKeep(ctx, kind, spread, {axis}), count};
}

/// Applies combined updates to the data: overwrite where hit ("none"; duplicates are undefined
/// there), else the reduction of the data with the combined value.
static Value applyScatter(NodeContext &ctx, graph::ReduceKind kind, bool overwrite, Value data,
                          Value combined, Value count) {
  Value d = asF32(ctx, data);
  if (overwrite) {
    // d * (1 - hit) + update keeps both exact; a where would need the hit mask broadcast within
    // tiles, which the chip's where does not do.
    Type f32 = ctx.builder.getF32Type();
    Value hit = binary(ctx, graph::BinaryKind::min, count, scalarConstant(ctx, f32, 1.0));
    Value kept = binary(ctx, graph::BinaryKind::mul, d,
                        binary(ctx, graph::BinaryKind::sub, scalarConstant(ctx, f32, 1.0), hit));
    return binary(ctx, graph::BinaryKind::add, kept, combined);
  }
  graph::BinaryKind op = kind == graph::ReduceKind::sum    ? graph::BinaryKind::add
                         : kind == graph::ReduceKind::prod ? graph::BinaryKind::mul
                         : kind == graph::ReduceKind::max  ? graph::BinaryKind::max
                                                           : graph::BinaryKind::min;
  return binary(ctx, op, d, combined);
}

static bool overwrites(NodeContext &ctx) {
  return !ctx.attr("reduction") || ctx.attr("reduction")->s() == "none";
}

/// ScatterElements (and the older Scatter): updates[j] goes to data[j with j[axis] replaced by
/// indices[j]]. Hits are the one-hot of the indices, [J..., K]; combining over the axis leaves
/// [..., 1, ..., K], which a remap lays back out as the data, with the neutral element outside J.
static Result convertScatterElements(NodeContext &ctx) {
  Value data = ctx.operands[0], indices = ctx.operands[1], updates = ctx.operands[2];
  auto kind = scatterReduction(ctx);
  if (failed(kind))
    return failure();
  ArrayRef<int64_t> dshape = shapeOf(data);
  int64_t rank = dshape.size();
  FailureOr<int64_t> axisOr = axisAttr(ctx, rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr, k = dshape[axis];
  Value hits = oneHot(ctx, wrapNegative(ctx, indices, k), k);
  SmallVector<int64_t> ushape(shapeOf(updates));
  ushape.push_back(1);
  auto [combined, count] = combineUpdates(ctx, *kind, hits,
                                          reshapeTo(ctx, asF32(ctx, updates), ushape), axis);
  MLIRContext *mctx = ctx.builder.getContext();
  SmallVector<AffineExpr> index;
  for (int64_t i = 0; i < rank; ++i)
    index.push_back(i == axis ? getAffineConstantExpr(0, mctx) : getAffineDimExpr(i, mctx));
  index.push_back(getAffineDimExpr(axis, mctx));
  auto laidOut = RankedTensorType::get(dshape, ctx.builder.getF32Type());
  double neutral = *kind == graph::ReduceKind::prod  ? 1.0
                   : *kind == graph::ReduceKind::max ? -3.0e38
                   : *kind == graph::ReduceKind::min ? 3.0e38
                                                     : 0.0;
  combined = remapPadded(ctx, combined, laidOut, index, neutral);
  count = remapPadded(ctx, count, laidOut, index, 0.0f);
  Value out = applyScatter(ctx, *kind, overwrites(ctx), data, combined, count);
  return one(castTo(ctx, out, ctx.resultTypes[0]));
}

/// ScatterND: index tuples become flat positions over the first t dims of the data; the hits
/// [M, K, 1] against the updates [M, 1, Q] combine over M.
static Result convertScatterND(NodeContext &ctx) {
  Value data = ctx.operands[0], indices = ctx.operands[1], updates = ctx.operands[2];
  auto kind = scatterReduction(ctx);
  if (failed(kind))
    return failure();
  ArrayRef<int64_t> dshape = shapeOf(data), ishape = shapeOf(indices);
  int64_t t = ishape.back(), k = product(dshape.take_front(t)), q = product(dshape.drop_front(t)),
          m = product(ishape.drop_back());
  Value lin = reshapeTo(ctx, linearIndex(ctx, indices, dshape), {m});
  Value hits = reshapeTo(ctx, oneHot(ctx, lin, k), {m, k, 1});
  Value upd = reshapeTo(ctx, asF32(ctx, updates), {m, 1, q});
  auto [combined, count] = combineUpdates(ctx, *kind, hits, upd, 0);
  Value out = applyScatter(ctx, *kind, overwrites(ctx), reshapeTo(ctx, data, {1, k, q}), combined,
                           count);
  return one(castTo(ctx, out, ctx.resultTypes[0]));
}

/// OneHot: 1 (values[1]) where the class along `axis` equals the index, values[0] elsewhere.
static Result convertOneHot(NodeContext &ctx) {
  RankedTensorType out = ctx.resultTypes[0];
  int64_t rank = out.getRank();
  FailureOr<int64_t> axisOr = axisAttr(ctx, rank, -1);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr, depth = out.getDimSize(axis);
  Value hits = oneHot(ctx, wrapNegative(ctx, ctx.operands[0], depth), depth);
  if (axis != rank - 1) {
    SmallVector<int64_t> perm;
    for (int64_t i = 0; i < rank - 1; ++i) {
      if (i == axis)
        perm.push_back(rank - 1);
      perm.push_back(i);
    }
    hits = transpose(ctx, hits, perm);
  }
  Value values = asF32(ctx, ctx.operands[2]);
  Type f32 = ctx.builder.getF32Type();
  MLIRContext *mctx = ctx.builder.getContext();
  auto scalar = RankedTensorType::get({1}, f32);
  Value off = remap(ctx, values, scalar, {getAffineConstantExpr(0, mctx)});
  Value on = remap(ctx, values, scalar, {getAffineConstantExpr(1, mctx)});
  Value scaled = binary(ctx, graph::BinaryKind::mul, hits, binary(ctx, graph::BinaryKind::sub, on, off));
  return one(castTo(ctx, binary(ctx, graph::BinaryKind::add, scaled, off), out));
}

/// EyeLike depends only on its input's shape, so it is a constant.
static Result convertEyeLike(NodeContext &ctx) {
  RankedTensorType out = ctx.resultTypes[0];
  int64_t rows = out.getDimSize(0), cols = out.getDimSize(1), k = ctx.intAttr("k", 0);
  SmallVector<double> values;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      values.push_back(j - i == k ? 1.0 : 0.0);
  return one(constant(ctx, out, values));
}

/// TopK by k rounds of selection on the chip: each round takes the extreme along the axis and
/// its first position (ties go to the smaller index, as ONNX wants), then rules that position
/// out. k is read from the result shape, so it may also come at run time.
static Result convertTopK(NodeContext &ctx) {
  Value x = ctx.operands[0];
  ArrayRef<int64_t> shape = shapeOf(x);
  int64_t rank = shape.size();
  FailureOr<int64_t> axisOr = axisAttr(ctx, rank, -1);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr, n = shape[axis];
  int64_t k = ctx.resultTypes[0].getDimSize(axis);
  bool largest = ctx.intAttr("largest", 1) != 0;
  Type f32 = ctx.builder.getF32Type(), i1 = ctx.builder.getI1Type();
  auto fullF32 = RankedTensorType::get(shape, f32);
  Value cur = asF32(ctx, x);
  if (!largest)
    cur = unary(ctx, graph::UnaryKind::neg, cur);
  Value positions = iota(ctx, n, rank - 1 - axis);
  Value excluded = scalarConstant(ctx, f32, -3.0e38);
  SmallVector<Value> values, indices;
  for (int64_t j = 0; j < k; ++j) {
    Value best = reduceKeep(ctx, graph::ReduceKind::max, cur, {axis});
    Value hit = binary(ctx, graph::BinaryKind::equal, cur, best, RankedTensorType::get(shape, i1));
    Value miss = binary(ctx, graph::BinaryKind::sub, scalarConstant(ctx, f32, 1.0), asF32(ctx, hit));
    Value candidates = binary(ctx, graph::BinaryKind::add, positions,
                              binary(ctx, graph::BinaryKind::mul, miss,
                                     scalarConstant(ctx, f32, (double)n)), fullF32);
    Value index = reduceKeep(ctx, graph::ReduceKind::min, candidates, {axis});
    values.push_back(largest ? best : unary(ctx, graph::UnaryKind::neg, best));
    indices.push_back(index);
    if (j + 1 < k) {
      Value taken = binary(ctx, graph::BinaryKind::equal, positions, index,
                           RankedTensorType::get(shape, i1));
      cur = ctx.builder.create<graph::WhereOp>(ctx.loc, fullF32, taken, excluded, cur);
    }
  }
  // The rounds' results, each of size 1 along the axis, placed side by side.
  auto stack = [&](ArrayRef<Value> parts, RankedTensorType type) {
    MLIRContext *mctx = ctx.builder.getContext();
    auto f32Type = RankedTensorType::get(type.getShape(), f32);
    Value sum;
    for (auto [j, part] : llvm::enumerate(parts)) {
      SmallVector<AffineExpr> index;
      for (int64_t d = 0; d < rank; ++d)
        index.push_back(getAffineDimExpr(d, mctx) - (d == axis ? (int64_t)j : 0));
      Value placed = remapPadded(ctx, part, f32Type, index, 0.0f);
      sum = sum ? binary(ctx, graph::BinaryKind::add, sum, placed) : placed;
    }
    return castTo(ctx, sum, type);
  };
  SmallVector<Value> results{stack(values, ctx.resultTypes[0])};
  if (ctx.resultTypes.size() > 1)
    results.push_back(stack(indices, ctx.resultTypes[1]));
  return results;
}

/// MaxUnpool: each value goes to the flat output position its index names (positions are
/// global, but each lies in its own (n, c) plane), zeros elsewhere. Per plane, the one-hot of the
/// local positions, transposed, is a matmul that scatters the values.
static Result convertMaxUnpool(NodeContext &ctx) {
  Value x = ctx.operands[0], indices = ctx.operands[1];
  RankedTensorType out = ctx.resultTypes[0];
  ArrayRef<int64_t> xs = shapeOf(x);
  // The indices address the unpooled shape the pool's geometry gives; an output_shape larger
  // than that only pads it at the end.
  size_t spatial = xs.size() - 2;
  SmallVector<int64_t> kernel = intsAttr(ctx, "kernel_shape", spatial, 1),
                       strides = intsAttr(ctx, "strides", spatial, 1),
                       pads = intsAttr(ctx, "pads", 2 * spatial, 0);
  SmallVector<int64_t> unpooled{xs[0], xs[1]};
  for (size_t i = 0; i < spatial; ++i)
    unpooled.push_back((xs[i + 2] - 1) * strides[i] + kernel[i] - pads[i] - pads[i + spatial]);
  int64_t planes = xs[0] * xs[1], m = product(xs.drop_front(2)),
          k = product(ArrayRef<int64_t>(unpooled).drop_front(2));
  Type f32 = ctx.builder.getF32Type();
  SmallVector<double> base;
  for (int64_t p = 0; p < planes; ++p)
    base.push_back(double(p * k));
  Value local = binary(ctx, graph::BinaryKind::sub,
                       reshapeTo(ctx, asF32(ctx, indices), {planes, m}),
                       constant(ctx, RankedTensorType::get({planes, 1}, f32), base));
  Value hits = transpose(ctx, oneHot(ctx, local, k), {0, 2, 1});
  Value values = reshapeTo(ctx, asF32(ctx, x), {planes, m, 1});
  Value placed = ctx.builder.create<graph::MatMulOp>(
      ctx.loc, RankedTensorType::get({planes, k, 1}, f32), hits, values);
  placed = reshapeTo(ctx, placed, unpooled);
  if (ArrayRef<int64_t>(unpooled) != out.getShape()) {
    SmallVector<AffineExpr> index;
    for (size_t d = 0; d < unpooled.size(); ++d)
      index.push_back(getAffineDimExpr(d, ctx.builder.getContext()));
    placed = remapPadded(ctx, placed, RankedTensorType::get(out.getShape(), f32), index, 0.0f);
  }
  return one(castTo(ctx, placed, out));
}

/// ReverseSequence: along the time axis, the first lens[b] steps of batch b reversed and the
/// rest kept. The selection [B, T, T] is built on the chip from the run-time lengths and applied
/// by a batched matmul to the input viewed as [B, T, rest].
static Result convertReverseSequence(NodeContext &ctx) {
  Value x = ctx.operands[0];
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t rank = xs.size(), timeAxis = ctx.intAttr("time_axis", 0),
          batchAxis = ctx.intAttr("batch_axis", 1);
  if (timeAxis == batchAxis || timeAxis < 0 || batchAxis < 0 || timeAxis > 1 || batchAxis > 1)
    return ctx.emitError() << "ReverseSequence's time_axis and batch_axis must be 0 and 1";
  SmallVector<int64_t> perm{batchAxis, timeAxis};
  for (int64_t d = 2; d < rank; ++d)
    perm.push_back(d);
  Value moved = transpose(ctx, asF32(ctx, x), perm);
  int64_t b = xs[batchAxis], t = xs[timeAxis], rest = product(xs.drop_front(2));
  Type f32 = ctx.builder.getF32Type(), i1 = ctx.builder.getI1Type();
  auto sel = RankedTensorType::get({b, t, t}, f32), selMask = RankedTensorType::get({b, t, t}, i1);
  Value lens = reshapeTo(ctx, asF32(ctx, ctx.operands[1]), {b, 1, 1});
  Value step = reshapeTo(ctx, iota(ctx, t), {1, t, 1}), source = reshapeTo(ctx, iota(ctx, t), {1, 1, t});
  Value mirrored = binary(ctx, graph::BinaryKind::sub,
                          binary(ctx, graph::BinaryKind::sub, lens, scalarConstant(ctx, f32, 1.0)),
                          step);
  Value reversed = asF32(ctx, binary(ctx, graph::BinaryKind::equal, source, mirrored, selMask));
  Value kept = asF32(ctx, binary(ctx, graph::BinaryKind::equal, source, step,
                                 RankedTensorType::get({1, t, t}, i1)));
  Value inside = asF32(ctx, binary(ctx, graph::BinaryKind::less, step, lens,
                                   RankedTensorType::get({b, t, 1}, i1)));
  Value outside = binary(ctx, graph::BinaryKind::sub, scalarConstant(ctx, f32, 1.0), inside);
  Value select = binary(ctx, graph::BinaryKind::add,
                        binary(ctx, graph::BinaryKind::mul, inside, reversed, sel),
                        binary(ctx, graph::BinaryKind::mul, outside, kept, sel));
  Value y = ctx.builder.create<graph::MatMulOp>(
      ctx.loc, RankedTensorType::get({b, t, rest}, f32), select,
      reshapeTo(ctx, moved, {b, t, rest}));
  SmallVector<int64_t> movedShape(shapeOf(moved));
  y = reshapeTo(ctx, y, movedShape);
  // perm swaps at most the first two axes, so it is its own inverse.
  y = transpose(ctx, y, perm);
  return one(castTo(ctx, y, ctx.resultTypes[0]));
}

/// Range with bounds fed at run time, when the result's length is still known (declared or
/// inferred): start + i * delta on the chip. Constant bounds fold at import instead.
static Result convertRange(NodeContext &ctx) {
  RankedTensorType out = ctx.resultTypes[0];
  int64_t n = out.getDimSize(0);
  Type f32 = ctx.builder.getF32Type();
  Value start = reshapeTo(ctx, asF32(ctx, ctx.operands[0]), {1});
  Value delta = reshapeTo(ctx, asF32(ctx, ctx.operands[2]), {1});
  Value steps = binary(ctx, graph::BinaryKind::mul, iota(ctx, n), delta,
                       RankedTensorType::get({n}, f32));
  return one(castTo(ctx, binary(ctx, graph::BinaryKind::add, steps, start), out));
}

void tessel::onnx_import::addIndexConverters(ConverterMap &map) {
  map["Trilu"] = convertTrilu;
  map["Gather"] = convertGather;
  map["GatherElements"] = convertGatherElements;
  map["GatherND"] = convertGatherND;
  map["ScatterElements"] = convertScatterElements;
  map["Scatter"] = convertScatterElements;
  map["ScatterND"] = convertScatterND;
  map["OneHot"] = convertOneHot;
  map["EyeLike"] = convertEyeLike;
  map["TopK"] = convertTopK;
  map["MaxUnpool"] = convertMaxUnpool;
  map["ReverseSequence"] = convertReverseSequence;
  map["Range"] = convertRange;
}
