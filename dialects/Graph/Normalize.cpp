// The elementwise and reduction ops that normalise a tensor, shared by the importer (the
// statistics ONNX ops output) and the passes that expand graph.layer_norm and graph.rms_norm
// where their kernel does not apply.
#include "Graph/GraphOps.h"

using namespace mlir;
using namespace tessel::graph;

Normalized tessel::graph::buildNormalization(OpBuilder &b, Location loc, Value x,
                                             ArrayRef<int64_t> axes, float eps, bool rms,
                                             Attribute encoding, Attribute scalarEncoding) {
  auto type = cast<RankedTensorType>(x.getType());
  Type elt = type.getElementType();
  SmallVector<int64_t> statShape(type.getShape());
  for (int64_t a : axes)
    statShape[a] = 1;
  auto full = RankedTensorType::get(type.getShape(), elt, encoding);
  auto stat = RankedTensorType::get(statShape, elt, encoding);
  auto mean = [&](Value v) {
    return b.create<ReduceOp>(loc, stat, ReduceKind::mean, v, b.getDenseI64ArrayAttr(axes))
        .getResult();
  };
  auto binary = [&](BinaryKind kind, Type t, Value lhs, Value rhs) {
    return b.create<BinaryOp>(loc, t, kind, lhs, rhs).getResult();
  };
  auto unary = [&](UnaryKind kind, Value v) {
    return b.create<UnaryOp>(loc, v.getType(), UnaryKindAttr::get(b.getContext(), kind), v,
                             b.getF32FloatAttr(0), b.getF32FloatAttr(0))
        .getResult();
  };
  Normalized n;
  Value centered = x;
  if (!rms) {
    n.mean = mean(x);
    centered = binary(BinaryKind::sub, full, x, n.mean);
  }
  n.var = mean(binary(BinaryKind::mul, full, centered, centered));
  auto scalarType = RankedTensorType::get({}, elt);
  Value epsilon = b.create<ConstantOp>(loc, RankedTensorType::get({}, elt, scalarEncoding),
                                       DenseElementsAttr::get(scalarType, b.getFloatAttr(elt, eps)));
  // One SFPU function for 1 / sqrt, with one rounding, where sqrt then reciprocal take two.
  n.invStd = unary(UnaryKind::rsqrt, binary(BinaryKind::add, stat, n.var, epsilon));
  n.normal = binary(BinaryKind::mul, full, centered, n.invStd);
  return n;
}
