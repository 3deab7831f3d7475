//===- ExprGraph.cpp - A kernel's index expressions, decoded once ---------===//
#include "ExprGraph.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>

namespace tessel::rt {

namespace {
uint64_t varBit(int64_t v) { return uint64_t(1) << (v < 63 ? v : 63); }

/// A value while decoding: constant + sum of scaled variables and nodes, kept sorted by what
/// they scale and without repeats.
struct Affine {
  int64_t constant = 0;
  std::vector<ExprGraph::Term> terms;

  bool isConstant() const { return terms.empty(); }
  bool hasNodes() const {
    return std::any_of(terms.begin(), terms.end(),
                       [](const ExprGraph::Term &t) { return t.of.kind == ExprRef::Node; });
  }
};

/// a + b; false on a 64-bit overflow of a constant or scale.
bool add(const Affine &a, const Affine &b, Affine &r) {
  r.terms.clear();
  if (__builtin_add_overflow(a.constant, b.constant, &r.constant))
    return false;
  size_t i = 0, j = 0;
  while (i < a.terms.size() || j < b.terms.size()) {
    if (j == b.terms.size() || (i < a.terms.size() && a.terms[i].of < b.terms[j].of)) {
      r.terms.push_back(a.terms[i++]);
    } else if (i == a.terms.size() || b.terms[j].of < a.terms[i].of) {
      r.terms.push_back(b.terms[j++]);
    } else {
      ExprGraph::Term t = a.terms[i++];
      if (__builtin_add_overflow(t.scale, b.terms[j++].scale, &t.scale))
        return false;
      // A node is kept even scaled by 0: it may fault.
      if (t.scale || t.of.kind == ExprRef::Node)
        r.terms.push_back(t);
    }
  }
  return true;
}

/// a * k; false on a 64-bit overflow, or where k = 0 would drop a node that may fault.
bool scale(const Affine &a, int64_t k, Affine &r) {
  if (k == 0 && a.hasNodes())
    return false;
  r.terms.clear();
  if (__builtin_mul_overflow(a.constant, k, &r.constant))
    return false;
  for (ExprGraph::Term t : a.terms) {
    if (__builtin_mul_overflow(t.scale, k, &t.scale))
      return false;
    if (t.scale)
      r.terms.push_back(t);
  }
  return true;
}
} // namespace

ExprGraph::ExprGraph(const std::vector<std::pair<const int32_t *, size_t>> &exprs) {
  std::map<std::tuple<int32_t, int32_t, int64_t, int32_t, int64_t>, int64_t> knownOps;
  std::map<std::pair<int64_t, std::vector<std::pair<int64_t, ExprRef>>>, int64_t> knownSums;
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
  // The operand that holds `v`'s value: a constant, a variable, or an affine node.
  auto materialize = [&](const Affine &v) -> ExprRef {
    if (v.isConstant())
      return {ExprRef::Const, v.constant};
    if (v.constant == 0 && v.terms.size() == 1 && v.terms[0].scale == 1)
      return v.terms[0].of;
    std::vector<std::pair<int64_t, ExprRef>> key;
    uint64_t vars = 0;
    for (const Term &t : v.terms) {
      key.push_back({t.scale, t.of});
      vars |= varsOf(t.of);
    }
    auto [it, added] = knownSums.try_emplace({v.constant, key}, int64_t(nodes_.size()));
    if (added) {
      Node n{ExprTag::Add, {ExprRef::Const, v.constant}, {}, int32_t(terms_.size()),
             int32_t(v.terms.size()), setOf(vars)};
      terms_.insert(terms_.end(), v.terms.begin(), v.terms.end());
      nodes_.push_back(n);
    }
    return {ExprRef::Node, it->second};
  };
  auto leaf = [](const ExprRef &r) {
    Affine v;
    if (r.kind == ExprRef::Const)
      v.constant = r.value;
    else
      v.terms.push_back({1, r});
    return v;
  };
  auto opNode = [&](ExprTag tag, const Affine &a, const Affine &b) {
    ExprRef ra = materialize(a), rb = materialize(b);
    auto key = std::make_tuple(int32_t(tag), int32_t(ra.kind), ra.value, int32_t(rb.kind), rb.value);
    auto [it, added] = knownOps.try_emplace(key, int64_t(nodes_.size()));
    if (added && tag == ExprTag::Add) {
      // A sum whose constants or scales overflow when combined: the sum of the two operands,
      // as an affine node of two terms (which sums in 128 bits).
      nodes_.push_back({tag, {ExprRef::Const, 0}, {}, int32_t(terms_.size()), 2,
                        setOf(varsOf(ra) | varsOf(rb))});
      terms_.push_back({1, ra});
      terms_.push_back({1, rb});
    } else if (added) {
      Node n{tag, ra, rb, 0, 0, setOf(varsOf(ra) | varsOf(rb))};
      bool divides = tag == ExprTag::FloorDiv || tag == ExprTag::Mod || tag == ExprTag::CeilDiv;
      if (divides && rb.kind == ExprRef::Const && rb.value >= 2 &&
          rb.value <= int64_t(UINT32_MAX))
        n.magic = UINT64_MAX / uint64_t(rb.value) + 1;
      nodes_.push_back(n);
    }
    return leaf({ExprRef::Node, it->second});
  };

  std::vector<Affine> stack;
  // Each expression's value before it was materialized: a Ref reads the same affine form the
  // expression would have given written out in place.
  std::vector<Affine> values;
  for (const auto &[code, terms] : exprs) {
    stack.clear();
    for (size_t i = 0; i < terms; ++i) {
      ExprTag tag = exprTag(code[i]);
      int64_t operand = exprOperand(code[i]);
      if (tag == ExprTag::Const || tag == ExprTag::Var) {
        stack.push_back(leaf({tag == ExprTag::Const ? ExprRef::Const : ExprRef::Var, operand}));
        continue;
      }
      if (tag == ExprTag::Ref) {
        stack.push_back(values[size_t(operand)]);
        continue;
      }
      Affine b = std::move(stack.back());
      stack.pop_back();
      Affine &a = stack.back();
      Affine r;
      bool done = false;
      std::string ignored;
      switch (tag) {
      case ExprTag::Add:
        done = add(a, b, r);
        break;
      case ExprTag::Mul:
        done = (b.isConstant() && scale(a, b.constant, r)) ||
               (a.isConstant() && scale(b, a.constant, r));
        break;
      default:
        // Constants fold where the op cannot fault; x floordiv 1 and x ceildiv 1 are x.
        if (a.isConstant() && b.isConstant())
          done = applyExprOp(tag, a.constant, b.constant, r.constant, ignored);
        else if (b.isConstant() && b.constant == 1 && tag != ExprTag::Mod)
          r = a, done = true;
        break;
      }
      a = done ? std::move(r) : opNode(tag, a, b);
    }
    roots.push_back(stack.empty() ? ExprRef{} : materialize(stack.back()));
    values.push_back(stack.empty() ? Affine{} : std::move(stack.back()));
  }
  buildPlans();
}

void ExprGraph::buildPlans() {
  // Depth first from each root, operands in the order a walk from the root computes them: an
  // affine node's terms first to last, then a binary node's a, then b.
  std::vector<size_t> seenIn(nodes_.size(), SIZE_MAX);
  std::vector<std::pair<int32_t, int32_t>> stack; // a node, and how many operands it has queued
  auto operandOf = [&](const Node &n, int32_t i) {
    return n.tag == ExprTag::Add ? terms_[size_t(n.firstTerm + i)].of : i == 0 ? n.a : n.b;
  };
  planStart.push_back(0);
  for (size_t e = 0; e < roots.size(); ++e) {
    if (roots[e].kind == ExprRef::Node) {
      stack.assign(1, {int32_t(roots[e].value), 0});
      seenIn[size_t(roots[e].value)] = e;
    }
    while (!stack.empty()) {
      auto &[n, next] = stack.back();
      const Node &node = nodes_[size_t(n)];
      int32_t count = node.tag == ExprTag::Add ? node.numTerms : 2;
      if (next == count) {
        steps.push_back({n, node.varSet});
        stack.pop_back();
        continue;
      }
      ExprRef r = operandOf(node, next++);
      if (r.kind == ExprRef::Node && seenIn[size_t(r.value)] != e) {
        seenIn[size_t(r.value)] = e;
        stack.push_back({int32_t(r.value), 0});
      }
    }
    planStart.push_back(steps.size());
  }
}

void ExprState::reset(const ExprGraph &g, uint32_t numVars) {
  graph = &g;
  vars.assign(numVars, 0);
  cache.assign(g.nodes().size(), Cached{0, 0});
  stepping.assign(g.nodes().size(), Step{0, 1});
  setStamp.assign(g.numVarSets(), 1);
  clock = 1;
}

bool ExprState::compute(const ExprGraph::Node &node, int64_t &out, std::string &error) const {
  if (node.tag != ExprTag::Add) {
    int64_t a = operand(node.a);
    if (node.magic && uint64_t(a) <= UINT32_MAX) {
      // Index arithmetic divides small non-negative values by constants: no division needed.
      int64_t q = int64_t((unsigned __int128)node.magic * uint64_t(a) >> 64);
      int64_t m = a - q * node.b.value;
      out = node.tag == ExprTag::FloorDiv ? q : node.tag == ExprTag::Mod ? m : q + (m != 0);
      return true;
    }
    return applyExprOp(node.tag, a, operand(node.b), out, error);
  }
  const ExprGraph::Term *t = graph->terms(node);
  // In 64 bits while no step overflows (the same sum), else again in 128.
  int64_t sum64 = node.a.value;
  bool overflow64 = false;
  for (int32_t i = 0; i < node.numTerms; ++i) {
    int64_t product;
    overflow64 |= __builtin_mul_overflow(t[i].scale, operand(t[i].of), &product);
    overflow64 |= __builtin_add_overflow(sum64, product, &sum64);
  }
  if (!overflow64) {
    out = sum64;
    return true;
  }
  __int128 sum = node.a.value;
  bool overflow = false;
  for (int32_t i = 0; i < node.numTerms; ++i)
    overflow |= __builtin_add_overflow(sum, __int128(t[i].scale) * operand(t[i].of), &sum);
  if (overflow || sum < INT64_MIN || sum > INT64_MAX) {
    error = "expression overflows 64 bits";
    return false;
  }
  out = int64_t(sum);
  return true;
}

bool ExprState::eval(size_t expr, int64_t &result, std::string &error) {
  ExprRef root = graph->root(expr);
  if (root.kind != ExprRef::Node) {
    result = operand(root);
    return true;
  }
  auto [first, last] = graph->plan(expr);
  if (!holds(last[-1])) {
    const auto &nodes = graph->nodes();
    for (const ExprGraph::Step *s = first; s != last; ++s) {
      if (holds(*s))
        continue;
      Cached &c = cache[size_t(s->node)];
      if (!compute(nodes[size_t(s->node)], c.value, error))
        return false;
      c.stamp = clock;
    }
  }
  result = cache[size_t(root.value)].value;
  return true;
}

namespace {
// Trends stop short of values this large, so that no step inside one can overflow.
constexpr int64_t kTrendLimit = int64_t(1) << 62;

/// x / m for x >= 0 and m > 0, in 32 bits where both fit (a shorter division on most hosts).
int64_t quotient(int64_t x, uint64_t m) {
  if (uint64_t(x) <= UINT32_MAX && m <= UINT32_MAX)
    return int64_t(uint32_t(x) / uint32_t(m));
  return int64_t(uint64_t(x) / m);
}

/// The steps from d = 0 for which value + slope * d stays within +-kTrendLimit.
int64_t stepsWithin(int64_t value, int64_t slope) {
  if (value > kTrendLimit || value < -kTrendLimit)
    return 1;
  if (slope > 0)
    return (kTrendLimit - value) / slope + 1;
  if (slope < 0)
    return (value + kTrendLimit) / -slope + 1;
  return ExprState::kForever;
}
} // namespace

ExprState::Step ExprState::stepNode(const ExprGraph::Node &node, int64_t value, size_t var,
                                    int64_t stride) const {
  const Step once{0, 1};
  auto within = [&](__int128 slope, int64_t span) {
    if (slope > kTrendLimit || slope < -kTrendLimit)
      return once;
    return Step{int64_t(slope), std::min(span, stepsWithin(value, int64_t(slope)))};
  };
  if (node.tag == ExprTag::Add) {
    const ExprGraph::Term *t = graph->terms(node);
    __int128 slope = 0;
    int64_t span = kForever;
    for (int32_t i = 0; i < node.numTerms; ++i) {
      Step term = operandStep(t[i].of, var, stride);
      slope += __int128(t[i].scale) * term.slope;
      span = std::min(span, term.span);
    }
    return within(slope, span);
  }
  Step a = operandStep(node.a, var, stride), b = operandStep(node.b, var, stride);
  int64_t span = std::min(a.span, b.span);
  if (node.tag == ExprTag::Mul) {
    // Affine while one factor holds.
    if (b.slope == 0)
      return within(__int128(a.slope) * operand(node.b), span);
    if (a.slope == 0)
      return within(__int128(operand(node.a)) * b.slope, span);
    return once;
  }
  // A division by a divisor that holds. A slope it divides moves the quotient by the same
  // amount at every step and keeps the remainder; any other keeps the quotient until the
  // dividend leaves its multiple of the divisor, the remainder moving with the dividend. The
  // node's own value gives the remainder: this is on the decoder's hot path, and divisions
  // cost.
  int64_t divisor = operand(node.b), s = a.slope;
  if (b.slope != 0 || divisor <= 0)
    return once;
  uint64_t magnitude = s < 0 ? 0 - uint64_t(s) : uint64_t(s);
  if (s == 0 || (magnitude >= uint64_t(divisor) && s % divisor == 0))
    return within(node.tag == ExprTag::Mod || s == 0 ? 0 : s / divisor, span);
  __int128 dividend = operand(node.a);
  // How far the dividend is above its multiple of the divisor, and short of the next.
  int64_t rem = node.tag == ExprTag::Mod        ? value
                : node.tag == ExprTag::FloorDiv ? int64_t(dividend - __int128(value) * divisor)
                                                : 0;
  if (node.tag == ExprTag::CeilDiv) {
    int64_t above = int64_t(__int128(value) * divisor - dividend);
    // The quotient holds while the dividend moves by at most `above` up and less than
    // `divisor - above` down.
    int64_t steps = s > 0 ? quotient(above, magnitude) + 1
                          : quotient(divisor - above - 1, magnitude) + 1;
    return within(0, std::min(span, steps));
  }
  int64_t steps = s > 0 ? quotient(divisor - 1 - rem, magnitude) + 1 : quotient(rem, magnitude) + 1;
  return within(node.tag == ExprTag::Mod ? s : 0, std::min(span, steps));
}

bool ExprState::evalStepping(size_t expr, size_t var, int64_t stride, Trend &trend,
                             std::string &error) {
  if (!eval(expr, trend.value, error))
    return false;
  ExprRef root = graph->root(expr);
  Step step = operandStep(root, var, stride);
  if (root.kind == ExprRef::Node) {
    // eval left every node of the plan holding: their values are current.
    uint64_t bit = uint64_t(1) << (var < 63 ? var : 63);
    const auto &nodes = graph->nodes();
    auto [first, last] = graph->plan(expr);
    for (const ExprGraph::Step *s = first; s != last; ++s)
      stepping[size_t(s->node)] =
          graph->varSetBits(s->varSet) & bit
              ? stepNode(nodes[size_t(s->node)], cache[size_t(s->node)].value, var, stride)
              : Step{0, kForever};
    step = stepping[size_t(root.value)];
  } else if (step.slope) {
    step.span = stepsWithin(trend.value, step.slope);
  }
  trend.slope = step.slope;
  trend.span = step.span;
  return true;
}

} // namespace tessel::rt
