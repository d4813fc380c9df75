package org.nezha.core.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Classification batches. An example is encoded the first time a batch holds it, on the thread that
 * prepares batches, and kept; under data parallel a process thus encodes only the examples it trains
 * on, with no start-up burst of every process tokenizing everything at once. Batches are padded to
 * their longest row. Training batches are reshuffled every epoch from the seed, in one
 * order for all data-parallel ranks, each taking its {@link RankSlice} of every global batch;
 * evaluation batches keep file order.
 */
public final class TaskBatcher extends EpochBatcher<TaskBatch> {
    private final List<TaskExample> examples;
    private final PairEncoder encoder;
    private final int maxLen;
    private final EncodedPair[] encoded; // null until a batch needs the example
    private final long[] labels; // null: batches carry no labels
    private final int padId;

    private TaskBatcher(List<TaskExample> examples, LabelSet labelSet, PairEncoder encoder, int maxLen, int padId,
            EpochSchedule schedule) {
        super(schedule);
        this.examples = List.copyOf(examples);
        this.encoder = encoder;
        this.maxLen = maxLen;
        this.encoded = new EncodedPair[examples.size()];
        this.labels = labelSet == null ? null : labelIndices(examples, labelSet);
        this.padId = padId;
    }

    /** Training order: a fresh shuffle every epoch; {@code batchSize} rows for this rank of every global batch. */
    public static TaskBatcher shuffled(List<TaskExample> examples, LabelSet labels, PairEncoder encoder, int maxLen,
            int padId, int batchSize, long seed, RankSlice slice) {
        return new TaskBatcher(examples, labels, encoder, maxLen, padId,
                new EpochSchedule(examples.size(), batchSize, slice, EpochOrder.SHUFFLED, seed));
    }

    /** Evaluation and prediction order: the examples as given. {@code labels} null leaves labels out. */
    public static TaskBatcher inOrder(List<TaskExample> examples, LabelSet labels, PairEncoder encoder, int maxLen,
            int padId, int batchSize) {
        return new TaskBatcher(examples, labels, encoder, maxLen, padId,
                new EpochSchedule(examples.size(), batchSize, RankSlice.ALL, EpochOrder.SEQUENTIAL, 0));
    }

    /** Label lookups run in file order so the first bad label is the one reported. */
    private static long[] labelIndices(List<TaskExample> examples, LabelSet labelSet) {
        long[] indices = new long[examples.size()];
        for (int i = 0; i < indices.length; i++) {
            TaskExample example = examples.get(i);
            indices[i] = labelSet.index(example.label(), example.file(), example.line());
        }
        return indices;
    }

    private EncodedPair encoded(int i) {
        if (encoded[i] == null) {
            TaskExample example = examples.get(i);
            EncodedPair pair = encoder.encode(example.textA(), example.textB(), maxLen);
            if (pair.inputIds().length > maxLen || pair.inputIds().length != pair.tokenTypeIds().length) {
                throw new IllegalStateException("encoder gave " + pair.inputIds().length + " ids and "
                        + pair.tokenTypeIds().length + " token types for a limit of " + maxLen);
            }
            encoded[i] = pair;
        }
        return encoded[i];
    }

    public int size() {
        return encoded.length;
    }

    @Override
    public TaskBatch batch(int epoch, int batchIndex) {
        EpochSchedule.Share share = schedule.share(epoch, batchIndex);
        int[] members = share.rows();
        List<int[]> ids = new ArrayList<>(members.length);
        List<int[]> types = new ArrayList<>(members.length);
        long[] batchLabels = labels == null ? null : new long[members.length];
        for (int row = 0; row < members.length; row++) {
            EncodedPair pair = encoded(members[row]);
            ids.add(pair.inputIds());
            types.add(pair.tokenTypeIds());
            if (batchLabels != null) batchLabels[row] = labels[members[row]];
        }
        return new TaskBatch(PaddedBatch.of(ids, types, padId, 0), batchLabels, members,
                share.lossWeight(share.globalItems().length));
    }
}
