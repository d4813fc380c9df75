package org.nezha.core.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nezha.core.corpus.TokenCorpus;
import org.nezha.core.data.InstanceTable;
import org.nezha.core.data.MaskingScheme;
import org.nezha.core.data.MlmBatch;
import org.nezha.core.data.MlmBatcher;
import org.nezha.core.data.MlmMasker;
import org.nezha.core.data.RankSlice;
import org.nezha.core.data.SpecialTokens;

/**
 * The data side of pretraining without a model: instances read from the corpus (mapped shards or
 * memory), framed, masked and padded into batches on one thread, as the batch-preparing thread of
 * {@code pretrain} makes them. Reports tokens per second (real tokens, [CLS]/[SEP] included: what the
 * model consumes) and the process's resident memory, so a run over a corpus larger than the heap
 * shows whether memory stays flat.
 */
public final class DataBenchmark {
    /** One measured case. */
    public record Row(int seqLen, int batchSize, String masking, boolean nextSentence, int instances, double packSeconds,
            long batches, long sequences, long tokens, double seconds, long residentBytes) {
        public double tokensPerSecond() {
            return tokens / seconds;
        }

        public double sequencesPerSecond() {
            return sequences / seconds;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq_len", seqLen);
            m.put("batch_size", batchSize);
            m.put("masking", masking);
            m.put("next_sentence", nextSentence);
            m.put("instances", instances);
            m.put("pack_s", packSeconds);
            m.put("batches", batches);
            m.put("tokens_per_s", tokensPerSecond());
            m.put("sequences_per_s", sequencesPerSecond());
            m.put("seconds", seconds);
            m.put("resident_bytes", residentBytes);
            return m;
        }
    }

    private static final long WARMUP_NANOS = 1_000_000_000L;

    private DataBenchmark() {}

    /**
     * Draws batches of {@code instances} (packed for {@code seqLen} in {@code packSeconds}) for
     * {@code seconds}, after a second untimed.
     */
    public static Row measure(TokenCorpus corpus, InstanceTable instances, double packSeconds, SpecialTokens specials, int seqLen,
            int batchSize, MaskingScheme masking, boolean nextSentence, double maskProb, int maxPredictions, long seed,
            double seconds) {
        MlmBatcher batcher = new MlmBatcher(corpus, instances, new MlmMasker(specials, maskProb, maxPredictions, masking),
                batchSize, 0, seed, RankSlice.ALL, nextSentence);
        long warmEnd = System.nanoTime() + WARMUP_NANOS; // the JIT compiles the masking loop first
        while (System.nanoTime() < warmEnd) batcher.next();
        long batches = 0, sequences = 0, tokens = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now;
        do {
            MlmBatch batch = batcher.next();
            batches++;
            sequences += batch.inputs().batchSize();
            for (long m : batch.inputs().attentionMask()) tokens += m;
            now = System.nanoTime();
        } while (now < deadline);
        return new Row(seqLen, batchSize, masking.optionName(), nextSentence, instances.size(), packSeconds, batches, sequences,
                tokens, (now - start) / 1e9, ProcessStatus.kilobytes("VmRSS:") * 1024);
    }
}
