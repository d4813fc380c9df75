package org.nezha.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;

/** A resumed run's metrics.jsonl: records up to the checkpoint kept (and back in the curves), later ones dropped. */
class TrainingLogResumeTest {
    private static final List<String> EARLIER_RUN = List.of(
            "{\"split\":\"train\",\"step\":2,\"loss\":0.9}",
            "{\"split\":\"train\",\"step\":4,\"loss\":null}",
            "{\"split\":\"dev\",\"step\":4,\"accuracy\":0.5,\"macro_f1\":0.4}",
            "{\"split\":\"train\",\"step\":6,\"loss\":0.7}",
            "{\"split\":\"train\",\"step\":8,\"loss\":0.6}",
            "{\"split\":\"dev\",\"step\":8,\"accuracy\":0.75,\"macro_f1\":0.7}");

    @Test
    void keepsTheRecordsUpToTheResumedStepAndPlotsThem(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("metrics.jsonl"), EARLIER_RUN);
        try (TrainingLog log = new TrainingLog(file, 6, "accuracy", Progress.SILENT)) {
            log.onEvaluation(8, Map.of("accuracy", 0.8));
            assertEquals(List.of(2L, 6L), log.lossSeries().steps(), "a window without a loss is not plotted");
            assertEquals(List.of(0.9, 0.7), log.lossSeries().values());
            assertEquals(List.of(4L, 8L), log.evaluationSeries().steps());
            assertEquals(List.of(0.5, 0.8), log.evaluationSeries().values());
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(EARLIER_RUN.subList(0, 4), lines.subList(0, 4));
        assertEquals(5, lines.size());
        assertEquals("{\"split\":\"dev\",\"step\":8,\"accuracy\":0.8}", lines.get(4));
    }

    @Test
    void aLastLineCutShortByTheStopIsDropped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, String.join("\n", EARLIER_RUN.subList(0, 2)) + "\n{\"split\":\"tra");
        assertEquals(2, MetricsLog.keepUpTo(file, 100).size());
        assertEquals(EARLIER_RUN.subList(0, 2), Files.readAllLines(file));
    }

    @Test
    void aBrokenEarlierLineIsAnErrorNamingItsLine(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("metrics.jsonl"), List.of(EARLIER_RUN.get(0), "{oops", EARLIER_RUN.get(1)));
        InputException e = assertThrows(InputException.class, () -> MetricsLog.keepUpTo(file, 100));
        assertEquals(file + ":2: not a JSON metrics record", e.getMessage());
        assertEquals(3, Files.readAllLines(file).size(), "the file is left as it was");
    }

    @Test
    void aFreshRunStartsTheFileAnew(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("metrics.jsonl"), EARLIER_RUN);
        try (TrainingLog log = new TrainingLog(file, 0, null, Progress.SILENT)) {
            assertEquals(List.of(), log.lossSeries().steps());
        }
        assertEquals(List.of(), Files.readAllLines(file));
    }
}
