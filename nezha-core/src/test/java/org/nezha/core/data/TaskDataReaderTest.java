package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;

class TaskDataReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static void assertExample(TaskExample e, String id, String a, String b, String label, long line) {
        assertEquals(id, e.id());
        assertEquals(a, e.textA());
        assertEquals(b, e.textB());
        assertEquals(label, e.label());
        assertEquals(line, e.line());
    }

    private void assertError(String name, String content, TaskKind kind, String expected) throws Exception {
        Path file = write(name, content);
        InputException e = assertThrows(InputException.class, () -> TaskDataReader.read(file, kind));
        assertEquals(file + expected, e.getMessage());
    }

    private void assertErrorStartsWith(String name, String content, String expectedStart) throws Exception {
        Path file = write(name, content);
        String message = assertThrows(InputException.class, () -> TaskDataReader.read(file, TaskKind.SINGLE)).getMessage();
        assertTrue(message.startsWith(file + expectedStart), message);
    }

    @Test
    void clueClassificationHeaderWithLabelFirst() throws Exception {
        Path file = write("dev.tsv", "label\ttext\n1\t很好\n\n0\t不好\n");
        List<TaskExample> examples = TaskDataReader.read(file, TaskKind.SINGLE);
        assertEquals(2, examples.size());
        assertExample(examples.get(0), "1", "很好", null, "1", 2);
        assertExample(examples.get(1), "2", "不好", null, "0", 4);
        assertEquals(file, examples.get(0).file());
    }

    @Test
    void cluePairHeaderAndExtraColumnsIgnored() throws Exception {
        Path file = write("train.tsv", "sentence1\tsentence2\tlabel\n花呗\t借呗\t0\n");
        assertExample(TaskDataReader.read(file, TaskKind.PAIR).getFirst(), "1", "花呗", "借呗", "0", 2);
        Path tnews = write("tnews.tsv", "label\tlabel_desc\tsentence\tkeywords\n115\tnews_agriculture\t标题\t\n");
        assertExample(TaskDataReader.read(tnews, TaskKind.SINGLE).getFirst(), "1", "标题", null, "115", 2);
    }

    @Test
    void headerWithIdAndNoLabel() throws Exception {
        Path file = write("test.tsv", "id\tsentence1\tsentence2\n7\t一\t二\n");
        assertExample(TaskDataReader.read(file, TaskKind.PAIR).getFirst(), "7", "一", "二", null, 2);
    }

    @Test
    void headerlessLayouts() throws Exception {
        Path pair = write("lcqmc.txt", "一\t二\t1\n三\t四\t0\n");
        assertExample(TaskDataReader.read(pair, TaskKind.PAIR).get(1), "2", "三", "四", "0", 2);
        Path pairNoLabel = write("pair.tsv", "一\t二\n");
        assertExample(TaskDataReader.read(pairNoLabel, TaskKind.PAIR).getFirst(), "1", "一", "二", null, 1);
        Path single = write("single.tsv", "好\tpos\n");
        assertExample(TaskDataReader.read(single, TaskKind.SINGLE).getFirst(), "1", "好", null, "pos", 1);
        Path singleNoLabel = write("single1.tsv", "只有文本\r\n");
        assertExample(TaskDataReader.read(singleNoLabel, TaskKind.SINGLE).getFirst(), "1", "只有文本", null, null, 1);
    }

    @Test
    void jsonLines() throws Exception {
        Path file = write("dev.jsonl", """
                {"sentence1": "一", "sentence2": "二", "label": "1"}

                {"text_a": "三", "text_b": "四", "label": 0, "id": 12}
                """);
        List<TaskExample> examples = TaskDataReader.read(file, TaskKind.PAIR);
        assertExample(examples.get(0), "1", "一", "二", "1", 1);
        assertExample(examples.get(1), "12", "三", "四", "0", 3);
        Path single = write("tnews.json", "{\"label\": \"115\", \"label_desc\": \"x\", \"sentence\": \"标题\", \"keywords\": \"\"}\n"
                + "{\"label\": \"116\", \"sentence\": \"第二\", \"text_b\": null}\n");
        assertExample(TaskDataReader.read(single, TaskKind.SINGLE).get(1), "2", "第二", null, "116", 2);
        Path unlabelled = write("test.json", "{\"id\": 0, \"sentence\": \"文本\"}\n");
        assertNull(TaskDataReader.read(unlabelled, TaskKind.SINGLE).getFirst().label());
    }

    @Test
    void fileErrors() throws Exception {
        Path missing = dir.resolve("missing.tsv");
        assertEquals(missing + ": file not found",
                assertThrows(InputException.class, () -> TaskDataReader.read(missing, TaskKind.PAIR)).getMessage());
        assertError("data.csv", "a,b,1\n", TaskKind.PAIR,
                ": unsupported file type; only TSV (.tsv, .txt) and JSON Lines (.jsonl, .json) are supported");
        assertError("empty.tsv", "\n\n", TaskKind.PAIR, ": contains no examples");
        assertError("header-only.tsv", "sentence1\tsentence2\tlabel\n", TaskKind.PAIR, ": contains no examples");
        assertError("empty.jsonl", "", TaskKind.SINGLE, ": contains no examples");
    }

    @Test
    void tsvRowErrors() throws Exception {
        assertError("cols.tsv", "sentence1\tsentence2\tlabel\n一\t二\t1\n一\t二\n", TaskKind.PAIR,
                ":3: expected 3 columns (sentence1, sentence2, label), found 2");
        assertError("cols1.tsv", "一\t二\t1\t9\n", TaskKind.PAIR,
                ":1: expected text_a<TAB>text_b[<TAB>label] (no header), found 4 columns");
        assertError("cols2.tsv", "一\t二\t三\n", TaskKind.SINGLE,
                ":1: expected text[<TAB>label] (no header), found 3 columns");
        assertError("emptytext.tsv", "label\ttext\n1\t \n", TaskKind.SINGLE, ":2: empty text");
        assertError("emptyb.tsv", "一\t\t1\n", TaskKind.PAIR, ":1: empty second text");
    }

    @Test
    void headerErrors() throws Exception {
        assertError("nob.tsv", "label\ttext\n1\t好\n", TaskKind.PAIR,
                ":1: no second text (text_b or sentence2) for a sentence-pair task");
        assertError("extra-b.tsv", "sentence1\tsentence2\tlabel\n一\t二\t1\n", TaskKind.SINGLE,
                ":1: a second text (text_b or sentence2) for a single-text task");
        assertError("noa.tsv", "label\tid\n1\t2\n", TaskKind.SINGLE,
                ":1: no text (text_a, sentence1, text or sentence)");
        assertError("twice.tsv", "text\tsentence\tlabel\n", TaskKind.SINGLE,
                ":1: both 'text' and 'sentence' name the same field; keep one");
    }

    @Test
    void labelOnSomeRowsOnly() throws Exception {
        assertError("some.tsv", "一\t二\t1\n\n三\t四\n", TaskKind.PAIR, ":3: no label, but line 1 has one");
        assertError("some2.tsv", "好\n坏\t0\n", TaskKind.SINGLE, ":2: a label, but line 1 has none; label all rows or none");
        assertError("some3.tsv", "label\ttext\n1\t好\n\t坏\n", TaskKind.SINGLE, ":3: no label, but line 2 has one");
        assertError("some.jsonl", "{\"text\": \"好\", \"label\": 1}\n{\"text\": \"坏\"}\n", TaskKind.SINGLE,
                ":2: no label, but line 1 has one");
    }

    @Test
    void jsonErrors() throws Exception {
        // Jackson's own wording follows the prefix; only the prefix is ours
        assertErrorStartsWith("bad.jsonl", "{\"text\": \"好\", \"label\": 1}\n{\"text\": \"坏\"\n", ":2: bad JSON: Unexpected end-of-input");
        assertErrorStartsWith("trailing.jsonl", "{\"text\": \"好\"} 5\n", ":1: bad JSON: Trailing token");
        assertError("array.json", "[{\"text\": \"好\"}]\n", TaskKind.SINGLE, ":1: expected one JSON object per line, found array");
        assertError("nested.jsonl", "{\"text\": {\"a\": 1}}\n", TaskKind.SINGLE, ":1: field 'text' must be a string or a number");
        assertError("notext.jsonl", "{\"label\": 1}\n", TaskKind.SINGLE, ":1: no text (text_a, sentence1, text or sentence)");
        assertError("nob.jsonl", "{\"sentence1\": \"一\", \"label\": 1}\n", TaskKind.PAIR,
                ":1: no second text (text_b or sentence2) for a sentence-pair task");
        assertError("nulltext.jsonl", "{\"text\": null}\n", TaskKind.SINGLE, ":1: no text (text_a, sentence1, text or sentence)");
        assertError("blanktext.jsonl", "{\"text\": \" \"}\n", TaskKind.SINGLE, ":1: empty text");
    }

    @Test
    void doublePipePairsOfChineseStsB() throws Exception {
        Path file = Path.of(TaskDataReaderTest.class.getResource("/sts/pairs.txt").toURI());
        List<TaskExample> examples = TaskDataReader.read(file, TaskKind.PAIR);
        assertEquals(3, examples.size());
        assertExample(examples.get(0), "2012test-0000", "一个戴着安全帽的男人在跳舞。", "一个戴着安全帽的男人在跳舞。", "5", 1);
        assertExample(examples.get(1), "2012test-0007", "一个女人在弹吉他。", "一个人在弹吉他。", "2", 3);
        assertExample(examples.get(2), "3", "一个小孩在骑马。", "孩子在骑马。", "4", 4);
    }

    @Test
    void bundledStsBDevSet() {
        List<TaskExample> dev = TaskDataReader.read(Path.of("../data/sts_b_zh/dev.txt"), TaskKind.PAIR);
        assertEquals(1458, dev.size());
        assertExample(dev.getFirst(), "2012test-0000", "一个戴着安全帽的男人在跳舞。", "一个戴着安全帽的男人在跳舞。", "5", 1);
    }

    @Test
    void doublePipeLayoutErrors() throws Exception {
        assertError("fields.txt", "\n1||一||二||3\n2||一||二\n", TaskKind.PAIR,
                ":3: expected id||sentence1||sentence2||score, found 3 ||-separated fields");
        assertError("tab.txt", "1||一||二||3\n2||一\t||二||3\n", TaskKind.PAIR, ":2: a tab in a file of id||sentence1||sentence2||score lines");
        assertError("empty-b.txt", "1||一|| ||3\n", TaskKind.PAIR, ":1: empty second text");
        assertError("single.txt", "1||一||二||3\n", TaskKind.SINGLE,
                ":1: id||sentence1||sentence2||score holds sentence pairs, not the single texts this task reads");
        // a tab in the first line makes it TSV, whatever the bars
        assertExample(TaskDataReader.read(write("tsv.txt", "a||b\tc||d\t1\n"), TaskKind.PAIR).getFirst(), "1", "a||b", "c||d", "1", 1);
    }

    @Test
    void invalidUtf8() throws Exception {
        Path file = dir.resolve("bad.tsv");
        Files.write(file, new byte[] {'a', '\t', '1', '\n', 'b', '\t', (byte) 0xE4, '\n'});
        InputException e = assertThrows(InputException.class, () -> TaskDataReader.read(file, TaskKind.SINGLE));
        assertEquals(file + ":2: invalid UTF-8 at column 3", e.getMessage());
    }
}
