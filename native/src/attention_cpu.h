// The CPU implementation of the fused attention ABI (nezha_native.h). Arguments are validated by
// the caller (nezha_native.cpp); these functions only compute.
#pragma once
#include <cstdint>

#include "nezha_native.h"

namespace nezha::cpu {

// Worker threads a call with these params uses (num_threads, or all hardware threads when 0).
int threads_for(const nezha_attention_params& p);

// Scratch bytes the forward or the backward needs (per-thread buffers for all threads).
int64_t workspace_bytes(const nezha_attention_params& p, bool backward);

void forward(const nezha_attention_params& p);
void backward(const nezha_attention_params& p);

// The same three, compiled once per instruction set (attention_cpu_kernels.cpp); the dispatcher
// in attention_cpu.cpp picks the best one the processor supports.
#define NEZHA_DECLARE_ISA(isa)                                               \
  namespace isa {                                                            \
  int64_t task_bytes(const nezha_attention_params& p, bool backward);        \
  void forward(const nezha_attention_params& p, int threads);                \
  void backward(const nezha_attention_params& p, int threads);               \
  }
NEZHA_DECLARE_ISA(avx512)
NEZHA_DECLARE_ISA(avx2)
NEZHA_DECLARE_ISA(baseline)
#undef NEZHA_DECLARE_ISA

}  // namespace nezha::cpu
