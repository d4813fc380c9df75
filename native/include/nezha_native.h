/*
 * The C ABI of libnezha_native: the only contract the Java side (java-bindings) sees.
 * Every function that can fail returns a nezha_status; on failure nezha_last_error() gives a
 * readable message for the calling thread.
 */
#ifndef NEZHA_NATIVE_H
#define NEZHA_NATIVE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nezha_status {
  NEZHA_OK = 0,
  NEZHA_ERR_INVALID_ARGUMENT = 1,
  NEZHA_ERR_UNSUPPORTED = 2,
  NEZHA_ERR_CUDA = 3,
  NEZHA_ERR_INTERNAL = 4
} nezha_status;

/* Element types of attention tensors. FLOAT64 is CPU only (reference checks, finite differences). */
typedef enum nezha_dtype {
  NEZHA_FLOAT32 = 0,
  NEZHA_FLOAT16 = 1,
  NEZHA_BFLOAT16 = 2,
  NEZHA_FLOAT64 = 3
} nezha_dtype;

/* Version of the library, "MAJOR.MINOR.PATCH". */
const char* nezha_version(void);

/* 1 when the library was built with the CUDA kernels, 0 for a CPU-only build. */
int nezha_has_cuda(void);

/* The message of the last failed call on this thread ("" if none). */
const char* nezha_last_error(void);

/* Number of CUDA devices visible to the CUDA runtime (0 when none or CPU-only build). */
nezha_status nezha_cuda_device_count(int* count);

/*
 * Fused NEZHA attention, per batch b and head h (d = head_dim, K = max_relative_position):
 *   r_ij = clip(j - i, -K, K) + K
 *   s_ij = (q_i . k_j + q_i . T[r_ij]) * softmax_scale        (keys with key_mask 0 are excluded)
 *   p_ij = softmax_j(s_ij), then attention dropout: p~_ij = p_ij * z_ij / (1 - dropout_p)
 *   o_i  = sum_j p~_ij (v_j + T[r_ij])
 * With max_relative_position == 0 the T terms vanish (plain attention, table ignored).
 * No L x L matrix and no L x L x d tensor is ever stored: q.T^T is an L x (2K+1) band and the
 * value side sums probability mass per bucket r before one (2K+1) x d product.
 *
 * Tensors are addressed by element strides of the logical index [B, L, H, d] (batch, position,
 * head, channel); the channel stride must be 1, so q, k and v may be views of one fused QKV
 * projection output [B, L, 3, H, d]. lse is fp32 [B, H, L] contiguous. A query row whose keys are
 * all masked gets o_i = 0 and lse = -inf (its gradients are 0).
 *
 * Dropout: z_ij is a pure function of (seed, offset, b, h, i, j) (Philox-4x32-10, see
 * nezha_dropout_keep), so the backward regenerates the forward's mask and the CPU and CUDA
 * implementations drop the same elements.
 *
 * Every field is 8 bytes wide so the layout is the same for every compiler and for Panama.
 */
typedef struct nezha_attention_params {
  /* problem */
  int64_t batch, seq_len, heads, head_dim;
  int64_t max_relative_position; /* K >= 1 with a table, 0 for plain attention */
  int64_t dtype;                 /* nezha_dtype of q, k, v, o, dout, dq, dk, dv */
  int64_t device;                /* -1 = CPU, else the CUDA device ordinal the pointers live on */
  int64_t num_threads;           /* CPU worker threads, 0 = all hardware threads; ignored on CUDA */
  double softmax_scale;          /* usually 1 / sqrt(head_dim) */
  double dropout_p;              /* attention-probability dropout in [0, 1); 0 = off */
  uint64_t seed, offset;         /* the dropout RNG stream */
  /* forward inputs and outputs */
  const void* q;
  int64_t q_stride[4];
  const void* k;
  int64_t k_stride[4];
  const void* v;
  int64_t v_stride[4];
  void* o;
  int64_t o_stride[4];
  float* lse;                    /* forward: written when not NULL (training); backward: read */
  const uint8_t* key_mask;       /* [B, L] (1 = attend, 0 = padding), NULL = every key */
  int64_t key_mask_batch_stride; /* elements between batch rows of key_mask */
  const float* table;            /* [2K + 1, d] fp32 contiguous, on the same device as q */
  /* backward only: o and lse from the forward, dout in, dq/dk/dv out (overwritten) */
  const void* dout;
  int64_t dout_stride[4];
  void* dq;
  int64_t dq_stride[4];
  void* dk;
  int64_t dk_stride[4];
  void* dv;
  int64_t dv_stride[4];
  /* scratch memory of at least the queried size, on the device of q (never allocated inside) */
  void* workspace;
  int64_t workspace_bytes;
  void* stream;                  /* cudaStream_t, NULL = legacy default stream; ignored on CPU */
} nezha_attention_params;

/* sizeof(nezha_attention_params), for bindings to check their copy of the layout. */
int64_t nezha_attention_params_size(void);

/* Scratch bytes the forward and the backward need for this problem (shapes, dtype, device, threads). */
nezha_status nezha_attention_workspace_size(const nezha_attention_params* params, int64_t* forward_bytes,
                                            int64_t* backward_bytes);

/* Writes o (and lse when not NULL). Asynchronous on CUDA (the caller's stream). */
nezha_status nezha_attention_forward(const nezha_attention_params* params);

/* Writes dq, dk, dv from dout, using q, k, v, o and lse of the forward with the same seed/offset. */
nezha_status nezha_attention_backward(const nezha_attention_params* params);

/* Named ranges for profilers (NVTX, seen by nsys and ncu); no-ops in a CPU-only build. */
void nezha_profiler_range_push(const char* name);
void nezha_profiler_range_pop(void);

/* 1 when attention element (b, h, i, j) is kept by dropout with probability 1 - dropout_p. */
int nezha_dropout_keep(uint64_t seed, uint64_t offset, int64_t heads, int64_t seq_len, int64_t b, int64_t h,
                       int64_t i, int64_t j, double dropout_p);

#ifdef __cplusplus
}
#endif
#endif
