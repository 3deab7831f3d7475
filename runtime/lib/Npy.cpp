//===- Npy.cpp - numpy .npy files -----------------------------------------===//
#include "ElementTypes.h"

#include "tessel/runtime/FileIO.h"
#include "tessel/runtime/TensorIO.h"

#include <cstring>

namespace tessel::rt {

namespace {

// Value of `key` in the header dict, as raw text up to the next top-level
// comma (or the closing paren of a tuple).
bool headerField(const std::string &header, const std::string &key,
                 std::string &value) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    return false;
  size_t colon = header.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t b = header.find_first_not_of(' ', colon + 1);
  if (b == std::string::npos)
    return false;
  size_t e = header[b] == '(' ? header.find(')', b) + 1 : header.find(',', b);
  if (e == std::string::npos || e == 0)
    return false;
  value = header.substr(b, e - b);
  return true;
}

} // namespace

bool parseNpy(const uint8_t *data, size_t size, HostTensor &out, std::string &error,
              const std::string &declared) {
  if (size < 10 || std::memcmp(data, "\x93NUMPY", 6) != 0) {
    error = "not a .npy file";
    return false;
  }
  int major = data[6];
  size_t headerLen, start;
  if (major == 1) {
    headerLen = size_t(data[8]) | size_t(data[9]) << 8;
    start = 10;
  } else if ((major == 2 || major == 3) && size >= 12) {
    headerLen = size_t(data[8]) | size_t(data[9]) << 8 | size_t(data[10]) << 16 |
                size_t(data[11]) << 24;
    start = 12;
  } else {
    error = "unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (headerLen > size - start) {
    error = "truncated .npy header";
    return false;
  }
  std::string header(reinterpret_cast<const char *>(data + start), headerLen);
  std::string descr, fortran, shapeText;
  if (!headerField(header, "descr", descr) ||
      !headerField(header, "fortran_order", fortran) ||
      !headerField(header, "shape", shapeText)) {
    error = "malformed .npy header";
    return false;
  }
  if (descr.size() >= 2 && (descr.front() == '\'' || descr.front() == '"'))
    descr = descr.substr(1, descr.size() - 2);
  if (fortran.find("True") != std::string::npos) {
    error = "Fortran-ordered arrays are not supported (use numpy.ascontiguousarray)";
    return false;
  }
  std::vector<int64_t> shape;
  for (size_t i = 1; i < shapeText.size();) {
    size_t j = shapeText.find_first_of(",)", i);
    if (j == std::string::npos)
      break;
    std::string item = shapeText.substr(i, j - i);
    if (item.find_first_not_of(' ') != std::string::npos) {
      char *end = nullptr;
      long long d = std::strtoll(item.c_str(), &end, 10);
      if (d < 0 || (*end && *end != ' ')) {
        error = "malformed .npy shape " + shapeText;
        return false;
      }
      shape.push_back(d);
    }
    i = j + 1;
  }
  char order = descr.empty() ? '?' : descr[0];
  std::string kind = descr.size() > 1 ? descr.substr(1) : "";
  ElementType type;
  if (!elementFromNpy(kind, type) || (order != '<' && order != '|' && order != '=')) {
    error = "dtype '" + descr + "' is not a little-endian bool, integer or float";
    return false;
  }
  type = asDeclared(type, declared);
  size_t itemSize = elementSize(type);
  int64_t count = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(count, d, &count)) {
      error = "shape too large";
      return false;
    }
  size_t body = start + headerLen;
  if (uint64_t(count) * itemSize != size - body) {
    error = "data has " + std::to_string(size - body) + " bytes, expected " +
            std::to_string(uint64_t(count) * itemSize);
    return false;
  }
  out.shape = shape;
  out.data.clear();
  return appendChipValues(type, data + body, size_t(count), out.data, error);
}

bool readNpy(const std::string &path, HostTensor &out, std::string &error,
             const std::string &declared) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  if (!parseNpy(bytes.data(), bytes.size(), out, error, declared)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

std::string npyBytes(const HostTensor &tensor, const std::string &elementType) {
  ElementType type = ElementType::Float32;
  if (!elementFromName(elementType, type) || type == ElementType::BFloat16)
    type = ElementType::Float32;
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape += std::to_string(tensor.shape[i]) + (tensor.shape.size() == 1 ? "," : i + 1 < tensor.shape.size() ? ", " : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + npyDescr(type) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts on a 64-byte boundary, as numpy does.
  size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  out += char(header.size() & 0xFF);
  out += char(header.size() >> 8);
  out += header;
  size_t at = out.size();
  out.resize(at + tensor.data.size() * elementSize(type));
  fromChipValues(type, tensor.data.data(), tensor.data.size(),
                 reinterpret_cast<uint8_t *>(out.data() + at));
  return out;
}

} // namespace tessel::rt
