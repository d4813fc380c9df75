package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;

/** A named column's raw values (TSV header, JSON field) and subsets written in the file's own format (lines, blocks). */
class RawTaskFileTest {
    @Test
    void tsvHeaderColumnsAndSubsetsKeepTheHeader(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.tsv");
        Files.writeString(file, "qid\tsentence1\tsentence2\tlabel\nq1\ta\tb\t1\n\nq2\tc\td\t0\nq1\te\tf\t0\n");
        List<TaskExample> examples = TaskDataReader.read(file, TaskKind.PAIR);
        RawTaskFile raw = RawTaskFile.of(file, examples);
        assertEquals(List.of("q1", "q2", "q1"), raw.groups("qid", "--group-by"));
        assertEquals("train.tsv: --group-by user: no such column (the columns: qid, sentence1, sentence2, label)",
                assertThrows(InputException.class, () -> raw.groups("user", "--group-by")).getMessage().replace(file.toString(), "train.tsv"));
        Path subset = dir.resolve("dev.tsv");
        raw.writeSubset(subset, List.of(2, 0));
        assertEquals("qid\tsentence1\tsentence2\tlabel\nq1\te\tf\t0\nq1\ta\tb\t1\n", Files.readString(subset));
        assertEquals(".tsv", raw.extension());
    }

    @Test
    void jsonFieldsAndHeaderlessFiles(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("train.jsonl");
        Files.writeString(json, "{\"sentence\": \"a\", \"label\": \"1\", \"user\": 7}\n{\"sentence\": \"b\", \"label\": \"0\", \"user\": 8}\n");
        List<TaskExample> examples = TaskDataReader.read(json, TaskKind.SINGLE);
        assertEquals(List.of("7", "8"), RawTaskFile.of(json, examples).groups("user", "--group-by"));
        assertThrows(InputException.class, () -> RawTaskFile.of(json, examples).groups("qid", "--group-by"));

        Path headerless = dir.resolve("lcqmc.tsv");
        Files.writeString(headerless, "a\tb\t1\nc\td\t0\n");
        List<TaskExample> pairs = TaskDataReader.read(headerless, TaskKind.PAIR);
        InputException e = assertThrows(InputException.class, () -> RawTaskFile.of(headerless, pairs).groups("qid", "--group-by"));
        assertEquals(headerless + ": --group-by qid: the file has no header row naming its columns", e.getMessage());
    }

    @Test
    void blocksAreWrittenWithABlankLineAfterEachAndHaveNoFields(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.bio");
        Files.writeString(file, "-DOCSTART-\n\na\tO\nb\tB-X\n\n\nc\tO\n");
        RawTaskFile raw = RawTaskFile.blocks(file, new long[] {3, 7}, new int[] {2, 1});
        Path subset = dir.resolve("dev.bio");
        raw.writeSubset(subset, List.of(1, 0));
        assertEquals("-DOCSTART-\n\nc\tO\n\na\tO\nb\tB-X\n\n", Files.readString(subset));
        assertEquals(file + ": --group-by doc: column files have no named fields",
                assertThrows(InputException.class, () -> raw.groups("doc", "--group-by")).getMessage());
    }
}
