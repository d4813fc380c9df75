package org.nezha.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertTokenizerTest {
    private static final BertTokenizer UNCASED = HfFixtureTest.tokenizer(true);
    private static final BertTokenizer CASED = HfFixtureTest.tokenizer(false);
    private static final int CLS = 101;
    private static final int SEP = 102;
    private static final int PAD = 0;

    private static int id(String token) {
        int id = UNCASED.vocab().id(token);
        assertTrue(id >= 0, token + " is in the vocabulary");
        return id;
    }

    @Test
    void tokenIdsAreTheIdsOfTokenize() {
        String text = "我爱NLP和深度学习Deep Learning [MASK]!";
        List<String> tokens = UNCASED.tokenize(text);
        assertEquals(List.of("我", "爱", "n", "##lp", "和", "深", "度", "学", "习", "deep", "learning", "[MASK]", "!"), tokens);
        assertArrayEquals(tokens.stream().mapToInt(BertTokenizerTest::id).toArray(), UNCASED.tokenIds(text));
    }

    @Test
    void singleTextGetsClsAndSepAndPadding() {
        Encoding encoding = UNCASED.encode("你好", null, 6, true);
        assertArrayEquals(new int[] {CLS, id("你"), id("好"), SEP, PAD, PAD}, encoding.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0}, encoding.tokenTypeIds());
        assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0}, encoding.attentionMask());
        assertEquals(6, encoding.length());
    }

    @Test
    void noPaddingUnlessAsked() {
        Encoding encoding = UNCASED.encode("你好", null, 16, false);
        assertArrayEquals(new int[] {CLS, id("你"), id("好"), SEP}, encoding.inputIds());
    }

    @Test
    void pairGetsTypeOneFromTheSecondTextOn() {
        Encoding encoding = UNCASED.encode("一二", "三", 8, true);
        assertArrayEquals(new int[] {CLS, id("一"), id("二"), SEP, id("三"), SEP, PAD, PAD}, encoding.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 0, 0}, encoding.tokenTypeIds());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0, 0}, encoding.attentionMask());
    }

    @Test
    void pairIsCutLongestFirstFromTheEnd() {
        int[] a = {1, 2, 3, 4, 5, 6, 7};
        int[] b = {11, 12, 13};
        assertArrayEquals(new int[] {CLS, 1, 2, 3, 4, SEP, 11, 12, 13, SEP},
                UNCASED.encodeIds(a, b, 10, true).inputIds());
        // 5+5 into a budget of 7: the tie cuts b first, so a keeps 4 and b 3.
        int[] c = {1, 2, 3, 4, 5};
        int[] d = {11, 12, 13, 14, 15};
        Encoding cut = UNCASED.encodeIds(c, d, 10, false);
        assertArrayEquals(new int[] {CLS, 1, 2, 3, 4, SEP, 11, 12, 13, SEP}, cut.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, cut.tokenTypeIds());
    }

    @Test
    void singleTextIsCutToTheBudget() {
        assertArrayEquals(new int[] {CLS, 1, 2, SEP}, UNCASED.encodeIds(new int[] {1, 2, 3, 4}, null, 4, true).inputIds());
        assertArrayEquals(new int[] {CLS, SEP}, UNCASED.encodeIds(new int[] {1, 2}, null, 2, true).inputIds());
    }

    @Test
    void encodeEqualsEncodeIdsOnTokenIds() {
        String a = "今天天气很好，适合出去玩。";
        String b = "Natural language processing";
        assertEquals(UNCASED.encodeIds(UNCASED.tokenIds(a), UNCASED.tokenIds(b), 12, true), UNCASED.encode(a, b, 12, true));
    }

    @Test
    void maxLengthMustHoldTheSpecialTokens() {
        assertThrows(IllegalArgumentException.class, () -> UNCASED.encode("a", null, 1, true));
        assertThrows(IllegalArgumentException.class, () -> UNCASED.encode("a", "b", 2, true));
        assertEquals(3, UNCASED.encode("a", "b", 3, true).length());
    }

    // The cases below are where HF's fast (Rust) tokenizer differs from the slow BertTokenizer, so
    // the fixture leaves them out; the expectations follow the slow tokenizer's code.

    @Test
    void unassignedCodePointsAreDroppedAsControlCharacters() {
        assertEquals(UNCASED.tokenize("ab"), UNCASED.tokenize("a\u0378b"));
        assertEquals(CASED.tokenize("ab"), CASED.tokenize("a\u0378b"));
    }

    @Test
    void cjkExtensionEStartIsSplitLikeOtherIdeographs() {
        assertEquals(List.of("[UNK]", "[UNK]"), UNCASED.tokenize("\uD86E\uDC20\uD86E\uDC21"));
    }

    @Test
    void textIsNfcNormalisedWhenAccentsAreKept() {
        assertEquals(List.of("\u8C48"), CASED.tokenize("\uF900"));
        assertEquals(CASED.tokenize("\uAC00"), CASED.tokenize("\u1100\u1161"));
        assertEquals(CASED.tokenize("caf\u00e9"), CASED.tokenize("cafe\u0301"));
    }

    @Test
    void specialTokenJoinedByRemovedCharactersStaysWholeWhenNotLowerCased() {
        assertEquals(List.of("[MASK]"), CASED.tokenize("[MA\u0000SK]"));
        assertEquals(List.of("[", "ma", "##sk", "]"), UNCASED.tokenize("[MA\u0000SK]"));
    }

    // Lower-casing goes one character at a time, as HF's tokenize does before the basic tokenizer.

    @Test
    void capitalSigmaAlwaysBecomesMedialSigma() {
        assertEquals(List.of("σ", "##α", "##σ"), UNCASED.tokenize("ΣΑΣ"));
    }

    @Test
    void dottedCapitalIKeepsItsDotWhenAccentsAreKept() {
        BertTokenizer keepAccents = new BertTokenizer(UNCASED.vocab(), new TokenizerOptions(true, false, true));
        assertEquals(keepAccents.tokenize("i\u0307stanbul"), keepAccents.tokenize("\u0130stanbul"));
        assertNotEquals(keepAccents.tokenize("istanbul"), keepAccents.tokenize("\u0130stanbul"));
        assertEquals(UNCASED.tokenize("istanbul"), UNCASED.tokenize("\u0130stanbul"));
    }

    @Test
    void chineseCharactersStayJoinedWhenNotTokenizedApart() {
        BertTokenizer joined = new BertTokenizer(UNCASED.vocab(), new TokenizerOptions(true, null, false));
        assertEquals(List.of("中", "##文"), joined.tokenize("中文"));
        assertEquals(List.of("中", "文"), UNCASED.tokenize("中文"));
    }

    @Test
    void wordLimitCountsCodePointsNotUtf16Units() {
        String hundredCodePoints = "x".repeat(99) + "\uD83D\uDE02"; // 101 UTF-16 units; "##😂" is in the vocabulary
        assertEquals("##\uD83D\uDE02", CASED.tokenize(hundredCodePoints).getLast());
        assertEquals(List.of("[UNK]"), CASED.tokenize("x" + hundredCodePoints));
    }

    @Test
    void fromModelDirReadsVocabAndConfig(@TempDir Path dir) throws IOException {
        Files.copy(HfFixtureTest.resource("vocab.txt"), dir.resolve("vocab.txt"));
        assertEquals(TokenizerOptions.defaults(), BertTokenizer.fromModelDir(dir).options());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        BertTokenizer cased = BertTokenizer.fromModelDir(dir);
        assertEquals(List.of("[UNK]"), cased.tokenize("Hello"));
        assertEquals(21128, cased.vocab().size());
    }

    @Test
    void throughputSanity() {
        StringBuilder corpus = new StringBuilder();
        while (corpus.length() < 2_000_000) {
            corpus.append("自然语言处理是计算机科学领域与人工智能领域中的一个重要方向。")
                    .append("BERT模型在2018年由Google提出，使用了Transformer架构！")
                    .append("The quick brown fox jumps over the lazy dog; unaffable internationalization.\n");
        }
        String[] lines = corpus.toString().split("\n");
        long tokens = 0;
        for (String line : lines) {
            tokens += UNCASED.tokenIds(line).length; // warm-up pass
        }
        long start = System.nanoTime();
        for (String line : lines) {
            tokens += UNCASED.tokenIds(line).length;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("tokenizer throughput: %.1f M chars/s, %.1f M tokens/s%n",
                corpus.length() / seconds / 1e6, tokens / 2.0 / seconds / 1e6);
        assertTrue(tokens > 0);
    }
}
