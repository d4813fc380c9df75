package org.nezha.core.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.data.TaskBatch;
import org.nezha.core.data.TaskBatcher;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Feature;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.Precision;

/**
 * Runs a task model over features without gradients, dropout off, and hands back each feature's
 * logits as Java floats for the task's decoder: a [C] row per feature, or [len, T] for per-token
 * heads, len being the feature's own length (the batch's padding cut off). Rows are batched in order
 * of length, so a batch pads little (results come back in feature order all the same).
 */
final class TaskInference {
    private TaskInference() {}

    static List<float[]> logits(TaskModel model, List<? extends Feature<?>> features, int padId, int batchSize, Execution execution,
            String phase, Progress progress) {
        return logits(model, features, padId, batchSize, true, execution, phase, progress);
    }

    /** {@code lengthSorted} false: batches of rows in feature order (for measuring what sorting saves). */
    static List<float[]> logits(TaskModel model, List<? extends Feature<?>> features, int padId, int batchSize, boolean lengthSorted,
            Execution execution, String phase, Progress progress) {
        Integer[] order = new Integer[features.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (lengthSorted) Arrays.sort(order, Comparator.comparingInt(i -> features.get(i).inputIds().length)); // stable
        List<TaskBatcher.Row> rows = new ArrayList<>(order.length);
        for (int i : order) rows.add(new TaskBatcher.Row(features.get(i).inputIds(), features.get(i).tokenTypeIds(), null));
        TaskBatcher batches = TaskBatcher.inOrder(rows, padId, batchSize);
        float[][] out = new float[rows.size()][];
        progress.begin(phase, rows.size());
        long done = 0;
        for (int i = 0; i < batches.batchesPerEpoch(); i++) {
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
                    Precision.Region autocast = execution.precision().autocast(execution.device())) {
                TaskBatch batch = batches.batch(0, i);
                BatchTensors inputs = BatchTensors.of(batch.inputs(), execution.device());
                Tensor logits = model.logits(inputs.inputIds(), inputs.tokenTypeIds(), inputs.attentionMask(), false)
                        .to(ScalarType.Float).contiguous();
                float[] values = Tensors.toFloats(logits);
                int[] members = batch.rowIndices();
                int perRow = values.length / members.length;
                // per-token heads: [B, L, T]; keep each row's own tokens
                long perToken = logits.dim() == 3 ? logits.size(2) : 0;
                for (int r = 0; r < members.length; r++) {
                    int keep = perToken == 0 ? perRow : Math.toIntExact(rows.get(members[r]).inputIds().length * perToken);
                    out[order[members[r]]] = Arrays.copyOfRange(values, r * perRow, r * perRow + keep);
                }
                done += members.length;
            }
            progress.advance(done, "");
        }
        progress.end();
        return new ArrayList<>(List.of(out));
    }
}
