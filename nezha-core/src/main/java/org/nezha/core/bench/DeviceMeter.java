package org.nezha.core.bench;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.cuda.CUDAEvent;
import org.bytedeco.pytorch.global.torch_cuda;

/**
 * Times one piece of work on a device and measures the memory it needed at its peak. CUDA: CUDA
 * events on the current stream and the caching allocator's peak statistics. CPU: wall time, and
 * the growth of the process's resident set (the kernel's high-water mark, reset before the work,
 * after glibc has returned its free memory), which is what the work really touched.
 */
public abstract sealed class DeviceMeter {
    /** Starts timing and memory accounting. */
    public abstract void start();

    /** Stops; returns the milliseconds since {@link #start}. Waits for the device to finish. */
    public abstract double stopMillis();

    /** Bytes allocated at the peak since {@link #start}, beyond what was allocated at the start. */
    public abstract long peakBytes();

    /** Waits for every queued operation on the device. */
    public abstract void synchronize();

    public static DeviceMeter of(Device device) {
        return device.is_cuda() ? new Cuda(device.index()) : new Cpu();
    }

    static final class Cpu extends DeviceMeter {
        private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
        private static final MethodHandle MALLOC_TRIM = Linker.nativeLinker().defaultLookup().find("malloc_trim")
                .map(f -> Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
                .orElse(null);
        private long startNanos;
        private long baselineKb;
        private long peakKb = -1;

        @Override
        public void start() {
            trimMalloc();
            try {
                Files.writeString(CLEAR_REFS, "5"); // resets VmHWM to the current resident set
                baselineKb = ProcessStatus.kilobytes("VmRSS:");
            } catch (IOException | RuntimeException e) {
                baselineKb = -1; // no procfs or not permitted: memory is reported as unknown
            }
            startNanos = System.nanoTime();
        }

        @Override
        public double stopMillis() {
            double ms = (System.nanoTime() - startNanos) / 1e6;
            peakKb = baselineKb < 0 ? -1 : ProcessStatus.kilobytes("VmHWM:");
            return ms;
        }

        @Override
        public long peakBytes() {
            return baselineKb < 0 || peakKb < 0 ? -1 : Math.max(0, peakKb - baselineKb) * 1024;
        }

        @Override
        public void synchronize() {}

        private static void trimMalloc() {
            if (MALLOC_TRIM == null) return;
            try {
                int ignored = (int) MALLOC_TRIM.invokeExact(0L);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    static final class Cuda extends DeviceMeter {
        private final byte device;
        private CUDAEvent begin, end;
        private long startAllocated;

        Cuda(int device) {
            this.device = (byte) device;
        }

        @Override
        public void start() {
            synchronize();
            var allocator = torch_cuda.getAllocator();
            allocator.resetPeakStats(device);
            startAllocated = allocator.getDeviceStats(device).allocated_bytes().current();
            begin = new CUDAEvent(0); // flags 0 = cudaEventDefault: libtorch's default disables timing
            end = new CUDAEvent(0);
            begin.record(torch_cuda.getCurrentCUDAStream(device));
        }

        @Override
        public double stopMillis() {
            end.record(torch_cuda.getCurrentCUDAStream(device));
            end.synchronize();
            return begin.elapsed_time(end);
        }

        @Override
        public long peakBytes() {
            return torch_cuda.getAllocator().getDeviceStats(device).allocated_bytes().peak() - startAllocated;
        }

        @Override
        public void synchronize() {
            torch_cuda.getCurrentCUDAStream(device).synchronize();
        }
    }
}
