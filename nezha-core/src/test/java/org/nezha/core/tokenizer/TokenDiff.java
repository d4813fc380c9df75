package org.nezha.core.tokenizer;

import java.util.List;

/** A readable report of where two token lists part, for failure messages. */
final class TokenDiff {
    private TokenDiff() {}

    static String describe(List<String> expected, List<String> actual) {
        int common = 0;
        while (common < expected.size() && common < actual.size() && expected.get(common).equals(actual.get(common))) {
            common++;
        }
        int from = Math.max(0, common - 3);
        return "  first difference at token " + common + " (expected " + expected.size() + " tokens, got "
                + actual.size() + ")\n"
                + "  expected ..." + window(expected, from) + "\n"
                + "  actual   ..." + window(actual, from);
    }

    private static String window(List<String> tokens, int from) {
        List<String> shown = tokens.subList(Math.min(from, tokens.size()), Math.min(tokens.size(), from + 12));
        return shown.stream().map(HfFixtureTest::escape).toList().toString();
    }
}
