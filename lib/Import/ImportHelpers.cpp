// Builders of graph ops that the per-op converters share.
#include "ImportHelpers.h"

using namespace mlir;
using namespace tessel;

namespace tessel::onnx_import {

Result one(Value v) { return SmallVector<Value>{v}; }

Value unary(NodeContext &ctx, graph::UnaryKind kind, Value input, float alpha,
            float beta, Type resultType) {
  OpBuilder &b = ctx.builder;
  if (!resultType)
    resultType = input.getType();
  return b.create<graph::UnaryOp>(ctx.loc, resultType, graph::UnaryKindAttr::get(b.getContext(), kind),
                                  input, b.getF32FloatAttr(alpha), b.getF32FloatAttr(beta));
}

Value binary(NodeContext &ctx, graph::BinaryKind kind, Value lhs, Value rhs,
             Type resultType) {
  OpBuilder &b = ctx.builder;
  if (!resultType) {
    auto l = cast<RankedTensorType>(lhs.getType()), r = cast<RankedTensorType>(rhs.getType());
    auto shape = graph::broadcastShapes(l.getShape(), r.getShape());
    resultType = RankedTensorType::get(shape ? *shape : SmallVector<int64_t>(l.getShape()),
                                       l.getElementType());
  }
  return b.create<graph::BinaryOp>(ctx.loc, resultType,
                                   graph::BinaryKindAttr::get(b.getContext(), kind), lhs, rhs);
}

Value constant(NodeContext &ctx, RankedTensorType type, ArrayRef<double> values) {
  SmallVector<Attribute> attrs;
  Type elt = type.getElementType();
  for (double v : values)
    attrs.push_back(isa<FloatType>(elt) ? Attribute(ctx.builder.getFloatAttr(elt, v))
                                        : Attribute(ctx.builder.getIntegerAttr(elt, saturatingInt64(v))));
  return ctx.builder.create<graph::ConstantOp>(ctx.loc, type, DenseElementsAttr::get(type, attrs));
}

Value scalarConstant(NodeContext &ctx, Type elementType, double value) {
  return constant(ctx, RankedTensorType::get({}, elementType), {value});
}

Value reshapeTo(NodeContext &ctx, Value v, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, cast<RankedTensorType>(v.getType()).getElementType());
  if (type == v.getType())
    return v;
  return ctx.builder.create<graph::ReshapeOp>(ctx.loc, type, v);
}

Value reduceKeep(NodeContext &ctx, graph::ReduceKind kind, Value v, ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t a : axes)
    shape[a] = 1;
  return ctx.builder.create<graph::ReduceOp>(
      ctx.loc, RankedTensorType::get(shape, type.getElementType()),
      kind, v, ctx.builder.getDenseI64ArrayAttr(axes));
}

/// Per-channel parameters [C] broadcast against NCHW... as [C, 1, ..., 1].
Value channelParam(NodeContext &ctx, Value p, int64_t rank) {
  SmallVector<int64_t> shape{cast<RankedTensorType>(p.getType()).getDimSize(0)};
  shape.append(rank - 2, 1);
  return reshapeTo(ctx, p, shape);
}

Value remap(NodeContext &ctx, Value input, RankedTensorType resultType,
                   ArrayRef<AffineExpr> inputIndex) {
  auto map = AffineMap::get(resultType.getRank(), 0, inputIndex, ctx.builder.getContext());
  return ctx.builder.create<graph::RemapOp>(ctx.loc, resultType, input, AffineMapAttr::get(map),
                                            ctx.builder.getF32FloatAttr(0.0f));
}

SmallVector<int64_t> intsAttr(NodeContext &ctx, StringRef name, size_t n, int64_t dflt) {
  SmallVector<int64_t> v(n, dflt);
  if (const onnx::AttributeProto *a = ctx.attr(name))
    for (size_t i = 0; i < n && i < (size_t)a->ints_size(); ++i)
      v[i] = a->ints(i);
  return v;
}

Value remapPadded(NodeContext &ctx, Value input, RankedTensorType resultType,
                         ArrayRef<AffineExpr> inputIndex, float padding) {
  auto map = AffineMap::get(resultType.getRank(), 0, inputIndex, ctx.builder.getContext());
  return ctx.builder.create<graph::RemapOp>(ctx.loc, resultType, input, AffineMapAttr::get(map),
                                            ctx.builder.getF32FloatAttr(padding));
}

Value alongAxis(NodeContext &ctx, Value x, int64_t axis, int64_t rows, ArrayRef<double> matrix) {
  auto type = cast<RankedTensorType>(x.getType());
  Type elt = type.getElementType();
  int64_t rank = type.getRank(), cols = type.getDimSize(axis);
  SmallVector<int64_t> outShape(type.getShape());
  outShape[axis] = rows;
  auto outType = RankedTensorType::get(outShape, elt);
  OpBuilder &b = ctx.builder;
  if (axis == rank - 1 && rank >= 2) {
    // x [..., cols] @ matrix^T [cols, rows]: the common case keeps full tiles.
    SmallVector<double> transposed(cols * rows);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        transposed[c * rows + r] = matrix[r * cols + c];
    Value m = constant(ctx, RankedTensorType::get({cols, rows}, elt), transposed);
    return b.create<graph::MatMulOp>(ctx.loc, outType, x, m);
  }
  // matrix [rows, cols] @ x viewed as [outer, cols, inner].
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k)
    outer *= type.getDimSize(k);
  for (int64_t k = axis + 1; k < rank; ++k)
    inner *= type.getDimSize(k);
  Value m = constant(ctx, RankedTensorType::get({rows, cols}, elt), matrix);
  Value view = reshapeTo(ctx, x, {outer, cols, inner});
  Value prod = b.create<graph::MatMulOp>(ctx.loc, RankedTensorType::get({outer, rows, inner}, elt),
                                         m, view);
  return reshapeTo(ctx, prod, outShape);
}

Value iota(NodeContext &ctx, int64_t n, int64_t trailing) {
  SmallVector<double> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(i);
  SmallVector<int64_t> shape{n};
  shape.append(trailing, 1);
  return constant(ctx, RankedTensorType::get(shape, ctx.builder.getF32Type()), values);
}

Value oneHot(NodeContext &ctx, Value indices, int64_t depth) {
  auto type = cast<RankedTensorType>(indices.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.push_back(1);
  Type f32 = ctx.builder.getF32Type();
  Value column = reshapeTo(ctx, indices, shape);
  if (type.getElementType() != f32)
    column = unary(ctx, graph::UnaryKind::identity, column, 0, 0, RankedTensorType::get(shape, f32));
  shape.back() = depth;
  Value hit = binary(ctx, graph::BinaryKind::equal, column, iota(ctx, depth),
                     RankedTensorType::get(shape, ctx.builder.getI1Type()));
  return unary(ctx, graph::UnaryKind::identity, hit, 0, 0, RankedTensorType::get(shape, f32));
}

ArrayRef<int64_t> shapeOf(Value v) { return cast<RankedTensorType>(v.getType()).getShape(); }

RankedTensorType withElementType(Value v, Type elt) {
  return RankedTensorType::get(shapeOf(v), elt);
}

Value castElements(NodeContext &ctx, Value v, Type elt) {
  if (cast<RankedTensorType>(v.getType()).getElementType() == elt)
    return v;
  return unary(ctx, graph::UnaryKind::identity, v, 0, 0, withElementType(v, elt));
}

Value asF32(NodeContext &ctx, Value v) { return castElements(ctx, v, ctx.builder.getF32Type()); }

std::optional<double> scalarValue(Value v) {
  auto constant = v ? v.getDefiningOp<graph::ConstantOp>() : graph::ConstantOp();
  auto data = constant ? graph::readF32Elements(constant.getValue()) : std::nullopt;
  if (!data || data->size() != 1)
    return std::nullopt;
  return data->front();
}

Value transpose(NodeContext &ctx, Value v, ArrayRef<int64_t> perm) {
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return v;
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(shapeOf(v)[p]);
  auto type = cast<RankedTensorType>(v.getType()).clone(shape);
  return ctx.builder.create<graph::TransposeOp>(ctx.loc, type, v,
                                                ctx.builder.getDenseI64ArrayAttr(perm));
}

Value optionalOperand(NodeContext &ctx, unsigned i) {
  return i < ctx.operands.size() ? ctx.operands[i] : Value();
}

Value remapOrFold(NodeContext &ctx, Value input, RankedTensorType type,
                  ArrayRef<AffineExpr> inputIndex, float padding) {
  Value source = input;
  if (auto reshape = source.getDefiningOp<graph::ReshapeOp>())
    source = reshape.getInput();
  auto cst = source.getDefiningOp<graph::ConstantOp>();
  std::optional<std::vector<float>> data;
  if (cst && type.getElementType().isF32())
    data = graph::readF32Elements(cst.getValue());
  if (!data)
    return remapPadded(ctx, input, type, inputIndex, padding);
  ArrayRef<int64_t> inShape = shapeOf(input);
  auto map = AffineMap::get(type.getRank(), 0, inputIndex, ctx.builder.getContext());
  std::vector<float> values;
  values.reserve(type.getNumElements());
  SmallVector<int64_t> idx(type.getRank(), 0);
  for (int64_t linear = 0; linear < type.getNumElements(); ++linear) {
    SmallVector<int64_t> in = map.compose(idx);
    int64_t src = 0;
    bool inside = true;
    for (size_t d = 0; d < in.size(); ++d) {
      inside &= in[d] >= 0 && in[d] < inShape[d];
      src = src * inShape[d] + in[d];
    }
    values.push_back(inside ? (*data)[src] : padding);
    for (int64_t d = type.getRank() - 1; d >= 0 && ++idx[d] == type.getDimSize(d); --d)
      idx[d] = 0;
  }
  return ctx.builder.create<graph::ConstantOp>(ctx.loc, type,
                                               graph::makeF32Elements(type, values));
}
} // namespace tessel::onnx_import
