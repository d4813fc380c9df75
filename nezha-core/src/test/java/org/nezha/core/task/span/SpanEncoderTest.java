package org.nezha.core.task.span;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.task.Feature;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

class SpanEncoderTest {
    /** Google's Chinese BERT vocabulary (the tokenizer tests' copy). */
    static final BertTokenizer TOKENIZER = tokenizer();

    private static BertTokenizer tokenizer() {
        try {
            return new BertTokenizer(Vocab.load(Path.of(SpanEncoderTest.class.getResource("/tokenizer/vocab.txt").toURI())),
                    TokenizerOptions.defaults());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SpanExample example(String question, String context, String answer) {
        int start = context.indexOf(answer);
        return new SpanExample("q", question, context, List.of(new SpanExample.Answer(answer, start, false)));
    }

    private static String tokens(int[] ids) {
        List<String> tokens = new ArrayList<>();
        for (int id : ids) tokens.add(TOKENIZER.vocab().token(id));
        return String.join(" ", tokens);
    }

    /** The original characters of row tokens s..e. */
    private static String text(SpanExample e, Feature<SpanMapping> f, long s, long end) {
        return e.context().substring(f.mapping().starts()[(int) s], f.mapping().ends()[(int) end]);
    }

    @Test
    void aShortContextIsOneRowWithTypesOffsetsAndTarget() {
        SpanExample e = example("谁来了？", "今天 Alice 来了。", "Alice");
        List<Feature<SpanMapping>> features = new SpanEncoder(new SpanOptions(64, 8, 30, 20)).encode(List.of(e), TOKENIZER, 80, true);
        assertEquals(1, features.size());
        Feature<SpanMapping> f = features.getFirst();
        assertEquals("[CLS] 谁 来 了 ？ [SEP] 今 天 alice 来 了 。 [SEP]", tokens(f.inputIds()));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1}, f.tokenTypeIds());
        assertArrayEquals(new int[] {-1, -1, -1, -1, -1, -1, 0, 1, 3, 9, 10, 11, -1}, f.mapping().starts());
        assertArrayEquals(new int[] {-1, -1, -1, -1, -1, -1, 1, 2, 8, 10, 11, 12, -1}, f.mapping().ends());
        assertArrayEquals(new long[] {8, 8}, f.targets());
        assertEquals("Alice", text(e, f, 8, 8));
        for (int t = 0; t < 13; t++) assertEquals(f.mapping().inContext(t), f.mapping().maxContext()[t], "one window: every context token's best");
    }

    @Test
    void windowsShareDocStrideTokensUntilOneReachesTheEnd() {
        SpanEncoder encoder = new SpanEncoder(new SpanOptions(64, 3, 30, 20));
        assertArrayEquals(new int[][] {{0, 8}, {5, 13}, {10, 18}, {15, 20}}, encoder.windows(20, 8));
        assertArrayEquals(new int[][] {{0, 8}}, encoder.windows(8, 8));
        assertArrayEquals(new int[][] {{0, 0}}, encoder.windows(0, 8), "an empty context is one row without context tokens");
    }

    /** Window 0 holds tokens 0–7, window 1 tokens 5–12: the nearer side decides, the first window exact ties. */
    @Test
    void maxContextIsTheWindowWhereTheNearerSideIsLongest() {
        int[][] windows = {{0, 8}, {5, 13}, {10, 18}, {15, 20}};
        assertTrue(SpanEncoder.isMaxContext(windows, 0, 5)); // w0: min(5, 2) = 2; w1: min(0, 7) = 0
        assertTrue(SpanEncoder.isMaxContext(windows, 0, 6)); // w0: min(6, 1) = 1; w1: min(1, 6) = 1: a tie, the first wins
        assertTrue(SpanEncoder.isMaxContext(windows, 1, 7)); // w0: 0; w1: min(2, 5) = 2
        assertTrue(SpanEncoder.isMaxContext(windows, 3, 17)); // w2: min(7, 0) = 0 + 0.08; w3 (5 long): min(2, 2) = 2 + 0.05
        int[][] nested = {{0, 6}, {2, 6}};
        assertTrue(SpanEncoder.isMaxContext(nested, 0, 4), "min(4, 1) + 0.06 beats min(2, 1) + 0.04");
    }

    /** 20 one-character tokens in rows of 8 context tokens sharing 3: an answer over tokens 6–9 lies whole in window 1 only. */
    @Test
    void anAnswerAcrossAWindowBoundaryIsTheTargetOnlyWhereItIsWhole() {
        String context = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉";
        SpanExample e = example("问", context, "庚辛壬癸");
        List<Feature<SpanMapping>> features = new SpanEncoder(new SpanOptions(1, 3, 30, 20)).encode(List.of(e), TOKENIZER, 3 + 1 + 8, true);
        assertEquals(4, features.size());
        assertArrayEquals(new long[] {0, 0}, features.get(0).targets(), "window 0 ends inside the answer: [CLS]");
        Feature<SpanMapping> second = features.get(1);
        assertEquals("[CLS] 问 [SEP] 己 庚 辛 壬 癸 子 丑 寅 [SEP]", tokens(second.inputIds()));
        assertArrayEquals(new long[] {4, 7}, second.targets());
        assertEquals("庚辛壬癸", text(e, second, 4, 7));
        assertArrayEquals(new long[] {0, 0}, features.get(2).targets());
        assertArrayEquals(new long[] {0, 0}, features.get(3).targets());
        // rows are [CLS] 问 [SEP], 8 context tokens, [SEP]; of the shared tokens 5–7, 5 (己) is best read in window 0,
        // 6 (庚) ties and stays there, 7 (辛) is window 1's; of 10–12, 10 and 11 (a tie) are window 1's, 12 window 2's
        assertArrayEquals(new boolean[] {false, false, false, true, true, true, true, true, true, true, false, false},
                maxContexts(features.get(0)));
        assertArrayEquals(new boolean[] {false, false, false, false, false, true, true, true, true, true, false, false},
                maxContexts(second));
        for (Feature<SpanMapping> f : features) assertEquals(0, f.example());
    }

    private static boolean[] maxContexts(Feature<SpanMapping> f) {
        return f.mapping().maxContext();
    }

    @Test
    void answersInsideWordPiecesAndAfterSupplementaryCharactersMapToCoveringTokens() {
        SpanExample emoji = example("问", "😀😀今天下雨", "下雨");
        Feature<SpanMapping> f = new SpanEncoder(SpanOptions.DEFAULTS).encode(List.of(emoji), TOKENIZER, 384, true).getFirst();
        assertEquals("下雨", text(emoji, f, f.targets()[0], f.targets()[1]));

        // part of a word: the target is the smallest run of whole tokens that covers it
        SpanExample piece = example("问", "unaffable 词", "affable");
        Feature<SpanMapping> p = new SpanEncoder(SpanOptions.DEFAULTS).encode(List.of(piece), TOKENIZER, 384, true).getFirst();
        String covered = text(piece, p, p.targets()[0], p.targets()[1]);
        assertTrue(covered.contains("affable") && covered.length() <= "unaffable".length(), covered);
    }

    @Test
    void theQuestionIsCutToMaxQueryLength() {
        SpanExample e = example("一二三四五六七八九十", "答案在这里", "答案");
        Feature<SpanMapping> f = new SpanEncoder(new SpanOptions(4, 2, 30, 20)).encode(List.of(e), TOKENIZER, 32, true).getFirst();
        assertEquals("[CLS] 一 二 三 四 [SEP] 答 案 在 这 里 [SEP]", tokens(f.inputIds()));
        assertArrayEquals(new long[] {6, 7}, f.targets());
    }

    @Test
    void predictionRowsHaveNoTargets() {
        SpanExample e = new SpanExample("q", "问", "文本", List.of());
        assertNull(new SpanEncoder(SpanOptions.DEFAULTS).encode(List.of(e), TOKENIZER, 384, false).getFirst().targets());
        assertThrows(IllegalArgumentException.class, () -> new SpanEncoder(SpanOptions.DEFAULTS).encode(List.of(e), TOKENIZER, 384, true));
    }

    @Test
    void aStrideThatLeavesNoStepIsRefused() {
        InputException e = assertThrows(InputException.class,
                () -> new SpanEncoder(SpanOptions.DEFAULTS).encode(List.of(example("问", "文本", "文")), TOKENIZER, 128, true));
        assertEquals("--doc-stride 128 must be less than the context tokens a row of 128 holds after a question of --max-query-length 64 (61):"
                + " raise --seq-len to at least 196 or lower them", e.getMessage());
    }
}
