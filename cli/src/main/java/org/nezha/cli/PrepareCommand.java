package org.nezha.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.corpus.CorpusIndex;
import org.nezha.core.corpus.CorpusPreparer;
import org.nezha.core.corpus.CorpusReader;
import org.nezha.core.corpus.WordBoundaries;
import org.nezha.core.data.MaskingScheme;
import org.nezha.core.data.StaticMasks;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/** {@code nezha prepare}: tokenize a pretraining corpus once into memory-mappable shards. */
@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Tokenize a pretraining corpus once into binary shards that pretraining maps into memory.",
                "The corpus is Google BERT's create_pretraining_data layout: UTF-8, one sentence per line, a blank line "
                        + "between documents, each file a new document; plain or gzip-compressed (told by the file's "
                        + "first bytes). Sentences that tokenize to nothing and empty documents are dropped; a sentence "
                        + "longer than max(--seq-len) - 3 tokens is cut into pieces of at most that many, so nothing is "
                        + "truncated away at the prepared lengths. A line longer than "
                        + CorpusReader.MAX_LINE_BYTES + " bytes is an error.",
                "Writes DIR/index.json (settings, counts, vocabulary hash) and per shard DIR/shard-NNNNN.tokens, "
                        + ".sentences, .documents and .words (format: README, \"nezha prepare\"). The output is the same "
                        + "byte for byte whatever --threads; everything is written under temporary names and index.json "
                        + "last, so a failed or killed run leaves no corpus that opens.",
                "With --dupe-factor N, also DIR/static-masks.json and DIR/static/seq-L/: the sequences packed for each "
                        + "--seq-len and N masked copies of them (pretrain --static-masks)."})
final class PrepareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--corpus", required = true, arity = "1..*", paramLabel = "F|DIR|GLOB",
            description = "Corpus files, directories (their regular files, recursively, sorted by name; names starting "
                    + "with a dot skipped) or glob patterns such as 'data/*.txt.gz' (quoted; sorted; one that matches "
                    + "nothing is an error), read in the order given.")
    List<String> corpus;

    @Option(names = "--vocab", required = true, paramLabel = "FILE", description = "WordPiece vocab.txt of the model to pretrain; it must hold [PAD] [UNK] [CLS] [SEP] [MASK].")
    Path vocab;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory (must be empty unless --overwrite).")
    Path output;

    @Option(names = "--seq-len", defaultValue = "128,512", split = ",", paramLabel = "L",
            description = "Sequence lengths the corpus is for, [CLS] and [SEP] included (" + CorpusPreparer.MIN_SEQ_LEN
                    + " to " + CorpusPreparer.MAX_SEQ_LEN + "); the longest bounds the sentence length. Default: ${DEFAULT-VALUE}.")
    List<Integer> seqLens;

    @Option(names = "--word-boundaries", defaultValue = "jieba", paramLabel = "MODE",
            description = "Which tokens start a word, for whole-word masking: jieba (jieba's words inside runs of Chinese "
                    + "characters, WordPiece words elsewhere), whitespace (the first token of each whitespace-separated "
                    + "chunk: corpora of ids such as '12 5 239') or none (every token but ## pieces, as Google BERT). "
                    + "Default: ${DEFAULT-VALUE}.")
    String wordBoundaries;

    @Option(names = "--lowercase", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Lower-case the text, as the model's tokenizer does (HF's do_lower_case). Default: true.")
    boolean lowercase;

    @Option(names = "--strip-accents", negatable = true, paramLabel = "B",
            description = "Remove accents (HF's strip_accents). Default: as --lowercase.")
    Boolean stripAccents;

    @Option(names = "--chinese-chars", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Make every CJK ideograph a word of its own (HF's tokenize_chinese_chars). Default: true.")
    boolean chineseChars;

    @Option(names = "--shard-size-mb", defaultValue = "256", paramLabel = "MB",
            description = "A shard closes after the document that takes its token ids past this many MB (10^6 bytes; "
                    + "fractions allowed). Default: ${DEFAULT-VALUE}.")
    double shardSizeMb;

    @Option(names = "--threads", paramLabel = "N", description = "Tokenizing threads. Default: one per core.")
    Integer threads;

    @Option(names = "--overwrite", description = "Replace the corpus in a non-empty output directory (its other files are kept).")
    boolean overwrite;

    @Option(names = "--dupe-factor", defaultValue = "0", paramLabel = "N",
            description = "Also fix N masked copies of every sequence (static masking, as Google's create_pretraining_data "
                    + "and NEZHA's recipe): the corpus is packed per --seq-len and masked N times into DIR/static/, and "
                    + "pretrain --static-masks uses copy e mod N in epoch e. 0: none (pretrain masks afresh every time). "
                    + "Default: ${DEFAULT-VALUE}.")
    int dupeFactor;

    @Option(names = "--masking", defaultValue = "token", paramLabel = "UNIT",
            description = "With --dupe-factor: token, wwm or ngram (as pretrain --masking). Default: ${DEFAULT-VALUE}.")
    String masking;

    @Option(names = {"--mask-prob", "--masked-lm-prob"}, defaultValue = "0.15", paramLabel = "P", description = "With --dupe-factor: fraction of tokens to predict. Default: ${DEFAULT-VALUE}.")
    double maskProb;

    @Option(names = "--max-predictions", defaultValue = "20", paramLabel = "N", description = "With --dupe-factor: most masked tokens per sequence. Default: ${DEFAULT-VALUE}.")
    int maxPredictions;

    @Option(names = "--short-seq-prob", defaultValue = "0.1", paramLabel = "P", description = "With --dupe-factor: probability of a shorter sequence length per document. Default: ${DEFAULT-VALUE}.")
    double shortSeqProb;

    @Option(names = "--nsp", description = "With --dupe-factor: pack for next-sentence prediction (random B half of the time).")
    boolean nsp;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "With --dupe-factor: seed of packing and masks. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        CorpusPreparer.Settings s = settings();
        StaticMasks.Settings masks = dupeFactor == 0 ? null : new StaticMasks.Settings(dupeFactor, seqLens,
                MaskingScheme.parse(masking), maskProb, maxPredictions, shortSeqProb, nsp, seed, null);
        CorpusPreparer.Result r;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            r = new CorpusPreparer(s).run(progress);
            if (masks == null) StaticMasks.remove(output); // an earlier run's copies belong to the corpus replaced
            else StaticMasks.write(output, Vocab.load(vocab), masks, progress);
        }
        var out = spec.commandLine().getOut();
        out.println(summary(r));
        out.flush();
        return 0;
    }

    CorpusPreparer.Settings settings() {
        OptionChecks.atLeast("--dupe-factor", dupeFactor, 0);
        if (!(shardSizeMb > 0) || Double.isInfinite(shardSizeMb)) {
            throw new InputException("--shard-size-mb " + shardSizeMb + ": must be a positive number");
        }
        CorpusPreparer.Settings s = new CorpusPreparer.Settings();
        s.corpus = corpus;
        s.vocab = vocab;
        s.output = output;
        s.seqLens = seqLens;
        s.wordBoundaries = Options.enumValue("--word-boundaries", wordBoundaries, WordBoundaries.class);
        s.tokenizerOptions = new TokenizerOptions(lowercase, stripAccents, chineseChars);
        s.shardBytes = Math.max(1, Math.round(shardSizeMb * 1e6));
        if (threads != null) s.threads = threads;
        s.overwrite = overwrite;
        return s;
    }

    String summary(CorpusPreparer.Result r) {
        CorpusIndex.Counts c = r.counts();
        return String.format(Locale.ROOT, """
                prepare done: %,d files, %,.1f MB in %s (%.1f MB/s)
                  documents       %,d
                  sentences       %,d
                  tokens          %,d
                  shards          %d
                  corpus          %s""", c.files(), c.inputBytes() / 1e6, Summary.duration(r.seconds()),
                r.megabytesPerSecond(), c.documents(), c.sentences(), c.tokens(), r.shards(), r.output())
                + (dupeFactor == 0 ? "" : String.format(Locale.ROOT, "%n  static masks    %d copies of %s masking, --seq-len %s",
                        dupeFactor, masking, seqLens));
    }
}
