// Matrices along one axis for the converters whose op is linear along the axes it touches (Pad,
// Slice, Resize, CumSum, DFT): built here when the parameters are constants (applied with
// alongAxis), or on the chip from parameters fed at run time.
#ifndef TESSEL_LIB_IMPORT_AXISMATRIX_H
#define TESSEL_LIB_IMPORT_AXISMATRIX_H

#include "ChipArith.h"

namespace tessel::onnx_import {

using mlir::OpBuilder;
using mlir::SmallVector;

/// The [rows x cols] row-major matrix whose row r picks column source[r].
inline SmallVector<double> selectionMatrix(ArrayRef<int64_t> source, int64_t cols) {
  SmallVector<double> m(source.size() * cols, 0.0);
  for (auto [r, c] : llvm::enumerate(source))
    m[r * cols + c] = 1.0;
  return m;
}

inline bool isIdentity(ArrayRef<double> matrix, int64_t rows, int64_t cols) {
  if (rows != cols)
    return false;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      if (matrix[r * cols + c] != (r == c ? 1.0 : 0.0))
        return false;
  return true;
}

//
// When a parameter that places the samples (Slice's starts, Pad's pads, Resize's scales or roi)
// is a graph input, the output shape is still inline but the matrix of each axis is not known
// here. It is then computed on the chip from the parameter with elementwise ops over a grid of
// output positions O and input positions I, and applied with a matmul as alongAxis does.

/// The positions of one axis's matrix: out holds the output positions 0..m-1 and in the input
/// positions 0..n-1, shaped so that an elementwise op of the two is the matrix. Along the last
/// axis the matrix is [n, m], to be the right operand of x @ M; elsewhere it is [m, n].
struct Grid {
  Value out, in;
  bool transposed;
};

inline bool matrixIsTransposed(int64_t axis, int64_t rank) {
  return axis == rank - 1 && rank >= 2;
}

inline Grid gridOf(NodeContext &ctx, int64_t axis, int64_t rank, int64_t m, int64_t n) {
  if (matrixIsTransposed(axis, rank))
    return {reshapeTo(ctx, iota(ctx, m), {1, m}), iota(ctx, n, 1), true};
  return {iota(ctx, m, 1), reshapeTo(ctx, iota(ctx, n), {1, n}), false};
}

/// Applies the matrix `matrix`, laid out as gridOf describes, along `axis` of the f32 tensor `x`.
inline Value applyOnChip(NodeContext &ctx, Value x, int64_t axis, Value matrix) {
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank(), n = type.getDimSize(axis);
  bool transposed = matrixIsTransposed(axis, rank);
  int64_t m = typeOf(matrix).getDimSize(transposed ? 1 : 0);
  SmallVector<int64_t> outShape(type.getShape());
  outShape[axis] = m;
  OpBuilder &b = ctx.builder;
  if (transposed)
    return b.create<graph::MatMulOp>(ctx.loc, RankedTensorType::get(outShape, type.getElementType()),
                                     x, matrix);
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k)
    outer *= type.getDimSize(k);
  for (int64_t k = axis + 1; k < rank; ++k)
    inner *= type.getDimSize(k);
  Value view = reshapeTo(ctx, x, {outer, n, inner});
  Value prod = b.create<graph::MatMulOp>(
      ctx.loc, RankedTensorType::get({outer, m, inner}, type.getElementType()), matrix, view);
  return reshapeTo(ctx, prod, outShape);
}

/// Adds `value` * (1 - covered) to `y`, where `covered` (over the grid's output positions) is 1
/// for the outputs along `axis` that read the input: the padding of Pad and tf_crop_and_resize.
inline Value addFill(NodeContext &ctx, Value y, int64_t axis, Value covered, Num value) {
  Chip c(ctx);
  int64_t rank = typeOf(y).getRank();
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = typeOf(y).getDimSize(axis);
  Value fill = c.mul(c.sub(1.0, reshapeTo(ctx, covered, shape)), value);
  return c.add(y, fill);
}

} // namespace tessel::onnx_import

#endif
