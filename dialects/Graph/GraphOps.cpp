#include "Graph/GraphOps.h"
#include "Graph/InputNames.h"

#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace tessel::graph;

std::optional<SmallVector<int64_t>> tessel::graph::broadcastShapes(ArrayRef<int64_t> a,
                                                                   ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

static ArrayRef<int64_t> shapeOf(Value v) { return cast<RankedTensorType>(v.getType()).getShape(); }

LogicalResult ConstantOp::verify() {
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getShape() != getType().getShape() ||
      valueType.getElementType() != getType().getElementType())
    return emitOpError() << "value has type " << getValue().getType() << " but result has "
                         << getType();
  return success();
}

ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  TypedAttr value;
  if (parser.parseAttribute(value, "value", result.attributes) ||
      parser.parseOptionalAttrDict(result.attributes))
    return failure();
  Type type = value.getType();
  if (succeeded(parser.parseOptionalColon()) && parser.parseType(type))
    return failure();
  result.addTypes(type);
  return success();
}

void ConstantOp::print(OpAsmPrinter &p) {
  p << ' ';
  p.printAttribute(getValue());
  p.printOptionalAttrDict((*this)->getAttrs(), {"value"});
  if (getType() != cast<TypedAttr>(getValue()).getType())
    p << " : " << getType();
}

LogicalResult ConvOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto w = cast<RankedTensorType>(getWeight().getType());
  auto out = cast<RankedTensorType>(getType());
  int64_t rank = in.getRank(), k = rank - 2, group = getGroup();
  if (rank < 3 || w.getRank() != rank || out.getRank() != rank)
    return emitOpError() << "needs input, weight and result of the same rank >= 3, got "
                         << shapeString(in.getShape()) << ", " << shapeString(w.getShape())
                         << " and " << shapeString(out.getShape());
  if (int64_t(getStrides().size()) != k || int64_t(getDilations().size()) != k ||
      int64_t(getPads().size()) != k)
    return emitOpError() << "needs " << k << " strides, dilations and pads";
  if (group < 1 || in.getDimSize(1) != w.getDimSize(1) * group || w.getDimSize(0) % group)
    return emitOpError() << "weight " << shapeString(w.getShape()) << " does not fit "
                         << in.getDimSize(1) << " input channels in " << group << " groups";
  if (out.getDimSize(0) != in.getDimSize(0) || out.getDimSize(1) != w.getDimSize(0))
    return emitOpError() << "result " << shapeString(out.getShape()) << " must be [batch, "
                         << w.getDimSize(0) << ", ...]";
  if (getBias() && cast<RankedTensorType>(getBias().getType()).getShape() !=
                       ArrayRef<int64_t>{w.getDimSize(0)})
    return emitOpError() << "bias must be [" << w.getDimSize(0) << "]";
  for (int64_t i = 0; i < k; ++i) {
    if (getStrides()[i] < 1 || getDilations()[i] < 1 || getPads()[i] < 0)
      return emitOpError() << "strides and dilations must be positive and pads non-negative";
    if (out.getDimSize(2 + i) < 1)
      return emitOpError() << "spatial dim " << i << " of the result is empty";
  }
  return success();
}

LogicalResult PoolOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  int64_t rank = in.getRank(), k = rank - 2;
  if (rank < 3 || out.getRank() != rank)
    return emitOpError() << "needs input and result of the same rank >= 3, got "
                         << shapeString(in.getShape()) << " and " << shapeString(out.getShape());
  if (int64_t(getKernel().size()) != k || int64_t(getStrides().size()) != k ||
      int64_t(getDilations().size()) != k || int64_t(getPads().size()) != 2 * k)
    return emitOpError() << "needs " << k << " kernel dims, strides and dilations, and "
                         << 2 * k << " pads";
  if (out.getDimSize(0) != in.getDimSize(0) || out.getDimSize(1) != in.getDimSize(1))
    return emitOpError() << "result " << shapeString(out.getShape()) << " must be ["
                         << in.getDimSize(0) << ", " << in.getDimSize(1) << ", ...]";
  for (int64_t i = 0; i < k; ++i) {
    if (getKernel()[i] < 1 || getStrides()[i] < 1 || getDilations()[i] < 1 || getPads()[i] < 0 ||
        getPads()[k + i] < 0)
      return emitOpError() << "kernel, strides and dilations must be positive and pads "
                              "non-negative";
    // Every window starts inside the padded input.
    int64_t last = (out.getDimSize(2 + i) - 1) * getStrides()[i] - getPads()[i];
    if (out.getDimSize(2 + i) < 1 || last >= in.getDimSize(2 + i) + getPads()[k + i])
      return emitOpError() << "spatial dim " << i << " of the result has "
                           << out.getDimSize(2 + i) << " windows, which do not fit the input";
  }
  return success();
}

LogicalResult BatchNormOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  if (in.getRank() < 2)
    return emitOpError() << "needs an input of rank >= 2";
  for (Value p : {getScale(), getBias(), getMean(), getVar()})
    if (cast<RankedTensorType>(p.getType()).getShape() != ArrayRef<int64_t>{in.getDimSize(1)})
      return emitOpError() << "parameters must be [" << in.getDimSize(1) << "], one per channel";
  if (getType() != getInput().getType())
    return emitOpError() << "result type must be the input's";
  return success();
}

LogicalResult MatMulOp::verify() {
  ArrayRef<int64_t> a = shapeOf(getLhs()), b = shapeOf(getRhs()), r = shapeOf(getResult());
  if (a.size() < 2 || b.size() < 2)
    return emitOpError("operands must have rank >= 2");
  if (a.back() != b[b.size() - 2])
    return emitOpError() << "contracting dims differ: " << shapeString(a) << " x "
                         << shapeString(b);
  auto batch = broadcastShapes(a.drop_back(2), b.drop_back(2));
  if (!batch)
    return emitOpError() << "batch dims of " << shapeString(a) << " and " << shapeString(b)
                         << " do not broadcast";
  SmallVector<int64_t> expected = *batch;
  expected.push_back(a[a.size() - 2]);
  expected.push_back(b.back());
  if (r != ArrayRef<int64_t>(expected))
    return emitOpError() << "result shape " << shapeString(r) << " should be "
                         << shapeString(expected);
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{r.back()})
    return emitOpError() << "bias must be [" << r.back() << "], one value per column";
  // The residual's layout may differ from the result's (one in L1, the other in DRAM).
  if (getResidual() && (shapeOf(getResidual()) != r ||
                        cast<ShapedType>(getResidual().getType()).getElementType() !=
                            getType().getElementType()))
    return emitOpError() << "residual must have the result's shape and element type " << getType();
  if (auto act = getActivation())
    if (!isEpilogueActivation(*act))
      return emitOpError() << "activation " << stringifyUnaryKind(*act)
                           << " is not one a matmul applies (relu, gelu, gelu_tanh, clip)";
  return success();
}

bool tessel::graph::isEpilogueActivation(UnaryKind kind) {
  return kind == UnaryKind::relu || kind == UnaryKind::gelu || kind == UnaryKind::gelu_tanh ||
         kind == UnaryKind::clip;
}

LogicalResult GemmOp::verify() {
  ArrayRef<int64_t> a = shapeOf(getA()), b = shapeOf(getB()), r = shapeOf(getResult());
  if (a.size() != 2 || b.size() != 2 || r.size() != 2)
    return emitOpError("A, B and the result must be 2-D");
  int64_t m = getTransA() ? a[1] : a[0], ka = getTransA() ? a[0] : a[1];
  int64_t kb = getTransB() ? b[1] : b[0], n = getTransB() ? b[0] : b[1];
  if (ka != kb)
    return emitOpError() << "contracting dims differ: " << ka << " vs " << kb;
  if (r[0] != m || r[1] != n)
    return emitOpError() << "result shape " << shapeString(r) << " should be ["
                         << m << ", " << n << "]";
  if (getC()) {
    auto bc = broadcastShapes(shapeOf(getC()), r);
    if (!bc || ArrayRef<int64_t>(*bc) != r)
      return emitOpError() << "C of shape " << shapeString(shapeOf(getC()))
                           << " does not broadcast to " << shapeString(r);
  }
  return success();
}

template <typename Op> static LogicalResult verifyBroadcast(Op op) {
  auto expected = broadcastShapes(shapeOf(op.getLhs()), shapeOf(op.getRhs()));
  if (!expected)
    return op.emitOpError() << "shapes " << shapeString(shapeOf(op.getLhs())) << " and "
                            << shapeString(shapeOf(op.getRhs())) << " do not broadcast";
  if (shapeOf(op.getResult()) != ArrayRef<int64_t>(*expected))
    return op.emitOpError() << "result shape " << shapeString(shapeOf(op.getResult()))
                            << " should be " << shapeString(*expected);
  return success();
}

LogicalResult BinaryOp::verify() { return verifyBroadcast(*this); }

LogicalResult WhereOp::verify() {
  auto xy = broadcastShapes(shapeOf(getLhs()), shapeOf(getRhs()));
  auto all = xy ? broadcastShapes(*xy, shapeOf(getCondition())) : std::nullopt;
  if (!all)
    return emitOpError("condition and values do not broadcast");
  if (shapeOf(getResult()) != ArrayRef<int64_t>(*all))
    return emitOpError() << "result shape " << shapeString(shapeOf(getResult()))
                         << " should be " << shapeString(*all);
  return success();
}

/// `T` for an op whose operand and result have the same type, else `T1 -> T2`.
static ParseResult parseOneOrTwoTypes(OpAsmParser &parser, Type &input, Type &result) {
  if (parser.parseType(input))
    return failure();
  result = input;
  if (succeeded(parser.parseOptionalArrow()))
    return parser.parseType(result);
  return success();
}

static void printOneOrTwoTypes(OpAsmPrinter &printer, Operation *, Type input, Type result) {
  printer << input;
  if (result != input)
    printer << " -> " << result;
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getType().getRank(), axis = getAxisAttr().getInt();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is outside [0, " << rank << ")";
  return success();
}

/// The checks layer_norm and rms_norm share: the result is the input's shape, `axis` is one of
/// its axes, and each parameter varies over the normalised axes only (its dims, aligned to the
/// input's last, are 1 or the input's, and it has no more than the normalised axes).
static LogicalResult verifyNorm(Operation *op, Value input, int64_t axis,
                                ArrayRef<std::pair<StringRef, Value>> params) {
  ArrayRef<int64_t> in = shapeOf(input);
  int64_t rank = in.size();
  if (shapeOf(op->getResult(0)) != in)
    return op->emitOpError() << "result shape " << shapeString(shapeOf(op->getResult(0)))
                             << " differs from the input's " << shapeString(in);
  if (axis < 0 || axis >= rank)
    return op->emitOpError() << "axis " << axis << " is outside [0, " << rank << ")";
  for (auto [name, p] : params) {
    if (!p)
      continue;
    ArrayRef<int64_t> shape = shapeOf(p);
    int64_t lead = rank - int64_t(shape.size());
    bool fits = lead >= 0 && llvm::all_of(llvm::enumerate(shape), [&](auto d) {
      int64_t k = lead + int64_t(d.index());
      return d.value() == 1 || (k >= axis && d.value() == in[k]);
    });
    if (!fits)
      return op->emitOpError() << name << " " << shapeString(shape)
                               << " must broadcast over the normalised axes of "
                               << shapeString(in) << " (from axis " << axis << ") only";
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  return verifyNorm(*this, getInput(), getAxis(), {{"scale", getScale()}, {"bias", getBias()}});
}

LogicalResult RMSNormOp::verify() {
  return verifyNorm(*this, getInput(), getAxis(), {{"scale", getScale()}});
}

LogicalResult GroupNormOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (in.size() < 3)
    return emitOpError() << "input " << shapeString(in) << " must be [N, C, spatial...]";
  if (shapeOf(getResult()) != in)
    return emitOpError() << "result shape " << shapeString(shapeOf(getResult()))
                         << " differs from the input's " << shapeString(in);
  int64_t groups = getNumGroups(), channels = in[1];
  if (groups <= 0 || channels % groups != 0)
    return emitOpError() << "num_groups " << groups << " does not divide the " << channels
                         << " channels";
  for (Value p : {getScale(), getBias()})
    if (p && shapeOf(p) != ArrayRef<int64_t>{channels})
      return emitOpError() << "scale and bias must be [" << channels << "], not "
                           << shapeString(shapeOf(p));
  return success();
}

LogicalResult SDPAOp::verify() {
  ArrayRef<int64_t> q = shapeOf(getQ()), kt = shapeOf(getKt()), v = shapeOf(getV()),
                    out = shapeOf(getResult());
  size_t rank = q.size();
  if (rank < 2 || kt.size() != rank || v.size() != rank ||
      (!getResultMap() && out.size() != rank))
    return emitOpError("q, kt, v and the result have one rank, at least 2");
  if (q.drop_back(2) != kt.drop_back(2) || q.drop_back(2) != v.drop_back(2))
    return emitOpError() << "q " << shapeString(q) << ", kt " << shapeString(kt) << " and v "
                         << shapeString(v) << " must have the same leading dims";
  int64_t d = q[rank - 1], sk = kt[rank - 1];
  if (kt[rank - 2] != d || v[rank - 2] != sk)
    return emitOpError() << "kt " << shapeString(kt) << " must be [..., " << d << ", Sk] and v "
                         << shapeString(v) << " [..., Sk, Dv]";
  SmallVector<int64_t> expected(q.drop_back(1));
  expected.push_back(v[rank - 1]);
  if (std::optional<AffineMap> map = getResultMap()) {
    int64_t count = 1, resultCount = 1;
    for (int64_t d : expected)
      count *= d;
    for (int64_t d : out)
      resultCount *= d;
    if (map->getNumDims() != rank || map->getNumResults() != out.size() || count != resultCount)
      return emitOpError() << "result_map must take the output " << shapeString(expected)
                           << " to the result " << shapeString(out);
  } else if (out != ArrayRef<int64_t>(expected)) {
    return emitOpError() << "result shape " << shapeString(out) << " should be "
                         << shapeString(expected);
  }
  if (getCausal() && (sk < q[rank - 2] || (sk - q[rank - 2]) % 32 != 0))
    return emitOpError() << "causal attention needs as many keys as queries or more by a "
                            "multiple of 32, not "
                         << sk << " keys for " << q[rank - 2] << " queries";
  if (Value mask = getMask()) {
    SmallVector<int64_t> scores(q.drop_back(1));
    scores.push_back(sk);
    auto b = broadcastShapes(shapeOf(mask), scores);
    if (!b || ArrayRef<int64_t>(*b) != ArrayRef<int64_t>(scores))
      return emitOpError() << "mask " << shapeString(shapeOf(mask))
                           << " does not broadcast to the scores " << shapeString(scores);
  }
  return success();
}

LogicalResult ReduceOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getResult());
  if (in.size() != out.size())
    return emitOpError("keeps the rank: reduced axes become size 1");
  SmallVector<bool> reduced(in.size(), false);
  for (int64_t a : getAxes()) {
    if (a < 0 || a >= (int64_t)in.size() || reduced[a])
      return emitOpError() << "axes " << shapeString(getAxes()) << " are not distinct axes of "
                           << shapeString(in);
    reduced[a] = true;
  }
  for (size_t i = 0; i < in.size(); ++i)
    if (out[i] != (reduced[i] ? 1 : in[i]))
      return emitOpError() << "result shape " << shapeString(out) << " should keep "
                           << shapeString(in) << " with the reduced axes as 1";
  if (Value w = getWeights()) {
    if (getKind() != ReduceKind::sum)
      return emitOpError("weights only weigh a sum");
    std::optional<SmallVector<int64_t>> shape = broadcastShapes(in, shapeOf(w));
    if (!shape || ArrayRef<int64_t>(*shape) != in)
      return emitOpError() << "weights " << shapeString(shapeOf(w))
                           << " must broadcast to the input " << shapeString(in);
    if (llvm::any_of(getAxes(), [&](int64_t a) { return a + 2 >= (int64_t)in.size(); }))
      return emitOpError("with weights, only axes before the last two reduce");
  }
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{out.back()})
    return emitOpError() << "bias must be [" << out.back() << "], one value per column";
  if (auto act = getActivation())
    if (!isEpilogueActivation(*act))
      return emitOpError() << "activation " << stringifyUnaryKind(*act)
                           << " is not one a kernel applies (relu, gelu, gelu_tanh, clip)";
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getNumElements() != getType().getNumElements())
    return emitOpError() << "cannot reshape " << shapeString(shapeOf(getInput())) << " ("
                         << getInput().getType().getNumElements() << " values) into "
                         << shapeString(shapeOf(getResult()));
  if (getInput().getType().getElementType() != getType().getElementType())
    return emitOpError("element type changes");
  return success();
}

LogicalResult GatherRowsOp::verify() {
  ArrayRef<int64_t> table = shapeOf(getTable()), indices = shapeOf(getIndices()),
                    result = shapeOf(getResult());
  if (table.size() != 2 || indices.size() != 1)
    return emitOpError() << "takes a 2-D table and 1-D indices, not " << shapeString(table)
                         << " and " << shapeString(indices);
  if (!isa<IntegerType>(getIndices().getType().getElementType()))
    return emitOpError("indices must be integers");
  if (result != ArrayRef<int64_t>{indices[0], table[1]})
    return emitOpError() << "result shape " << shapeString(result) << " should be ["
                         << indices[0] << ", " << table[1] << "]";
  if (getResult().getType().getElementType() != getTable().getType().getElementType())
    return emitOpError("result element type must be the table's");
  return success();
}

LogicalResult ConcatOp::verify() {
  ArrayRef<int64_t> out = shapeOf(getResult());
  int64_t axis = getAxis(), rank = out.size();
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is not an axis of the rank-" << rank
                         << " result";
  int64_t total = 0;
  for (Value in : getInputs()) {
    ArrayRef<int64_t> shape = shapeOf(in);
    if ((int64_t)shape.size() != rank ||
        cast<ShapedType>(in.getType()).getElementType() != getType().getElementType())
      return emitOpError() << "input " << shapeString(shape)
                           << " must have the result's rank and element type";
    for (int64_t k = 0; k < rank; ++k)
      if (k != axis && shape[k] != out[k])
        return emitOpError() << "input " << shapeString(shape) << " differs from the result "
                             << shapeString(out) << " off the axis";
    total += shape[axis];
  }
  if (total != out[axis])
    return emitOpError() << "inputs add up to " << total << " along axis " << axis
                         << ", the result has " << out[axis];
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}

LogicalResult TransposeOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getResult());
  ArrayRef<int64_t> perm = getPerm();
  if (perm.size() != in.size() || out.size() != in.size())
    return emitOpError() << "perm, input and result must have the same rank";
  SmallVector<bool> seen(in.size(), false);
  for (auto [i, p] : llvm::enumerate(perm)) {
    if (p < 0 || p >= (int64_t)in.size() || seen[p])
      return emitOpError() << "perm " << shapeString(perm) << " is not a permutation";
    seen[p] = true;
    if (out[i] != in[p])
      return emitOpError() << "result dim " << i << " is " << out[i] << " but should be "
                           << in[p];
  }
  return success();
}

#define GET_OP_CLASSES
#include "Graph/GraphOps.cpp.inc"

bool tessel::graph::namesNode(const llvm::GlobPattern &glob, Location loc) {
  std::string names = nodeNames(loc);
  return llvm::any_of(llvm::split(names, ','), [&](StringRef node) { return glob.match(node); });
}

std::string tessel::graph::inputName(DictionaryAttr argAttrs, unsigned index) {
  auto name = argAttrs ? argAttrs.getAs<StringAttr>("graph.name") : StringAttr();
  return name ? name.str() : "input" + std::to_string(index);
}

std::string tessel::graph::nodeNames(Location loc) {
  std::string out;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l)) {
      if (!out.empty())
        out += ",";
      out += name.getName().str();
    }
    return WalkResult::advance();
  });
  return out;
}
