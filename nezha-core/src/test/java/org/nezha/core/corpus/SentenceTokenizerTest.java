package org.nezha.core.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.WordTokens;

class SentenceTokenizerTest {
    private static final BertTokenizer TOKENIZER = TestVocab.TOKENIZER;
    /** Chinese, English, ids, special tokens, punctuation, accents, control and non-BMP characters, odd whitespace. */
    static final List<String> TRICKY_LINES = List.of("我喜欢自然语言处理", "12 5 239", "hello,world 你好",
            "我爱NLP和深度学习Deep Learning [MASK]!", "a[SEP]b [CLS] 天安门[MASK]广场", "  leading\tand\u3000ideographic space  ",
            "Café naïve résumé", "\u0301你好", "ab\u0000cd\u200b 𠀀𠀁字", "unaffable", "", " ", "\u200b",
            "[MA\u0000SK] [mask]", "北京\u2028天安门", "２０２４年，ＯＫ！");

    private static TokenizedSentence tokenize(WordBoundaries boundaries, String line) {
        return new SentenceTokenizer(TOKENIZER, boundaries).tokenize(line);
    }

    private static boolean[] marks(String pattern) {
        boolean[] marks = new boolean[pattern.length()];
        for (int i = 0; i < marks.length; i++) marks[i] = pattern.charAt(i) == 'x';
        return marks;
    }

    @Test
    void idsAreTheTokenizersInEveryMode() {
        for (WordBoundaries boundaries : WordBoundaries.values()) {
            for (String line : TRICKY_LINES) {
                assertArrayEquals(TOKENIZER.tokenIds(line), tokenize(boundaries, line).ids(), boundaries + ": " + line);
            }
        }
    }

    @Test
    void wordTokensGroupIdsByBasicWord() {
        WordTokens t = TOKENIZER.wordTokens("unaffable [SEP]x 你好");
        assertEquals(List.of("unaffable", "[SEP]", "x", "你", "好"), t.words());
        assertEquals(List.of("u", "##na", "##ff", "##able"), TOKENIZER.tokenize("unaffable"));
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 2, 3, 4}, t.wordOfId());
        assertEquals("{0, 1, 3}", t.chunkStarts().toString());
    }

    @Test
    void noneMarksEveryTokenButContinuationPieces() {
        TokenizedSentence s = tokenize(WordBoundaries.NONE, "unaffable 我喜欢 hello");
        assertArrayEquals(marks("x---xxxx"), s.wordStarts()); // u ##na ##ff ##able 我 喜 欢 hello
    }

    @Test
    void whitespaceMarksTheFirstTokenOfEachChunk() {
        assertArrayEquals(marks("xxx"), tokenize(WordBoundaries.WHITESPACE, "12 5 239").wordStarts());
        // hello , world | 你 好 | u ##na ##ff ##able
        assertArrayEquals(marks("x--x-x---"), tokenize(WordBoundaries.WHITESPACE, "hello,world 你好\tunaffable").wordStarts());
        // a lone accent strips to nothing: 你 still begins its chunk
        assertArrayEquals(marks("x-"), tokenize(WordBoundaries.WHITESPACE, "\u0301你好").wordStarts());
        assertArrayEquals(marks("x-x"), tokenize(WordBoundaries.WHITESPACE, "a[SEP] [CLS]").wordStarts());
    }

    @Test
    void jiebaMarksTheWordsOfChineseRuns() {
        // jieba: 我 / 喜欢 / 自然语言 / 处理
        assertArrayEquals(marks("xx-x---x-"), tokenize(WordBoundaries.JIEBA, "我喜欢自然语言处理").wordStarts());
        // 我 / 爱 / 北京 / 天安门, then WordPiece words: n ##lp
        assertArrayEquals(marks("xxx-x--x-"), tokenize(WordBoundaries.JIEBA, "我爱北京天安门nlp").wordStarts());
        // whitespace ends a run: 喜欢 and 自然 are segmented apart
        assertArrayEquals(marks("x-x-"), tokenize(WordBoundaries.JIEBA, "喜欢 自然").wordStarts());
        // punctuation ends a run too; a lone character is a word
        assertArrayEquals(marks("x-xx"), tokenize(WordBoundaries.JIEBA, "喜欢，我").wordStarts());
    }

    @Test
    void jiebaFallsBackToWordPieceStartsWithoutChineseCharacters() {
        assertArrayEquals(tokenize(WordBoundaries.NONE, "unaffable deep learning").wordStarts(),
                tokenize(WordBoundaries.JIEBA, "unaffable deep learning").wordStarts());
    }
}
