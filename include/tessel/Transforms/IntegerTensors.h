//===- IntegerTensors.h - Which integer tensors the chip holds in int32 ---===//
//
// The SFPU computes integer add, sub, mul, div, mod, max, min, comparisons and where on int32
// tiles in an int32 Dst, and converts between integers and floats with its typecasts. Integer
// tensors that only such ops and moves touch are held in int32, exact over the whole int32
// range, as are integer matmuls' operands and results (the FPU multiplies integers into an
// int32 Dst); the others (those a float-only op reads or writes) stay f32, exact to 2^24.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_INTEGERTENSORS_H
#define TESSEL_TRANSFORMS_INTEGERTENSORS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

namespace tessel {

/// Whether `type` is a tensor of integers (booleans are not: they are held as f32).
bool isIntegerTensor(mlir::Type type);

/// The integer tensors (arguments and results) of `func` that tt-assign-layouts holds in int32.
llvm::DenseSet<mlir::Value> int32Tensors(mlir::func::FuncOp func);

/// Whether `op`, its layouts assigned, computes in an int32 Dst: its result is int32, or it is
/// elementwise with an int32 operand (a comparison, a cast to float).
bool computesInInt32Dst(mlir::Operation *op);

} // namespace tessel

#endif
