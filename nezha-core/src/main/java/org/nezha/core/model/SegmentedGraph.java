package org.nezha.core.model;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A forward pass cut into segments, for operations whose backward libtorch cannot run (our fused
 * kernels: custom autograd functions cannot be written in Java). At each cut the tensor crossing it
 * becomes a fresh leaf; {@link #backward} runs libtorch's backward from the loss down to the first
 * cut, then each recorded stage in reverse order, each continuing from its leaf's gradient. The
 * cut points are also where a finished layer's gradients are complete.
 */
public final class SegmentedGraph {
    private final List<Runnable> stages = new ArrayList<>();

    /** A leaf standing for {@code x} in the segment above; the gradient reaching it flows on into x. */
    public Tensor cut(Tensor x) {
        if (!x.requires_grad()) return x;
        Tensor leaf = x.detach().requires_grad_(true);
        stages.add(() -> {
            Tensor grad = leaf.grad();
            if (grad.defined()) backward(List.of(x), List.of(grad));
        });
        return leaf;
    }

    /** Records a stage that, in the backward, turns an output leaf's gradient into gradients of its inputs. */
    public void onBackward(Runnable stage) {
        stages.add(stage);
    }

    /** Backward of the whole graph from a scalar loss. The graph is used up. */
    public void backward(Tensor loss) {
        loss.backward();
        runStages();
    }

    /** Backward of the whole graph from {@code output}, whose gradient is {@code grad}. The graph is used up. */
    public void backward(Tensor output, Tensor grad) {
        backward(List.of(output), List.of(grad));
        runStages();
    }

    private void runStages() {
        for (int i = stages.size() - 1; i >= 0; i--) stages.get(i).run();
        stages.clear();
    }

    /** Continues the backward from {@code roots}, whose gradients are {@code grads}. */
    public static void backward(List<Tensor> roots, List<Tensor> grads) {
        torch.backward(new TensorVector(roots.toArray(Tensor[]::new)), new TensorVector(grads.toArray(Tensor[]::new)),
                new BoolOptional(), false, new TensorVector());
    }
}
