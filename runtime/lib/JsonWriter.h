//===- JsonWriter.h - Minimal JSON output helpers -------------------------===//
#ifndef TESSEL_RUNTIME_LIB_JSONWRITER_H
#define TESSEL_RUNTIME_LIB_JSONWRITER_H

#include <cstdio>
#include <string>

namespace tessel::rt {

inline std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

inline std::string jsonNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

} // namespace tessel::rt

#endif
