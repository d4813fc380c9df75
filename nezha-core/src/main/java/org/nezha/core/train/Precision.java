package org.nezha.core.train;

import java.util.Locale;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.InputException;

/**
 * The {@code --precision} of a run. fp32 computes everything in float32; bf16 and fp16 are mixed
 * precision: the weights (and optimizer state) stay float32 and the forward runs under libtorch's
 * autocast, which does matmuls (and so the attention inputs) in half precision and keeps
 * LayerNorm, softmax and the losses in float32. fp16 also needs dynamic loss scaling.
 */
public enum Precision {
    FP32(null), BF16(ScalarType.BFloat16), FP16(ScalarType.Half);

    private final ScalarType autocastType;

    Precision(ScalarType autocastType) {
        this.autocastType = autocastType;
    }

    public static Precision parse(String name) {
        for (Precision p : values()) if (p.optionName().equals(name)) return p;
        throw new InputException("--precision " + name + ": choose fp32, bf16 or fp16");
    }

    /** The name on the command line and in logs: fp32, bf16, fp16. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** fp16's 5-bit exponent underflows small gradients unless the loss is scaled up first. */
    public boolean scalesLoss() {
        return this == FP16;
    }

    /** A region in which ops on {@code device} autocast to this precision (nothing for fp32); close it to leave. */
    public Region autocast(Device device) {
        return new Region(device.is_cuda() ? DeviceType.CUDA : DeviceType.CPU, autocastType);
    }

    /** Autocast on for one device type while open; restores the previous state on close (regions nest). */
    public static final class Region implements AutoCloseable {
        private final DeviceType type;
        private final boolean active;
        private final boolean wasEnabled;
        private final ScalarType previousType;

        private Region(DeviceType type, ScalarType dtype) {
            this.type = type;
            this.active = dtype != null;
            this.wasEnabled = active && torch.is_autocast_enabled(type);
            this.previousType = active ? torch.get_autocast_dtype(type) : null;
            if (!active) return;
            torch.set_autocast_dtype(type, dtype);
            torch.set_autocast_enabled(type, true);
            torch.increment_nesting();
        }

        @Override
        public void close() {
            if (!active) return;
            // the cache of half-precision weight copies lives until the outermost region ends
            if (torch.decrement_nesting() == 0) torch.clear_cache();
            torch.set_autocast_enabled(type, wasEnabled);
            torch.set_autocast_dtype(type, previousType);
        }
    }
}
