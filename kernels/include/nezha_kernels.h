// Host-side entry points of the CUDA kernels (C++ linkage, used only by native/). Each returns
// false on failure and explains in *message; native/ has already validated the arguments that do
// not depend on the device (null pointers, shapes, strides, dtype).
#pragma once
#include <string>

#include "nezha_native.h"

// Fills *count with the visible CUDA devices.
bool nezha_kernels_device_count(int* count, std::string* message);

// Scratch bytes of the CUDA forward and backward for this problem.
bool nezha_kernels_attention_workspace(const nezha_attention_params& p, int64_t* forward_bytes,
                                       int64_t* backward_bytes, std::string* message);

// Fused relative-position attention on p.device, launched on p.stream (see nezha_native.h).
bool nezha_kernels_attention_forward(const nezha_attention_params& p, std::string* message);
bool nezha_kernels_attention_backward(const nezha_attention_params& p, std::string* message);
