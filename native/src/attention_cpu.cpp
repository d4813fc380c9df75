// Picks the CPU attention kernels compiled for the widest instruction set this processor has.
#include "attention_cpu.h"

#include <cstdlib>
#include <cstring>
#include <thread>

namespace nezha::cpu {
namespace {

enum class Isa { avx512, avx2, baseline };

// The widest instruction set the processor has, or a narrower one named by NEZHA_CPU_ISA
// (avx2, baseline) so every build variant can be tested on one machine.
Isa best_isa() {
  static const Isa isa = [] {
    __builtin_cpu_init();
    Isa best = Isa::baseline;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = Isa::avx2;
    if (best == Isa::avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl")) {
      best = Isa::avx512;
    }
    const char* forced = std::getenv("NEZHA_CPU_ISA");
    if (forced == nullptr) return best;
    Isa wanted = std::strcmp(forced, "avx512") == 0 ? Isa::avx512 : std::strcmp(forced, "avx2") == 0 ? Isa::avx2 : Isa::baseline;
    return wanted > best ? wanted : best;  // enum order: avx512 < avx2 < baseline, so "greater" is narrower
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
