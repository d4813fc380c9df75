// Host-side entry points of the CUDA kernels (C++ linkage, used only by native/).
#pragma once
#include <string>

// Fills *count with the visible CUDA devices; on failure returns false and explains in *message.
bool nezha_kernels_device_count(int* count, std::string* message);
