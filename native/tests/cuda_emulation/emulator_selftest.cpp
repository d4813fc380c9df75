// The emulator's own checks, one scenario per run (ctest gives the scenario name and the message
// it must print): a missing __syncthreads must show as a stale read, and the diagnostics for
// deadlock, divergent warp collectives, shared-memory overruns and underruns, misaligned wmma operands and
// over-limit launches must fire. Without these the emulated kernel tests could pass vacuously.
#include <mma.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "cuda_emulator.h"
#include "cuda_runtime.h"

namespace {

constexpr int kThreads = 128;

// Each thread publishes its index in shared memory and reads its neighbour 32 places on (in
// another warp); with the barrier every read is right, without it some reader runs first.
__global__ void exchange(int* wrong_reads, bool with_barrier) {
  int* s = reinterpret_cast<int*>(nezha_emu::dynamic_shared_memory());
  const int t = (int)threadIdx.x;
  s[t] = t;
  if (with_barrier) __syncthreads();
  if (s[(t + 32) % kThreads] != (t + 32) % kThreads) atomicAdd(reinterpret_cast<float*>(wrong_reads), 1.f);
}

__global__ void half_warp_at_block_barrier() {
  if (threadIdx.x % 32 < 16)
    __syncthreads();
  else
    __syncwarp();
}

__global__ void divergent_collectives() {
  if (threadIdx.x % 32 < 16)
    (void)__shfl_xor_sync(0xffffffffu, 1.f, 1);
  else
    __syncwarp();
}

__global__ void shared_overrun(int bytes) {
  unsigned char* s = nezha_emu::dynamic_shared_memory();
  for (int i = 0; i <= bytes + 4096; ++i) s[i] = 0;  // runs into the guard page
}

__global__ void shared_underrun() {
  unsigned char* s = nezha_emu::dynamic_shared_memory();
  for (int i = 0; i <= 8192; ++i) s[-i] = 0;  // runs into the guard page below
}

__global__ void misaligned_wmma(const __half* p) {
  nvcuda::wmma::fragment<nvcuda::wmma::matrix_a, 16, 16, 16, __half, nvcuda::wmma::row_major> a;
  nvcuda::wmma::load_matrix_sync(a, p + 1, 16);
}

__global__ void nothing() {}

int stale_reads(bool with_barrier) {
  float* wrong = nullptr;
  cudaMalloc(&wrong, sizeof(float));
  cudaMemset(wrong, 0, sizeof(float));
  for (int block = 0; block < 8; ++block)  // each launch draws another warp order
    nezha_emu::Launch(dim3(1), dim3(kThreads), kThreads * sizeof(int)).run(exchange, reinterpret_cast<int*>(wrong), with_barrier);
  float host = 0;
  cudaMemcpy(&host, wrong, sizeof host, cudaMemcpyDeviceToHost);
  cudaFree(wrong);
  return (int)host;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string scenario = argc > 1 ? argv[1] : "";
  if (scenario == "missing-barrier") {
    const int with = stale_reads(true), without = stale_reads(false);
    std::printf("stale reads: %d with __syncthreads, %d without\n", with, without);
    if (with == 0 && without > 0) std::printf("missing barrier exposed\n");
    return with == 0 && without > 0 ? 0 : 1;
  }
  if (scenario == "deadlock") nezha_emu::Launch(dim3(1), dim3(64)).run(half_warp_at_block_barrier);
  if (scenario == "divergence") nezha_emu::Launch(dim3(1), dim3(32)).run(divergent_collectives);
  if (scenario == "shared-overrun") nezha_emu::Launch(dim3(2), dim3(32), 1000).run(shared_overrun, 1000);
  if (scenario == "shared-underrun") nezha_emu::Launch(dim3(1), dim3(32), 1000).run(shared_underrun);
  if (scenario == "wmma-alignment") {
    __half* p = nullptr;
    cudaMalloc(&p, 512 * sizeof(__half));
    nezha_emu::Launch(dim3(1), dim3(32)).run(misaligned_wmma, static_cast<const __half*>(p));
  }
  if (scenario == "shared-limit") {
    nezha_emu::Launch(dim3(1), dim3(32), 64 * 1024).run(nothing);  // over 48 KiB without the opt-in
    const bool refused = cudaGetLastError() == cudaErrorInvalidValue;
    cudaFuncSetAttribute(reinterpret_cast<const void*>(nothing), cudaFuncAttributeMaxDynamicSharedMemorySize, 64 * 1024);
    nezha_emu::Launch(dim3(1), dim3(32), 64 * 1024).run(nothing);
    const bool allowed = cudaGetLastError() == cudaSuccess;
    if (refused && allowed) std::printf("shared-memory limit enforced\n");
    return refused && allowed ? 0 : 1;
  }
  if (scenario == "poison") {
    float* p = nullptr;
    cudaMalloc(&p, 64 * sizeof(float));
    float host[64];
    cudaMemcpy(host, p, sizeof host, cudaMemcpyDeviceToHost);
    bool all_nan = true;
    for (float v : host) all_nan = all_nan && std::isnan(v);
    if (all_nan) std::printf("fresh device memory reads as NaN\n");
    return all_nan ? 0 : 1;
  }
  std::printf("scenario '%s' ended without a diagnostic\n", scenario.c_str());
  return 1;
}
