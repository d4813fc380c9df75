/* Checks the C ABI from plain C: symbols link, status codes and error messages behave. */
#include <stdio.h>
#include <string.h>

#include "nezha_native.h"

static int failures = 0;
#define CHECK(cond, what)                              \
  do {                                                 \
    if (!(cond)) {                                     \
      fprintf(stderr, "FAILED: %s\n", what);           \
      failures++;                                      \
    }                                                  \
  } while (0)

int main(void) {
  CHECK(strlen(nezha_version()) >= 5, "version string looks like MAJOR.MINOR.PATCH");
  CHECK(nezha_has_cuda() == 0 || nezha_has_cuda() == 1, "has_cuda is a boolean");
  CHECK(nezha_cuda_device_count(NULL) == NEZHA_ERR_INVALID_ARGUMENT, "NULL pointer is rejected");
  CHECK(strstr(nezha_last_error(), "count is NULL") != NULL, "rejection explains itself");
  CHECK(nezha_attention_params_size() == 59 * 8, "attention params: 59 fields of 8 bytes, no padding");
  CHECK(nezha_attention_forward(NULL) == NEZHA_ERR_INVALID_ARGUMENT, "NULL params are rejected");
  CHECK(strstr(nezha_last_error(), "params is NULL") != NULL, "and the message says so");
  int count = -1;
  CHECK(nezha_cuda_device_count(&count) == NEZHA_OK && count >= 0, "device count probe succeeds");
  printf("nezha_native %s cuda=%d devices=%d\n", nezha_version(), nezha_has_cuda(), count);
  return failures == 0 ? 0 : 1;
}
