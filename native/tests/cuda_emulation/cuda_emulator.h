// A CPU emulator for the CUDA subset the attention kernels use, so that kernels/src/attention.cu
// itself (not a port of it) runs, and is tested, on machines without a GPU.
//
// Every thread of a block is a fiber on the calling OS thread; blocks run one after another. A fiber
// runs until it reaches a synchronisation point: __syncthreads() waits for the live threads of its
// block, and the warp-level operations (__syncwarp, shuffles, every wmma call) wait for the live
// lanes of its warp. Between two __syncthreads the warps run one after another in a seeded random
// order (see run_block), so a missing barrier shows up as wrong results.
// What it checks beyond the results: a barrier the lanes reach at different operations (divergent
// warp collectives), barriers that can never be released (deadlock), wmma pointer alignment and
// leading dimensions, launches over the shared-memory limit, and, through guard pages and NaN
// poison, shared/device memory overruns and reads of memory nobody wrote.
// What it cannot show: races that only an interleaving inside the code between two barriers would
// expose (a fiber runs that stretch at once), and anything about speed.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <tuple>
#include <utility>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n)
#define __shared__
#define __restrict__ __restrict

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct uint3 {
  unsigned x, y, z;
};
struct alignas(16) uint4 {
  unsigned x, y, z, w;
};
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return uint4{x, y, z, w}; }

typedef struct CUstream_st* cudaStream_t;

namespace nezha_emu {

struct ThreadIndex {
  uint3 thread_idx, block_idx;
  dim3 block_dim, grid_dim;
};

// The running fiber's indices.
const ThreadIndex& current();
// Synchronisation points (see the file comment); `what` names the operation for divergence reports.
void warp_barrier(const char* what);
void block_barrier();
// The running thread's lane within its warp.
unsigned lane_id();
// Lane-to-lane exchange within the warp: each lane gets the value of lane (lane ^ lane_mask).
float shuffle_xor(float value, int lane_mask);
// For a warp collective whose result is the same in every lane (wmma::mma_sync), computed once per
// warp: call right after the collective's warp_barrier; the first lane to run gets *first = true and
// fills the warp's scratch of `bytes`, the lanes after it read (and may check against) what it left.
void* warp_scratch(size_t bytes, bool* first);
// The running block's dynamic shared memory (extern __shared__), poisoned with 0xFF bytes.
unsigned char* dynamic_shared_memory();
// Stops the program with a message (an error in the kernel or in its launch).
[[noreturn]] void fail(const char* format, ...);

// kernel<<<grid, block, shared_bytes, stream>>>(args...) becomes Launch(grid, block, shared_bytes, stream).run(kernel, args...).
class Launch {
 public:
  Launch(dim3 grid, dim3 block, size_t shared_bytes = 0, cudaStream_t stream = nullptr)
      : grid_(grid), block_(block), shared_bytes_(shared_bytes) {
    (void)stream;  // one queue: every launch runs to completion before it returns
  }
  template <typename... Params, typename... Args>
  void run(void (*kernel)(Params...), Args&&... args) {
    std::tuple<Params...> copied(std::forward<Args>(args)...);  // kernel parameters are copies
    execute(reinterpret_cast<const void*>(kernel), [&] { std::apply(kernel, copied); });
  }

 private:
  void execute(const void* kernel, const std::function<void()>& thread_body);
  dim3 grid_, block_;
  size_t shared_bytes_;
};

// Records cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes).
void set_max_dynamic_shared(const void* kernel, int bytes);
// The opt-in shared-memory limit per block of the emulated device (an H100's).
constexpr int kMaxSharedOptin = 227 * 1024;
constexpr int kDefaultSharedLimit = 48 * 1024;

}  // namespace nezha_emu

#define threadIdx (::nezha_emu::current().thread_idx)
#define blockIdx (::nezha_emu::current().block_idx)
#define blockDim (::nezha_emu::current().block_dim)
#define gridDim (::nezha_emu::current().grid_dim)

inline void __syncthreads() { nezha_emu::block_barrier(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) {
  (void)mask;
  nezha_emu::warp_barrier("__syncwarp");
}
inline float __shfl_xor_sync(unsigned mask, float value, int lane_mask, int width = 32) {
  (void)mask;
  if (width != 32) nezha_emu::fail("__shfl_xor_sync: only width 32 is emulated");
  return nezha_emu::shuffle_xor(value, lane_mask);
}
// Fibers never interleave inside an expression, so a plain update is atomic here.
inline float atomicAdd(float* address, float value) {
  const float old = *address;
  *address = old + value;
  return old;
}
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
