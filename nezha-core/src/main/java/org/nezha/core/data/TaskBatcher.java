package org.nezha.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fine-tuning batches of encoded rows (a task's features), padded to their longest row, with the
 * rows' targets padded to the widest as an int64 [B, K] block (-100, no loss, where a row has fewer).
 * Training batches are reshuffled every epoch from the seed, in one order for all data-parallel
 * ranks, each taking its {@link RankSlice} of every global batch; evaluation batches keep row order.
 */
public final class TaskBatcher extends EpochBatcher<TaskBatch> {
    /** A target that takes no loss (torch's ignore_index). */
    static final long NO_TARGET = -100;

    /** One model row: its inputs and its targets (null when unlabelled). */
    public record Row(int[] inputIds, int[] tokenTypeIds, long[] targets) {}

    private final List<Row> rows;
    private final int padId;

    private TaskBatcher(List<Row> rows, int padId, EpochSchedule schedule) {
        super(schedule);
        this.rows = List.copyOf(rows);
        this.padId = padId;
    }

    /** Training order: a fresh shuffle every epoch; {@code batchSize} rows for this rank of every global batch. */
    public static TaskBatcher shuffled(List<Row> rows, int padId, int batchSize, long seed, RankSlice slice) {
        return new TaskBatcher(rows, padId, new EpochSchedule(rows.size(), batchSize, slice, EpochOrder.SHUFFLED, seed));
    }

    /** Evaluation and prediction order: the rows as given. */
    public static TaskBatcher inOrder(List<Row> rows, int padId, int batchSize) {
        return new TaskBatcher(rows, padId, new EpochSchedule(rows.size(), batchSize, RankSlice.ALL, EpochOrder.SEQUENTIAL, 0));
    }

    public int size() {
        return rows.size();
    }

    @Override
    public TaskBatch batch(int epoch, int batchIndex) {
        EpochSchedule.Share share = schedule.share(epoch, batchIndex);
        int[] members = share.rows();
        List<int[]> ids = new ArrayList<>(members.length);
        List<int[]> types = new ArrayList<>(members.length);
        int width = 0;
        boolean labelled = true;
        for (int member : members) {
            Row row = rows.get(member);
            ids.add(row.inputIds());
            types.add(row.tokenTypeIds());
            if (row.targets() == null) labelled = false;
            else width = Math.max(width, row.targets().length);
        }
        long[] targets = null;
        if (labelled) {
            targets = new long[members.length * width];
            Arrays.fill(targets, NO_TARGET);
            for (int r = 0; r < members.length; r++) {
                long[] t = rows.get(members[r]).targets();
                System.arraycopy(t, 0, targets, r * width, t.length);
            }
        }
        return new TaskBatch(PaddedBatch.of(ids, types, padId, 0), targets, width, members,
                share.lossWeight(share.globalItems().length));
    }
}
