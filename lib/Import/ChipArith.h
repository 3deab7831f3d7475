// f32 arithmetic on the chip for the converters that build matrices from parameters fed at run
// time (SliceOps, PadOps and ResizeOps through AxisMatrix.h; GridSample and windows in SamplingOps).
#ifndef TESSEL_LIB_IMPORT_CHIPARITH_H
#define TESSEL_LIB_IMPORT_CHIPARITH_H

#include "ImportHelpers.h"

#include "llvm/ADT/bit.h"

#include <cmath>

namespace tessel::onnx_import {

using mlir::ArrayRef;
using mlir::MLIRContext;
using mlir::RankedTensorType;
using mlir::Type;
using mlir::Value;

inline RankedTensorType typeOf(Value v) {
  return mlir::cast<RankedTensorType>(v.getType());
}

/// The operand `i` when the node has it and it is not a constant, else null.
inline Value runtimeOperand(NodeContext &ctx, unsigned i) {
  if (i >= ctx.operands.size() || !ctx.operands[i] || ctx.constantOperand(i))
    return Value();
  return ctx.operands[i];
}

/// A number for the f32 arithmetic below: a tensor on the chip, or a constant.
struct Num {
  Num(Value v) : value(v) {}
  Num(double d) : number(d) {}
  Value value;
  double number = 0;
};

/// f32 arithmetic on the chip with numpy broadcasting; comparisons give 0.0 or 1.0. Arithmetic
/// on two constants folds, and each scalar constant is made once.
struct Chip {
  explicit Chip(NodeContext &ctx) : ctx(ctx) {}
  NodeContext &ctx;
  llvm::DenseMap<uint64_t, Value> scalars;

  Type f32() { return ctx.builder.getF32Type(); }
  Value get(Num n) {
    if (n.value)
      return n.value;
    Value &v = scalars[llvm::bit_cast<uint64_t>(n.number)];
    if (!v)
      v = scalarConstant(ctx, f32(), n.number);
    return v;
  }
  Value op(graph::BinaryKind kind, Num a, Num b) {
    if (!a.value && !b.value)
      return get(fold(kind, a.number, b.number));
    using K = graph::BinaryKind;
    if (!b.value && ((b.number == 0 && (kind == K::add || kind == K::sub)) ||
                     (b.number == 1 && (kind == K::mul || kind == K::div))))
      return a.value;
    return binary(ctx, kind, get(a), get(b));
  }
  static double fold(graph::BinaryKind kind, double a, double b) {
    switch (kind) {
    case graph::BinaryKind::add: return a + b;
    case graph::BinaryKind::sub: return a - b;
    case graph::BinaryKind::mul: return a * b;
    case graph::BinaryKind::div: return a / b;
    case graph::BinaryKind::min: return std::min(a, b);
    case graph::BinaryKind::max: return std::max(a, b);
    default: {
      double r = std::fmod(a, b);
      return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }
    }
  }
  Value add(Num a, Num b) { return op(graph::BinaryKind::add, a, b); }
  Value sub(Num a, Num b) { return op(graph::BinaryKind::sub, a, b); }
  Value mul(Num a, Num b) { return op(graph::BinaryKind::mul, a, b); }
  Value div(Num a, Num b) { return op(graph::BinaryKind::div, a, b); }
  Value min(Num a, Num b) { return op(graph::BinaryKind::min, a, b); }
  Value max(Num a, Num b) { return op(graph::BinaryKind::max, a, b); }
  Value mod(Num a, Num b) { return op(graph::BinaryKind::mod, a, b); }
  Value clamp(Num v, Num lo, Num hi) { return min(max(v, lo), hi); }
  Value abs(Value v) { return unary(ctx, graph::UnaryKind::abs, v); }
  Value ceil(Value v) { return unary(ctx, graph::UnaryKind::ceil, v); }
  Value sum(Value v, int64_t axis) { return reduceKeep(ctx, graph::ReduceKind::sum, v, {axis}); }
  /// The comparison as a boolean tensor.
  Value test(graph::BinaryKind kind, Num a, Num b) {
    Value l = get(a), r = get(b);
    auto shape = graph::broadcastShapes(typeOf(l).getShape(), typeOf(r).getShape());
    return binary(ctx, kind, l, r, RankedTensorType::get(*shape, ctx.builder.getI1Type()));
  }
  /// The comparison as 0.0 or 1.0.
  Value flag(graph::BinaryKind kind, Num a, Num b) {
    Value t = test(kind, a, b);
    return unary(ctx, graph::UnaryKind::identity, t, 0, 0,
                 RankedTensorType::get(typeOf(t).getShape(), f32()));
  }
  Value eq(Num a, Num b) { return flag(graph::BinaryKind::equal, a, b); }
  Value lt(Num a, Num b) { return flag(graph::BinaryKind::less, a, b); }
  Value le(Num a, Num b) { return flag(graph::BinaryKind::less_or_equal, a, b); }
  /// 1.0 where lo <= v <= hi.
  Value within(Num v, Num lo, Num hi) { return mul(le(lo, v), le(v, hi)); }
  /// Element `i` of the run-time tensor `v` (a scalar or a vector) as f32 [1, 1].
  Value element(Value v, int64_t i) {
    RankedTensorType type = typeOf(v);
    auto one = RankedTensorType::get({1, 1}, type.getElementType());
    Value e = type.getRank() == 0
                  ? reshapeTo(ctx, v, {1, 1})
                  : remap(ctx, reshapeTo(ctx, v, {type.getNumElements()}), one,
                          {mlir::getAffineConstantExpr(i, ctx.builder.getContext())});
    return castElements(ctx, e, f32());
  }
  /// Row `i` of the column [r, 1] as [1, 1].
  Value row(Value column, int64_t i) {
    MLIRContext *c = ctx.builder.getContext();
    return remap(ctx, column, RankedTensorType::get({1, 1}, f32()),
                 {mlir::getAffineConstantExpr(i, c), mlir::getAffineConstantExpr(0, c)});
  }
  Value apply(graph::UnaryKind kind, Value v) { return unary(ctx, kind, v); }
  Value floor(Value v) { return unary(ctx, graph::UnaryKind::floor, v); }
  /// `v`, a scalar or a one-element tensor of any element type, as f32 of rank 0.
  Value scalar(Value v) { return castElements(ctx, reshapeTo(ctx, v, {}), f32()); }
  /// `values` as f32 of `shape`.
  Value constants(ArrayRef<int64_t> shape, ArrayRef<double> values) {
    return constant(ctx, RankedTensorType::get(shape, f32()), values);
  }
};

} // namespace tessel::onnx_import

#endif
