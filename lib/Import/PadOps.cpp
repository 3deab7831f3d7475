// Pad in every mode: one 0/1 matrix per padded axis, constant or built on the chip from pads
// fed at run time.
#include "AxisMatrix.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

/// The source index that output position `o` of a padded axis reads in reflect, edge or wrap
/// mode. Negative pads crop first, and the non-constant modes extend what remains.
static int64_t padSource(StringRef mode, int64_t o, int64_t begin, int64_t size, int64_t end) {
  int64_t lo = std::max<int64_t>(0, -begin), n = size - lo - std::max<int64_t>(0, -end);
  int64_t t = o - begin - lo; // position relative to the first kept element
  if (mode == "edge")
    return lo + std::clamp<int64_t>(t, 0, n - 1);
  if (mode == "wrap")
    return lo + ((t % n) + n) % n;
  if (n == 1)
    return lo;
  // Reflection without repeating the border is periodic with period 2 (n - 1).
  int64_t period = 2 * (n - 1);
  t = ((t % period) + period) % period;
  return lo + (t < n ? t : period - t);
}

/// Pad with pads (or a constant_value) fed at run time. Each padded axis reads source position
/// t = o - begin, and since end = m - n - begin the static shapes give the rest: constant mode
/// reads nothing outside [0, n) and adds the value there; the other modes fold t into the part
/// that negative pads leave, [lo, hi].
static Result padOnChip(NodeContext &ctx, StringRef mode, Value pads, ArrayRef<int64_t> axes,
                        Num value) {
  Chip c(ctx);
  Value x = ctx.operands[0];
  RankedTensorType out = ctx.resultTypes[0];
  int64_t rank = typeOf(x).getRank();
  Value y = asF32(ctx, x);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    int64_t n = typeOf(x).getDimSize(axis), m = out.getDimSize(axis);
    Grid g = gridOf(ctx, axis, rank, m, n);
    Value begin = c.element(pads, i);
    Value t = c.sub(g.out, begin);
    if (mode == "constant") {
      y = applyOnChip(ctx, y, axis, c.eq(g.in, t));
      if (value.value || value.number != 0)
        y = addFill(ctx, y, axis, c.within(t, 0.0, (double)(n - 1)), value);
      continue;
    }
    Value end = c.sub((double)(m - n), begin);
    Value lo = c.max(c.sub(0.0, begin), 0.0);
    Value hi = c.sub((double)(n - 1), c.max(c.sub(0.0, end), 0.0));
    Value source;
    if (mode == "edge") {
      source = c.clamp(t, lo, hi);
    } else if (mode == "wrap") {
      source = c.add(lo, c.mod(c.sub(t, lo), c.add(c.sub(hi, lo), 1.0)));
    } else {
      // Reflection without repeating the border has period 2 (len - 1); within a period the
      // distance from the far border folds back.
      Value last = c.sub(hi, lo);
      Value period = c.max(c.mul(last, 2.0), 1.0);
      Value folded = c.mod(c.sub(t, lo), period);
      source = c.sub(hi, c.abs(c.sub(folded, last)));
    }
    y = applyOnChip(ctx, y, axis, c.eq(g.in, source));
  }
  return one(castElements(ctx, y, out.getElementType()));
}

/// The axes Pad's pads cover: the constant axes input (opset 18), else every axis.
static FailureOr<SmallVector<int64_t>> padAxes(NodeContext &ctx, int64_t rank) {
  SmallVector<int64_t> axes;
  if (ctx.operands.size() <= 3 || !ctx.operands[3]) {
    for (int64_t k = 0; k < rank; ++k)
      axes.push_back(k);
    return axes;
  }
  auto a = ctx.constantOperand(3);
  if (!a)
    return ctx.emitError() << "Pad's axes must be a constant";
  for (float v : *a) {
    int64_t given = saturatingInt64(v), axis = given < 0 ? given + rank : given;
    if (axis < 0 || axis >= rank)
      return ctx.emitError() << "Pad axis " << given << " is out of range for rank " << rank;
    axes.push_back(axis);
  }
  return axes;
}

/// The pads ([begins..., ends...] over all axes) from the attribute (opset < 11) or the constant
/// pads and axes inputs.
static FailureOr<SmallVector<int64_t>> givenPadAmounts(NodeContext &ctx, int64_t rank) {
  if (ctx.opset < 11)
    return intsAttr(ctx, ctx.opset < 2 ? "paddings" : "pads", 2 * rank, 0);
  auto p = ctx.constantOperand(1);
  if (!p)
    return ctx.emitError() << "Pad has no pads";
  auto axes = padAxes(ctx, rank);
  if (failed(axes))
    return failure();
  if (p->size() != 2 * axes->size())
    return ctx.emitError() << "Pad has " << p->size() << " pads for " << axes->size() << " axes";
  SmallVector<int64_t> pads(2 * rank, 0);
  for (auto [i, axis] : llvm::enumerate(*axes)) {
    pads[axis] = saturatingInt64((*p)[i]);
    pads[axis + rank] = saturatingInt64((*p)[i + axes->size()]);
  }
  return pads;
}

/// givenPadAmounts, each bounded so that a dim plus its pads cannot overflow (any pad that large
/// would make a result too big for the chip anyway).
static FailureOr<SmallVector<int64_t>> padAmounts(NodeContext &ctx, int64_t rank) {
  FailureOr<SmallVector<int64_t>> pads = givenPadAmounts(ctx, rank);
  constexpr int64_t limit = int64_t(1) << 40;
  if (succeeded(pads))
    for (int64_t pad : *pads)
      if (pad < -limit || pad > limit)
        return ctx.emitError() << "Pad amount " << pad << " is out of range";
  return pads;
}

/// Pad-11 and later with pads or the constant value fed at run time.
static Result convertRuntimePad(NodeContext &ctx, StringRef mode) {
  int64_t rank = typeOf(ctx.operands[0]).getRank();
  auto axes = padAxes(ctx, rank);
  if (failed(axes))
    return failure();
  Value pads = ctx.operands[1];
  if (auto p = ctx.constantOperand(1)) {
    SmallVector<double> values(p->begin(), p->end());
    pads = Chip(ctx).constants({(int64_t)values.size()}, values);
  }
  if (typeOf(pads).getNumElements() != 2 * (int64_t)axes->size())
    return ctx.emitError() << "Pad has " << typeOf(pads).getNumElements() << " pads for "
                           << axes->size() << " axes";
  Num value = 0.0;
  if (mode == "constant" && ctx.operands.size() > 2 && ctx.operands[2]) {
    if (auto v = ctx.constantOperand(2)) {
      if (!v->empty())
        value = (double)v->front();
    } else if (typeOf(ctx.operands[2]).getNumElements() == 1) {
      value = castElements(ctx, reshapeTo(ctx, ctx.operands[2], {}), ctx.builder.getF32Type());
    }
  }
  return padOnChip(ctx, mode, pads, *axes, value);
}

/// Reflect, edge and wrap padding: a 0/1 selection matrix per padded axis.
static Result padBySelection(NodeContext &ctx, StringRef mode, ArrayRef<int64_t> pads) {
  Value x = ctx.operands[0];
  int64_t rank = typeOf(x).getRank();
  Value y = asF32(ctx, x);
  for (int64_t k = 0; k < rank; ++k) {
    int64_t begin = pads[k], end = pads[k + rank], size = typeOf(x).getDimSize(k);
    if (begin == 0 && end == 0)
      continue;
    int64_t rows = size + begin + end;
    if (size - std::max<int64_t>(0, -begin) - std::max<int64_t>(0, -end) <= 0)
      return ctx.emitError() << "Pad mode '" << mode << "' crops axis " << k
                             << " to nothing, leaving no element to extend";
    SmallVector<int64_t> source;
    for (int64_t o = 0; o < rows; ++o)
      source.push_back(padSource(mode, o, begin, size, end));
    y = alongAxis(ctx, y, k, rows, selectionMatrix(source, size));
  }
  return one(castElements(ctx, y, ctx.resultTypes[0].getElementType()));
}

static Result convertPad(NodeContext &ctx) {
  int64_t rank = typeOf(ctx.operands[0]).getRank();
  std::string mode = ctx.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return ctx.emitError() << "Pad mode '" << mode << "' is unknown";
  if (ctx.opset >= 11 &&
      (runtimeOperand(ctx, 1) || (mode == "constant" && runtimeOperand(ctx, 2))))
    return convertRuntimePad(ctx, mode);
  auto pads = padAmounts(ctx, rank);
  if (failed(pads))
    return failure();
  if (mode != "constant")
    return padBySelection(ctx, mode, *pads);
  float value = 0;
  if (ctx.opset < 11) {
    value = ctx.floatAttr("value", 0.0f);
  } else if (auto c = ctx.constantOperand(2)) {
    if (!c->empty())
      value = c->front();
  }
  SmallVector<AffineExpr> index;
  for (int64_t k = 0; k < rank; ++k)
    index.push_back(getAffineDimExpr(k, ctx.builder.getContext()) - (*pads)[k]);
  return one(remapPadded(ctx, ctx.operands[0], ctx.resultTypes[0], index, value));
}

void tessel::onnx_import::addPadConverters(ConverterMap &map) {
  map["Pad"] = convertPad;
}
