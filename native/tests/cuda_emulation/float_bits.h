// The bit pattern of a float and back, for the emulated half-precision conversions.
#pragma once
#include <cstdint>
#include <cstring>

inline uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float float_of_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
