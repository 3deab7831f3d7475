//===- ElementwiseMath.h - Scalar semantics of the elementwise tile ops ---===//
//
// What UNARY, BINARY, DST_BINARY and REDUCE compute on one value, and how many
// SFPU instructions per lane each costs. Compute.cpp applies them tile-wide.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_ELEMENTWISEMATH_H
#define TESSEL_RUNTIME_LIB_ELEMENTWISEMATH_H

#include "tessel/runtime/Bytecode.h"

namespace tessel::rt {

float applyUnary(UnaryOp op, float x, float param);
float applyBinary(BinaryOp op, float a, float b, float current);
float applyReduce(ReduceOp op, float acc, float x);

/// SFPU instructions per lane: the multiplier of one 1024-element SFPU pass.
int unarySfpuCost(UnaryOp op);
int binarySfpuCost(BinaryOp op);
/// Add, sub and mul also run on the FPU (bf16 and block-float operands).
bool binaryOnFpu(BinaryOp op);

} // namespace tessel::rt

#endif
