//===- HostOpContext.h - What the host ops' implementations share ---------===//
#ifndef TESSEL_RUNTIME_LIB_HOSTOPCONTEXT_H
#define TESSEL_RUNTIME_LIB_HOSTOPCONTEXT_H

#include "HostOps.h"

#include "tessel/runtime/SaturatingCast.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace tessel::rt::host {

/// The most values a host op's output may hold, as the chip's tensors.
inline constexpr int64_t kMaxElements = int64_t(1) << 31;

/// `v` as an error message shows it: "3", "0.25", "nan".
inline std::string formatFloat(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

inline int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// An op's ONNX attributes, read with ONNX's defaults.
class Attributes {
public:
  explicit Attributes(const ttb::HostOp &op) : op(op) {}

  const ttb::HostAttribute *find(const char *name) const {
    if (op.attributes())
      for (const ttb::HostAttribute *a : *op.attributes())
        if (a->name() && a->name()->str() == name)
          return a;
    return nullptr;
  }
  bool has(const char *name) const { return find(name) != nullptr; }
  int64_t i(const char *name, int64_t dflt) const {
    const ttb::HostAttribute *a = find(name);
    return a && a->ints() && a->ints()->size() == 1 ? a->ints()->Get(0) : dflt;
  }
  std::vector<int64_t> ints(const char *name) const {
    const ttb::HostAttribute *a = find(name);
    return a && a->ints() ? std::vector<int64_t>(a->ints()->begin(), a->ints()->end())
                          : std::vector<int64_t>();
  }
  std::vector<float> floats(const char *name) const {
    const ttb::HostAttribute *a = find(name);
    return a && a->floats() ? std::vector<float>(a->floats()->begin(), a->floats()->end())
                            : std::vector<float>();
  }
  std::string s(const char *name, const std::string &dflt) const {
    const ttb::HostAttribute *a = find(name);
    return a && a->strings() && a->strings()->size() == 1 ? a->strings()->Get(0)->str() : dflt;
  }

private:
  const ttb::HostOp &op;
};

struct Context {
  const ttb::HostOp &op;
  const std::vector<const HostTensor *> &inputs;
  std::vector<HostTensor> &outputs;
  std::string &error;
  Attributes attrs;

  bool fail(const std::string &msg) {
    error = msg;
    return false;
  }
  const HostTensor *in(size_t i) const { return i < inputs.size() ? inputs[i] : nullptr; }
  /// A scalar optional input's value, or `dflt` when it is omitted or empty.
  double scalar(size_t i, double dflt) const {
    const HostTensor *t = in(i);
    return t && !t->data.empty() ? double(t->data[0]) : dflt;
  }
  /// The axis attribute in [0, rank), if given; false (with the error set) when out of range.
  bool axis(int64_t rank, bool &present, int64_t &axis) {
    present = attrs.has("axis");
    axis = attrs.i("axis", 0);
    return !present || normalizeAxis(axis, rank);
  }
  /// `axis` moved from [-rank, rank) into [0, rank); false (with the error set) outside.
  bool normalizeAxis(int64_t &axis, int64_t rank) {
    if (axis < -rank || axis >= rank)
      return fail("axis " + std::to_string(axis) + " is out of range for rank " +
                  std::to_string(rank));
    axis = axis < 0 ? axis + rank : axis;
    return true;
  }
};

/// The tensor as [outer, dim, inner] around `axis`.
void splitAround(const std::vector<int64_t> &shape, int64_t axis, int64_t &outer, int64_t &dim,
                 int64_t &inner);
/// The tensor of `shape` whose element k is `x`'s element from[k], numbers or strings.
HostTensor pick(const HostTensor &x, std::vector<int64_t> shape,
                const std::vector<int64_t> &from);
/// The slices along `axis` whose index `keep` selects, in order.
HostTensor takeSlices(const HostTensor &x, int64_t axis, const std::vector<int64_t> &keep);
/// A 1-D tensor of integers.
HostTensor vector1d(const std::vector<int64_t> &values);

// The data-movement ops (HostShapeOps.cpp): they move numbers or strings.
bool identity(Context &c);
bool shape(Context &c);
bool reshape(Context &c);
bool flatten(Context &c);
bool squeeze(Context &c);
bool unsqueeze(Context &c);
bool transpose(Context &c);
bool slice(Context &c);
bool gather(Context &c);
bool concat(Context &c);

// The elementwise ops (HostElementwise.cpp): unary math, the binary arithmetic, comparisons and
// logic with numpy broadcasting, Mod and Where.
bool isHostElementwise(const std::string &op);
bool elementwise(Context &c);

// The sequence ops (HostShapeOps.cpp), on a sequence the model takes.
bool sequenceInsert(Context &c);
bool sequenceErase(Context &c);
bool sequenceAt(Context &c);
bool sequenceLength(Context &c);
bool sequenceConstruct(Context &c);
bool optional(Context &c);
bool concatFromSequence(Context &c);
bool splitToSequence(Context &c);
bool optionalHasElement(Context &c);
bool optionalGetElement(Context &c);

} // namespace tessel::rt::host

#endif
