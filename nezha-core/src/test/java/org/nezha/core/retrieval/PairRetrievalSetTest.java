package org.nezha.core.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.data.TaskDataReader;
import org.nezha.core.data.TaskKind;

class PairRetrievalSetTest {
    @TempDir
    Path dir;

    private Path pairs(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static PairRetrievalSet from(Path file, String positive) {
        return PairRetrievalSet.from(TaskDataReader.read(file, TaskKind.PAIR), positive, file);
    }

    /** Hand-checked: a negative pair adds its sentences only; one text twice judges nothing; a repeated pair judges once. */
    @Test
    void corpusQueriesAndQrelsOfATinyFile() throws IOException {
        Path file = pairs("pairs.tsv", """
                花呗怎么还款\t花呗如何还钱\t1
                借呗额度\t花呗怎么还款\t0
                花呗怎么还款\t怎么还花呗\t1
                蚂蚁森林\t蚂蚁森林\t1
                花呗如何还钱\t花呗怎么还款\t1
                花呗怎么还款\t花呗如何还钱\t1
                """);
        PairRetrievalSet set = from(file, "1");
        assertEquals(Map.of("s1", "花呗怎么还款", "s2", "花呗如何还钱", "s3", "借呗额度", "s4", "怎么还花呗", "s5", "蚂蚁森林"), set.corpus());
        assertEquals(List.of("s1", "s2", "s3", "s4", "s5"), List.copyOf(set.corpus().keySet()));
        assertEquals(Map.of("s1", Set.of("s2", "s4"), "s2", Set.of("s1")), set.relevant());
        assertEquals(List.of("s1", "s2"), List.copyOf(set.relevant().keySet()));
        assertEquals(5, set.positivePairs());
        assertEquals(1, set.identicalPositivePairs());
        assertEquals(3, set.judgements());

        Path out = dir.resolve("set");
        set.write(out);
        assertEquals("""
                {"id":"s1","text":"花呗怎么还款"}
                {"id":"s2","text":"花呗如何还钱"}
                """, Files.readString(out.resolve(PairRetrievalSet.QUERIES)));
        assertEquals("""
                {"id":"s1","text":"花呗怎么还款"}
                {"id":"s2","text":"花呗如何还钱"}
                {"id":"s3","text":"借呗额度"}
                {"id":"s4","text":"怎么还花呗"}
                {"id":"s5","text":"蚂蚁森林"}
                """, Files.readString(out.resolve(PairRetrievalSet.CORPUS)));
        assertEquals("s1\ts2\t1\ns1\ts4\t1\ns2\ts1\t1\n", Files.readString(out.resolve(PairRetrievalSet.QRELS)));
        assertEquals(Map.of("s1", Map.of("s2", 1, "s4", 1), "s2", Map.of("s1", 1)), Qrels.read(out.resolve(PairRetrievalSet.QRELS)).byQuery());
    }

    @Test
    void anotherPositiveLabelAndJsonLines() throws IOException {
        Path file = pairs("pairs.jsonl", """
                {"sentence1": "甲", "sentence2": "乙", "label": "same"}
                {"sentence1": "乙", "sentence2": "丙", "label": "other"}
                """);
        PairRetrievalSet set = from(file, "same");
        assertEquals(Map.of("s1", Set.of("s2")), set.relevant());
        assertEquals(3, set.corpus().size());
    }

    @Test
    void badInputs() throws IOException {
        Path negative = pairs("negative.tsv", "甲\t乙\t0\n丙\t丁\t2\n");
        assertEquals(negative + ": no pair is labelled 1 (the labels: 0, 2); pass the positive one with --positive-label",
                assertThrows(InputException.class, () -> from(negative, "1")).getMessage());
        Path unlabelled = pairs("unlabelled.tsv", "甲\t乙\n");
        assertEquals(unlabelled + ": has no labels; a retrieval set needs to know which pairs match",
                assertThrows(InputException.class, () -> from(unlabelled, "1")).getMessage());
        Path identical = pairs("identical.tsv", "甲\t甲\t1\n甲\t乙\t0\n");
        assertEquals(identical + ": every positive pair is one text twice: no query has anything to find",
                assertThrows(InputException.class, () -> from(identical, "1")).getMessage());
    }

    @Test
    void aFailedWriteLeavesTheDirectoryAsItWas() throws IOException {
        Path blocked = dir.resolve("file");
        Files.writeString(blocked, "not a directory");
        PairRetrievalSet set = from(pairs("p.tsv", "甲\t乙\t1\n"), "1");
        assertThrows(InputException.class, () -> set.write(blocked.resolve("set")));
        assertFalse(Files.exists(blocked.resolve("set")));
    }
}
