// CPU fused NEZHA attention, forward and backward. Compiled once per instruction set (NEZHA_ISA =
// avx512, avx2 or baseline, with matching -m flags) so the vector code below uses the widest
// registers the processor has; attention_cpu.cpp dispatches at run time.
//
// Work is split into tasks over (batch, head[, query chunk]); each thread converts the task's K
// and V once to the accumulation type in its own scratch, then walks the queries in blocks of
// QUERY_BLOCK rows: S = Q·Kᵀ and the band Q·Tᵀ with register-blocked loops, softmax per row, the
// value side as P·V plus (bucket mass)·T. The L×L scores exist only one query block at a time.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <omp.h>
#include <type_traits>
#include <vector>

#include "attention_cpu.h"
#include "nezha_philox.h"

#if !defined(NEZHA_ISA) || !defined(NEZHA_VECTOR_BYTES)
#error "compile with -DNEZHA_ISA=<namespace> -DNEZHA_VECTOR_BYTES=<register width>"
#endif

namespace nezha::cpu::NEZHA_ISA {
namespace {

// Floats per vector register of the target (NEZHA_VECTOR_BYTES: 64 AVX-512, 32 AVX2, 16 SSE2); all
// padded sizes are multiples of it. Wider vectors than the registers would spill.
constexpr int64_t LANES = NEZHA_VECTOR_BYTES / sizeof(float);
constexpr int64_t QUERY_BLOCK = 16; // query rows per block (a multiple of ROWS)
constexpr int64_t ROWS = 4;         // rows of the register block

typedef float vfloat __attribute__((vector_size(LANES * sizeof(float))));
typedef double vdouble __attribute__((vector_size(LANES * sizeof(double))));
template <class A> struct VectorOf;
template <> struct VectorOf<float> { using type = vfloat; };
template <> struct VectorOf<double> { using type = vdouble; };

template <class V, class A> inline V vload(const A* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}
template <class V, class A> inline void vstore(A* p, const V& v) { std::memcpy(p, &v, sizeof(V)); }

int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// ---- element types ---------------------------------------------------------------------------

inline float half_to_float(uint16_t h) {
  _Float16 f;
  std::memcpy(&f, &h, 2);
  return (float)f;
}
inline uint16_t float_to_half(float x) {
  _Float16 f = (_Float16)x;
  uint16_t h;
  std::memcpy(&h, &f, 2);
  return h;
}
inline float bf16_to_float(uint16_t b) {
  uint32_t bits = (uint32_t)b << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
inline uint16_t float_to_bf16(float x) {  // round to nearest even, NaN kept quiet
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return (uint16_t)(bits >> 16);
}

// Storage type S, accumulation type A, and conversions between them.
struct F32 {
  using S = float;
  using A = float;
  static A load(S x) { return x; }
  static S store(A x) { return x; }
};
struct F64 {
  using S = double;
  using A = double;
  static A load(S x) { return x; }
  static S store(A x) { return x; }
};
struct F16 {
  using S = uint16_t;
  using A = float;
  static A load(S x) { return half_to_float(x); }
  static S store(A x) { return float_to_half(x); }
};
struct BF16 {
  using S = uint16_t;
  using A = float;
  static A load(S x) { return bf16_to_float(x); }
  static S store(A x) { return float_to_bf16(x); }
};

// ---- math ------------------------------------------------------------------------------------

// exp for softmax: Cephes' range reduction and polynomial (relative error ~2e-7), written with
// plain arithmetic so the row loops vectorise. Inputs are ≤ 0 here (scores minus the row max).
inline float exp_approx(float x) {
  x = std::max(x, -87.0f);
  float n = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return y * scale;
}
inline double exp_approx(double x) { return std::exp(x); }

// The same on a whole vector: round-to-nearest by the 1.5·2^23 trick, 2^n by building the exponent bits.
typedef int32_t vint __attribute__((vector_size(LANES * sizeof(int32_t))));
inline vfloat exp_approx(vfloat x) {
  const vfloat lowest = vfloat{} - 87.0f;
  x = x < lowest ? lowest : x;
  const vfloat magic = vfloat{} + 12582912.0f;
  vfloat n = (x * 1.44269504088896341f + magic) - magic;
  vfloat r = x - n * 0.693359375f + n * 2.12194440e-4f;
  vfloat p = vfloat{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  vfloat y = p * r * r + r + 1.0f;
  vint bits = (__builtin_convertvector(n, vint) + 127) << 23;
  return y * (vfloat)bits;
}
inline vdouble exp_approx(vdouble x) {
  for (int64_t lane = 0; lane < LANES; ++lane) x[lane] = std::exp(x[lane]);
  return x;
}

// ---- register-blocked products (all sizes are multiples of ROWS resp. LANES) --------------------

// C[M×N] (+)= A·B with A given row-major (a[i*lda + k]) or transposed (a[k*lda + i]), B row-major.
template <class A, bool A_TRANSPOSED>
void matmul(int64_t m, int64_t n, int64_t kd, const A* a, int64_t lda, const A* b, int64_t ldb, A* c, int64_t ldc,
            bool accumulate) {
  using V = typename VectorOf<A>::type;
  for (int64_t i0 = 0; i0 < m; i0 += ROWS) {
    int64_t j0 = 0;
    for (; j0 + 2 * LANES <= n; j0 += 2 * LANES) {
      V acc[ROWS][2];
      for (int r = 0; r < ROWS; ++r) {
        acc[r][0] = accumulate ? vload<V>(c + (i0 + r) * ldc + j0) : V{};
        acc[r][1] = accumulate ? vload<V>(c + (i0 + r) * ldc + j0 + LANES) : V{};
      }
      for (int64_t k = 0; k < kd; ++k) {
        V b0 = vload<V>(b + k * ldb + j0), b1 = vload<V>(b + k * ldb + j0 + LANES);
        for (int r = 0; r < ROWS; ++r) {
          A s = A_TRANSPOSED ? a[k * lda + i0 + r] : a[(i0 + r) * lda + k];
          acc[r][0] += s * b0;
          acc[r][1] += s * b1;
        }
      }
      for (int r = 0; r < ROWS; ++r) {
        vstore(c + (i0 + r) * ldc + j0, acc[r][0]);
        vstore(c + (i0 + r) * ldc + j0 + LANES, acc[r][1]);
      }
    }
    for (; j0 < n; j0 += LANES) {
      V acc[ROWS];
      for (int r = 0; r < ROWS; ++r) acc[r] = accumulate ? vload<V>(c + (i0 + r) * ldc + j0) : V{};
      for (int64_t k = 0; k < kd; ++k) {
        V b0 = vload<V>(b + k * ldb + j0);
        for (int r = 0; r < ROWS; ++r) acc[r] += (A_TRANSPOSED ? a[k * lda + i0 + r] : a[(i0 + r) * lda + k]) * b0;
      }
      for (int r = 0; r < ROWS; ++r) vstore(c + (i0 + r) * ldc + j0, acc[r]);
    }
  }
}

// ---- scratch ---------------------------------------------------------------------------------

// Carves one thread's scratch into buffers; with base == nullptr it only counts the bytes.
class Carver {
 public:
  explicit Carver(char* base) : base_(base) {}
  template <class A> A* take(int64_t elements) {
    used_ = round_up(used_, 64);
    A* p = base_ ? reinterpret_cast<A*>(base_ + used_) : nullptr;
    used_ += elements * (int64_t)sizeof(A);
    return p;
  }
  int64_t used() const { return round_up(used_, 64); }

 private:
  char* base_;
  int64_t used_ = 0;
};

// The padded sizes of a problem.
struct Dims {
  int64_t B, L, H, d, K, R;  // R = 2K + 1 buckets, 0 for plain attention
  int64_t Lp, dp, Rp;        // padded to LANES
  explicit Dims(const nezha_attention_params& p)
      : B(p.batch), L(p.seq_len), H(p.heads), d(p.head_dim), K(p.max_relative_position),
        R(p.max_relative_position > 0 ? 2 * p.max_relative_position + 1 : 0),
        Lp(round_up(p.seq_len, LANES)), dp(round_up(p.head_dim, LANES)), Rp(round_up(R, LANES)) {}
};

// One (batch, head) slice's keys, values and the table in the accumulation type, zero-padded.
template <class A> struct Operands {
  A* kt = nullptr;    // [dp][Lp] keys transposed (scores)
  A* kf = nullptr;    // [Lp][dp] keys (dq, backward only)
  A* vf = nullptr;    // [Lp][dp] values (forward)
  A* vt = nullptr;    // [dp][Lp] values transposed (dP, backward only)
  A* tt = nullptr;    // [dp][Rp] table transposed (q·Tᵀ band)
  A* tf = nullptr;    // [Rp][dp] table (mass·T)
  A* bias = nullptr;  // [Lp] 0 for keys to attend, -inf for padding and masked keys
};

template <class A> Operands<A> carve_operands(Carver& c, const Dims& x, bool backward) {
  Operands<A> o;
  o.kt = c.take<A>(x.dp * x.Lp);
  if (backward) {
    o.kf = c.take<A>(x.Lp * x.dp);
    o.vt = c.take<A>(x.dp * x.Lp);
  } else {
    o.vf = c.take<A>(x.Lp * x.dp);
  }
  if (x.R > 0) {
    o.tt = c.take<A>(x.dp * x.Rp);
    o.tf = c.take<A>(x.Rp * x.dp);
  }
  o.bias = c.take<A>(x.Lp);
  return o;
}

inline int64_t offset(const int64_t* stride, int64_t b, int64_t i, int64_t h) {
  return b * stride[0] + i * stride[1] + h * stride[2];
}

template <class T>
void load_operands(const nezha_attention_params& p, const Dims& x, int64_t b, int64_t h, Operands<typename T::A>& o) {
  using A = typename T::A;
  const auto* k = static_cast<const typename T::S*>(p.k);
  const auto* v = static_cast<const typename T::S*>(p.v);
  std::fill(o.kt, o.kt + x.dp * x.Lp, A(0));
  if (o.kf) std::fill(o.kf, o.kf + x.Lp * x.dp, A(0));
  if (o.vf) std::fill(o.vf, o.vf + x.Lp * x.dp, A(0));
  if (o.vt) std::fill(o.vt, o.vt + x.dp * x.Lp, A(0));
  for (int64_t j = 0; j < x.L; ++j) {
    const auto* kj = k + offset(p.k_stride, b, j, h);
    const auto* vj = v + offset(p.v_stride, b, j, h);
    for (int64_t c = 0; c < x.d; ++c) {
      A kv = T::load(kj[c]), vv = T::load(vj[c]);
      o.kt[c * x.Lp + j] = kv;
      if (o.kf) o.kf[j * x.dp + c] = kv;
      if (o.vf) o.vf[j * x.dp + c] = vv;
      if (o.vt) o.vt[c * x.Lp + j] = vv;
    }
  }
  const A minus_inf = -std::numeric_limits<A>::infinity();
  for (int64_t j = 0; j < x.Lp; ++j) {
    bool attend = j < x.L && (p.key_mask == nullptr || p.key_mask[b * p.key_mask_batch_stride + j] != 0);
    o.bias[j] = attend ? A(0) : minus_inf;
  }
  if (x.R > 0) {
    std::fill(o.tt, o.tt + x.dp * x.Rp, A(0));
    std::fill(o.tf, o.tf + x.Rp * x.dp, A(0));
    for (int64_t r = 0; r < x.R; ++r) {
      for (int64_t c = 0; c < x.d; ++c) {
        A t = (A)p.table[r * x.d + c];
        o.tt[c * x.Rp + r] = t;
        o.tf[r * x.dp + c] = t;
      }
    }
  }
}

// Copies rows [i0, i0 + rows) of a [B, L, H, d] tensor into a zero-padded [QUERY_BLOCK][dp] block.
template <class T>
void load_rows(const void* base, const int64_t* stride, const Dims& x, int64_t b, int64_t h, int64_t i0,
               int64_t rows, typename T::A* out) {
  using A = typename T::A;
  const auto* t = static_cast<const typename T::S*>(base);
  std::fill(out, out + QUERY_BLOCK * x.dp, A(0));
  for (int64_t r = 0; r < rows; ++r) {
    const auto* src = t + offset(stride, b, i0 + r, h);
    for (int64_t c = 0; c < x.d; ++c) out[r * x.dp + c] = T::load(src[c]);
  }
}

template <class T>
void store_rows(void* base, const int64_t* stride, const Dims& x, int64_t b, int64_t h, int64_t i0, int64_t rows,
                const typename T::A* in, typename T::A factor) {
  auto* t = static_cast<typename T::S*>(base);
  for (int64_t r = 0; r < rows; ++r) {
    auto* dst = t + offset(stride, b, i0 + r, h);
    for (int64_t c = 0; c < x.d; ++c) dst[c] = T::store(in[r * x.dp + c] * factor);
  }
}

// The three key ranges of query i: [0, lo) all in bucket 0, [lo, hi) one bucket each (r = j − i + K),
// [hi, L) all in bucket 2K.
struct Band {
  int64_t lo, hi;
  Band(int64_t i, const Dims& x) : lo(std::clamp(i - x.K, (int64_t)0, x.L)), hi(std::clamp(i + x.K + 1, (int64_t)0, x.L)) {}
};

// Scores of row i in place: s_ij = (S_ij + qt[r_ij]) · scale + bias_j over j < L; returns the row max.
template <class A>
A scores_row(A* s, const A* qt, const A* bias, int64_t i, const Dims& x, A scale) {
  if (x.R > 0) {
    Band band(i, x);
    const A left = qt[0], right = qt[2 * x.K];
    for (int64_t j = 0; j < band.lo; ++j) s[j] += left;
    for (int64_t j = band.lo; j < band.hi; ++j) s[j] += qt[j - i + x.K];
    for (int64_t j = band.hi; j < x.L; ++j) s[j] += right;
  }
  // over the padded row: bias is −inf past L, so the padding never wins the max
  using V = typename VectorOf<A>::type;
  const V vscale = V{} + scale;
  V vmax = V{} - std::numeric_limits<A>::infinity();
  for (int64_t j = 0; j < x.Lp; j += LANES) {
    V v = vload<V>(s + j) * vscale + vload<V>(bias + j);
    vstore(s + j, v);
    vmax = v > vmax ? v : vmax;
  }
  A max = vmax[0];
  for (int64_t lane = 1; lane < LANES; ++lane) max = std::max(max, (A)vmax[lane]);
  return max;
}

// p_ij = exp(s_ij − shift) in place over the padded row (0 for masked keys and padding); returns the sum.
template <class A> A exp_row(A* s, int64_t padded_length, A shift) {
  using V = typename VectorOf<A>::type;
  const V minus_inf = V{} - std::numeric_limits<A>::infinity(), zero = V{}, vshift = V{} + shift;
  V sum = zero;
  for (int64_t j = 0; j < padded_length; j += LANES) {
    V v = vload<V>(s + j);
    V e = v == minus_inf ? zero : exp_approx(v - vshift);
    vstore(s + j, e);
    sum += e;
  }
  A total = 0;
  for (int64_t lane = 0; lane < LANES; ++lane) total += sum[lane];
  return total;
}

// log Σ_j exp(s_ij) of row i, from the raw block scores (left unchanged).
template <class A> A row_lse(const A* raw, const A* qt, const A* bias, int64_t i, const Dims& x, A scale) {
  std::vector<A> s(raw, raw + x.Lp);
  A max = scores_row(s.data(), qt, bias, i, x, scale);
  return max + std::log(exp_row(s.data(), x.Lp, max));
}

struct Dropout {
  bool on;
  uint32_t threshold;
  double keep_scale;
  explicit Dropout(const nezha_attention_params& p)
      : on(p.dropout_p > 0), threshold(dropout_threshold(p.dropout_p)), keep_scale(1.0 / (1.0 - p.dropout_p)) {}
};

// Row i of p: multiplies by z_ij / (1 − p) (the dropped-and-rescaled probabilities p̃).
template <class A>
void drop_row(A* row, const nezha_attention_params& p, const Dropout& drop, const Dims& x, int64_t b, int64_t h,
              int64_t i) {
  uint64_t base = (uint64_t)(((b * x.H + h) * x.L + i) * x.L);
  const A scale = (A)drop.keep_scale;
  for (int64_t j = 0; j < x.L; ++j) {
    row[j] = dropout_keep(p.seed, p.offset, base + (uint64_t)j, drop.threshold) ? row[j] * scale : A(0);
  }
}

// Sums the row's values per bucket: mass[r] = Σ_{j: r_ij = r} row[j].
template <class A> void bucket_row(const A* row, A* mass, int64_t i, const Dims& x) {
  Band band(i, x);
  std::fill(mass, mass + x.Rp, A(0));
  A left = 0, right = 0;
  for (int64_t j = 0; j < band.lo; ++j) left += row[j];
  for (int64_t j = band.hi; j < x.L; ++j) right += row[j];
  for (int64_t j = band.lo; j < band.hi; ++j) mass[j - i + x.K] += row[j];
  mass[0] += left;
  mass[2 * x.K] += right;
}

// Hands out tasks to the worker threads; each thread gets its own slice of the workspace. The
// threads are OpenMP's, and in the JVM that is the libgomp libtorch already runs: one pool for
// libtorch's ops and ours, so neither oversubscribes the cores while the other's workers spin.
template <class Body>
void run_tasks(int64_t tasks, int threads, const nezha_attention_params& p, int64_t task_bytes, Body body) {
  std::atomic<int64_t> next{0};
  const int used = (int)std::min<int64_t>(threads, tasks);
#pragma omp parallel num_threads(used)
  {
    char* scratch = static_cast<char*>(p.workspace) + (int64_t)omp_get_thread_num() * task_bytes;
    for (int64_t task = next++; task < tasks; task = next++) body(task, scratch);
  }
}

// ---- forward ---------------------------------------------------------------------------------

template <class A> struct ForwardScratch {
  Operands<A> ops;
  A *q, *s, *qt, *mass, *o;
};

template <class A> ForwardScratch<A> carve_forward(Carver& c, const Dims& x) {
  ForwardScratch<A> f;
  f.ops = carve_operands<A>(c, x, false);
  f.q = c.take<A>(QUERY_BLOCK * x.dp);
  f.s = c.take<A>(QUERY_BLOCK * x.Lp);
  f.qt = c.take<A>(QUERY_BLOCK * x.Rp);
  f.mass = c.take<A>(QUERY_BLOCK * x.Rp);
  f.o = c.take<A>(QUERY_BLOCK * x.dp);
  return f;
}

// Query chunks per (batch, head) so that there are enough tasks to keep every thread busy.
int64_t chunks_per_head(const Dims& x, int threads) {
  int64_t blocks = (x.L + QUERY_BLOCK - 1) / QUERY_BLOCK;
  int64_t wanted = (4 * (int64_t)threads + x.B * x.H - 1) / (x.B * x.H);
  return std::clamp<int64_t>(wanted, 1, blocks);
}

template <class T> void forward_typed(const nezha_attention_params& p, int threads) {
  using A = typename T::A;
  const Dims x(p);
  const Dropout drop(p);
  const A scale = (A)p.softmax_scale;
  const int64_t chunks = chunks_per_head(x, threads);
  const int64_t blocks = (x.L + QUERY_BLOCK - 1) / QUERY_BLOCK;
  const int64_t blocks_per_chunk = (blocks + chunks - 1) / chunks;
  run_tasks(x.B * x.H * chunks, threads, p, task_bytes(p, false), [&](int64_t task, char* scratch) {
    Carver carver(scratch);
    ForwardScratch<A> f = carve_forward<A>(carver, x);
    const int64_t chunk = task % chunks, bh = task / chunks, b = bh / x.H, h = bh % x.H;
    load_operands<T>(p, x, b, h, f.ops);
    const int64_t first = chunk * blocks_per_chunk * QUERY_BLOCK;
    const int64_t last = std::min(x.L, (chunk + 1) * blocks_per_chunk * QUERY_BLOCK);
    for (int64_t i0 = first; i0 < last; i0 += QUERY_BLOCK) {
      const int64_t rows = std::min(QUERY_BLOCK, x.L - i0);
      load_rows<T>(p.q, p.q_stride, x, b, h, i0, rows, f.q);
      matmul<A, false>(QUERY_BLOCK, x.Lp, x.dp, f.q, x.dp, f.ops.kt, x.Lp, f.s, x.Lp, false);
      if (x.R > 0) matmul<A, false>(QUERY_BLOCK, x.Rp, x.dp, f.q, x.dp, f.ops.tt, x.Rp, f.qt, x.Rp, false);
      for (int64_t r = 0; r < QUERY_BLOCK; ++r) {
        A* s = f.s + r * x.Lp;
        const int64_t i = i0 + r;
        if (r >= rows) {  // padding rows of the last block contribute nothing
          std::fill(s, s + x.Lp, A(0));
          if (x.R > 0) std::fill(f.mass + r * x.Rp, f.mass + (r + 1) * x.Rp, A(0));
          continue;
        }
        A max = scores_row(s, f.qt + r * x.Rp, f.ops.bias, i, x, scale);
        A lse = -std::numeric_limits<A>::infinity();
        if (max == -std::numeric_limits<A>::infinity()) {
          std::fill(s, s + x.Lp, A(0));  // every key masked: o_i = 0
        } else {
          A sum = exp_row(s, x.Lp, max);
          lse = max + std::log(sum);
          const A inv = A(1) / sum;
          for (int64_t j = 0; j < x.L; ++j) s[j] *= inv;
          if (drop.on) drop_row(s, p, drop, x, b, h, i);
        }
        std::fill(s + x.L, s + x.Lp, A(0));
        if (x.R > 0) bucket_row(s, f.mass + r * x.Rp, i, x);
        if (p.lse) p.lse[(b * x.H + h) * x.L + i] = (float)lse;
      }
      matmul<A, false>(QUERY_BLOCK, x.dp, x.Lp, f.s, x.Lp, f.ops.vf, x.dp, f.o, x.dp, false);
      if (x.R > 0) matmul<A, false>(QUERY_BLOCK, x.dp, x.Rp, f.mass, x.Rp, f.ops.tf, x.dp, f.o, x.dp, true);
      store_rows<T>(p.o, p.o_stride, x, b, h, i0, rows, f.o, A(1));
    }
  });
}

// ---- backward --------------------------------------------------------------------------------

template <class A> struct BackwardScratch {
  Operands<A> ops;
  A *q, *dout, *out, *dq;  // [QUERY_BLOCK][dp]
  A *s, *dp;               // [QUERY_BLOCK][Lp]: scores → p̃, dP̃ → ds
  A *qt, *dot, *mass;      // [QUERY_BLOCK][Rp]
  A *dk, *dv;              // [Lp][dp] accumulated over all queries
  A* delta;                // [QUERY_BLOCK] D_i = dout_i · o_i
};

template <class A> BackwardScratch<A> carve_backward(Carver& c, const Dims& x) {
  BackwardScratch<A> g;
  g.ops = carve_operands<A>(c, x, true);
  g.q = c.take<A>(QUERY_BLOCK * x.dp);
  g.dout = c.take<A>(QUERY_BLOCK * x.dp);
  g.out = c.take<A>(QUERY_BLOCK * x.dp);
  g.dq = c.take<A>(QUERY_BLOCK * x.dp);
  g.s = c.take<A>(QUERY_BLOCK * x.Lp);
  g.dp = c.take<A>(QUERY_BLOCK * x.Lp);
  g.qt = c.take<A>(QUERY_BLOCK * x.Rp);
  g.dot = c.take<A>(QUERY_BLOCK * x.Rp);
  g.mass = c.take<A>(QUERY_BLOCK * x.Rp);
  g.dk = c.take<A>(x.Lp * x.dp);
  g.dv = c.take<A>(x.Lp * x.dp);
  g.delta = c.take<A>(QUERY_BLOCK);
  return g;
}

// Turns row i of the block into p̃ (in s) and ds (in dp), given the recomputed scores in s and dout·vᵀ in dp.
template <class A>
void gradient_row(A* s, A* dp, const A* qt, const A* dot, A delta, A lse, const nezha_attention_params& p,
                  const Dropout& drop, const Dims& x, const A* bias, int64_t b, int64_t h, int64_t i, A scale) {
  scores_row(s, qt, bias, i, x, scale);
  exp_row(s, x.Lp, lse);  // p_ij
  if (x.R > 0) {  // dP̃_ij = dout_i·v_j + dout_i·T[r_ij]
    Band band(i, x);
    const A left = dot[0], right = dot[2 * x.K];
    for (int64_t j = 0; j < band.lo; ++j) dp[j] += left;
    for (int64_t j = band.lo; j < band.hi; ++j) dp[j] += dot[j - i + x.K];
    for (int64_t j = band.hi; j < x.L; ++j) dp[j] += right;
  }
  if (drop.on) {
    uint64_t base = (uint64_t)(((b * x.H + h) * x.L + i) * x.L);
    const A keep_scale = (A)drop.keep_scale;
    for (int64_t j = 0; j < x.L; ++j) {
      A z = dropout_keep(p.seed, p.offset, base + (uint64_t)j, drop.threshold) ? keep_scale : A(0);
      A prob = s[j];
      dp[j] = prob * (dp[j] * z - delta);  // ds
      s[j] = prob * z;                     // p̃
    }
  } else {
    for (int64_t j = 0; j < x.L; ++j) dp[j] = s[j] * (dp[j] - delta);
  }
}

template <class T> void backward_typed(const nezha_attention_params& p, int threads) {
  using A = typename T::A;
  const Dims x(p);
  const Dropout drop(p);
  const A scale = (A)p.softmax_scale;
  run_tasks(x.B * x.H, threads, p, task_bytes(p, true), [&](int64_t bh, char* scratch) {
    Carver carver(scratch);
    BackwardScratch<A> g = carve_backward<A>(carver, x);
    const int64_t b = bh / x.H, h = bh % x.H;
    load_operands<T>(p, x, b, h, g.ops);
    std::fill(g.dk, g.dk + x.Lp * x.dp, A(0));
    std::fill(g.dv, g.dv + x.Lp * x.dp, A(0));
    for (int64_t i0 = 0; i0 < x.L; i0 += QUERY_BLOCK) {
      const int64_t rows = std::min(QUERY_BLOCK, x.L - i0);
      load_rows<T>(p.q, p.q_stride, x, b, h, i0, rows, g.q);
      load_rows<T>(p.dout, p.dout_stride, x, b, h, i0, rows, g.dout);
      load_rows<T>(p.o, p.o_stride, x, b, h, i0, rows, g.out);
      matmul<A, false>(QUERY_BLOCK, x.Lp, x.dp, g.q, x.dp, g.ops.kt, x.Lp, g.s, x.Lp, false);
      matmul<A, false>(QUERY_BLOCK, x.Lp, x.dp, g.dout, x.dp, g.ops.vt, x.Lp, g.dp, x.Lp, false);
      if (x.R > 0) {
        matmul<A, false>(QUERY_BLOCK, x.Rp, x.dp, g.q, x.dp, g.ops.tt, x.Rp, g.qt, x.Rp, false);
        matmul<A, false>(QUERY_BLOCK, x.Rp, x.dp, g.dout, x.dp, g.ops.tt, x.Rp, g.dot, x.Rp, false);
      }
      for (int64_t r = 0; r < QUERY_BLOCK; ++r) {
        A* s = g.s + r * x.Lp;
        A* dp = g.dp + r * x.Lp;
        const int64_t i = i0 + r;
        A lse = r < rows ? (A)p.lse[(b * x.H + h) * x.L + i] : -std::numeric_limits<A>::infinity();
        if constexpr (std::is_same_v<A, double>) {  // lse is stored in fp32: recompute it to keep float64 exact
          if (lse != -std::numeric_limits<A>::infinity()) lse = row_lse(s, g.qt + r * x.Rp, g.ops.bias, i, x, scale);
        }
        if (lse == -std::numeric_limits<A>::infinity()) {  // padding row or every key masked
          std::fill(s, s + x.Lp, A(0));
          std::fill(dp, dp + x.Lp, A(0));
        } else {
          A delta = 0;
          for (int64_t c = 0; c < x.d; ++c) delta += g.dout[r * x.dp + c] * g.out[r * x.dp + c];
          gradient_row(s, dp, g.qt + r * x.Rp, g.dot + r * x.Rp, delta, lse, p, drop, x, g.ops.bias, b, h, i, scale);
          std::fill(s + x.L, s + x.Lp, A(0));
          std::fill(dp + x.L, dp + x.Lp, A(0));
        }
        if (x.R > 0) {
          if (lse == -std::numeric_limits<A>::infinity()) std::fill(g.mass + r * x.Rp, g.mass + (r + 1) * x.Rp, A(0));
          else bucket_row(dp, g.mass + r * x.Rp, i, x);
        }
      }
      // dv += p̃ᵀ·dout, dk += dsᵀ·q (scale applied at the end), dq = (ds·k + mass(ds)·T) · scale
      matmul<A, true>(x.Lp, x.dp, QUERY_BLOCK, g.s, x.Lp, g.dout, x.dp, g.dv, x.dp, true);
      matmul<A, true>(x.Lp, x.dp, QUERY_BLOCK, g.dp, x.Lp, g.q, x.dp, g.dk, x.dp, true);
      matmul<A, false>(QUERY_BLOCK, x.dp, x.Lp, g.dp, x.Lp, g.ops.kf, x.dp, g.dq, x.dp, false);
      if (x.R > 0) matmul<A, false>(QUERY_BLOCK, x.dp, x.Rp, g.mass, x.Rp, g.ops.tf, x.dp, g.dq, x.dp, true);
      store_rows<T>(p.dq, p.dq_stride, x, b, h, i0, rows, g.dq, scale);
    }
    for (int64_t j0 = 0; j0 < x.L; j0 += QUERY_BLOCK) {
      const int64_t rows = std::min(QUERY_BLOCK, x.L - j0);
      store_rows<T>(p.dk, p.dk_stride, x, b, h, j0, rows, g.dk + j0 * x.dp, scale);
      store_rows<T>(p.dv, p.dv_stride, x, b, h, j0, rows, g.dv + j0 * x.dp, A(1));
    }
  });
}

template <template <class> class Fn> void by_dtype(const nezha_attention_params& p, int threads) {
  switch (p.dtype) {
    case NEZHA_FLOAT32: Fn<F32>::run(p, threads); break;
    case NEZHA_FLOAT64: Fn<F64>::run(p, threads); break;
    case NEZHA_FLOAT16: Fn<F16>::run(p, threads); break;
    case NEZHA_BFLOAT16: Fn<BF16>::run(p, threads); break;
  }
}
template <class T> struct Forward {
  static void run(const nezha_attention_params& p, int threads) { forward_typed<T>(p, threads); }
};
template <class T> struct Backward {
  static void run(const nezha_attention_params& p, int threads) { backward_typed<T>(p, threads); }
};

}  // namespace

int64_t task_bytes(const nezha_attention_params& p, bool backward) {
  const Dims x(p);
  Carver c(nullptr);
  bool wide = p.dtype == NEZHA_FLOAT64;
  if (backward) {
    if (wide) carve_backward<double>(c, x); else carve_backward<float>(c, x);
  } else {
    if (wide) carve_forward<double>(c, x); else carve_forward<float>(c, x);
  }
  return c.used();
}

void forward(const nezha_attention_params& p, int threads) { by_dtype<Forward>(p, threads); }
void backward(const nezha_attention_params& p, int threads) { by_dtype<Backward>(p, threads); }

}  // namespace nezha::cpu::NEZHA_ISA
