package org.nezha.core.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

import org.nezha.core.InputException;
import org.nezha.core.data.TaskExample;
import org.nezha.core.io.IoErrors;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.SentencePooling;
import org.nezha.core.retrieval.ModelIdentity;
import org.nezha.core.task.embedding.Embedded;
import org.nezha.core.task.embedding.EmbeddingTask;

/**
 * A model directory as a text → unit vector function, for {@code embed}, {@code index}, {@code search} and
 * retrieval evaluation: a model fine-tuned with {@code --task embedding} (its pooling as recorded) or any
 * encoder (pooling as asked, default mean: an untrained baseline).
 */
public final class SentenceEncoder {
    private final Path dir;
    private final FineTunedModel<TaskExample, Void, Embedded> model;

    private SentenceEncoder(Path dir, FineTunedModel<TaskExample, Void, Embedded> model) {
        this.dir = dir;
        this.model = model;
    }

    /** {@code pooling}: null for the model's recorded one (else mean); one that contradicts the record is an error. */
    public static SentenceEncoder load(Path dir, Execution execution, SentencePooling pooling) {
        EmbeddingTask task = new EmbeddingTask(pooling, null, null);
        return new SentenceEncoder(dir, FineTunedModel.load(task, dir, execution));
    }

    /** The pooling the model runs with: the task put the asked, recorded or default one in its config. */
    public String pooling() {
        return model.config().text(SentencePooling.CONFIG_FIELD);
    }

    /** What an index built with this encoder records of it. */
    public ModelIdentity identity() {
        return new ModelIdentity(fingerprint(), dir.toAbsolutePath().normalize().toString(), pooling());
    }

    public int dimension() {
        return model.config().hiddenSize();
    }

    /** The tokens per text when the user gives none: what the model was fine-tuned with, else 128. */
    public int defaultSeqLen() {
        return model.defaultSeqLen();
    }

    /** The texts' unit vectors, row-major [texts.size(), dimension()] in text order. */
    public float[] encode(List<String> texts, int seqLen, int batchSize, boolean lengthSorted, String phase, Progress progress) {
        List<TaskExample> examples = IntStream.range(0, texts.size())
                .mapToObj(i -> new TaskExample(String.valueOf(i + 1), texts.get(i), null, null, null, i + 1)).toList();
        List<Embedded> embedded = model.predict(examples, false, seqLen, batchSize, lengthSorted, phase, progress).predictions();
        int dim = dimension();
        float[] out = new float[texts.size() * dim];
        for (int i = 0; i < embedded.size(); i++) System.arraycopy(embedded.get(i).vectors()[0], 0, out, i * dim, dim);
        return out;
    }

    /**
     * What identifies the weights: their file's SHA-256. An index records it with the pooling, so queries
     * are never embedded by another model than the corpus was.
     */
    private String fingerprint() {
        Path weights = dir.resolve(ModelDirectory.WEIGHTS);
        try (InputStream in = Files.newInputStream(weights)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw InputException.in(weights, "cannot read: " + IoErrors.reason(e));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
