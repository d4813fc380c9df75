package org.nezha.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The packed library loads through Panama and answers through its C ABI. */
class NativeLibraryTest {
    @Test
    void loadsFromTheJarAndReportsItsBuild() {
        NativeLibrary lib = NativeLibrary.get();
        assertTrue(lib.version().matches("\\d+\\.\\d+\\.\\d+"), "version " + lib.version());
        int devices = lib.cudaDeviceCount();
        assertTrue(devices >= 0);
        if (!lib.hasCuda()) assertEquals(0, devices, "a CPU-only build sees no CUDA device");
    }
}
