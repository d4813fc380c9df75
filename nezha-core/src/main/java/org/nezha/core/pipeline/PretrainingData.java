package org.nezha.core.pipeline;

import java.util.function.Function;

import org.nezha.core.corpus.TokenCorpus;
import org.nezha.core.corpus.TokenizedSentence;
import org.nezha.core.data.InstancePacker;
import org.nezha.core.data.InstanceTable;
import org.nezha.core.data.TextCorpus;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/**
 * What a pretraining run reads: the corpus (text files tokenized into memory, or shards prepared by
 * {@code nezha prepare} and mapped from disk), its instances packed for this run's sequence length,
 * and the tokenizer settings the saved model must tokenize with. Every rank packs the same
 * instances (same seed), then trains on its slice of every global batch.
 */
final class PretrainingData implements AutoCloseable {
    private final TokenCorpus corpus;
    private final InstanceTable instances;
    private final TokenizerOptions tokenizerOptions;

    private PretrainingData(TokenCorpus corpus, InstanceTable instances, TokenizerOptions tokenizerOptions) {
        this.corpus = corpus;
        this.instances = instances;
        this.tokenizerOptions = tokenizerOptions;
    }

    static PretrainingData open(PretrainJob.Settings s, Vocab vocab, int rank, Progress progress) {
        TokenizerOptions options = TokenizerOptions.defaults();
        BertTokenizer tokenizer = new BertTokenizer(vocab, options);
        progress.info("reading " + s.train.size() + " corpus file(s)…");
        TokenCorpus corpus = TextCorpus.read(s.train, wordPieceWords(tokenizer), s.seqLen - InstancePacker.SPECIAL_TOKENS);
        InstancePacker packer = new InstancePacker(corpus, s.seqLen, s.shortSeqProb, s.nextSentence);
        return new PretrainingData(corpus, InstanceTable.inMemory(packer, s.seed), options);
    }

    private static Function<String, TokenizedSentence> wordPieceWords(BertTokenizer tokenizer) {
        return line -> {
            int[] ids = tokenizer.tokenIds(line);
            boolean[] starts = new boolean[ids.length];
            for (int i = 0; i < ids.length; i++) starts[i] = !tokenizer.vocab().token(ids[i]).startsWith("##");
            return new TokenizedSentence(ids, starts);
        };
    }

    TokenCorpus corpus() {
        return corpus;
    }

    InstanceTable instances() {
        return instances;
    }

    TokenizerOptions tokenizerOptions() {
        return tokenizerOptions;
    }

    @Override
    public void close() {
        instances.close();
    }
}
