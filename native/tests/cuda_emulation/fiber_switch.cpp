#include "fiber_switch.h"

#include <cstdint>

#if defined(__x86_64__)
// nezha_emu_switch(void** save_sp, void* load_sp): System V callee-saved registers, MXCSR and the
// x87 control word go onto the current stack, whose pointer is stored in *save_sp; then the same
// frame is popped from load_sp and `ret` continues wherever that fiber last switched (or its entry).
extern "C" void nezha_emu_switch(void** save_sp, void* load_sp);
asm(R"(
  .text
  .globl nezha_emu_switch
  .type nezha_emu_switch, @function
nezha_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size nezha_emu_switch, .-nezha_emu_switch
  .section .note.GNU-stack, "", @progbits
  .text
)");
#endif

namespace nezha_emu {

#if defined(__x86_64__)
void prepare_fiber(FiberContext& fiber, unsigned char* stack, size_t stack_bytes, void (*entry)()) {
  auto* top = reinterpret_cast<uint64_t*>(reinterpret_cast<uintptr_t>(stack + stack_bytes) & ~uintptr_t{15});
  *--top = 0;  // entry's return address: it never returns
  *--top = reinterpret_cast<uint64_t>(entry);  // 16-byte aligned, so entry starts as if called
  for (int saved = 0; saved < 6; ++saved) *--top = 0;  // rbp rbx r12 r13 r14 r15
  *--top = 0x1F80u | (uint64_t{0x037F} << 32);  // default MXCSR and x87 control word
  fiber.stack_pointer = top;
}

void switch_fiber(FiberContext& from, FiberContext& to) { nezha_emu_switch(&from.stack_pointer, to.stack_pointer); }
#else
void prepare_fiber(FiberContext& fiber, unsigned char* stack, size_t stack_bytes, void (*entry)()) {
  getcontext(&fiber.context);
  fiber.context.uc_stack.ss_sp = stack;
  fiber.context.uc_stack.ss_size = stack_bytes;
  fiber.context.uc_link = nullptr;
  makecontext(&fiber.context, entry, 0);
}

void switch_fiber(FiberContext& from, FiberContext& to) { swapcontext(&from.context, &to.context); }
#endif

}  // namespace nezha_emu
