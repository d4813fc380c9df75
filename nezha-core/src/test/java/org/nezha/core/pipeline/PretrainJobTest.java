package org.nezha.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.RunFailedException;
import org.nezha.core.corpus.CorpusPreparer;
import org.nezha.core.corpus.WordBoundaries;
import org.nezha.core.data.MaskingScheme;
import org.nezha.core.data.StaticMasks;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.TrainingDivergedException;

class PretrainJobTest {
    static final Path CONFIG = Path.of("src/test/resources/configs/nezha-test.json");
    static final Path VOCAB = Path.of("../data/vocab/vocab.txt");
    static final Path CORPUS = Path.of("../data/corpus/cluecorpussmall_sample.txt");
    static final ObjectMapper JSON = new ObjectMapper();

    static PretrainJob.Settings settings(Path output, long steps) {
        PretrainJob.Settings s = new PretrainJob.Settings();
        s.modelConfig = CONFIG;
        s.vocab = VOCAB;
        s.train = List.of(CORPUS);
        s.output = output;
        s.maxSteps = steps;
        s.batchSize = 16;
        s.seqLen = 64;
        s.learningRate = 2e-3;
        s.warmupSteps = 5;
        s.optimizer = "adamw";
        s.epsilon = 1e-6;
        s.logEvery = 5;
        s.checkpointEvery = 20;
        s.seed = 7;
        return s;
    }

    @Test
    void lossFallsOnTheBundledCorpus(@TempDir Path dir) throws Exception {
        // the default backend, with attention dropout regenerated in the kernel backward
        PretrainJob.Result result = new PretrainJob(settings(dir, 60), Execution.cpu("fused"), Progress.SILENT).run();
        List<JsonNode> logs = Files.readAllLines(result.metricsFile()).stream().map(PretrainJobTest::parse).toList();
        assertEquals(12, logs.size());
        for (JsonNode log : logs) {
            for (String field : List.of("step", "loss", "lr", "grad_norm", "tokens_per_s")) assertTrue(log.has(field), field);
        }
        double first = logs.getFirst().get("loss").asDouble(), last = logs.getLast().get("loss").asDouble();
        // untrained: ~ln(21128) = 9.96; the unigram distribution alone takes it well below 8
        assertTrue(first > 9.0, "first loss " + first);
        assertTrue(last < first - 1.5, "loss went from " + first + " to " + last);
        assertTrue(Files.isRegularFile(result.lossCurve()));
        assertTrue(Files.isRegularFile(dir.resolve("checkpoint-40/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("checkpoint-60/optimizer.safetensors")));
        assertTrue(Files.notExists(dir.resolve("checkpoint-20")), "only the newest two checkpoints are kept");
        assertEquals(ModelDirectory.readConfig(result.modelDir()).architectures(), List.of("NezhaForMaskedLM"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"eager", "fused"})
    void sameSeedGivesTheSameModel(String attention, @TempDir Path dir) {
        var a = new PretrainJob(settings(dir.resolve("a"), 6), Execution.cpu(attention), Progress.SILENT).run();
        var b = new PretrainJob(settings(dir.resolve("b"), 6), Execution.cpu(attention), Progress.SILENT).run();
        var wa = SafeTensors.read(a.modelDir().resolve(ModelDirectory.WEIGHTS));
        var wb = SafeTensors.read(b.modelDir().resolve(ModelDirectory.WEIGHTS));
        assertEquals(wa.keySet(), wb.keySet());
        for (String name : wa.keySet()) {
            assertArrayEquals(Tensors.toFloats(wa.get(name)), Tensors.toFloats(wb.get(name)), name);
        }
    }

    /** Stopping at a checkpoint and resuming gives the weights of the run that never stopped (dropout on). */
    @ParameterizedTest
    @ValueSource(strings = {"fp32", "fp16"})
    void resumingFromACheckpointContinuesAsIfNeverStopped(String precision, @TempDir Path dir) {
        Execution execution = new Execution("fused", new org.bytedeco.pytorch.Device("cpu"),
                org.nezha.core.train.Precision.parse(precision));
        PretrainJob.Settings straight = settings(dir.resolve("straight"), 12);
        straight.checkpointEvery = 6;
        var full = new PretrainJob(straight, execution, Progress.SILENT).run();

        PretrainJob.Settings resumed = settings(dir.resolve("resumed"), 12);
        resumed.resume = dir.resolve("straight/checkpoint-6");
        var rest = new PretrainJob(resumed, execution, Progress.SILENT).run();

        var want = SafeTensors.read(full.modelDir().resolve(ModelDirectory.WEIGHTS));
        var got = SafeTensors.read(rest.modelDir().resolve(ModelDirectory.WEIGHTS));
        for (String name : want.keySet()) {
            assertArrayEquals(Tensors.toFloats(want.get(name)), Tensors.toFloats(got.get(name)), name);
        }
    }

    @Test
    void resumeRejectsWhatItCannotContinue(@TempDir Path dir) throws Exception {
        PretrainJob.Settings first = settings(dir.resolve("first"), 4);
        first.checkpointEvery = 2;
        new PretrainJob(first, Execution.cpu("fused"), Progress.SILENT).run();

        PretrainJob.Settings notACheckpoint = settings(dir.resolve("a"), 8);
        notACheckpoint.resume = dir.resolve("first/model");
        var e = assertThrows(InputException.class, () -> new PretrainJob(notACheckpoint, Execution.cpu("fused"), Progress.SILENT).run());
        assertEquals(dir.resolve("first/model") + ": not a checkpoint directory: trainer_state.json is missing (--resume takes a run's checkpoint-N directory)", e.getMessage());

        PretrainJob.Settings otherOptimizer = settings(dir.resolve("b"), 8);
        otherOptimizer.resume = dir.resolve("first/checkpoint-2");
        otherOptimizer.optimizer = "lamb";
        e = assertThrows(InputException.class, () -> new PretrainJob(otherOptimizer, Execution.cpu("fused"), Progress.SILENT).run());
        assertTrue(e.getMessage().endsWith("holds AdamW state, but this run uses LAMB (--optimizer)"), e.getMessage());

        PretrainJob.Settings finished = settings(dir.resolve("c"), 4);
        finished.resume = dir.resolve("first/checkpoint-4");
        e = assertThrows(InputException.class, () -> new PretrainJob(finished, Execution.cpu("fused"), Progress.SILENT).run());
        assertTrue(e.getMessage().endsWith("is at step 4, and this run ends at step 4"), e.getMessage());

        // its data position means other batches under another batch size (or process count, or accumulation)
        PretrainJob.Settings otherBatch = settings(dir.resolve("d"), 8);
        otherBatch.resume = dir.resolve("first/checkpoint-2");
        otherBatch.batchSize = 8;
        e = assertThrows(InputException.class, () -> new PretrainJob(otherBatch, Execution.cpu("fused"), Progress.SILENT).run());
        assertTrue(e.getMessage().startsWith(dir.resolve("first/checkpoint-2/trainer_state.json") + ": was written by a run with "),
                e.getMessage());
        assertTrue(e.getMessage().contains("batch_size_per_process=16") && e.getMessage().contains("batch_size_per_process=8"),
                e.getMessage());

        // other masks or other packing: other data at the same position
        PretrainJob.Settings otherMasking = settings(dir.resolve("e"), 8);
        otherMasking.resume = dir.resolve("first/checkpoint-2");
        otherMasking.masking = MaskingScheme.NGRAM;
        e = assertThrows(InputException.class, () -> new PretrainJob(otherMasking, Execution.cpu("fused"), Progress.SILENT).run());
        assertTrue(e.getMessage().contains("masking=token") && e.getMessage().contains("masking=ngram"), e.getMessage());
    }

    /**
     * --nsp: HF's NezhaForPreTraining layout (pooler + cls.seq_relationship), its loss (about ln 2
     * untrained) adds to the MLM loss, and a checkpoint resumes with its head.
     */
    @Test
    void nextSentencePredictionAddsItsHeadAndItsLoss(@TempDir Path dir) throws Exception {
        PretrainJob.Settings s = settings(dir.resolve("straight"), 4);
        s.nextSentence = true;
        s.masking = MaskingScheme.WHOLE_WORD;
        s.logEvery = 1;
        s.checkpointEvery = 2;
        PretrainJob.Result result = new PretrainJob(s, Execution.cpu("fused"), Progress.SILENT).run();
        PretrainJob.Settings resumed = settings(dir.resolve("resumed"), 4);
        resumed.nextSentence = true;
        resumed.masking = MaskingScheme.WHOLE_WORD;
        resumed.resume = dir.resolve("straight/checkpoint-2");
        assertSameWeights(result.modelDir(), new PretrainJob(resumed, Execution.cpu("fused"), Progress.SILENT).run().modelDir());
        assertEquals(List.of("NezhaForPreTraining"), ModelDirectory.readConfig(result.modelDir()).architectures());
        var weights = SafeTensors.read(result.modelDir().resolve(ModelDirectory.WEIGHTS));
        assertArrayEquals(new long[] {2, 32}, weights.get("cls.seq_relationship.weight").sizes().vec().get());
        assertTrue(weights.containsKey("nezha.pooler.dense.weight"));
        double first = parse(Files.readAllLines(result.metricsFile()).getFirst()).get("loss").asDouble();
        assertTrue(first > Math.log(21128) + 0.5 * Math.log(2), "first loss " + first);
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A learning rate far too high: the run stops with one line naming the step, the last finite loss,
     * what to try and the last good checkpoint (the newest whose weights gave a finite loss and gradient
     * on the next batch); metrics.jsonl records the failure; no model and no half-written directory is
     * left; and the good checkpoint does resume, with a sane learning rate.
     */
    @Test
    void aDivergingRunFailsCleanlyAndItsGoodCheckpointResumes(@TempDir Path dir) throws Exception {
        PretrainJob.Settings s = settings(dir, 30);
        s.learningRate = 1e4;
        s.warmupSteps = 10;
        s.logEvery = 1;
        s.checkpointEvery = 1;
        s.keepCheckpoints = 0;
        RunFailedException e = assertThrows(RunFailedException.class,
                () -> new PretrainJob(s, Execution.cpu("fused"), Progress.SILENT).run());
        TrainingDivergedException cause = (TrainingDivergedException) e.getCause();
        long step = cause.step();
        Path good = dir.resolve("checkpoint-" + (cause.lastFiniteStep() - 1));
        assertTrue(cause.lastFiniteStep() >= 2, "the case needs a checkpoint before the last finite step: " + cause);
        assertTrue(e.getMessage().startsWith("training diverged: the " + cause.quantity() + " became "), e.getMessage());
        assertTrue(e.getMessage().contains("at step " + step + " (last finite loss "), e.getMessage());
        assertTrue(e.getMessage().contains("Try a lower --lr (this run: 1E+4), a longer --warmup (this run: 10)."), e.getMessage());
        assertTrue(e.getMessage().contains("Last good checkpoint: " + good + "."), e.getMessage());
        assertTrue(e.getMessage().endsWith("The failure is recorded in " + dir.resolve("metrics.jsonl") + "."), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());

        JsonNode last = parse(Files.readAllLines(dir.resolve("metrics.jsonl")).getLast());
        assertEquals("diverged", last.get("event").asText());
        assertEquals(step, last.get("step").asLong());
        assertEquals(cause.lastFiniteStep(), last.get("last_finite_step").asLong());
        assertTrue(Files.notExists(dir.resolve(PretrainJob.FINAL_MODEL)));
        assertTrue(Files.notExists(dir.resolve("checkpoint-" + step)));
        assertTrue(Files.isRegularFile(dir.resolve(PretrainJob.LOSS_CURVE)), "the curve up to the failure");
        try (var entries = Files.list(dir)) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary files");
        }

        PretrainJob.Settings calmer = settings(dir, cause.lastFiniteStep() + 3);
        calmer.learningRate = 1e-3;
        calmer.resume = good;
        PretrainJob.Result resumed = new PretrainJob(calmer, Execution.cpu("fused"), Progress.SILENT).run();
        assertTrue(Double.isFinite(resumed.lastLoss().loss()), "resumed from the good checkpoint: " + resumed.lastLoss());
    }

    /** {@link #settings}, reading {@code shards} instead of the text corpus. */
    static PretrainJob.Settings shardSettings(Path output, long steps, Path shards) {
        PretrainJob.Settings s = settings(output, steps);
        s.train = List.of();
        s.data = shards;
        return s;
    }

    private static Path prepare(Path corpus, Path vocab, Path output, int seqLen) {
        CorpusPreparer.Settings p = new CorpusPreparer.Settings();
        p.corpus = List.of(corpus.toString());
        p.vocab = vocab;
        p.output = output;
        p.seqLens = List.of(seqLen);
        p.wordBoundaries = WordBoundaries.JIEBA;
        p.threads = 2;
        new CorpusPreparer(p).run(Progress.SILENT);
        return output;
    }

    private static void assertSameWeights(Path expectedModel, Path actualModel) {
        var want = SafeTensors.read(expectedModel.resolve(ModelDirectory.WEIGHTS));
        var got = SafeTensors.read(actualModel.resolve(ModelDirectory.WEIGHTS));
        assertEquals(want.keySet(), got.keySet());
        for (String name : want.keySet()) assertArrayEquals(Tensors.toFloats(want.get(name)), Tensors.toFloats(got.get(name)), name);
    }

    /**
     * The same corpus as text or as shards (prepared for this sequence length, jieba words) is the same
     * data: the same instances, masks and so the same model, n-gram masking and next-sentence
     * prediction included. The shards' packing file is gone when the run ends.
     */
    @Test
    void shardsTrainExactlyAsTheirText(@TempDir Path dir) {
        Path corpus = dir.resolve("corpus.txt");
        writeHead(CORPUS, corpus, 300);
        Path shards = prepare(corpus, VOCAB, dir.resolve("shards"), 64);
        PretrainJob.Settings text = settings(dir.resolve("text"), 4);
        text.train = List.of(corpus);
        text.masking = MaskingScheme.NGRAM;
        text.nextSentence = true;
        PretrainJob.Settings sharded = shardSettings(dir.resolve("sharded"), 4, shards);
        sharded.masking = MaskingScheme.NGRAM;
        sharded.nextSentence = true;
        var a = new PretrainJob(text, Execution.cpu("fused"), Progress.SILENT).run();
        var b = new PretrainJob(sharded, Execution.cpu("fused"), Progress.SILENT).run();
        assertEquals(a.sequences(), b.sequences());
        assertEquals(a.corpusTokens(), b.corpusTokens());
        assertSameWeights(a.modelDir(), b.modelDir());
        assertTrue(Files.notExists(dir.resolve("sharded").resolve(PretrainingData.PACKING_DIR)));
    }

    /** From shards too, stopping at a checkpoint and resuming gives the weights of the run that never stopped. */
    @Test
    void resumingFromShardsContinuesAsIfNeverStopped(@TempDir Path dir) {
        Path corpus = dir.resolve("corpus.txt");
        writeHead(CORPUS, corpus, 300);
        Path shards = prepare(corpus, VOCAB, dir.resolve("shards"), 64);
        PretrainJob.Settings straight = shardSettings(dir.resolve("straight"), 8, shards);
        straight.masking = MaskingScheme.WHOLE_WORD;
        straight.checkpointEvery = 4;
        var full = new PretrainJob(straight, Execution.cpu("fused"), Progress.SILENT).run();
        PretrainJob.Settings resumed = shardSettings(dir.resolve("resumed"), 8, shards);
        resumed.masking = MaskingScheme.WHOLE_WORD;
        resumed.resume = dir.resolve("straight/checkpoint-4");
        var rest = new PretrainJob(resumed, Execution.cpu("fused"), Progress.SILENT).run();
        assertSameWeights(full.modelDir(), rest.modelDir());
    }

    @Test
    void shardsMustFitTheVocabularyAndTheSequenceLength(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        writeHead(CORPUS, corpus, 20);
        Path shards = prepare(corpus, VOCAB, dir.resolve("shards"), 64);
        PretrainJob.Settings longer = shardSettings(dir.resolve("a"), 2, shards);
        longer.seqLen = 96;
        var e = assertThrows(InputException.class, () -> new PretrainJob(longer, Execution.cpu("fused"), Progress.SILENT).run());
        assertEquals(shards.resolve("index.json") + ": --seq-len 96 is longer than the shards were prepared for ([64]); "
                + "run nezha prepare with --seq-len 96", e.getMessage());

        Path otherVocab = dir.resolve("vocab.txt");
        List<String> tokens = new java.util.ArrayList<>(Files.readAllLines(VOCAB));
        tokens.set(tokens.size() - 1, "不一样");
        Files.write(otherVocab, tokens);
        PretrainJob.Settings other = shardSettings(dir.resolve("b"), 2, shards);
        other.vocab = otherVocab;
        e = assertThrows(InputException.class, () -> new PretrainJob(other, Execution.cpu("fused"), Progress.SILENT).run());
        assertTrue(e.getMessage().startsWith(shards.resolve("index.json") + ": the shards were prepared with another vocabulary "
                + "(21128 tokens, sha256 "), e.getMessage());
        assertTrue(e.getMessage().contains("than --vocab " + otherVocab), e.getMessage());

        PretrainJob.Settings both = settings(dir.resolve("c"), 2);
        both.data = shards;
        e = assertThrows(InputException.class, () -> new PretrainJob(both, Execution.cpu("fused"), Progress.SILENT).run());
        assertEquals("give --train or --data, not both", e.getMessage());
        assertTrue(Files.notExists(dir.resolve("a")) && Files.notExists(dir.resolve("b")) && Files.notExists(dir.resolve("c")),
                "nothing written");
    }

    /**
     * Static masking with as many stored copies as the run has epochs trains exactly as dynamic masking
     * with the same seed (copy c holds epoch c's masks); the stored settings replace the run's.
     */
    @Test
    void staticMasksTrainAsDynamicMasksOfTheSameEpochs(@TempDir Path dir) {
        Path corpus = dir.resolve("corpus.txt");
        writeHead(CORPUS, corpus, 40);
        Path shards = prepare(corpus, VOCAB, dir.resolve("shards"), 64);
        StaticMasks.write(shards, org.nezha.core.tokenizer.Vocab.load(VOCAB),
                new StaticMasks.Settings(2, List.of(64), MaskingScheme.NGRAM, 0.15, 20, 0.1, true, 7, null), Progress.SILENT);
        PretrainJob.Settings dynamic = shardSettings(dir.resolve("dynamic"), 4, shards);
        dynamic.masking = MaskingScheme.NGRAM;
        dynamic.nextSentence = true;
        var a = new PretrainJob(dynamic, Execution.cpu("fused"), Progress.SILENT).run();
        long batchesPerEpoch = Math.ceilDiv(a.sequences(), 16);
        assertTrue(batchesPerEpoch < 4 && 2 * batchesPerEpoch >= 4, a.sequences() + " sequences: 4 steps of 16 reach the second epoch, not a third");

        PretrainJob.Settings stored = shardSettings(dir.resolve("static"), 4, shards);
        stored.staticMasks = true; // masking, NSP: from static-masks.json
        var b = new PretrainJob(stored, Execution.cpu("fused"), Progress.SILENT).run();
        assertSameWeights(a.modelDir(), b.modelDir());

        PretrainJob.Settings otherLength = shardSettings(dir.resolve("other"), 2, shards);
        otherLength.seqLen = 32;
        otherLength.staticMasks = true;
        var e = assertThrows(InputException.class, () -> new PretrainJob(otherLength, Execution.cpu("fused"), Progress.SILENT).run());
        assertEquals(shards.resolve("static-masks.json") + ": has static masks for --seq-len [64], not 32", e.getMessage());

        StaticMasks.remove(shards);
        e = assertThrows(InputException.class, () -> new PretrainJob(stored, Execution.cpu("fused"), Progress.SILENT).run());
        assertTrue(e.getMessage().startsWith(shards.resolve("static-masks.json") + ": not found: these shards have no static masks"),
                e.getMessage());
    }

    private static void writeHead(Path from, Path to, int lines) {
        try {
            Files.write(to, Files.readAllLines(from).subList(0, lines));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
