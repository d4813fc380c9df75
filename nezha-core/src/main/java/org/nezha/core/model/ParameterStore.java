package org.nezha.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * The model's trainable tensors under their Hugging Face state-dict names, in creation order.
 * Parameters outlive every PointerScope (they are retained here), so steps can free their
 * temporaries freely.
 */
public final class ParameterStore {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final double initializerRange;

    public ParameterStore(double initializerRange) {
        this.initializerRange = initializerRange;
    }

    /** Creates the parameters of {@code table} as HF initialises them (weights of Linear and Embedding from N(0, initializer_range)). */
    void create(List<ModelLayout.Parameter> table) {
        for (ModelLayout.Parameter p : table) {
            long[] shape = p.shape();
            register(p.name(), switch (p.init()) {
                case NORMAL -> torch.empty(shape).normal_(0.0, initializerRange, new org.bytedeco.pytorch.GeneratorOptional());
                case ZEROS -> torch.zeros(shape);
                case ONES -> torch.ones(shape);
            });
        }
    }

    private void register(String name, Tensor initial) {
        if (parameters.containsKey(name)) throw new IllegalStateException("parameter registered twice: " + name);
        Tensor p = initial.to(ScalarType.Float).detach().set_requires_grad(true);
        p.retainReference();
        parameters.put(name, p);
    }

    /**
     * Moves every parameter's data to {@code device} in place (the Tensor objects stay the same, as
     * torch's Module.to does), before an optimizer allocates its state next to them.
     */
    public void moveTo(Device device) {
        if (device.is_cpu()) return; // parameters are created on the CPU
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Tensor p : parameters.values()) {
                p.__dispatch_set_data(p.to(device, ScalarType.Float, false, false, new MemoryFormatOptional()));
            }
        }
    }

    /** Frees the parameters' memory; the model is unusable afterwards (a benchmark that builds one model per case). */
    public void release() {
        parameters.values().forEach(Tensor::releaseReference);
        parameters.clear();
    }

    public Tensor get(String name) {
        Tensor p = parameters.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named " + name);
        return p;
    }

    /** The parameters whose names start with none of {@code prefixes}, in creation order. */
    public List<Tensor> outside(String... prefixes) {
        List<Tensor> found = new ArrayList<>();
        parameters.forEach((name, p) -> {
            for (String prefix : prefixes) if (name.startsWith(prefix)) return;
            found.add(p);
        });
        return found;
    }

    public boolean contains(String name) {
        return parameters.containsKey(name);
    }

    /** Name → parameter, in creation order (read-only view). */
    public Map<String, Tensor> asMap() {
        return Collections.unmodifiableMap(parameters);
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor p : parameters.values()) n += p.numel();
        return n;
    }

    /**
     * Copies matching tensors from {@code weights} into the parameters (shapes must agree).
     * Returns which parameters were not found in {@code weights} and which weights had no parameter.
     */
    public LoadReport load(Map<String, Tensor> weights) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
                Tensor w = weights.get(e.getKey());
                if (w == null) {
                    missing.add(e.getKey());
                    continue;
                }
                Tensor p = e.getValue();
                long[] want = p.sizes().vec().get();
                long[] got = w.sizes().vec().get();
                if (!java.util.Arrays.equals(want, got)) {
                    throw new ShapeMismatchException(e.getKey(), want, got);
                }
                p.copy_(w.to(Tensors.dtype(p)));
            }
        }
        for (String name : weights.keySet()) if (!parameters.containsKey(name)) unexpected.add(name);
        return new LoadReport(missing, unexpected);
    }

    /** What a load left untouched: parameters absent from the file, and file entries the model has no use for. */
    public record LoadReport(List<String> missing, List<String> unexpected) {}

    /** A stored weight whose shape disagrees with the model's configuration. */
    public static final class ShapeMismatchException extends RuntimeException {
        public ShapeMismatchException(String name, long[] want, long[] got) {
            super("weight " + name + " has shape " + java.util.Arrays.toString(got) + " but the config needs "
                    + java.util.Arrays.toString(want));
        }
    }
}
