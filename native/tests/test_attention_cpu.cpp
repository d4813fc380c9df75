// The CPU fused attention against a naive float64 implementation of the formula in nezha_native.h:
// forward and backward, every dtype, odd lengths, key padding, dropout, q/k/v as strided views
// of one [B, L, 3, H, d] buffer, outputs poisoned with NaN beforehand.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "nezha_native.h"

namespace {

struct Case {
  int64_t B, L, H, d, K;
  bool mask;
  double dropout;
};

// Naive float64 reference; strides are those of contiguous [B, L, H, d] tensors.
struct Reference {
  const Case& c;
  std::vector<double> table;
  std::vector<uint8_t> mask;
  int64_t at(int64_t b, int64_t i, int64_t h) const { return ((b * c.L + i) * c.H + h) * c.d; }
  int64_t bucket(int64_t i, int64_t j) const {
    int64_t r = j - i;
    r = r < -c.K ? -c.K : (r > c.K ? c.K : r);
    return r + c.K;
  }
  double rel(int64_t i, int64_t j, int64_t e) const { return c.K > 0 ? table[bucket(i, j) * c.d + e] : 0.0; }
  double z(uint64_t seed, int64_t b, int64_t h, int64_t i, int64_t j) const {
    if (c.dropout == 0) return 1;
    return nezha_dropout_keep(seed, 7, c.H, c.L, b, h, i, j, c.dropout) ? 1 / (1 - c.dropout) : 0;
  }
  void run(const std::vector<double>& q, const std::vector<double>& k, const std::vector<double>& v,
           const std::vector<double>& dout, uint64_t seed, std::vector<double>& o, std::vector<double>& lse,
           std::vector<double>& dq, std::vector<double>& dk, std::vector<double>& dv) const {
    double scale = 1 / std::sqrt((double)c.d);
    o.assign(q.size(), 0); dq.assign(q.size(), 0); dk.assign(q.size(), 0); dv.assign(q.size(), 0);
    lse.assign(c.B * c.H * c.L, 0);
    for (int64_t b = 0; b < c.B; ++b)
      for (int64_t h = 0; h < c.H; ++h)
        for (int64_t i = 0; i < c.L; ++i) {
          std::vector<double> s(c.L), p(c.L, 0), dp(c.L, 0);
          double max = -INFINITY;
          for (int64_t j = 0; j < c.L; ++j) {
            double dot = 0;
            for (int64_t e = 0; e < c.d; ++e) dot += q[at(b, i, h) + e] * (k[at(b, j, h) + e] + rel(i, j, e));
            s[j] = mask[b * c.L + j] ? dot * scale : -INFINITY;
            max = std::fmax(max, s[j]);
          }
          if (max == -INFINITY) { lse[(b * c.H + h) * c.L + i] = -INFINITY; continue; }
          double sum = 0;
          for (int64_t j = 0; j < c.L; ++j) sum += s[j] == -INFINITY ? 0 : std::exp(s[j] - max);
          lse[(b * c.H + h) * c.L + i] = max + std::log(sum);
          for (int64_t j = 0; j < c.L; ++j) p[j] = s[j] == -INFINITY ? 0 : std::exp(s[j] - max) / sum;
          double delta = 0;
          for (int64_t j = 0; j < c.L; ++j) {
            double pt = p[j] * z(seed, b, h, i, j);
            double dpt = 0;
            for (int64_t e = 0; e < c.d; ++e) {
              double w = v[at(b, j, h) + e] + rel(i, j, e);
              o[at(b, i, h) + e] += pt * w;
              dpt += dout[at(b, i, h) + e] * w;
              dv[at(b, j, h) + e] += pt * dout[at(b, i, h) + e];
            }
            dp[j] = dpt * z(seed, b, h, i, j);
            delta += p[j] * dp[j];
          }
          for (int64_t j = 0; j < c.L; ++j) {
            double ds = p[j] * (dp[j] - delta) * scale;
            for (int64_t e = 0; e < c.d; ++e) {
              dq[at(b, i, h) + e] += ds * (k[at(b, j, h) + e] + rel(i, j, e));
              dk[at(b, j, h) + e] += ds * q[at(b, i, h) + e];
            }
          }
        }
  }
};

uint16_t to_half(double x) { _Float16 f = (_Float16)x; uint16_t h; std::memcpy(&h, &f, 2); return h; }
double from_half(uint16_t h) { _Float16 f; std::memcpy(&f, &h, 2); return (double)f; }
uint16_t to_bf16(double x) { float f = (float)x; uint32_t u; std::memcpy(&u, &f, 4); u += 0x7fff + ((u >> 16) & 1); return (uint16_t)(u >> 16); }
double from_bf16(uint16_t b) { uint32_t u = (uint32_t)b << 16; float f; std::memcpy(&f, &u, 4); return f; }

// A buffer in one dtype with element-wise double access.
struct Buffer {
  int dtype;
  std::vector<unsigned char> bytes;
  static size_t width(int dtype) { return dtype == NEZHA_FLOAT64 ? 8 : dtype == NEZHA_FLOAT32 ? 4 : 2; }
  Buffer(int dt, size_t n) : dtype(dt), bytes(n * width(dt), 0xFF) {}  // 0xFF.. is NaN in every dtype
  void set(size_t i, double x) {
    unsigned char* p = bytes.data() + i * width(dtype);
    if (dtype == NEZHA_FLOAT64) std::memcpy(p, &x, 8);
    else if (dtype == NEZHA_FLOAT32) { float f = (float)x; std::memcpy(p, &f, 4); }
    else { uint16_t h = dtype == NEZHA_FLOAT16 ? to_half(x) : to_bf16(x); std::memcpy(p, &h, 2); }
  }
  double get(size_t i) const {
    const unsigned char* p = bytes.data() + i * width(dtype);
    if (dtype == NEZHA_FLOAT64) { double x; std::memcpy(&x, p, 8); return x; }
    if (dtype == NEZHA_FLOAT32) { float f; std::memcpy(&f, p, 4); return f; }
    uint16_t h; std::memcpy(&h, p, 2);
    return dtype == NEZHA_FLOAT16 ? from_half(h) : from_bf16(h);
  }
};

int failures = 0;

void expect_close(const char* what, const Case& c, int dtype, const std::vector<double>& ref,
                  const std::function<double(size_t)>& got, double tolerance) {
  double scale = 1, worst = 0;  // inputs are O(1): errors are relative to max(1, max |ref|)
  for (double r : ref) if (std::isfinite(r)) scale = std::fmax(scale, std::fabs(r));
  for (size_t i = 0; i < ref.size(); ++i) {
    double g = got(i);
    double err = (std::isinf(ref[i]) && ref[i] == g) ? 0 : std::fabs(g - ref[i]) / scale;
    if (!(err <= worst)) worst = std::isnan(err) ? INFINITY : err;
  }
  if (!(worst <= tolerance)) {
    std::printf("FAILED %s dtype=%d B=%ld L=%ld H=%ld d=%ld K=%ld mask=%d dropout=%.2f: max rel error %.3g > %.3g\n", what,
                dtype, (long)c.B, (long)c.L, (long)c.H, (long)c.d, (long)c.K, c.mask, c.dropout, worst, tolerance);
    failures++;
  }
}

void check(const Case& c, int dtype, std::mt19937& rng) {
  std::normal_distribution<double> normal(0, 1);
  const int64_t n = c.B * c.L * c.H * c.d;
  Reference ref{c, {}, {}};
  ref.table.resize((2 * c.K + 1) * c.d);
  std::vector<float> table(ref.table.size());
  for (int64_t r = 0; r <= 2 * c.K; ++r)
    for (int64_t e = 0; e < c.d; e += 2) {
      double w = std::pow(10000.0, -(double)e / c.d);
      table[r * c.d + e] = (float)std::sin(r * w);
      table[r * c.d + e + 1] = (float)std::cos(r * w);
    }
  for (size_t i = 0; i < table.size(); ++i) ref.table[i] = table[i];
  ref.mask.assign(c.B * c.L, 1);
  if (c.mask)
    for (int64_t b = 0; b < c.B; ++b)
      for (int64_t j = c.L - (b * 3 + 1) % c.L; j < c.L && j > 0; ++j) ref.mask[b * c.L + j] = 0;
  // q, k, v interleaved in one [B, L, 3, H, d] buffer; values rounded to the dtype first.
  Buffer qkv(dtype, 3 * n), dout(dtype, n);
  std::vector<double> q(n), k(n), v(n), g(n);
  auto fused_index = [&](int64_t idx, int part) {
    int64_t e = idx % c.d, h = idx / c.d % c.H, i = idx / (c.d * c.H) % c.L, b = idx / (c.d * c.H * c.L);
    return (((b * c.L + i) * 3 + part) * c.H + h) * c.d + e;
  };
  for (int64_t idx = 0; idx < n; ++idx) {
    std::vector<double>* parts[3] = {&q, &k, &v};
    for (int part = 0; part < 3; ++part) {
      qkv.set(fused_index(idx, part), normal(rng));
      (*parts[part])[idx] = qkv.get(fused_index(idx, part));
    }
    dout.set(idx, normal(rng));
    g[idx] = dout.get(idx);
  }
  Buffer o(dtype, n), dq(dtype, 3 * n);
  Buffer &dk = dq, &dv = dq;  // gradients go into one [B, L, 3, H, d] buffer too
  std::vector<float> lse(c.B * c.H * c.L, NAN);
  nezha_attention_params p;
  std::memset(&p, 0, sizeof p);
  p.batch = c.B; p.seq_len = c.L; p.heads = c.H; p.head_dim = c.d; p.max_relative_position = c.K;
  p.dtype = dtype; p.device = -1; p.num_threads = 2; p.softmax_scale = 1 / std::sqrt((double)c.d);
  p.dropout_p = c.dropout; p.seed = 1234; p.offset = 7;
  int64_t fused_strides[4] = {c.L * 3 * c.H * c.d, 3 * c.H * c.d, c.d, 1};
  int64_t plain_strides[4] = {c.L * c.H * c.d, c.H * c.d, c.d, 1};
  size_t w = Buffer::width(dtype);
  p.q = qkv.bytes.data(); p.k = qkv.bytes.data() + n / (c.B * c.L) * w; p.v = qkv.bytes.data() + 2 * n / (c.B * c.L) * w;
  std::memcpy(p.q_stride, fused_strides, 32); std::memcpy(p.k_stride, fused_strides, 32); std::memcpy(p.v_stride, fused_strides, 32);
  p.o = o.bytes.data(); std::memcpy(p.o_stride, plain_strides, 32);
  p.lse = lse.data();
  p.key_mask = c.mask ? ref.mask.data() : nullptr; p.key_mask_batch_stride = c.L;
  p.table = table.data();
  p.dout = dout.bytes.data(); std::memcpy(p.dout_stride, plain_strides, 32);
  p.dq = dq.bytes.data(); p.dk = dq.bytes.data() + c.H * c.d * w; p.dv = dq.bytes.data() + 2 * c.H * c.d * w;
  std::memcpy(p.dq_stride, fused_strides, 32); std::memcpy(p.dk_stride, fused_strides, 32); std::memcpy(p.dv_stride, fused_strides, 32);
  int64_t fwd_bytes = 0, bwd_bytes = 0;
  if (nezha_attention_workspace_size(&p, &fwd_bytes, &bwd_bytes) != NEZHA_OK) { std::printf("FAILED workspace: %s\n", nezha_last_error()); failures++; return; }
  std::vector<unsigned char> workspace(std::max(fwd_bytes, bwd_bytes));
  p.workspace = workspace.data(); p.workspace_bytes = (int64_t)workspace.size();
  if (nezha_attention_forward(&p) != NEZHA_OK || nezha_attention_backward(&p) != NEZHA_OK) {
    std::printf("FAILED call: %s\n", nezha_last_error()); failures++; return;
  }
  std::vector<double> ro, rl, rdq, rdk, rdv;
  ref.run(q, k, v, g, p.seed, ro, rl, rdq, rdk, rdv);
  double tol = dtype == NEZHA_FLOAT64 ? 1e-12 : dtype == NEZHA_FLOAT32 ? 2e-5 : dtype == NEZHA_FLOAT16 ? 4e-3 : 3e-2;
  expect_close("o", c, dtype, ro, [&](size_t i) { return o.get(i); }, tol);
  expect_close("lse", c, dtype, rl, [&](size_t i) { return (double)lse[i]; }, dtype == NEZHA_FLOAT64 ? 1e-6 : tol);
  expect_close("dq", c, dtype, rdq, [&](size_t i) { return dq.get(fused_index(i, 0)); }, tol);
  expect_close("dk", c, dtype, rdk, [&](size_t i) { return dq.get(fused_index(i, 1)); }, tol);
  expect_close("dv", c, dtype, rdv, [&](size_t i) { return dq.get(fused_index(i, 2)); }, tol);
}

}  // namespace

int main() {
  std::mt19937 rng(42);
  const Case cases[] = {{1, 1, 1, 8, 2, false, 0},   {2, 7, 3, 16, 2, true, 0},    {1, 64, 2, 64, 64, false, 0},
                        {2, 77, 2, 32, 2, true, 0},  {1, 129, 1, 64, 64, true, 0}, {1, 300, 1, 24, 2, true, 0},
                        {2, 33, 2, 16, 4, true, 0.3}, {1, 50, 2, 64, 0, true, 0},  {1, 20, 1, 128, 64, false, 0.1}};
  const int dtypes[] = {NEZHA_FLOAT64, NEZHA_FLOAT32, NEZHA_FLOAT16, NEZHA_BFLOAT16};
  int checked = 0;
  for (const Case& c : cases)
    for (int dtype : dtypes) { check(c, dtype, rng); checked++; }
  std::printf("attention_cpu: %d cases, %d failures\n", checked, failures);
  return failures == 0 ? 0 : 1;
}
