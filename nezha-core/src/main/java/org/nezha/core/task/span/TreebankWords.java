package org.nezha.core.task.span;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * NLTK 3.4.5's {@code word_tokenize} on one sentence — the Treebank word tokenizer with the quote and
 * final-period rules {@code nltk.tokenize} adds to it — which CMRC 2018's evaluation script runs on the
 * non-Chinese stretches of a text (NLTK 3.4.5 is the last release for the script's Python 2). The
 * rules are Python 2 regular expressions: {@code \w}, {@code \d}, {@code \s} and {@code \b} are ASCII
 * except in the rules NLTK compiles with {@code re.U}, marked {@code (?U)} here; {@code $} is Python's
 * (the end, or before a final newline). NLTK first splits the text into sentences with its trained
 * Punkt model, which is not reproduced: a stretch is one sentence, so a period followed by a space
 * inside a stretch stays on its word unless it ends the stretch.
 */
final class TreebankWords {
    private record Rule(Pattern pattern, String replacement) {
        String apply(String text) {
            return pattern.matcher(text).replaceAll(replacement);
        }
    }

    private static Rule rule(String regex, String replacement) {
        return new Rule(Pattern.compile(regex), replacement);
    }

    /** In NLTK's order: starting quotes, punctuation, brackets, double dashes, then (text padded with spaces) the rest. */
    private static final List<Rule> BEFORE_PADDING = List.of(
            rule("(?U)([«“‘„]|[`]+)", " $1 "),
            rule("^\"", "``"),
            rule("(``)", " $1 "),
            rule("([ (\\[{<])(\"|'{2})", "$1 `` "),
            rule("(?iU)(')(?!re|ve|ll|m|t|s|d)(\\w)\\b", "$1 $2"),
            rule("(?dU)([^.])(\\.)([\\])}>\"'»”’ ]*)\\s*$", "$1 $2 $3 "),
            rule("([:,])([^\\d])", " $1 $2"),
            rule("(?d)([:,])$", " $1 "),
            rule("\\.\\.\\.", " ... "),
            rule("[;@#$%&]", " $0 "),
            rule("(?d)([^.])(\\.)([\\])}>\"']*)\\s*$", "$1 $2$3 "),
            rule("[?!]", " $0 "),
            rule("([^'])' ", "$1 ' "),
            rule("[\\]\\[(){}<>]", " $0 "),
            rule("--", " -- "));

    private static final List<Rule> AFTER_PADDING = List.of(
            rule("(?U)([»”’])", " $1 "),
            rule("\"", " '' "),
            rule("(\\S)('')", "$1 $2 "),
            rule("([^' ])('[sS]|'[mM]|'[dD]|') ", "$1 $2 "),
            rule("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", "$1 $2 "),
            rule("(?i)\\b(can)(not)\\b", " $1 $2 "),
            rule("(?i)\\b(d)('ye)\\b", " $1 $2 "),
            rule("(?i)\\b(gim)(me)\\b", " $1 $2 "),
            rule("(?i)\\b(gon)(na)\\b", " $1 $2 "),
            rule("(?i)\\b(got)(ta)\\b", " $1 $2 "),
            rule("(?i)\\b(lem)(me)\\b", " $1 $2 "),
            rule("(?i)\\b(mor)('n)\\b", " $1 $2 "),
            rule("(?i)\\b(wan)(na)\\s", " $1 $2 "),
            rule("(?i) ('t)(is)\\b", " $1 $2 "),
            rule("(?i) ('t)(was)\\b", " $1 $2 "));

    private TreebankWords() {}

    static List<String> tokenize(String text) {
        for (Rule r : BEFORE_PADDING) text = r.apply(text);
        text = " " + text + " ";
        for (Rule r : AFTER_PADDING) text = r.apply(text);
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (PythonText.isSpace(cp)) {
                if (start >= 0) words.add(text.substring(start, i));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) words.add(text.substring(start));
        return words;
    }
}
