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
import org.nezha.core.vocab.CorpusWordCounter;
import org.nezha.core.vocab.VocabJob;

/** {@code nezha vocab}: builds a vocab.txt from a corpus. */
@Command(name = "vocab", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a vocabulary (vocab.txt) from a corpus.",
                "Corpus: UTF-8 text files, plain or gzip (.gz), one sentence per line; blank lines separate documents. "
                        + "Lines are limited to " + CorpusWordCounter.MAX_LINE_BYTES + " bytes (1 MiB).",
                "--mode wordpiece: Hugging Face's BertWordPieceTokenizer.train — text normalised and split as BertTokenizer "
                        + "does (lower case, accents, each CJK character and punctuation mark its own word), then the "
                        + "special tokens, the alphabet, ##-pieces and BPE-style merges; ties HF leaves to chance are broken "
                        + "by code point.",
                "--mode whole-token: for corpora of ready-made tokens (desensitized id corpora such as \"12 5 239\"): every "
                        + "whitespace-separated token is one entry, most frequent first (ties: shorter, then smaller in "
                        + "Unicode order, so integer ids in numeric order); rarer tokens become [UNK].",
                "Writes FILE: one token per line in id order, the special tokens first (as HF's save_model), whole or "
                        + "not at all. Prints a summary (words, alphabet, merges, size, seconds) to standard output."})
final class VocabCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--corpus", required = true, arity = "1..*", paramLabel = "FILE", description = "Corpus file(s), plain or .gz.")
    List<Path> corpus;

    @Option(names = "--vocab-size", required = true, paramLabel = "N", description = "The most tokens, special tokens included.")
    int vocabSize;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The vocab.txt to write (missing directories are created).")
    Path output;

    @Option(names = "--mode", defaultValue = "wordpiece", paramLabel = "MODE", description = "wordpiece or whole-token. Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--min-frequency", defaultValue = "2", paramLabel = "M",
            description = "wordpiece: merge no pair seen fewer than M times; whole-token: leave out tokens seen fewer than M times. "
                    + "Default: ${DEFAULT-VALUE} (HF's BertWordPieceTokenizer.train).")
    long minFrequency;

    @Option(names = "--lowercase", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "wordpiece: lower-case and strip accents before counting, as BertTokenizer's do_lower_case "
                    + "(a model using this vocabulary must tokenize the same way). Default: on; --no-lowercase keeps case and accents.")
    boolean lowercase;

    @Option(names = "--limit-alphabet", defaultValue = "1000", paramLabel = "N",
            description = "wordpiece: keep only the N most frequent characters (the rest become [UNK]). Default: ${DEFAULT-VALUE}.")
    int limitAlphabet;

    @Option(names = "--special-tokens", arity = "1..*", paramLabel = "TOKEN",
            description = "The first tokens of the vocabulary, in order. Default: [PAD] [UNK] [CLS] [SEP] [MASK] "
                    + "(BertTokenizer needs all five).")
    List<String> specialTokens = VocabJob.DEFAULT_SPECIAL_TOKENS;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads counting words; the vocabulary does not depend on it. Default: the number of processors.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--overwrite", description = "Replace FILE if it exists.")
    boolean overwrite;

    @Override
    public Integer call() {
        VocabJob.Settings s = new VocabJob.Settings();
        s.corpus = corpus;
        s.output = output;
        s.mode = switch (mode) {
            case "wordpiece" -> VocabJob.Mode.WORDPIECE;
            case "whole-token" -> VocabJob.Mode.WHOLE_TOKEN;
            default -> throw new InputException("--mode " + mode + ": choose one of wordpiece, whole-token");
        };
        s.vocabSize = vocabSize;
        s.minFrequency = minFrequency;
        s.lowercase = lowercase;
        s.limitAlphabet = limitAlphabet;
        s.specialTokens = specialTokens;
        s.threads = threads;
        s.overwrite = overwrite;
        VocabJob.Result r;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            r = new VocabJob(s, progress).run();
        }
        var out = spec.commandLine().getOut();
        out.println(Summary.vocabulary(r));
        out.flush();
        return 0;
    }
}
