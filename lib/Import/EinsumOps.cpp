// Einsum, lowered to transposes, reshapes, matmuls and reductions.
//
// Repeated labels within an operand (diagonals) become a remap; labels no one else needs are
// summed out of each operand first; then the operands are contracted left to right, each pair as
// one batched matmul: [batch..., left, contracted] x [batch..., contracted, right], the shared
// labels that are still needed being the (broadcasting) batch dims.
#include "ImportHelpers.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

#include <cctype>
#include <map>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

namespace {
/// A value and the label of each of its dims: letters are their character codes, the dims an
/// ellipsis covers are kEllipsis + their position counted from the right (numpy aligns them
/// on the right and broadcasts them).
struct Term {
  Value value;
  SmallVector<int> labels;
};
constexpr int kEllipsis = 1000;
} // namespace


/// The labels of one side of the equation; `rank` is the operand's (or -1 for the output, whose
/// ellipsis covers `ellipsisRank` dims).
static FailureOr<SmallVector<int>> parseTerm(NodeContext &ctx, StringRef text, int64_t rank,
                                             int64_t &ellipsisRank) {
  SmallVector<int> labels;
  int64_t letters = 0;
  for (char c : text)
    letters += std::isalpha((unsigned char)c) ? 1 : 0;
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i).starts_with("...")) {
      int64_t covered = rank < 0 ? ellipsisRank : rank - letters;
      if (covered < 0)
        return ctx.emitError() << "Einsum term '" << text << "' has more labels than dims";
      if (rank >= 0)
        ellipsisRank = std::max(ellipsisRank, covered);
      for (int64_t j = covered - 1; j >= 0; --j)
        labels.push_back(kEllipsis + j);
      i += 3;
      continue;
    }
    if (!std::isalpha((unsigned char)text[i]))
      return ctx.emitError() << "Einsum equation has an unexpected '" << text[i] << "'";
    labels.push_back(text[i++]);
  }
  if (rank >= 0 && (int64_t)labels.size() != rank)
    return ctx.emitError() << "Einsum term '" << text << "' does not match its operand's rank "
                           << rank;
  return labels;
}

/// numpy's implicit output: the ellipsis dims, then the labels used once, in alphabetical order.
static SmallVector<int> implicitOutput(ArrayRef<Term> terms, int64_t ellipsisRank) {
  SmallVector<int> out;
  for (int64_t j = ellipsisRank - 1; j >= 0; --j)
    out.push_back(kEllipsis + j);
  std::map<int, int> counts;
  for (const Term &t : terms)
    for (int l : t.labels)
      if (l < kEllipsis)
        ++counts[l];
  for (auto [label, count] : counts)
    if (count == 1)
      out.push_back(label);
  return out;
}


/// The diagonal over repeated labels (numpy's "ii->i"), as a remap reading each dim at the
/// position of its label's first occurrence.
static Term takeDiagonal(NodeContext &ctx, Term t) {
  SmallVector<int> unique;
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> index;
  for (auto [k, l] : llvm::enumerate(t.labels)) {
    auto *it = llvm::find(unique, l);
    if (it == unique.end()) {
      unique.push_back(l);
      shape.push_back(shapeOf(t.value)[k]);
      it = unique.end() - 1;
    }
    index.push_back(getAffineDimExpr(it - unique.begin(), ctx.builder.getContext()));
  }
  if (unique.size() == t.labels.size())
    return t;
  auto type = cast<RankedTensorType>(t.value.getType()).clone(shape);
  return {remap(ctx, t.value, type, index), unique};
}

/// Sums out the labels `needed` rejects, dropping their dims.
static Term sumOut(NodeContext &ctx, Term t, llvm::function_ref<bool(int)> needed) {
  SmallVector<int64_t> axes, shape;
  SmallVector<int> kept;
  for (auto [k, l] : llvm::enumerate(t.labels)) {
    if (needed(l)) {
      kept.push_back(l);
      shape.push_back(shapeOf(t.value)[k]);
    } else {
      axes.push_back(k);
    }
  }
  if (axes.empty())
    return t;
  Value sum = reduceKeep(ctx, graph::ReduceKind::sum, t.value, axes);
  return {reshapeTo(ctx, sum, shape), kept};
}

/// a x b as one batched matmul; labels shared and still `needed` stay as batch dims.
static FailureOr<Term> contractPair(NodeContext &ctx, const Term &a, const Term &b,
                                    llvm::function_ref<bool(int)> needed) {
  SmallVector<int> batch, left, inner, right;
  for (int l : a.labels)
    (llvm::is_contained(b.labels, l) ? (needed(l) ? batch : inner) : left).push_back(l);
  for (int l : b.labels)
    if (!llvm::is_contained(a.labels, l))
      right.push_back(l);
  auto dimOf = [](const Term &t, int l) { return llvm::find(t.labels, l) - t.labels.begin(); };
  auto sizeOf = [&](const Term &t, int l) { return shapeOf(t.value)[dimOf(t, l)]; };
  int64_t lSize = 1, cSize = 1, rSize = 1;
  SmallVector<int64_t> permA, permB, shapeA, shapeB, outShape;
  for (int l : batch) {
    permA.push_back(dimOf(a, l));
    permB.push_back(dimOf(b, l));
    shapeA.push_back(sizeOf(a, l));
    shapeB.push_back(sizeOf(b, l));
    outShape.push_back(std::max(sizeOf(a, l), sizeOf(b, l)));
  }
  SmallVector<int64_t> resultShape(outShape);
  for (int l : left) {
    permA.push_back(dimOf(a, l));
    lSize *= sizeOf(a, l);
    resultShape.push_back(sizeOf(a, l));
  }
  for (int l : inner) {
    permA.push_back(dimOf(a, l));
    if (sizeOf(a, l) != sizeOf(b, l))
      return ctx.emitError() << "Einsum sums over a label whose sizes differ ("
                             << sizeOf(a, l) << " and " << sizeOf(b, l) << ")";
    cSize *= sizeOf(a, l);
  }
  for (int l : inner)
    permB.push_back(dimOf(b, l));
  for (int l : right) {
    permB.push_back(dimOf(b, l));
    rSize *= sizeOf(b, l);
    resultShape.push_back(sizeOf(b, l));
  }
  shapeA.append({lSize, cSize});
  shapeB.append({cSize, rSize});
  outShape.append({lSize, rSize});
  Value lhs = reshapeTo(ctx, transpose(ctx, a.value, permA), shapeA);
  Value rhs = reshapeTo(ctx, transpose(ctx, b.value, permB), shapeB);
  auto prodType = cast<RankedTensorType>(lhs.getType()).clone(outShape);
  Value prod = ctx.builder.create<graph::MatMulOp>(ctx.loc, prodType, lhs, rhs);
  SmallVector<int> labels(batch);
  labels.append(left);
  labels.append(right);
  return Term{reshapeTo(ctx, prod, resultShape), labels};
}

static Result convertEinsum(NodeContext &ctx) {
  const onnx::AttributeProto *eqAttr = ctx.attr("equation");
  if (!eqAttr)
    return ctx.emitError() << "Einsum needs an equation";
  std::string eq;
  for (char c : eqAttr->s())
    if (!std::isspace((unsigned char)c))
      eq.push_back(c);
  StringRef lhsText = eq, outText;
  size_t arrow = StringRef(eq).find("->");
  bool explicitOut = arrow != StringRef::npos;
  if (explicitOut) {
    lhsText = StringRef(eq).substr(0, arrow);
    outText = StringRef(eq).substr(arrow + 2);
  }
  SmallVector<StringRef> inTexts;
  lhsText.split(inTexts, ',');
  if (inTexts.size() != ctx.operands.size())
    return ctx.emitError() << "Einsum equation '" << eq << "' names " << inTexts.size()
                           << " operands, the node has " << ctx.operands.size();
  int64_t ellipsisRank = 0;
  SmallVector<Term> terms;
  for (auto [text, v] : llvm::zip(inTexts, ctx.operands)) {
    auto labels = parseTerm(ctx, text, cast<RankedTensorType>(v.getType()).getRank(), ellipsisRank);
    if (failed(labels))
      return failure();
    terms.push_back({v, *labels});
  }
  SmallVector<int> outLabels;
  if (explicitOut) {
    auto labels = parseTerm(ctx, outText, -1, ellipsisRank);
    if (failed(labels))
      return failure();
    outLabels = *labels;
  } else {
    outLabels = implicitOutput(terms, ellipsisRank);
  }

  // Whether a label is needed beyond the operands before `from`: by the output or a later one.
  auto neededFrom = [&](size_t from) {
    return [&, from](int l) {
      if (llvm::is_contained(outLabels, l))
        return true;
      for (size_t i = from; i < terms.size(); ++i)
        if (llvm::is_contained(terms[i].labels, l))
          return true;
      return false;
    };
  };
  for (size_t i = 0; i < terms.size(); ++i) {
    terms[i] = takeDiagonal(ctx, terms[i]);
    // Needed by the output or any other operand.
    auto needed = [&, i](int l) {
      if (llvm::is_contained(outLabels, l))
        return true;
      for (size_t j = 0; j < terms.size(); ++j)
        if (j != i && llvm::is_contained(terms[j].labels, l))
          return true;
      return false;
    };
    terms[i] = sumOut(ctx, terms[i], needed);
  }
  Term acc = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) {
    auto next = contractPair(ctx, acc, terms[i], neededFrom(i + 1));
    if (failed(next))
      return failure();
    acc = *next;
  }
  SmallVector<int64_t> perm;
  for (int l : outLabels) {
    auto *it = llvm::find(acc.labels, l);
    if (it == acc.labels.end())
      return ctx.emitError() << "Einsum output label '" << (l < kEllipsis ? (char)l : '.')
                             << "' appears in no operand";
    perm.push_back(it - acc.labels.begin());
  }
  RankedTensorType out = ctx.resultTypes[0];
  Value y = reshapeTo(ctx, transpose(ctx, acc.value, perm), out.getShape());
  if (y.getType() != out)
    y = unary(ctx, graph::UnaryKind::identity, y, 0, 0, out);
  return one(y);
}

void tessel::onnx_import::addEinsumConverters(ConverterMap &map) {
  map["Einsum"] = convertEinsum;
}
