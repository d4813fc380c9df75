package org.nezha.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads libnezha_native and exposes its C ABI ({@code native/include/nezha_native.h}) through Panama.
 * The library comes from {@code -Dnezha.native.lib=PATH}, else {@code $NEZHA_NATIVE_LIB}, else the copy
 * packed inside this jar, extracted once per build into a cache directory ({@link NativeLibraryCache}).
 */
public final class NativeLibrary {
    public static final String PROPERTY = "nezha.native.lib";
    public static final String ENVIRONMENT = "NEZHA_NATIVE_LIB";
    static final String NAME = "libnezha_native.so";
    private static final String RESOURCE = "linux-x86_64/" + NAME;

    private static volatile NativeLibrary instance;

    private final Path path;
    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup symbols;
    private final MethodHandle version;
    private final MethodHandle hasCuda;
    private final MethodHandle lastError;
    private final MethodHandle cudaDeviceCount;
    private final MethodHandle rangePush;
    private final MethodHandle rangePop;

    private NativeLibrary(Path path) {
        this.path = path;
        // libtorch first: our CPU kernels use OpenMP, and libgomp.so.1 must then resolve to the copy
        // libtorch runs on, so both share one thread pool instead of fighting over the cores.
        org.bytedeco.javacpp.Loader.load(org.bytedeco.pytorch.global.torch.class);
        this.symbols = SymbolLookup.libraryLookup(path, Arena.global());
        version = linker.downcallHandle(find(symbols, "nezha_version"), FunctionDescriptor.of(ValueLayout.ADDRESS));
        hasCuda = linker.downcallHandle(find(symbols, "nezha_has_cuda"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        lastError = linker.downcallHandle(find(symbols, "nezha_last_error"), FunctionDescriptor.of(ValueLayout.ADDRESS));
        cudaDeviceCount = linker.downcallHandle(find(symbols, "nezha_cuda_device_count"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        rangePush = linker.downcallHandle(find(symbols, "nezha_profiler_range_push"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        rangePop = linker.downcallHandle(find(symbols, "nezha_profiler_range_pop"), FunctionDescriptor.ofVoid());
    }

    /** The process-wide library, loaded on first use. */
    public static NativeLibrary get() {
        NativeLibrary lib = instance;
        if (lib == null) {
            synchronized (NativeLibrary.class) {
                if (instance == null) instance = new NativeLibrary(locate());
                lib = instance;
            }
        }
        return lib;
    }

    static Path locate() {
        String override = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (!Files.isRegularFile(p)) {
                throw new NativeSetupException(PROPERTY + "/" + ENVIRONMENT + " points at " + p + ", which is not a file");
            }
            return p;
        }
        return new NativeLibraryCache(NativeLibraryCache.defaultRoot(System::getenv, System.getProperty("user.home")))
                .get(NAME, packedSha256(), () -> NativeLibrary.class.getResourceAsStream(RESOURCE));
    }

    /** The SHA-256 that CMake wrote beside the library (sha256sum's "HASH  NAME"), so starting up hashes nothing. */
    private static String packedSha256() {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE + ".sha256")) {
            if (in == null || NativeLibrary.class.getResource(RESOURCE) == null) {
                throw new NativeSetupException(NAME + " is not packed in this jar (build with ./build, or set -D"
                        + PROPERTY + "=/path/to/" + NAME + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\\s+", 2)[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packed " + NAME + ".sha256", e);
        }
    }

    private static MemorySegment find(SymbolLookup symbols, String name) {
        return symbols.find(name).orElseThrow(() -> new IllegalStateException("libnezha_native lacks symbol " + name));
    }

    /** A method handle for one C function of the library. */
    MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(find(symbols, name), descriptor);
    }

    public Path path() {
        return path;
    }

    public String version() {
        return call(() -> cString((MemorySegment) version.invokeExact()));
    }

    public boolean hasCuda() {
        return call(() -> (int) hasCuda.invokeExact() != 0);
    }

    /** Opens a named NVTX range (nsys/ncu show it); a no-op in a CPU-only build. */
    public void profilerRangePush(String name) {
        call(() -> {
            try (Arena arena = Arena.ofConfined()) {
                rangePush.invokeExact(arena.allocateFrom(name));
                return null;
            }
        });
    }

    public void profilerRangePop() {
        call(() -> {
            rangePop.invokeExact();
            return null;
        });
    }

    /** CUDA devices the library can see (0 on a CPU-only build or machine). */
    public int cudaDeviceCount() {
        return call(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
                check((int) cudaDeviceCount.invokeExact(count), "nezha_cuda_device_count");
                return count.get(ValueLayout.JAVA_INT, 0);
            }
        });
    }

    /** Turns a non-zero status into an exception carrying the library's own message. */
    void check(int status, String function) throws Throwable {
        if (status != 0) {
            String message = cString((MemorySegment) lastError.invokeExact());
            throw new NativeException(function + " failed (status " + status + "): " + message);
        }
    }

    private static String cString(MemorySegment p) {
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    interface NativeCall<T> {
        T run() throws Throwable;
    }

    /** Runs a downcall, letting runtime exceptions through and wrapping what Panama declares as Throwable. */
    static <T> T call(NativeCall<T> body) {
        try {
            return body.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
