package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentenceSplitterTest {
    @TempDir
    Path dir;

    @Test
    void cutsAfterSentenceEnds() {
        assertEquals(List.of("今天天气很好。", "我们去公园吧！", "好吗？", "Yes!", "Why?", "一；", "二……", "完"),
                SentenceSplitter.splitSentences("今天天气很好。我们去公园吧！好吗？ Yes! Why? 一；二……完"));
    }

    @Test
    void keepsRunsOfEndingsAndClosingQuotesWithTheSentence() {
        assertEquals(List.of("他说：“好。”", "真的吗？！", "（注意！）", "然后"),
                SentenceSplitter.splitSentences("他说：“好。”真的吗？！（注意！）然后"));
    }

    @Test
    void noEndingGivesOneSentenceAndBlankGivesNone() {
        assertEquals(List.of("没有标点的一段话"), SentenceSplitter.splitSentences("  没有标点的一段话 "));
        assertEquals(List.of(), SentenceSplitter.splitSentences("   "));
        assertEquals(List.of("小数3.14不切开。"), SentenceSplitter.splitSentences("小数3.14不切开。"));
    }

    @Test
    void convertsDocumentPerLineToSentencePerLine() throws Exception {
        Path source = dir.resolve("docs.txt");
        Path target = dir.resolve("corpus.txt");
        Files.writeString(source, "第一句。第二句！\n\n第三句\n");
        assertEquals(2, SentenceSplitter.convertDocumentPerLine(source, target));
        assertEquals("第一句。\n第二句！\n\n第三句\n", Files.readString(target).replace(System.lineSeparator(), "\n"));
    }
}
