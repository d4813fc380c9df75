// Counter-based RNG for attention dropout, shared by the CPU implementation (native/) and the
// CUDA kernels so both drop exactly the same elements and the backward regenerates the forward's
// mask. Philox-4x32-10 (Salmon et al., SC'11), the generator cuRAND and PyTorch use.
#pragma once
#include <stdint.h>

#if defined(__CUDACC__)
#define NEZHA_HD __host__ __device__ __forceinline__
#else
#define NEZHA_HD inline
#endif

namespace nezha {

struct Philox4 {
  uint32_t x[4];
};

NEZHA_HD Philox4 philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = (uint64_t)0xD2511F53u * c0;
    uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  Philox4 r;
  r.x[0] = c0;
  r.x[1] = c1;
  r.x[2] = c2;
  r.x[3] = c3;
  return r;
}

// Elements with a 32-bit draw below this are dropped: P(drop) = threshold / 2^32 = dropout_p.
NEZHA_HD uint32_t dropout_threshold(double dropout_p) {
  double t = dropout_p * 4294967296.0;
  return t <= 0 ? 0u : (t >= 4294967295.0 ? 4294967295u : (uint32_t)t);
}

// The 32-bit draw of attention element n = ((b * H + h) * L + i) * L + j: one Philox call yields
// the draws of four consecutive elements (counter = n / 4, lane = n % 4).
NEZHA_HD uint32_t dropout_draw(uint64_t seed, uint64_t offset, uint64_t n) {
  uint64_t group = n >> 2;
  Philox4 r = philox4x32_10((uint32_t)group, (uint32_t)(group >> 32), (uint32_t)offset, (uint32_t)(offset >> 32),
                            (uint32_t)seed, (uint32_t)(seed >> 32));
  // Selects, not r.x[n & 3]: nvcc put r in local memory for that runtime index (a 16-byte stack frame in
  // the bf16 kernels, and a 4-byte register spill in the bf16 head-size-16 forward). Same draw either way.
  return (n & 2) ? ((n & 1) ? r.x[3] : r.x[2]) : ((n & 1) ? r.x[1] : r.x[0]);
}

NEZHA_HD bool dropout_keep(uint64_t seed, uint64_t offset, uint64_t n, uint32_t threshold) {
  return dropout_draw(seed, offset, n) >= threshold;
}

}  // namespace nezha
