// Slice: a remap for constant parameters, a selection matrix per axis built on the chip for
// parameters fed at run time.
#include "AxisMatrix.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

/// Slice's run-time or constant parameter vector `i` as f32 [1, k]; `dflt` when omitted.
static Value sliceParam(NodeContext &ctx, unsigned i, ArrayRef<double> dflt) {
  Chip c(ctx);
  if (i >= ctx.operands.size() || !ctx.operands[i])
    return c.constants({1, (int64_t)dflt.size()}, dflt);
  Value v = ctx.operands[i];
  return asF32(ctx, reshapeTo(ctx, v, {1, typeOf(v).getNumElements()}));
}

/// The dims a Slice with run-time parameters may change: the constant axes, or every dim when the
/// axes come at run time. A dim that keeps its size is the identity unless a step may be negative
/// (a reversal), and a single element always is.
static FailureOr<SmallVector<bool>> slicedDims(NodeContext &ctx, int64_t k) {
  RankedTensorType in = typeOf(ctx.operands[0]), out = ctx.resultTypes[0];
  int64_t rank = in.getRank();
  auto present = [&](unsigned i) { return i < ctx.operands.size() && ctx.operands[i]; };
  SmallVector<bool> touched(rank, false);
  if (!present(3)) {
    for (int64_t d = 0; d < std::min(k, rank); ++d)
      touched[d] = true;
  } else if (auto axes = ctx.constantOperand(3)) {
    for (float a : *axes) {
      if (a < -rank || a >= rank)
        return ctx.emitError() << "Slice axis " << a << " is out of range for rank " << rank;
      touched[a < 0 ? (int64_t)a + rank : (int64_t)a] = true;
    }
  } else {
    touched.assign(rank, true);
  }
  bool negativeSteps = present(4);
  if (auto steps = present(4) ? ctx.constantOperand(4) : std::nullopt) {
    if (llvm::is_contained(*steps, 0.0f))
      return ctx.emitError() << "Slice's steps must not be 0";
    negativeSteps = llvm::any_of(*steps, [](float s) { return s < 0; });
  }
  for (int64_t d = 0; d < rank; ++d) {
    int64_t n = in.getDimSize(d);
    if (n == out.getDimSize(d) && (!negativeSteps || n == 1))
      touched[d] = false;
  }
  return touched;
}

/// Slice with starts, axes or steps fed at run time. Per input dim d, the slice entries whose axis
/// is d give its clamped start and its step (0 and 1 when none does), all on the chip; the output
/// shape, which the ends only affect, is static. Each dim that may change becomes the 0/1
/// matrix M[o, i] = (i == start + o * step).
static Result sliceOnChip(NodeContext &ctx) {
  Value x = ctx.operands[0];
  RankedTensorType in = typeOf(x), out = ctx.resultTypes[0];
  int64_t rank = in.getRank(), k = typeOf(ctx.operands[1]).getNumElements();
  if (out.getNumElements() == 0)
    return one(constant(ctx, out, {}));
  for (unsigned i : {3u, 4u})
    if (i < ctx.operands.size() && ctx.operands[i] &&
        typeOf(ctx.operands[i]).getNumElements() != k)
      return ctx.emitError() << "Slice's " << (i == 3 ? "axes" : "steps") << " have "
                             << typeOf(ctx.operands[i]).getNumElements() << " entries for " << k
                             << " starts";
  auto touched = slicedDims(ctx, k);
  if (failed(touched))
    return failure();
  SmallVector<double> entries, sizes, ones(k, 1.0);
  for (int64_t i = 0; i < k; ++i)
    entries.push_back(i);
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(in.getDimSize(d));

  // [rank, k]: whether entry j slices dim d, and its start clamped to dim d's size.
  Chip c(ctx);
  Value starts = sliceParam(ctx, 1, {}), axes = sliceParam(ctx, 3, entries),
        steps = sliceParam(ctx, 4, ones);
  Value dims = iota(ctx, rank, 1), size = c.constants({rank, 1}, sizes);
  Value match = c.add(c.eq(axes, dims), c.eq(axes, c.sub(dims, (double)rank)));
  Value wrapped = c.add(starts, c.mul(size, c.lt(starts, 0.0)));
  Value clamped = c.clamp(wrapped, 0.0, c.sub(size, c.lt(steps, 0.0)));
  Value start = c.sum(c.mul(match, clamped), 1);
  Value step = c.add(c.sum(c.mul(match, steps), 1), c.sub(1.0, c.sum(match, 1)));

  Value y = asF32(ctx, x);
  for (int64_t d = 0; d < rank; ++d) {
    if (!(*touched)[d])
      continue;
    Grid g = gridOf(ctx, d, rank, out.getDimSize(d), in.getDimSize(d));
    Value source = c.add(c.row(start, d), c.mul(g.out, c.row(step, d)));
    y = applyOnChip(ctx, y, d, c.eq(g.in, source));
  }
  return one(castElements(ctx, y, out.getElementType()));
}

/// Slice: a remap when starts, axes and steps are constants.
static Result convertSlice(NodeContext &ctx) {
  auto in = cast<RankedTensorType>(ctx.operands[0].getType());
  int64_t rank = in.getRank();
  SmallVector<int64_t> starts, axes, steps;
  if (ctx.opset < 10) {
    starts = intsAttr(ctx, "starts", ctx.attr("starts") ? ctx.attr("starts")->ints_size() : 0, 0);
    axes = ctx.attr("axes") ? intsAttr(ctx, "axes", ctx.attr("axes")->ints_size(), 0)
                            : SmallVector<int64_t>();
  } else {
    if (runtimeOperand(ctx, 1) || runtimeOperand(ctx, 3) || runtimeOperand(ctx, 4))
      return sliceOnChip(ctx);
    auto s = ctx.constantOperand(1);
    if (!s)
      return ctx.emitError() << "Slice has no starts";
    for (float v : *s)
      starts.push_back(saturatingInt64(v));
    if (auto a = ctx.constantOperand(3))
      for (float v : *a)
        axes.push_back(saturatingInt64(v));
    if (auto st = ctx.constantOperand(4))
      for (float v : *st)
        steps.push_back(saturatingInt64(v));
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  steps.resize(axes.size(), 1);
  SmallVector<AffineExpr> index;
  for (int64_t k = 0; k < rank; ++k)
    index.push_back(getAffineDimExpr(k, ctx.builder.getContext()));
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i] < 0 ? axes[i] + rank : axes[i], dim = in.getDimSize(a);
    int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
    start = steps[i] > 0 ? std::clamp<int64_t>(start, 0, dim) : std::clamp<int64_t>(start, 0, dim - 1);
    index[a] = index[a] * steps[i] + start;
  }
  return one(remap(ctx, ctx.operands[0], ctx.resultTypes[0], index));
}

void tessel::onnx_import::addSliceConverters(ConverterMap &map) {
  map["Slice"] = convertSlice;
}
