// tt-bound-integer-inputs: the values of each integer input over which every integer tensor the
// chip computes from it stays in the range its format holds exactly. ONNX computes an i64 Add
// in 64 bits; the chip computes it in an int32 Dst and wraps. Rather than give a wrapped result,
// the runtime refuses an input beyond its range and names the tensor that would have left.
//
// The ranges come from interval arithmetic over the graph: each integer input starts at its
// type's range within int32 (the runtime refuses more), a float one unbounded, and the inputs
// an out-of-range tensor follows lose a bit at a time together until none is out of range, then
// take back what each can alone. A tensor no input bound can bring back (it follows an op the
// analysis does not, such as an exp) bounds no input and gets a warning instead.
#include "tessel/Transforms/Passes.h"

#include "Graph/GraphDialect.h"
#include "Graph/GraphOps.h"
#include "Graph/InputNames.h"
#include "Grid/GridDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallBitVector.h"

#include <cmath>

namespace tessel {
#define GEN_PASS_DEF_BOUNDINTEGERINPUTS
#include "tessel/Transforms/Passes.h.inc"
} // namespace tessel

using namespace mlir;
using namespace tessel;

namespace {

constexpr double kInt32Min = -2147483648.0, kInt32Max = 2147483647.0;
/// The largest magnitude up to which f32 holds every integer.
constexpr double kF32Exact = 16777216.0;
/// Inputs keep at least this many bits of magnitude ([-2, 1]): a tensor out of range with every
/// input that small follows something no input bounds.
constexpr int kFloorBits = 1;
constexpr int kFullBits = 31, kUnboundedBits = 101;

/// The values a tensor may hold, and the function arguments they follow. `support`,
/// where known, bounds the positions that may be nonzero: [begin, end) per dim.
struct Range {
  double lo = 0, hi = 0;
  llvm::SmallBitVector inputs;
  std::optional<SmallVector<std::pair<int64_t, int64_t>>> support;
};

IntegerType integerElement(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor ? dyn_cast<IntegerType>(tensor.getElementType()) : IntegerType();
}

/// The values of `type`, where ONNX wraps.
std::pair<double, double> wrapRange(IntegerType type) {
  unsigned w = type.getWidth();
  if (w == 1)
    return {0, 1};
  if (type.isUnsigned())
    return {0, std::ldexp(1.0, w) - 1};
  return {-std::ldexp(1.0, w - 1), std::ldexp(1.0, w - 1) - 1};
}

/// The values of `type` the chip can hold at all: the type's range within int32.
std::pair<double, double> typeRange(IntegerType type) {
  auto [lo, hi] = wrapRange(type);
  return {std::max(lo, kInt32Min), std::min(hi, kInt32Max)};
}

/// Whether `user` computes from narrow integer `v` what it would from `v` wrapped into its type:
/// sums, differences and products modulo 2^w (into a type no wider), moves, selections, and the
/// model's outputs (the runtime writes them wrapped). The chip holds a narrow integer unwrapped.
bool readsModulo(Operation *user, Value v) {
  unsigned width = integerElement(v.getType()).getWidth();
  auto noWider = [&](Value r) {
    IntegerType elt = integerElement(r.getType());
    return elt && elt.getWidth() <= width;
  };
  if (isa<func::ReturnOp, graph::ReshapeOp, graph::TransposeOp, graph::ConcatOp, graph::RemapOp>(
          user))
    return true;
  if (auto g = dyn_cast<graph::GatherRowsOp>(user))
    return g.getTable() == v;
  if (auto w = dyn_cast<graph::WhereOp>(user))
    return w.getCondition() != v;
  if (auto b = dyn_cast<graph::BinaryOp>(user))
    return llvm::is_contained({graph::BinaryKind::add, graph::BinaryKind::sub,
                               graph::BinaryKind::mul},
                              b.getKind()) &&
           noWider(b.getResult());
  if (auto u = dyn_cast<graph::UnaryOp>(user))
    return llvm::is_contained({graph::UnaryKind::neg, graph::UnaryKind::identity}, u.getKind()) &&
           noWider(u.getResult());
  if (auto mm = dyn_cast<graph::MatMulOp>(user))
    return !mm.getBias() && !mm.getResidual() && !mm.getActivation() && noWider(mm.getResult());
  if (auto r = dyn_cast<graph::ReduceOp>(user))
    return llvm::is_contained({graph::ReduceKind::sum, graph::ReduceKind::prod}, r.getKind()) &&
           user->getNumOperands() == 1 && !r.getActivation() && noWider(r.getResult());
  return false;
}

/// Where tensor `v` stops being exact, if it can: an i64, u32 or u64 tensor held in int32
/// leaves int32 (ONNX would compute it in its own width; an i32 wraps as ONNX's does), and a
/// 32- or 64-bit integer held in f32 leaves +-2^24 (an unsigned one, below zero, where ONNX
/// wraps to the top of the type). A narrower integer, which ONNX wraps into its type and the
/// chip holds unwrapped, leaves its type where an op reads it that needs it wrapped (a
/// comparison, a division, a cast), and +-2^24 in f32 where none does.
struct Limit {
  double lo, hi;
  const char *what;
};
std::optional<Limit> exactLimit(Value v) {
  IntegerType elt = integerElement(v.getType());
  if (!elt || elt.getWidth() == 1)
    return std::nullopt;
  grid::LayoutAttr layout = grid::getLayout(v.getType());
  bool int32 = layout && layout.getFormat() == tile::DataFormat::int32;
  constexpr const char *kInt32 = "int32, the format the chip holds it in";
  constexpr const char *kF32 = "+-2^24, over which the f32 the chip holds it in is exact";
  if (elt.getWidth() < 32) {
    if (llvm::all_of(v.getUsers(), [&](Operation *user) { return readsModulo(user, v); }))
      return int32 ? std::nullopt : std::optional<Limit>(Limit{-kF32Exact, kF32Exact, kF32});
    auto [lo, hi] = wrapRange(elt);
    return Limit{lo, hi,
                 "its type's range before an op that needs it wrapped, as ONNX wraps it and the "
                 "chip does not"};
  }
  if (int32 && elt.getWidth() == 32 && !elt.isUnsigned())
    return std::nullopt;
  double lo = elt.isUnsigned() ? 0 : int32 ? kInt32Min : -kF32Exact;
  double hi = int32 ? kInt32Max : kF32Exact;
  return Limit{lo, hi, int32 ? kInt32 : kF32};
}

/// Integers and floats: the tensors whose ranges the analysis follows (a float reaches an
/// integer through a cast).
bool isNumber(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<IntegerType, FloatType>(tensor.getElementType());
}

/// Interval arithmetic clamps magnitudes here: anything past int32 is out of range anyway, and
/// the clamp keeps products finite.
constexpr double kHuge = 0x1p100;
Range clamped(double lo, double hi) {
  Range r;
  r.lo = std::clamp(lo, -kHuge, kHuge);
  r.hi = std::clamp(hi, -kHuge, kHuge);
  return r;
}

/// The values a tensor of `type` may hold on the chip: its integer type's within int32, or
/// any float (up to the clamp).
std::pair<double, double> valueRange(Type type) {
  if (IntegerType elt = integerElement(type))
    return typeRange(elt);
  return {-kHuge, kHuge};
}

double magnitude(const Range &r) { return std::max(std::abs(r.lo), std::abs(r.hi)); }

/// The range of constant `c`, or none for a form the analysis does not read.
std::optional<Range> constantRange(graph::ConstantOp c) {
  double lo = INFINITY, hi = -INFINITY;
  auto extend = [&](double x) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  };
  IntegerType elt = integerElement(c.getType());
  if (auto dense = dyn_cast<DenseIntElementsAttr>(c.getValue()); dense && elt) {
    bool zext = elt.isUnsigned() || elt.getWidth() == 1;
    for (const APInt &v : dense.getValues<APInt>())
      extend(zext ? double(v.getZExtValue()) : double(v.getSExtValue()));
  } else if (std::optional<std::vector<float>> values = graph::readF32Elements(c.getValue())) {
    for (float v : *values)
      extend(std::isnan(v) ? 0 : v);
  }
  if (lo > hi)
    return std::nullopt;
  return clamped(lo, hi);
}

class Analysis {
public:
  /// Follows only the tensors an integer with a limit is computed from (most of a float model
  /// is not), and reads each constant and finds each limit once.
  Analysis(func::FuncOp func) : func(func) {
    SmallVector<Value> work;
    auto reach = [&](Value v) {
      if (relevant.insert(v).second)
        work.push_back(v);
    };
    auto limit = [&](Value v) {
      if (std::optional<Limit> l = exactLimit(v)) {
        limited.push_back({v, *l});
        reach(v);
      }
    };
    for (BlockArgument arg : func.getArguments())
      limit(arg);
    func.walk([&](Operation *op) {
      for (Value r : op->getResults())
        limit(r);
    });
    while (!work.empty())
      if (Operation *def = work.pop_back_val().getDefiningOp())
        for (Value operand : def->getOperands())
          reach(operand);
    func.walk([&](graph::ConstantOp c) {
      if (relevant.count(c.getResult()))
        constants[c] = constantRange(c);
    });
  }

  /// Every integer and float tensor's range with input `i` bounded to +-2^bits[i] (within its
  /// type).
  void evaluate(ArrayRef<int> bits) {
    ranges.clear();
    unsigned n = func.getNumArguments();
    for (BlockArgument arg : func.getArguments()) {
      if (!relevant.count(arg) || !isNumber(arg.getType()))
        continue;
      auto [lo, hi] = valueRange(arg.getType());
      double bound = std::ldexp(1.0, bits[arg.getArgNumber()]);
      Range r = clamped(std::max(lo, -bound), std::min(hi, bound - 1));
      r.inputs.resize(n);
      r.inputs.set(arg.getArgNumber());
      ranges[arg] = r;
    }
    func.walk([&](Operation *op) {
      if (op->getNumResults() != 1 || !relevant.count(op->getResult(0)) ||
          !isNumber(op->getResult(0).getType()))
        return;
      Value result = op->getResult(0);
      std::optional<Range> r = transfer(op);
      if (!r) { // an op the analysis does not model: anything its type holds on the chip
        auto [lo, hi] = valueRange(result.getType());
        r = clamped(lo, hi);
      }
      r->inputs.resize(n);
      if (!isa<graph::RemapOp, graph::BinaryOp>(op)) // an operand's support, in its own shape
        r->support.reset();
      // ONNX and the chip's int32 both wrap a 32-bit result: it may be anything in the type. A
      // narrower one the chip holds unwrapped (exactLimit says where that matters). A float
      // cast past the type is undefined (the chip saturates); within it, an i64 or u32 still
      // has to be exact.
      IntegerType elt = integerElement(result.getType());
      bool fromFloat = isa<graph::UnaryOp>(op) && !integerElement(op->getOperand(0).getType());
      auto [lo, hi] = elt ? wrapRange(elt) : std::pair<double, double>{-INFINITY, INFINITY};
      if (elt && fromFloat) {
        r->lo = std::clamp(r->lo, lo, hi);
        r->hi = std::clamp(r->hi, lo, hi);
      } else if (elt && elt.getWidth() == 32 && (r->lo < lo || r->hi > hi)) {
        r->lo = lo;
        r->hi = hi;
      }
      ranges[result] = *r;
    });
  }

  /// The tensors out of the range their formats hold exactly.
  SmallVector<std::pair<Value, Limit>> outOfRange() const {
    SmallVector<std::pair<Value, Limit>> out;
    for (const auto &[v, limit] : limited) {
      auto it = ranges.find(v);
      if (it != ranges.end() && (it->second.lo < limit.lo || it->second.hi > limit.hi))
        out.push_back({v, limit});
    }
    return out;
  }

  /// Whether an integer constant the analysis reads holds a value beyond int32.
  bool readsUnholdableConstant() const {
    return llvm::any_of(constants, [](const auto &entry) {
      const std::optional<Range> &r = entry.second;
      return integerElement(entry.first->getResult(0).getType()) && r &&
             (r->lo < kInt32Min || r->hi > kInt32Max);
    });
  }

  const Range &rangeOf(Value v) const { return ranges.find(v)->second; }
  bool hasRange(Value v) const { return ranges.count(v); }

private:
  const Range *in(Value v) const {
    auto it = ranges.find(v);
    return it == ranges.end() ? nullptr : &it->second;
  }

  static Range follow(Range r, std::initializer_list<const Range *> from) {
    for (const Range *f : from) {
      r.inputs.resize(std::max(r.inputs.size(), f->inputs.size()));
      r.inputs |= f->inputs;
    }
    return r;
  }

  static Range hull(std::initializer_list<const Range *> from) {
    double lo = INFINITY, hi = -INFINITY;
    for (const Range *f : from) {
      lo = std::min(lo, f->lo);
      hi = std::max(hi, f->hi);
    }
    return follow(clamped(lo, hi), from);
  }

  /// Where a zero-padded remap may be nonzero, when each input index is one result dim plus a
  /// constant (a concat's placement, a pad): the box of results that read inside the input.
  static std::optional<SmallVector<std::pair<int64_t, int64_t>>> remapSupport(graph::RemapOp op) {
    if (!op.getPadding().isZero() || op.getGuards())
      return std::nullopt;
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    SmallVector<std::pair<int64_t, int64_t>> box;
    for (int64_t d : outType.getShape())
      box.push_back({0, d});
    for (auto [k, result] : llvm::enumerate(op.getMap().getResults())) {
      AffineExpr expr = result;
      int64_t c = 0;
      if (auto sum = dyn_cast<AffineBinaryOpExpr>(expr);
          sum && sum.getKind() == AffineExprKind::Add) {
        auto constant = dyn_cast<AffineConstantExpr>(sum.getRHS());
        if (!constant)
          return std::nullopt;
        c = constant.getValue();
        expr = sum.getLHS();
      }
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim)
        return std::nullopt;
      auto &[begin, end] = box[dim.getPosition()];
      begin = std::max(begin, -c);
      end = std::min(end, inType.getDimSize(k) - c);
    }
    return box;
  }

  /// A sum whose operands are nonzero in disjoint boxes (a concat, decomposed) holds one of
  /// them at each position.
  static std::optional<Range> disjointSum(const Range &a, const Range &b) {
    if (!a.support || !b.support || a.support->size() != b.support->size())
      return std::nullopt;
    bool disjoint = false;
    SmallVector<std::pair<int64_t, int64_t>> box;
    for (auto [x, y] : llvm::zip(*a.support, *b.support)) {
      disjoint |= x.second <= y.first || y.second <= x.first;
      box.push_back({std::min(x.first, y.first), std::max(x.second, y.second)});
    }
    if (!disjoint)
      return std::nullopt;
    Range zero = clamped(0, 0);
    Range r = hull({&a, &b, &zero});
    r.support = box;
    return r;
  }

  static Range product(const Range &a, const Range &b) {
    double p[] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
    return follow(clamped(*std::min_element(p, p + 4), *std::max_element(p, p + 4)), {&a, &b});
  }

  std::optional<Range> binary(graph::BinaryOp op) const {
    using K = graph::BinaryKind;
    const Range *a = in(op.getLhs()), *b = in(op.getRhs());
    switch (op.getKind()) {
    case K::equal:
    case K::less:
    case K::greater:
    case K::less_or_equal:
    case K::greater_or_equal:
    case K::and_:
    case K::or_:
    case K::xor_:
      return clamped(0, 1);
    default:
      break;
    }
    if (!a || !b)
      return std::nullopt;
    switch (op.getKind()) {
    case K::add:
      if (std::optional<Range> placed = disjointSum(*a, *b))
        return placed;
      return follow(clamped(a->lo + b->lo, a->hi + b->hi), {a, b});
    case K::sub:
      return follow(clamped(a->lo - b->hi, a->hi - b->lo), {a, b});
    case K::mul:
      return product(*a, *b);
    case K::div: {
      if (!integerElement(op.getType())) { // a quotient of floats, bounded if 0 is no divisor
        if (b->lo <= 0 && b->hi >= 0)
          return std::nullopt;
        double q[] = {a->lo / b->lo, a->lo / b->hi, a->hi / b->lo, a->hi / b->hi};
        return follow(clamped(*std::min_element(q, q + 4), *std::max_element(q, q + 4)), {a, b});
      }
      // Truncating: never larger than the dividend; 0 for a zero divisor.
      double m = magnitude(*a);
      bool nonnegative = a->lo >= 0 && b->lo >= 0;
      return follow(clamped(nonnegative ? 0 : -m, m), {a, b});
    }
    case K::mod:
    case K::fmod: { // smaller than the divisor; mod takes its sign, fmod the dividend's
      double m = integerElement(op.getType()) ? std::max(magnitude(*b) - 1, 0.0) : magnitude(*b);
      if (op.getKind() == K::fmod)
        m = std::min(m, magnitude(*a));
      const Range &sign = op.getKind() == K::mod ? *b : *a;
      return follow(clamped(sign.lo >= 0 ? 0 : -m, sign.hi <= 0 ? 0 : m), {a, b});
    }
    case K::pow: {
      // A float to a negative power grows without bound near 0 (an integer's is 0 or +-1).
      if (!integerElement(op.getType()) && b->lo < 0)
        return std::nullopt;
      if (a->lo >= 1 && b->lo >= 0) // growing in both
        return follow(clamped(std::pow(a->lo, b->lo), std::pow(a->hi, b->hi)), {a, b});
      double m = b->hi <= 0 ? 1 : std::max(1.0, std::pow(magnitude(*a), b->hi));
      return follow(clamped(a->lo >= 0 ? 0 : -m, m), {a, b});
    }
    case K::max:
      return follow(clamped(std::max(a->lo, b->lo), std::max(a->hi, b->hi)), {a, b});
    case K::min:
      return follow(clamped(std::min(a->lo, b->lo), std::min(a->hi, b->hi)), {a, b});
    case K::prelu: {
      Range scaled = product(*a, *b);
      return hull({a, &scaled});
    }
    default:
      return std::nullopt;
    }
  }

  std::optional<Range> unary(graph::UnaryOp op) const {
    using K = graph::UnaryKind;
    switch (op.getKind()) {
    case K::sign:
    case K::tanh:
    case K::erf:
    case K::sin:
    case K::cos:
    case K::softsign:
      return clamped(-1, 1);
    case K::sigmoid:
    case K::hard_sigmoid:
    case K::not_:
    case K::isnan:
    case K::isinf:
    case K::to_bool:
      return clamped(0, 1);
    default:
      break;
    }
    const Range *x = in(op.getInput());
    if (!x)
      return std::nullopt;
    switch (op.getKind()) {
    case K::identity: // also the casts, which truncate a float
    case K::trunc:
    case K::floor:
    case K::ceil:
    case K::round:
      return follow(clamped(std::floor(x->lo), std::ceil(x->hi)), {x});
    case K::neg:
      return follow(clamped(-x->hi, -x->lo), {x});
    case K::abs:
      return follow(clamped(x->lo >= 0 ? x->lo : x->hi <= 0 ? -x->hi : 0, magnitude(*x)), {x});
    case K::relu:
      return follow(clamped(std::max(x->lo, 0.0), std::max(x->hi, 0.0)), {x});
    case K::clip: { // alpha and beta are the bounds
      double lo = op.getAlpha().convertToDouble(), hi = op.getBeta().convertToDouble();
      if (!(lo <= hi))
        return std::nullopt;
      return follow(clamped(std::clamp(x->lo, lo, hi), std::clamp(x->hi, lo, hi)), {x});
    }
    default:
      return std::nullopt;
    }
  }

  std::optional<Range> reduce(graph::ReduceOp op) const {
    using K = graph::ReduceKind;
    const Range *x = in(op.getInput());
    if (!x || op->getNumOperands() != 1 || op.getActivation())
      return std::nullopt;
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    double n = outType.getNumElements() ? double(inType.getNumElements()) /
                                              double(outType.getNumElements())
                                        : 1;
    switch (op.getKind()) {
    case K::sum:
      return follow(clamped(std::min(0.0, n * x->lo), std::max(0.0, n * x->hi)), {x});
    case K::max:
    case K::min:
    case K::mean:
      return *x;
    case K::prod: {
      double m = std::pow(std::max(magnitude(*x), 1.0), n);
      return follow(clamped(x->lo >= 0 ? 0 : -m, m), {x});
    }
    default:
      return std::nullopt;
    }
  }

  std::optional<Range> transfer(Operation *op) const {
    if (isa<graph::ConstantOp>(op))
      return constants.lookup(op);
    if (auto b = dyn_cast<graph::BinaryOp>(op))
      return binary(b);
    if (auto u = dyn_cast<graph::UnaryOp>(op))
      return unary(u);
    if (auto r = dyn_cast<graph::ReduceOp>(op))
      return reduce(r);
    if (isa<graph::ReshapeOp, graph::TransposeOp>(op)) {
      const Range *x = in(op->getOperand(0));
      return x ? std::optional<Range>(*x) : std::nullopt;
    }
    if (auto g = dyn_cast<graph::GatherRowsOp>(op)) {
      const Range *x = in(g.getTable());
      return x ? std::optional<Range>(*x) : std::nullopt;
    }
    if (auto remap = dyn_cast<graph::RemapOp>(op)) {
      const Range *x = in(remap.getInput());
      if (!x)
        return std::nullopt;
      double padding = remap.getPadding().convertToDouble();
      // A max pool's windows pad with a float below any integer, which the max then drops
      // (every window holds an element of the input).
      if (IntegerType elt = integerElement(remap.getType())) {
        double lo = wrapRange(elt).first, hi = wrapRange(elt).second;
        using K = graph::ReduceKind;
        auto drops = [&](Operation *user) {
          auto r = dyn_cast<graph::ReduceOp>(user);
          return r && r.getInput() == remap.getResult() &&
                 r.getKind() == (padding < lo ? K::max : K::min);
        };
        if ((padding < lo || padding > hi) && llvm::all_of(remap->getUsers(), drops)) {
          Range r = *x;
          r.support.reset();
          return r;
        }
      }
      Range pad = clamped(padding, padding);
      Range r = hull({x, &pad});
      r.support = remapSupport(remap);
      return r;
    }
    if (auto pool = dyn_cast<graph::PoolOp>(op)) {
      const Range *x = in(pool.getInput());
      if (!x)
        return std::nullopt;
      Range zero = clamped(0, 0); // an average's padding
      return pool.getKind() == graph::PoolKind::max ? *x : hull({x, &zero});
    }
    if (auto w = dyn_cast<graph::WhereOp>(op)) {
      const Range *a = in(w.getLhs()), *b = in(w.getRhs());
      return a && b ? std::optional<Range>(hull({a, b})) : std::nullopt;
    }
    if (auto concat = dyn_cast<graph::ConcatOp>(op)) {
      std::optional<Range> r;
      for (Value v : concat.getInputs()) {
        const Range *x = in(v);
        if (!x)
          return std::nullopt;
        r = r ? hull({&*r, x}) : *x;
      }
      return r;
    }
    if (auto mm = dyn_cast<graph::MatMulOp>(op)) {
      // K products summed, scaled, plus a bias and a residual, through a ReLU.
      const Range *a = in(mm.getLhs()), *b = in(mm.getRhs());
      auto lhs = cast<RankedTensorType>(mm.getLhs().getType());
      bool relu = mm.getActivation() == graph::UnaryKind::relu;
      if (!a || !b || (mm.getActivation() && !relu) || lhs.getRank() == 0)
        return std::nullopt;
      double k = double(lhs.getShape().back()), scale = mm.getScale().convertToDouble();
      Range p = product(*a, *b);
      double s[] = {k * p.lo * scale, k * p.hi * scale};
      Range r = follow(clamped(std::min({0.0, s[0], s[1]}), std::max({0.0, s[0], s[1]})), {&p});
      for (Value extra : {mm.getBias(), mm.getResidual()}) {
        if (!extra)
          continue;
        const Range *e = in(extra);
        if (!e)
          return std::nullopt;
        r = follow(clamped(r.lo + e->lo, r.hi + e->hi), {&r, e});
      }
      if (relu)
        r = follow(clamped(std::max(r.lo, 0.0), std::max(r.hi, 0.0)), {&r});
      return r;
    }
    return std::nullopt;
  }

  func::FuncOp func;
  llvm::DenseSet<Value> relevant;
  SmallVector<std::pair<Value, Limit>> limited;
  DenseMap<Operation *, std::optional<Range>> constants;
  DenseMap<Value, Range> ranges;
};

/// Who holds `v`, for messages: an input by name, an op's result by its ONNX nodes.
std::string holderName(func::FuncOp func, Value v) {
  if (auto arg = dyn_cast<BlockArgument>(v))
    return "input '" +
           graph::inputName(func.getArgAttrDict(arg.getArgNumber()), arg.getArgNumber()) + "'";
  std::string nodes = graph::nodeNames(v.getLoc());
  return nodes.empty() ? "an unnamed op" : "node '" + nodes + "'";
}

std::string typeName(Value v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << integerElement(v.getType());
  return s;
}

struct BoundIntegerInputs : tessel::impl::BoundIntegerInputsBase<BoundIntegerInputs> {
  void runOnOperation() override {
    getOperation().walk([&](func::FuncOp func) { bound(func); });
  }

  void bound(func::FuncOp func) {
    unsigned n = func.getNumArguments();
    Analysis analysis(func);
    // A constant beyond int32 is an error of its own (the serializer names it); ranges that
    // follow it would only add warnings to that error.
    if (analysis.readsUnholdableConstant())
      return;
    // Out of range with every input at its smallest bound: no bound helps; say so at the root,
    // the first such tensor on its path.
    analysis.evaluate(SmallVector<int>(n, kFloorBits));
    SmallVector<std::pair<Value, Limit>> outOfReach = analysis.outOfRange();
    llvm::DenseSet<Value> hopeless;
    for (auto &[v, limit] : outOfReach)
      hopeless.insert(v);
    // In the function's order, so that the warnings come out the same every run.
    for (auto &[v, limit] : outOfReach) {
      Operation *def = v.getDefiningOp();
      if (!def || llvm::any_of(def->getOperands(), [&](Value o) { return hopeless.count(o); }))
        continue;
      auto &r = analysis.rangeOf(v);
      def->emitWarning() << "this " << typeName(v) << " result may leave "
                         << limit.what << ", whatever the inputs (it reaches 2^"
                         << int(std::ceil(std::log2(std::max(magnitude(r), 1.0))))
                         << "); beyond that range it is not exact";
    }

    // A float input starts unbounded (past the clamp); its first bound is int32's.
    SmallVector<int> bits;
    for (BlockArgument arg : func.getArguments())
      bits.push_back(integerElement(arg.getType()) ? kFullBits : kUnboundedBits);
    DenseMap<unsigned, std::string> reasons;
    for (;;) {
      analysis.evaluate(bits);
      llvm::SmallBitVector shrink(n);
      for (auto &[v, limit] : analysis.outOfRange()) {
        if (hopeless.count(v))
          continue;
        for (int i : analysis.rangeOf(v).inputs.set_bits())
          if (bits[i] > kFloorBits && !shrink.test(i)) {
            shrink.set(i);
            reasons[i] = holderName(func, v) + " (" + typeName(v) + ") would leave " + limit.what;
          }
      }
      if (shrink.none())
        break;
      for (int i : shrink.set_bits())
        bits[i] = std::min(bits[i] - 1, kFullBits);
    }
    // The inputs shrank in step; where one can have bits back alone (a base beside a small
    // exponent, an input beside a constant), it gets them, a bit at a time round the inputs, so
    // that the bounds stay balanced.
    auto fits = [&] {
      analysis.evaluate(bits);
      return llvm::all_of(analysis.outOfRange(),
                          [&](auto &entry) { return hopeless.count(entry.first); });
    };
    for (bool grew = true; grew;) {
      grew = false;
      for (unsigned i = 0; i < n; ++i) {
        if (!reasons.count(i) || bits[i] >= kFullBits)
          continue;
        ++bits[i];
        if (fits())
          grew = true;
        else
          --bits[i];
      }
    }
    analysis.evaluate(bits);

    MLIRContext *ctx = func.getContext();
    for (BlockArgument arg : func.getArguments()) {
      unsigned i = arg.getArgNumber();
      if (!reasons.count(i))
        continue;
      const Range &r = analysis.rangeOf(arg);
      auto [lo, hi] = valueRange(arg.getType());
      if (r.lo == lo && r.hi == hi)
        continue;
      auto i64 = IntegerType::get(ctx, 64);
      NamedAttribute fields[] = {
          {StringAttr::get(ctx, "lo"), IntegerAttr::get(i64, int64_t(r.lo))},
          {StringAttr::get(ctx, "hi"), IntegerAttr::get(i64, int64_t(r.hi))},
          {StringAttr::get(ctx, "reason"), StringAttr::get(ctx, reasons[i])}};
      func.setArgAttr(i, graph::kExactRangeAttrName, DictionaryAttr::get(ctx, fields));
    }
  }
};

} // namespace
