#include <cuda_runtime.h>

#include "nezha_kernels.h"

bool nezha_kernels_device_count(int* count, std::string* message) {
  cudaError_t err = cudaGetDeviceCount(count);
  if (err != cudaSuccess) {
    *message = std::string("cudaGetDeviceCount: ") + cudaGetErrorString(err);
    return false;
  }
  return true;
}
