// Emulated NVTX: ranges are for profilers, which the emulator has none of.
#pragma once
inline int nvtxRangePushA(const char*) { return 0; }
inline int nvtxRangePop() { return 0; }
