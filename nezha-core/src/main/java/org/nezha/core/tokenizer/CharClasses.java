package org.nezha.core.tokenizer;

/**
 * The character classes of Hugging Face's slow BERT tokenizer ({@code _is_control},
 * {@code _is_whitespace}, {@code _is_punctuation}, {@code _is_chinese_char}), on code points.
 * Unicode categories come from the running JDK's tables, which may be a newer Unicode version
 * than the Python that HF runs on; only characters assigned in between can differ.
 */
final class CharClasses {
    private CharClasses() {}

    /** Categories Cc, Cf, Cs, Co, Cn, except tab, newline and carriage return (HF counts those as whitespace). */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    /**
     * Space, tab, newline, carriage return and category Zs, as HF's {@code _is_whitespace}; plus the
     * line and paragraph separators U+2028/U+2029, which HF keeps but then splits on because
     * Python's {@code str.split()} treats them as whitespace.
     */
    static boolean isWhitespace(int cp) {
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
            return true;
        }
        return cp > 0x7F && Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    /** All printable ASCII that is not a letter or digit, and every Unicode category P*. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        if (cp < 0x80) {
            return false;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /**
     * HF's CJK ranges, copied exactly: they skip some CJK blocks (Ext C/D boundaries are merged and
     * Ext F+ are absent), and those gaps must stay gaps for identical ids.
     */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /**
     * Appends Python's {@code str.lower()} of the single character {@code cp}. HF lowercases one
     * character at a time (so no final-sigma rule applies), and the only full lowercase mapping
     * longer than one character is U+0130 (capital I with dot above) to "i" + U+0307.
     */
    static void appendLowerCase(StringBuilder out, int cp) {
        if (cp < 0x80) {
            out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
        } else if (cp == 0x130) {
            out.append('i').append('\u0307');
        } else {
            out.appendCodePoint(Character.toLowerCase(cp));
        }
    }

    /**
     * True when NFC and NFD both leave {@code cp} unchanged and it composes with nothing, so a word
     * made only of such characters can skip {@link java.text.Normalizer}. Covers ASCII, CJK
     * ideographs, CJK punctuation and full-width forms: nearly all of a Chinese corpus.
     */
    static boolean isNormalizationInert(int cp) {
        return cp < 0xC0
                || (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x3000 && cp <= 0x3029)
                || (cp >= 0xFF01 && cp <= 0xFFEE)
                || (cp >= 0x2010 && cp <= 0x2027);
    }
}
