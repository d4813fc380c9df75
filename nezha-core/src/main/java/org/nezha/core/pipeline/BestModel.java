package org.nezha.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * Fine-tuning's best dev score so far and the model that made it ({@code best/} and
 * {@code dev_metrics.json} in the output directory; rank 0's job). A resumed run starts from the
 * scores already there, so a later, worse evaluation never replaces the best model.
 */
final class BestModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path scoresFile;
    private final String metric;
    private final Runnable saveModel;
    private double value = Double.NEGATIVE_INFINITY;
    private long step;
    private Map<String, Object> scores;

    /**
     * {@code continueFromDisk}: start from {@code scoresFile} when it and {@code modelDir} exist;
     * {@code saveModel} writes the current model to {@code modelDir}.
     */
    BestModel(Path modelDir, Path scoresFile, String metric, boolean continueFromDisk, Runnable saveModel) {
        this.scoresFile = scoresFile;
        this.metric = metric;
        this.saveModel = saveModel;
        if (continueFromDisk && Files.isDirectory(modelDir) && Files.isRegularFile(scoresFile)) readSaved();
    }

    /** Keeps the model when {@code scores} beat the best so far on the metric; true when they did. */
    boolean offer(long step, Map<String, Object> scores) {
        double v = ((Number) scores.get(metric)).doubleValue();
        if (!(v > value)) return false;
        value = v;
        this.step = step;
        this.scores = scores;
        saveModel.run();
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("step", step);
        saved.putAll(scores);
        JsonFiles.write(scoresFile, saved);
        return true;
    }

    long step() {
        return step;
    }

    /** The best evaluation's scores, or null before any. */
    Map<String, Object> scores() {
        return scores;
    }

    private void readSaved() {
        Map<String, Object> saved;
        try {
            saved = JSON.readValue(scoresFile.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw InputException.in(scoresFile, "unreadable: " + IoErrors.reason(e));
        }
        if (!(saved.remove("step") instanceof Number savedStep)) throw InputException.in(scoresFile, "has no number \"step\"");
        if (!(saved.get(metric) instanceof Number savedValue)) throw InputException.in(scoresFile, "has no number \"" + metric + "\"");
        value = savedValue.doubleValue();
        step = savedStep.longValue();
        scores = saved;
    }
}
