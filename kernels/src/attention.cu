// Fused NEZHA relative-position attention (forward and backward), FlashAttention-2 style.
//
// Semantics: see nezha_attention_params in nezha_native.h. Design notes:
//  * One CTA of 8 warps (256 threads) per (query tile, b, h) in the forward and per (key tile, b, h)
//    in the backward. Matrix products run on tensor cores through nvcuda::wmma (m16n16k16, fp32
//    accumulate) with operands and results in shared memory; fp32 inputs use a plain FMA path
//    (same structure, no tensor cores) so fp32 stays fp32-accurate.
//  * Elementwise work (relative terms, masking, online softmax, dropout) uses a fixed map: row
//    il = tid / TPR, columns jl = q + TPR * k (q = tid % TPR), so the TPR threads of a row are
//    adjacent lanes and row reductions are xor-shuffles.
//  * Key-side relative term, forward: QT = Q . T^T (BM x (2K+1), fp32, shared) once per CTA.
//    Value side: an "interior" bucket r (|j - i| < K) belongs to exactly one key j of row i, so
//    its mass is p~_ij itself; the forward overwrites QT[i][r] (read exactly once, by the same
//    thread) with the scaled score s_ij (or -inf when masked/dropped) and turns it into the
//    probability exp(s - m_final) / l at the end. The edge buckets 0 and 2K collect many keys and
//    are running scalars rescaled like l. The epilogue adds W . T (W = per-row bucket weights).
//  * Backward: dP~ needs dout . T[r_ij], S needs q . T[r_ij]: per (query tile, key tile) pair only
//    a window of <= BM + BN buckets is touched (one bucket for pairs far from the diagonal), so
//    each pair computes Q . Twin^T and dO . Twin^T over that window. dq's bucket masses: interior
//    (i, r) again belongs to one (i, j) pair, so it is a plain store into a zeroed fp32 workspace
//    [B, H, L, 2K+1]; the edge buckets are reduced per row and added with atomics. dq itself is
//    accumulated with fp32 atomics into [B, H, L, d] and finished by a small kernel
//    (dq = acc + sum_r mass_r T[r], converted to the output dtype).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>
#include <stdint.h>

#include <cmath>
#include <string>
#include <type_traits>

#include "nezha_kernels.h"
#include "nezha_philox.h"

namespace {

using namespace nvcuda;

constexpr int NT = 256;  // threads per CTA
constexpr int NW = NT / 32;
constexpr float LOG2E = 1.4426950408889634f;
constexpr float LN2 = 0.6931471805599453f;

__host__ __device__ constexpr int round_up(int x, int m) { return (x + m - 1) / m * m; }
__host__ __device__ constexpr size_t align128(size_t x) { return (x + 127) / 128 * 128; }

__device__ __forceinline__ float to_f(float x) { return x; }
__device__ __forceinline__ float to_f(__half x) { return __half2float(x); }
__device__ __forceinline__ float to_f(__nv_bfloat16 x) { return __bfloat162float(x); }
template <typename T>
__device__ __forceinline__ T from_f(float x);
template <>
__device__ __forceinline__ float from_f<float>(float x) { return x; }
template <>
__device__ __forceinline__ __half from_f<__half>(float x) { return __float2half_rn(x); }
template <>
__device__ __forceinline__ __nv_bfloat16 from_f<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }

template <int TPR>
__device__ __forceinline__ float row_max(float v) {
#pragma unroll
  for (int o = TPR / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
template <int TPR>
__device__ __forceinline__ float row_sum(float v) {
#pragma unroll
  for (int o = TPR / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// C[M x N] (+)= A[M x Kd] . B[Kd x N], all CTA threads participate (no barrier inside).
// A(m,k) = A_COL ? A[k*lda+m] : A[m*lda+k];  B(k,n) = B_COL ? B[n*ldb+k] : B[k*ldb+n].
// 16-bit types: wmma, M, N, Kd multiples of 16, operands 32-byte aligned, zero padded.
// float: FMA loop; B(k, n) is treated as 0 for n >= nvalid or k >= kvalid (B may be the global
// table, which has no padding rows).
template <typename T, bool A_COL, bool B_COL, bool ACC>
__device__ __forceinline__ void mm(float* C, int ldc, const T* A, int lda, const T* B, int ldb, int M, int N, int Kd,
                                   int nvalid, int kvalid) {
  if constexpr (std::is_same<T, float>::value) {
    const int kmax = Kd < kvalid ? Kd : kvalid;
    for (int idx = threadIdx.x; idx < M * N; idx += NT) {
      const int m = idx / N, n = idx - (idx / N) * N;
      float acc = ACC ? C[m * ldc + n] : 0.f;
      if (n < nvalid) {
        for (int k = 0; k < kmax; ++k) {
          const float a = A_COL ? A[k * lda + m] : A[m * lda + k];
          const float bb = B_COL ? B[n * ldb + k] : B[k * ldb + n];
          acc = fmaf(a, bb, acc);
        }
      }
      C[m * ldc + n] = acc;
    }
  } else {
    (void)nvalid;
    (void)kvalid;
    using LA = typename std::conditional<A_COL, wmma::col_major, wmma::row_major>::type;
    using LB = typename std::conditional<B_COL, wmma::col_major, wmma::row_major>::type;
    const int warp = threadIdx.x >> 5;
    const int tn = N / 16, tiles = (M / 16) * tn;
    for (int t = warp; t < tiles; t += NW) {
      const int m0 = (t / tn) * 16, n0 = (t % tn) * 16;
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> c;
      if (ACC)
        wmma::load_matrix_sync(c, C + m0 * ldc + n0, ldc, wmma::mem_row_major);
      else
        wmma::fill_fragment(c, 0.f);
      for (int k0 = 0; k0 < Kd; k0 += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, T, LA> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, T, LB> bf;
        wmma::load_matrix_sync(a, A_COL ? A + k0 * lda + m0 : A + m0 * lda + k0, lda);
        wmma::load_matrix_sync(bf, B_COL ? B + n0 * ldb + k0 : B + k0 * ldb + n0, ldb);
        wmma::mma_sync(c, a, bf, c);
      }
      wmma::store_matrix_sync(C + m0 * ldc + n0, c, ldc, wmma::mem_row_major);
    }
  }
}

// Register accumulators (16-bit types only): warp w owns output tiles w, w + NW, ... of M x N.
template <typename T, int NF, bool A_COL, bool B_COL>
__device__ __forceinline__ void mm_frag(wmma::fragment<wmma::accumulator, 16, 16, 16, float>* c, const T* A, int lda,
                                        const T* B, int ldb, int N, int Kd) {
  using LA = typename std::conditional<A_COL, wmma::col_major, wmma::row_major>::type;
  using LB = typename std::conditional<B_COL, wmma::col_major, wmma::row_major>::type;
  const int warp = threadIdx.x >> 5;
  const int tn = N / 16;
#pragma unroll
  for (int f = 0; f < NF; ++f) {
    const int t = warp + f * NW;
    const int m0 = (t / tn) * 16, n0 = (t % tn) * 16;
    for (int k0 = 0; k0 < Kd; k0 += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, T, LA> a;
      wmma::fragment<wmma::matrix_b, 16, 16, 16, T, LB> bf;
      wmma::load_matrix_sync(a, A_COL ? A + k0 * lda + m0 : A + m0 * lda + k0, lda);
      wmma::load_matrix_sync(bf, B_COL ? B + n0 * ldb + k0 : B + k0 * ldb + n0, ldb);
      wmma::mma_sync(c[f], a, bf, c[f]);
    }
  }
}

// Copies rows r0 .. r0+nrows-1 (of D channels) of a [L, D] view with the given row stride into
// shared memory (leading dimension ld); rows >= L become zeros.
template <typename T, int D>
__device__ __forceinline__ void load_rows(T* dst, int ld, const T* src, long long row_stride, int r0, int nrows, int L,
                                          bool vec) {
  if (vec) {
    constexpr int PER = 16 / (int)sizeof(T);
    constexpr int CH = D / PER;
    for (int idx = threadIdx.x; idx < nrows * CH; idx += NT) {
      const int row = idx / CH, ch = idx - (idx / CH) * CH;
      const int i = r0 + row;
      uint4 val = make_uint4(0u, 0u, 0u, 0u);
      if (i < L) val = *reinterpret_cast<const uint4*>(src + (long long)i * row_stride + ch * PER);
      *reinterpret_cast<uint4*>(dst + row * ld + ch * PER) = val;
    }
  } else {
    for (int idx = threadIdx.x; idx < nrows * D; idx += NT) {
      const int row = idx / D, c = idx - (idx / D) * D;
      const int i = r0 + row;
      dst[row * ld + c] = i < L ? src[(long long)i * row_stride + c] : from_f<T>(0.f);
    }
  }
}

// The fp32 table [2K+1, D] as T, rows up to Rp zero padded.
template <typename T, int D>
__device__ __forceinline__ void load_table(T* dst, int ld, const float* table, int R, int Rp) {
  for (int idx = threadIdx.x; idx < Rp * D; idx += NT) {
    const int r = idx / D, c = idx - (idx / D) * D;
    dst[r * ld + c] = from_f<T>(r < R ? table[r * D + c] : 0.f);
  }
}

// The relative table as an MMA operand: fp16/bf16 converted into shared memory at dst (row stride
// ld_smem, rows up to Rp zeroed); fp32 read in place from global memory (row stride D). *ld gets the stride.
template <typename T, int D>
__device__ __forceinline__ const T* table_operand(unsigned char* dst, int ld_smem, const float* table, int R, int Rp,
                                                  int* ld) {
  if constexpr (sizeof(T) == 2) {
    T* t = reinterpret_cast<T*>(dst);
    load_table<T, D>(t, ld_smem, table, R, Rp);
    *ld = ld_smem;
    return t;
  } else {
    *ld = D;
    return table;
  }
}

struct Args {
  int B, L, H, K;
  float scale;        // softmax_scale
  float scale_log2;   // softmax_scale * log2(e)
  float rscale;       // 1 / (1 - dropout_p), 1 without dropout
  uint32_t threshold;
  int dropout;
  unsigned long long seed, offset;
  const void *q, *k, *v, *o, *dout;
  void *out_o, *dq, *dk, *dv;
  long long qs[3], ks[3], vs[3], os[3], dos[3], dqs[3], dks[3], dvs[3];  // b, i, h strides
  float* lse;
  const uint8_t* mask;
  long long mask_stride;
  const float* table;
  int vec;  // 16-byte vector loads allowed for q, k, v, dout
  float* Dvec;   // backward workspace: [B, H, L]
  float* dqacc;  // [B, H, L, D]
  float* dsm;    // [B, H, L, 2K+1]
};

// Row i of head h of batch b in a [B, L, H, d] tensor seen through its (batch, position, head)
// strides; Void is `const void` for inputs, `void` for outputs.
template <typename T, typename Void>
__device__ __forceinline__ T* head_row(Void* base, const long long* strides, int b, long long i, int h) {
  return static_cast<T*>(base) + b * strides[0] + i * strides[1] + h * strides[2];
}

// A region of the CTA's dynamic shared memory at a layout offset.
template <typename T>
__device__ __forceinline__ T* smem_region(unsigned char* smem, size_t offset) {
  return reinterpret_cast<T*>(smem + offset);
}

template <typename T>
__host__ __device__ constexpr int pad_t() {
  return sizeof(T) == 4 ? 4 : 8;
}

// ---------------------------------------------------------------------------------------------
// Forward
// ---------------------------------------------------------------------------------------------
struct FwdLayout {
  int ldT, ldP, ldS, ldO, ldQT, ldW, Rp;
  size_t oQ, oU, oK, oV, oS, oP, oW, oTl, oTe, oO, oQT, total;
};

template <typename T, int D, int BM, int BN>
__host__ __device__ FwdLayout fwd_layout(int K) {
  constexpr int es = sizeof(T);
  constexpr bool half_t = es == 2;
  FwdLayout l{};
  l.ldT = D + pad_t<T>();
  l.ldP = BN + pad_t<T>();
  l.ldS = BN + 4;
  l.ldO = D + 4;
  l.Rp = K > 0 ? round_up(2 * K + 1, 16) : 0;
  l.ldQT = l.Rp + 4;
  l.ldW = l.Rp + pad_t<T>();
  size_t off = 0;
  l.oQ = off;
  off = align128(off + (size_t)BM * l.ldT * es);
  l.oU = off;
  // main loop view of U
  size_t u = 0;
  l.oK = off + u;
  u = align128(u + (size_t)BN * l.ldT * es);
  l.oV = off + u;
  u = align128(u + (size_t)BN * l.ldT * es);
  l.oS = off + u;
  u = align128(u + (size_t)BM * l.ldS * 4);
  l.oP = off + u;
  u = align128(u + (size_t)BM * l.ldP * es);
  size_t umax = u;
  if (K > 0) {
    // prologue view: the table as T; epilogue view: W then the table
    l.oTl = off;
    size_t up = half_t ? align128((size_t)l.Rp * l.ldT * es) : 0;
    l.oW = off;
    size_t ue = align128((size_t)BM * l.ldW * es);
    l.oTe = off + ue;
    if (half_t) ue = align128(ue + (size_t)l.Rp * l.ldT * es);
    umax = umax > up ? umax : up;
    umax = umax > ue ? umax : ue;
  }
  off += umax;
  l.oO = off;
  off = align128(off + (size_t)BM * l.ldO * 4);
  l.oQT = off;
  if (K > 0) off = align128(off + (size_t)BM * l.ldQT * 4);
  l.total = off;
  return l;
}

template <typename T, int D, int BM, int BN>
__global__ void __launch_bounds__(NT, 2) attn_fwd_kernel(Args a) {
  constexpr int TPR = NT / BM;  // threads per row
  constexpr int EPT = BN / TPR; // elements per thread per key tile
  constexpr int CPT = D / TPR;  // accumulator columns per thread
  static_assert(NT % BM == 0 && BN % TPR == 0 && D % TPR == 0, "tile shape");
  extern __shared__ __align__(128) unsigned char smem[];

  const int K = a.K, L = a.L, H = a.H;
  const FwdLayout ly = fwd_layout<T, D, BM, BN>(K);
  const int i0 = blockIdx.x * BM, h = blockIdx.y, b = blockIdx.z;
  const int tid = threadIdx.x, il = tid / TPR, qd = tid % TPR;
  const int i = i0 + il;

  T* Qs = smem_region<T>(smem, ly.oQ);
  T* Ks = smem_region<T>(smem, ly.oK);
  T* Vs = smem_region<T>(smem, ly.oV);
  float* S = smem_region<float>(smem, ly.oS);
  T* P = smem_region<T>(smem, ly.oP);
  float* O = smem_region<float>(smem, ly.oO);
  float* QT = smem_region<float>(smem, ly.oQT);

  const T* q = head_row<const T>(a.q, a.qs, b, 0, h);
  const T* kp = head_row<const T>(a.k, a.ks, b, 0, h);
  const T* vp = head_row<const T>(a.v, a.vs, b, 0, h);
  const uint8_t* mask = a.mask ? a.mask + b * a.mask_stride : nullptr;
  const bool vec = a.vec != 0;

  load_rows<T, D>(Qs, ly.ldT, q, a.qs[1], i0, BM, L, vec);
  for (int idx = tid; idx < BM * D; idx += NT) O[(idx / D) * ly.ldO + idx % D] = 0.f;
  if (K > 0) {
    int ldTb;
    const T* Tb = table_operand<T, D>(smem + ly.oTl, ly.ldT, a.table, 2 * K + 1, ly.Rp, &ldTb);
    __syncthreads();
    mm<T, false, true, false>(QT, ly.ldQT, Qs, ly.ldT, Tb, ldTb, BM, ly.Rp, D, 2 * K + 1, D);
  }
  __syncthreads();

  float m2 = -INFINITY, l = 0.f, e0 = 0.f, e2 = 0.f;  // per row, replicated over its TPR threads
  const unsigned long long row_base = (((unsigned long long)b * H + h) * L + (unsigned long long)i) * L;

  for (int j0 = 0; j0 < L; j0 += BN) {
    load_rows<T, D>(Ks, ly.ldT, kp, a.ks[1], j0, BN, L, vec);
    load_rows<T, D>(Vs, ly.ldT, vp, a.vs[1], j0, BN, L, vec);
    __syncthreads();
    mm<T, false, true, false>(S, ly.ldS, Qs, ly.ldT, Ks, ly.ldT, BM, BN, D, BN, D);
    __syncthreads();

    float sv[EPT];
    float mx = -INFINITY;
#pragma unroll
    for (int k = 0; k < EPT; ++k) {
      const int jl = qd + TPR * k, j = j0 + jl;
      float s = S[il * ly.ldS + jl];
      const bool valid = j < L && (mask == nullptr || mask[j] != 0);
      if (K > 0) {
        const int dd = j - i;
        const int r = min(max(dd, -K), K) + K;
        s += QT[il * ly.ldQT + r];
      }
      s = valid ? s * a.scale_log2 : -INFINITY;
      sv[k] = s;
      mx = fmaxf(mx, s);
    }
    mx = row_max<TPR>(mx);
    const float m_new = fmaxf(m2, mx);
    const float alpha = m_new == -INFINITY ? 1.f : exp2f(m2 - m_new);
    float rs = 0.f, s0 = 0.f, s2 = 0.f;
#pragma unroll
    for (int k = 0; k < EPT; ++k) {
      const int jl = qd + TPR * k, j = j0 + jl;
      const float p = sv[k] == -INFINITY ? 0.f : exp2f(sv[k] - m_new);
      rs += p;
      bool keep = true;
      if (a.dropout && sv[k] != -INFINITY && i < L)
        keep = nezha::dropout_keep(a.seed, a.offset, row_base + (unsigned long long)j, a.threshold);
      const float pd = keep ? p * a.rscale : 0.f;
      P[il * ly.ldP + jl] = from_f<T>(pd);
      if (K > 0) {
        const int dd = j - i;
        if (dd > -K && dd < K)
          QT[il * ly.ldQT + dd + K] = keep ? sv[k] : -INFINITY;  // interior: read above by this thread only
        else if (dd <= -K)
          s0 += pd;
        else
          s2 += pd;
      }
    }
    rs = row_sum<TPR>(rs);
    if (K > 0) {
      s0 = row_sum<TPR>(s0);
      s2 = row_sum<TPR>(s2);
    }
    l = alpha * l + rs;
    e0 = alpha * e0 + s0;
    e2 = alpha * e2 + s2;
    m2 = m_new;
#pragma unroll
    for (int k = 0; k < CPT; ++k) O[il * ly.ldO + qd + TPR * k] *= alpha;
    __syncthreads();
    mm<T, false, false, true>(O, ly.ldO, P, ly.ldP, Vs, ly.ldT, BM, D, BN, D, BN);
    __syncthreads();
  }

  const float inv_l = l > 0.f ? 1.f / l : 0.f;
  if (a.lse != nullptr && qd == 0 && i < L)
    a.lse[((long long)b * H + h) * L + i] = l > 0.f ? (m2 + log2f(l)) * LN2 : -INFINITY;
#pragma unroll
  for (int k = 0; k < CPT; ++k) O[il * ly.ldO + qd + TPR * k] *= inv_l;
  if (K > 0) {
    T* W = smem_region<T>(smem, ly.oW);
    int ldTb;
    const T* Tb = table_operand<T, D>(smem + ly.oTe, ly.ldT, a.table, 2 * K + 1, ly.Rp, &ldTb);
    for (int r = qd; r < ly.Rp; r += TPR) {
      float w = 0.f;
      if (inv_l > 0.f) {
        if (r == 0) {
          w = e0 * inv_l;
        } else if (r == 2 * K) {
          w = e2 * inv_l;
        } else if (r < 2 * K) {
          const int j = i + r - K;
          if (j >= 0 && j < L) w = exp2f(QT[il * ly.ldQT + r] - m2) * a.rscale * inv_l;
        }
      }
      W[il * ly.ldW + r] = from_f<T>(w);
    }
    __syncthreads();
    mm<T, false, false, true>(O, ly.ldO, W, ly.ldW, Tb, ldTb, BM, D, ly.Rp, D, 2 * K + 1);
  }
  __syncthreads();

  T* out = head_row<T>(a.out_o, a.os, b, 0, h);
  for (int idx = tid; idx < BM * D; idx += NT) {
    const int row = idx / D, c = idx % D;
    const int ii = i0 + row;
    if (ii < L) out[(long long)ii * a.os[1] + c] = from_f<T>(O[row * ly.ldO + c]);
  }
}

// ---------------------------------------------------------------------------------------------
// Backward
// ---------------------------------------------------------------------------------------------
struct BwdLayout {
  int ldT, ldP, ldS, ldWb, ldA, Rp, Wmax;
  size_t oK, oV, oQ, odO, oT, oWb, oS, oP, odS, oLse, oD, odK, odV, total;
};

template <typename T, int D, int BM, int BN>
__host__ __device__ BwdLayout bwd_layout(int K) {
  constexpr int es = sizeof(T);
  constexpr bool half_t = es == 2;
  BwdLayout l{};
  l.ldT = D + pad_t<T>();
  l.ldP = BN + pad_t<T>();
  l.ldS = (BN > D ? BN : D) + 4;
  l.Rp = K > 0 ? round_up(2 * K + 1, 16) : 0;
  l.Wmax = K > 0 ? (round_up(BM + BN, 16) < l.Rp ? round_up(BM + BN, 16) : l.Rp) : 0;
  l.ldWb = l.Wmax + 4;
  l.ldA = D + 4;
  size_t off = 0;
  l.oK = off;
  off = align128(off + (size_t)BN * l.ldT * es);
  l.oV = off;
  off = align128(off + (size_t)BN * l.ldT * es);
  l.oQ = off;
  off = align128(off + (size_t)BM * l.ldT * es);
  l.odO = off;
  off = align128(off + (size_t)BM * l.ldT * es);
  l.oT = off;
  if (K > 0 && half_t) off = align128(off + (size_t)l.Rp * l.ldT * es);
  l.oWb = off;
  if (K > 0) off = align128(off + (size_t)BM * l.ldWb * 4);
  l.oS = off;
  size_t sbytes = (size_t)BM * l.ldS * 4;
  if (sbytes < (size_t)NW * 256 * 4) sbytes = (size_t)NW * 256 * 4;  // per-warp output staging
  off = align128(off + sbytes);
  l.oP = off;
  off = align128(off + (size_t)BM * l.ldP * es);
  l.odS = off;
  off = align128(off + (size_t)BM * l.ldP * es);
  l.oLse = off;
  off = align128(off + (size_t)BM * 4);
  l.oD = off;
  off = align128(off + (size_t)BM * 4);
  l.odK = off;
  if (!half_t) off = align128(off + (size_t)BN * l.ldA * 4);
  l.odV = off;
  if (!half_t) off = align128(off + (size_t)BN * l.ldA * 4);
  l.total = off;
  return l;
}

template <typename T, int D>
__global__ void attn_bwd_dot_kernel(Args a) {
  // D_i = dout_i . o_i, one warp per (b, i, h) row
  const long long row = (long long)blockIdx.x * NW + (threadIdx.x >> 5);
  const int lane = threadIdx.x & 31;
  const long long total = (long long)a.B * a.L * a.H;
  if (row >= total) return;
  const int h = (int)(row % a.H);
  const int i = (int)((row / a.H) % a.L);
  const int b = (int)(row / ((long long)a.H * a.L));
  const T* o = head_row<const T>(a.o, a.os, b, i, h);
  const T* g = head_row<const T>(a.dout, a.dos, b, i, h);
  float s = 0.f;
  for (int c = lane; c < D; c += 32) s += to_f(o[c]) * to_f(g[c]);
  s = row_sum<32>(s);
  if (lane == 0) a.Dvec[((long long)b * a.H + h) * a.L + i] = s;
}

template <typename T, int D, int BM, int BN>
__global__ void __launch_bounds__(NT, 1) attn_bwd_kernel(Args a) {
  constexpr int TPR = NT / BM;
  constexpr int EPT = BN / TPR;
  constexpr bool half_t = sizeof(T) == 2;
  constexpr int NF = (BN / 16) * (D / 16) / NW;  // accumulator fragments per warp (dK, dV)
  static_assert(NT % BM == 0 && BN % TPR == 0, "tile shape");
  static_assert(!half_t || NF * NW == (BN / 16) * (D / 16), "fragments must tile dK");
  static_assert(EPT <= 32, "keep bits");
  extern __shared__ __align__(128) unsigned char smem[];

  const int K = a.K, L = a.L, H = a.H;
  const BwdLayout ly = bwd_layout<T, D, BM, BN>(K);
  const int j0 = blockIdx.x * BN, h = blockIdx.y, b = blockIdx.z;
  const int tid = threadIdx.x, il = tid / TPR, qd = tid % TPR;
  const int R = 2 * K + 1;

  T* Ks = smem_region<T>(smem, ly.oK);
  T* Vs = smem_region<T>(smem, ly.oV);
  T* Qs = smem_region<T>(smem, ly.oQ);
  T* dOs = smem_region<T>(smem, ly.odO);
  float* Wb = smem_region<float>(smem, ly.oWb);
  float* Sb = smem_region<float>(smem, ly.oS);
  T* Pt = smem_region<T>(smem, ly.oP);
  T* dSt = smem_region<T>(smem, ly.odS);
  float* lse_s = smem_region<float>(smem, ly.oLse);
  float* D_s = smem_region<float>(smem, ly.oD);
  float* dKa = smem_region<float>(smem, ly.odK);
  float* dVa = smem_region<float>(smem, ly.odV);

  const T* qp = head_row<const T>(a.q, a.qs, b, 0, h);
  const T* kp = head_row<const T>(a.k, a.ks, b, 0, h);
  const T* vp = head_row<const T>(a.v, a.vs, b, 0, h);
  const T* gp = head_row<const T>(a.dout, a.dos, b, 0, h);
  const uint8_t* mask = a.mask ? a.mask + b * a.mask_stride : nullptr;
  const bool vec = a.vec != 0;
  const long long bh = (long long)b * H + h;

  load_rows<T, D>(Ks, ly.ldT, kp, a.ks[1], j0, BN, L, vec);
  load_rows<T, D>(Vs, ly.ldT, vp, a.vs[1], j0, BN, L, vec);
  int ldTb = D;
  const T* Tb = K > 0 ? table_operand<T, D>(smem + ly.oT, ly.ldT, a.table, R, ly.Rp, &ldTb) : nullptr;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> fdK[half_t ? NF : 1], fdV[half_t ? NF : 1];
  if constexpr (half_t) {
#pragma unroll
    for (int f = 0; f < NF; ++f) {
      wmma::fill_fragment(fdK[f], 0.f);
      wmma::fill_fragment(fdV[f], 0.f);
    }
  } else {
    for (int idx = tid; idx < BN * D; idx += NT) {
      dKa[(idx / D) * ly.ldA + idx % D] = 0.f;
      dVa[(idx / D) * ly.ldA + idx % D] = 0.f;
    }
  }

  // key-column validity of this thread's columns (fixed for the CTA)
  uint32_t kvalid = 0;
#pragma unroll
  for (int k = 0; k < EPT; ++k) {
    const int j = j0 + qd + TPR * k;
    if (j < L && (mask == nullptr || mask[j] != 0)) kvalid |= 1u << k;
  }

  for (int i0 = 0; i0 < L; i0 += BM) {
    load_rows<T, D>(Qs, ly.ldT, qp, a.qs[1], i0, BM, L, vec);
    load_rows<T, D>(dOs, ly.ldT, gp, a.dos[1], i0, BM, L, vec);
    for (int r = tid; r < BM; r += NT) {
      const int ii = i0 + r;
      float lv = INFINITY, dv = 0.f;  // rows past L: p = 0
      if (ii < L) {
        lv = a.lse[bh * L + ii];
        lv = lv == -INFINITY ? INFINITY : lv * LOG2E;  // fully masked row: p = 0
        dv = a.Dvec[bh * L + ii];
      }
      lse_s[r] = lv;
      D_s[r] = dv;
    }
    // window of buckets touched by this (query tile, key tile) pair
    int r_lo = 0, Wn = 0;
    if (K > 0) {
      const int dmin = j0 - (i0 + BM - 1), dmax = j0 + BN - 1 - i0;
      const int lo = min(max(dmin, -K), K) + K, hi = min(max(dmax, -K), K) + K;
      r_lo = lo & ~1;
      Wn = round_up(hi - r_lo + 1, 16);
      if (r_lo + Wn > ly.Rp) r_lo = ly.Rp - Wn;
    }
    const T* Tw = Tb + r_lo * ldTb;
    __syncthreads();

    mm<T, false, true, false>(Sb, ly.ldS, Qs, ly.ldT, Ks, ly.ldT, BM, BN, D, BN, D);
    if (K > 0) mm<T, false, true, false>(Wb, ly.ldWb, Qs, ly.ldT, Tw, ldTb, BM, Wn, D, R - r_lo, D);
    __syncthreads();

    const int i = i0 + il;
    const float lse2 = lse_s[il];
    const unsigned long long row_base = ((unsigned long long)bh * L + (unsigned long long)i) * L;
    float pr[EPT];
    uint32_t keepbits = 0;
#pragma unroll
    for (int k = 0; k < EPT; ++k) {
      const int jl = qd + TPR * k, j = j0 + jl;
      float s = Sb[il * ly.ldS + jl];
      if (K > 0) {
        const int r = min(max(j - i, -K), K) + K;
        s += Wb[il * ly.ldWb + r - r_lo];
      }
      float p = 0.f;
      if (((kvalid >> k) & 1u) && lse2 != INFINITY) p = exp2f(s * a.scale_log2 - lse2);
      bool keep = true;
      if (a.dropout && p > 0.f) keep = nezha::dropout_keep(a.seed, a.offset, row_base + (unsigned long long)j, a.threshold);
      if (keep) keepbits |= 1u << k;
      pr[k] = p;
      Pt[il * ly.ldP + jl] = from_f<T>(keep ? p * a.rscale : 0.f);
    }
    __syncthreads();

    mm<T, false, true, false>(Sb, ly.ldS, dOs, ly.ldT, Vs, ly.ldT, BM, BN, D, BN, D);
    if (K > 0) mm<T, false, true, false>(Wb, ly.ldWb, dOs, ly.ldT, Tw, ldTb, BM, Wn, D, R - r_lo, D);
    if constexpr (half_t)
      mm_frag<T, NF, true, false>(fdV, Pt, ly.ldP, dOs, ly.ldT, D, BM);
    else
      mm<T, true, false, true>(dVa, ly.ldA, Pt, ly.ldP, dOs, ly.ldT, BN, D, BM, D, BM);
    __syncthreads();

    const float Di = D_s[il];
    float e0 = 0.f, e2 = 0.f;
#pragma unroll
    for (int k = 0; k < EPT; ++k) {
      const int jl = qd + TPR * k, j = j0 + jl;
      float dpt = Sb[il * ly.ldS + jl];
      const int dd = j - i;
      if (K > 0) dpt += Wb[il * ly.ldWb + min(max(dd, -K), K) + K - r_lo];
      const float dp = ((keepbits >> k) & 1u) ? dpt * a.rscale : 0.f;
      const float ds = pr[k] * (dp - Di) * a.scale;  // scaled: dq, dk and the bucket masses need scale * ds
      dSt[il * ly.ldP + jl] = from_f<T>(ds);
      if (K > 0 && pr[k] != 0.f) {  // p != 0 implies i < L, j < L
        if (dd > -K && dd < K)
          a.dsm[(bh * L + i) * R + dd + K] = ds;  // the only writer of this interior bucket
        else if (dd <= -K)
          e0 += ds;
        else
          e2 += ds;
      }
    }
    if (K > 0) {
      e0 = row_sum<TPR>(e0);
      e2 = row_sum<TPR>(e2);
      if (qd == 0 && i < L) {
        if (e0 != 0.f) atomicAdd(a.dsm + (bh * L + i) * R, e0);
        if (e2 != 0.f) atomicAdd(a.dsm + (bh * L + i) * R + 2 * K, e2);
      }
    }
    __syncthreads();

    if constexpr (half_t)
      mm_frag<T, NF, true, false>(fdK, dSt, ly.ldP, Qs, ly.ldT, D, BM);
    else
      mm<T, true, false, true>(dKa, ly.ldA, dSt, ly.ldP, Qs, ly.ldT, BN, D, BM, D, BM);
    mm<T, false, false, false>(Sb, ly.ldS, dSt, ly.ldP, Ks, ly.ldT, BM, D, BN, D, BN);
    __syncthreads();
    for (int idx = tid; idx < BM * D; idx += NT) {
      const int row = idx / D, c = idx % D;
      const int ii = i0 + row;
      if (ii < L) atomicAdd(a.dqacc + (bh * L + ii) * D + c, Sb[row * ly.ldS + c]);
    }
    __syncthreads();
  }

  T* dkp = head_row<T>(a.dk, a.dks, b, 0, h);
  T* dvp = head_row<T>(a.dv, a.dvs, b, 0, h);
  if constexpr (half_t) {
    const int warp = tid >> 5, lane = tid & 31;
    float* stage = Sb + warp * 256;
    const int tn = D / 16;
#pragma unroll
    for (int f = 0; f < NF; ++f) {
      const int t = warp + f * NW;
      const int m0 = (t / tn) * 16, n0 = (t % tn) * 16;
#pragma unroll
      for (int which = 0; which < 2; ++which) {
        wmma::store_matrix_sync(stage, which == 0 ? fdK[f] : fdV[f], 16, wmma::mem_row_major);
        __syncwarp();
        T* dst = which == 0 ? dkp : dvp;
        const long long rs = which == 0 ? a.dks[1] : a.dvs[1];
        for (int e = lane; e < 256; e += 32) {
          const int j = j0 + m0 + e / 16;
          if (j < L) dst[(long long)j * rs + n0 + e % 16] = from_f<T>(stage[e]);
        }
        __syncwarp();
      }
    }
  } else {
    for (int idx = tid; idx < BN * D; idx += NT) {
      const int row = idx / D, c = idx % D;
      const int j = j0 + row;
      if (j < L) {
        dkp[(long long)j * a.dks[1] + c] = from_f<T>(dKa[row * ly.ldA + c]);
        dvp[(long long)j * a.dvs[1] + c] = from_f<T>(dVa[row * ly.ldA + c]);
      }
    }
  }
}

template <typename T, int D>
__global__ void attn_bwd_dq_kernel(Args a) {
  // dq = dqacc + sum_r dsm[r] T[r], converted to T; one thread per element of [B, H, L, D]
  const long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long total = (long long)a.B * a.H * a.L * D;
  if (idx >= total) return;
  const int c = (int)(idx % D);
  const long long row = idx / D;  // (b * H + h) * L + i
  const int i = (int)(row % a.L);
  const int h = (int)((row / a.L) % a.H);
  const int b = (int)(row / ((long long)a.L * a.H));
  float v = a.dqacc[idx];
  if (a.K > 0) {
    const int R = 2 * a.K + 1;
    const float* m = a.dsm + row * R;
    for (int r = 0; r < R; ++r) v = fmaf(m[r], a.table[r * D + c], v);
  }
  T* dq = head_row<T>(a.dq, a.dqs, b, i, h);
  dq[c] = from_f<T>(v);
}

// ---------------------------------------------------------------------------------------------
// Host side
// ---------------------------------------------------------------------------------------------
struct DeviceGuard {
  int prev = -1;
  bool ok = false;
  cudaError_t err = cudaSuccess;
  explicit DeviceGuard(int dev) {
    err = cudaGetDevice(&prev);
    if (err != cudaSuccess) return;
    if (prev != dev) err = cudaSetDevice(dev);
    ok = err == cudaSuccess;
  }
  ~DeviceGuard() {
    if (ok && prev >= 0) {
      int cur = -1;
      if (cudaGetDevice(&cur) == cudaSuccess && cur != prev) cudaSetDevice(prev);
    }
  }
};

bool cuda_fail(std::string* message, const char* what, cudaError_t err) {
  *message = std::string(what) + ": " + cudaGetErrorString(err);
  return false;
}

bool check_problem(const nezha_attention_params& p, std::string* message) {
  if (p.dtype == NEZHA_FLOAT64) {
    *message = "float64 is CPU only";
    return false;
  }
  if (p.dtype != NEZHA_FLOAT32 && p.dtype != NEZHA_FLOAT16 && p.dtype != NEZHA_BFLOAT16) {
    *message = "unsupported dtype " + std::to_string(p.dtype) + " for the CUDA attention";
    return false;
  }
  if (p.head_dim != 16 && p.head_dim != 32 && p.head_dim != 64 && p.head_dim != 128) {
    *message = "CUDA attention supports head_dim 16, 32, 64 and 128, not " + std::to_string(p.head_dim);
    return false;
  }
  if (p.batch < 1 || p.seq_len < 1 || p.heads < 1 || p.max_relative_position < 0) {
    *message = "CUDA attention: bad shape";
    return false;
  }
  if (p.batch > 65535 || p.heads > 65535 || p.seq_len > (1LL << 30) || p.max_relative_position > (1LL << 20)) {
    *message = "CUDA attention: batch and heads must be <= 65535 and seq_len <= 2^30";
    return false;
  }
  if (p.dropout_p < 0.0 || !(p.dropout_p < 1.0)) {
    *message = "dropout_p must be in [0, 1)";
    return false;
  }
  return true;
}

template <typename T>
bool aligned16(const void* ptr, const int64_t* s) {
  const int64_t per = 16 / (int64_t)sizeof(T);
  return ((uintptr_t)ptr % 16 == 0) && s[0] % per == 0 && s[1] % per == 0 && s[2] % per == 0;
}

Args make_args(const nezha_attention_params& p) {
  Args a{};
  a.B = (int)p.batch;
  a.L = (int)p.seq_len;
  a.H = (int)p.heads;
  a.K = (int)p.max_relative_position;
  a.scale = (float)p.softmax_scale;
  a.scale_log2 = (float)(p.softmax_scale * 1.4426950408889634);
  a.dropout = p.dropout_p > 0.0 ? 1 : 0;
  a.rscale = a.dropout ? (float)(1.0 / (1.0 - p.dropout_p)) : 1.f;
  a.threshold = nezha::dropout_threshold(p.dropout_p);
  a.seed = p.seed;
  a.offset = p.offset;
  a.q = p.q;
  a.k = p.k;
  a.v = p.v;
  a.o = p.o;
  a.out_o = p.o;
  a.dout = p.dout;
  a.dq = p.dq;
  a.dk = p.dk;
  a.dv = p.dv;
  for (int x = 0; x < 3; ++x) {
    a.qs[x] = p.q_stride[x];
    a.ks[x] = p.k_stride[x];
    a.vs[x] = p.v_stride[x];
    a.os[x] = p.o_stride[x];
    a.dos[x] = p.dout_stride[x];
    a.dqs[x] = p.dq_stride[x];
    a.dks[x] = p.dk_stride[x];
    a.dvs[x] = p.dv_stride[x];
  }
  a.lse = p.lse;
  a.mask = p.key_mask;
  a.mask_stride = p.key_mask_batch_stride;
  a.table = p.max_relative_position > 0 ? p.table : nullptr;
  return a;
}

size_t ws_align(size_t x) { return (x + 255) / 256 * 256; }

struct BwdWorkspace {
  size_t dvec, dqacc, dsm, total;
};
BwdWorkspace bwd_workspace(const nezha_attention_params& p) {
  const size_t rows = (size_t)p.batch * p.heads * p.seq_len;
  BwdWorkspace w{};
  w.dvec = 0;
  w.dqacc = ws_align(rows * 4);
  w.dsm = w.dqacc + ws_align(rows * p.head_dim * 4);
  w.total = w.dsm + (p.max_relative_position > 0 ? ws_align(rows * (2 * p.max_relative_position + 1) * 4) : 0);
  return w;
}

bool smem_ok(const void* kernel, size_t bytes, int device, std::string* message) {
  int optin = 0;
  cudaError_t err = cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
  if (err != cudaSuccess) return cuda_fail(message, "cudaDeviceGetAttribute", err);
  if (bytes > (size_t)optin) {
    *message = "CUDA attention needs " + std::to_string(bytes) + " bytes of shared memory for this head_dim and " +
               "max_relative_position; the device allows " + std::to_string(optin) +
               " (use a smaller max_relative_position or the CPU)";
    return false;
  }
  err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)bytes);
  if (err != cudaSuccess) return cuda_fail(message, "cudaFuncSetAttribute", err);
  return true;
}

template <typename T, int D>
struct Tiles;
// forward BM, BN; backward BM (query tile), BN (key tile)
template <int D>
struct Tiles<float, D> {
  static constexpr int FBM = 32, FBN = 32, BBM = 32, BBN = 32;
};
// head_dim 16 takes 128-key backward tiles so that dK and dV still give every warp one fragment
template <int D>
struct Tiles<__half, D> {
  static constexpr int FBM = 64, FBN = 64, BBM = D == 128 ? 32 : 64, BBN = D == 16 ? 128 : 64;
};
template <int D>
struct Tiles<__nv_bfloat16, D> {
  static constexpr int FBM = 64, FBN = 64, BBM = D == 128 ? 32 : 64, BBN = D == 16 ? 128 : 64;
};

template <typename T, int D>
bool forward_impl(const nezha_attention_params& p, std::string* message) {
  constexpr int BM = Tiles<T, D>::FBM, BN = Tiles<T, D>::FBN;
  Args a = make_args(p);
  a.vec = aligned16<T>(p.q, p.q_stride) && aligned16<T>(p.k, p.k_stride) && aligned16<T>(p.v, p.v_stride);
  const FwdLayout ly = fwd_layout<T, D, BM, BN>(a.K);
  auto kernel = attn_fwd_kernel<T, D, BM, BN>;
  if (!smem_ok((const void*)kernel, ly.total, (int)p.device, message)) return false;
  cudaStream_t stream = (cudaStream_t)p.stream;
  dim3 grid((unsigned)((a.L + BM - 1) / BM), (unsigned)a.H, (unsigned)a.B);
  kernel<<<grid, NT, ly.total, stream>>>(a);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) return cuda_fail(message, "attention forward launch", err);
  return true;
}

template <typename T, int D>
bool backward_impl(const nezha_attention_params& p, std::string* message) {
  constexpr int BM = Tiles<T, D>::BBM, BN = Tiles<T, D>::BBN;
  Args a = make_args(p);
  a.vec = aligned16<T>(p.q, p.q_stride) && aligned16<T>(p.k, p.k_stride) && aligned16<T>(p.v, p.v_stride) &&
          aligned16<T>(p.dout, p.dout_stride);
  const BwdWorkspace ws = bwd_workspace(p);
  if (p.workspace == nullptr || p.workspace_bytes < (int64_t)ws.total) {
    *message = "CUDA attention backward needs a workspace of " + std::to_string(ws.total) + " bytes, got " +
               std::to_string(p.workspace_bytes);
    return false;
  }
  if (p.lse == nullptr) {
    *message = "CUDA attention backward needs lse from the forward";
    return false;
  }
  // The workspace holds fp32 arrays updated with atomicAdd; a caller slicing a byte buffer at an
  // unaligned offset would otherwise get a sticky "misaligned address" fault instead of an error.
  if ((uintptr_t)p.workspace % 16 != 0) {
    *message = "CUDA attention backward needs a 16-byte aligned workspace";
    return false;
  }
  char* base = static_cast<char*>(p.workspace);
  a.Dvec = reinterpret_cast<float*>(base + ws.dvec);
  a.dqacc = reinterpret_cast<float*>(base + ws.dqacc);
  a.dsm = reinterpret_cast<float*>(base + ws.dsm);
  const BwdLayout ly = bwd_layout<T, D, BM, BN>(a.K);
  auto kernel = attn_bwd_kernel<T, D, BM, BN>;
  if (!smem_ok((const void*)kernel, ly.total, (int)p.device, message)) return false;
  cudaStream_t stream = (cudaStream_t)p.stream;
  cudaError_t err = cudaMemsetAsync(base + ws.dqacc, 0, ws.total - ws.dqacc, stream);
  if (err != cudaSuccess) return cuda_fail(message, "cudaMemsetAsync(attention workspace)", err);
  const long long rows = (long long)a.B * a.L * a.H;
  attn_bwd_dot_kernel<T, D><<<(unsigned)((rows + NW - 1) / NW), NT, 0, stream>>>(a);
  err = cudaGetLastError();
  if (err != cudaSuccess) return cuda_fail(message, "attention backward (dout.o) launch", err);
  dim3 grid((unsigned)((a.L + BN - 1) / BN), (unsigned)a.H, (unsigned)a.B);
  kernel<<<grid, NT, ly.total, stream>>>(a);
  err = cudaGetLastError();
  if (err != cudaSuccess) return cuda_fail(message, "attention backward launch", err);
  const long long elems = rows * D;
  attn_bwd_dq_kernel<T, D><<<(unsigned)((elems + NT - 1) / NT), NT, 0, stream>>>(a);
  err = cudaGetLastError();
  if (err != cudaSuccess) return cuda_fail(message, "attention backward (dq) launch", err);
  return true;
}

template <typename T>
bool dispatch_fwd(const nezha_attention_params& p, std::string* m) {
  switch (p.head_dim) {
    case 16: return forward_impl<T, 16>(p, m);
    case 32: return forward_impl<T, 32>(p, m);
    case 64: return forward_impl<T, 64>(p, m);
    default: return forward_impl<T, 128>(p, m);
  }
}
template <typename T>
bool dispatch_bwd(const nezha_attention_params& p, std::string* m) {
  switch (p.head_dim) {
    case 16: return backward_impl<T, 16>(p, m);
    case 32: return backward_impl<T, 32>(p, m);
    case 64: return backward_impl<T, 64>(p, m);
    default: return backward_impl<T, 128>(p, m);
  }
}

}  // namespace

bool nezha_kernels_attention_workspace(const nezha_attention_params& p, int64_t* forward_bytes,
                                       int64_t* backward_bytes, std::string* message) {
  if (!check_problem(p, message)) return false;
  if (forward_bytes) *forward_bytes = 0;
  if (backward_bytes) *backward_bytes = (int64_t)bwd_workspace(p).total;
  return true;
}

// Both entry points first clear an error left by an earlier failed runtime call on this thread
// (cudaGetLastError would report it after our next, healthy launch); a sticky fault still shows.
bool nezha_kernels_attention_forward(const nezha_attention_params& p, std::string* message) {
  (void)cudaGetLastError();
  if (!check_problem(p, message)) return false;
  DeviceGuard guard((int)p.device);
  if (!guard.ok) return cuda_fail(message, "cudaSetDevice", guard.err);
  switch (p.dtype) {
    case NEZHA_FLOAT16: return dispatch_fwd<__half>(p, message);
    case NEZHA_BFLOAT16: return dispatch_fwd<__nv_bfloat16>(p, message);
    default: return dispatch_fwd<float>(p, message);
  }
}

bool nezha_kernels_attention_backward(const nezha_attention_params& p, std::string* message) {
  (void)cudaGetLastError();
  if (!check_problem(p, message)) return false;
  DeviceGuard guard((int)p.device);
  if (!guard.ok) return cuda_fail(message, "cudaSetDevice", guard.err);
  switch (p.dtype) {
    case NEZHA_FLOAT16: return dispatch_bwd<__half>(p, message);
    case NEZHA_BFLOAT16: return dispatch_bwd<__nv_bfloat16>(p, message);
    default: return dispatch_bwd<float>(p, message);
  }
}
