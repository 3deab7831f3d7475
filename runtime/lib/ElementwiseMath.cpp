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

namespace {
bool truth(float x) { return x != 0.0f; }
} // namespace

float applyUnary(UnaryOp op, float x, float p) {
  switch (op) {
  case UnaryOp::Relu: return x > 0 ? x : (std::isnan(x) ? x : 0.0f);
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
  case UnaryOp::Not: return truth(x) ? 0.0f : 1.0f;
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

float applyBinary(BinaryOp op, float a, float b, float current) {
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
  case BinaryOp::And: return truth(a) && truth(b);
  case BinaryOp::Or: return truth(a) || truth(b);
  case BinaryOp::Xor: return truth(a) != truth(b);
  case BinaryOp::PRelu: return a < 0 ? a * b : a;
  case BinaryOp::WhereInto: return truth(a) ? b : current;
  }
  return a;
}

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
