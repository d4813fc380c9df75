#include "nezha_native.h"

#include <string>

#ifdef NEZHA_HAVE_CUDA
#include "nezha_kernels.h"
#endif

namespace {
thread_local std::string last_error;

nezha_status fail(nezha_status status, const std::string& message) {
  last_error = message;
  return status;
}
}  // namespace

extern "C" {

const char* nezha_version(void) { return NEZHA_NATIVE_VERSION; }

int nezha_has_cuda(void) {
#ifdef NEZHA_HAVE_CUDA
  return 1;
#else
  return 0;
#endif
}

const char* nezha_last_error(void) { return last_error.c_str(); }

nezha_status nezha_cuda_device_count(int* count) {
  if (count == nullptr) return fail(NEZHA_ERR_INVALID_ARGUMENT, "nezha_cuda_device_count: count is NULL");
  *count = 0;
#ifdef NEZHA_HAVE_CUDA
  std::string message;
  if (!nezha_kernels_device_count(count, &message)) {
    // No driver or no device is not an error for callers that only probe.
    *count = 0;
    last_error = message;
  }
#endif
  return NEZHA_OK;
}

}  // extern "C"
