// Folds nodes whose inputs are all constants into constants, as the shape subgraphs of exported
// models (Shape -> Gather -> Concat -> Reshape) become once their input shapes are pinned.
#include "OnnxImporter.h"

#include "Graph/GraphOps.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;

namespace {
/// A small constant tensor, values as doubles.
struct Tensor {
  SmallVector<int64_t> shape;
  std::vector<double> data;
  int64_t size() const { return data.size(); }
};

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// Calls `fn(outIndex, multiIndex)` for every element of `shape`, in row-major order.
template <typename Fn> void forEach(ArrayRef<int64_t> shape, Fn fn) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  SmallVector<int64_t> idx(shape.size(), 0);
  for (int64_t linear = 0; linear < n; ++linear) {
    fn(linear, ArrayRef<int64_t>(idx));
    for (int64_t d = (int64_t)shape.size() - 1; d >= 0 && ++idx[d] == shape[d]; --d)
      idx[d] = 0;
  }
}

/// The element of `t` that numpy broadcasting reads for output index `idx`.
double broadcastAt(const Tensor &t, ArrayRef<int64_t> idx) {
  SmallVector<int64_t> strides = stridesOf(t.shape);
  size_t lead = idx.size() - t.shape.size();
  int64_t offset = 0;
  for (size_t k = 0; k < t.shape.size(); ++k)
    offset += (t.shape[k] == 1 ? 0 : idx[lead + k]) * strides[k];
  return t.data[offset];
}

std::optional<double> elementwise(StringRef op, double a, double b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return b == 0 ? std::optional<double>() : a / b;
  if (op == "Equal") return a == b;
  if (op == "Less") return a < b;
  if (op == "Greater") return a > b;
  if (op == "Max") return std::max(a, b);
  if (op == "Min") return std::min(a, b);
  return std::nullopt;
}

/// Whether `from` broadcasts to `to` by numpy's rules.
bool broadcastsTo(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  for (size_t k = 0; k < from.size(); ++k) {
    int64_t d = from[from.size() - 1 - k];
    if (d != 1 && d != to[to.size() - 1 - k])
      return false;
  }
  return true;
}

/// `v` as an integer when it is one the fold can index or store with: finite and within
/// +-2^62 (a malformed model can hold anything).
std::optional<int64_t> asInt(double v) {
  if (!std::isfinite(v) || std::fabs(v) > 4.6e18)
    return std::nullopt;
  return (int64_t)v;
}

int64_t attrInt(const onnx::NodeProto &node, StringRef name, int64_t dflt) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return dflt;
}
} // namespace

bool tessel::onnx_import::isFoldable(StringRef opType) {
  static const llvm::StringSet<> foldable = {
      "Gather", "Concat", "Unsqueeze", "Squeeze", "Reshape", "Flatten", "Identity", "Cast",
      "Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater", "Max", "Min", "Neg", "Abs",
      "Slice", "Range", "Where", "Not"};
  return foldable.contains(opType);
}

std::optional<SmallVector<Value>> tessel::onnx_import::foldConstantNode(NodeContext &ctx) {
  StringRef op = ctx.node.op_type();
  if (!isFoldable(op) || ctx.resultTypes.size() != 1 || ctx.operands.empty())
    return std::nullopt;
  RankedTensorType outType = ctx.resultTypes[0];
  if (outType.getNumElements() > 4096)
    return std::nullopt;
  SmallVector<Tensor> in;
  for (unsigned i = 0; i < ctx.operands.size(); ++i) {
    if (!ctx.operands[i])
      continue;
    auto values = ctx.constantOperand(i);
    if (!values)
      return std::nullopt;
    auto type = cast<RankedTensorType>(ctx.operands[i].getType());
    in.push_back({SmallVector<int64_t>(type.getShape()), {values->begin(), values->end()}});
  }
  Tensor out{SmallVector<int64_t>(outType.getShape()), {}};
  out.data.resize(outType.getNumElements());
  Type elt = outType.getElementType();

  if (op == "Gather") {
    const Tensor &data = in[0], &indices = in[1];
    int64_t rank = data.shape.size(), axis = attrInt(ctx.node, "axis", 0);
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return std::nullopt;
    SmallVector<int64_t> expected(data.shape.begin(), data.shape.begin() + axis);
    expected.append(indices.shape.begin(), indices.shape.end());
    expected.append(data.shape.begin() + axis + 1, data.shape.end());
    if (ArrayRef<int64_t>(expected) != ArrayRef<int64_t>(out.shape) ||
        llvm::any_of(indices.data, [](double v) { return !asInt(v); }))
      return std::nullopt;
    SmallVector<int64_t> dataStrides = stridesOf(data.shape);
    size_t idxRank = indices.shape.size();
    forEach(out.shape, [&](int64_t linear, ArrayRef<int64_t> idx) {
      int64_t iLinear = 0, iStride = 1;
      for (int64_t k = (int64_t)idxRank - 1; k >= 0; --k) {
        iLinear += idx[axis + k] * iStride;
        iStride *= indices.shape[k];
      }
      int64_t pick = *asInt(indices.data[iLinear]);
      if (pick < 0)
        pick += data.shape[axis];
      int64_t offset = 0;
      for (int64_t k = 0; k < rank; ++k) {
        int64_t v = k < axis ? idx[k] : k == axis ? pick : idx[k + idxRank - 1];
        offset += v * dataStrides[k];
      }
      out.data[linear] = data.data[std::clamp<int64_t>(offset, 0, data.size() - 1)];
    });
  } else if (op == "Concat") {
    int64_t axis = attrInt(ctx.node, "axis", 0), rank = out.shape.size();
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank ||
        llvm::any_of(in, [&](const Tensor &t) { return (int64_t)t.shape.size() != rank; }))
      return std::nullopt;
    int64_t along = 0;
    for (const Tensor &t : in)
      for (int64_t k = 0; k < rank; ++k)
        if (k == axis)
          along += t.shape[k];
        else if (t.shape[k] != out.shape[k])
          return std::nullopt;
    if (along != out.shape[axis])
      return std::nullopt;
    forEach(out.shape, [&](int64_t linear, ArrayRef<int64_t> idx) {
      int64_t at = idx[axis];
      for (const Tensor &t : in) {
        if (at < t.shape[axis]) {
          SmallVector<int64_t> local(idx);
          local[axis] = at;
          SmallVector<int64_t> strides = stridesOf(t.shape);
          int64_t offset = 0;
          for (size_t k = 0; k < local.size(); ++k)
            offset += local[k] * strides[k];
          out.data[linear] = t.data[offset];
          return;
        }
        at -= t.shape[axis];
      }
    });
  } else if (op == "Slice") {
    // Any of starts, ends, axes and steps may be omitted; `in` skips omitted operands. Before
    // opset 10 they are attributes, and there are no steps.
    const Tensor &data = in[0];
    auto operandValues = [&](unsigned i) -> std::vector<double> {
      if (ctx.opset < 10) {
        StringRef name = i == 1 ? "starts" : i == 3 ? "axes" : "";
        for (const auto &a : ctx.node.attribute())
          if (a.name() == name)
            return std::vector<double>(a.ints().begin(), a.ints().end());
        return {};
      }
      auto v = ctx.constantOperand(i);
      return v ? std::vector<double>(v->begin(), v->end()) : std::vector<double>();
    };
    std::vector<double> starts = operandValues(1), axes = operandValues(3), steps = operandValues(4);
    int64_t rank = data.shape.size();
    SmallVector<int64_t> first(rank, 0), step(rank, 1);
    auto allInts = [](const std::vector<double> &v) {
      return llvm::all_of(v, [](double x) { return asInt(x).has_value(); });
    };
    if (!allInts(starts) || !allInts(axes) || !allInts(steps) ||
        (int64_t)out.shape.size() != (int64_t)data.shape.size())
      return std::nullopt;
    if ((!axes.empty() && axes.size() < starts.size()) ||
        (!steps.empty() && steps.size() < starts.size()))
      return std::nullopt;
    for (size_t i = 0; i < starts.size(); ++i) {
      int64_t a = axes.empty() ? i : *asInt(axes[i]);
      if (a < 0)
        a += rank;
      if (a < 0 || a >= rank || (!steps.empty() && steps[i] == 0))
        return std::nullopt;
      int64_t dim = data.shape[a], st = steps.empty() ? 1 : *asInt(steps[i]);
      int64_t b = (int64_t)std::max<double>(std::min<double>(starts[i], 1e18), -1e18);
      b = b < 0 ? b + dim : b;
      first[a] = st > 0 ? std::clamp<int64_t>(b, 0, dim) : std::clamp<int64_t>(b, 0, dim - 1);
      step[a] = st;
    }
    // The result's shape came from inference; it must stay within the data.
    for (int64_t k = 0; k < rank; ++k) {
      int64_t last = first[k] + (out.shape[k] - 1) * step[k];
      if (out.shape[k] > 0 && (first[k] >= data.shape[k] || last < 0 || last >= data.shape[k]))
        return std::nullopt;
    }
    SmallVector<int64_t> strides = stridesOf(data.shape);
    forEach(out.shape, [&](int64_t linear, ArrayRef<int64_t> idx) {
      int64_t offset = 0;
      for (int64_t k = 0; k < rank; ++k)
        offset += (first[k] + idx[k] * step[k]) * strides[k];
      out.data[linear] = data.data[offset];
    });
  } else if (op == "Range") {
    if (in.size() != 3 || llvm::any_of(in, [](const Tensor &t) { return t.size() < 1; }))
      return std::nullopt;
    for (int64_t i = 0; i < out.size(); ++i)
      out.data[i] = in[0].data[0] + i * in[2].data[0];
  } else if (op == "Where") {
    if (in.size() != 3 ||
        llvm::any_of(in, [&](const Tensor &t) { return !broadcastsTo(t.shape, out.shape); }))
      return std::nullopt;
    forEach(out.shape, [&](int64_t linear, ArrayRef<int64_t> idx) {
      out.data[linear] = broadcastAt(in[0], idx) != 0 ? broadcastAt(in[1], idx)
                                                      : broadcastAt(in[2], idx);
    });
  } else if ((op == "Neg" || op == "Abs" || op == "Not" || op == "Cast") &&
             in[0].size() != out.size()) {
    return std::nullopt;
  } else if (op == "Neg" || op == "Abs" || op == "Not") {
    for (int64_t i = 0; i < out.size(); ++i) {
      double v = in[0].data[i];
      out.data[i] = op == "Neg" ? -v : op == "Abs" ? std::fabs(v) : (v == 0);
    }
  } else if (op == "Cast") {
    for (int64_t i = 0; i < out.size(); ++i) {
      double v = in[0].data[i];
      out.data[i] = elt.isInteger(1) ? (v != 0) : isa<IntegerType>(elt) ? std::trunc(v) : v;
    }
  } else if (in.size() == 1 || op == "Reshape" || op == "Unsqueeze" || op == "Squeeze") {
    // Shape-only ops: the values stay in order.
    if (in[0].size() != out.size())
      return std::nullopt;
    out.data = in[0].data;
  } else {
    if (llvm::any_of(in, [&](const Tensor &t) { return !broadcastsTo(t.shape, out.shape); }))
      return std::nullopt;
    bool ok = true;
    forEach(out.shape, [&](int64_t linear, ArrayRef<int64_t> idx) {
      double acc = broadcastAt(in[0], idx);
      for (size_t k = 1; k < in.size() && ok; ++k) {
        auto r = elementwise(op, acc, broadcastAt(in[k], idx));
        ok = r.has_value();
        acc = r.value_or(0);
      }
      out.data[linear] = acc;
    });
    if (!ok)
      return std::nullopt;
    if (op == "Div" && isa<IntegerType>(elt))
      for (double &v : out.data)
        v = std::trunc(v);
  }

  SmallVector<Attribute> attrs;
  for (double v : out.data) {
    if (isa<FloatType>(elt)) {
      attrs.push_back(ctx.builder.getFloatAttr(elt, v));
      continue;
    }
    std::optional<int64_t> i = asInt(v);
    if (!i)
      return std::nullopt;
    attrs.push_back(ctx.builder.getIntegerAttr(elt, *i));
  }
  Value folded = ctx.builder.create<graph::ConstantOp>(ctx.loc, outType,
                                                       DenseElementsAttr::get(outType, attrs));
  return SmallVector<Value>{folded};
}
