// Emulated nvcuda::wmma (m16n16k16): every lane holds the whole tile and every call is a warp
// collective (it waits for the warp's live lanes first, as the CUDA documentation specifies). Products accumulate in fp32. Pointer alignment (256 bits) and leading
// dimensions (a multiple of 16 bytes) are checked as the CUDA documentation requires.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "cuda_bf16.h"
#include "cuda_emulator.h"
#include "cuda_fp16.h"

namespace nvcuda {
namespace wmma {

struct row_major {};
struct col_major {};
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
enum layout_t { mem_row_major, mem_col_major };

// A tile as a logical row-major matrix: matrix_a is M x K, matrix_b is K x N, accumulator M x N.
template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
  static constexpr int rows = std::is_same<Use, matrix_b>::value ? K : M;
  static constexpr int cols = std::is_same<Use, matrix_a>::value ? K : N;
  static constexpr int num_elements = rows * cols;
  T x[rows * cols];
};

namespace detail {
inline float to_float(float v) { return v; }
inline float to_float(__half v) { return __half2float(v); }
inline float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T>
void check_operand(const char* what, const void* ptr, unsigned ldm) {
  if ((uintptr_t)ptr % 32 != 0) nezha_emu::fail("%s: pointer %p is not 256-bit aligned", what, ptr);
  if ((ldm * sizeof(T)) % 16 != 0) nezha_emu::fail("%s: ldm %u is not a multiple of 16 bytes", what, ldm);
}
}  // namespace detail

template <typename Use, int M, int N, int K, typename T, typename Layout>
void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& f, const T* p, unsigned ldm) {
  static_assert(!std::is_same<Use, accumulator>::value, "accumulators are loaded with a layout");
  nezha_emu::warp_barrier("wmma::load_matrix_sync");
  detail::check_operand<T>("wmma::load_matrix_sync", p, ldm);
  constexpr bool row = std::is_same<Layout, row_major>::value;
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.cols; ++c) f.x[r * f.cols + c] = row ? p[(size_t)r * ldm + c] : p[(size_t)c * ldm + r];
}

template <int M, int N, int K>
void load_matrix_sync(fragment<accumulator, M, N, K, float>& f, const float* p, unsigned ldm, layout_t layout) {
  nezha_emu::warp_barrier("wmma::load_matrix_sync");
  detail::check_operand<float>("wmma::load_matrix_sync", p, ldm);
  for (int r = 0; r < M; ++r)
    for (int c = 0; c < N; ++c)
      f.x[r * N + c] = layout == mem_row_major ? p[(size_t)r * ldm + c] : p[(size_t)c * ldm + r];
}

// As on the device, each lane stores only the elements it owns (here those of the tensor cores' fp32
// accumulator layout: lane 4 * (row % 8) + (column % 8) / 2), and the call waits for the warp before
// storing, not after: a lane reading what other lanes stored needs a __syncwarp first, and without
// one the emulator's schedule lets it read stale memory.
template <int M, int N, int K>
void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t layout) {
  nezha_emu::warp_barrier("wmma::store_matrix_sync");
  detail::check_operand<float>("wmma::store_matrix_sync", p, ldm);
  const unsigned lane = nezha_emu::lane_id();
  for (int r = 0; r < M; ++r)
    for (int c = 0; c < N; ++c) {
      if ((unsigned)(4 * (r % 8) + (c % 8) / 2) != lane) continue;
      if (layout == mem_row_major)
        p[(size_t)r * ldm + c] = f.x[r * N + c];
      else
        p[(size_t)c * ldm + r] = f.x[r * N + c];
    }
}

template <typename Use, int M, int N, int K, typename T, typename Layout>
void fill_fragment(fragment<Use, M, N, K, T, Layout>& f, T value) {
  nezha_emu::warp_barrier("wmma::fill_fragment");
  for (auto& e : f.x) e = value;
}

// Every lane holds the same fragments, so the product is computed once per warp (the first lane)
// and copied by the others, which check that they pass what the first lane did: on the device,
// lanes of one mma_sync disagreeing on its operands is a kernel bug.
template <int M, int N, int K, typename T, typename LA, typename LB>
void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, T, LA>& a,
              const fragment<matrix_b, M, N, K, T, LB>& b, const fragment<accumulator, M, N, K, float>& c) {
  nezha_emu::warp_barrier("wmma::mma_sync");
  struct Operation {
    fragment<matrix_a, M, N, K, T, LA> a;
    fragment<matrix_b, M, N, K, T, LB> b;
    fragment<accumulator, M, N, K, float> c, d;
  };
  bool first;
  auto* op = static_cast<Operation*>(nezha_emu::warp_scratch(sizeof(Operation), &first));
  if (first) {
    op->a = a;
    op->b = b;
    op->c = c;
    float af[M * K], bf[K * N];
    for (int e = 0; e < M * K; ++e) af[e] = detail::to_float(a.x[e]);
    for (int e = 0; e < K * N; ++e) bf[e] = detail::to_float(b.x[e]);
    for (int m = 0; m < M; ++m)
      for (int n = 0; n < N; ++n) {
        float acc = c.x[m * N + n];
        for (int k = 0; k < K; ++k) acc += af[m * K + k] * bf[k * N + n];
        op->d.x[m * N + n] = acc;
      }
  } else if (std::memcmp(&op->a, &a, sizeof a) != 0 || std::memcmp(&op->b, &b, sizeof b) != 0 ||
             std::memcmp(&op->c, &c, sizeof c) != 0) {
    nezha_emu::fail("wmma::mma_sync: the lanes of a warp pass different fragments");
  }
  d = op->d;  // d may be c, which is read above
}

}  // namespace wmma
}  // namespace nvcuda
