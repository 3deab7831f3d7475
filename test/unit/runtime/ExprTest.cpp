//===- ExprTest.cpp - Postfix expressions, their graph, the opcode table --===//
#include "ExprGraph.h"
#include "tessel/runtime/Bytecode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

using namespace tessel::rt;

namespace {
/// Postfix (tag, operand) pairs, packed a term a word as the binary holds them.
std::vector<int32_t> pack(const std::vector<int64_t> &pairs) {
  std::vector<int32_t> terms;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2)
    terms.push_back(exprTerm(ExprTag(pairs[i]), pairs[i + 1]));
  return terms;
}

int64_t eval(std::vector<int64_t> pairs, std::vector<int64_t> vars = {0, 0, 0, 0, 0}) {
  std::vector<int32_t> code = pack(pairs);
  std::string error;
  EXPECT_TRUE(checkExpr(code.data(), code.size(), uint32_t(vars.size()), 0, error)) << error;
  int64_t r = 0;
  EXPECT_TRUE(evalExpr(code.data(), code.size(), vars.data(), nullptr, r, error)) << error;
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
  std::vector<int32_t> underflow = pack({0, 1, 2, 0});
  EXPECT_FALSE(checkExpr(underflow.data(), 2, 4, 0, error));
  EXPECT_NE(error.find("underflow"), std::string::npos) << error;
  std::vector<int32_t> two = pack({0, 1, 0, 2});
  EXPECT_FALSE(checkExpr(two.data(), 2, 4, 0, error));
  EXPECT_FALSE(checkExpr(nullptr, 0, 4, 0, error));
  std::vector<int32_t> badVar = pack({1, 9});
  EXPECT_FALSE(checkExpr(badVar.data(), 1, 4, 0, error));
  std::vector<int32_t> operatorWithOperand = pack({0, 1, 0, 2, 2, 5});
  EXPECT_FALSE(checkExpr(operatorWithOperand.data(), 3, 4, 0, error));
  EXPECT_NE(error.find("operator with operand 5"), std::string::npos) << error;
  // Terms pack the operand above a 3-bit tag in 32 bits, negative operands too.
  EXPECT_EQ(exprTag(exprTerm(ExprTag::Const, -5)), ExprTag::Const);
  EXPECT_EQ(exprOperand(exprTerm(ExprTag::Const, -5)), -5);
  EXPECT_EQ(exprOperand(exprTerm(ExprTag::Ref, kMaxExprOperand)), kMaxExprOperand);
  EXPECT_EQ(exprOperand(exprTerm(ExprTag::Const, -kMaxExprOperand)), -kMaxExprOperand);
}

TEST(Expr, RuntimeFaults) {
  std::string error;
  int64_t r;
  std::vector<int32_t> divZero = pack({0, 1, 0, 0, 4, 0});
  int64_t vars[4] = {};
  EXPECT_FALSE(evalExpr(divZero.data(), 3, vars, nullptr, r, error));
  EXPECT_NE(error.find("divides by 0"), std::string::npos) << error;
  std::vector<int32_t> overflow = pack({0, 1 << 27, 0, 1 << 27, 3, 0, 0, 1 << 27, 3, 0});
  EXPECT_FALSE(evalExpr(overflow.data(), 5, vars, nullptr, r, error));
}

TEST(Bytecode, OperandTablesAgree) {
  for (int32_t op = 0; op < kNumOps; ++op)
    EXPECT_EQ(int(std::strlen(operandKinds(op))), operandCount(op)) << opName(op);
  EXPECT_EQ(operandCount(kNumOps), -1);
  EXPECT_STREQ(opName(int32_t(Op::NocMcast)), "NOC_MCAST");
}

namespace {
// A random checked postfix expression over `numVars` variables, with divisors that may be
// zero or negative, so that faults are exercised too.
// `wide`: constants up to 40, divisors that a slope often does not divide.
std::vector<int32_t> randomExpr(std::mt19937 &rng, int terms, uint32_t numVars,
                                bool wide = false) {
  std::vector<int64_t> code;
  int depth = 0;
  auto leaf = [&] {
    if (rng() % 3)
      code.insert(code.end(), {1, int64_t(rng() % numVars)});
    else
      code.insert(code.end(), {0, int64_t(rng() % (wide ? 44 : 9)) - 2});
    ++depth;
  };
  for (int i = 0; i < terms; ++i) {
    if (depth < 2 || (rng() % 2 && depth < 8)) {
      leaf();
      continue;
    }
    code.insert(code.end(), {int64_t(2 + rng() % 5), 0});
    --depth;
  }
  while (depth > 1) {
    code.insert(code.end(), {int64_t(2 + rng() % 5), 0});
    --depth;
  }
  if (depth == 0)
    leaf();
  return pack(code);
}
/// The (code, terms) pairs ExprGraph takes, each expression checked first.
std::vector<std::pair<const int32_t *, size_t>>
checked(const std::vector<std::vector<int32_t>> &codes, uint32_t numVars) {
  std::vector<std::pair<const int32_t *, size_t>> exprs;
  for (const auto &c : codes) {
    std::string error;
    EXPECT_TRUE(checkExpr(c.data(), c.size(), numVars, 0, error)) << error;
    exprs.push_back({c.data(), c.size()});
  }
  return exprs;
}
} // namespace

TEST(ExprGraph, AgreesWithThePostfixEvaluator) {
  std::mt19937 rng(7);
  constexpr uint32_t kVars = 70; // past 63, where variables share a stamp
  std::vector<std::vector<int32_t>> codes;
  for (int i = 0; i < 200; ++i)
    codes.push_back(randomExpr(rng, 4 + int(rng() % 40), kVars));
  // Repeats, so that whole expressions and their sub-terms are shared.
  for (int i = 0; i < 50; ++i)
    codes.push_back(codes[rng() % codes.size()]);
  std::vector<std::pair<const int32_t *, size_t>> exprs = checked(codes, kVars);
  ExprGraph graph(exprs);
  ExprState state;
  state.reset(graph, kVars);
  std::vector<int64_t> vars(kVars, 0);
  int faults = 0;
  for (int round = 0; round < 300; ++round) {
    // Like loop counters: a few variables move each round, the others keep their values.
    for (int n = int(rng() % 4); n >= 0; --n) {
      size_t v = rng() % kVars;
      vars[v] = int64_t(rng() % 11) - 3;
      state.setVar(v, vars[v]);
    }
    for (size_t e = 0; e < exprs.size(); e += 1 + rng() % 3) {
      std::string want, got;
      int64_t expected = 0, actual = 0;
      bool ok = evalExpr(exprs[e].first, exprs[e].second, vars.data(), nullptr, expected, want);
      bool graphOk = state.eval(e, actual, got);
      // The graph sums in 128 bits (ExprGraph.h): where the postfix order overflows on the
      // way, it may still get the value; a divisor <= 0 faults in both.
      if (ok) {
        ASSERT_TRUE(graphOk) << "expr " << e << ": " << got;
        ASSERT_EQ(actual, expected) << "expr " << e << " round " << round;
      } else if (want.find("divides") != std::string::npos) {
        ASSERT_FALSE(graphOk) << "expr " << e << " should fault: " << want;
      }
      faults += !ok;
    }
  }
  EXPECT_GT(faults, 0);
}

TEST(ExprGraph, SteppingAgreesWithEvaluatingEachStep) {
  // evalStepping's trend against the postfix evaluator at every step it covers (up to 64), for
  // random expressions, variables and strides; a fault at the first step is a fault of both.
  std::mt19937 rng(11);
  constexpr uint32_t kVars = 4;
  std::vector<std::vector<int32_t>> codes;
  for (int i = 0; i < 300; ++i)
    codes.push_back(randomExpr(rng, 3 + int(rng() % 30), kVars, /*wide=*/true));
  std::vector<std::pair<const int32_t *, size_t>> exprs = checked(codes, kVars);
  ExprGraph graph(exprs);
  ExprState state;
  state.reset(graph, kVars);
  std::vector<int64_t> vars(kVars, 0);
  int64_t extrapolated = 0, longest = 0;
  for (int round = 0; round < 200; ++round) {
    for (size_t v = 0; v < kVars; ++v) {
      vars[v] = int64_t(rng() % 61) - 20;
      state.setVar(v, vars[v]);
    }
    size_t var = rng() % kVars;
    const int64_t strides[] = {1, 2, 3, 8, -1};
    int64_t stride = strides[rng() % 5];
    for (size_t e = 0; e < exprs.size(); ++e) {
      std::string want, got;
      int64_t expected = 0;
      ExprState::Trend trend{};
      bool ok = evalExpr(exprs[e].first, exprs[e].second, vars.data(), nullptr, expected, want);
      bool stepped = state.evalStepping(e, var, stride, trend, got);
      if (!ok) {
        if (want.find("divides") != std::string::npos)
          ASSERT_FALSE(stepped) << "expr " << e << " should fault: " << want;
        continue;
      }
      ASSERT_TRUE(stepped) << "expr " << e << ": " << got;
      ASSERT_EQ(trend.value, expected) << "expr " << e;
      ASSERT_GE(trend.span, 1);
      std::vector<int64_t> at = vars;
      int64_t steps = std::min<int64_t>(trend.span, 64);
      for (int64_t d = 1; d < steps; ++d) {
        at[var] = vars[var] + stride * d;
        int64_t value = 0;
        ASSERT_TRUE(evalExpr(exprs[e].first, exprs[e].second, at.data(), nullptr, value, want))
            << "expr " << e << " faults at step " << d << " of a trend of " << trend.span
            << ": " << want;
        ASSERT_EQ(value, trend.value + trend.slope * d)
            << "expr " << e << " step " << d << " stride " << stride << " of var " << var;
      }
      extrapolated += steps - 1;
      longest = std::max(longest, steps);
    }
  }
  // Trends that span many steps, not only the one evaluated.
  EXPECT_GT(extrapolated, 100000);
  EXPECT_EQ(longest, 64);
}

TEST(ExprGraph, DividesByConstantsAsThePostfixEvaluatorDoes) {
  // v0 floordiv k, v0 mod k and v0 ceildiv k for divisors from 2 to 2^32 - 1, at dividends
  // around multiples of k, up to 2^32 - 1 (a multiplication) and past it or below 0 (a
  // division).
  const int64_t divisors[] = {2, 3, 7, 32, 100, 3136, 100352, 6422528, 1000000007,
                              int64_t(UINT32_MAX)};
  for (int64_t k : divisors) {
    std::vector<std::vector<int32_t>> codes;
    for (int op : {4, 5, 6}) {
      std::vector<int64_t> c = {1, 0};
      // A divisor past the 24-bit operand field is built as hi * 2^16 + lo.
      c.insert(c.end(), {0, k >> 16, 0, 65536, 3, 0, 0, k & 65535, 2, 0, op, 0});
      codes.push_back(pack(c));
    }
    std::vector<std::pair<const int32_t *, size_t>> exprs;
    for (const auto &c : codes)
      exprs.push_back({c.data(), c.size()});
    ExprGraph graph(exprs);
    ExprState state;
    state.reset(graph, 1);
    std::vector<int64_t> dividends = {0, 1, -1, -k, int64_t(UINT32_MAX), int64_t(UINT32_MAX) + 1,
                                      int64_t(1) << 40, -(int64_t(1) << 40)};
    for (int64_t m : {int64_t(1), int64_t(2), int64_t(4096), int64_t(UINT32_MAX) / k})
      for (int64_t d : {int64_t(-1), int64_t(0), int64_t(1)})
        dividends.push_back(m * k + d);
    for (int64_t v : dividends) {
      state.setVar(0, v);
      for (size_t e = 0; e < exprs.size(); ++e) {
        std::string want, got;
        int64_t expected = 0, actual = 0;
        ASSERT_TRUE(evalExpr(exprs[e].first, exprs[e].second, &v, nullptr, expected, want))
            << want;
        ASSERT_TRUE(state.eval(e, actual, got)) << got;
        ASSERT_EQ(actual, expected) << "op " << e << " of " << v << " by " << k;
      }
    }
  }
}

TEST(ExprGraph, ASumWhoseScalesOverflowIsStillASum) {
  // v0 * 2^62 + v0 * 2^62: the two scales add up past 64 bits, so the graph keeps the sum of
  // the two products as a node of its own; its value and its fault are the postfix
  // evaluator's.
  std::vector<int64_t> scaled = {1, 0, 0, 1 << 20, 0, 1 << 21, 3, 0, 0, 1 << 21, 3, 0, 3, 0};
  std::vector<int64_t> sum = scaled;
  sum.insert(sum.end(), scaled.begin(), scaled.end());
  sum.insert(sum.end(), {2, 0});
  std::vector<int32_t> code = pack(sum);
  std::string error;
  ASSERT_TRUE(checkExpr(code.data(), code.size(), 1, 0, error)) << error;
  ExprGraph graph({{code.data(), code.size()}});
  ExprState state;
  state.reset(graph, 1);
  for (int64_t v : {int64_t(0), int64_t(-1), int64_t(1), int64_t(2), int64_t(-3)}) {
    state.setVar(0, v);
    std::string want, got;
    int64_t expected = 0, actual = 0;
    bool ok = evalExpr(code.data(), code.size(), &v, nullptr, expected, want);
    ASSERT_EQ(state.eval(0, actual, got), ok) << "v0 = " << v << ": " << want << got;
    if (ok)
      EXPECT_EQ(actual, expected) << "v0 = " << v;
  }
}

TEST(ExprGraph, SharesSubtermsAndFoldsConstants) {
  // v4 * 8 + (v5 + 0) * 1 twice, and (3 * 4) floordiv 2: one affine node, no constant node.
  std::vector<int32_t> a = pack({1, 4, 0, 8, 3, 0, 1, 5, 0, 0, 2, 0, 0, 1, 3, 0, 2, 0});
  std::vector<int32_t> c = pack({0, 3, 0, 4, 3, 0, 0, 2, 4, 0});
  ExprGraph graph({{a.data(), a.size()}, {a.data(), a.size()}, {c.data(), c.size()}});
  ASSERT_EQ(graph.nodes().size(), 1u);
  EXPECT_EQ(graph.nodes()[0].numTerms, 2);
  EXPECT_EQ(graph.root(2).kind, ExprRef::Const);
  EXPECT_EQ(graph.root(2).value, 6);
  ExprState state;
  state.reset(graph, 6);
  state.setVar(4, 2);
  state.setVar(5, 5);
  int64_t r = 0;
  std::string error;
  ASSERT_TRUE(state.eval(1, r, error)) << error;
  EXPECT_EQ(r, 21);
  state.setVar(5, -1);
  ASSERT_TRUE(state.eval(0, r, error)) << error;
  EXPECT_EQ(r, 15);
}

TEST(ExprGraph, SumsOfScaledTermsAreOneNode) {
  // ((v4 + 2*v5) * 3 + v4) floordiv 4 and (v4 * 4 + v5 * 6 + 0) floordiv 4: both divide
  // 4*v4 + 6*v5, one affine node, and are then one division.
  std::vector<int32_t> a = pack({1, 4, 1, 5, 0, 2, 3, 0, 2, 0, 0, 3, 3, 0, 1, 4, 2, 0, 0, 4, 4, 0});
  std::vector<int32_t> b = pack({1, 4, 0, 4, 3, 0, 1, 5, 0, 6, 3, 0, 2, 0, 0, 0, 2, 0, 0, 4, 4, 0});
  ExprGraph graph({{a.data(), a.size()}, {b.data(), b.size()}});
  EXPECT_EQ(graph.nodes().size(), 2u);
  EXPECT_TRUE(graph.root(0) == graph.root(1));
  ExprState state;
  state.reset(graph, 6);
  state.setVar(4, 3);
  state.setVar(5, -5);
  int64_t r = 0;
  std::string error;
  ASSERT_TRUE(state.eval(0, r, error)) << error;
  EXPECT_EQ(r, -5); // (12 - 30) floordiv 4
}

TEST(Expr, RefReadsAnEarlierExpression) {
  // e0 = (v4 + 3) floordiv 2; e1 = e0 * e0 + e0 mod 5, written with references and out.
  std::vector<int32_t> e0 = pack({1, 4, 0, 3, 2, 0, 0, 2, 4, 0});
  std::vector<int32_t> e1 = pack({7, 0, 7, 0, 3, 0, 7, 0, 0, 5, 5, 0, 2, 0});
  std::vector<int32_t> out;
  for (int i = 0; i < 2; ++i)
    out.insert(out.end(), e0.begin(), e0.end());
  out.push_back(exprTerm(ExprTag::Mul, 0));
  out.insert(out.end(), e0.begin(), e0.end());
  for (int32_t t : pack({0, 5, 5, 0, 2, 0}))
    out.push_back(t);
  std::string error;
  ASSERT_TRUE(checkExpr(e1.data(), e1.size(), 5, 1, error)) << error;
  EXPECT_FALSE(checkExpr(e1.data(), e1.size(), 5, 0, error)); // e0 is not before it
  EXPECT_NE(error.find("reference to expression 0"), std::string::npos) << error;
  ExprGraph graph({{e0.data(), e0.size()}, {e1.data(), e1.size()}, {out.data(), out.size()}});
  ExprState state;
  state.reset(graph, 5);
  for (int64_t x : {-9, 0, 4, 17}) {
    std::vector<int64_t> vars = {0, 0, 0, 0, x};
    state.setVar(4, x);
    int64_t first = 0, withRefs = 0, written = 0, graphRefs = 0;
    ASSERT_TRUE(evalExpr(e0.data(), e0.size(), vars.data(), nullptr, first, error));
    ASSERT_TRUE(evalExpr(e1.data(), e1.size(), vars.data(), &first, withRefs, error));
    ASSERT_TRUE(evalExpr(out.data(), out.size(), vars.data(), nullptr, written, error));
    ASSERT_TRUE(state.eval(1, graphRefs, error)) << error;
    EXPECT_EQ(withRefs, written);
    EXPECT_EQ(graphRefs, written);
  }
  // The graph decodes a reference as the expression written out: no node more.
  ExprGraph alone({{e0.data(), e0.size()}, {out.data(), out.size()}});
  EXPECT_EQ(graph.nodes().size(), alone.nodes().size());
}
