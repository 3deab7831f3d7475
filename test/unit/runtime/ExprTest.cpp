//===- ExprTest.cpp - Postfix expressions and the opcode table ------------===//
#include "tessel/runtime/Bytecode.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace tessel::rt;

namespace {
int64_t eval(std::vector<int64_t> code, std::vector<int64_t> vars = {0, 0, 0, 0, 0}) {
  std::string error;
  EXPECT_TRUE(checkExpr(code.data(), code.size() / 2, uint32_t(vars.size()), error)) << error;
  int64_t r = 0;
  EXPECT_TRUE(evalExpr(code.data(), code.size() / 2, vars.data(), r, error)) << error;
  return r;
}
} // namespace

TEST(Expr, Arithmetic) {
  EXPECT_EQ(eval({0, 7}), 7);
  EXPECT_EQ(eval({1, 4}, {0, 0, 0, 0, 9}), 9);
  EXPECT_EQ(eval({0, 2, 0, 3, 2, 0, 0, 4, 3, 0}), 20); // (2 + 3) * 4
}

TEST(Expr, DivisionFloorsAndModIsNonNegative) {
  EXPECT_EQ(eval({0, -7, 0, 2, 4, 0}), -4);
  EXPECT_EQ(eval({0, 7, 0, 2, 4, 0}), 3);
  EXPECT_EQ(eval({0, -7, 0, 3, 5, 0}), 2);
  EXPECT_EQ(eval({0, 7, 0, 3, 6, 0}), 3);
  EXPECT_EQ(eval({0, -7, 0, 3, 6, 0}), -2);
  EXPECT_EQ(eval({0, 6, 0, 3, 6, 0}), 2);
}

TEST(Expr, StaticChecks) {
  std::string error;
  std::vector<int64_t> underflow = {0, 1, 2, 0};
  EXPECT_FALSE(checkExpr(underflow.data(), 2, 4, error));
  EXPECT_NE(error.find("underflow"), std::string::npos) << error;
  std::vector<int64_t> two = {0, 1, 0, 2};
  EXPECT_FALSE(checkExpr(two.data(), 2, 4, error));
  EXPECT_FALSE(checkExpr(nullptr, 0, 4, error));
  std::vector<int64_t> badVar = {1, 9};
  EXPECT_FALSE(checkExpr(badVar.data(), 1, 4, error));
  std::vector<int64_t> badTag = {42, 0};
  EXPECT_FALSE(checkExpr(badTag.data(), 1, 4, error));
}

TEST(Expr, RuntimeFaults) {
  std::string error;
  int64_t r;
  std::vector<int64_t> divZero = {0, 1, 0, 0, 4, 0};
  int64_t vars[4] = {};
  EXPECT_FALSE(evalExpr(divZero.data(), 3, vars, r, error));
  EXPECT_NE(error.find("divides by 0"), std::string::npos) << error;
  std::vector<int64_t> overflow = {0, INT64_MAX, 0, 2, 3, 0};
  EXPECT_FALSE(evalExpr(overflow.data(), 3, vars, r, error));
}

TEST(Bytecode, OperandTablesAgree) {
  for (int32_t op = 0; op < kNumOps; ++op)
    EXPECT_EQ(int(std::strlen(operandKinds(op))), operandCount(op)) << opName(op);
  EXPECT_EQ(operandCount(kNumOps), -1);
  EXPECT_STREQ(opName(int32_t(Op::NocMcast)), "NOC_MCAST");
}
