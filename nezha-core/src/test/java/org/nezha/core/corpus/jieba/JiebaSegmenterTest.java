package org.nezha.core.corpus.jieba;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.huaban.analysis.jieba.WordDictionary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ours against jieba-analysis 1.0.2 itself: the same dictionary values, the same word starts. */
class JiebaSegmenterTest {
    private static final JiebaSegmenter OURS = JiebaSegmenter.load();

    private static void assertSameStarts(String text) {
        assertEquals(JiebaAnalysis.wordStarts(text), OURS.wordStarts(text), text);
    }

    @Test
    void dictionaryHoldsJiebaAnalysisLogFrequencies() throws ReflectiveOperationException {
        JiebaDictionary ours = JiebaDictionary.load();
        Map<String, Double> freqs = WordDictionary.getInstance().freqs;
        for (Map.Entry<String, Double> e : freqs.entrySet()) {
            char[] word = e.getKey().toCharArray();
            int node = ours.trie().word(word, 0, word.length);
            assertEquals(e.getValue(), ours.trie().value(node), e.getKey());
        }
        var minFreq = WordDictionary.class.getDeclaredField("minFreq");
        minFreq.setAccessible(true);
        assertEquals(minFreq.get(WordDictionary.getInstance()), ours.minLogFreq());
        assertEquals(349_040, freqs.size()); // 349,045 lines, five words twice once lower-cased
    }

    @Test
    void handCases() {
        List<String> cases = List.of("我喜欢自然语言处理", "我爱北京天安门", "他来到了网易杭研大厦", "小明硕士毕业于中国科学院计算所",
                // unknown words through the HMM, and single chars that are a word together
                "韩冰斌和刘晓旭在桃花坞吃了顿饭", "龘靐齉爩", "的", "一", "的的的的", "齉",
                // digits, Latin, connectors, full-width and upper case inside and around runs
                "我买了3.14斤T恤和c++书", "iPhone12发布了", "ＡＢＣ１２３和Ａ股", "ab12.5cd..3", "a.b-c_d&e#f+g", "1.2.3",
                "中文ABC中文", "Ｃ＋＋语言", "b超检查", "AT&T公司",
                // chars that stand alone: punctuation, spaces, CJK outside U+4E00..U+9FA5, surrogate pairs
                "你好，世界！", "喜欢\u3000自然", "喜欢 自然", "\u9FA6\u9FA7鿦", "㐀㐁的", "𠀀𠀁字", "豈更車", "", " ", "x");
        for (String text : cases) assertSameStarts(text);
    }

    @Test
    void randomMixturesOfWordsUnknownCharsAndOthers() {
        List<String> words = new ArrayList<>(WordDictionary.getInstance().freqs.keySet());
        words.sort(null); // HashMap order is not fixed across JDKs: the seed should pick the same texts
        String others = "aZ09.+#&_-ＡＺ０９，。！ 　\u9FA6㐀豈";
        Random random = new Random(11);
        for (int t = 0; t < 20_000; t++) {
            StringBuilder text = new StringBuilder();
            int pieces = 1 + random.nextInt(12);
            for (int p = 0; p < pieces; p++) {
                int kind = random.nextInt(10);
                if (kind < 5) {
                    text.append(words.get(random.nextInt(words.size())));
                } else if (kind < 8) {
                    for (int k = random.nextInt(4); k >= 0; k--) text.append((char) (JiebaHmm.FIRST + random.nextInt(JiebaHmm.LAST - JiebaHmm.FIRST + 1)));
                } else {
                    for (int k = random.nextInt(3); k >= 0; k--) text.append(others.charAt(random.nextInt(others.length())));
                }
            }
            assertSameStarts(text.toString());
        }
    }
}
