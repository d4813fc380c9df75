package org.nezha.core.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * Greedy longest-match-first WordPiece, as HF's {@code WordpieceTokenizer}: pieces after the first
 * carry the "##" prefix; a word longer than 100 code points, or one with any part that matches no
 * piece, becomes a single [UNK].
 */
final class WordPiece {
    static final int MAX_INPUT_CHARS_PER_WORD = 100;
    private static final String CONTINUATION = "##";

    private final Vocab vocab;
    private final int unkId;
    /** Ids of the "##" pieces keyed without the prefix, so lookups need no string concatenation. */
    private final Map<String, Integer> continuationIds = new HashMap<>();
    /** Longest piece, in UTF-16 units, at the start of a word and after it; bounds the search. */
    private final int maxStartLength;
    private final int maxContinuationLength;

    WordPiece(Vocab vocab, int unkId) {
        this.vocab = vocab;
        this.unkId = unkId;
        int maxStart = 0;
        int maxContinuation = 0;
        for (int id = 0; id < vocab.size(); id++) {
            String token = vocab.token(id);
            maxStart = Math.max(maxStart, token.length());
            if (token.startsWith(CONTINUATION) && token.length() > CONTINUATION.length()) {
                String rest = token.substring(CONTINUATION.length());
                continuationIds.put(rest, id);
                maxContinuation = Math.max(maxContinuation, rest.length());
            }
        }
        this.maxStartLength = maxStart;
        this.maxContinuationLength = maxContinuation;
    }

    /** Appends the ids of {@code word}'s pieces to {@code out}. */
    void appendIds(String word, IntList out) {
        appendIds(word, out, null);
    }

    /**
     * Appends the ids of {@code word}'s pieces to {@code out} and, when {@code ends} is not null, where
     * each piece ends in {@code word} (a piece starts where the one before it ended; an [UNK] stands for
     * the whole word).
     */
    void appendIds(String word, IntList out, IntList ends) {
        int length = word.length();
        if (length > MAX_INPUT_CHARS_PER_WORD && word.codePointCount(0, length) > MAX_INPUT_CHARS_PER_WORD) {
            add(out, ends, unkId, length);
            return;
        }
        int whole = vocab.id(word);
        if (whole >= 0) {
            add(out, ends, whole, length);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < length) {
            int end = codePointBoundary(word, Math.min(length, start + (start == 0 ? maxStartLength : maxContinuationLength)));
            int found = -1;
            while (end > start) {
                found = start == 0 ? vocab.id(word.substring(0, end)) : continuationId(word.substring(start, end));
                if (found >= 0) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found < 0) {
                out.truncate(mark);
                if (ends != null) ends.truncate(mark);
                add(out, ends, unkId, length);
                return;
            }
            add(out, ends, found, end);
            start = end;
        }
    }

    private static void add(IntList out, IntList ends, int id, int end) {
        out.add(id);
        if (ends != null) ends.add(end);
    }

    private int continuationId(String rest) {
        Integer id = continuationIds.get(rest);
        return id == null ? -1 : id;
    }

    /** Moves {@code index} back off the middle of a surrogate pair: HF cuts words between code points only. */
    private static int codePointBoundary(String word, int index) {
        if (index > 0 && index < word.length()
                && Character.isLowSurrogate(word.charAt(index)) && Character.isHighSurrogate(word.charAt(index - 1))) {
            return index - 1;
        }
        return index;
    }
}
