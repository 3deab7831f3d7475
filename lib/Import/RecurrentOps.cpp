// Recurrent layers (RNN, GRU, LSTM) unrolled over their static sequence length.
//
// Both directions of a bidirectional layer step together: the state is [directions, 1, batch,
// hidden], and every matmul is batched over directions (the reverse direction reads time
// seq - 1 - step, an affine index since the step is a constant). The input projection of all time
// steps is one matmul up front, laid out [directions, gates, seq, batch, hidden] so that a step's
// gate is a remap keeping whole rows. The per-step outputs are stacked by a balanced tree of
// two-way concatenations (each a pair of padded remaps and an add), so that building Y moves
// O(seq log seq) rather than O(seq^2) values.
#include "ImportHelpers.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

namespace {
enum class Cell { rnn, gru, lstm };

struct Activation {
  std::string name; // lower case
  float alpha, beta;
};

/// The per-layer pieces every step uses.
struct Layer {
  Cell cell;
  int64_t seq, batch, hidden, dirs, gates;
  Value inputProj;              // [dirs, gates, seq, batch, hidden], input biases included
  SmallVector<Value> recurrent; // per gate [dirs, 1, hidden, hidden], transposed
  Value recurrentBias;          // GRU with linear_before_reset: Rbh [dirs, 1, 1, hidden]
  SmallVector<Value> peepholes; // LSTM: i, o, f as [dirs, 1, 1, hidden]
  SmallVector<Activation> acts; // per direction, the cell's count each
  std::optional<float> clip;
  bool linearBeforeReset = false, inputForget = false;
  bool reverse = false;         // direction "reverse": the only direction runs backwards
  Value seqLens;                // f32 [1, 1, batch, 1], or null when every sequence is full
};
} // namespace

static int64_t gateCount(Cell cell) {
  return cell == Cell::rnn ? 1 : cell == Cell::gru ? 3 : 4;
}

static RankedTensorType f32Type(NodeContext &ctx, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, ctx.builder.getF32Type());
}



/// Index `i` of axis 1 of `v`, kept as size 1.
static Value pickAxis1(NodeContext &ctx, Value v, int64_t i) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[1] = 1;
  SmallVector<AffineExpr> index;
  for (int64_t k = 0; k < type.getRank(); ++k)
    index.push_back(k == 1 ? getAffineConstantExpr(i, ctx.builder.getContext())
                           : getAffineDimExpr(k, ctx.builder.getContext()));
  return remapOrFold(ctx, v, type.clone(shape), index);
}

/// `values` (equal shapes) concatenated along `axis`. Halves are joined recursively so that the
/// remaps' reads stay within the reach in which they tell padding apart.
static Value concatTree(NodeContext &ctx, ArrayRef<Value> values, int64_t axis) {
  if (values.size() == 1)
    return values[0];
  size_t mid = values.size() / 2;
  Value parts[2] = {concatTree(ctx, values.take_front(mid), axis),
                    concatTree(ctx, values.drop_front(mid), axis)};
  auto type = cast<RankedTensorType>(parts[0].getType());
  int64_t first = type.getDimSize(axis);
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] += cast<RankedTensorType>(parts[1].getType()).getDimSize(axis);
  auto outType = type.clone(shape);
  Value sum;
  for (int part = 0; part < 2; ++part) {
    SmallVector<AffineExpr> index;
    for (int64_t k = 0; k < type.getRank(); ++k)
      index.push_back(getAffineDimExpr(k, ctx.builder.getContext()) -
                      (k == axis && part ? first : 0));
    Value placed = remapPadded(ctx, parts[part], outType, index, 0.0f);
    sum = sum ? binary(ctx, graph::BinaryKind::add, sum, placed, outType) : placed;
  }
  return sum;
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

static bool takesAlpha(StringRef n) {
  return n == "leakyrelu" || n == "thresholdedrelu" || n == "scaledtanh" || n == "hardsigmoid" ||
         n == "elu" || n == "affine";
}
static bool takesBeta(StringRef n) {
  return n == "scaledtanh" || n == "hardsigmoid" || n == "affine";
}

static FailureOr<SmallVector<Activation>> parseActivations(NodeContext &ctx, Cell cell,
                                                           int64_t dirs) {
  static const char *defaults[3][3] = {
      {"tanh"}, {"sigmoid", "tanh"}, {"sigmoid", "tanh", "tanh"}};
  int64_t per = cell == Cell::rnn ? 1 : cell == Cell::gru ? 2 : 3;
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *a = ctx.attr("activations")) {
    for (const std::string &s : a->strings())
      names.push_back(StringRef(s).lower());
    if ((int64_t)names.size() == per && dirs == 2)
      names.append(SmallVector<std::string>(names));
  } else {
    for (int64_t d = 0; d < dirs; ++d)
      for (int64_t i = 0; i < per; ++i)
        names.push_back(defaults[(int)cell][i]);
  }
  if ((int64_t)names.size() != per * dirs)
    return ctx.emitError() << ctx.node.op_type() << " needs " << per * dirs
                           << " activations, not " << names.size();
  const onnx::AttributeProto *alphas = ctx.attr("activation_alpha");
  const onnx::AttributeProto *betas = ctx.attr("activation_beta");
  int nextAlpha = 0, nextBeta = 0;
  SmallVector<Activation> acts;
  for (const std::string &n : names) {
    static const StringRef known[] = {"relu",    "tanh",       "sigmoid",   "affine",
                                      "leakyrelu", "thresholdedrelu", "scaledtanh",
                                      "hardsigmoid", "elu",    "softsign",  "softplus"};
    if (!llvm::is_contained(known, StringRef(n)))
      return ctx.emitError() << ctx.node.op_type() << " activation '" << n
                             << "' is not supported";
    Activation act{n, n == "leakyrelu"     ? 0.01f
                      : n == "hardsigmoid" ? 0.2f
                                           : 1.0f,
                   n == "hardsigmoid" ? 0.5f : n == "affine" ? 0.0f : 1.0f};
    if (takesAlpha(n) && alphas && nextAlpha < alphas->floats_size())
      act.alpha = alphas->floats(nextAlpha++);
    if (takesBeta(n) && betas && nextBeta < betas->floats_size())
      act.beta = betas->floats(nextBeta++);
    acts.push_back(act);
  }
  return acts;
}

static Value applyActivation(NodeContext &ctx, const Activation &act, Value x) {
  using graph::UnaryKind;
  Type elt = cast<RankedTensorType>(x.getType()).getElementType();
  auto scale = [&](Value v, float s) {
    return binary(ctx, graph::BinaryKind::mul, v, scalarConstant(ctx, elt, s));
  };
  StringRef n = act.name;
  if (n == "affine")
    return binary(ctx, graph::BinaryKind::add, scale(x, act.alpha),
                  scalarConstant(ctx, elt, act.beta));
  if (n == "scaledtanh")
    return scale(unary(ctx, UnaryKind::tanh, scale(x, act.beta)), act.alpha);
  UnaryKind kind = llvm::StringSwitch<UnaryKind>(n)
                       .Case("relu", UnaryKind::relu)
                       .Case("tanh", UnaryKind::tanh)
                       .Case("sigmoid", UnaryKind::sigmoid)
                       .Case("leakyrelu", UnaryKind::leaky_relu)
                       .Case("thresholdedrelu", UnaryKind::thresholded_relu)
                       .Case("hardsigmoid", UnaryKind::hard_sigmoid)
                       .Case("elu", UnaryKind::elu)
                       .Case("softsign", UnaryKind::softsign)
                       .Default(UnaryKind::softplus);
  return unary(ctx, kind, x, takesAlpha(n) ? act.alpha : 0.0f, takesBeta(n) ? act.beta : 0.0f);
}

/// Activation `which` of the cell on x [dirs, ...]; directions with different functions each
/// get their own, chosen by direction.
static Value activate(NodeContext &ctx, const Layer &layer, int which, Value x,
                      bool clipped = true) {
  if (clipped && layer.clip)
    x = unary(ctx, graph::UnaryKind::clip, x, -*layer.clip, *layer.clip);
  int64_t per = layer.acts.size() / layer.dirs;
  const Activation &fwd = layer.acts[which], &last = layer.acts[(layer.dirs - 1) * per + which];
  Value y = applyActivation(ctx, fwd, x);
  if (fwd.name == last.name && fwd.alpha == last.alpha && fwd.beta == last.beta)
    return y;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getRank(), 1);
  shape[0] = 2;
  Value isForward = constant(ctx, RankedTensorType::get(shape, ctx.builder.getI1Type()), {1, 0});
  return ctx.builder.create<graph::WhereOp>(ctx.loc, type, isForward, y,
                                            applyActivation(ctx, last, x));
}

//===----------------------------------------------------------------------===//
// One step
//===----------------------------------------------------------------------===//

/// Gate `g`'s input projection at `step`: [dirs, 1, batch, hidden].
static Value stepInput(NodeContext &ctx, const Layer &layer, int64_t gate, int64_t step) {
  MLIRContext *mctx = ctx.builder.getContext();
  AffineExpr d = getAffineDimExpr(0, mctx);
  // The reverse direction reads time seq - 1 - step.
  AffineExpr time = layer.reverse ? getAffineConstantExpr(layer.seq - 1 - step, mctx)
                                  : d * (layer.seq - 1 - 2 * step) + step;
  return remap(ctx, layer.inputProj, f32Type(ctx, {layer.dirs, 1, layer.batch, layer.hidden}),
               {d, getAffineConstantExpr(gate, mctx), time, getAffineDimExpr(2, mctx),
                getAffineDimExpr(3, mctx)});
}

static Value matmul(NodeContext &ctx, Value lhs, Value rhs) {
  auto type = cast<RankedTensorType>(lhs.getType());
  return ctx.builder.create<graph::MatMulOp>(ctx.loc, type, lhs, rhs);
}

static Value add(NodeContext &ctx, Value a, Value b) {
  return binary(ctx, graph::BinaryKind::add, a, b);
}
static Value mul(NodeContext &ctx, Value a, Value b) {
  return binary(ctx, graph::BinaryKind::mul, a, b);
}
static Value sub(NodeContext &ctx, Value a, Value b) {
  return binary(ctx, graph::BinaryKind::sub, a, b);
}

/// Gate `g`'s pre-activation from the input and the previous hidden state.
static Value preActivation(NodeContext &ctx, const Layer &layer, int64_t gate, int64_t step,
                           Value h) {
  return add(ctx, stepInput(ctx, layer, gate, step), matmul(ctx, h, layer.recurrent[gate]));
}

/// The new hidden (and LSTM cell) state after `step`.
static std::pair<Value, Value> cellStep(NodeContext &ctx, const Layer &layer, int64_t step,
                                        Value h, Value c) {
  if (layer.cell == Cell::rnn)
    return {activate(ctx, layer, 0, preActivation(ctx, layer, 0, step, h)), Value()};
  if (layer.cell == Cell::gru) {
    // Gates z, r, h.
    Value z = activate(ctx, layer, 0, preActivation(ctx, layer, 0, step, h));
    Value r = activate(ctx, layer, 0, preActivation(ctx, layer, 1, step, h));
    Value candidate;
    if (layer.linearBeforeReset) {
      Value rec = add(ctx, matmul(ctx, h, layer.recurrent[2]), layer.recurrentBias);
      candidate = add(ctx, stepInput(ctx, layer, 2, step), mul(ctx, r, rec));
    } else {
      candidate = add(ctx, stepInput(ctx, layer, 2, step),
                      matmul(ctx, mul(ctx, r, h), layer.recurrent[2]));
    }
    Value hh = activate(ctx, layer, 1, candidate);
    // (1 - z) * hh + z * h
    return {add(ctx, hh, mul(ctx, z, sub(ctx, h, hh))), Value()};
  }
  // LSTM gates i, o, f, c; peepholes i, o, f.
  auto peep = [&](Value pre, int p, Value cell) {
    return layer.peepholes.empty() ? pre : add(ctx, pre, mul(ctx, layer.peepholes[p], cell));
  };
  Value i = activate(ctx, layer, 0, peep(preActivation(ctx, layer, 0, step, h), 0, c));
  Value f;
  if (layer.inputForget) {
    Type elt = cast<RankedTensorType>(i.getType()).getElementType();
    f = sub(ctx, scalarConstant(ctx, elt, 1.0), i);
  } else {
    f = activate(ctx, layer, 0, peep(preActivation(ctx, layer, 2, step, h), 2, c));
  }
  Value g = activate(ctx, layer, 1, preActivation(ctx, layer, 3, step, h));
  Value cNew = add(ctx, mul(ctx, f, c), mul(ctx, i, g));
  Value o = activate(ctx, layer, 0, peep(preActivation(ctx, layer, 1, step, h), 1, cNew));
  return {mul(ctx, o, activate(ctx, layer, 2, cNew, /*clipped=*/false)), cNew};
}

/// Whether each (direction, batch entry) is still inside its sequence at `step`:
/// [dirs, 1, batch, 1] booleans.
static Value stepValid(NodeContext &ctx, const Layer &layer, int64_t step) {
  SmallVector<double> times{(double)(layer.reverse ? layer.seq - 1 - step : step)};
  if (layer.dirs == 2)
    times.push_back(layer.seq - 1 - step);
  Value time = constant(ctx, f32Type(ctx, {layer.dirs, 1, 1, 1}), times);
  return binary(ctx, graph::BinaryKind::less, time, layer.seqLens,
                RankedTensorType::get({layer.dirs, 1, layer.batch, 1}, ctx.builder.getI1Type()));
}

//===----------------------------------------------------------------------===//
// Setup
//===----------------------------------------------------------------------===//

/// Weights [dirs, gates * H, K] as per-gate transposed blocks [dirs, gates, K, H].
static Value gateBlocks(NodeContext &ctx, Value w, int64_t gates) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t dirs = type.getDimSize(0), h = type.getDimSize(1) / gates, k = type.getDimSize(2);
  return transpose(ctx, reshapeTo(ctx, w, {dirs, gates, h, k}), {0, 1, 3, 2});
}

/// Initial state [dirs, batch, H] (or [batch, dirs, H] in layout 1) as [dirs, 1, batch, H].
static Value initialState(NodeContext &ctx, const Layer &layer, unsigned operand, bool batchFirst) {
  SmallVector<int64_t> shape{layer.dirs, 1, layer.batch, layer.hidden};
  if (operand >= ctx.operands.size() || !ctx.operands[operand])
    return constant(ctx, f32Type(ctx, shape),
                    SmallVector<double>(layer.dirs * layer.batch * layer.hidden, 0.0));
  Value v = ctx.operands[operand];
  if (batchFirst)
    v = transpose(ctx, v, {1, 0, 2});
  return reshapeTo(ctx, v, shape);
}

/// The input projection of every step, with the biases that do not wait for the reset gate.
static Value inputProjection(NodeContext &ctx, Layer &layer, Value x, Value w, Value b) {
  int64_t input = cast<RankedTensorType>(x.getType()).getDimSize(2);
  Value rows = reshapeTo(ctx, x, {1, 1, layer.seq * layer.batch, input});
  Value proj = ctx.builder.create<graph::MatMulOp>(
      ctx.loc, f32Type(ctx, {layer.dirs, layer.gates, layer.seq * layer.batch, layer.hidden}),
      rows, gateBlocks(ctx, w, layer.gates));
  proj = reshapeTo(ctx, proj, {layer.dirs, layer.gates, layer.seq, layer.batch, layer.hidden});
  if (!b)
    return proj;
  // B = [Wb, Rb] per direction: [dirs, 2, gates, 1, 1, H].
  Value halves = reshapeTo(ctx, b, {layer.dirs, 2, layer.gates, 1, 1, layer.hidden});
  Value wb = reshapeTo(ctx, pickAxis1(ctx, halves, 0),
                       {layer.dirs, layer.gates, 1, 1, layer.hidden});
  Value rb = reshapeTo(ctx, pickAxis1(ctx, halves, 1),
                       {layer.dirs, layer.gates, 1, 1, layer.hidden});
  if (layer.cell == Cell::gru && layer.linearBeforeReset) {
    // Rbh is added inside the reset gate's product; Rbz and Rbr stay with the input.
    layer.recurrentBias =
        reshapeTo(ctx, pickAxis1(ctx, rb, 2), {layer.dirs, 1, 1, layer.hidden});
    Value keep = constant(ctx, f32Type(ctx, {1, 3, 1, 1, 1}), {1, 1, 0});
    rb = mul(ctx, rb, keep);
  }
  return add(ctx, proj, add(ctx, wb, rb));
}

/// sequence_lens as f32 [1, 1, batch, 1], or null when every sequence runs the full length.
static FailureOr<Value> sequenceLengths(NodeContext &ctx, const Layer &layer) {
  if (ctx.operands.size() <= 4 || !ctx.operands[4])
    return Value();
  if (auto lens = ctx.constantOperand(4)) {
    if (llvm::all_of(*lens, [&](float l) { return l == layer.seq; }))
      return Value();
    if (llvm::any_of(*lens, [&](float l) { return l < 0 || l > layer.seq; }))
      return ctx.emitError() << ctx.node.op_type() << "'s sequence_lens must lie in [0, "
                             << layer.seq << "]";
    return constant(ctx, f32Type(ctx, {1, 1, layer.batch, 1}),
                    SmallVector<double>(lens->begin(), lens->end()));
  }
  // Masked steps keep the state and output zeros, whether the lengths are constants or not.
  Value lens = reshapeTo(ctx, ctx.operands[4], {1, 1, layer.batch, 1});
  if (!cast<RankedTensorType>(lens.getType()).getElementType().isF32())
    lens = unary(ctx, graph::UnaryKind::identity, lens, 0, 0, f32Type(ctx, {1, 1, layer.batch, 1}));
  return lens;
}

static FailureOr<Layer> buildLayer(NodeContext &ctx, Cell cell, Value x) {
  Layer layer;
  layer.cell = cell;
  layer.gates = gateCount(cell);
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(ctx.operands[1].getType());
  layer.seq = xType.getDimSize(0);
  layer.batch = xType.getDimSize(1);
  layer.dirs = wType.getDimSize(0);
  layer.hidden = ctx.intAttr("hidden_size", wType.getDimSize(1) / layer.gates);
  std::string direction = ctx.attr("direction") ? ctx.attr("direction")->s() : "forward";
  int64_t wantDirs = direction == "bidirectional" ? 2 : 1;
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return ctx.emitError() << ctx.node.op_type() << " direction '" << direction
                           << "' is unknown";
  if (layer.dirs != wantDirs || wType.getDimSize(1) != layer.gates * layer.hidden)
    return ctx.emitError() << ctx.node.op_type() << "'s W does not match direction '"
                           << direction << "' and hidden_size " << layer.hidden;
  auto hasShape = [&](unsigned i, ArrayRef<int64_t> shape) {
    return i >= ctx.operands.size() || !ctx.operands[i] ||
           cast<RankedTensorType>(ctx.operands[i].getType()).getShape() == shape;
  };
  int64_t gh = layer.gates * layer.hidden;
  if (!hasShape(2, {layer.dirs, gh, layer.hidden}) || !hasShape(3, {layer.dirs, 2 * gh}) ||
      (cell == Cell::lstm && !hasShape(7, {layer.dirs, 3 * layer.hidden})))
    return ctx.emitError() << ctx.node.op_type() << "'s R, B or P shape does not match "
                           << layer.dirs << " direction(s) of hidden_size " << layer.hidden;
  auto acts = parseActivations(ctx, cell, layer.dirs);
  if (failed(acts))
    return failure();
  layer.acts = *acts;
  if (const onnx::AttributeProto *a = ctx.attr("clip"))
    layer.clip = a->f();
  layer.reverse = direction == "reverse";
  layer.linearBeforeReset = ctx.intAttr("linear_before_reset", 0) != 0;
  layer.inputForget = ctx.intAttr("input_forget", 0) != 0;
  Value b = ctx.operands.size() > 3 ? ctx.operands[3] : Value();
  layer.inputProj = inputProjection(ctx, layer, x, ctx.operands[1], b);
  if (cell == Cell::gru && layer.linearBeforeReset && !layer.recurrentBias)
    layer.recurrentBias = constant(ctx, f32Type(ctx, {layer.dirs, 1, 1, layer.hidden}),
                                   SmallVector<double>(layer.dirs * layer.hidden, 0.0));
  // Each gate's block is picked before the transpose so that constant weights fold here (the
  // transpose of a constant folds later).
  Value r = reshapeTo(ctx, ctx.operands[2], {layer.dirs, layer.gates, layer.hidden, layer.hidden});
  for (int64_t g = 0; g < layer.gates; ++g)
    layer.recurrent.push_back(transpose(ctx, pickAxis1(ctx, r, g), {0, 1, 3, 2}));
  if (cell == Cell::lstm && ctx.operands.size() > 7 && ctx.operands[7]) {
    Value p = reshapeTo(ctx, ctx.operands[7], {layer.dirs, 3, 1, layer.hidden});
    for (int64_t g = 0; g < 3; ++g)
      layer.peepholes.push_back(pickAxis1(ctx, p, g));
  }
  auto lens = sequenceLengths(ctx, layer);
  if (failed(lens))
    return failure();
  layer.seqLens = *lens;
  return layer;
}

/// Y [seq, dirs, batch, H] from the states after each step ([dirs, 1, batch, H]); the reverse
/// direction's output at time t is its state after step seq - 1 - t.
static Value stackOutputs(NodeContext &ctx, const Layer &layer, ArrayRef<Value> states) {
  SmallVector<Value> times;
  SmallVector<int64_t> shape{1, layer.dirs, layer.batch, layer.hidden};
  Value isForward;
  if (layer.dirs == 2)
    isForward = constant(ctx, RankedTensorType::get({2, 1, 1, 1}, ctx.builder.getI1Type()), {1, 0});
  for (int64_t t = 0; t < layer.seq; ++t) {
    Value s = states[layer.reverse ? layer.seq - 1 - t : t];
    if (layer.dirs == 2)
      s = ctx.builder.create<graph::WhereOp>(ctx.loc, s.getType(), isForward, s,
                                             states[layer.seq - 1 - t]);
    times.push_back(reshapeTo(ctx, s, shape));
  }
  return concatTree(ctx, times, 0);
}

static Result convertRecurrent(NodeContext &ctx, Cell cell) {
  if (ctx.operands.size() < 3)
    return ctx.emitError() << ctx.node.op_type() << " needs X, W and R";
  for (auto [i, v] : llvm::enumerate(ctx.operands))
    if (v && i != 4 && !cast<RankedTensorType>(v.getType()).getElementType().isF32()) // 4: lengths
      return ctx.emitError() << ctx.node.op_type() << " is only supported in f32";
  bool batchFirst = ctx.intAttr("layout", 0) != 0;
  Value x = ctx.operands[0];
  if (batchFirst)
    x = transpose(ctx, x, {1, 0, 2});
  auto layer = buildLayer(ctx, cell, x);
  if (failed(layer))
    return failure();
  Value h = initialState(ctx, *layer, 5, batchFirst);
  Value c = cell == Cell::lstm ? initialState(ctx, *layer, 6, batchFirst) : Value();
  SmallVector<Value> outputs;
  Value zero = scalarConstant(ctx, ctx.builder.getF32Type(), 0.0);
  for (int64_t step = 0; step < layer->seq; ++step) {
    auto [hNew, cNew] = cellStep(ctx, *layer, step, h, c);
    if (!layer->seqLens) {
      h = hNew;
      c = cNew;
      outputs.push_back(hNew);
      continue;
    }
    Value valid = stepValid(ctx, *layer, step);
    auto type = h.getType();
    h = ctx.builder.create<graph::WhereOp>(ctx.loc, type, valid, hNew, h);
    if (c)
      c = ctx.builder.create<graph::WhereOp>(ctx.loc, type, valid, cNew, c);
    outputs.push_back(ctx.builder.create<graph::WhereOp>(ctx.loc, type, valid, hNew, zero));
  }
  // Omitted outputs (empty names) get no value; Y in particular is not stacked.
  SmallVector<Value> results;
  for (size_t i = 0; i < ctx.resultTypes.size(); ++i) {
    Value v;
    if ((int)i < ctx.node.output_size() && ctx.node.output(i).empty()) {
      results.push_back(v);
      continue;
    }
    if (i == 0) {
      v = stackOutputs(ctx, *layer, outputs);
      if (batchFirst)
        v = transpose(ctx, v, {2, 0, 1, 3});
    } else {
      v = reshapeTo(ctx, i == 1 ? h : c, {layer->dirs, layer->batch, layer->hidden});
      if (batchFirst)
        v = transpose(ctx, v, {1, 0, 2});
    }
    results.push_back(v);
  }
  return results;
}

void tessel::onnx_import::addRecurrentConverters(ConverterMap &map) {
  map["RNN"] = [](NodeContext &ctx) { return convertRecurrent(ctx, Cell::rnn); };
  map["GRU"] = [](NodeContext &ctx) { return convertRecurrent(ctx, Cell::gru); };
  map["LSTM"] = [](NodeContext &ctx) { return convertRecurrent(ctx, Cell::lstm); };
}
