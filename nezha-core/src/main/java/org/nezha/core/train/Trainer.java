package org.nezha.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.tensor.Tensors;

/**
 * The one training loop for pretraining and fine-tuning: gradient accumulation, clipping,
 * the optimizer, the learning-rate schedule, step logs and checkpoint/evaluation hooks. A task supplies
 * micro-steps (forward + backward of one micro-batch); every update runs in its own PointerScope
 * so native memory stays flat over a long run.
 */
public final class Trainer {
    /** One micro-batch: forward and backward with the loss multiplied by {@code lossScale}. */
    public interface Task {
        MicroStep forwardBackward(double lossScale);
    }

    /** The unscaled loss of a micro-batch and how many tokens it held (for throughput). */
    public record MicroStep(double loss, long tokens) {}

    /** What the loop reports; defaults do nothing. */
    public interface Listener {
        default void onUpdate(long step, double loss) {}

        default void onLog(StepLog log) {}

        /** Called after update {@code step} (1-based count of updates done) when a checkpoint is due. */
        default void onCheckpoint(long step) {}
    }

    /** One logged step: averaged over the updates since the previous log. */
    public record StepLog(long step, double loss, double lr, double gradNorm, double tokensPerSecond,
            double elapsedSeconds) {
        public Map<String, Object> toMap() {
            Map<String, Object> map = new java.util.LinkedHashMap<>();
            map.put("step", step);
            map.put("loss", loss);
            map.put("lr", lr);
            map.put("grad_norm", gradNorm);
            map.put("tokens_per_s", tokensPerSecond);
            map.put("elapsed_s", elapsedSeconds);
            return map;
        }
    }

    public record Options(long maxSteps, int accumulation, double maxGradNorm, int logEvery, int checkpointEvery) {
        public Options {
            if (maxSteps < 1) throw new IllegalArgumentException("max steps must be at least 1");
            if (accumulation < 1) throw new IllegalArgumentException("gradient accumulation must be at least 1");
            if (logEvery < 1) throw new IllegalArgumentException("log interval must be at least 1");
        }
    }

    private final List<Tensor> parameters;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final Options options;

    public Trainer(Map<String, Tensor> parameters, Optimizer optimizer, LearningRateSchedule schedule, Options options) {
        this.parameters = new ArrayList<>(parameters.values());
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.options = options;
    }

    /** Runs updates {@code startStep} … maxSteps − 1 (startStep &gt; 0 when resuming). */
    public void run(Task task, Listener listener, long startStep) {
        long start = System.nanoTime();
        long windowStart = start;
        double windowLoss = 0, windowNorm = 0;
        long windowTokens = 0, windowSteps = 0;
        for (long step = startStep; step < options.maxSteps(); step++) {
            double lr = schedule.rateAt(step);
            double loss = 0, gradNorm;
            try (PointerScope scope = new PointerScope()) {
                for (int micro = 0; micro < options.accumulation(); micro++) {
                    MicroStep m = task.forwardBackward(1.0 / options.accumulation());
                    loss += m.loss() / options.accumulation();
                    windowTokens += m.tokens();
                }
                gradNorm = clipGradients(options.maxGradNorm());
                optimizer.step(lr);
                optimizer.zeroGrad();
            }
            if (!Double.isFinite(loss)) throw new IllegalStateException("loss became " + loss + " at step " + (step + 1));
            windowLoss += loss;
            windowNorm += gradNorm;
            windowSteps++;
            long done = step + 1;
            listener.onUpdate(done, loss);
            if (done % options.logEvery() == 0 || done == options.maxSteps()) {
                long now = System.nanoTime();
                listener.onLog(new StepLog(done, windowLoss / windowSteps, lr, windowNorm / windowSteps,
                        windowTokens / ((now - windowStart) / 1e9), (now - start) / 1e9));
                windowStart = now;
                windowLoss = windowNorm = 0;
                windowTokens = windowSteps = 0;
            }
            if ((options.checkpointEvery() > 0 && done % options.checkpointEvery() == 0) || done == options.maxSteps()) {
                listener.onCheckpoint(done);
            }
        }
    }

    /** Scales all gradients so their global L2 norm is at most {@code maxNorm} (≤ 0: no clipping); returns the norm before. */
    double clipGradients(double maxNorm) {
        try (NoGradGuard guard = new NoGradGuard()) {
            TensorVector norms = new TensorVector();
            List<Tensor> grads = new ArrayList<>();
            for (Tensor p : parameters) {
                Tensor g = p.grad();
                if (!g.defined()) continue;
                grads.add(g);
                norms.push_back(g.norm());
            }
            if (grads.isEmpty()) return 0;
            double total = torch.stack(norms).norm().item_double();
            if (maxNorm > 0 && total > maxNorm) {
                double coefficient = maxNorm / (total + 1e-6);
                for (Tensor g : grads) g.mul_(Tensors.scalar(coefficient));
            }
            return total;
        }
    }
}
