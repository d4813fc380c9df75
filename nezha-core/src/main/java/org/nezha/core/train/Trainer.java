package org.nezha.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * The one training loop for pretraining and fine-tuning: gradient accumulation, mixed precision
 * (autocast forward, fp16 loss scaling), gradient synchronisation across processes, clipping, the
 * optimizer, the learning-rate schedule, step logs and checkpoint/evaluation hooks. A task supplies
 * micro-batches (forward, then backward of the scaled loss). Every update runs in its own
 * PointerScope so native memory stays flat over a long run, and nothing in an update waits for the
 * device except fp16's overflow check: losses and norms stay on the device and are read at log and
 * checkpoint steps, where a loss, gradient norm or weight that is no longer finite stops the run.
 */
public final class Trainer {
    /** One micro-batch at a time. */
    public interface Task {
        /** The forward of the next micro-batch; the trainer runs it under its precision's autocast. */
        Forward forward();

        /** The backward from {@code scaledLoss}, computed from the last forward's loss. */
        void backward(Tensor scaledLoss);
    }

    /**
     * A micro-batch's loss (a scalar tensor, left on the device) and how many real tokens it held. Under data
     * parallelism, this process's part of the global batch's loss, weighted so that its average over the
     * processes (as gradients and logged losses are averaged) is that loss.
     */
    public record Forward(Tensor loss, long tokens) {}

    /** What the loop reports; defaults do nothing. */
    public interface Listener {
        /** Update {@code step} (1-based) is done. */
        default void onUpdate(long step) {}

        default void onLog(StepLog log) {}

        /** Called after update {@code step} (1-based count of updates done) when a checkpoint is due. */
        default void onCheckpoint(long step) {}
    }

    /**
     * One logged step, averaged over the updates since the previous log. {@code lossScale} and
     * {@code skippedSteps} (updates dropped for overflowing gradients, in all) are fp16's; 0 otherwise.
     */
    public record StepLog(long step, double loss, double lr, double gradNorm, double tokensPerSecond,
            double elapsedSeconds, double lossScale, long skippedSteps) {
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("step", step);
            // null when every update of the window was skipped (fp16 overflow)
            map.put("loss", Double.isFinite(loss) ? loss : null);
            map.put("lr", lr);
            map.put("grad_norm", Double.isFinite(gradNorm) ? gradNorm : null);
            map.put("tokens_per_s", tokensPerSecond);
            map.put("elapsed_s", elapsedSeconds);
            if (lossScale > 0) {
                map.put("loss_scale", lossScale);
                map.put("skipped_steps", skippedSteps);
            }
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
    private final Precision precision;
    private final Device device;
    private final DynamicLossScaler scaler;
    private GradientSync sync = GradientSync.NONE;
    /** Processes training together: logged tokens/s counts all of them (this one's tokens × processes). */
    private int processes = 1;
    private PhaseClock clock = PhaseClock.NONE;
    /** Gradients are handed to {@link #sync} only in an update's last micro-step (accumulation adds up locally first). */
    private boolean lastMicroStep;
    /** Set while a task runs a backward that a later one of the same micro-batch adds to: nothing is handed over yet. */
    private boolean handoverHeld;
    /** What the current micro-batch's loss is multiplied by for its backward. */
    private double lossFactor = 1.0;
    /** The last update whose loss was read and finite (0: none yet), for a divergence's message. */
    private long lastFiniteStep;
    private double lastFiniteLoss = Double.NaN;

    public Trainer(Map<String, Tensor> parameters, Optimizer optimizer, LearningRateSchedule schedule, Options options,
            Precision precision, Device device) {
        this.parameters = new ArrayList<>(parameters.values());
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.options = options;
        this.precision = precision;
        this.device = device;
        this.scaler = precision.scalesLoss() ? DynamicLossScaler.withDefaults() : null;
    }

    /** Averages gradients through {@code sync} across {@code processes} (data parallel) before clipping and the update. */
    public void synchronizeGradients(GradientSync sync, int processes) {
        this.sync = sync;
        this.processes = processes;
    }

    /** Marks the end of each phase of every update on {@code clock} (benchmarks). */
    public void timePhases(PhaseClock clock) {
        this.clock = clock;
    }

    /** The model's hook: these parameters' gradients are complete for this backward. */
    public void gradientsReady(Collection<Tensor> finished) {
        if (lastMicroStep && !handoverHeld) sync.gradientsReady(finished);
    }

    /**
     * Runs {@code backward} without handing finished gradients to the data-parallel sync: for a backward that
     * another backward of the same micro-batch adds to (adversarial training). The last backward hands
     * them over, or {@link GradientSync#finish} covers what none handed over.
     */
    public void holdingGradientHandover(Runnable backward) {
        handoverHeld = true;
        try {
            backward.run();
        } finally {
            handoverHeld = false;
        }
    }

    /**
     * What the current micro-batch's loss is multiplied by for its backward (fp16's loss scale / accumulation):
     * a task that adds another loss's gradients in its backward scales that loss alike.
     */
    public double lossFactor() {
        return lossFactor;
    }

    /** The fp16 loss scaler (null for fp32 and bf16), for checkpoints. */
    public DynamicLossScaler lossScaler() {
        return scaler;
    }

    /**
     * Runs updates {@code startStep} … maxSteps − 1 (startStep &gt; 0 when resuming).
     *
     * @throws TrainingDivergedException when a loss or gradient norm is found not finite (checked at
     *     every log and before every checkpoint, where the weights are checked too; the listener hears of
     *     nothing after the first bad update)
     */
    public void run(Task task, Listener listener, long startStep) {
        Window window = new Window(System.nanoTime());
        try {
            runUpdates(task, listener, startStep, window);
        } finally {
            window.release(); // what a failed run's last window still holds
        }
    }

    private void runUpdates(Task task, Listener listener, long startStep, Window window) {
        long start = window.startNanos;
        for (long step = startStep; step < options.maxSteps(); step++) {
            double lr = schedule.rateAt(step);
            try (PointerScope scope = new PointerScope()) {
                Tensor loss = null;
                double scale = scaler == null ? 1.0 : scaler.scale();
                for (int micro = 0; micro < options.accumulation(); micro++) {
                    lastMicroStep = micro == options.accumulation() - 1;
                    Forward f;
                    try (Precision.Region autocast = precision.autocast(device)) {
                        f = task.forward();
                    }
                    clock.phaseEnded(PhaseClock.Phase.FORWARD);
                    lossFactor = scale / options.accumulation();
                    task.backward(f.loss().mul(Tensors.scalar(lossFactor)));
                    clock.phaseEnded(PhaseClock.Phase.BACKWARD);
                    Tensor part = f.loss().detach().to(ScalarType.Float).div(Tensors.scalar(options.accumulation()));
                    loss = loss == null ? part : loss.add(part);
                    window.tokens += f.tokens() * processes;
                }
                sync.finish();
                clock.phaseEnded(PhaseClock.Phase.COMMUNICATION);
                boolean finite = scaler == null || unscaleAndUpdateScale();
                if (finite) {
                    window.add(step + 1, loss, clipGradients(options.maxGradNorm()));
                    optimizer.step(lr);
                }
                optimizer.zeroGrad();
                clock.phaseEnded(PhaseClock.Phase.OPTIMIZER);
            }
            long done = step + 1;
            listener.onUpdate(done);
            boolean logDue = done % options.logEvery() == 0 || done == options.maxSteps();
            boolean checkpointDue = (options.checkpointEvery() > 0 && done % options.checkpointEvery() == 0)
                    || done == options.maxSteps();
            if (logDue || checkpointDue) requireFinite(window); // nothing is logged or saved from a diverged run
            if (checkpointDue) requireFiniteWeights(done);
            if (logDue) {
                listener.onLog(window.close(done, lr, start, scaler));
                window.restart(System.nanoTime());
            }
            if (checkpointDue) listener.onCheckpoint(done);
        }
    }

    /**
     * Reads the window's losses (averaged over processes) and norms and stops the run at the first
     * that is not finite; otherwise remembers the last good loss for the next failure's message.
     */
    private void requireFinite(Window window) {
        window.read(sync);
        for (int i = 0; i < window.size(); i++) {
            long step = window.steps.get(i);
            double loss = window.lossValues[i], norm = window.normValues[i];
            if (!Double.isFinite(loss)) throw new TrainingDivergedException(step, "loss", loss, lastFiniteStep, lastFiniteLoss);
            if (!Double.isFinite(norm)) {
                throw new TrainingDivergedException(step, "gradient norm", norm, lastFiniteStep, lastFiniteLoss);
            }
            lastFiniteStep = step;
            lastFiniteLoss = loss;
        }
    }

    /**
     * Before a checkpoint or evaluation: the weights this update left must be finite (their norm is:
     * NaN or infinite entries, or ones so large that squaring overflows, make it not).
     */
    private void requireFiniteWeights(long step) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            TensorVector norms = new TensorVector();
            for (Tensor p : parameters) norms.push_back(p.norm());
            double norm = torch.stack(norms).norm().item_double();
            if (!Double.isFinite(norm)) {
                throw new TrainingDivergedException(step, "weights' norm", norm, lastFiniteStep, lastFiniteLoss);
            }
        }
    }

    /** fp16: unscales the gradients and adjusts the scale; false when they overflowed (the update is skipped). */
    private boolean unscaleAndUpdateScale() {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : parameters) if (p.grad().defined()) grads.add(p.grad());
        boolean finite = scaler.unscaleAndCheck(grads);
        scaler.update(!finite);
        return finite;
    }

    /**
     * Scales all gradients so their global L2 norm is at most {@code maxNorm} (≤ 0: no clipping), as
     * torch's clip_grad_norm_, without reading anything back from the device; returns the norm before.
     */
    Tensor clipGradients(double maxNorm) {
        try (NoGradGuard guard = new NoGradGuard()) {
            TensorVector norms = new TensorVector();
            List<Tensor> grads = new ArrayList<>();
            for (Tensor p : parameters) {
                Tensor g = p.grad();
                if (!g.defined()) continue;
                grads.add(g);
                norms.push_back(g.norm());
            }
            if (grads.isEmpty()) return torch.zeros(new long[0]);
            Tensor total = torch.stack(norms).norm();
            if (maxNorm > 0) {
                Tensor coefficient = total.add(Tensors.scalar(1e-6)).reciprocal().mul(Tensors.scalar(maxNorm))
                        .clamp_max(Tensors.scalar(1.0));
                for (Tensor g : grads) g.mul_(coefficient);
            }
            return total;
        }
    }

    /**
     * The updates since the last log. Their losses and norms stay on the device (retained past each
     * update's scope) until they are read at a log or checkpoint step; a read at every update would make
     * each step wait for the device.
     */
    private static final class Window {
        long startNanos;
        long tokens;
        final List<Long> steps = new ArrayList<>();
        private final List<Tensor> losses = new ArrayList<>(), norms = new ArrayList<>();
        double[] lossValues, normValues;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }

        int size() {
            return steps.size();
        }

        void add(long step, Tensor loss, Tensor norm) {
            loss.retainReference();
            norm.retainReference();
            steps.add(step);
            losses.add(loss);
            norms.add(norm);
        }

        /** Reads the values (a collective under data parallel: every process reads at the same steps). */
        void read(GradientSync sync) {
            if (steps.isEmpty()) {
                lossValues = normValues = new double[0];
                return;
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor stacked = torch.stack(new TensorVector(losses.toArray(Tensor[]::new)));
                lossValues = Tensors.toDoubles(sync.averageOverProcesses(stacked));
                normValues = Tensors.toDoubles(torch.stack(new TensorVector(norms.toArray(Tensor[]::new))));
            }
        }

        /** The log of the window (read and checked already); the loss is averaged over data-parallel processes. */
        StepLog close(long step, double lr, long runStart, DynamicLossScaler scaler) {
            long now = System.nanoTime();
            double loss = Arrays.stream(lossValues).average().orElse(Double.NaN); // NaN: every update skipped (fp16)
            double norm = Arrays.stream(normValues).average().orElse(Double.NaN);
            return new StepLog(step, loss, lr, norm, tokens / ((now - startNanos) / 1e9), (now - runStart) / 1e9,
                    scaler == null ? 0 : scaler.scale(), scaler == null ? 0 : scaler.skippedSteps());
        }

        /** Empties the window for the updates after a log. */
        void restart(long nanos) {
            release();
            startNanos = nanos;
            tokens = 0;
        }

        void release() {
            losses.forEach(Tensor::releaseReference);
            norms.forEach(Tensor::releaseReference);
            losses.clear();
            norms.clear();
            steps.clear();
            lossValues = normValues = null;
        }
    }
}
