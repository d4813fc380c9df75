/*
 * The C ABI of libnezha_native: the only contract the Java side (java-bindings) sees.
 * Every function that can fail returns a nezha_status; on failure nezha_last_error() gives a
 * readable message for the calling thread.
 */
#ifndef NEZHA_NATIVE_H
#define NEZHA_NATIVE_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nezha_status {
  NEZHA_OK = 0,
  NEZHA_ERR_INVALID_ARGUMENT = 1,
  NEZHA_ERR_UNSUPPORTED = 2,
  NEZHA_ERR_CUDA = 3,
  NEZHA_ERR_INTERNAL = 4
} nezha_status;

/* Version of the library, "MAJOR.MINOR.PATCH". */
const char* nezha_version(void);

/* 1 when the library was built with the CUDA kernels, 0 for a CPU-only build. */
int nezha_has_cuda(void);

/* The message of the last failed call on this thread ("" if none). */
const char* nezha_last_error(void);

/* Number of CUDA devices visible to the CUDA runtime (0 when none or CPU-only build). */
nezha_status nezha_cuda_device_count(int* count);

#ifdef __cplusplus
}
#endif
#endif
