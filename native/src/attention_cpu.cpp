// Picks the CPU attention kernels compiled for the widest instruction set this processor has.
#include "attention_cpu.h"

#include <thread>

namespace nezha::cpu {
namespace {

enum class Isa { avx512, avx2, baseline };

Isa best_isa() {
  static const Isa isa = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
      return Isa::avx512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
    return Isa::baseline;
  }();
  return isa;
}

}  // namespace

int threads_for(const nezha_attention_params& p) {
  if (p.num_threads > 0) return (int)p.num_threads;
  unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : (int)hardware;
}

int64_t workspace_bytes(const nezha_attention_params& p, bool backward) {
  int64_t per_task = 0;
  switch (best_isa()) {
    case Isa::avx512: per_task = avx512::task_bytes(p, backward); break;
    case Isa::avx2: per_task = avx2::task_bytes(p, backward); break;
    case Isa::baseline: per_task = baseline::task_bytes(p, backward); break;
  }
  return per_task * threads_for(p);
}

void forward(const nezha_attention_params& p) {
  switch (best_isa()) {
    case Isa::avx512: avx512::forward(p, threads_for(p)); break;
    case Isa::avx2: avx2::forward(p, threads_for(p)); break;
    case Isa::baseline: baseline::forward(p, threads_for(p)); break;
  }
}

void backward(const nezha_attention_params& p) {
  switch (best_isa()) {
    case Isa::avx512: avx512::backward(p, threads_for(p)); break;
    case Isa::avx2: avx2::backward(p, threads_for(p)); break;
    case Isa::baseline: baseline::backward(p, threads_for(p)); break;
  }
}

}  // namespace nezha::cpu
