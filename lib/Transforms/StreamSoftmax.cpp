#include "tessel/Transforms/StreamSoftmax.h"

#include "Grid/GridDialect.h"
#include "Tile/TileDialect.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace tessel;

int64_t tessel::softmaxRowL1Bytes(RankedTensorType type) {
  int64_t cols = type.getRank() ? type.getShape().back() : 1;
  int64_t tiles = (cols + 31) / 32;
  return (2 * tiles + 5) * tile::tileBytes(grid::getLayout(type).getFormat());
}

void tessel::streamSoftmax(graph::SoftmaxOp op) {
  OpBuilder b(op);
  Operation *prev = op->getPrevNode();
  Location loc = op.getLoc();
  Value x = op.getInput();
  auto type = cast<RankedTensorType>(op.getType());
  SmallVector<int64_t> rowShape(type.getShape());
  rowShape.back() = 1;
  // The per-row statistics keep the result's encoding (its memory and format).
  auto rowType = RankedTensorType::get(rowShape, type.getElementType(), type.getEncoding());
  auto axes = b.getDenseI64ArrayAttr({type.getRank() - 1});
  auto reduce = [&](graph::ReduceKind kind, Value v) {
    return b.create<graph::ReduceOp>(loc, rowType, kind, v, axes).getResult();
  };
  auto unary = [&](graph::UnaryKind kind, Value v) {
    return b.create<graph::UnaryOp>(loc, v.getType(), graph::UnaryKindAttr::get(b.getContext(), kind),
                                    v, b.getF32FloatAttr(0), b.getF32FloatAttr(0))
        .getResult();
  };
  auto binary = [&](graph::BinaryKind kind, Value lhs, Value rhs) {
    return b.create<graph::BinaryOp>(loc, type, kind, lhs, rhs).getResult();
  };
  Value max = reduce(graph::ReduceKind::max, x);
  Value e = unary(graph::UnaryKind::exp, binary(graph::BinaryKind::sub, x, max));
  Value sum = reduce(graph::ReduceKind::sum, e);
  Value y;
  if (op.getLog()) {
    Value offset = b.create<graph::BinaryOp>(loc, rowType, graph::BinaryKind::add, max,
                                             unary(graph::UnaryKind::log, sum));
    y = binary(graph::BinaryKind::sub, x, offset);
  } else {
    y = binary(graph::BinaryKind::mul, e, unary(graph::UnaryKind::reciprocal, sum));
  }
  grid::inheritComputeConfig(op, prev);
  op.replaceAllUsesWith(y);
  op.erase();
}
