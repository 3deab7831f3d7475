//===- Bytecode.cpp - Opcode table and expression evaluation --------------===//
#include "tessel/runtime/Bytecode.h"

namespace tessel::rt {

namespace {
struct OpInfo {
  const char *name;
  int operands;
};
const OpInfo kOps[kNumOps] = {
    {"END_LOOP", 0},   {"LOOP", 3},        {"CB_RESERVE", 2}, {"CB_PUSH", 2},
    {"CB_WAIT", 2},    {"CB_POP", 2},      {"NOC_READ", 4},   {"NOC_WRITE", 4},
    {"NOC_BARRIER", 0}, {"DST_ACQUIRE", 0}, {"DST_RELEASE", 0}, {"MATMUL", 5},
    {"BINARY", 7},     {"UNARY", 3},       {"COPY", 3},       {"TRANSPOSE", 3},
    {"REDUCE", 6},     {"MASK", 4},        {"PACK", 3},       {"SEM_WAIT", 2},
    {"SEM_INC", 4},    {"NOC_MCAST", 7},  {"DST_BINARY", 4},
    {"NOC_READ_SPAN", 9}, {"CB_LOAD_INDEX", 5}, {"NOC_FLUSH", 0}, {"CB_TILE_NONZERO", 4},
    {"NOC_WRITE0", 4}, {"PACK_ACC", 3}, {"MATMUL_BT", 5}, {"NOC_READ_RUNS", 12},
    {"PACK_RELU", 3}, {"NOC_MCAST_ON", 8},
    {"NOC_READ_ON", 5}, {"WAIT_GO", 0},
};
// See operandKinds() in Bytecode.h for the letters.
const char *const kOperandKinds[kNumOps] = {
    "",       "vep",  "cn",  "cn",      "cn",      "cn",  "bece", "cebe",
    "",       "",     "",    "cecee",   "BGcecee", "Uer", "cee",  "cee",
    "RDAcee", "eeer", "ece", "se",      "eesr",    "ceeeeee", "Beee", "beeceeeer",
    "vceer",  "",     "vcer",  "cebe",    "ece",     "cecee",
    "bcevrrreeerA", "ece", "ceeeeeee", "becee", "",
};
} // namespace

const char *operandKinds(int32_t op) {
  return op >= 0 && op < kNumOps ? kOperandKinds[op] : "";
}

int operandCount(int32_t op) {
  return op >= 0 && op < kNumOps ? kOps[op].operands : -1;
}

const char *opName(int32_t op) {
  return op >= 0 && op < kNumOps ? kOps[op].name : "?";
}

bool checkExpr(const int32_t *code, size_t terms, uint32_t numVars, size_t earlier,
               std::string &error) {
  int depth = 0;
  for (size_t i = 0; i < terms; ++i) {
    ExprTag tag = exprTag(code[i]);
    int64_t operand = exprOperand(code[i]);
    switch (tag) {
    case ExprTag::Const:
      ++depth;
      break;
    case ExprTag::Var:
      if (operand < 0 || operand >= int64_t(numVars)) {
        error = "variable " + std::to_string(operand) + " out of range (" +
                std::to_string(numVars) + " variables)";
        return false;
      }
      ++depth;
      break;
    case ExprTag::Ref:
      if (operand < 0 || operand >= int64_t(earlier)) {
        error = "reference to expression " + std::to_string(operand) + ", not one of the " +
                std::to_string(earlier) + " before it";
        return false;
      }
      ++depth;
      break;
    case ExprTag::Add:
    case ExprTag::Mul:
    case ExprTag::FloorDiv:
    case ExprTag::Mod:
    case ExprTag::CeilDiv:
      if (depth < 2) {
        error = "stack underflow at term " + std::to_string(i);
        return false;
      }
      --depth;
      break;
    }
    if (tag >= ExprTag::Add && tag <= ExprTag::CeilDiv && operand != 0) {
      error = "operator with operand " + std::to_string(operand) + " at term " + std::to_string(i);
      return false;
    }
    if (depth > kMaxExprDepth) {
      error = "deeper than " + std::to_string(kMaxExprDepth) + " values";
      return false;
    }
  }
  if (depth != 1) {
    error = "leaves " + std::to_string(depth) + " values instead of 1";
    return false;
  }
  return true;
}

bool applyExprOp(ExprTag tag, int64_t a, int64_t b, int64_t &r, std::string &error) {
  switch (tag) {
  case ExprTag::Add:
    if (__builtin_add_overflow(a, b, &r))
      break;
    return true;
  case ExprTag::Mul:
    if (__builtin_mul_overflow(a, b, &r))
      break;
    return true;
  default: {
    if (b <= 0) {
      error = "expression divides by " + std::to_string(b);
      return false;
    }
    int64_t q = a / b, m = a % b;
    if (m < 0) { // C++ truncates toward zero; the bytecode floors.
      m += b;
      --q;
    }
    r = tag == ExprTag::FloorDiv ? q : tag == ExprTag::Mod ? m : m ? q + 1 : q;
    return true;
  }
  }
  error = "expression overflows 64 bits";
  return false;
}

bool evalExpr(const int32_t *code, size_t terms, const int64_t *vars, const int64_t *earlier,
              int64_t &result, std::string &error) {
  int64_t stack[kMaxExprDepth];
  int sp = 0;
  for (size_t i = 0; i < terms; ++i) {
    ExprTag tag = exprTag(code[i]);
    int64_t operand = exprOperand(code[i]);
    if (tag == ExprTag::Const || tag == ExprTag::Var || tag == ExprTag::Ref) {
      stack[sp++] = tag == ExprTag::Const ? operand
                    : tag == ExprTag::Var ? vars[operand]
                                          : earlier[operand];
      continue;
    }
    int64_t b = stack[--sp];
    if (!applyExprOp(tag, stack[sp - 1], b, stack[sp - 1], error))
      return false;
  }
  result = stack[0];
  return true;
}

bool hasIntegerForm(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: case BinaryOp::Sub: case BinaryOp::Mul: case BinaryOp::Max:
  case BinaryOp::Min: case BinaryOp::Equal: case BinaryOp::Less: case BinaryOp::Greater:
  case BinaryOp::LessEqual: case BinaryOp::GreaterEqual: case BinaryOp::WhereInto:
  case BinaryOp::Div: case BinaryOp::Mod: case BinaryOp::Fmod: case BinaryOp::Pow:
    return true;
  default:
    return false;
  }
}

bool hasIntegerForm(UnaryOp op) {
  return op == UnaryOp::Relu || op == UnaryOp::Negate || op == UnaryOp::Abs ||
         op == UnaryOp::Sign || op == UnaryOp::ToFloat || op == UnaryOp::ToInt;
}

} // namespace tessel::rt
