//===- InlineTensor.cpp - Tensors written on the command line -------------===//
#include "ElementTypes.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/TensorIO.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tessel::rt {

bool parseInlineTensor(const std::string &text, HostTensor &out,
                       std::string &error) {
  size_t eq = text.find('=');
  if (eq == std::string::npos) {
    error = "expected SHAPExTYPE=VALUES such as 2x3xf32=1,2,3,4,5,6, got '" + text + "'";
    return false;
  }
  std::string lhs = text.substr(0, eq), rhs = text.substr(eq + 1);
  std::vector<std::string> parts;
  for (size_t i = 0;;) {
    size_t j = lhs.find('x', i);
    parts.push_back(lhs.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos)
      break;
    i = j + 1;
  }
  std::string type = parts.back();
  parts.pop_back();
  ElementType element;
  if (!elementFromName(type, element)) {
    error = "element type '" + type + "' in '" + lhs +
            "' is not bool, i8, u8, i16, u16, i32, u32, i64, u64, f16, bf16, f32 or f64";
    return false;
  }
  std::vector<int64_t> shape;
  int64_t count = 1;
  for (const std::string &p : parts) {
    char *end = nullptr;
    errno = 0;
    long long d = std::strtoll(p.c_str(), &end, 10);
    if (p.empty() || *end || d < 0 || errno == ERANGE ||
        __builtin_mul_overflow(count, int64_t(d), &count)) {
      error = "bad dimension '" + p + "' in '" + lhs + "'";
      return false;
    }
    shape.push_back(d);
  }
  std::vector<float> values;
  out.ints.clear();
  for (size_t i = 0; !rhs.empty();) {
    size_t j = rhs.find(',', i);
    std::string item = rhs.substr(i, j == std::string::npos ? std::string::npos : j - i);
    char *end = nullptr;
    double v = std::strtod(item.c_str(), &end);
    while (end && *end == ' ')
      ++end;
    if (item.empty() || *end) {
      error = "bad value '" + item + "'";
      return false;
    }
    float value;
    if (!chipValue(element, v, values.size(), value, error, &out.ints))
      return false;
    values.push_back(value);
    if (j == std::string::npos)
      break;
    i = j + 1;
  }
  if (int64_t(values.size()) != count) {
    error = "shape " + lhs + " needs " + std::to_string(count) + " values, got " +
            std::to_string(values.size());
    return false;
  }
  out.shape = std::move(shape);
  out.data = std::move(values);
  return true;
}

} // namespace tessel::rt
