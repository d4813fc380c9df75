package org.nezha.core.distributed;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.tensor.Tensors;

/**
 * Parameters whose gradients travel in one all-reduce: one flat buffer, allocated once and reused
 * every step, with a view of it shaped like each parameter. All of a bucket's parameters share a
 * dtype and a device.
 */
final class GradientBucket implements AutoCloseable {
    private final List<String> names;
    private final List<Tensor> parameters;
    private final Tensor buffer;
    private final List<Tensor> slots = new ArrayList<>();
    private PendingCollective inFlight;

    GradientBucket(List<String> names, List<Tensor> parameters) {
        this.names = List.copyOf(names);
        this.parameters = List.copyOf(parameters);
        Tensor first = parameters.get(0);
        long total = parameters.stream().mapToLong(Tensor::numel).sum();
        buffer = retained(torch.zeros(new long[] {total}, Tensors.options(Tensors.dtype(first), first.device())));
        long offset = 0;
        for (Tensor p : parameters) {
            slots.add(retained(buffer.narrow(0, offset, p.numel()).view(p.sizes().vec().get())));
            offset += p.numel();
        }
    }

    List<String> names() {
        return names;
    }

    /** Copies the final gradients in (zeros for a parameter without one) and starts summing them across the group. */
    void launch(DataParallelGroup group) {
        for (int i = 0; i < parameters.size(); i++) {
            Tensor grad = parameters.get(i).grad();
            if (grad.defined()) slots.get(i).copy_(grad);
            else slots.get(i).zero_();
        }
        inFlight = group.startAllReduceSum(buffer);
    }

    /** Waits for the sum, makes it the mean and writes it into every parameter's gradient, creating missing ones. */
    void finish(int worldSize) {
        PendingCollective pending = inFlight;
        inFlight = null;
        pending.await();
        buffer.div_(Tensors.scalar(worldSize));
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i);
            Tensor grad = p.grad();
            if (grad.defined()) grad.copy_(slots.get(i));
            else p.mutable_grad().put(slots.get(i).clone());
        }
    }

    @Override
    public void close() {
        slots.forEach(Tensor::releaseReference);
        buffer.releaseReference();
    }

    private static Tensor retained(Tensor t) {
        t.retainReference();
        return t;
    }
}
