//===- ExprGraph.cpp - A kernel's index expressions, decoded once ---------===//
#include "ExprGraph.h"

#include <map>
#include <tuple>

namespace tessel::rt {

namespace {
uint64_t varBit(int64_t v) { return uint64_t(1) << (v < 63 ? v : 63); }

/// a op b where the result needs no evaluation: both constant (and the op cannot fault), or an
/// identity (x + 0, x * 1, x floordiv 1, x ceildiv 1; x * 0 and x mod 1 only where x is a
/// leaf, as a term that faults must still fault).
bool fold(ExprTag tag, const ExprRef &a, const ExprRef &b, ExprRef &r) {
  std::string ignored;
  int64_t v;
  if (a.kind == ExprRef::Const && b.kind == ExprRef::Const && applyExprOp(tag, a.value, b.value, v, ignored)) {
    r = {ExprRef::Const, v};
    return true;
  }
  auto isConst = [](const ExprRef &x, int64_t c) { return x.kind == ExprRef::Const && x.value == c; };
  switch (tag) {
  case ExprTag::Add:
    if (isConst(b, 0) || isConst(a, 0)) {
      r = isConst(b, 0) ? a : b;
      return true;
    }
    return false;
  case ExprTag::Mul:
    if ((isConst(b, 0) && a.kind != ExprRef::Node) || (isConst(a, 0) && b.kind != ExprRef::Node)) {
      r = {ExprRef::Const, 0};
      return true;
    }
    if (isConst(b, 1) || isConst(a, 1)) {
      r = isConst(b, 1) ? a : b;
      return true;
    }
    return false;
  default:
    if (!isConst(b, 1) || (tag == ExprTag::Mod && a.kind == ExprRef::Node))
      return false;
    r = tag == ExprTag::Mod ? ExprRef{ExprRef::Const, 0} : a;
    return true;
  }
}
} // namespace

ExprGraph::ExprGraph(const std::vector<std::pair<const int64_t *, size_t>> &exprs) {
  std::map<std::tuple<int64_t, int32_t, int64_t, int32_t, int64_t>, int64_t> known;
  std::vector<ExprRef> stack;
  std::map<uint64_t, int32_t> setIds;
  auto varsOf = [&](const ExprRef &r) {
    return r.kind == ExprRef::Var ? varBit(r.value)
           : r.kind == ExprRef::Node ? varSets[size_t(nodes_[size_t(r.value)].varSet)]
                                     : 0;
  };
  auto setOf = [&](uint64_t vars) {
    auto [it, added] = setIds.try_emplace(vars, int32_t(varSets.size()));
    if (added) {
      varSets.push_back(vars);
      for (uint64_t m = vars; m; m &= m - 1)
        setsWithVar[__builtin_ctzll(m)].push_back(it->second);
    }
    return it->second;
  };
  for (const auto &[code, pairs] : exprs) {
    stack.clear();
    for (size_t i = 0; i < pairs; ++i) {
      auto tag = ExprTag(code[2 * i]);
      if (tag == ExprTag::Const || tag == ExprTag::Var) {
        stack.push_back({tag == ExprTag::Const ? ExprRef::Const : ExprRef::Var, code[2 * i + 1]});
        continue;
      }
      ExprRef b = stack.back();
      stack.pop_back();
      ExprRef a = stack.back(), r;
      if (!fold(tag, a, b, r)) {
        auto key = std::make_tuple(int64_t(tag), int32_t(a.kind), a.value, int32_t(b.kind), b.value);
        auto [it, added] = known.try_emplace(key, int64_t(nodes_.size()));
        if (added)
          nodes_.push_back({tag, a, b, setOf(varsOf(a) | varsOf(b))});
        r = {ExprRef::Node, it->second};
      }
      stack.back() = r;
    }
    roots.push_back(stack.empty() ? ExprRef{} : stack.back());
  }
}

void ExprState::reset(const ExprGraph &g, uint32_t numVars) {
  graph = &g;
  vars.assign(numVars, 0);
  value.assign(g.nodes().size(), 0);
  stamp.assign(g.nodes().size(), 0);
  setStamp.assign(g.numVarSets(), 1);
  clock = 1;
}

bool ExprState::eval(size_t expr, int64_t &result, std::string &error) {
  ExprRef root = graph->root(expr);
  if (root.kind != ExprRef::Node) {
    result = operand(root);
    return true;
  }
  const auto &nodes = graph->nodes();
  // Depth first over the nodes that no longer hold (a node that holds has children that hold),
  // left operand first: the first fault is the postfix order's.
  pending.assign(1, int32_t(root.value));
  while (!pending.empty()) {
    int32_t n = pending.back();
    if (holds(n)) {
      pending.pop_back();
      continue;
    }
    const ExprGraph::Node &node = nodes[size_t(n)];
    bool ready = true;
    for (const ExprRef *child : {&node.b, &node.a})
      if (child->kind == ExprRef::Node && !holds(int32_t(child->value))) {
        pending.push_back(int32_t(child->value));
        ready = false;
      }
    if (!ready)
      continue;
    if (!applyExprOp(node.tag, operand(node.a), operand(node.b), value[size_t(n)], error))
      return false;
    stamp[size_t(n)] = clock;
    pending.pop_back();
  }
  result = value[size_t(root.value)];
  return true;
}

} // namespace tessel::rt
