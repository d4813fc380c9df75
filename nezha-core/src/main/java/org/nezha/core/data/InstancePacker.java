package org.nezha.core.data;

import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.corpus.TokenCorpus;

/**
 * Google BERT's {@code create_instances_from_document}: the sentences of a document are gathered
 * into chunks of about a target length (the whole budget, or with probability shortSeqProb a random
 * shorter one, drawn once per document), each chunk is cut at a random sentence boundary into
 * segments A and B, and the pair is trimmed at random ends to fit {@code [CLS] A [SEP] B [SEP]}.
 * With next-sentence prediction, half of the B segments (and every B of a one-sentence chunk) are
 * replaced by text from a random other document, and the unused sentences of the chunk go back to
 * the pool, exactly as Google's script does. Without it, B is the rest of the chunk (possibly empty).
 * Each document draws from its own seeded stream, so packing is a function of (seed, document).
 */
public final class InstancePacker {
    public static final double GOOGLE_SHORT_SEQ_PROB = 0.1;
    private static final long PACK_STREAM = 3;
    /** [CLS], [SEP] and [SEP]. */
    public static final int SPECIAL_TOKENS = 3;

    private final TokenCorpus corpus;
    private final int maxTokens;
    private final double shortSeqProb;
    private final boolean nextSentencePrediction;

    /** @param maxSeqLen the model's sequence length, the three special tokens included */
    public InstancePacker(TokenCorpus corpus, int maxSeqLen, double shortSeqProb, boolean nextSentencePrediction) {
        check(maxSeqLen, shortSeqProb);
        this.corpus = corpus;
        this.maxTokens = maxSeqLen - SPECIAL_TOKENS;
        this.shortSeqProb = shortSeqProb;
        this.nextSentencePrediction = nextSentencePrediction;
    }

    /** Fails with one line when the settings cannot pack: a sequence too short for two segments, a probability outside [0, 1]. */
    private static void check(int maxSeqLen, double shortSeqProb) {
        if (maxSeqLen < SPECIAL_TOKENS + 2) {
            throw new InputException("--seq-len must be at least " + (SPECIAL_TOKENS + 2)
                    + " ([CLS] A [SEP] B [SEP] with a token in each), got " + maxSeqLen);
        }
        OptionChecks.probability("--short-seq-prob", shortSeqProb);
    }

    /** Packs every document in corpus order. */
    public void packAll(long seed, Consumer<PackedInstance> out) {
        for (long d = 0; d < corpus.documentCount(); d++) pack(d, seed, out);
    }

    /** The instances of one document, in order. */
    public void pack(long document, long seed, Consumer<PackedInstance> out) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, PACK_STREAM, document));
        long first = corpus.firstSentence(document);
        long end = corpus.firstSentence(document + 1);
        int target = maxTokens;
        if (random.nextDouble() < shortSeqProb) target = random.nextInt(2, maxTokens + 1);

        long chunkStart = first; // the chunk is sentences [chunkStart, i]
        long chunkLength = 0;
        for (long i = first; i < end; i++) {
            chunkLength += sentenceLength(i);
            if (i != end - 1 && chunkLength < target) continue;
            int sentences = Math.toIntExact(i - chunkStart + 1);
            int aSentences = sentences >= 2 ? random.nextInt(1, sentences) : 1;
            long aStart = corpus.firstToken(chunkStart);
            long aEnd = corpus.firstToken(chunkStart + aSentences);
            long bStart;
            long bEnd;
            boolean randomNext = nextSentencePrediction && (sentences == 1 || random.nextDouble() < 0.5);
            if (randomNext) {
                long[] b = randomText(document, target - (aEnd - aStart), random);
                bStart = b[0];
                bEnd = b[1];
                i -= sentences - aSentences; // the chunk's unused sentences start the next chunk
            } else {
                bStart = aEnd;
                bEnd = corpus.firstToken(i + 1);
            }
            out.accept(truncate(aStart, aEnd, bStart, bEnd, randomNext, random));
            chunkStart = i + 1;
            chunkLength = 0;
        }
    }

    private int sentenceLength(long sentence) {
        return Math.toIntExact(corpus.firstToken(sentence + 1) - corpus.firstToken(sentence));
    }

    /** Google's random next segment: whole sentences from a random start in a random other document, up to targetLength tokens. */
    private long[] randomText(long document, long targetLength, SplittableRandom random) {
        long documents = corpus.documentCount();
        long other = document;
        for (int attempt = 0; attempt < 10 && other == document; attempt++) other = random.nextLong(documents);
        long first = corpus.firstSentence(other);
        long end = corpus.firstSentence(other + 1);
        long start = first + random.nextLong(end - first);
        long from = corpus.firstToken(start);
        long to = corpus.firstToken(start + 1); // at least one sentence, however long A is
        for (long j = start + 1; j < end && to - from < targetLength; j++) to = corpus.firstToken(j + 1);
        return new long[] {from, to};
    }

    /** Google's truncate_seq_pair: drop a token from the front or back (a coin flip) of the longer segment until both fit. */
    private PackedInstance truncate(long aStart, long aEnd, long bStart, long bEnd, boolean randomNext, SplittableRandom random) {
        while ((aEnd - aStart) + (bEnd - bStart) > maxTokens) {
            boolean cutA = aEnd - aStart > bEnd - bStart;
            boolean front = random.nextDouble() < 0.5;
            if (cutA) {
                if (front) aStart++;
                else aEnd--;
            } else {
                if (front) bStart++;
                else bEnd--;
            }
        }
        return new PackedInstance(aStart, Math.toIntExact(aEnd - aStart), bStart, Math.toIntExact(bEnd - bStart), randomNext);
    }
}
