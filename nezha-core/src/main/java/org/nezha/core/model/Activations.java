package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The hidden activations a config can name, with HF's meaning of each name. */
final class Activations {
    private Activations() {}

    static Tensor apply(String name, Tensor x) {
        return switch (name) {
            case "gelu" -> torch.gelu(x); // exact erf GELU, as HF's "gelu"
            case "gelu_new", "gelu_pytorch_tanh" -> torch.gelu(x, "tanh");
            case "relu" -> torch.relu(x);
            case "tanh" -> torch.tanh(x);
            default -> throw new IllegalArgumentException("unsupported hidden_act: " + name);
        };
    }
}
