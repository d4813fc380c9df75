#include "nezha_native.h"

#include <cmath>
#include <string>

#include "attention_cpu.h"
#include "nezha_philox.h"

#ifdef NEZHA_HAVE_CUDA
#include <nvtx3/nvToolsExt.h>

#include "nezha_kernels.h"
#endif

namespace {
thread_local std::string last_error;

nezha_status fail(nezha_status status, const std::string& message) {
  last_error = message;
  return status;
}

// Checks what does not depend on the device; returns "" when the params are usable.
std::string invalid(const nezha_attention_params* p, bool backward) {
  if (p == nullptr) return "params is NULL";
  if (p->batch < 1 || p->seq_len < 1 || p->heads < 1 || p->head_dim < 1) {
    return "batch, seq_len, heads and head_dim must be at least 1 (got " + std::to_string(p->batch) + ", " +
           std::to_string(p->seq_len) + ", " + std::to_string(p->heads) + ", " + std::to_string(p->head_dim) + ")";
  }
  if (p->dtype < NEZHA_FLOAT32 || p->dtype > NEZHA_FLOAT64) return "unknown dtype " + std::to_string(p->dtype);
  if (p->max_relative_position < 0) return "max_relative_position must be >= 0";
  if (p->max_relative_position > 0 && p->table == nullptr) return "max_relative_position > 0 needs the table";
  if (!(p->softmax_scale > 0) || !std::isfinite(p->softmax_scale)) return "softmax_scale must be a positive number";
  if (!(p->dropout_p >= 0 && p->dropout_p < 1)) return "dropout_p must be in [0, 1)";
  if (p->device < -1) return "device must be -1 (CPU) or a CUDA ordinal";
  struct Operand {
    const char* name;
    const void* data;
    const int64_t* stride;
  };
  const Operand forward_operands[] = {{"q", p->q, p->q_stride}, {"k", p->k, p->k_stride}, {"v", p->v, p->v_stride},
                                      {"o", p->o, p->o_stride}};
  const Operand backward_operands[] = {{"dout", p->dout, p->dout_stride}, {"dq", p->dq, p->dq_stride},
                                       {"dk", p->dk, p->dk_stride}, {"dv", p->dv, p->dv_stride}};
  for (int part = 0; part < (backward ? 2 : 1); ++part) {
    for (const Operand& t : part == 0 ? forward_operands : backward_operands) {
      if (t.data == nullptr) return std::string(t.name) + " is NULL";
      if (t.stride[3] != 1) return std::string(t.name) + ": the head_dim stride must be 1, got " + std::to_string(t.stride[3]);
    }
  }
  if (backward && p->lse == nullptr) return "the backward needs lse from the forward";
  if (p->key_mask != nullptr && p->batch > 1 && p->key_mask_batch_stride < p->seq_len) {
    return "key_mask_batch_stride must be at least seq_len";
  }
  return "";
}

nezha_status run(const nezha_attention_params* p, bool backward, const char* name) {
  std::string problem = invalid(p, backward);
  if (!problem.empty()) return fail(NEZHA_ERR_INVALID_ARGUMENT, std::string(name) + ": " + problem);
  if (p->device == -1) {
    int64_t needed = nezha::cpu::workspace_bytes(*p, backward);
    if (p->workspace == nullptr || p->workspace_bytes < needed) {
      return fail(NEZHA_ERR_INVALID_ARGUMENT, std::string(name) + ": workspace of " + std::to_string(p->workspace_bytes) +
                                                  " bytes given, " + std::to_string(needed) + " needed");
    }
    try {
      if (backward) nezha::cpu::backward(*p);
      else nezha::cpu::forward(*p);
    } catch (const std::exception& e) {
      return fail(NEZHA_ERR_INTERNAL, std::string(name) + ": " + e.what());
    }
    return NEZHA_OK;
  }
#ifdef NEZHA_HAVE_CUDA
  std::string message;
  bool ok = backward ? nezha_kernels_attention_backward(*p, &message) : nezha_kernels_attention_forward(*p, &message);
  return ok ? NEZHA_OK : fail(NEZHA_ERR_CUDA, std::string(name) + ": " + message);
#else
  return fail(NEZHA_ERR_UNSUPPORTED, std::string(name) + ": this libnezha_native was built without CUDA");
#endif
}
}  // namespace

extern "C" {

const char* nezha_version(void) { return NEZHA_NATIVE_VERSION; }

int nezha_has_cuda(void) {
#ifdef NEZHA_HAVE_CUDA
  return 1;
#else
  return 0;
#endif
}

const char* nezha_last_error(void) { return last_error.c_str(); }

nezha_status nezha_cuda_device_count(int* count) {
  if (count == nullptr) return fail(NEZHA_ERR_INVALID_ARGUMENT, "nezha_cuda_device_count: count is NULL");
  *count = 0;
#ifdef NEZHA_HAVE_CUDA
  std::string message;
  if (!nezha_kernels_device_count(count, &message)) {
    // No driver or no device is not an error for callers that only probe.
    *count = 0;
    last_error = message;
  }
#endif
  return NEZHA_OK;
}

int64_t nezha_attention_params_size(void) { return (int64_t)sizeof(nezha_attention_params); }

nezha_status nezha_attention_workspace_size(const nezha_attention_params* params, int64_t* forward_bytes,
                                            int64_t* backward_bytes) {
  if (forward_bytes == nullptr || backward_bytes == nullptr) {
    return fail(NEZHA_ERR_INVALID_ARGUMENT, "nezha_attention_workspace_size: output pointer is NULL");
  }
  std::string problem = invalid(params, false);
  if (!problem.empty()) return fail(NEZHA_ERR_INVALID_ARGUMENT, "nezha_attention_workspace_size: " + problem);
  if (params->device == -1) {
    *forward_bytes = nezha::cpu::workspace_bytes(*params, false);
    *backward_bytes = nezha::cpu::workspace_bytes(*params, true);
    return NEZHA_OK;
  }
#ifdef NEZHA_HAVE_CUDA
  std::string message;
  if (!nezha_kernels_attention_workspace(*params, forward_bytes, backward_bytes, &message)) {
    return fail(NEZHA_ERR_CUDA, "nezha_attention_workspace_size: " + message);
  }
  return NEZHA_OK;
#else
  return fail(NEZHA_ERR_UNSUPPORTED, "nezha_attention_workspace_size: this libnezha_native was built without CUDA");
#endif
}

nezha_status nezha_attention_forward(const nezha_attention_params* params) {
  return run(params, false, "nezha_attention_forward");
}

nezha_status nezha_attention_backward(const nezha_attention_params* params) {
  return run(params, true, "nezha_attention_backward");
}

void nezha_profiler_range_push(const char* name) {
#ifdef NEZHA_HAVE_CUDA
  nvtxRangePushA(name);
#else
  (void)name;
#endif
}

void nezha_profiler_range_pop(void) {
#ifdef NEZHA_HAVE_CUDA
  nvtxRangePop();
#endif
}

int nezha_dropout_keep(uint64_t seed, uint64_t offset, int64_t heads, int64_t seq_len, int64_t b, int64_t h, int64_t i,
                       int64_t j, double dropout_p) {
  uint64_t n = (uint64_t)(((b * heads + h) * seq_len + i) * seq_len + j);
  return nezha::dropout_keep(seed, offset, n, nezha::dropout_threshold(dropout_p)) ? 1 : 0;
}

}  // extern "C"
