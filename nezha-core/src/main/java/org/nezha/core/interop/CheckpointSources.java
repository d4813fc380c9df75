package org.nezha.core.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.nezha.core.InputException;
import org.nezha.core.interop.tf.TensorBundle;
import org.nezha.core.interop.torch.TorchCheckpoints;
import org.nezha.core.io.IoErrors;

/**
 * Finds and opens the checkpoint a user points at: a file of any supported format, a TensorFlow
 * prefix, or a directory holding one (HF's file names, or a TensorFlow checkpoint).
 */
public final class CheckpointSources {
    public static final String SAFETENSORS = "model.safetensors";
    public static final String PYTORCH = "pytorch_model.bin";
    public static final String PYTORCH_INDEX = "pytorch_model.bin.index.json";
    private static final String TF_INDEX = ".index";
    /** TensorFlow's text file naming a directory's latest checkpoint. */
    private static final Pattern TF_LATEST = Pattern.compile("(?m)^model_checkpoint_path:\\s*\"([^\"]+)\"");

    private CheckpointSources() {}

    public static CheckpointSource open(Path path) {
        if (Files.isDirectory(path)) return openFile(weightsIn(path));
        if (Files.isRegularFile(path)) return openFile(path);
        if (Files.isRegularFile(path.resolveSibling(path.getFileName() + TF_INDEX))) return TensorBundle.open(path);
        throw InputException.in(path, "no such file or directory (nor a TensorFlow checkpoint prefix with a .index file)");
    }

    /** The weights file in {@code dir}: HF's names first, then a TensorFlow checkpoint. */
    public static Path weightsIn(Path dir) {
        for (String name : List.of(SAFETENSORS, PYTORCH_INDEX, PYTORCH)) {
            if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
        }
        Path tf = tensorFlowCheckpointIn(dir);
        if (tf != null) return tf;
        throw InputException.in(dir, "holds no checkpoint (looked for " + SAFETENSORS + ", " + PYTORCH_INDEX + ", " + PYTORCH
                + " and a TensorFlow checkpoint's .index file)");
    }

    /** The TensorFlow checkpoint in {@code dir}: the one its {@code checkpoint} file names, else the only one; null if none. */
    public static Path tensorFlowCheckpointIn(Path dir) {
        Path latest = dir.resolve("checkpoint");
        if (Files.isRegularFile(latest)) {
            try {
                Matcher m = TF_LATEST.matcher(Files.readString(latest));
                if (m.find()) {
                    Path index = dir.resolve(Path.of(m.group(1)).getFileName() + TF_INDEX);
                    if (Files.isRegularFile(index)) return index;
                }
            } catch (IOException e) {
                throw InputException.in(latest, "cannot read: " + IoErrors.reason(e));
            }
        }
        List<Path> indexes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(TF_INDEX) && Files.isRegularFile(p)).sorted().forEach(indexes::add);
        } catch (IOException e) {
            throw InputException.in(dir, "cannot list: " + IoErrors.reason(e));
        }
        if (indexes.size() > 1) {
            throw InputException.in(dir, "holds " + indexes.size() + " TensorFlow checkpoints (" + indexes.getFirst().getFileName()
                    + ", …); name one, e.g. --from " + indexes.getLast());
        }
        return indexes.isEmpty() ? null : indexes.getFirst();
    }

    private static CheckpointSource openFile(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(TF_INDEX) || name.matches(".*\\.data-\\d{5}-of-\\d{5}")) return TensorBundle.open(file);
        if (name.endsWith(TorchCheckpoints.INDEX_SUFFIX)) return TorchCheckpoints.open(file);
        if (name.endsWith(".safetensors")) return SafeTensorsCheckpoint.open(file);
        if (TorchCheckpoints.looksLikeCheckpoint(head(file))) return TorchCheckpoints.open(file);
        throw InputException.in(file, "not a checkpoint this engine reads (safetensors, PyTorch zip or pickle, TensorFlow .index)");
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }
}
