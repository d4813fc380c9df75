package org.nezha.core.cv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.data.SplittableFile;
import org.nezha.core.data.TaskExample;
import org.nezha.core.data.TaskKind;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.TaskOptions;
import org.nezha.core.task.Tasks;
import org.nezha.core.task.classification.ClassificationTask;
import org.nezha.core.task.ner.NerExample;
import org.nezha.core.task.ner.NerTask;
import org.nezha.core.task.span.SpanExample;
import org.nezha.core.task.span.SpanTask;

/**
 * Every task's fold files: a subset of the training file's examples, written by the task's {@link SplittableFile}
 * and read back by the task's reader, is the chosen examples in the chosen order; group keys per format.
 */
class FoldFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Integer> CHOSEN = List.of(2, 0);

    /** Writes {@code chosen} of {@code file}'s examples to {@code target} and checks what the task reads back, by {@code key}. */
    private static <X> void roundTrip(FinetuneTask<X, ?, ?> task, Path file, Path target, List<Integer> chosen, Function<X, Object> key) {
        List<X> examples = task.read(file, true);
        task.splittable(file, examples).writeSubset(target, chosen);
        List<X> back = task.read(target, true);
        assertEquals(chosen.stream().map(i -> key.apply(examples.get(i))).toList(), back.stream().map(key).toList());
    }

    /** Texts and label (an example's id is its number when the file has no id column or field, so renumbered in a subset). */
    private static Object classification(TaskExample e) {
        return List.of(e.textA(), String.valueOf(e.textB()), String.valueOf(e.label()));
    }

    private static Object ner(NerExample e) {
        return List.of(String.valueOf(e.id()), e.text(), e.words(), e.entities());
    }

    @Test
    @SuppressWarnings("unchecked")
    void classificationAndEmbeddingRowsKeepTheirHeaderAndLayout(@TempDir Path dir) throws Exception {
        Path tsv = dir.resolve("train.tsv");
        Files.writeString(tsv, "id\tsentence1\tsentence2\tlabel\nx1\ta\tb\t1\nx2\tc\td\t0\nx3\te\tf\t1\n");
        ClassificationTask pair = new ClassificationTask(TaskKind.PAIR);
        roundTrip(pair, tsv, dir.resolve("dev.tsv"), CHOSEN, FoldFilesTest::classification);
        roundTrip(pair, tsv, dir.resolve("dev.tsv"), CHOSEN, TaskExample::id);
        assertEquals(List.of("1", "0", "1"), pair.strata(pair.read(tsv, true)));

        Path sts = dir.resolve("train.txt"); // CNSD's id||sentence1||sentence2||score
        Files.writeString(sts, "s1||一个人||一个男人||4\ns2||猫||狗||0\ns3||下雨||雨天||5\n");
        FinetuneTask<?, ?, ?> embedding = Tasks.create("embedding", TaskOptions.DEFAULTS, "--task");
        roundTripAny(embedding, sts, dir.resolve("dev.txt"));
        assertEquals(List.of("s3", "s1"), ((FinetuneTask<TaskExample, ?, ?>) embedding).read(dir.resolve("dev.txt"), true).stream()
                .map(TaskExample::id).toList());
        Path jsonl = dir.resolve("texts.jsonl");
        Files.writeString(jsonl, "{\"text\": \"甲\", \"src\": \"a\"}\n{\"text\": \"乙\", \"src\": \"b\"}\n{\"text\": \"丙\", \"src\": \"a\"}\n");
        roundTripAny(embedding, jsonl, dir.resolve("dev.jsonl"));
        assertEquals(List.of("a", "b", "a"), groups(embedding, jsonl, "src"));
    }

    /** The same round trip for a task whose example type is unknown here: its TaskExample fields. */
    @SuppressWarnings("unchecked")
    private static void roundTripAny(FinetuneTask<?, ?, ?> task, Path file, Path target) {
        roundTrip((FinetuneTask<TaskExample, ?, ?>) task, file, target, CHOSEN, FoldFilesTest::classification);
        List<TaskExample> examples = ((FinetuneTask<TaskExample, ?, ?>) task).read(file, true);
        List<String> strata = ((FinetuneTask<TaskExample, ?, ?>) task).strata(examples);
        if (examples.stream().allMatch(e -> e.label() != null)) assertEquals(examples.stream().map(TaskExample::label).toList(), strata);
        else assertNull(strata);
    }

    @SuppressWarnings("unchecked")
    private static <X> List<String> groups(FinetuneTask<X, ?, ?> task, Path file, String key) {
        return task.splittable(file, task.read(file, true)).groups(key, "--group-by");
    }

    @Test
    void nerColumnFilesAreSplitIntoWholeSentenceBlocks(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.bmes");
        Files.writeString(file, "高\tB-NAME\n勇\tE-NAME\n：\tO\n\n男\tO\n，\tO\n\n\n张\tB-NAME\n三\tM-NAME\n丰\tE-NAME\n在\tO\n北\tB-LOC\n京\tE-LOC\n");
        NerTask task = new NerTask();
        roundTrip(task, file, dir.resolve("dev.bmes"), CHOSEN, FoldFilesTest::ner);
        roundTrip(task, file, dir.resolve("all.bmes"), List.of(0, 1, 2), FoldFilesTest::ner);
        List<NerExample> examples = task.read(file, true);
        InputException e = assertThrows(InputException.class, () -> task.splittable(file, examples).groups("doc", "--group-by"));
        assertEquals(file + ": --group-by doc: column files have no named fields", e.getMessage());
        assertNull(task.strata(examples)); // no single label per sentence: cv refuses --stratify
    }

    @Test
    void nerJsonLinesAreSplitByLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.jsonl");
        Files.writeString(file, """
                {"id": "a", "text": "张三在北京", "entities": [{"start": 0, "end": 2, "type": "PER"}, {"start": 3, "end": 5, "type": "LOC"}], "doc": 1}

                {"id": "b", "text": "无", "entities": [], "doc": 2}
                {"id": "c", "text": "李四", "entities": [{"start": 0, "end": 2, "type": "PER"}], "doc": 1}
                """);
        NerTask task = new NerTask();
        roundTrip(task, file, dir.resolve("dev.jsonl"), CHOSEN, FoldFilesTest::ner);
        assertEquals(List.of("1", "2", "1"), groups(task, file, "doc"));
    }

    private static final String SQUAD = """
            {"version": "v1.0", "data": [
              {"title": "A", "paragraphs": [
                {"id": "P1", "context": "北京是中国的首都。", "qas": [
                  {"question": "首都?", "id": "q1", "answers": [{"text": "北京", "answer_start": 0}]},
                  {"question": "哪国?", "id": "q2", "answers": [{"text": "中国", "answer_start": 3}, {"text": "中国", "answer_start": 3}]}]},
                {"id": "P2", "context": "上海在东部。", "qas": [
                  {"question": "哪里?", "id": "q3", "answers": [{"text": "东部", "answer_start": 3}]}]}]},
              {"title": "B", "paragraphs": [
                {"context": "长江很长。", "qas": [{"question": "什么很长?", "id": "q4", "answers": [{"text": "长江", "answer_start": 1}]}]}]}]}
            """;

    @Test
    void squadSubsetsKeepTheirParagraphsAndArticles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.json");
        Files.writeString(file, SQUAD);
        SpanTask task = new SpanTask();
        Path dev = dir.resolve("dev.json");
        List<Integer> chosen = List.of(3, 0, 2);
        roundTrip(task, file, dev, chosen, e -> e); // whole examples: id, question, context, answers (q4's repaired start too)

        JsonNode written = JSON.readTree(dev.toFile());
        assertEquals("v1.0", written.get("version").asText());
        assertEquals(2, written.get("data").size()); // B, then A with P1 (q1 only) and P2; q2 left out
        assertEquals("B", written.get("data").get(0).get("title").asText());
        JsonNode a = written.get("data").get(1);
        assertEquals("A", a.get("title").asText());
        assertEquals(List.of("P1", "P2"), List.of(a.get("paragraphs").get(0).get("id").asText(), a.get("paragraphs").get(1).get("id").asText()));
        assertEquals(1, a.get("paragraphs").get(0).get("qas").size());
        assertEquals(1, written.get("data").get(0).get("paragraphs").get(0).get("qas").get(0).get("answers").get(0).get("answer_start").asInt(),
                "answers as written");

        List<SpanExample> examples = task.read(file, true);
        SplittableFile split = task.splittable(file, examples);
        assertEquals(List.of("北京是中国的首都。", "北京是中国的首都。", "上海在东部。", "长江很长。"), split.groups("context", "--group-by"));
        assertEquals(List.of("A", "A", "A", "B"), split.groups("title", "--group-by"));
        assertEquals(file + ": --group-by qid: a SQuAD file's questions group by context (a paragraph's questions) or title (an article's)",
                assertThrows(InputException.class, () -> split.groups("qid", "--group-by")).getMessage());
        assertNull(task.strata(examples));

        for (long seed = 0; seed < 10; seed++) {
            int[] folds = FoldSplitter.assign(examples.size(), 3, split.groups("context", "--group-by"), null, seed);
            assertEquals(folds[0], folds[1], "one paragraph's questions in one fold");
        }

        Path untitled = dir.resolve("untitled.json");
        Files.writeString(untitled, SQUAD.replace("\"title\": \"B\", ", ""));
        InputException e = assertThrows(InputException.class,
                () -> task.splittable(untitled, task.read(untitled, true)).groups("title", "--group-by"));
        assertEquals(untitled + ": --group-by title: article 2 has no \"title\"", e.getMessage());
    }
}
