//===- HostShapeOps.cpp - Data movement the runtime does on the host ------===//
//
// Ops that only move values (numbers or strings) run on the host when they read what a host op
// computed: the gathers, slices and reshapes that follow NonMaxSuppression in exported detectors.
//
//===----------------------------------------------------------------------===//
#include "HostOpContext.h"

#include <algorithm>
#include <numeric>

namespace tessel::rt::host {

void splitAround(const std::vector<int64_t> &shape, int64_t axis, int64_t &outer, int64_t &dim,
                 int64_t &inner) {
  outer = inner = 1;
  for (int64_t a = 0; a < axis; ++a)
    outer *= shape[a];
  dim = shape[axis];
  for (size_t a = axis + 1; a < shape.size(); ++a)
    inner *= shape[a];
}

HostTensor pick(const HostTensor &x, std::vector<int64_t> shape,
                const std::vector<int64_t> &from) {
  HostTensor y;
  y.shape = std::move(shape);
  bool text = !x.strings.empty();
  for (int64_t k : from) {
    if (text)
      y.strings.push_back(x.strings[size_t(k)]);
    else
      y.data.push_back(x.data[size_t(k)]);
  }
  return y;
}

HostTensor takeSlices(const HostTensor &x, int64_t axis, const std::vector<int64_t> &keep) {
  int64_t outer, dim, inner;
  splitAround(x.shape, axis, outer, dim, inner);
  std::vector<int64_t> shape = x.shape, from;
  shape[axis] = int64_t(keep.size());
  from.reserve(size_t(outer) * keep.size() * size_t(inner));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k : keep)
      for (int64_t i = 0; i < inner; ++i)
        from.push_back((o * dim + k) * inner + i);
  return pick(x, std::move(shape), from);
}

HostTensor vector1d(const std::vector<int64_t> &values) {
  HostTensor t;
  t.shape = {int64_t(values.size())};
  t.data.assign(values.begin(), values.end());
  return t;
}

namespace {

/// Integer values of input `i` (an axes or shape operand), or none when it is omitted.
std::vector<int64_t> ints(const Context &c, size_t i) {
  std::vector<int64_t> v;
  if (const HostTensor *t = c.in(i))
    for (float f : t->data)
      v.push_back(saturatingInt64(f));
  return v;
}

/// `axes` in [0, rank), sorted; false (with the error set) when one is out of range or repeated.
bool normalizeAxes(Context &c, std::vector<int64_t> &axes, int64_t rank) {
  for (int64_t &a : axes)
    if (!c.normalizeAxis(a, rank))
      return false;
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return c.fail("an axis is repeated");
  return true;
}

/// `x` with its values in order and another shape.
bool withShape(Context &c, const HostTensor &x, std::vector<int64_t> shape) {
  if (numElements(shape) != numElements(x.shape))
    return c.fail("cannot give " + std::to_string(numElements(x.shape)) +
                  " values another count of them");
  HostTensor y = x;
  y.shape = std::move(shape);
  c.outputs = {std::move(y)};
  return true;
}

/// Row-major strides of `shape`.
std::vector<int64_t> strides(const std::vector<int64_t> &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    s[d - 1] = s[d] * shape[d];
  return s;
}

/// For every element of `shape` in row-major order, calls visit(index).
template <typename F> void forEachIndex(const std::vector<int64_t> &shape, F visit) {
  if (numElements(shape) == 0)
    return;
  std::vector<int64_t> index(shape.size(), 0);
  while (true) {
    visit(index);
    size_t d = shape.size();
    while (d > 0 && ++index[d - 1] == shape[d - 1])
      index[--d] = 0;
    if (d == 0)
      return;
  }
}

} // namespace

bool identity(Context &c) {
  c.outputs = {*c.in(0)};
  return true;
}

bool shape(Context &c) {
  const std::vector<int64_t> &dims = c.in(0)->shape;
  int64_t rank = int64_t(dims.size());
  int64_t start = c.attrs.i("start", 0), end = c.attrs.i("end", rank);
  start = std::clamp(start < 0 ? start + rank : start, int64_t(0), rank);
  end = std::clamp(end < 0 ? end + rank : end, start, rank);
  c.outputs = {vector1d(std::vector<int64_t>(dims.begin() + start, dims.begin() + end))};
  return true;
}

bool reshape(Context &c) {
  const HostTensor &x = *c.in(0);
  std::vector<int64_t> target = ints(c, 1);
  bool allowZero = c.attrs.i("allowzero", 0) != 0;
  int64_t known = 1, inferred = -1;
  for (size_t d = 0; d < target.size(); ++d) {
    if (target[d] == 0 && !allowZero) {
      if (d >= x.shape.size())
        return c.fail("shape copies dim " + std::to_string(d) + " the input does not have");
      target[d] = x.shape[d];
    }
    if (target[d] == -1) {
      if (inferred >= 0)
        return c.fail("shape has more than one -1");
      inferred = int64_t(d);
    } else if (target[d] < 0) {
      return c.fail("shape holds " + std::to_string(target[d]));
    } else {
      known *= target[d];
    }
  }
  if (inferred >= 0) {
    if (known == 0 || numElements(x.shape) % known)
      return c.fail("the -1 in shape cannot be inferred");
    target[size_t(inferred)] = numElements(x.shape) / known;
  }
  return withShape(c, x, std::move(target));
}

bool flatten(Context &c) {
  const HostTensor &x = *c.in(0);
  int64_t rank = int64_t(x.shape.size()), axis = c.attrs.i("axis", 1);
  // Flatten's axis may also be the rank (all dims before it).
  if (axis != rank && !c.normalizeAxis(axis, rank))
    return false;
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= x.shape[d];
  return withShape(c, x, {outer, outer ? numElements(x.shape) / outer : 0});
}

bool squeeze(Context &c) {
  const HostTensor &x = *c.in(0);
  int64_t rank = int64_t(x.shape.size());
  std::vector<int64_t> axes = c.in(1) ? ints(c, 1) : c.attrs.ints("axes");
  if (!normalizeAxes(c, axes, rank))
    return false;
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    bool listed = std::binary_search(axes.begin(), axes.end(), d);
    if (listed && x.shape[d] != 1)
      return c.fail("dim " + std::to_string(d) + " is " + std::to_string(x.shape[d]) +
                    ", not 1");
    if (!(listed || (axes.empty() && x.shape[d] == 1)))
      shape.push_back(x.shape[d]);
  }
  return withShape(c, x, std::move(shape));
}

bool unsqueeze(Context &c) {
  const HostTensor &x = *c.in(0);
  std::vector<int64_t> axes = c.in(1) ? ints(c, 1) : c.attrs.ints("axes");
  int64_t rank = int64_t(x.shape.size() + axes.size());
  if (!normalizeAxes(c, axes, rank))
    return false;
  std::vector<int64_t> shape;
  for (int64_t d = 0, from = 0; d < rank; ++d)
    shape.push_back(std::binary_search(axes.begin(), axes.end(), d) ? 1 : x.shape[from++]);
  return withShape(c, x, std::move(shape));
}

bool transpose(Context &c) {
  const HostTensor &x = *c.in(0);
  size_t rank = x.shape.size();
  std::vector<int64_t> perm = c.attrs.ints("perm");
  if (perm.empty())
    for (size_t d = rank; d-- > 0;)
      perm.push_back(int64_t(d));
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(rank);
  std::iota(identity.begin(), identity.end(), 0);
  if (sorted != identity)
    return c.fail("perm is not a permutation of the input's dims");
  std::vector<int64_t> shape, from, inStrides = strides(x.shape);
  for (int64_t p : perm)
    shape.push_back(x.shape[size_t(p)]);
  forEachIndex(shape, [&](const std::vector<int64_t> &index) {
    int64_t at = 0;
    for (size_t d = 0; d < rank; ++d)
      at += index[d] * inStrides[size_t(perm[d])];
    from.push_back(at);
  });
  c.outputs = {pick(x, std::move(shape), from)};
  return true;
}

bool slice(Context &c) {
  const HostTensor &x = *c.in(0);
  int64_t rank = int64_t(x.shape.size());
  std::vector<int64_t> starts = ints(c, 1), ends = ints(c, 2), axes = ints(c, 3),
                       steps = ints(c, 4);
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(int64_t(i));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return c.fail("starts, ends, axes and steps must have as many values");
  std::vector<int64_t> first(size_t(rank), 0), step(size_t(rank), 1), shape = x.shape;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (a < 0 || a >= rank)
      return c.fail("axis " + std::to_string(axes[i]) + " is out of range");
    if (steps[i] == 0)
      return c.fail("a step is 0");
    int64_t dim = x.shape[size_t(a)], s = starts[i], e = ends[i];
    s = s < 0 ? s + dim : s;
    e = e < 0 ? e + dim : e;
    if (steps[i] > 0) {
      s = std::clamp(s, int64_t(0), dim);
      e = std::clamp(e, int64_t(0), dim);
      shape[size_t(a)] = e > s ? (e - s + steps[i] - 1) / steps[i] : 0;
    } else {
      s = std::clamp(s, int64_t(0), dim - 1);
      e = std::clamp(e, int64_t(-1), dim - 1);
      shape[size_t(a)] = s > e ? (s - e - steps[i] - 1) / -steps[i] : 0;
    }
    first[size_t(a)] = s;
    step[size_t(a)] = steps[i];
  }
  std::vector<int64_t> from, inStrides = strides(x.shape);
  forEachIndex(shape, [&](const std::vector<int64_t> &index) {
    int64_t at = 0;
    for (size_t d = 0; d < size_t(rank); ++d)
      at += (first[d] + index[d] * step[d]) * inStrides[d];
    from.push_back(at);
  });
  c.outputs = {pick(x, std::move(shape), from)};
  return true;
}

bool gather(Context &c) {
  const HostTensor &x = *c.in(0), &indices = *c.in(1);
  bool hasAxis;
  int64_t axis;
  if (x.shape.empty())
    return c.fail("cannot gather from a scalar");
  if (!c.axis(int64_t(x.shape.size()), hasAxis, axis))
    return false;
  int64_t dim = x.shape[size_t(axis)];
  std::vector<int64_t> keep;
  for (float f : indices.data) {
    int64_t i = saturatingInt64(f);
    if (i < -dim || i >= dim)
      return c.fail("index " + std::to_string(i) + " is out of range for a dim of " +
                    std::to_string(dim));
    keep.push_back(i < 0 ? i + dim : i);
  }
  HostTensor y = takeSlices(x, axis, keep);
  y.shape = std::vector<int64_t>(x.shape.begin(), x.shape.begin() + axis);
  y.shape.insert(y.shape.end(), indices.shape.begin(), indices.shape.end());
  y.shape.insert(y.shape.end(), x.shape.begin() + axis + 1, x.shape.end());
  c.outputs = {std::move(y)};
  return true;
}

bool concat(Context &c) {
  const HostTensor &first = *c.in(0);
  int64_t rank = int64_t(first.shape.size());
  bool hasAxis;
  int64_t axis;
  if (!c.axis(rank, hasAxis, axis))
    return false;
  HostTensor y;
  y.shape = first.shape;
  y.shape[size_t(axis)] = 0;
  for (const HostTensor *in : c.inputs) {
    if (!in || in->shape.size() != first.shape.size())
      return c.fail("the inputs differ in rank");
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && in->shape[size_t(d)] != first.shape[size_t(d)])
        return c.fail("the inputs differ in dim " + std::to_string(d));
    if (!in->strings.empty() != !first.strings.empty())
      return c.fail("strings and numbers are mixed");
    y.shape[size_t(axis)] += in->shape[size_t(axis)];
  }
  int64_t outer, dim, inner;
  splitAround(first.shape, axis, outer, dim, inner);
  for (int64_t o = 0; o < outer; ++o)
    for (const HostTensor *in : c.inputs) {
      int64_t run = in->shape[size_t(axis)] * inner;
      if (first.strings.empty())
        y.data.insert(y.data.end(), in->data.begin() + o * run, in->data.begin() + (o + 1) * run);
      else
        y.strings.insert(y.strings.end(), in->strings.begin() + o * run,
                         in->strings.begin() + (o + 1) * run);
    }
  c.outputs = {std::move(y)};
  return true;
}

namespace {

/// A sequence position from input `i` in [0, size] (`end` allows size), or `dflt` when omitted.
bool position(Context &c, size_t i, int64_t size, bool end, int64_t dflt, int64_t &at) {
  const HostTensor *p = c.in(i);
  if (!p || p->data.empty()) {
    at = dflt;
    return true;
  }
  at = saturatingInt64(p->data[0]);
  if (at < -size || at > (end ? size : size - 1))
    return c.fail("position " + std::to_string(at) + " is out of range for a sequence of " +
                  std::to_string(size));
  at = at < 0 ? at + size : at;
  return true;
}

HostTensor sequenceOf(std::vector<HostTensor> elements) {
  HostTensor s;
  s.isSequence = true;
  s.elements = std::move(elements);
  return s;
}

} // namespace

bool sequenceInsert(Context &c) {
  const HostTensor &seq = *c.in(0);
  int64_t n = int64_t(seq.elements.size()), at;
  if (!position(c, 2, n, /*end=*/true, n, at))
    return false;
  HostTensor y = seq;
  y.elements.insert(y.elements.begin() + at, *c.in(1));
  c.outputs = {std::move(y)};
  return true;
}

bool sequenceErase(Context &c) {
  const HostTensor &seq = *c.in(0);
  int64_t n = int64_t(seq.elements.size()), at;
  if (n == 0)
    return c.fail("the sequence is empty");
  if (!position(c, 1, n, /*end=*/false, n - 1, at))
    return false;
  HostTensor y = seq;
  y.elements.erase(y.elements.begin() + at);
  c.outputs = {std::move(y)};
  return true;
}

bool sequenceAt(Context &c) {
  const HostTensor &seq = *c.in(0);
  int64_t at;
  if (!position(c, 1, int64_t(seq.elements.size()), /*end=*/false, -1, at))
    return false;
  if (at < 0)
    return c.fail("the position is missing");
  c.outputs = {seq.elements[size_t(at)]};
  return true;
}

bool sequenceLength(Context &c) {
  HostTensor y;
  y.data = {float(c.in(0)->elements.size())};
  c.outputs = {std::move(y)};
  return true;
}

bool sequenceConstruct(Context &c) {
  std::vector<HostTensor> elements;
  for (const HostTensor *in : c.inputs)
    if (in)
      elements.push_back(*in);
  c.outputs = {sequenceOf(std::move(elements))};
  return true;
}

bool concatFromSequence(Context &c) {
  const HostTensor &seq = *c.in(0);
  if (seq.elements.empty())
    return c.fail("the sequence is empty");
  bool newAxis = c.attrs.i("new_axis", 0) != 0;
  // With new_axis each element gains a size-1 dim at the axis first: a stack.
  std::vector<HostTensor> parts = seq.elements;
  int64_t rank = int64_t(parts[0].shape.size()) + (newAxis ? 1 : 0);
  int64_t axis = c.attrs.i("axis", 0);
  if (!c.normalizeAxis(axis, rank))
    return false;
  if (newAxis)
    for (HostTensor &p : parts)
      p.shape.insert(p.shape.begin() + axis, 1);
  HostTensor y;
  y.shape = parts[0].shape;
  y.shape[size_t(axis)] = 0;
  for (const HostTensor &p : parts) {
    if (p.shape.size() != parts[0].shape.size())
      return c.fail("the elements differ in rank");
    if (p.isSequence || !p.strings.empty())
      return c.fail("takes a sequence of numeric tensors");
    y.shape[size_t(axis)] += p.shape[size_t(axis)];
  }
  int64_t outer, dim, innerSize;
  splitAround(parts[0].shape, axis, outer, dim, innerSize);
  for (int64_t o = 0; o < outer; ++o)
    for (const HostTensor &p : parts) {
      int64_t run = p.shape[size_t(axis)] * innerSize;
      if (int64_t(p.data.size()) < (o + 1) * run)
        return c.fail("the elements differ in shape");
      y.data.insert(y.data.end(), p.data.begin() + o * run, p.data.begin() + (o + 1) * run);
    }
  c.outputs = {std::move(y)};
  return true;
}

bool splitToSequence(Context &c) {
  const HostTensor &x = *c.in(0);
  int64_t rank = int64_t(x.shape.size());
  if (rank == 0)
    return c.fail("cannot split a scalar");
  int64_t axis = c.attrs.i("axis", 0);
  if (!c.normalizeAxis(axis, rank))
    return false;
  int64_t dim = x.shape[size_t(axis)];
  std::vector<int64_t> lengths;
  const HostTensor *split = c.in(1);
  bool squeeze = !split && c.attrs.i("keepdims", 1) == 0;
  if (!split) {
    lengths.assign(size_t(dim), 1);
  } else if (split->shape.empty()) {
    int64_t size = saturatingInt64(split->data[0]);
    if (size <= 0)
      return c.fail("the split size must be positive");
    for (int64_t at = 0; at < dim; at += size)
      lengths.push_back(std::min(size, dim - at));
  } else {
    int64_t total = 0;
    for (float f : split->data) {
      if (!(f >= 0 && f <= float(dim)))
        return c.fail("a split length is negative or longer than the axis");
      lengths.push_back(int64_t(f));
      total += lengths.back();
    }
    if (total != dim)
      return c.fail("the split lengths add up to " + std::to_string(total) + ", not " +
                    std::to_string(dim));
  }
  std::vector<HostTensor> elements;
  int64_t at = 0;
  for (int64_t len : lengths) {
    std::vector<int64_t> keep(static_cast<size_t>(len), 0);
    std::iota(keep.begin(), keep.end(), at);
    elements.push_back(takeSlices(x, axis, keep));
    if (squeeze)
      elements.back().shape.erase(elements.back().shape.begin() + axis);
    at += len;
  }
  c.outputs = {sequenceOf(std::move(elements))};
  return true;
}

bool optional(Context &c) {
  HostTensor y;
  y.isOptional = true;
  if (const HostTensor *in = c.in(0))
    y.elements = {*in};
  c.outputs = {std::move(y)};
  return true;
}

// Since opset 18 a tensor or a sequence is an optional that holds itself.
bool optionalHasElement(Context &c) {
  HostTensor y;
  y.data = {c.in(0)->isOptional && c.in(0)->elements.empty() ? 0.0f : 1.0f};
  c.outputs = {std::move(y)};
  return true;
}

bool optionalGetElement(Context &c) {
  if (!c.in(0)->isOptional) {
    c.outputs = {*c.in(0)};
    return true;
  }
  if (c.in(0)->elements.empty())
    return c.fail("the optional is empty");
  c.outputs = {c.in(0)->elements[0]};
  return true;
}

} // namespace tessel::rt::host
