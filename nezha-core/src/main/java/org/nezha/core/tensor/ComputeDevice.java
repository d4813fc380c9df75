package org.nezha.core.tensor;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.InputException;

/** The {@code --device} option: {@code cpu}, {@code cuda} or {@code cuda:N}, checked against what libtorch sees. */
public final class ComputeDevice {
    private ComputeDevice() {}

    /** The device named by {@code name}; a CUDA device must exist (GPU build of libtorch, a visible GPU). */
    public static Device parse(String name) {
        if (name.equals("cpu")) return new Device("cpu");
        if (!name.matches("cuda(:\\d+)?")) throw new InputException("--device " + name + ": choose cpu, cuda or cuda:N");
        if (!torch.cuda_is_available()) {
            throw new InputException("--device " + name + ": libtorch sees no CUDA device (is this the GPU build, -Pgpu?)");
        }
        Device device = new Device(name.equals("cuda") ? "cuda:0" : name);
        if (device.index() >= torch.cuda_device_count()) {
            throw new InputException("--device " + name + ": only " + torch.cuda_device_count() + " CUDA device(s)");
        }
        return device;
    }
}
