//===- OneLine.h - Errors kept to one line ---------------------------------===//
#ifndef TESSEL_RUNTIME_ONELINE_H
#define TESSEL_RUNTIME_ONELINE_H

#include <string>

namespace tessel::rt {

/// `text` with control characters escaped (\n, \xNN): errors quote names from models and
/// binaries, and a damaged one may hold anything. The compiler's diagnostics use it too.
inline std::string oneLine(const std::string &text) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = (unsigned char)c;
    if (u >= 0x20 && u != 0x7f)
      out += c;
    else if (c == '\n')
      out += "\\n";
    else
      out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
  }
  return out;
}

} // namespace tessel::rt

#endif
