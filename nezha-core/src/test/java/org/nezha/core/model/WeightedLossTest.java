package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import org.nezha.core.data.RankSlice;
import org.nezha.core.data.TaskBatch;
import org.nezha.core.data.TaskBatcher;
import org.nezha.core.tensor.Tensors;

/**
 * The classification loss with the batchers' weights: for one process today's mean cross-entropy, and
 * on N ranks (some holding fewer rows of the last global batch, or only a stand-in) the average of the
 * ranks' losses is the global batch's mean, as a float64 reference computes it.
 */
class WeightedLossTest {
    private static final int EXAMPLES = 23, CLASSES = 3;
    /** The loss is computed in float32. */
    private static final double TOLERANCE = 1e-6;

    private final double[][] logits = new double[EXAMPLES][CLASSES];
    private final int[] labels = new int[EXAMPLES];
    private final List<TaskBatcher.Row> rows;

    WeightedLossTest() {
        SplittableRandom random = new SplittableRandom(7);
        for (double[] row : logits) for (int c = 0; c < CLASSES; c++) row[c] = random.nextDouble(-4, 4);
        for (int i = 0; i < EXAMPLES; i++) labels[i] = random.nextInt(CLASSES);
        rows = IntStream.range(0, EXAMPLES).mapToObj(i -> new TaskBatcher.Row(new int[] {1}, new int[] {0}, new long[] {labels[i]})).toList();
    }

    @Test
    void oneProcessWeightedSumIsTheMean() {
        TaskBatcher batcher = batcher(5, RankSlice.ALL);
        for (int t = 0; t < batcher.batchesPerEpoch(); t++) {
            TaskBatch batch = batcher.batch(0, t);
            double loss = loss(batch);
            assertEquals(referenceMean(batch.rowIndices()), loss, TOLERANCE * loss);
            Tensor mean = torch.cross_entropy_loss(logitsOf(batch.rowIndices()), labelsOf(batch));
            assertEquals(mean.item_double(), loss, TOLERANCE * loss, "torch's mean reduction");
        }
    }

    /** 23 examples: on 2 ranks × 4 the last global batch (7) splits 4 + 3; on 4 ranks × 2 (7) 2 + 2 + 2 + 1; on 8 × 1, rank 7 has a stand-in. */
    @Test
    void ranksAverageToTheGlobalMean() {
        for (int n : new int[] {2, 4, 8}) {
            int perRank = 8 / n;
            TaskBatcher alone = batcher(8, RankSlice.ALL);
            List<TaskBatcher> ranks = IntStream.range(0, n).mapToObj(r -> batcher(perRank, new RankSlice(r, n))).toList();
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int t = 0; t < alone.batchesPerEpoch(); t++) {
                    double sum = 0;
                    for (TaskBatcher rank : ranks) sum += loss(rank.batch(epoch, t));
                    double expected = referenceMean(alone.batch(epoch, t).rowIndices());
                    assertEquals(expected, sum / n, TOLERANCE * expected, n + " ranks, epoch " + epoch + " batch " + t);
                }
            }
        }
    }

    private TaskBatcher batcher(int batchSize, RankSlice slice) {
        return TaskBatcher.shuffled(rows, 0, batchSize, 3, slice);
    }

    private double loss(TaskBatch batch) {
        return CrossEntropy.weightedSum(logitsOf(batch.rowIndices()), labelsOf(batch), batch.lossWeight()).item_double();
    }

    private Tensor logitsOf(int[] rows) {
        double[] flat = Arrays.stream(rows).mapToObj(i -> logits[i]).flatMapToDouble(Arrays::stream).toArray();
        return Tensors.doubles(flat, rows.length, CLASSES);
    }

    private static Tensor labelsOf(TaskBatch batch) {
        return Tensors.longs(batch.targets(), null, batch.targets().length);
    }

    /** Mean over the rows of log Σ exp(logits) − logit[label], in float64. */
    private double referenceMean(int[] rows) {
        double sum = 0;
        for (int i : rows) {
            double max = Arrays.stream(logits[i]).max().orElseThrow();
            double logSumExp = max + Math.log(Arrays.stream(logits[i]).map(x -> Math.exp(x - max)).sum());
            sum += logSumExp - logits[i][labels[i]];
        }
        return sum / rows.length;
    }
}
