package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.io.CheckpointNames;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.ModelFamily;
import org.nezha.core.model.NezhaForMaskedLM;
import org.nezha.core.tensor.Tensors;

/**
 * {@code nezha convert} and {@code nezha inspect} on whole tiny models that the fixture generator wrote
 * as TensorFlow bundles (with Adam slots) and PyTorch files, next to an independent reference in HF
 * names: the converted weights must equal the reference, and the models built from either must
 * compute the same outputs.
 */
class ConvertCommandTest {
    static final Path FIXTURES = Path.of("../nezha-core/src/test/resources/convert");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    static Stream<Arguments> sources() {
        return Stream.of(Arguments.of("nezha_tiny", "tf"), Arguments.of("nezha_tiny", "torch"), Arguments.of("bert_tiny", "tf"),
                Arguments.of("bert_tiny", "torch"), Arguments.of("bert_tiny", "torch_legacy"), Arguments.of("albert_tiny", "tf"),
                Arguments.of("albert_tiny", "torch"));
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("sources")
    void convertedWeightsEqualTheReferenceAndComputeTheSameOutputs(String model, String source) throws Exception {
        Path out = dir.resolve("model");
        Cli run = Cli.run("convert", "--from", FIXTURES.resolve(model).resolve(source).toString(), "--output", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("conversion done: "), run.out());

        Map<String, Tensor> reference = reference(model);
        Map<String, Tensor> written = SafeTensors.read(out.resolve(ModelDirectory.WEIGHTS));
        assertEquals(reference.keySet(), written.keySet(), "HF names, nothing derived or tied");
        reference.forEach((name, t) -> assertTrue(torch.equal(t, written.get(name)), name));

        JsonNode expected = expected(model);
        NezhaConfig config = ModelDirectory.readConfig(out);
        assertEquals(expected.get("family").asText(), config.text("model_type"));
        assertEquals(expected.get("family").asText().equals("nezha"), !config.hasAbsolutePositions());
        assertEquals(Files.readString(FIXTURES.resolve(model).resolve(source).resolve("vocab.txt")), Files.readString(out.resolve("vocab.txt")));

        NezhaForMaskedLM converted = inFloat64(new NezhaForMaskedLM(config, AttentionBackends.byName("eager"), true));
        ModelDirectory.loadWeights(out, converted);
        NezhaForMaskedLM original = inFloat64(new NezhaForMaskedLM(config, AttentionBackends.byName("eager"), true));
        original.parameters().load(CheckpointNames.canonicalize(reference, ModelFamily.of(config)));
        assertArrayEquals(outputs(original), outputs(converted), model + " from " + source);
    }

    /** Runs the model in float64 (its parameters converted in place), as the reference computation. */
    private static NezhaForMaskedLM inFloat64(NezhaForMaskedLM model) {
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Tensor p : model.parameters().asMap().values()) p.__dispatch_set_data(p.to(ScalarType.Double));
        }
        return model;
    }

    /** MLM logits at every position and an MLM + next-sentence loss (pooler and sentence head) for two fixed rows, one padded. */
    private static double[] outputs(NezhaForMaskedLM model) {
        long[] ids = {2, 7, 19, 33, 5, 12, 3, 25, 8, 3, 2, 9, 14, 3, 30, 3, 0, 0};
        long[] types = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0};
        long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
        long[] positions = new long[ids.length];
        for (int i = 0; i < positions.length; i++) positions[i] = i;
        Device cpu = new Device("cpu");
        Tensor inputIds = Tensors.longs(ids, cpu, 2, 9), typeIds = Tensors.longs(types, cpu, 2, 9), attention = Tensors.longs(mask, cpu, 2, 9);
        Tensor flat = Tensors.longs(positions, cpu, positions.length);
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor logits = model.logitsAt(inputIds, typeIds, attention, flat, false);
            Tensor loss = model.lossWithNextSentence(inputIds, typeIds, attention, flat, Tensors.longs(ids, cpu, ids.length), 1.0,
                    Tensors.longs(new long[] {0, 1}, cpu, 2), 1.0, false);
            return Tensors.toDoubles(torch.cat(new TensorVector(logits.reshape(-1), loss.reshape(-1))).to(ScalarType.Double).contiguous());
        }
    }

    /** The generator's independent reference: every model tensor in HF names and layout, float32 values as JSON text. */
    private static Map<String, Tensor> reference(String model) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (JsonNode t : JSON.readTree(FIXTURES.resolve(model).resolve("reference.json").toFile()).get("tensors")) {
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
            double[] values = new double[t.get("values").size()];
            for (int i = 0; i < values.length; i++) values[i] = t.get("values").get(i).asDouble();
            tensors.put(t.get("name").asText(), Tensors.doubles(values, shape).to(ScalarType.Float)); // exact: the values are float32s
        }
        return tensors;
    }

    private static JsonNode expected(String model) throws IOException {
        return JSON.readTree(FIXTURES.resolve(model).resolve("expected.json").toFile());
    }

    @Test
    void aTensorFlowBundleWithAdamSlotsBecomesAFileAThirdOfItsSize() throws Exception {
        Path out = dir.resolve("model");
        Cli run = Cli.run("convert", "--from", FIXTURES.resolve("bert_tiny/tf/model.ckpt-7").toString(), "--output", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode tf = expected("bert_tiny").get("tf");
        assertTrue(run.out().contains("dropped         93 tensors"), run.out());
        assertTrue(run.out().contains("92 optimizer slot, 1 training step"), run.out());
        long data = Files.size(FIXTURES.resolve("bert_tiny/tf/model.ckpt-7.data-00000-of-00001"));
        Path weights = out.resolve(ModelDirectory.WEIGHTS);
        long header = 8 + ByteBuffer.wrap(Arrays.copyOf(Files.readAllBytes(weights), 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long tensorBytes = Files.size(weights) - header;
        assertEquals(tf.get("totalBytes").asLong(), data);
        assertEquals(tf.get("keptBytes").asLong(), tensorBytes);
        // Adam's two slots per variable go: the tensors are a third of the bundle (a base model's header is 0.01 % of it)
        assertEquals(1.0 / 3, (double) tensorBytes / data, 0.01, tensorBytes + " of " + data);
    }

    @Test
    void anFp16CheckpointStaysFp16UnlessDtypeSaysOtherwise() throws Exception {
        Path kept = dir.resolve("kept"), widened = dir.resolve("widened");
        Path from = FIXTURES.resolve("bert_tiny/torch_fp16");
        assertEquals(0, Cli.run("convert", "--from", from.toString(), "--output", kept.toString()).exitCode());
        assertEquals(0, Cli.run("convert", "--from", from.toString(), "--output", widened.toString(), "--dtype", "float32").exitCode());
        Map<String, Tensor> reference = reference("bert_tiny");
        Map<String, Tensor> half = SafeTensors.read(kept.resolve(ModelDirectory.WEIGHTS));
        Map<String, Tensor> full = SafeTensors.read(widened.resolve(ModelDirectory.WEIGHTS));
        reference.forEach((name, t) -> {
            assertEquals(ScalarType.Half, Tensors.dtype(half.get(name)), name);
            assertTrue(torch.equal(t.to(ScalarType.Half), half.get(name)), name + ": the reference rounded to fp16");
            assertEquals(ScalarType.Float, Tensors.dtype(full.get(name)), name);
            assertTrue(torch.equal(half.get(name).to(ScalarType.Float), full.get(name)), name);
        });
    }

    @Test
    void aConvertedDirectoryFineTunesAndPretrainsWithNoFurtherSteps() throws Exception {
        Path model = dir.resolve("bert");
        assertEquals(0, Cli.run("convert", "--from", FIXTURES.resolve("bert_tiny/tf").toString(), "--output", model.toString()).exitCode());
        Path train = dir.resolve("train.tsv");
        Files.write(train, List.of("text_a\tlabel", "你好\t1", "再见\t0", "好的\t1", "不好\t0"));
        Cli finetune = Cli.run("finetune", "--task", "single", "--init", model.toString(), "--train", train.toString(), "--dev",
                train.toString(), "--output", dir.resolve("ft").toString(), "--max-steps", "2", "--batch-size", "2", "--seq-len", "16",
                "--attention", "eager");
        assertEquals(0, finetune.exitCode(), finetune.toString());
        Path corpus = dir.resolve("corpus.txt");
        Files.write(corpus, List.of("你好 再见", "好的 不好 你好", "", "再见 好的", "不好 你好 好的"));
        Cli pretrain = Cli.run("pretrain", "--init", model.toString(), "--train", corpus.toString(), "--output", dir.resolve("pre").toString(),
                "--max-steps", "2", "--batch-size", "2", "--seq-len", "16", "--warmup", "0", "--attention", "eager");
        assertEquals(0, pretrain.exitCode(), pretrain.toString());
        assertTrue(pretrain.err().contains("initialised from " + model), pretrain.err());
    }

    @Test
    void loadersNameConvertForADirectoryAsReleased() {
        Path released = FIXTURES.resolve("bert_tiny/torch");
        Cli finetune = Cli.run("finetune", "--task", "single", "--init", released.toString(), "--train", "x.tsv", "--dev", "x.tsv",
                "--output", dir.resolve("ft").toString());
        assertEquals(2, finetune.exitCode(), finetune.toString());
        assertTrue(finetune.errorLine().contains("nezha convert --from " + released), finetune.errorLine());
        Cli pretrain = Cli.run("pretrain", "--init", FIXTURES.resolve("bert_tiny/tf").toString(), "--train", "x.txt", "--output",
                dir.resolve("pre").toString());
        assertEquals(2, pretrain.exitCode(), pretrain.toString());
        assertTrue(pretrain.errorLine().contains("nezha convert"), pretrain.errorLine());
    }

    @Test
    void inspectListsEveryTensorAndWhatTheEngineMakesOfIt() throws Exception {
        Cli text = Cli.run("inspect", FIXTURES.resolve("bert_tiny/tf").toString());
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().contains("TensorFlow checkpoint"), text.out());
        assertTrue(text.out().contains("bert/encoder/layer_1/attention/self/query/kernel"), text.out());
        assertTrue(text.out().contains("-> bert.encoder.layer.1.attention.self.query.weight (transposed)"), text.out());
        assertTrue(text.out().contains("ignored: optimizer slot"), text.out());
        assertTrue(text.out().contains("missing      4: classifier.weight, classifier.bias, qa_outputs.weight, qa_outputs.bias"), text.out());

        Cli byLayer = Cli.run("inspect", "--by-layer", FIXTURES.resolve("bert_tiny/tf").toString());
        assertTrue(byLayer.out().contains("bert/encoder/layer_*/attention/self/query/kernel"), byLayer.out());

        Cli json = Cli.run("inspect", "--json", FIXTURES.resolve("bert_tiny/tf").toString());
        JsonNode root = JSON.readTree(json.out());
        JsonNode tf = expected("bert_tiny").get("tf");
        assertEquals(tf.get("tensors").asInt(), root.get("tensor_count").asInt());
        assertEquals(expected("bert_tiny").get("modelParameters").asLong(), root.get("used_parameters").asLong());
        assertEquals("BertForPreTraining", root.get("architecture").asText());
        long used = 0;
        for (JsonNode t : root.get("tensors")) if (t.get("use").asText().equals("used")) used++;
        assertEquals(tf.get("kept").asInt(), used);
    }

    @Test
    void anHfDirectoryConvertsAgainToTheSameWeights() throws Exception {
        Path first = dir.resolve("first"), second = dir.resolve("second");
        assertEquals(0, Cli.run("convert", "--from", FIXTURES.resolve("albert_tiny/tf").toString(), "--output", first.toString()).exitCode());
        Cli again = Cli.run("convert", "--from", first.toString(), "--output", second.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("source          safetensors"), again.out());
        Map<String, Tensor> a = SafeTensors.read(first.resolve(ModelDirectory.WEIGHTS)), b = SafeTensors.read(second.resolve(ModelDirectory.WEIGHTS));
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> assertTrue(torch.equal(t, b.get(name)), name));
        assertEquals(Files.readString(first.resolve("config.json")), Files.readString(second.resolve("config.json")));
    }

    @Test
    void inspectReadsAShardIndex() {
        Cli run = Cli.run("inspect", "../nezha-core/src/test/resources/torch/sharded/pytorch_model.bin.index.json");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("format       PyTorch, 2 shards"), run.out());
    }

    @Test
    void inspectWithoutAConfigMapsNamesForTheFamilyTheNamesSuggest() throws Exception {
        Path alone = dir.resolve("alone.bin");
        Files.copy(FIXTURES.resolve("albert_tiny/torch/pytorch_model.bin"), alone);
        Cli run = Cli.run("inspect", alone.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("none found beside it: names mapped as albert"), run.out());
        assertFalse(run.out().contains("missing "), run.out());
    }

    /** A bad input: how to make it in a scratch directory, the arguments after --from, and what the error line must say. */
    record BadInput(String name, String from, List<String> extra, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadInput> badInputs() {
        String bertConfig = FIXTURES.resolve("bert_tiny/torch/config.json").toString();
        String bertVocab = FIXTURES.resolve("bert_tiny/torch/vocab.txt").toString();
        return Stream.of(
                new BadInput("truncated zip", "torch/pytorch_model.bin", List.of(), "not a readable zip archive"),
                new BadInput("pickle calling os.system", "../nezha-core/src/test/resources/torch/malicious.bin",
                        List.of("--config", bertConfig, "--vocab", bertVocab), "refusing to load"),
                new BadInput("truncated index", "tf/model.ckpt-7.index", List.of(), "truncated"),
                new BadInput("crc mismatch", "tf/model.ckpt-7", List.of(), "fails its crc32c check"),
                new BadInput("missing data shard", "tf/model.ckpt-7", List.of(), "model.ckpt-7.data-00000-of-00001"),
                new BadInput("unknown dtype", "../nezha-core/src/test/resources/tf/unknown_dtype/model.ckpt",
                        List.of("--config", bertConfig, "--vocab", bertVocab), "unsupported dtype 99"),
                new BadInput("shapes against the config", "tf", List.of("--config",
                        FIXTURES.resolve("bert_tiny_wrong_vocab/bert_config_wrong_hidden.json").toString()), "but the config needs"),
                new BadInput("vocabulary size", "tf", List.of("--vocab", FIXTURES.resolve("bert_tiny_wrong_vocab/vocab.txt").toString()),
                        "has 39 entries but the checkpoint's word embeddings have 40 rows"),
                new BadInput("no config", "alone", List.of(), "give the model's config with --config"),
                new BadInput("unknown model type", "tf", List.of("--model-type", "gpt"), "--model-type gpt: choose one of nezha, bert, albert"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsOneClearLineAndLeavesNothing(BadInput bad) throws Exception {
        Path copy = dir.resolve("bert_tiny");
        for (String part : List.of("tf", "torch")) copyTree(FIXTURES.resolve("bert_tiny").resolve(part), copy.resolve(part));
        damage(bad.name(), copy);
        Path from = bad.from().startsWith("..") ? Path.of(bad.from()) : copy.resolve(bad.from());
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("convert", "--from", from.toString(), "--output", out.toString()));
        args.addAll(bad.extra());
        Cli run = Cli.run(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.errorLine().startsWith("nezha: error: "), run.toString());
        assertTrue(run.errorLine().contains(bad.problem()), run.errorLine());
        assertEquals(1, run.err().lines().filter(l -> l.startsWith("nezha: ")).count(), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(out), "nothing written");
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.contains("nezha-tmp")).toList());
        }
    }

    private static void damage(String name, Path copy) throws IOException {
        Path data = copy.resolve("tf/model.ckpt-7.data-00000-of-00001");
        switch (name) {
            case "truncated zip" -> truncate(copy.resolve("torch/pytorch_model.bin"), 0.5);
            case "truncated index" -> truncate(copy.resolve("tf/model.ckpt-7.index"), 0.6);
            case "crc mismatch" -> {
                byte[] bytes = Files.readAllBytes(data);
                bytes[0] ^= 0x40; // the first tensor by name, bert/embeddings/LayerNorm/beta: a model weight, so it is read
                Files.write(data, bytes);
            }
            case "missing data shard" -> Files.delete(data);
            case "no config" -> Files.copy(copy.resolve("torch/pytorch_model.bin"),
                    Files.createDirectories(copy.resolve("alone")).resolve("pytorch_model.bin"));
            default -> { }
        }
    }

    private static void truncate(Path file, double keep) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, (int) (bytes.length * keep)));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
    }
}
