package org.nezha.core.tokenizer;

import java.util.Set;
import java.util.function.Consumer;

/**
 * The words {@link BertTokenizer} hands to WordPiece, for building a vocabulary from a corpus: the
 * basic tokenizer alone, with no special token protected ("[MASK]" written in a corpus is split, as
 * HF's trainers split it). Thread-safe.
 */
public final class BasicWords {
    private final BasicTokenizer basicTokenizer;

    public BasicWords(TokenizerOptions options) {
        this.basicTokenizer = new BasicTokenizer(options, Set.of());
    }

    /** Passes each word of {@code text}, in order, to {@code words}. */
    public void split(String text, Consumer<String> words) {
        basicTokenizer.tokenize(text, 0, text.length(), (word, origin) -> words.accept(word));
    }

    /** True when the basic tokenizer gives {@code token} back as one word, unchanged. */
    public boolean keepsWhole(String token) {
        int[] words = {0};
        boolean[] same = {true};
        split(token, word -> {
            words[0]++;
            same[0] &= word.equals(token);
        });
        return words[0] == 1 && same[0];
    }

    /** Splits {@code text} on the characters the basic tokenizer treats as whitespace, keeping everything else as is. */
    public static void splitOnWhitespace(String text, Consumer<String> words) {
        int start = -1;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (CharClasses.isWhitespace(cp)) {
                if (start >= 0) words.accept(text.substring(start, i));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) words.accept(text.substring(start));
    }
}
