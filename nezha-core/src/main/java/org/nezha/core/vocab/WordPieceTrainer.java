package org.nezha.core.vocab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;

import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;

/**
 * Learns a WordPiece vocabulary from word counts as Hugging Face's {@code WordPieceTrainer} does:
 * a BPE trainer whose pieces inside a word carry the "##" prefix. Special tokens come first, then the
 * alphabet (the {@code limitAlphabet} most frequent characters, in code point order), then "##c" for
 * every alphabet character seen inside a word, then one token per merge: the most frequent adjacent
 * pair of pieces, ties to the pair of smaller ids, until the vocabulary is full or the best pair
 * occurs fewer than {@code minFrequency} times.
 *
 * <p>HF's queue, pair counts and stale-entry handling are reproduced step by step, including that a
 * queue entry merges only in the words it was queued for. Where HF's result depends on hash-map
 * iteration order (it differs from run to run) the choice here is by code point, through
 * {@link Tiebreaks}: which characters of equal count the alphabet limit keeps, and the order of the
 * "##c" pieces (whose ids then break ties between merges). Two queue entries for the same pair with
 * the same count, also hash-ordered in HF, merge oldest first.
 */
public final class WordPieceTrainer {
    /** HF's {@code wordpieces_prefix}, which our WordPiece tokenizer expects. */
    public static final String CONTINUATION_PREFIX = "##";

    /**
     * @param vocabSize the most tokens (merging stops there)
     * @param minFrequency a pair occurring fewer times is not merged
     * @param limitAlphabet the most distinct characters kept (HF's default: 1000)
     * @param specialTokens the first tokens of the vocabulary, in order
     */
    public record Settings(int vocabSize, long minFrequency, int limitAlphabet, List<String> specialTokens) {}

    /**
     * @param vocabulary the tokens in id order
     * @param alphabetSize characters kept
     * @param droppedCharacters characters left out by the alphabet limit
     * @param continuationPieces "##c" pieces
     * @param merges merge steps (HF counts a pair merged again for words it was not queued for as a step of its own)
     */
    public record Result(List<String> vocabulary, int alphabetSize, int droppedCharacters, int continuationPieces, int merges) {}

    /** The choices HF leaves to hash-map order; tests replay an HF run's choices through them. */
    interface Tiebreaks {
        /** Among characters of equal count at the alphabet limit, the ones ordered first are kept. */
        Comparator<Integer> alphabetKeepOrder();

        /** The id order of the "##c" pieces. */
        Comparator<Integer> continuationOrder();
    }

    static final Tiebreaks BY_CODE_POINT = new Tiebreaks() {
        @Override
        public Comparator<Integer> alphabetKeepOrder() {
            return Comparator.naturalOrder();
        }

        @Override
        public Comparator<Integer> continuationOrder() {
            return Comparator.naturalOrder();
        }
    };

    private final Settings settings;
    private final Tiebreaks tiebreaks;
    private final List<String> idToToken = new ArrayList<>();
    private final Map<String, Integer> tokenToId = new HashMap<>();
    private int droppedCharacters;

    private WordPieceTrainer(Settings settings, Tiebreaks tiebreaks) {
        this.settings = settings;
        this.tiebreaks = tiebreaks;
    }

    /**
     * Trains on {@code counts}. Fails with an {@link InputException} when the vocabulary size cannot
     * hold the special tokens, the alphabet and its "##" pieces, saying how many they need.
     */
    public static Result train(Settings settings, WordCounts counts, Progress progress) {
        return train(settings, BY_CODE_POINT, counts, progress);
    }

    static Result train(Settings settings, Tiebreaks tiebreaks, WordCounts counts, Progress progress) {
        return new WordPieceTrainer(settings, tiebreaks).run(counts, progress);
    }

    private Result run(WordCounts counts, Progress progress) {
        for (String special : settings.specialTokens()) add(special);
        List<Integer> alphabet = alphabet(counts);
        for (int cp : alphabet) add(Character.toString(cp));
        int continuationPieces = addContinuationPieces(counts);
        int required = idToToken.size();
        if (settings.vocabSize() < required) {
            throw new InputException(String.format(Locale.ROOT,
                    "--vocab-size %d is too small for this corpus: the %d special tokens, the %d-character alphabet and "
                            + "its %d continuation pieces (##x) need %d", settings.vocabSize(), settings.specialTokens().size(),
                    alphabet.size(), continuationPieces, required));
        }
        Words words = Words.split(counts, this::pieceId);
        int merges = new Merger(words).run(progress);
        return new Result(List.copyOf(idToToken), alphabet.size(), droppedCharacters, continuationPieces, merges);
    }

    /** The kept characters in code point order: all of them, or the {@code limitAlphabet} most frequent. */
    private List<Integer> alphabet(WordCounts counts) {
        Map<Integer, long[]> frequency = new HashMap<>();
        for (int w = 0; w < counts.words().length; w++) {
            long count = counts.counts()[w];
            counts.words()[w].codePoints().forEach(cp -> frequency.computeIfAbsent(cp, c -> new long[1])[0] += count);
        }
        List<Integer> kept = new ArrayList<>(frequency.keySet());
        if (kept.size() > settings.limitAlphabet()) {
            kept.sort(Comparator.<Integer>comparingLong(cp -> -frequency.get(cp)[0]).thenComparing(tiebreaks.alphabetKeepOrder()));
            droppedCharacters = kept.size() - settings.limitAlphabet();
            kept = new ArrayList<>(kept.subList(0, settings.limitAlphabet()));
        }
        kept.sort(Comparator.naturalOrder());
        return kept;
    }

    /** Adds "##c" for every vocabulary character that occurs after the first position of a word. */
    private int addContinuationPieces(WordCounts counts) {
        TreeSet<Integer> inside = new TreeSet<>(tiebreaks.continuationOrder());
        for (String word : counts.words()) {
            int i = word.isEmpty() ? 0 : Character.charCount(word.codePointAt(0));
            while (i < word.length()) {
                int cp = word.codePointAt(i);
                if (tokenToId.containsKey(Character.toString(cp))) inside.add(cp);
                i += Character.charCount(cp);
            }
        }
        int before = idToToken.size();
        for (int cp : inside) add(CONTINUATION_PREFIX + Character.toString(cp));
        return idToToken.size() - before;
    }

    /** The id of character {@code cp} at {@code position} in a word, or -1 when it is not in the vocabulary (HF skips it). */
    private int pieceId(int cp, int position) {
        String character = Character.toString(cp);
        if (!tokenToId.containsKey(character)) return -1;
        return position == 0 ? tokenToId.get(character) : tokenToId.get(CONTINUATION_PREFIX + character);
    }

    private int add(String token) {
        Integer id = tokenToId.get(token);
        if (id != null) return id;
        tokenToId.put(token, idToToken.size());
        idToToken.add(token);
        return idToToken.size() - 1;
    }

    /** A pair key is left id &lt;&lt; 32 | right id ({@link Words#pair}); ids are below 2^31, so key order is (left, right) order. */
    private static int left(long pair) {
        return (int) (pair >>> 32);
    }

    private static int right(long pair) {
        return (int) pair;
    }

    /** HF's merge loop over the words' pieces. */
    private final class Merger {
        private final Words words;
        private final Map<Long, long[]> pairCounts = new HashMap<>();
        private final PriorityQueue<QueuedPair> queue = new PriorityQueue<>();
        private long queued;

        Merger(Words words) {
            this.words = words;
        }

        int run(Progress progress) {
            Map<Long, IntList> formed = new LinkedHashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] pieces = words.pieces(w);
                for (int i = 0; i + 1 < words.length(w); i++) {
                    long p = Words.pair(pieces[i], pieces[i + 1]);
                    pairCounts.computeIfAbsent(p, k -> new long[1])[0] += words.count(w);
                    formed.computeIfAbsent(p, k -> new IntList()).addOnce(w);
                }
            }
            enqueue(formed);
            int initialSize = idToToken.size();
            progress.begin("merge pairs", Math.max(0, settings.vocabSize() - initialSize));
            int merges = 0;
            while (idToToken.size() < settings.vocabSize()) {
                QueuedPair top = queue.poll();
                if (top == null) break;
                long current = pairCounts.get(top.pair)[0];
                if (top.count != current) {
                    queue.add(new QueuedPair(top.pair, current, top.words, top.sequence));
                    continue;
                }
                if (top.count < 1 || settings.minFrequency() > top.count) break;
                String leftToken = idToToken.get(left(top.pair));
                String rightToken = idToToken.get(right(top.pair));
                String rightPart = rightToken.startsWith(CONTINUATION_PREFIX) ? rightToken.substring(CONTINUATION_PREFIX.length()) : rightToken;
                int merged = add(leftToken + rightPart);
                merges++;
                formed.clear();
                for (int w : top.words) words.merge(w, left(top.pair), right(top.pair), merged, (p, change) -> {
                    pairCounts.computeIfAbsent(p, k -> new long[1])[0] += change * words.count(w);
                    if (change > 0) formed.computeIfAbsent(p, k -> new IntList()).addOnce(w);
                });
                enqueue(formed);
                progress.advance(idToToken.size() - initialSize, String.format(Locale.ROOT, "%,d tokens", idToToken.size()));
            }
            progress.end();
            return merges;
        }

        private void enqueue(Map<Long, IntList> formed) {
            for (Map.Entry<Long, IntList> e : formed.entrySet()) {
                long count = pairCounts.get(e.getKey())[0];
                if (count > 0) queue.add(new QueuedPair(e.getKey(), count, e.getValue().toArray(), queued++));
            }
        }
    }

    /** A pair to merge in {@code words}; highest count first, then smaller pair, then queued earlier. */
    private record QueuedPair(long pair, long count, int[] words, long sequence) implements Comparable<QueuedPair> {
        @Override
        public int compareTo(QueuedPair other) {
            if (count != other.count) return Long.compare(other.count, count);
            if (pair != other.pair) return Long.compare(pair, other.pair);
            return Long.compare(sequence, other.sequence);
        }
    }
}
