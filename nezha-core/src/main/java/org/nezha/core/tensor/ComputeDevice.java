package org.nezha.core.tensor;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch_cuda;

import org.nezha.core.InputException;

/** The {@code --device} option: {@code cpu}, {@code cuda} or {@code cuda:N}, checked against what libtorch sees. */
public final class ComputeDevice {
    private ComputeDevice() {}

    /**
     * The device named by {@code name}; a CUDA device must exist (GPU build of libtorch, a visible GPU)
     * and becomes the process's current CUDA device, as {@code torch.cuda.set_device} makes it: our
     * kernels' device guard and libtorch's defaults then never touch (and open a context on) GPU 0.
     */
    public static Device select(String name) {
        if (name.equals("cpu")) return new Device("cpu");
        if (!name.matches("cuda(:\\d+)?")) throw new InputException("--device " + name + ": choose cpu, cuda or cuda:N");
        if (!cudaAvailable()) {
            throw new InputException("--device " + name + ": libtorch sees no CUDA device (is this the GPU build, -Pgpu?)");
        }
        Device device = new Device(name.equals("cuda") ? "cuda:0" : name);
        if (device.index() >= torch.cuda_device_count()) {
            throw new InputException("--device " + name + ": only " + torch.cuda_device_count() + " CUDA device(s)");
        }
        torch_cuda.set_device(device.index());
        return device;
    }

    /**
     * Whether libtorch sees a CUDA device. Loads libtorch's CUDA half first: it registers the CUDA
     * hooks, and a GPU build that has not loaded it yet answers no. The CPU build has none to load.
     */
    public static boolean cudaAvailable() {
        return CudaLibraries.LOADED && torch.cuda_is_available();
    }

    private static final class CudaLibraries {
        static final boolean LOADED = load();

        private static boolean load() {
            try {
                Loader.load(torch_cuda.class);
                return true;
            } catch (LinkageError | TypeNotPresentException e) { // the CPU build: no native library, no CUDA presets
                return false;
            }
        }
    }
}
