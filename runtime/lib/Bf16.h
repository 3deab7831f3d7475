//===- Bf16.h - Branch-free bf16 rounding ---------------------------------===//
//
// Round to nearest even, NaN kept NaN (quiet bit set before the low half is
// dropped). Written without branches so that loops over a tile vectorise;
// Formats.cpp and the tile math share it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_BF16_H
#define TESSEL_RUNTIME_LIB_BF16_H

#include <cstdint>
#include <cstring>

namespace tessel::rt {

/// The bf16 (upper 16 bits) of `v`, rounded.
inline uint16_t bf16Bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  bool nan = (b & 0x7FFFFFFFu) > 0x7F800000u;
  uint32_t rounded = b + 0x7FFFu + ((b >> 16) & 1u);
  return uint16_t((nan ? (b | 0x00400000u) : rounded) >> 16);
}

/// `v` rounded to bf16, as a float.
inline float roundBf16(float v) {
  uint32_t b = uint32_t(bf16Bits(v)) << 16;
  float r;
  std::memcpy(&r, &b, 4);
  return r;
}

} // namespace tessel::rt

#endif
