package org.nezha.core.vocab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tokenizer.BasicWords;
import org.nezha.core.tokenizer.TokenizerOptions;

/** {@code nezha vocab}: counts a corpus's words and writes a vocab.txt learned from them. */
public final class VocabJob {
    /** BERT's special tokens in the order of HF's {@code BertWordPieceTokenizer.train}. */
    public static final List<String> DEFAULT_SPECIAL_TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    public enum Mode {
        /** HF's WordPiece trainer on BERT-pretokenized words. */
        WORDPIECE,
        /** Every whitespace-separated token one entry. */
        WHOLE_TOKEN
    }

    /** The options, with the CLI's defaults. */
    public static final class Settings {
        public List<Path> corpus;
        public Path output;
        public Mode mode = Mode.WORDPIECE;
        public int vocabSize;
        /** HF's {@code BertWordPieceTokenizer.train} default. */
        public long minFrequency = 2;
        public boolean lowercase = true;
        public int limitAlphabet = 1000;
        public List<String> specialTokens = DEFAULT_SPECIAL_TOKENS;
        public int threads = 1;
        public boolean overwrite;
    }

    /**
     * What was built; fields of the other mode are 0.
     *
     * @param notKeptWhole whole-token mode: kept tokens that BertTokenizer would not see as one word (punctuation, upper case…)
     * @param notKeptWholeExample one of them, or null
     */
    public record Result(Path output, Mode mode, long lines, long totalWords, int distinctWords, int vocabularySize,
            int alphabetSize, int droppedCharacters, int continuationPieces, int merges,
            int belowMinFrequency, int beyondVocabSize, int notKeptWhole, String notKeptWholeExample, double seconds) {}

    private final Settings s;
    private final Progress progress;

    public VocabJob(Settings settings, Progress progress) {
        this.s = settings;
        this.progress = progress;
    }

    /** Checks everything that can be checked before reading the corpus; bad input is an {@link InputException}. */
    public void validate() {
        OptionChecks.atLeast("--threads", s.threads, 1);
        OptionChecks.atLeast("--min-frequency", s.minFrequency, 1);
        OptionChecks.atLeast("--limit-alphabet", s.limitAlphabet, 1);
        Set<String> seen = new HashSet<>();
        for (String token : s.specialTokens) {
            if (token.isBlank()) throw new InputException("--special-tokens: a special token is empty");
            if (token.chars().anyMatch(Character::isWhitespace)) {
                throw new InputException("--special-tokens: \"" + token + "\" contains whitespace");
            }
            if (!seen.add(token)) throw new InputException("--special-tokens: \"" + token + "\" is given twice");
        }
        if (s.vocabSize <= s.specialTokens.size()) {
            throw new InputException("--vocab-size must be more than the " + s.specialTokens.size()
                    + " special tokens, got " + s.vocabSize);
        }
        if (Files.exists(s.output) && !s.overwrite) {
            throw InputException.in(s.output, "already exists (use --overwrite to replace it)");
        }
        OutputPaths.requireWritableFile(s.output);
        for (Path file : s.corpus) {
            if (!Files.exists(file)) throw InputException.in(file, "file not found");
            if (!Files.isRegularFile(file)) throw InputException.in(file, "not a regular file");
        }
    }

    public Result run() {
        validate();
        long start = System.nanoTime();
        BasicWords bertWords = new BasicWords(new TokenizerOptions(s.lowercase, null, true));
        CorpusWordCounter.WordSplitter splitter = s.mode == Mode.WORDPIECE ? bertWords::split : BasicWords::splitOnWhitespace;
        WordCounts counts = new CorpusWordCounter(splitter, s.threads).count(s.corpus, progress);
        if (counts.distinctWords() == 0) {
            throw new InputException((s.corpus.size() == 1 ? s.corpus.get(0) + ": " : "--corpus: ") + "the corpus has no words");
        }
        return s.mode == Mode.WORDPIECE ? wordPiece(counts, start) : wholeTokens(counts, start);
    }

    private Result wordPiece(WordCounts counts, long start) {
        var settings = new WordPieceTrainer.Settings(s.vocabSize, s.minFrequency, s.limitAlphabet, s.specialTokens);
        WordPieceTrainer.Result r = WordPieceTrainer.train(settings, counts, progress);
        write(r.vocabulary());
        return new Result(s.output, s.mode, counts.lines(), counts.totalWords(), counts.distinctWords(), r.vocabulary().size(),
                r.alphabetSize(), r.droppedCharacters(), r.continuationPieces(), r.merges(), 0, 0, 0, null, seconds(start));
    }

    private Result wholeTokens(WordCounts counts, long start) {
        WholeTokenVocabulary.Result r = WholeTokenVocabulary.build(counts, s.vocabSize, s.minFrequency, s.specialTokens);
        BasicWords bertDefaults = new BasicWords(TokenizerOptions.defaults());
        List<String> notKeptWhole = r.vocabulary().subList(s.specialTokens.size(), r.vocabulary().size()).stream()
                .filter(token -> !bertDefaults.keepsWhole(token)).toList();
        write(r.vocabulary());
        return new Result(s.output, s.mode, counts.lines(), counts.totalWords(), counts.distinctWords(), r.vocabulary().size(),
                0, 0, 0, 0, r.belowMinFrequency(), r.beyondVocabSize(), notKeptWhole.size(),
                notKeptWhole.isEmpty() ? null : notKeptWhole.get(0), seconds(start));
    }

    private void write(List<String> vocabulary) {
        Path parent = s.output.toAbsolutePath().getParent();
        if (parent != null) OutputPaths.createDirectory(parent);
        VocabularyWriter.write(s.output, vocabulary);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
