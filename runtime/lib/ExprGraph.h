//===- ExprGraph.h - A kernel's index expressions, decoded once -----------===//
//
// The compiler writes each index as its own postfix expression, and a gather's
// are long (a hundred terms and more) and repeat the same sub-terms. Decoding
// them once per dispatch into one graph lets every thread keep each node's
// value until a variable it reads changes: an expression over the loop
// counters then costs only the nodes that read the counters that moved. Sums
// of terms scaled by constants become one affine node (c + k1*x1 + k2*x2 ...),
// and equal nodes are one node. Each expression keeps the nodes it reaches in
// the order they are computed (operands first): evaluating it is one pass over
// that list, computing the nodes that no longer hold. A node that holds has
// operands that hold, so the pass computes exactly the nodes a walk down from
// the root would, in the same order, and so meets the same first fault.
//
// Where a variable steps through consecutive values (a gather's run counter),
// evalStepping also says how an expression goes on: the node values are
// piecewise affine in the variable (floor divisions and remainders by a value
// that holds are constant, or affine, until the dividend crosses a multiple of
// the divisor), so each node's slope and the steps for which its piece lasts
// follow from its operands'. The caller then extrapolates instead of
// evaluating at every step: the values are the same, and the piece ends before
// any step that could fault, which is then evaluated as usual.
//
// Values are exactly evalExpr's, and so are its faults, with one difference:
// an affine node sums in 128 bits, so an intermediate sum or product beyond 64
// bits that a later term brings back is not a fault; a result beyond 64 bits
// is. A divisor <= 0 faults as it does there.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_EXPRGRAPH_H
#define TESSEL_RUNTIME_LIB_EXPRGRAPH_H

#include "tessel/runtime/Bytecode.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tessel::rt {

/// An operand: a constant, a variable or a node of the graph.
struct ExprRef {
  enum Kind : int32_t { Const, Var, Node } kind = Const;
  int64_t value = 0; // the constant, the variable's index or the node's index

  bool operator<(const ExprRef &o) const {
    return kind != o.kind ? kind < o.kind : value < o.value;
  }
  bool operator==(const ExprRef &o) const { return kind == o.kind && value == o.value; }
};

class ExprGraph {
public:
  /// Decodes checked postfix expressions, (code, terms) each.
  explicit ExprGraph(const std::vector<std::pair<const int32_t *, size_t>> &exprs);

  struct Term {
    int64_t scale;
    ExprRef of; // a variable or a node (a constant only in a sum whose constants overflow)
  };
  struct Node {
    /// Mul, FloorDiv, Mod or CeilDiv of a and b; or, for Add, the affine sum
    /// a.value + sum of terms [firstTerm, firstTerm + numTerms).
    ExprTag tag;
    ExprRef a, b;
    int32_t firstTerm = 0, numTerms = 0;
    /// The variables the node reads, a bit each (variables from 63 on share bit 63), as an
    /// index into the graph's distinct sets.
    int32_t varSet = 0;
    /// For FloorDiv, Mod and CeilDiv by a constant in [2, 2^32): 2^64 / b rounded up, so that
    /// a dividend in [0, 2^32) divides by a multiplication (Lemire, Kaser and Kurz, "Faster
    /// remainder by direct computation", 2019); 0 otherwise.
    uint64_t magic = 0;
  };
  const std::vector<Node> &nodes() const { return nodes_; }
  const Term *terms(const Node &n) const { return terms_.data() + n.firstTerm; }
  ExprRef root(size_t expr) const { return roots[expr]; }
  /// A node of an expression's plan, with its variable set beside it: they are read together.
  struct Step {
    int32_t node, varSet;
  };
  /// The nodes expression `expr` reaches, each once, operands before the nodes that read them;
  /// the root last.
  std::pair<const Step *, const Step *> plan(size_t expr) const {
    return {steps.data() + planStart[expr], steps.data() + planStart[expr + 1]};
  }
  size_t numVarSets() const { return varSets.size(); }
  /// The variables of set `set`, a bit each (variables from 63 on share bit 63).
  uint64_t varSetBits(int32_t set) const { return varSets[size_t(set)]; }
  /// The sets that hold variable `v`.
  const std::vector<int32_t> &setsWith(size_t v) const { return setsWithVar[v < 63 ? v : 63]; }

private:
  std::vector<Node> nodes_;
  std::vector<Term> terms_;
  std::vector<ExprRef> roots;
  std::vector<Step> steps;
  std::vector<size_t> planStart; // expression e's plan is steps [planStart[e], planStart[e + 1])
  std::vector<uint64_t> varSets;
  std::vector<int32_t> setsWithVar[64];

  void buildPlans();
};

/// One thread's variables and its cached node values.
class ExprState {
public:
  void reset(const ExprGraph &graph, uint32_t numVars);
  void setVar(size_t v, int64_t value) {
    if (vars[v] == value)
      return;
    vars[v] = value;
    ++clock;
    for (int32_t set : graph->setsWith(v))
      setStamp[size_t(set)] = clock;
  }
  /// Expression `expr`'s value; false with `error` on a fault.
  bool eval(size_t expr, int64_t &result, std::string &error);

  /// How an expression goes on as one variable steps: for `span` steps (span >= 1) from the
  /// current values, the variable advancing by `stride` at each, step d gives value + slope * d
  /// without a fault. kForever: nothing bounds it (a slope of 0 and no quotient to leave).
  struct Trend {
    int64_t value, slope, span;
  };
  static constexpr int64_t kForever = INT64_MAX;
  /// `expr`'s trend as variable `var` steps by `stride`; false with `error` where eval faults.
  bool evalStepping(size_t expr, size_t var, int64_t stride, Trend &trend, std::string &error);

private:
  const ExprGraph *graph = nullptr;
  std::vector<int64_t> vars;
  // Each node's value and when it was computed (0: never), side by side: they are read
  // together. A node holds while none of its variables changed after it was computed.
  struct Cached {
    int64_t value;
    uint64_t stamp;
  };
  std::vector<Cached> cache;
  // evalStepping's slope and span of each node of the plan it walks.
  struct Step {
    int64_t slope, span;
  };
  std::vector<Step> stepping;
  // When a variable of each set last changed.
  std::vector<uint64_t> setStamp;
  // Starts at 1, above every stamp of a node never computed.
  uint64_t clock = 1;

  bool holds(ExprGraph::Step s) const {
    return setStamp[size_t(s.varSet)] <= cache[size_t(s.node)].stamp;
  }
  int64_t operand(const ExprRef &r) const {
    return r.kind == ExprRef::Const ? r.value
           : r.kind == ExprRef::Var ? vars[size_t(r.value)]
                                    : cache[size_t(r.value)].value;
  }
  bool compute(const ExprGraph::Node &node, int64_t &out, std::string &error) const;
  Step operandStep(const ExprRef &r, size_t var, int64_t stride) const {
    if (r.kind == ExprRef::Node)
      return stepping[size_t(r.value)];
    return {r.kind == ExprRef::Var && size_t(r.value) == var ? stride : 0, kForever};
  }
  /// The slope and span of `node`, whose value is `value`, from its operands'.
  Step stepNode(const ExprGraph::Node &node, int64_t value, size_t var, int64_t stride) const;
};

} // namespace tessel::rt

#endif
