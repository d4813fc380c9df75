package org.nezha.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each token maps back to the exact characters of the original text it was made from. */
class TokenOffsetsTest {
    private static final BertTokenizer UNCASED = HfFixtureTest.tokenizer(true);
    private static final BertTokenizer CASED = HfFixtureTest.tokenizer(false);

    /** "token=original" for each token, the original being the characters its offsets point at. */
    private static List<String> pairs(BertTokenizer tokenizer, String text) {
        TokenOffsets t = tokenizer.tokenOffsets(text);
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < t.ids().length; i++) {
            pairs.add(tokenizer.vocab().token(t.ids()[i]) + "=" + text.substring(t.starts()[i], t.ends()[i]));
        }
        return pairs;
    }

    @Test
    void chineseDigitsAndPunctuation() {
        assertEquals(List.of("中=中", "国=国", "成=成", "立=立", "于=于", "1949=1949", "年=年", "10=10", "月=月", "1=1", "日=日", "。=。"),
                pairs(UNCASED, "中国成立于1949年10月1日。"));
    }

    @Test
    void wordPiecesOfLatinWordsKeepTheirCase() {
        assertEquals(List.of("自=自", "然=然", "（=（", "n=N", "##lp=LP", "）=）", "是=是", "deep=Deep", "learning=Learning", "!=!"),
                pairs(UNCASED, "自然（NLP）是 Deep  Learning!"));
        assertEquals(List.of("（=（", "[UNK]=NLP", "）=）"), pairs(CASED, "（NLP）"), "cased, the vocabulary has no piece for it");
    }

    @Test
    void whitespaceBelongsToNoToken() {
        assertEquals(List.of("a=a", "b=b", "中=中"), pairs(UNCASED, " \t a \n\u3000 b 中 \r\n"));
    }

    @Test
    void fullWidthCharactersMapOneToOne() {
        TokenOffsets t = UNCASED.tokenOffsets("ＡＢＣ１２３，");
        List<String> originals = new ArrayList<>();
        for (int i = 0; i < t.ids().length; i++) originals.add("ＡＢＣ１２３，".substring(t.starts()[i], t.ends()[i]));
        assertEquals("ＡＢＣ１２３，", String.join("", originals), "the pieces cover the text in order");
        assertEquals("，", originals.getLast());
    }

    @Test
    void unknownWordsAndSupplementaryCharactersSpanWholeCodePoints() {
        // the emoji and the CJK Extension B ideograph are not in the vocabulary: [UNK], whole surrogate pairs
        assertEquals(List.of("我=我", "[UNK]=\uD83D\uDE00", "你=你", "[UNK]=\uD840\uDC00", "好=好"), pairs(UNCASED, "我😀你𠀀好"));
        assertEquals(List.of("[UNK]=☃\uD83D\uDE00x"), pairs(UNCASED, "☃😀x"), "an [UNK] stands for its whole word");
    }

    @Test
    void accentsAndLowerCasingPointAtTheOriginalCharacters() {
        assertEquals(List.of("cafe=Café"), pairs(UNCASED, "Café"));
        // decomposed: the combining accent is stripped, the token ends at the letter
        assertEquals(List.of("cafe=Cafe"), pairs(UNCASED, "Cafe\u0301"));
        // U+0130 lower-cases to two chars ("i" + combining dot), of one original code point
        assertEquals("i=İ", pairs(UNCASED, "İ").getFirst());
        // cased keeps accents; NFC composes e + U+0301 across code points: the token spans its whole word
        List<String> cased = pairs(CASED, "Cafe\u0301 x");
        assertEquals("=Cafe\u0301", cased.getFirst().substring(cased.getFirst().indexOf('=')));
        assertEquals("x=x", cased.getLast());
    }

    @Test
    void specialTokensWrittenInTheTextKeepTheirPlace() {
        assertEquals(List.of("a=a", "[SEP]=[SEP]", "b=b"), pairs(UNCASED, "a [SEP]b"));
    }

    @Test
    void droppedControlCharactersAreSkipped() {
        TokenOffsets t = UNCASED.tokenOffsets("ab\u200Bc");
        assertArrayEquals(UNCASED.tokenIds("abc"), t.ids());
        assertEquals(0, t.starts()[0]);
        assertEquals(4, t.ends()[t.ends().length - 1]);
    }

    static Stream<Arguments> fixtureTexts() {
        return HfFixtureTest.cases().map(a -> {
            JsonNode c = (JsonNode) a.get()[2];
            return Arguments.of(a.get()[1], c.get("text_a").asText());
        });
    }

    /** On every HF fixture text: the same ids as tokenIds, and spans in order, inside the text, never empty. */
    @ParameterizedTest
    @MethodSource("fixtureTexts")
    void idsAreTokenIdsAndSpansAreOrdered(boolean lowerCase, String text) {
        BertTokenizer tokenizer = lowerCase ? UNCASED : CASED;
        TokenOffsets t = tokenizer.tokenOffsets(text);
        assertArrayEquals(tokenizer.tokenIds(text), t.ids());
        int previousEnd = 0;
        for (int i = 0; i < t.ids().length; i++) {
            assertTrue(t.starts()[i] >= previousEnd || t.starts()[i] == t.starts()[i - 1], text + " token " + i);
            assertTrue(t.starts()[i] < t.ends()[i] && t.ends()[i] <= text.length(), text + " token " + i);
            previousEnd = t.ends()[i];
        }
    }

    /** Where nothing is normalised away, each piece's original characters lower-cased are the piece. */
    @ParameterizedTest
    @ValueSource(strings = {"BERT模型在2018年由Google提出", "unaffable internationalization", "3.14%的Ｈello，world‘s"})
    void piecesSpellTheirOriginals(String text) {
        TokenOffsets t = UNCASED.tokenOffsets(text);
        for (int i = 0; i < t.ids().length; i++) {
            String token = UNCASED.vocab().token(t.ids()[i]);
            if (token.equals(Vocab.UNK)) continue;
            assertEquals(token.replaceFirst("^##", ""), text.substring(t.starts()[i], t.ends()[i]).toLowerCase(), text);
        }
    }
}
