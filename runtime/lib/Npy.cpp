//===- Npy.cpp - numpy .npy files -----------------------------------------===//
#include "ElementTypes.h"

#include "tessel/runtime/FileIO.h"
#include "tessel/runtime/TensorIO.h"

#include <algorithm>
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

void appendUtf8(uint32_t c, std::string &out) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

/// The code points of UTF-8 text; a malformed byte stands for itself.
std::vector<uint32_t> codePoints(const std::string &s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    auto b = uint8_t(s[i]);
    int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    if (extra == 0 || i + size_t(extra) >= s.size()) {
      out.push_back(b);
      ++i;
      continue;
    }
    uint32_t c = b & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k)
      c = c << 6 | (uint8_t(s[i + k]) & 0x3F);
    out.push_back(c);
    i += size_t(extra) + 1;
  }
  return out;
}

/// The strings of a numpy unicode ('U', UTF-32LE) or bytes ('S') array of `width` characters
/// each, trailing NULs dropped.
void readStrings(const uint8_t *data, size_t count, size_t width, bool unicode,
                 std::vector<std::string> &out) {
  for (size_t i = 0; i < count; ++i) {
    std::string s;
    for (size_t k = 0; k < width; ++k) {
      uint32_t c;
      if (unicode) {
        const uint8_t *p = data + (i * width + k) * 4;
        c = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
      } else {
        c = data[i * width + k];
      }
      if (c == 0)
        break;
      if (unicode)
        appendUtf8(c, s);
      else
        s += char(c);
    }
    out.push_back(std::move(s));
  }
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
  int64_t count = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(count, d, &count)) {
      error = "shape too large";
      return false;
    }
  size_t body = start + headerLen;
  if (!kind.empty() && (kind[0] == 'U' || kind[0] == 'S') && order != '>') {
    char *end = nullptr;
    unsigned long width = std::strtoul(kind.c_str() + 1, &end, 10);
    size_t unit = kind[0] == 'U' ? 4 : 1;
    if (*end || width > (1u << 20) ||
        uint64_t(count) * width * unit != uint64_t(size - body)) {
      error = "malformed string array '" + descr + "'";
      return false;
    }
    out.shape = shape;
    out.data.clear();
    out.strings.clear();
    readStrings(data + body, size_t(count), width, kind[0] == 'U', out.strings);
    return true;
  }
  ElementType type;
  if (!elementFromNpy(kind, type) || (order != '<' && order != '|' && order != '=')) {
    error = "dtype '" + descr + "' is not a little-endian bool, integer or float";
    return false;
  }
  type = asDeclared(type, declared);
  size_t itemSize = elementSize(type);
  if (uint64_t(count) * itemSize != size - body) {
    error = "data has " + std::to_string(size - body) + " bytes, expected " +
            std::to_string(uint64_t(count) * itemSize);
    return false;
  }
  out.shape = shape;
  out.data.clear();
  out.ints.clear();
  return appendChipValues(type, data + body, size_t(count), out.data, error, &out.ints);
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
  bool text = elementType == "string";
  std::vector<std::vector<uint32_t>> points;
  size_t width = 1; // numpy's unicode arrays are at least one character wide
  if (text)
    for (const std::string &s : tensor.strings) {
      points.push_back(codePoints(s));
      width = std::max(width, points.back().size());
    }
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape += std::to_string(tensor.shape[i]) + (tensor.shape.size() == 1 ? "," : i + 1 < tensor.shape.size() ? ", " : "");
  shape += ")";
  std::string descr = text ? "<U" + std::to_string(width) : npyDescr(type);
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape +
                       ", }";
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
  if (text) {
    out.resize(at + points.size() * width * 4, '\0');
    for (size_t i = 0; i < points.size(); ++i)
      for (size_t k = 0; k < points[i].size(); ++k)
        for (int b = 0; b < 4; ++b)
          out[at + (i * width + k) * 4 + size_t(b)] = char((points[i][k] >> (8 * b)) & 0xFF);
    return out;
  }
  out.resize(at + tensor.data.size() * elementSize(type));
  fromChipValues(type, tensor.data.data(), tensor.data.size(),
                 reinterpret_cast<uint8_t *>(out.data() + at), exactInts(tensor));
  return out;
}

} // namespace tessel::rt
