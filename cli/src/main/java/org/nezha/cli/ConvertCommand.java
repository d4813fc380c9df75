package org.nezha.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.interop.CheckpointConverter;
import org.nezha.core.model.ModelFamily;

/** {@code nezha convert}: a TensorFlow, PyTorch or safetensors checkpoint becomes a model directory. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert a NEZHA, BERT or ALBERT checkpoint into a model directory this engine and Hugging Face load: "
                + "config.json, vocab.txt, tokenizer_config.json and model.safetensors under HF's names.",
                "--from takes: a TensorFlow checkpoint (its prefix, its .index file, or the directory with its 'checkpoint' "
                        + "file; kernels are transposed, optimizer slots, global_step and moving averages are dropped); a PyTorch "
                        + "pytorch_model.bin (zip or pre-1.6 pickle) or its .index.json of shards, with bert., nezha., albert. "
                        + "or bare names; a safetensors file; or a directory holding any of these.",
                "Nothing in a checkpoint runs: pickles are read against an allow-list of torch's tensor-rebuilding globals, "
                        + "anything else stops the conversion.",
                "The config is --config, else config.json, bert_config.json or albert_config.json beside the weights; Huawei's "
                        + "use_relative_position/max_relative_position become a NEZHA config. The vocabulary is --vocab, else "
                        + "vocab.txt beside the weights or the config; its size must equal the embedding rows.",
                "Tensors stream one at a time (memory about one tensor); the directory appears whole or not at all. "
                        + "Prints what was kept and dropped."})
final class ConvertCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "PATH", description = "The checkpoint: file, TensorFlow prefix or directory.")
    Path from;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "The model directory to write (must be empty or absent).")
    Path output;

    @Option(names = "--config", paramLabel = "FILE", description = "The model's config (HF config.json or a TensorFlow release's bert_config.json).")
    Path config;

    @Option(names = "--vocab", paramLabel = "FILE", description = "The vocab.txt to ship with the model.")
    Path vocab;

    @Option(names = "--model-type", paramLabel = "TYPE",
            description = "nezha, bert or albert; overrides the config's model_type. Default: from the config and the tensor names.")
    String modelType;

    @Option(names = "--dtype", paramLabel = "TYPE",
            description = "float32, float16 or bfloat16 for every weight. Default: each keeps its stored type (an fp16 checkpoint stays fp16).")
    String dtype;

    @Option(names = "--overwrite", description = "Replace DIR's contents if it is not empty.")
    boolean overwrite;

    @Override
    public Integer call() {
        ModelFamily family = modelType == null ? null : Options.enumValue("--model-type", modelType, ModelFamily.class);
        ScalarType type = dtype == null ? null : Options.enumValue("--dtype", dtype, StoredType.class).scalarType;
        CheckpointConverter.Result r;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            r = new CheckpointConverter(new CheckpointConverter.Settings(from, output, config, vocab, family, type, overwrite), progress).run();
        }
        var out = spec.commandLine().getOut();
        out.println(Summary.conversion(r));
        out.flush();
        return 0;
    }

    /** The --dtype choices. */
    enum StoredType {
        FLOAT32(ScalarType.Float), FLOAT16(ScalarType.Half), BFLOAT16(ScalarType.BFloat16);

        final ScalarType scalarType;

        StoredType(ScalarType scalarType) {
            this.scalarType = scalarType;
        }
    }
}
