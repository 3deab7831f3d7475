// graph.unary, graph.binary (numpy broadcasting) and graph.where: one tile of each input in, one
// tile out. ONNX functions the SFPU has no instruction for are composed from several, using a
// second Dst tile where the function needs its input twice (HardSwish, Softsign).
#include "Lowerings.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

namespace {
/// Output tile coordinates of unit d0.
struct UnitCoords {
  AffineExpr b, mt, nt;
  UnitCoords(const TiledView &out, MLIRContext *ctx) {
    AffineExpr u = getAffineDimExpr(0, ctx);
    b = u.floorDiv(out.mt * out.nt);
    mt = u.floorDiv(out.nt) % out.mt;
    nt = u % out.nt;
  }
};

} // namespace

/// The SFPU sequence of an ONNX unary function on Dst[0]; Dst[1] is scratch.
static void emitUnary(DispatchBuilder &m, graph::UnaryOp op, Value x, Value scratch, Value input) {
  using K = tile::UnaryKind;
  float alpha = op.getAlpha().convertToFloat(), beta = op.getBeta().convertToFloat();
  switch (op.getKind()) {
  case graph::UnaryKind::abs: return m.unary(K::abs, x);
  case graph::UnaryKind::neg: return m.unary(K::neg, x);
  case graph::UnaryKind::exp: return m.unary(K::exp, x);
  case graph::UnaryKind::log: return m.unary(K::log, x);
  case graph::UnaryKind::sqrt: return m.unary(K::sqrt, x);
  case graph::UnaryKind::reciprocal: return m.unary(K::recip, x);
  case graph::UnaryKind::rsqrt: return m.unary(K::rsqrt, x);
  case graph::UnaryKind::sigmoid: return m.unary(K::sigmoid, x);
  case graph::UnaryKind::tanh: return m.unary(K::tanh, x);
  case graph::UnaryKind::erf: return m.unary(K::erf, x);
  case graph::UnaryKind::sin: return m.unary(K::sin, x);
  case graph::UnaryKind::tan: return m.unary(K::tan, x);
  case graph::UnaryKind::asin: return m.unary(K::asin, x);
  case graph::UnaryKind::acos: return m.unary(K::acos, x);
  case graph::UnaryKind::atan: return m.unary(K::atan, x);
  case graph::UnaryKind::sinh: return m.unary(K::sinh, x);
  case graph::UnaryKind::cosh: return m.unary(K::cosh, x);
  case graph::UnaryKind::asinh: return m.unary(K::asinh, x);
  case graph::UnaryKind::acosh: return m.unary(K::acosh, x);
  case graph::UnaryKind::atanh: return m.unary(K::atanh, x);
  case graph::UnaryKind::gelu: return m.unary(K::gelu, x);
  case graph::UnaryKind::gelu_tanh: return m.unary(K::gelu_tanh, x);
  case graph::UnaryKind::cos: return m.unary(K::cos, x);
  case graph::UnaryKind::floor: return m.unary(K::floor, x);
  case graph::UnaryKind::ceil: return m.unary(K::ceil, x);
  case graph::UnaryKind::round: return m.unary(K::round, x);
  case graph::UnaryKind::sign: return m.unary(K::sign, x);
  case graph::UnaryKind::relu: return m.unary(K::relu, x);
  case graph::UnaryKind::leaky_relu: return m.unary(K::leaky_relu, x, alpha);
  case graph::UnaryKind::elu: return m.unary(K::elu, x, alpha);
  case graph::UnaryKind::selu:
    m.unary(K::elu, x, alpha);
    return m.unary(K::scale, x, beta);
  case graph::UnaryKind::softplus: return m.unary(K::softplus, x);
  case graph::UnaryKind::softsign:
    m.copy(input, scratch);
    m.unary(K::abs, scratch);
    m.unary(K::shift, scratch, 1.0f);
    return m.dstBinary(tile::BinaryKind::div, x, scratch, x);
  case graph::UnaryKind::not_: return m.unary(K::not_, x);
  case graph::UnaryKind::hard_sigmoid:
    m.unary(K::scale, x, alpha);
    m.unary(K::shift, x, beta);
    m.unary(K::max_scalar, x, 0.0f);
    return m.unary(K::min_scalar, x, 1.0f);
  case graph::UnaryKind::hard_swish:
    m.copy(input, scratch);
    m.unary(K::scale, scratch, 1.0f / 6.0f);
    m.unary(K::shift, scratch, 0.5f);
    m.unary(K::max_scalar, scratch, 0.0f);
    m.unary(K::min_scalar, scratch, 1.0f);
    return m.dstBinary(tile::BinaryKind::mul, x, scratch, x);
  case graph::UnaryKind::thresholded_relu: return m.unary(K::thresholded_relu, x, alpha);
  case graph::UnaryKind::clip:
    if (!std::isinf(alpha))
      m.unary(K::max_scalar, x, alpha);
    if (!std::isinf(beta))
      m.unary(K::min_scalar, x, beta);
    return;
  case graph::UnaryKind::identity: return;
  case graph::UnaryKind::isnan: return m.unary(K::isnan, x);
  case graph::UnaryKind::trunc:
    m.copy(input, scratch);
    m.unary(K::sign, scratch);
    m.unary(K::abs, x);
    m.unary(K::floor, x);
    return m.dstBinary(tile::BinaryKind::mul, x, scratch, x);
  case graph::UnaryKind::to_bool:
    m.unary(K::not_, x);
    return m.unary(K::not_, x);
  case graph::UnaryKind::isinf: {
    bool negative = alpha != 0, positive = beta != 0;
    m.unary(K::isinf, x, negative == positive ? 0.0f : positive ? 1.0f : -1.0f);
    if (!negative && !positive)
      m.unary(K::scale, x, 0.0f);
    return;
  }
  }
}

/// Dst[x] = trunc(Dst[x]), Dst[scratch] overwritten.
static void truncateInPlace(DispatchBuilder &m, Value x, Value scratch) {
  m.dstBinary(tile::BinaryKind::max, x, x, scratch); // a copy of x
  m.unary(tile::UnaryKind::sign, scratch);
  m.unary(tile::UnaryKind::abs, x);
  m.unary(tile::UnaryKind::floor, x);
  m.dstBinary(tile::BinaryKind::mul, x, scratch, x);
}

/// The tile op of an ONNX binary op; `mirrored` is the op with its operands swapped, if any.
static tile::BinaryKind tileKind(graph::BinaryKind kind, bool &commutes,
                                 std::optional<tile::BinaryKind> &mirrored) {
  using G = graph::BinaryKind;
  using T = tile::BinaryKind;
  commutes = false;
  mirrored.reset();
  switch (kind) {
  case G::add: commutes = true; return T::add;
  case G::mul: commutes = true; return T::mul;
  case G::max: commutes = true; return T::max;
  case G::min: commutes = true; return T::min;
  case G::equal: commutes = true; return T::eq;
  case G::and_: commutes = true; return T::and_;
  case G::or_: commutes = true; return T::or_;
  case G::xor_: commutes = true; return T::xor_;
  case G::less: mirrored = T::gt; return T::lt;
  case G::greater: mirrored = T::lt; return T::gt;
  case G::less_or_equal: mirrored = T::ge; return T::le;
  case G::greater_or_equal: mirrored = T::le; return T::ge;
  case G::sub: return T::sub;
  case G::div: return T::div;
  case G::pow: return T::pow;
  case G::mod: return T::mod;
  case G::fmod: return T::fmod;
  case G::prelu: return T::prelu;
  }
  return T::add;
}

/// The SFPU function that applies `kind` with a constant second operand `c` on its own, so that
/// no core reads a broadcast tile of the constant (64 cores reading one DRAM tile contend for
/// its channel).
static std::optional<std::pair<tile::UnaryKind, float>> scalarForm(tile::BinaryKind kind,
                                                                   Value operand) {
  auto constant = operand.getDefiningOp<graph::ConstantOp>();
  if (!constant || cast<RankedTensorType>(constant.getType()).getNumElements() != 1)
    return std::nullopt;
  auto values = graph::readF32Elements(constant.getValue());
  if (!values || values->size() != 1 || !std::isfinite((*values)[0]))
    return std::nullopt;
  float c = (*values)[0];
  using B = tile::BinaryKind;
  using U = tile::UnaryKind;
  switch (kind) {
  case B::add: return std::pair(U::shift, c);
  case B::sub: return std::pair(U::shift, -c);
  case B::mul: return std::pair(U::scale, c);
  case B::max: return std::pair(U::max_scalar, c);
  case B::min: return std::pair(U::min_scalar, c);
  case B::pow: return std::pair(U::pow_scalar, c);
  case B::div: return std::pair(U::div_scalar, c);
  default:
    return std::nullopt;
  }
}

FailureOr<Value> tessel::lowering::lowerElementwise(OpBuilder &b, Operation *op, const LoweringOptions &opts) {
  MLIRContext *ctx = b.getContext();
  Type resultType = op->getResult(0).getType();
  TiledView out = TiledView::of(resultType);
  UnitCoords at(out, ctx);
  SmallVector<Value> inputs(op->getOperands());

  // Binary ops: the FPU broadcasts only its second operand, so a broadcasting first operand is
  // swapped to second where the op allows it.
  tile::BinaryKind kind = tile::BinaryKind::add;
  tile::Broadcast bcast = tile::Broadcast::none;
  bool negateResult = false;
  std::optional<std::pair<tile::UnaryKind, float>> scalar;
  std::optional<float> fill;
  // Integer math runs in an int32 Dst (tt-assign-precision): float inputs come in through the
  // `to_int` typecast, a float result leaves through `to_float`, and constants are read as
  // int32 tiles (a float scalar would not hold every int32).
  bool integers = opts.dstFormat == tile::DataFormat::int32;
  bool floatResult = formatOf(op->getResult(0)) != tile::DataFormat::int32;
  auto bcastOf = [&](Value v) { return inTileBroadcast(TiledView::of(v.getType()), out); };
  if (auto binary = dyn_cast<graph::BinaryOp>(op)) {
    bool commutes;
    std::optional<tile::BinaryKind> mirrored;
    kind = tileKind(binary.getKind(), commutes, mirrored);
    if (bcastOf(inputs[0]) != tile::Broadcast::none) {
      if (!commutes && !mirrored && binary.getKind() != graph::BinaryKind::sub)
        return op->emitError() << "'" << graph::stringifyBinaryKind(binary.getKind())
                               << "' whose first operand broadcasts within a tile is not "
                                  "supported yet";
      std::swap(inputs[0], inputs[1]);
      if (mirrored)
        kind = *mirrored;
      negateResult = binary.getKind() == graph::BinaryKind::sub;
    }
    if (bcastOf(inputs[0]) != tile::Broadcast::none)
      return op->emitError("both operands broadcast within a tile; not supported yet");
    bcast = bcastOf(inputs[1]);
    if (!integers)
      scalar = scalarForm(kind, inputs[1]);
    if (scalar)
      inputs.pop_back();
  } else if (isa<graph::WhereOp>(op)) {
    // where(c, x, y): Dst = y, then Dst = c ? x : Dst; only x may broadcast within a tile. A
    // constant scalar y (a masked fill) fills Dst, and no core reads it.
    fill = graph::scalarConstant(inputs[2]);
    if (fill && integers && !(std::abs(*fill) < 16777216.0f && std::trunc(*fill) == *fill))
      fill.reset();
    if (fill)
      inputs.pop_back();
    if (bcastOf(inputs[0]) != tile::Broadcast::none ||
        (!fill && bcastOf(inputs[2]) != tile::Broadcast::none))
      return op->emitError("where whose condition or second value broadcasts within a tile is "
                           "not supported yet");
    bcast = bcastOf(inputs[1]);
  } else if (bcastOf(inputs[0]) != tile::Broadcast::none) {
    return op->emitError("unary op that changes the shape");
  }

  TileMapping mapping;
  // The FPU broadcasts a second operand's first row over the rows, or its first value over the
  // tile: only that row is read.
  for (auto [i, in] : llvm::enumerate(inputs))
    mapping.read(broadcastTileIndex(TiledView::of(in.getType()), out, at.b, at.mt, at.nt),
                 i == 1 && readsFirstRowOnly(bcast));
  mapping.outputTile = getAffineDimExpr(0, ctx);
  // Padding of partial tiles must stay zero for consumers, and f(0) is not always 0.
  bool partial = out.rows % 32 != 0 || out.cols % 32 != 0;

  StringRef name = op->getName().stripDialect();
  if (auto u = dyn_cast<graph::UnaryOp>(op))
    name = graph::stringifyUnaryKind(u.getKind());
  else if (auto bop = dyn_cast<graph::BinaryOp>(op))
    name = graph::stringifyBinaryKind(bop.getKind());
  CoreSplit split = splitOverCores(out.tiles(), opts.chip);
  DispatchBuilder db(b, op->getLoc(), name, split, inputs, {resultType}, opts);
  buildTileLoop(db, mapping, formatOf(op->getResult(0)),
                [&](ArrayRef<Value> tiles, Value unit, Value dst) {
    if (auto u = dyn_cast<graph::UnaryOp>(op)) {
      db.copy(tiles[0], dst);
      if (integers && formatOf(inputs[0]) != tile::DataFormat::int32)
        db.unary(tile::UnaryKind::to_int, dst); // a cast's truncation
      else
        emitUnary(db, u, dst, db.index(1), tiles[0]);
    } else if (isa<graph::WhereOp>(op)) {
      if (fill)
        db.mask(dst, db.index(0), db.index(0), *fill);
      else
        db.copy(tiles[2], dst);
      db.binary(tile::BinaryKind::where_into, bcast, tiles[0], tiles[1], dst);
    } else if (scalar) {
      db.copy(tiles[0], dst);
      db.unary(scalar->first, dst, scalar->second);
      if (negateResult)
        db.unary(tile::UnaryKind::neg, dst);
    } else {
      db.binary(kind, bcast, tiles[0], tiles[1], dst);
      if (negateResult)
        db.unary(tile::UnaryKind::neg, dst);
    }
    if (kind == tile::BinaryKind::div && !integers &&
        isa<IntegerType>(cast<RankedTensorType>(resultType).getElementType()))
      // An integer quotient held in f32 truncates toward zero: sign(q) * floor(|q|). The f32
      // quotient of integers below 2^24 is correctly rounded, never across an integer.
      truncateInPlace(db, dst, db.index(1));
    if (integers && floatResult)
      db.unary(tile::UnaryKind::to_float, dst);
    if (partial) {
      Value rows = db.apply(out.rows - at.mt * 32, unit);
      Value cols = db.apply(out.cols - at.nt * 32, unit);
      db.mask(dst, rows, cols, 0.0f);
    }
  });
  return db.results()[0];
}
