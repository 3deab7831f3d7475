#include "tessel/Transforms/AbsorbedRemaps.h"

#include "Grid/GridDialect.h"

using namespace mlir;

using namespace tessel;

bool tessel::absorbableIntoReduce(graph::RemapOp op) {
  return graph::gatherRunLength(op) >= kMinAbsorbedRun;
}

bool tessel::absorbableIntoMatmul(graph::RemapOp op) {
  return (!op.readsPadding() || op.getPadding().isZero()) && absorbableIntoReduce(op);
}

std::optional<bool> tessel::wholeTileView(graph::RemapOp op) {
  if (op.readsPadding() || op.getGuards())
    return std::nullopt;
  return wholeTileView(op.getMap(), op.getType().getShape(), op.getInput().getType().getShape());
}

std::optional<bool> tessel::wholeTileView(AffineMap map, ArrayRef<int64_t> out,
                                          ArrayRef<int64_t> in) {
  int64_t rank = out.size(), inRank = in.size();
  if (rank < 2 || inRank < 2)
    return std::nullopt;
  ArrayRef<AffineExpr> exprs = map.getResults();
  unsigned m = rank - 2, n = rank - 1;
  auto onTiles = [&](AffineExpr e) { return e.isFunctionOfDim(m) || e.isFunctionOfDim(n); };
  if (llvm::any_of(exprs.drop_back(2), onTiles))
    return std::nullopt;
  MLIRContext *ctx = map.getContext();
  // Input dim `inDim` read as result dim `outDim` shifted by whole tiles.
  auto shifted = [&](unsigned inDim, unsigned outDim) {
    AffineExpr shift = simplifyAffineExpr(exprs[inDim] - getAffineDimExpr(outDim, ctx), rank, 0);
    if (onTiles(shift) || simplifyAffineExpr(shift % 32, rank, 0) != getAffineConstantExpr(0, ctx))
      return false;
    bool unshifted = shift == getAffineConstantExpr(0, ctx);
    return out[outDim] % 32 == 0 || (unshifted && in[inDim] == out[outDim]);
  };
  unsigned r = inRank - 2, c = inRank - 1;
  if (shifted(r, m) && shifted(c, n))
    return false;
  if (shifted(r, n) && shifted(c, m))
    return true;
  return std::nullopt;
}

bool tessel::attentionReadsThrough(OpOperand &use) {
  auto sdpa = dyn_cast<graph::SDPAOp>(use.getOwner());
  auto remap = use.get().getDefiningOp<graph::RemapOp>();
  if (!sdpa || !remap || use.getOperandNumber() > 2)
    return false;
  std::optional<bool> transposed = wholeTileView(remap);
  if (transposed)
    return !*transposed || use.get() == sdpa.getKt();
  // Runs of values are read into tiles of the output's format.
  grid::LayoutAttr in = grid::getLayout(remap.getInput().getType()),
                   out = grid::getLayout(sdpa.getType());
  return use.getOperandNumber() == 0 && in && out && in.getFormat() == out.getFormat() &&
         (in.getFormat() == tile::DataFormat::bf16 || in.getFormat() == tile::DataFormat::f32) &&
         rowRuns(remap);
}

/// The batch dims of a tensor of `batchShape` at linear batch index d0.
static SmallVector<AffineExpr> batchDims(ArrayRef<int64_t> batchShape, MLIRContext *ctx) {
  SmallVector<AffineExpr> dims;
  AffineExpr b = getAffineDimExpr(0, ctx);
  for (auto [stride, size] : llvm::zip(graph::rowMajorStrides(batchShape), batchShape))
    dims.push_back(b.floorDiv(stride) % size);
  return dims;
}

/// Pure affine `e` at `dims`, without building expressions (AffineMap::compose would unique
/// each one).
static int64_t evaluate(AffineExpr e, ArrayRef<int64_t> dims) {
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return c.getValue();
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return dims[d.getPosition()];
  auto bin = cast<AffineBinaryOpExpr>(e);
  int64_t l = evaluate(bin.getLHS(), dims), r = evaluate(bin.getRHS(), dims);
  // No valid map divides by zero or takes a remainder of a negative; do not trap on one.
  if ((r == 0 && bin.getKind() != AffineExprKind::Add && bin.getKind() != AffineExprKind::Mul) ||
      (r < 0 && bin.getKind() == AffineExprKind::Mod))
    return 0;
  switch (bin.getKind()) {
  case AffineExprKind::Add:
    return l + r;
  case AffineExprKind::Mul:
    return l * r;
  case AffineExprKind::FloorDiv:
    return llvm::divideFloorSigned(l, r);
  case AffineExprKind::CeilDiv:
    return llvm::divideCeilSigned(l, r);
  case AffineExprKind::Mod:
    return llvm::mod(l, r);
  default:
    return 0;
  }
}

/// The input's index that `map` reads at `index`, nullopt where it reads padding (a guard of
/// `guards` outside its bound, or an index outside `inputShape`).
static std::optional<SmallVector<int64_t>> readAt(AffineMap map, std::optional<AffineMap> guards,
                                                  ArrayRef<int64_t> bounds,
                                                  ArrayRef<int64_t> inputShape,
                                                  ArrayRef<int64_t> index) {
  if (guards)
    for (auto [g, bound] : llvm::zip(guards->getResults(), bounds)) {
      int64_t value = evaluate(g, index);
      if (value < 0 || value >= bound)
        return std::nullopt;
    }
  SmallVector<int64_t> in;
  for (auto [e, size] : llvm::zip(map.getResults(), inputShape)) {
    in.push_back(evaluate(e, index));
    if (in.back() < 0 || in.back() >= size)
      return std::nullopt;
  }
  return in;
}

/// Whether, at every batch index and row of `shape` that `reads` selects, each column tile of
/// `op`'s result is a run of 32 values of a row of one of its input's tiles, and where it does
/// not select, `op` reads only padding there (checked at the runs' ends).
static bool readsRowRuns(graph::RemapOp op, ArrayRef<int64_t> shape,
                         function_ref<bool(int64_t row)> reads) {
  int64_t rank = shape.size();
  if (shape.back() % 32 != 0 || !op.getPadding().isZero())
    return false;
  ArrayRef<int64_t> inputShape = op.getInput().getType().getShape();
  if (inputShape.size() < 2)
    return false;
  AffineMap map = op.getMap();
  std::optional<AffineMap> guards = op.getGuards();
  ArrayRef<int64_t> bounds = op.getGuardBounds().value_or(ArrayRef<int64_t>());
  // Pure affine: divisions and remainders by positive constants only, no symbols.
  auto pure = [](AffineMap m) {
    return m.getNumSymbols() == 0 &&
           llvm::all_of(m.getResults(), [](AffineExpr e) { return e.isPureAffine(); });
  };
  if (!pure(map) || (guards && !pure(*guards)))
    return false;
  int64_t batches = 1;
  for (int64_t d : shape.drop_back(2))
    batches *= d;
  SmallVector<int64_t> index(rank);
  for (int64_t b = 0; b < batches; ++b) {
    int64_t rest = b;
    for (int64_t d = rank - 3; d >= 0; --d) {
      index[d] = rest % shape[d];
      rest /= shape[d];
    }
    for (int64_t r = 0; r < shape[rank - 2]; ++r) {
      index[rank - 2] = r;
      bool selected = reads(r);
      for (int64_t c = 0; c < shape.back(); c += 32) {
        std::optional<SmallVector<int64_t>> first;
        for (int64_t k = 0; k < 32; k += selected ? 1 : 31) {
          index[rank - 1] = c + k;
          std::optional<SmallVector<int64_t>> in =
              readAt(map, guards, bounds, inputShape, index);
          if (bool(in) != selected)
            return false;
          if (!in)
            continue;
          if (k == 0)
            first = in;
          if (in->back() % 32 != k || in->back() - k != first->back() ||
              ArrayRef<int64_t>(*in).drop_back() != ArrayRef<int64_t>(*first).drop_back())
            return false;
        }
      }
    }
  }
  return true;
}

std::pair<AffineExpr, AffineExpr> tessel::tileThroughMap(AffineMap map,
                                                        ArrayRef<int64_t> batchShape,
                                                        AffineExpr row, AffineExpr col,
                                                        ArrayRef<int64_t> inputShape) {
  MLIRContext *ctx = map.getContext();
  SmallVector<AffineExpr> at = batchDims(batchShape, ctx);
  at.push_back(row);
  at.push_back(col);
  SmallVector<AffineExpr> in;
  for (AffineExpr e : map.getResults())
    in.push_back(e.replaceDims(at));
  int64_t rank = inputShape.size();
  int64_t mt = (inputShape[rank - 2] + 31) / 32, nt = (inputShape.back() + 31) / 32;
  AffineExpr batch = getAffineConstantExpr(0, ctx);
  for (auto [k, stride] : llvm::enumerate(graph::rowMajorStrides(inputShape.drop_back(2))))
    batch = batch + in[k] * stride;
  AffineExpr inRow = in[rank - 2], inCol = in[rank - 1];
  return {simplifyAffineExpr((batch * mt + inRow.floorDiv(32)) * nt + inCol.floorDiv(32), 3, 0),
          simplifyAffineExpr(inRow % 32, 3, 0)};
}

/// Over (d0 = linear batch index of `shape`, d1 = row, d2 = column tile): the tile of `op`'s
/// input that `op` reads a run of 32 values from at row `row`, and where the run starts.
static std::pair<AffineExpr, AffineExpr> runSource(graph::RemapOp op, ArrayRef<int64_t> shape,
                                                   AffineExpr row) {
  auto [tile, inRow] =
      tileThroughMap(op.getMap(), shape.drop_back(2), row,
                     getAffineDimExpr(2, op.getContext()) * 32, op.getInput().getType().getShape());
  return {tile, simplifyAffineExpr(inRow * 32, 3, 0)};
}

std::optional<RowRuns> tessel::rowRuns(graph::RemapOp op) {
  ArrayRef<int64_t> shape = op.getType().getShape();
  int64_t rank = shape.size();
  if (rank < 2 || shape[rank - 2] > 32 ||
      !readsRowRuns(op, shape, [](int64_t) { return true; }))
    return std::nullopt;
  auto [tile, offset] = runSource(op, shape, getAffineDimExpr(1, op.getContext()));
  return RowRuns{shape[rank - 2], tile, offset};
}

/// `v` as keys or values appended to a cache, or nullopt.
static std::optional<AppendedRows> appendedRows(Value v) {
  auto add = v.getDefiningOp<graph::BinaryOp>();
  if (!add || add.getKind() != graph::BinaryKind::add)
    return std::nullopt;
  auto type = cast<RankedTensorType>(v.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  if (rank < 2 || shape.back() % 32 != 0)
    return std::nullopt;
  for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())}) {
    auto view = a.getDefiningOp<graph::RemapOp>(), rows = b.getDefiningOp<graph::RemapOp>();
    if (!view || !rows || a.getType() != type || b.getType() != type || view == rows)
      continue;
    // A: the cache in place, grown by rows that stay in its last row tile (whose rows below
    // the cache's are read from B or as zeros, never from the cache's tile padding).
    Value cache = view.getInput();
    if (!view.getMap().isIdentity() || view.getGuards() || !view.getPadding().isZero())
      continue;
    ArrayRef<int64_t> cacheShape = view.getInput().getType().getShape();
    int64_t first = cacheShape.size() == size_t(rank) ? cacheShape[rank - 2] : 0;
    if (first == 0 || cacheShape.drop_back(2) != shape.drop_back(2) ||
        cacheShape.back() != shape.back() || first % 32 == 0 ||
        (first + 31) / 32 != (shape[rank - 2] + 31) / 32)
      continue;
    int64_t count = shape[rank - 2] - first;
    // B: reads the source at rows first .. first + count - 1 only (its guards or the source's
    // bounds give zeros elsewhere), each column tile of those rows a run of 32 values of one
    // row of a source tile.
    if (!readsRowRuns(rows, shape, [&](int64_t r) { return r >= first; }))
      continue;
    auto [tile, offset] =
        runSource(rows, shape, getAffineDimExpr(1, v.getContext()) + first);
    Value source = rows.getInput();
    AppendedRows out{cache, source, first, count, tile, offset};
    grid::LayoutAttr layout = grid::getLayout(type);
    if (!layout || (layout.getFormat() != tile::DataFormat::bf16 &&
                    layout.getFormat() != tile::DataFormat::f32))
      return std::nullopt;
    for (Value t : {cache, source}) {
      grid::LayoutAttr other = grid::getLayout(t.getType());
      if (!other || other.getFormat() != layout.getFormat())
        return std::nullopt;
    }
    return out;
  }
  return std::nullopt;
}

std::optional<AppendedRows> tessel::attentionReadsAppended(Operation *op) {
  if (op->getNumResults() != 1 || op->use_empty())
    return std::nullopt;
  bool onlyAttention = llvm::all_of(op->getUses(), [](OpOperand &use) {
    auto sdpa = dyn_cast<graph::SDPAOp>(use.getOwner());
    if (sdpa)
      return use.getOperandNumber() == 2;
    auto transpose = dyn_cast<graph::RemapOp>(use.getOwner());
    if (!transpose)
      return false;
    // The keys' view swaps the last two dims and nothing else: the tiles it reads are the
    // appended tensor's as they are, patched in place.
    int64_t rank = transpose.getType().getRank();
    SmallVector<unsigned> swap = llvm::to_vector(llvm::seq<unsigned>(0, rank));
    std::swap(swap[rank - 2], swap[rank - 1]);
    return transpose.getMap() == AffineMap::getPermutationMap(swap, transpose->getContext()) &&
           !transpose->use_empty() &&
           llvm::all_of(transpose->getUses(), [](OpOperand &read) {
             auto reader = dyn_cast<graph::SDPAOp>(read.getOwner());
             return reader && read.getOperandNumber() == 1 && attentionReadsThrough(read);
           });
  });
  return onlyAttention ? appendedRows(op->getResult(0)) : std::nullopt;
}

bool tessel::absorbedIntoAttention(Operation *op) {
  if (attentionReadsAppended(op))
    return true;
  auto remap = dyn_cast<graph::RemapOp>(op);
  return remap && remap->hasOneUse() &&
         attentionReadsAppended(*remap->getUsers().begin()).has_value();
}

namespace {
/// An affine expression as sum(coefficient * atom) + constant, its atoms dims or expressions
/// that are not sums (floordiv, mod), each with the range it takes.
struct LinearForm {
  SmallVector<std::pair<AffineExpr, int64_t>> terms;
  int64_t constant = 0;

  void add(AffineExpr e, int64_t factor) {
    if (auto c = dyn_cast<AffineConstantExpr>(e)) {
      constant += factor * c.getValue();
      return;
    }
    auto bin = dyn_cast<AffineBinaryOpExpr>(e);
    if (bin && bin.getKind() == AffineExprKind::Add) {
      add(bin.getLHS(), factor);
      add(bin.getRHS(), factor);
      return;
    }
    if (bin && bin.getKind() == AffineExprKind::Mul)
      if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS())) {
        add(bin.getLHS(), factor * c.getValue());
        return;
      }
    for (auto &[atom, c] : terms)
      if (atom == e) {
        c += factor;
        return;
      }
    terms.push_back({e, factor});
  }
};
} // namespace

/// The range of sum(c * atom) over `terms` (each with its range over `sizes`), or nullopt.
static std::optional<std::pair<int64_t, int64_t>>
rangeOf(ArrayRef<std::pair<AffineExpr, int64_t>> terms, int64_t constant,
        ArrayRef<int64_t> sizes) {
  int64_t low = constant, high = constant;
  for (auto [atom, c] : terms) {
    std::optional<std::pair<int64_t, int64_t>> r = graph::affineRange(atom, sizes);
    if (!r)
      return std::nullopt;
    low += std::min(c * r->first, c * r->second);
    high += std::max(c * r->first, c * r->second);
  }
  return std::pair(low, high);
}

static AffineExpr sumOf(ArrayRef<std::pair<AffineExpr, int64_t>> terms, int64_t constant,
                        MLIRContext *ctx) {
  AffineExpr sum = getAffineConstantExpr(constant, ctx);
  for (auto [atom, c] : terms)
    sum = sum + atom * c;
  return sum;
}

/// `e` with each floordiv and mod by a constant D of a sum split into its terms that are
/// multiples of D and the rest, when the rest stays in [0, D) while each dim d ranges over
/// [0, sizes[d]); or, when the rest is c * x + below with c dividing D and 0 <= below < c,
/// into x floordiv (D / c) and (x mod (D / c)) * c + below. A reshape's linearised index,
/// (b * S * H + s * H + i * dh + d) floordiv H mod S, becomes s.
static AffineExpr splitDivMod(AffineExpr e, ArrayRef<int64_t> sizes) {
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return e;
  AffineExpr lhs = splitDivMod(bin.getLHS(), sizes), rhs = splitDivMod(bin.getRHS(), sizes);
  AffineExpr same = getAffineBinaryOpExpr(bin.getKind(), lhs, rhs);
  auto divisor = dyn_cast<AffineConstantExpr>(rhs);
  bool floorDiv = bin.getKind() == AffineExprKind::FloorDiv;
  if ((!floorDiv && bin.getKind() != AffineExprKind::Mod) || !divisor || divisor.getValue() <= 0)
    return same;
  int64_t den = divisor.getValue();
  MLIRContext *ctx = e.getContext();
  LinearForm form;
  form.add(lhs, 1);
  SmallVector<std::pair<AffineExpr, int64_t>> multiples, rest;
  for (auto [atom, c] : form.terms)
    (c % den == 0 ? multiples : rest).push_back({atom, c});
  AffineExpr quotient = getAffineConstantExpr(llvm::divideFloorSigned(form.constant, den), ctx);
  for (auto [atom, c] : multiples)
    quotient = quotient + atom * (c / den);
  int64_t kept = llvm::mod(form.constant, den);
  if (auto r = rangeOf(rest, kept, sizes); r && r->first >= 0 && r->second < den)
    return floorDiv ? quotient : sumOf(rest, kept, ctx);
  for (auto [unused, c] : rest) {
    if (c <= 1 || den % c != 0)
      continue;
    SmallVector<std::pair<AffineExpr, int64_t>> high, below;
    for (auto [atom, ck] : rest)
      (ck % c == 0 ? high : below).push_back({atom, ck / (ck % c == 0 ? c : 1)});
    auto r = rangeOf(below, kept % c, sizes);
    if (!r || r->first < 0 || r->second >= c)
      continue;
    AffineExpr x = sumOf(high, kept / c, ctx);
    if (floorDiv)
      return quotient + splitDivMod(x.floorDiv(den / c), sizes);
    return splitDivMod(x % (den / c), sizes) * c + sumOf(below, kept % c, ctx);
  }
  return same;
}

std::optional<std::pair<Value, AffineMap>> tessel::layoutChain(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  AffineMap map = AffineMap::getMultiDimIdentityMap(type.getRank(), v.getContext());
  bool moved = false;
  while (Operation *def = v.getDefiningOp()) {
    AffineMap step;
    Value input;
    if (auto t = dyn_cast<graph::TransposeOp>(def)) {
      SmallVector<AffineExpr> index(t.getPerm().size());
      for (auto [j, p] : llvm::enumerate(t.getPerm()))
        index[p] = getAffineDimExpr(j, v.getContext());
      step = AffineMap::get(index.size(), 0, index, v.getContext());
      input = t.getInput();
    } else if (auto r = dyn_cast<graph::ReshapeOp>(def)) {
      ArrayRef<int64_t> outShape = r.getType().getShape();
      step = AffineMap::get(outShape.size(), 0,
                            graph::reshapeIndex(r.getInput().getType().getShape(), outShape,
                                                v.getContext()),
                            v.getContext());
      input = r.getInput();
    } else if (auto rm = dyn_cast<graph::RemapOp>(def); rm && !rm.readsPadding() && !rm.getGuards()) {
      step = rm.getMap();
      input = rm.getInput();
    } else {
      break;
    }
    SmallVector<AffineExpr> exprs;
    for (AffineExpr e : step.compose(map).getResults())
      exprs.push_back(splitDivMod(e, type.getShape()));
    map = graph::simplifyOverRanges(exprs, type.getShape(), v.getContext());
    v = input;
    moved = true;
  }
  if (!moved)
    return std::nullopt;
  return std::pair(v, map);
}

std::optional<std::pair<Value, AffineMap>> tessel::forwardLayoutChain(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  MLIRContext *ctx = v.getContext();
  AffineMap map = AffineMap::getMultiDimIdentityMap(type.getRank(), ctx);
  bool moved = false;
  while (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    AffineMap step;
    if (auto t = dyn_cast<graph::TransposeOp>(user)) {
      SmallVector<AffineExpr> index;
      for (int64_t p : t.getPerm())
        index.push_back(getAffineDimExpr(p, ctx));
      step = AffineMap::get(index.size(), 0, index, ctx);
    } else if (auto r = dyn_cast<graph::ReshapeOp>(user)) {
      ArrayRef<int64_t> inShape = r.getInput().getType().getShape();
      step = AffineMap::get(inShape.size(), 0,
                            graph::reshapeIndex(r.getType().getShape(), inShape, ctx), ctx);
    } else {
      break;
    }
    SmallVector<AffineExpr> exprs;
    for (AffineExpr e : step.compose(map).getResults())
      exprs.push_back(splitDivMod(e, type.getShape()));
    map = graph::simplifyOverRanges(exprs, type.getShape(), ctx);
    v = user->getResult(0);
    moved = true;
  }
  if (!moved)
    return std::nullopt;
  return std::pair(v, map);
}
