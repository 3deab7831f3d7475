//===- ElementwiseMath.h - Scalar semantics of the elementwise tile ops ---===//
//
// What UNARY, BINARY, DST_BINARY and REDUCE compute on one value, and how many
// SFPU instructions per lane each costs. Compute.cpp applies them tile-wide.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_ELEMENTWISEMATH_H
#define TESSEL_RUNTIME_LIB_ELEMENTWISEMATH_H

#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Formats.h"

#include <cmath>

namespace tessel::rt {

/// Whether a value is true as the logic ops read it.
inline bool truthOf(float x) { return x != 0.0f; }

/// Inline, so that a loop over a tile with a constant op is that op's loop alone (Compute.cpp).
inline float applyUnary(UnaryOp op, float x, float p) {
  switch (op) {
  case UnaryOp::Relu: return x > 0 ? x : (std::isnan(x) ? x : 0.0f);
  case UnaryOp::ToFloat: return float(slotInt32(x));
  case UnaryOp::ToInt: return int32Slot(saturateInt32(std::trunc(double(x))));
  case UnaryOp::Exp: return std::exp(x);
  case UnaryOp::Reciprocal: return 1.0f / x;
  case UnaryOp::Negate: return -x;
  case UnaryOp::Scale: return x * p;
  case UnaryOp::AddScalar: return x + p;
  case UnaryOp::Abs: return std::fabs(x);
  case UnaryOp::Sqrt: return std::sqrt(x);
  case UnaryOp::Log: return std::log(x);
  case UnaryOp::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
  case UnaryOp::Tanh: return std::tanh(x);
  case UnaryOp::Erf: return std::erf(x);
  case UnaryOp::Sin: return std::sin(x);
  case UnaryOp::Cos: return std::cos(x);
  case UnaryOp::Floor: return std::floor(x);
  case UnaryOp::Ceil: return std::ceil(x);
  case UnaryOp::Round: return std::nearbyint(x); // default rounding: half to even
  case UnaryOp::Sign: return std::isnan(x) ? x : float((x > 0) - (x < 0));
  case UnaryOp::MaxScalar: return std::isnan(x) ? x : std::fmax(x, p);
  case UnaryOp::MinScalar: return std::isnan(x) ? x : std::fmin(x, p);
  case UnaryOp::LeakyRelu: return x >= 0 ? x : x * p;
  case UnaryOp::Elu: return x >= 0 ? x : p * std::expm1(x);
  case UnaryOp::Softplus: return std::log1p(std::exp(x));
  case UnaryOp::Not: return truthOf(x) ? 0.0f : 1.0f;
  case UnaryOp::PowScalar: return std::pow(x, p);
  case UnaryOp::Square: return x * x;
  case UnaryOp::ThresholdedRelu: return x > p ? x : 0.0f;
  case UnaryOp::Rsqrt: return 1.0f / std::sqrt(x);
  case UnaryOp::IsNan: return std::isnan(x) ? 1.0f : 0.0f;
  case UnaryOp::IsInf:
    // param selects the sign: 0 both, >0 +inf only, <0 -inf only.
    return std::isinf(x) && (p == 0 || (p > 0) == (x > 0)) ? 1.0f : 0.0f;
  case UnaryOp::Tan: return std::tan(x);
  case UnaryOp::Asin: return std::asin(x);
  case UnaryOp::Acos: return std::acos(x);
  case UnaryOp::Atan: return std::atan(x);
  case UnaryOp::Sinh: return std::sinh(x);
  case UnaryOp::Cosh: return std::cosh(x);
  case UnaryOp::Asinh: return std::asinh(x);
  case UnaryOp::Acosh: return std::acosh(x);
  case UnaryOp::Atanh: return std::atanh(x);
  case UnaryOp::Gelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
  case UnaryOp::GeluTanh:
    return 0.5f * x * (1.0f + std::tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
  case UnaryOp::DivScalar: return x / p;
  }
  return x;
}

inline float applyBinary(BinaryOp op, float a, float b, float current) {
  switch (op) {
  case BinaryOp::Add: return a + b;
  case BinaryOp::Sub: return a - b;
  case BinaryOp::Mul: return a * b;
  case BinaryOp::Max: return std::isnan(a) || std::isnan(b) ? NAN : std::fmax(a, b);
  case BinaryOp::Min: return std::isnan(a) || std::isnan(b) ? NAN : std::fmin(a, b);
  case BinaryOp::Div: return a / b;
  case BinaryOp::Pow: return std::pow(a, b);
  case BinaryOp::Fmod: return std::fmod(a, b);
  case BinaryOp::Mod: {
    // Python's modulo: the result takes the divisor's sign.
    float r = std::fmod(a, b);
    return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
  }
  case BinaryOp::Equal: return a == b;
  case BinaryOp::Less: return a < b;
  case BinaryOp::Greater: return a > b;
  case BinaryOp::LessEqual: return a <= b;
  case BinaryOp::GreaterEqual: return a >= b;
  case BinaryOp::And: return truthOf(a) && truthOf(b);
  case BinaryOp::Or: return truthOf(a) || truthOf(b);
  case BinaryOp::Xor: return truthOf(a) != truthOf(b);
  case BinaryOp::PRelu: return a < 0 ? a * b : a;
  case BinaryOp::WhereInto: return truthOf(a) ? b : current;
  }
  return a;
}

float applyReduce(ReduceOp op, float acc, float x);

/// SFPU instructions per lane: the multiplier of one 1024-element SFPU pass.
int unarySfpuCost(UnaryOp op);
int binarySfpuCost(BinaryOp op);
/// Add, sub and mul also run on the FPU (bf16 and block-float operands).
bool binaryOnFpu(BinaryOp op);

} // namespace tessel::rt

#endif
