// Emulated cuda_fp16.h: a 16-bit IEEE half with the conversions the kernels and tests use.
#pragma once
#include <cstdint>

#include "float_bits.h"

struct __half {
  uint16_t bits;
};

inline float __half2float(__half h) {
  const uint32_t sign = (uint32_t)(h.bits & 0x8000u) << 16;
  const uint32_t exponent = (h.bits >> 10) & 0x1fu, mantissa = h.bits & 0x3ffu;
  uint32_t u;
  if (exponent == 0x1f) {
    u = sign | 0x7f800000u | (mantissa << 13);  // inf, NaN
  } else if (exponent != 0) {
    u = sign | ((exponent + 112u) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    u = sign;
  } else {  // subnormal: mantissa * 2^-24
    u = sign | bits_of((float)mantissa * 5.9604644775390625e-8f);
  }
  return float_of_bits(u);
}

// Round to nearest even, overflow to infinity, subnormals kept.
inline __half __float2half_rn(float f) {
  const uint32_t u = bits_of(f);
  const uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
  const uint32_t a = u & 0x7fffffffu;
  uint16_t bits;
  if (a > 0x7f800000u) {
    bits = 0x7e00u;  // NaN
  } else if (a >= 0x477ff000u) {
    bits = 0x7c00u;  // rounds to 65536 or more: infinity
  } else if (a >= 0x38800000u) {  // normal half
    const uint32_t rounded = a + 0x0fffu + ((a >> 13) & 1u);
    bits = (uint16_t)((rounded - 0x38000000u) >> 13);
  } else {  // subnormal half or zero: a / 2^-24 rounded to an integer, ties to even
    const float scaled = float_of_bits(a) * 16777216.0f;  // exact
    float whole = (float)(uint32_t)scaled;
    const float frac = scaled - whole;
    if (frac > 0.5f || (frac == 0.5f && ((uint32_t)whole & 1u))) whole += 1.0f;
    bits = (uint16_t)whole;
  }
  return __half{(uint16_t)(sign | bits)};
}
inline __half __float2half(float f) { return __float2half_rn(f); }
