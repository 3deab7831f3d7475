//===- TensorPrint.cpp - numpy-like text of a tensor ----------------------===//
#include "tessel/runtime/Formats.h"
#include "tessel/runtime/TensorIO.h"

#include "ElementTypes.h"

#include <cmath>
#include <cstdio>

namespace tessel::rt {

namespace {

std::string formatValue(const HostTensor &t, size_t i, ValueKind kind) {
  if (kind == ValueKind::String)
    return i < t.strings.size() ? "'" + t.strings[i] + "'" : "''";
  if (i >= t.data.size())
    return "?";
  float v = t.data[i];
  char buf[32];
  if (kind == ValueKind::Bool)
    return v != 0 ? "True" : "False";
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  if (kind == ValueKind::Integer) {
    if (const int32_t *ints = exactInts(t))
      return std::to_string(ints[i]);
    std::snprintf(buf, sizeof(buf), "%.0f", double(v));
    return buf;
  }
  std::snprintf(buf, sizeof(buf), "%.6g", double(v));
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos)
    s += ".";
  return s;
}

// numpy-like nested brackets; dims longer than 2 * edge are elided when the
// tensor is big.
void formatDim(const HostTensor &t, ValueKind kind, size_t dim, size_t offset, bool elide,
               size_t edge, size_t indent, std::string &out) {
  if (t.shape.empty()) {
    out += formatValue(t, 0, kind);
    return;
  }
  int64_t n = t.shape[dim];
  size_t stride = 1;
  for (size_t d = dim + 1; d < t.shape.size(); ++d)
    stride *= size_t(t.shape[d]);
  out += "[";
  bool last = dim + 1 == t.shape.size();
  for (int64_t i = 0; i < n; ++i) {
    if (elide && n > int64_t(2 * edge) && i == int64_t(edge)) {
      out += last ? "..., " : "...,\n" + std::string(indent + 1, ' ');
      i = n - int64_t(edge) - 1;
      continue;
    }
    if (last)
      out += formatValue(t, offset + size_t(i), kind);
    else
      formatDim(t, kind, dim + 1, offset + size_t(i) * stride, elide, edge, indent + 1, out);
    if (i + 1 < n)
      out += last ? ", " : ",\n" + std::string(t.shape.size() - dim - 2, '\n') +
                               std::string(indent + 1, ' ');
  }
  out += "]";
}

} // namespace

/// What `wrapper`(...) wraps in a binary's type name, or "".
static std::string wrapped(const std::string &type, const char *wrapper) {
  std::string open = std::string(wrapper) + "(";
  if (type.size() > open.size() + 1 && type.compare(0, open.size(), open) == 0 &&
      type.back() == ')')
    return type.substr(open.size(), type.size() - open.size() - 1);
  return "";
}

std::string sequenceElementType(const std::string &elementType) {
  return wrapped(elementType, "seq");
}

std::string optionalElementType(const std::string &elementType) {
  return wrapped(elementType, "opt");
}

ValueKind valueKindOf(const std::string &elementType) {
  if (elementType == "string")
    return ValueKind::String;
  ElementType type;
  if (!elementFromName(elementType, type))
    return ValueKind::Float;
  switch (type) {
  case ElementType::Bool: return ValueKind::Bool;
  case ElementType::Float16: case ElementType::BFloat16: case ElementType::Float32:
  case ElementType::Float64: return ValueKind::Float;
  default: return ValueKind::Integer;
  }
}

std::string formatTensor(const HostTensor &tensor, ValueKind kind, size_t edgeItems) {
  std::string out;
  if (numElements(tensor.shape) == 0)
    return "[]";
  formatDim(tensor, kind, 0, 0, numElements(tensor.shape) > 1000, edgeItems, 0, out);
  return out;
}

} // namespace tessel::rt
