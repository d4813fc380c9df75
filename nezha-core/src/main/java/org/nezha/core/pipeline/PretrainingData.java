package org.nezha.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.nezha.core.InputException;
import org.nezha.core.corpus.CorpusFiles;
import org.nezha.core.corpus.CorpusIndex;
import org.nezha.core.corpus.InMemoryCorpus;
import org.nezha.core.corpus.SentenceTokenizer;
import org.nezha.core.corpus.ShardedCorpus;
import org.nezha.core.corpus.TokenCorpus;
import org.nezha.core.corpus.WordBoundaries;
import org.nezha.core.data.InstancePacker;
import org.nezha.core.data.InstanceTable;
import org.nezha.core.data.MaskingScheme;
import org.nezha.core.data.StaticMasks;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/**
 * What a pretraining run reads: the corpus (text files tokenized into memory, or shards prepared by
 * {@code nezha prepare} and mapped from disk), its instances packed for this run's sequence length,
 * and the tokenizer settings the saved model must tokenize with. Every rank packs the same
 * instances (same seed), then trains on its slice of every global batch. A sharded corpus's
 * instances go to a file of the output directory, mapped like the shards, so memory stays bounded by
 * the pages in use whatever the corpus size; the file is removed when the run ends. Without an
 * output directory ({@code bench data}) they are held in memory.
 */
public final class PretrainingData implements AutoCloseable {
    /** Where a sharded run's packed instances live while it runs, inside the output directory. */
    static final String PACKING_DIR = "packing";

    private final TokenCorpus corpus;
    private final ShardedCorpus shards; // null for text input
    private final InstanceTable instances;
    private final Path instanceFile; // null in memory
    private final StaticMasks.Stored staticMasks; // null: dynamic masking
    private final TokenizerOptions tokenizerOptions;

    private PretrainingData(TokenCorpus corpus, ShardedCorpus shards, InstanceTable instances, Path instanceFile,
            StaticMasks.Stored staticMasks, TokenizerOptions tokenizerOptions) {
        this.corpus = corpus;
        this.shards = shards;
        this.instances = instances;
        this.instanceFile = instanceFile;
        this.staticMasks = staticMasks;
        this.tokenizerOptions = tokenizerOptions;
    }

    /** Opens {@code s.data} or reads {@code s.train}, checks it against the vocabulary and packs it; rank names its packing file. */
    public static PretrainingData open(PretrainJob.Settings s, Vocab vocab, int rank, Progress progress) {
        if (s.data != null && !s.train.isEmpty()) throw new InputException("give --train or --data, not both");
        return s.data != null ? openShards(s, vocab, rank, progress) : readText(s, vocab, progress);
    }

    private static PretrainingData readText(PretrainJob.Settings s, Vocab vocab, Progress progress) {
        TokenizerOptions options = s.tokenizerOptions;
        // word boundaries cost a segmentation per line: only the word schemes need them
        WordBoundaries boundaries = s.masking == MaskingScheme.TOKEN ? WordBoundaries.NONE : s.wordBoundaries;
        SentenceTokenizer tokenizer = new SentenceTokenizer(new BertTokenizer(vocab, options), boundaries);
        progress.begin("read corpus", s.train.stream().mapToLong(CorpusFiles::size).sum());
        TokenCorpus corpus = InMemoryCorpus.read(s.train, tokenizer::tokenize, s.seqLen - InstancePacker.SPECIAL_TOKENS, progress);
        progress.end();
        InstancePacker packer = new InstancePacker(corpus, s.seqLen, s.shortSeqProb, s.nextSentence);
        return new PretrainingData(corpus, null, InstanceTable.inMemory(packer, s.seed), null, null, options);
    }

    private static PretrainingData openShards(PretrainJob.Settings s, Vocab vocab, int rank, Progress progress) {
        ShardedCorpus shards = ShardedCorpus.open(s.data);
        try {
            requireMatches(shards.index(), s, vocab);
            TokenizerOptions options = shards.index().tokenizerOptions();
            if (s.staticMasks) {
                StaticMasks.Stored stored = StaticMasks.Stored.open(shards, s.data, s.seqLen);
                return new PretrainingData(shards, shards, stored.instances(), null, stored, options);
            }
            progress.info("packing " + shards.summary() + " into sequences of " + s.seqLen + " tokens…");
            InstancePacker packer = new InstancePacker(shards, s.seqLen, s.shortSeqProb, s.nextSentence);
            if (s.output == null) {
                return new PretrainingData(shards, shards, InstanceTable.inMemory(packer, s.seed), null, null, options);
            }
            Path packingDir = s.output.resolve(PACKING_DIR);
            OutputPaths.createDirectory(packingDir);
            Path file = packingDir.resolve("instances-rank-" + rank + ".bin");
            InstanceTable instances = InstanceTable.inFile(packer, s.seed, file);
            return new PretrainingData(shards, shards, instances, file, null, options);
        } catch (RuntimeException e) {
            shards.close();
            throw e;
        }
    }

    /** The shards must index this run's vocabulary and hold sentences that fit its sequence length. */
    private static void requireMatches(CorpusIndex index, PretrainJob.Settings s, Vocab vocab) {
        Path indexFile = s.data.resolve(CorpusIndex.FILE_NAME);
        String hash = CorpusIndex.vocabularyHash(vocab);
        if (index.vocabSize() != vocab.size() || !index.vocabSha256().equals(hash)) {
            throw InputException.in(indexFile, String.format(Locale.ROOT, "the shards were prepared with another vocabulary "
                    + "(%d tokens, sha256 %.12s…) than --vocab %s (%d tokens, sha256 %.12s…); prepare them with this vocabulary",
                    index.vocabSize(), index.vocabSha256(), s.vocab, vocab.size(), hash));
        }
        int longest = Collections.max(index.seqLens());
        if (s.seqLen > longest) {
            throw InputException.in(indexFile, "--seq-len " + s.seqLen + " is longer than the shards were prepared for ("
                    + index.seqLens() + "); run nezha prepare with --seq-len " + s.seqLen);
        }
    }

    public TokenCorpus corpus() {
        return corpus;
    }

    public InstanceTable instances() {
        return instances;
    }

    /** The stored masks of {@code --static-masks}, or null: masks are drawn afresh. */
    public StaticMasks.Stored staticMasks() {
        return staticMasks;
    }

    public TokenizerOptions tokenizerOptions() {
        return tokenizerOptions;
    }

    @Override
    public void close() {
        if (staticMasks != null) staticMasks.close(); // its instances too
        else instances.close();
        if (shards != null) shards.close();
        if (instanceFile != null) {
            try {
                Files.deleteIfExists(instanceFile);
                try (var left = Files.list(instanceFile.getParent())) {
                    if (left.findAny().isEmpty()) Files.delete(instanceFile.getParent());
                }
            } catch (IOException e) {
                // a leftover cache file is harmless: the next run rewrites it
            }
        }
    }
}
