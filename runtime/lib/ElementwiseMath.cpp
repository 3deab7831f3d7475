//===- ElementwiseMath.cpp - Scalar semantics of the elementwise tile ops -===//
//
// SFPU costs are instruction counts per lane as a kernel library would spend
// them: 1 for a compare or a MAD, a handful for the polynomial/Newton steps
// of reciprocal, sqrt and exp, more for the transcendental series.
//
//===----------------------------------------------------------------------===//
#include "ElementwiseMath.h"

#include <cmath>

namespace tessel::rt {

float applyReduce(ReduceOp op, float acc, float x) {
  switch (op) {
  case ReduceOp::Sum: return acc + x;
  case ReduceOp::Max: return std::isnan(acc) || std::isnan(x) ? NAN : std::fmax(acc, x);
  case ReduceOp::Min: return std::isnan(acc) || std::isnan(x) ? NAN : std::fmin(acc, x);
  case ReduceOp::Prod: return acc * x;
  }
  return acc;
}

int unarySfpuCost(UnaryOp op) {
  switch (op) {
  case UnaryOp::Exp: case UnaryOp::Log: case UnaryOp::Sigmoid: case UnaryOp::Elu:
  case UnaryOp::Softplus:
    return 8;
  case UnaryOp::Reciprocal: case UnaryOp::Sqrt: case UnaryOp::Rsqrt: case UnaryOp::DivScalar:
    return 6;
  case UnaryOp::Tanh: case UnaryOp::Erf: case UnaryOp::Sin: case UnaryOp::Cos:
  case UnaryOp::PowScalar: case UnaryOp::Tan: case UnaryOp::Asin: case UnaryOp::Acos:
  case UnaryOp::Atan: case UnaryOp::Sinh: case UnaryOp::Cosh: case UnaryOp::Asinh:
  case UnaryOp::Acosh: case UnaryOp::Atanh: case UnaryOp::Gelu: case UnaryOp::GeluTanh:
    return 12;
  case UnaryOp::Floor: case UnaryOp::Ceil: case UnaryOp::Round: case UnaryOp::Sign:
  case UnaryOp::ToFloat: case UnaryOp::ToInt:
    return 3;
  default:
    return 1;
  }
}

int binarySfpuCost(BinaryOp op) {
  switch (op) {
  case BinaryOp::Div: return 7; // reciprocal then a multiply
  case BinaryOp::Pow: return 20;
  case BinaryOp::Fmod: case BinaryOp::Mod: return 10;
  default: return 1;
  }
}

bool binaryOnFpu(BinaryOp op) {
  return op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul;
}

} // namespace tessel::rt
