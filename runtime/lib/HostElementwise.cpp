//===- HostElementwise.cpp - Elementwise math after a host op -------------===//
//
// The elementwise ops that read what a host op computed (a window built on a run-time Range,
// scores scaled after NMS) run on the host with numpy broadcasting. The heavy math before the
// host ops stays on the chip; these see a few values each.
//
//===----------------------------------------------------------------------===//
#include "HostOpContext.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace tessel::rt::host {

namespace {

using Unary = double (*)(double);
using Binary = double (*)(double, double);

const std::pair<const char *, Unary> kUnary[] = {
    {"Neg", [](double x) { return -x; }},
    {"Abs", [](double x) { return std::fabs(x); }},
    {"Sqrt", [](double x) { return std::sqrt(x); }},
    {"Exp", [](double x) { return std::exp(x); }},
    {"Log", [](double x) { return std::log(x); }},
    {"Cos", [](double x) { return std::cos(x); }},
    {"Sin", [](double x) { return std::sin(x); }},
    {"Tan", [](double x) { return std::tan(x); }},
    {"Tanh", [](double x) { return std::tanh(x); }},
    {"Erf", [](double x) { return std::erf(x); }},
    {"Sigmoid", [](double x) { return 1.0 / (1.0 + std::exp(-x)); }},
    {"Relu", [](double x) { return std::max(x, 0.0); }},
    {"Floor", [](double x) { return std::floor(x); }},
    {"Ceil", [](double x) { return std::ceil(x); }},
    {"Round", [](double x) { return std::nearbyint(x); }},
    {"Reciprocal", [](double x) { return 1.0 / x; }},
    {"Sign", [](double x) { return double((x > 0) - (x < 0)); }},
    {"Not", [](double x) { return double(x == 0); }},
};

const std::pair<const char *, Binary> kBinary[] = {
    {"Add", [](double a, double b) { return a + b; }},
    {"Sub", [](double a, double b) { return a - b; }},
    {"Mul", [](double a, double b) { return a * b; }},
    {"Div", [](double a, double b) { return a / b; }},
    {"Pow", [](double a, double b) { return std::pow(a, b); }},
    {"Max", [](double a, double b) { return std::max(a, b); }},
    {"Min", [](double a, double b) { return std::min(a, b); }},
    {"Equal", [](double a, double b) { return double(a == b); }},
    {"Less", [](double a, double b) { return double(a < b); }},
    {"Greater", [](double a, double b) { return double(a > b); }},
    {"LessOrEqual", [](double a, double b) { return double(a <= b); }},
    {"GreaterOrEqual", [](double a, double b) { return double(a >= b); }},
    {"And", [](double a, double b) { return double(a != 0 && b != 0); }},
    {"Or", [](double a, double b) { return double(a != 0 || b != 0); }},
    {"Xor", [](double a, double b) { return double((a != 0) != (b != 0)); }},
};

template <typename T, size_t N> T find(const std::pair<const char *, T> (&table)[N],
                                       const std::string &name) {
  for (const auto &[key, f] : table)
    if (name == key)
      return f;
  return nullptr;
}

/// numpy's broadcast of the inputs' shapes; false (with the error set) when they do not meet.
bool broadcastShape(Context &c, std::vector<int64_t> &shape) {
  shape.clear();
  for (const HostTensor *in : c.inputs) {
    if (!in)
      continue;
    if (in->shape.size() > shape.size())
      shape.insert(shape.begin(), in->shape.size() - shape.size(), 1);
    size_t offset = shape.size() - in->shape.size();
    for (size_t d = 0; d < in->shape.size(); ++d) {
      int64_t &out = shape[offset + d], dim = in->shape[d];
      if (out == 1)
        out = dim;
      else if (dim != 1 && dim != out)
        return c.fail("shapes do not broadcast");
    }
  }
  return true;
}

/// The flat index into `in` of the output element at `index` (of `shape`), broadcasting.
int64_t sourceIndex(const HostTensor &in, const std::vector<int64_t> &shape,
                    const std::vector<int64_t> &index) {
  int64_t at = 0;
  size_t offset = shape.size() - in.shape.size();
  for (size_t d = 0; d < in.shape.size(); ++d)
    at = at * in.shape[d] + (in.shape[d] == 1 ? 0 : index[offset + d]);
  return at;
}

/// Applies `f` to the broadcast inputs' values element by element.
bool map(Context &c, const std::function<double(const std::vector<double> &)> &f) {
  std::vector<int64_t> shape;
  if (!broadcastShape(c, shape))
    return false;
  HostTensor y;
  y.shape = shape;
  int64_t n = numElements(shape);
  if (n > kMaxElements)
    return c.fail("the output would hold more than 2^31 values");
  std::vector<int64_t> index(shape.size(), 0);
  std::vector<double> args(c.inputs.size());
  for (int64_t k = 0; k < n; ++k) {
    for (size_t i = 0; i < c.inputs.size(); ++i)
      args[i] = c.inputs[i] ? c.inputs[i]->data[size_t(sourceIndex(*c.inputs[i], shape, index))]
                            : 0.0;
    y.data.push_back(float(f(args)));
    for (size_t d = shape.size(); d-- > 0 && ++index[d] == shape[d];)
      index[d] = 0;
  }
  c.outputs = {std::move(y)};
  return true;
}

} // namespace

bool isHostElementwise(const std::string &op) {
  return find(kUnary, op) || find(kBinary, op) || op == "Where" || op == "Mod";
}

bool elementwise(Context &c) {
  std::string op = c.op.op() ? c.op.op()->str() : "";
  // Integer division and remainder truncate and take the divisor's sign as ONNX's integers do;
  // the importer marks them (integer = 1).
  bool integer = c.attrs.i("integer", 0) != 0;
  if (Unary f = find(kUnary, op)) {
    if (c.inputs.size() != 1)
      return c.fail("takes one input");
    return map(c, [f](const std::vector<double> &a) { return f(a[0]); });
  }
  if (op == "Where")
    return map(c, [](const std::vector<double> &a) { return a[0] != 0 ? a[1] : a[2]; });
  if (op == "Mod") {
    bool fmod = c.attrs.i("fmod", 0) != 0;
    return map(c, [fmod](const std::vector<double> &a) {
      double r = std::fmod(a[0], a[1]);
      return !fmod && r != 0 && ((r < 0) != (a[1] < 0)) ? r + a[1] : r;
    });
  }
  Binary f = find(kBinary, op);
  if (!f || c.inputs.size() < 2)
    return c.fail("takes two inputs");
  bool truncate = integer && op == "Div";
  // Max and Min take any number of inputs; the others two.
  return map(c, [f, truncate](const std::vector<double> &a) {
    double v = a[0];
    for (size_t i = 1; i < a.size(); ++i)
      v = f(v, a[i]);
    return truncate ? std::trunc(v) : v;
  });
}

} // namespace tessel::rt::host
