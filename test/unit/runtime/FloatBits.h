// Bit patterns of floats, for tests that pin encodings to the bit.
#ifndef TESSEL_TEST_UNIT_RUNTIME_FLOATBITS_H
#define TESSEL_TEST_UNIT_RUNTIME_FLOATBITS_H

#include <cstdint>
#include <cstring>

inline float fromBits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

inline uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

#endif
