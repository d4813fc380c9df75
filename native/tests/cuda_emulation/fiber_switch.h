// Switching between the emulator's fibers (one per emulated CUDA thread). glibc's swapcontext
// saves and restores the signal mask with a system call on every switch, and the emulator switches
// at every warp collective of every lane: with it, 85 % of a test run was spent in the kernel. On
// x86-64 a switch here is a few instructions (callee-saved registers and floating-point control
// words saved on the old stack, restored from the new one); elsewhere it falls back to ucontext.
#pragma once
#include <cstddef>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace nezha_emu {

struct FiberContext {
#if defined(__x86_64__)
  void* stack_pointer = nullptr;
#else
  ucontext_t context;
#endif
};

// Makes `fiber` start `entry` on the given stack at its first switch; entry must never return
// (it ends by switching away for good).
void prepare_fiber(FiberContext& fiber, unsigned char* stack, size_t stack_bytes, void (*entry)());
// Saves the running context into `from` and continues `to`.
void switch_fiber(FiberContext& from, FiberContext& to);

}  // namespace nezha_emu
