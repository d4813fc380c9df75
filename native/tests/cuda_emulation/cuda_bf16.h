// Emulated cuda_bf16.h: bfloat16 with the conversions the kernels use.
#pragma once
#include <cstdint>

#include "float_bits.h"

struct __nv_bfloat16 {
  uint16_t bits;
};

inline float __bfloat162float(__nv_bfloat16 h) { return float_of_bits((uint32_t)h.bits << 16); }

// Round to nearest even.
inline __nv_bfloat16 __float2bfloat16_rn(float f) {
  uint32_t u = bits_of(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return __nv_bfloat16{0x7fc0u};
  u += 0x7fffu + ((u >> 16) & 1u);
  return __nv_bfloat16{(uint16_t)(u >> 16)};
}
inline __nv_bfloat16 __float2bfloat16(float f) { return __float2bfloat16_rn(f); }
