// The emulator's scheduler (fibers per thread block) and its runtime API; see cuda_emulator.h.
#include "cuda_emulator.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cuda_runtime.h"
#include "fiber_switch.h"

namespace nezha_emu {
namespace {

constexpr size_t kStackBytes = 256 * 1024;

enum class State { Runnable, AtWarpBarrier, AtBlockBarrier, Done };

struct Fiber {
  FiberContext context;
  ThreadIndex index;
  State state = State::Runnable;
  const char* waiting_at = nullptr;
};

// Memory between two PROT_NONE pages, its usable bytes ending at the upper one: an overrun faults
// at once, and an underrun reads the poisoned slack below (see poison) or faults at the lower page.
struct Guarded {
  void* base = nullptr;
  size_t mapped = 0;
  unsigned char* body = nullptr;  // the readable pages: slack, then the usable bytes
  size_t body_bytes = 0;
  unsigned char* user = nullptr;

  static Guarded allocate(size_t bytes, size_t alignment) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t rounded = (bytes + alignment - 1) / alignment * alignment;
    Guarded g;
    g.body_bytes = (rounded + page - 1) / page * page;
    g.mapped = page + g.body_bytes + page;
    g.base = mmap(nullptr, g.mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g.base == MAP_FAILED) fail("cannot map %zu bytes", g.mapped);
    g.body = static_cast<unsigned char*>(g.base) + page;
    if (mprotect(g.base, page, PROT_NONE) != 0 || mprotect(g.body + g.body_bytes, page, PROT_NONE) != 0)
      fail("cannot protect the guard pages");
    g.user = g.body + g.body_bytes - rounded;
    return g;
  }
  // 0xFF bytes in every readable byte: NaN in every float type, so reads of memory nobody wrote show.
  void poison() { std::memset(body, 0xFF, body_bytes); }
  void release() {
    if (base != nullptr) munmap(base, mapped);
    base = nullptr;
  }
};

struct Warp {
  unsigned long long releases = 0, served = 0;  // warp barriers released; the last one warp_scratch served
  std::vector<unsigned char> scratch;
};

struct Block {
  std::vector<Fiber> fibers;
  std::vector<Warp> warps;
  std::vector<float> exchange;  // 32 slots per warp, for shuffles
  unsigned char* shared = nullptr;
};

FiberContext scheduler_context;
Fiber* running = nullptr;
Block* block = nullptr;
const std::function<void()>* thread_body = nullptr;
std::map<const void*, int> max_dynamic_shared;
cudaError_t last_error = cudaSuccess;

void yield_to_scheduler() { switch_fiber(running->context, scheduler_context); }

void fiber_main() {
  (*thread_body)();
  running->state = State::Done;
  yield_to_scheduler();  // never resumed
}

size_t linear(const ThreadIndex& t) {
  return t.thread_idx.x + (size_t)t.block_dim.x * (t.thread_idx.y + (size_t)t.block_dim.y * t.thread_idx.z);
}

const char* state_name(const Fiber& f) {
  switch (f.state) {
    case State::Runnable: return "runnable";
    case State::AtWarpBarrier: return f.waiting_at;
    case State::AtBlockBarrier: return "__syncthreads";
    default: return "exited";
  }
}

// What a warp can do next: run the lanes that are runnable, have the warp collective that all its
// live lanes wait at released, or nothing until a __syncthreads is released.
enum class WarpNext { RunLanes, ReleaseCollective, Wait };

WarpNext warp_next(const Block& b, size_t warp, const dim3& blk) {
  const size_t w0 = warp * 32, w1 = std::min(w0 + 32, b.fibers.size());
  size_t first_waiting = w1;
  bool any_live = false, all_at_collective = true;
  for (size_t t = w0; t < w1; ++t) {
    const Fiber& f = b.fibers[t];
    if (f.state == State::Done) continue;
    if (f.state == State::Runnable) return WarpNext::RunLanes;
    any_live = true;
    if (f.state != State::AtWarpBarrier) {
      all_at_collective = false;
    } else if (first_waiting == w1) {
      first_waiting = t;
    } else if (std::strcmp(b.fibers[first_waiting].waiting_at, f.waiting_at) != 0) {
      fail("block (%u,%u,%u) warp %zu diverges at a warp collective: lane %zu at %s, lane %zu at %s", blk.x, blk.y,
           blk.z, warp, first_waiting - w0, b.fibers[first_waiting].waiting_at, t - w0, f.waiting_at);
    }
  }
  return any_live && all_at_collective ? WarpNext::ReleaseCollective : WarpNext::Wait;
}

// " warp 0 at __syncthreads + __syncwarp; warp 1 at __syncthreads": the distinct places each warp's lanes wait.
std::string waiting_points(const Block& b) {
  std::string text;
  for (size_t w0 = 0; w0 < b.fibers.size(); w0 += 32) {
    std::vector<std::string> seen;
    for (size_t t = w0; t < std::min(w0 + 32, b.fibers.size()); ++t) {
      const std::string where = state_name(b.fibers[t]);
      if (std::find(seen.begin(), seen.end(), where) == seen.end()) seen.push_back(where);
    }
    text += (w0 == 0 ? " warp " : "; warp ") + std::to_string(w0 / 32) + " at ";
    for (size_t i = 0; i < seen.size(); ++i) text += (i == 0 ? "" : " + ") + seen[i];
  }
  return text;
}

// Releases __syncthreads when every live thread waits there; false when some do not.
bool release_block_barrier(Block& b) {
  bool any_live = false;
  for (const Fiber& f : b.fibers) {
    if (f.state == State::Done) continue;
    if (f.state != State::AtBlockBarrier) return false;
    any_live = true;
  }
  for (Fiber& f : b.fibers)
    if (f.state == State::AtBlockBarrier) f.state = State::Runnable;
  return any_live;
}

// The schedule that brings races out: between two __syncthreads the warps run one after another, in
// a random order, each as far as it can (to the barrier, or to its end), its lanes in a random order
// between warp collectives. The first warp of a stretch sees nothing the others write in it, the last
// sees all of it, so a missing barrier (either way round) shows as wrong results. Seeded by
// NEZHA_EMULATOR_SEED (default 1): every run repeats.
std::mt19937& schedule_random() {
  static std::mt19937 random([] {
    const char* seed = std::getenv("NEZHA_EMULATOR_SEED");
    return seed != nullptr ? (unsigned)std::strtoul(seed, nullptr, 10) : 1u;
  }());
  return random;
}

void run_block(Block& b, const dim3& blk) {
  const size_t warps = (b.fibers.size() + 31) / 32;
  std::mt19937& random = schedule_random();
  std::vector<size_t> ready, lanes;
  std::vector<WarpNext> next(warps);
  for (;;) {
    ready.clear();
    for (size_t w = 0; w < warps; ++w) {
      next[w] = warp_next(b, w, blk);
      if (next[w] != WarpNext::Wait) ready.push_back(w);
    }
    if (ready.empty()) {
      if (release_block_barrier(b)) continue;
      bool all_done = true;
      for (const Fiber& f : b.fibers) all_done = all_done && f.state == State::Done;
      if (all_done) return;
      fail("block (%u,%u,%u) deadlocks: no barrier can be released (where each warp's lanes wait:%s)", blk.x, blk.y,
           blk.z, waiting_points(b).c_str());
    }
    const size_t w = ready[random() % ready.size()];
    const size_t w0 = w * 32, w1 = std::min(w0 + 32, b.fibers.size());
    for (WarpNext step = next[w]; step != WarpNext::Wait; step = warp_next(b, w, blk)) {
      if (step == WarpNext::ReleaseCollective) {
        for (size_t t = w0; t < w1; ++t)
          if (b.fibers[t].state == State::AtWarpBarrier) b.fibers[t].state = State::Runnable;
        ++b.warps[w].releases;
      }
      lanes.clear();
      for (size_t t = w0; t < w1; ++t)
        if (b.fibers[t].state == State::Runnable) lanes.push_back(t);
      std::shuffle(lanes.begin(), lanes.end(), random);
      for (size_t t : lanes) {
        running = &b.fibers[t];
        switch_fiber(scheduler_context, running->context);
      }
      running = nullptr;
    }
  }
}

// A fault inside a kernel (a guard page hit, or a misaligned 16-byte vector access, which the
// host faults on as the device does) is reported with the thread that made it.
void report_fault(int signal, siginfo_t* info, void*) {
  char message[256];
  int n;
  if (running != nullptr) {
    const ThreadIndex& t = running->index;
    n = std::snprintf(message, sizeof message,
                      "cuda emulator: %s at %p in block (%u,%u,%u) thread (%u,%u,%u): out of bounds (past either end of a buffer, "
                      "or a thread's stack overflowing) "
                      "or a misaligned vector access\n",
                      signal == SIGSEGV ? "memory fault" : "bus error", info->si_addr, t.block_idx.x, t.block_idx.y,
                      t.block_idx.z, t.thread_idx.x, t.thread_idx.y, t.thread_idx.z);
  } else {
    n = std::snprintf(message, sizeof message, "cuda emulator: memory fault at %p outside a kernel\n", info->si_addr);
  }
  if (n > 0) (void)!write(STDERR_FILENO, message, (size_t)n);
  _exit(134);
}

void install_fault_report() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  static std::vector<char> alternate(64 * 1024);  // the faulting fiber's stack may be the problem
  stack_t st{};
  st.ss_sp = alternate.data();
  st.ss_size = alternate.size();
  sigaltstack(&st, nullptr);
  struct sigaction action {};
  action.sa_sigaction = report_fault;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &action, nullptr);
  sigaction(SIGBUS, &action, nullptr);
}

}  // namespace

[[noreturn]] void fail(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::fprintf(stderr, "cuda emulator: ");
  std::vfprintf(stderr, format, args);
  std::fprintf(stderr, "\n");
  va_end(args);
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(134);  // as the fault report does: a diagnosed failure, not a crash to dump
}

const ThreadIndex& current() {
  if (running == nullptr) fail("a device built-in was used outside a kernel");
  return running->index;
}

void warp_barrier(const char* what) {
  running->state = State::AtWarpBarrier;
  running->waiting_at = what;
  yield_to_scheduler();
}

void block_barrier() {
  running->state = State::AtBlockBarrier;
  yield_to_scheduler();
}

unsigned lane_id() { return (unsigned)(linear(running->index) % 32); }

float shuffle_xor(float value, int lane_mask) {
  const size_t t = linear(running->index), warp = t / 32, lane = t % 32;
  if (lane_mask < 0 || lane_mask > 31) fail("__shfl_xor_sync: lane mask %d", lane_mask);
  float* slots = &block->exchange[warp * 32];
  slots[lane] = value;
  warp_barrier("__shfl_xor_sync");
  const float result = slots[lane ^ (size_t)lane_mask];
  warp_barrier("__shfl_xor_sync (read)");  // nobody writes the slots again before all have read
  return result;
}

void* warp_scratch(size_t bytes, bool* first) {
  Warp& w = block->warps[linear(running->index) / 32];
  *first = w.served != w.releases;
  w.served = w.releases;
  if (w.scratch.size() < bytes) w.scratch.resize(bytes);
  return w.scratch.data();
}

unsigned char* dynamic_shared_memory() { return block->shared; }

void set_max_dynamic_shared(const void* kernel, int bytes) { max_dynamic_shared[kernel] = bytes; }

void Launch::execute(const void* kernel, const std::function<void()>& body) {
  install_fault_report();
  const size_t threads = (size_t)block_.x * block_.y * block_.z;
  if (threads == 0 || threads > 1024 || grid_.x == 0 || grid_.y == 0 || grid_.z == 0 || grid_.y > 65535 ||
      grid_.z > 65535) {
    last_error = cudaErrorInvalidValue;
    return;
  }
  auto limit = max_dynamic_shared.find(kernel);
  const size_t allowed = limit == max_dynamic_shared.end() ? kDefaultSharedLimit : (size_t)limit->second;
  if (shared_bytes_ > allowed) {  // the device refuses such a launch too
    last_error = cudaErrorInvalidValue;
    return;
  }
  static std::vector<Guarded> stacks;  // kept for later launches: mapping them anew cost more than the kernels
  while (stacks.size() < threads) stacks.push_back(Guarded::allocate(kStackBytes, 64));
  Guarded shared = Guarded::allocate(shared_bytes_ > 0 ? shared_bytes_ : 1, 128);
  Block b;
  b.fibers.resize(threads);
  b.warps.resize((threads + 31) / 32);
  b.exchange.assign((threads + 31) / 32 * 32, 0.f);
  b.shared = shared.user;
  block = &b;
  thread_body = &body;
  // blocks in a random order too: the device promises none, so a kernel must not depend on one
  std::vector<dim3> order;
  order.reserve((size_t)grid_.x * grid_.y * grid_.z);
  for (unsigned bz = 0; bz < grid_.z; ++bz)
    for (unsigned by = 0; by < grid_.y; ++by)
      for (unsigned bx = 0; bx < grid_.x; ++bx) order.push_back(dim3(bx, by, bz));
  std::shuffle(order.begin(), order.end(), schedule_random());
  for (const dim3& blk : order) {
    shared.poison();
    for (size_t t = 0; t < threads; ++t) {
      Fiber& f = b.fibers[t];
      f.index.thread_idx = uint3{(unsigned)(t % block_.x), (unsigned)(t / block_.x % block_.y),
                                 (unsigned)(t / ((size_t)block_.x * block_.y))};
      f.index.block_idx = uint3{blk.x, blk.y, blk.z};
      f.index.block_dim = block_;
      f.index.grid_dim = grid_;
      f.state = State::Runnable;
      prepare_fiber(f.context, stacks[t].user, kStackBytes, fiber_main);
    }
    run_block(b, blk);
  }
  block = nullptr;
  thread_body = nullptr;
  shared.release();
}

namespace {
std::map<void*, Guarded> allocations;
}

}  // namespace nezha_emu

using nezha_emu::Guarded;

const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument (emulated)";
    case cudaErrorMemoryAllocation: return "out of memory (emulated)";
    case cudaErrorInvalidDevice: return "invalid device ordinal (emulated)";
    default: return "unknown error (emulated)";
  }
}

cudaError_t cudaGetLastError() {
  const cudaError_t e = nezha_emu::last_error;
  nezha_emu::last_error = cudaSuccess;
  return e;
}

cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}

cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : cudaErrorInvalidDevice; }

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attribute, int device) {
  if (device != 0) return cudaErrorInvalidDevice;
  if (attribute != cudaDevAttrMaxSharedMemoryPerBlockOptin) return cudaErrorInvalidValue;
  *value = nezha_emu::kMaxSharedOptin;
  return cudaSuccess;
}

cudaError_t cudaFuncSetAttribute(const void* kernel, cudaFuncAttribute attribute, int value) {
  if (attribute != cudaFuncAttributeMaxDynamicSharedMemorySize || value < 0 || value > nezha_emu::kMaxSharedOptin)
    return cudaErrorInvalidValue;
  nezha_emu::set_max_dynamic_shared(kernel, value);
  return cudaSuccess;
}

// Device memory: 256-byte aligned like cudaMalloc's, filled with 0xFF (NaN) so that results
// that depend on memory nobody wrote show up.
cudaError_t cudaMalloc(void** pointer, size_t bytes) {
  Guarded g = Guarded::allocate(bytes > 0 ? bytes : 1, 256);
  g.poison();
  nezha_emu::allocations[g.user] = g;
  *pointer = g.user;
  return cudaSuccess;
}

cudaError_t cudaFree(void* pointer) {
  if (pointer == nullptr) return cudaSuccess;
  auto it = nezha_emu::allocations.find(pointer);
  if (it == nezha_emu::allocations.end()) return cudaErrorInvalidValue;
  it->second.release();
  nezha_emu::allocations.erase(it);
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind) {
  std::memcpy(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemset(void* pointer, int value, size_t bytes) {
  std::memset(pointer, value, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void* pointer, int value, size_t bytes, cudaStream_t) { return cudaMemset(pointer, value, bytes); }

cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned) {
  static int streams = 0;
  *stream = reinterpret_cast<cudaStream_t>(&++streams);  // any distinct non-null handle
  return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }

struct CUevent_st {
  std::chrono::steady_clock::time_point at;
};

cudaError_t cudaEventCreate(cudaEvent_t* event) {
  *event = new CUevent_st();
  return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t) {
  event->at = std::chrono::steady_clock::now();
  return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
  return cudaSuccess;
}
