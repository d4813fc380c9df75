package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import org.nezha.core.tensor.Tensors;

/** A loss or gradient norm that stops being finite ends the run at that step, before anything is logged or saved from it. */
class TrainerDivergenceTest {
    /** Loss = w · x with x given per update: NaN or infinite from a chosen update on. */
    private static final class ScriptedTask implements Trainer.Task {
        final Tensor w;
        final double[] factors;
        int update;

        ScriptedTask(Tensor w, double... factors) {
            this.w = w;
            this.factors = factors;
        }

        @Override
        public Trainer.Forward forward() {
            double f = factors[update++];
            return new Trainer.Forward(w.sum().mul(Tensors.scalar(f)), 1);
        }

        @Override
        public void backward(Tensor scaledLoss) {
            scaledLoss.backward();
        }
    }

    private static final class Recorder implements Trainer.Listener {
        final List<Long> logged = new ArrayList<>(), checkpoints = new ArrayList<>();

        @Override
        public void onLog(Trainer.StepLog log) {
            logged.add(log.step());
        }

        @Override
        public void onCheckpoint(long step) {
            checkpoints.add(step);
        }
    }

    private static Trainer trainer(Tensor w, int logEvery, int checkpointEvery) {
        Map<String, Tensor> params = Map.of("w", w);
        Optimizer adam = Optimizers.create("adamw", params, 0, 1e-8);
        return new Trainer(params, adam, new LearningRateSchedule(1e-3, 0, 10, LearningRateSchedule.Decay.CONSTANT, 1, 0),
                new Trainer.Options(10, 1, 1.0, logEvery, checkpointEvery), Precision.FP32, new Device("cpu"));
    }

    @Test
    void aNanLossStopsTheRunAtItsStepNamingTheLastFiniteLoss() {
        Tensor w = torch.ones(new long[] {3}).set_requires_grad(true);
        Recorder recorder = new Recorder();
        // logged every 4 updates, checkpointed every 2: the NaN of update 6 is found at the checkpoint after it
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer(w, 4, 2)
                .run(new ScriptedTask(w, 1, 2, 3, 4, 5, Double.NaN, 7, 8, 9, 10), recorder, 0));
        assertEquals(6, e.step());
        assertEquals("loss", e.quantity());
        assertEquals(5, e.lastFiniteStep());
        assertEquals(5 * 3, e.lastFiniteLoss(), 0.2); // w moved a little from ones under lr 1e-3
        assertEquals("the loss became NaN at step 6 (last finite loss " + String.format(java.util.Locale.ROOT, "%.4f",
                e.lastFiniteLoss()) + " at step 5)", e.getMessage());
        assertEquals(List.of(4L), recorder.logged);
        assertEquals(List.of(2L, 4L), recorder.checkpoints, "no checkpoint of the diverged weights");
    }

    @Test
    void anInfiniteGradientNormIsDivergenceToo() {
        Tensor w = torch.ones(new long[] {3}).set_requires_grad(true);
        // the loss w·∞ is infinite and its gradient too; reported at the first log
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer(w, 1, 0)
                .run(new ScriptedTask(w, Double.POSITIVE_INFINITY, 1, 1, 1, 1, 1, 1, 1, 1, 1), new Recorder(), 0));
        assertEquals(1, e.step());
        assertEquals(0, e.lastFiniteStep());
        assertTrue(e.getMessage().endsWith("at step 1 (no finite loss before it)"), e.getMessage());
    }
}
