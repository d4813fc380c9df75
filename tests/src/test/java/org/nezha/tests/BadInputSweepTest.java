package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A user's bad inputs, command by command: every one ends in exactly one "nezha: error:" line that
 * names the problem (and its file, line or option), the exit code (2 for bad input and I/O, 1 for a
 * run that failed), no Java stack trace, and nothing written where the command would have written.
 * Placeholders in the arguments: {out} (a fresh path per case), {config}, {vocab}, {corpus},
 * {model} (a fine-tuned classifier), {mlm} (a model directory without a classifier), {train}, {dev},
 * {file} (an ordinary file) and {dir} (the fixture directory).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputSweepTest {
    @TempDir static Path dir;
    static final String PRETRAIN = "pretrain --model-config {config} --vocab {vocab} --train {corpus} --output {out} "
            + "--max-steps 2 --batch-size 4 --seq-len 32";
    static final String FINETUNE = "finetune --task pair --init {model} --train {train} --dev {dev} --output {out} "
            + "--epochs 1 --batch-size 8 --seq-len 32";
    static final String EVAL = "eval --model {model} --data {dev}";
    static final String PREDICT = "predict --model {model} --input {dev} --output {out}";

    /** One case: the command line, the exit code and fragments the error line must hold. */
    record Case(String name, List<String> args, int exitCode, List<String> fragments) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void fixtures() throws Exception {
        Path config = Fixtures.tinyConfig(dir);
        Files.copy(config, dir.resolve("config.json"));
        Files.write(dir.resolve("corpus.txt"), Files.readAllLines(Fixtures.CORPUS).subList(0, 200));
        Fixtures.head(Fixtures.AFQMC_TRAIN, 48, dir.resolve("train.tsv"));
        Fixtures.head(Fixtures.AFQMC_DEV, 24, dir.resolve("dev.tsv"));
        Files.writeString(dir.resolve("file"), "an ordinary file\n");
        Cli fine = Cli.run(args(FINETUNE.replace("--init {model}", "--model-config {config} --vocab {vocab}"), "model-run"));
        assertEquals(0, fine.exitCode(), fine.toString());
        Cli pre = Cli.run(args(PRETRAIN, "mlm-run"));
        assertEquals(0, pre.exitCode(), pre.toString());

        configVariant("nan-eps", "\"layer_norm_eps\": 1e-12", "\"layer_norm_eps\": NaN");
        configVariant("negative-eps", "\"layer_norm_eps\": 1e-12", "\"layer_norm_eps\": -1e-5");
        configVariant("infinite-eps", "\"layer_norm_eps\": 1e-12", "\"layer_norm_eps\": 1e999");
        configVariant("nan-init", "\"initializer_range\": 0.02", "\"initializer_range\": NaN");
        configVariant("text-init", "\"initializer_range\": 0.02", "\"initializer_range\": \"0.02\"");
        configVariant("huge-vocab", "\"vocab_size\": 21128", "\"vocab_size\": 2147483647");
        configVariant("overflow-vocab", "\"vocab_size\": 21128", "\"vocab_size\": 4294967296");
        configVariant("dropout", "\"hidden_dropout_prob\": 0.1", "\"hidden_dropout_prob\": 1.5");
        configVariant("rotary", "\"position_embedding_type\": \"relative_functional\"", "\"position_embedding_type\": \"rotary\"");
        configVariant("swish", "\"hidden_act\": \"gelu\"", "\"hidden_act\": \"swish\"");
        configVariant("pad", "\"pad_token_id\": 0", "\"pad_token_id\": 999999");
        configVariant("heads", "\"num_attention_heads\": 2", "\"num_attention_heads\": 3");
        configVariant("no-vocab-size", "\"vocab_size\": 21128,", "");
        configVariant("small-vocab", "\"vocab_size\": 21128", "\"vocab_size\": 1000");
        Files.writeString(dir.resolve("not-json.json"), "{\"vocab_size\": 21128,\n \"hidden_size\": }");
        Files.writeString(dir.resolve("array.json"), "[1, 2]");
        Files.write(dir.resolve("latin1.txt"), new byte[] {'o', 'k', '\n', (byte) 0xE9, 't', (byte) 0xE9, '\n'});
        Files.writeString(dir.resolve("empty.txt"), "\n \n");
        Files.writeString(dir.resolve("no-specials.txt"), "a\nb\nc\n");
        List<String> train = new ArrayList<>(Files.readAllLines(dir.resolve("train.tsv")));
        train.set(5, "只有一列没有标签");
        Files.write(dir.resolve("bad-line.tsv"), train);
        List<String> dev = new ArrayList<>(Files.readAllLines(dir.resolve("dev.tsv")));
        dev.set(3, dev.get(3).replaceAll("\t[01]$", "\tmaybe"));
        Files.write(dir.resolve("unknown-label.tsv"), dev);
        List<String> oneLabel = Files.readAllLines(dir.resolve("train.tsv")).stream()
                .filter(l -> !l.endsWith("\t1")).toList();
        Files.write(dir.resolve("one-label.tsv"), oneLabel);
        Files.writeString(dir.resolve("header-only.tsv"), train.getFirst() + "\n");
        Files.writeString(dir.resolve("bad.jsonl"), "{\"sentence1\": \"花呗\", \"sentence2\": \"借呗\"}\n{not json\n");
        Path broken = copyModel("broken-tokenizer");
        Files.writeString(broken.resolve("tokenizer_config.json"), "{\"do_lower_case\": tru");
        Files.delete(copyModel("no-weights").resolve("model.safetensors"));
        Files.createDirectories(dir.resolve("metrics-is-a-dir/metrics.jsonl"));
        Files.createDirectories(dir.resolve("earlier-run/best"));
    }

    static Stream<Case> cases() {
        return Stream.of(
                // pretrain: files
                bad("corpus missing", PRETRAIN.replace("{corpus}", "{dir}/no-corpus.txt"), "no-corpus.txt", "not found"),
                bad("corpus is a directory", PRETRAIN.replace("{corpus}", "{dir}"), "is a directory"),
                bad("corpus empty", PRETRAIN.replace("{corpus}", "{dir}/empty.txt"), "empty.txt", "no text"),
                bad("corpus not UTF-8", PRETRAIN.replace("{corpus}", "{dir}/latin1.txt"), "latin1.txt:2", "UTF-8"),
                bad("config missing", PRETRAIN.replace("{config}", "{dir}/none.json"), "none.json", "not found"),
                bad("config not JSON", PRETRAIN.replace("{config}", "{dir}/not-json.json"), "not-json.json:2", "not valid JSON"),
                bad("config not an object", PRETRAIN.replace("{config}", "{dir}/array.json"), "array.json", "JSON object"),
                bad("config lacks vocab_size", variant(PRETRAIN, "no-vocab-size"), "missing required field \"vocab_size\""),
                bad("config heads", variant(PRETRAIN, "heads"), "not a multiple of num_attention_heads 3"),
                bad("config eps NaN", variant(PRETRAIN, "nan-eps"), "\"layer_norm_eps\" must be a number in (0, 1), got NaN"),
                bad("config eps negative", variant(PRETRAIN, "negative-eps"), "\"layer_norm_eps\"", "got -1.0E-5"),
                bad("config eps 1e999", variant(PRETRAIN, "infinite-eps"), "\"layer_norm_eps\"", "got Infinity"),
                bad("config init NaN", variant(PRETRAIN, "nan-init"), "\"initializer_range\"", "got NaN"),
                bad("config init text", variant(PRETRAIN, "text-init"), "\"initializer_range\"", "got \"0.02\""),
                bad("config vocab 2^31-1", variant(PRETRAIN, "huge-vocab"), "huge-vocab.json", "parameters",
                        "more than the", "this machine has"),
                bad("config vocab 2^32", variant(PRETRAIN, "overflow-vocab"), "\"vocab_size\" must be a positive integer"),
                bad("config dropout", variant(PRETRAIN, "dropout"), "\"hidden_dropout_prob\" must be in [0, 1), got 1.5"),
                bad("config positions", variant(PRETRAIN, "rotary"), "position_embedding_type \"rotary\""),
                bad("config activation", variant(PRETRAIN, "swish"), "hidden_act \"swish\""),
                bad("config pad id", variant(PRETRAIN, "pad"), "pad_token_id 999999"),
                bad("vocab larger than config", variant(PRETRAIN, "small-vocab"), "vocab.txt", "vocab_size 1000"),
                bad("vocab missing", PRETRAIN.replace("{vocab}", "{dir}/no-vocab.txt"), "no-vocab.txt"),
                bad("vocab without specials", PRETRAIN.replace("{vocab}", "{dir}/no-specials.txt"), "no-specials.txt"),
                // pretrain: numbers
                bad("seq-len too short", set(PRETRAIN, "--seq-len", "2"), "--seq-len 2"),
                bad("seq-len too long", set(PRETRAIN, "--seq-len", "4096"), "--seq-len 4096", "at most 128"),
                bad("lr Infinity", PRETRAIN + " --lr Infinity", "--lr must be a positive number, got Infinity"),
                bad("lr NaN", PRETRAIN + " --lr NaN", "--lr must be a positive number, got NaN"),
                bad("lr 1e999", PRETRAIN + " --lr 1e999", "--lr must be a positive number, got Infinity"),
                bad("lr zero", PRETRAIN + " --lr 0", "--lr must be a positive number, got 0.0"),
                bad("lr negative", PRETRAIN + " --lr -1e-4", "--lr must be a positive number"),
                bad("weight decay NaN", PRETRAIN + " --weight-decay NaN", "--weight-decay must be a number >= 0, got NaN"),
                bad("weight decay negative", PRETRAIN + " --weight-decay -0.1", "--weight-decay must be a number >= 0"),
                bad("epsilon zero", PRETRAIN + " --epsilon 0", "--epsilon must be a positive number"),
                bad("max grad norm NaN", PRETRAIN + " --max-grad-norm NaN", "--max-grad-norm must be a number >= 0, got NaN"),
                bad("max grad norm negative", PRETRAIN + " --max-grad-norm -1", "--max-grad-norm must be a number >= 0"),
                bad("mask prob zero", PRETRAIN + " --mask-prob 0", "--mask-prob must be in (0, 1), got 0.0"),
                bad("mask prob NaN", PRETRAIN + " --mask-prob NaN", "--mask-prob must be in (0, 1), got NaN"),
                bad("mask prob above one", PRETRAIN + " --mask-prob 1.5", "--mask-prob must be in (0, 1)"),
                bad("max predictions zero", PRETRAIN + " --max-predictions 0", "--max-predictions must be at least 1"),
                bad("batch size zero", set(PRETRAIN, "--batch-size", "0"), "--batch-size must be at least 1, got 0"),
                bad("grad accum zero", PRETRAIN + " --grad-accum 0", "--grad-accum must be at least 1"),
                bad("log every zero", PRETRAIN + " --log-every 0", "--log-every must be at least 1"),
                bad("checkpoint every negative", PRETRAIN + " --checkpoint-every -1", "--checkpoint-every must be at least 0"),
                bad("keep checkpoints negative", PRETRAIN + " --keep-checkpoints -1", "--keep-checkpoints must be at least 0"),
                bad("warmup negative", PRETRAIN + " --warmup -5", "--warmup must be at least 0"),
                bad("max steps zero", set(PRETRAIN, "--max-steps", "0"), "--max-steps must be at least 1"),
                bad("batch size not a number", set(PRETRAIN, "--batch-size", "many"), "--batch-size", "'many'"),
                bad("lr not a number", PRETRAIN + " --lr fast", "--lr", "'fast'"),
                // pretrain: choices and runtime
                bad("optimizer", PRETRAIN + " --optimizer sgd", "--optimizer sgd", "choose one of adamw, adam, adagrad, lamb"),
                bad("decay", PRETRAIN + " --decay step", "--decay step"),
                bad("device", PRETRAIN + " --device tpu", "--device tpu"),
                bad("precision", PRETRAIN + " --precision fp8", "fp8"),
                bad("attention", PRETRAIN + " --attention flash", "flash"),
                bad("threads", PRETRAIN + " --threads -1", "--threads must be >= 0"),
                bad("resume not a checkpoint", PRETRAIN + " --resume {dir}", "not a checkpoint directory", "checkpoint-N"),
                bad("resume missing", PRETRAIN + " --resume {dir}/no-checkpoint", "no-checkpoint", "checkpoint directory not found"),
                // pretrain: command line and output
                bad("unknown option", PRETRAIN + " --speed 11", "Unknown option", "--speed"),
                bad("no corpus", PRETRAIN.replace("--train {corpus} ", ""), "give the corpus", "--train", "--data"),
                bad("masking", PRETRAIN + " --masking span", "--masking: unknown scheme 'span'", "token, wwm, ngram"),
                bad("word boundaries", PRETRAIN + " --word-boundaries ltp", "--word-boundaries ltp: choose one of jieba, whitespace, none"),
                bad("text and shards", PRETRAIN + " --data {dir}", "give --train or --data, not both"),
                bad("shards missing", PRETRAIN.replace("--train {corpus}", "--data {dir}/no-shards"), "no-shards/index.json",
                        "not found"),
                bad("static masks without shards", PRETRAIN + " --static-masks", "--static-masks needs --data"),
                bad("short-seq-prob", PRETRAIN + " --short-seq-prob 1.5", "--short-seq-prob must be in [0, 1], got 1.5"),
                bad("output is a file", PRETRAIN.replace("{out}", "{file}"), "output directory is an existing file"),
                bad("output under a file", PRETRAIN.replace("{out}", "{file}/run"), "is a file"),
                bad("output not empty", PRETRAIN.replace("{out}", "{dir}/earlier-run"), "not empty", "--overwrite"),
                failed("diverged", set(PRETRAIN, "--max-steps", "30") + " --lr 1e4 --warmup 10 --log-every 1", "training diverged",
                        "Try a lower --lr (this run: 1E+4)", "metrics.jsonl"),

                // finetune
                bad("task", FINETUNE.replace("pair", "triple"), "--task triple", "pair, single"),
                bad("no starting point", FINETUNE.replace("--init {model} ", ""), "give either --init"),
                bad("init and config", FINETUNE + " --model-config {config}", "give either --init"),
                bad("init and vocab", FINETUNE + " --vocab {vocab}", "--vocab: the vocabulary comes from --init"),
                bad("config without vocab", FINETUNE.replace("--init {model}", "--model-config {config}"), "needs --vocab"),
                bad("init not a model", FINETUNE.replace("{model}", "{dir}"), "not a model directory"),
                bad("init missing", FINETUNE.replace("{model}", "{dir}/no-model"), "no-model", "not found"),
                bad("train missing", FINETUNE.replace("{train}", "{dir}/no-train.tsv"), "no-train.tsv"),
                bad("dev missing", FINETUNE.replace("{dev}", "{dir}/no-dev.tsv"), "no-dev.tsv"),
                bad("train bad line", FINETUNE.replace("{train}", "{dir}/bad-line.tsv"), "bad-line.tsv:6:"),
                bad("train one label", FINETUNE.replace("{train}", "{dir}/one-label.tsv"), "one-label.tsv", "only one label"),
                bad("train header only", FINETUNE.replace("{train}", "{dir}/header-only.tsv"), "header-only.tsv"),
                bad("dev unknown label", FINETUNE.replace("{dev}", "{dir}/unknown-label.tsv"), "unknown-label.tsv:4:",
                        "unknown label 'maybe'"),
                bad("metric", FINETUNE + " --metric auc", "--metric auc"),
                bad("warmup ratio one", FINETUNE + " --warmup-ratio 1", "--warmup-ratio must be in [0, 1), got 1.0"),
                bad("warmup ratio NaN", FINETUNE + " --warmup-ratio NaN", "--warmup-ratio must be in [0, 1), got NaN"),
                bad("finetune lr Infinity", FINETUNE + " --lr Infinity", "--lr must be a positive number, got Infinity"),
                bad("finetune weight decay NaN", FINETUNE + " --weight-decay NaN", "--weight-decay", "NaN"),
                bad("finetune max grad norm NaN", FINETUNE + " --max-grad-norm NaN", "--max-grad-norm", "NaN"),
                bad("epochs zero", set(FINETUNE, "--epochs", "0"), "--epochs must be at least 1"),
                bad("eval every negative", FINETUNE + " --eval-every -1", "--eval-every must be at least 0"),
                bad("finetune seq-len", set(FINETUNE, "--seq-len", "4"), "--seq-len 4"),
                bad("finetune resume not a checkpoint", FINETUNE + " --resume {model}", "not a checkpoint directory"),
                bad("finetune output not empty", FINETUNE.replace("{out}", "{dir}/earlier-run"), "not empty"),
                bad("metrics file cannot be written", FINETUNE.replace("{out}", "{dir}/metrics-is-a-dir") + " --overwrite",
                        "metrics.jsonl", "cannot write"),
                failed("finetune diverged", FINETUNE + " --lr 1e12 --log-every 1", "training diverged", "--warmup-ratio"),

                // eval and predict
                bad("eval model missing", EVAL.replace("{model}", "{dir}/no-model"), "no-model", "not found"),
                bad("eval model not a classifier", EVAL.replace("{model}", "{mlm}"), "has no id2label"),
                bad("eval data missing", EVAL.replace("{dev}", "{dir}/no-dev.tsv"), "no-dev.tsv"),
                bad("eval unknown label", EVAL.replace("{dev}", "{dir}/unknown-label.tsv"), "unknown-label.tsv:4:"),
                bad("eval batch size", EVAL + " --batch-size 0", "--batch-size must be at least 1"),
                bad("eval seq-len", EVAL + " --seq-len 4096", "--seq-len 4096"),
                bad("eval task", EVAL + " --task triple", "--task triple"),
                bad("eval broken tokenizer config", EVAL.replace("{model}", "{dir}/broken-tokenizer"), "tokenizer_config.json",
                        "invalid JSON"),
                bad("eval no weights", EVAL.replace("{model}", "{dir}/no-weights"), "model.safetensors", "missing"),
                bad("predict malformed input", PREDICT.replace("{dev}", "{dir}/bad.jsonl"), "bad.jsonl:2:"),
                bad("predict input missing", PREDICT.replace("{dev}", "{dir}/no-input.tsv"), "no-input.tsv"),
                bad("predict output is a directory", PREDICT.replace("{out}", "{dir}"), "is a directory"),
                bad("predict output under a file", PREDICT.replace("{out}", "{file}/p.csv"), "p.csv: cannot create its directory", "is a file"),
                bad("predict seq-len", PREDICT + " --seq-len 2", "--seq-len 2"),

                // the command line itself
                bad("no command", "", "'nezha' needs a command"),
                bad("unknown command", "tokenize --corpus x", "unknown command 'tokenize'", "pretrain"),
                bad("unknown command with --help", "tokenize --help", "unknown command 'tokenize'"),
                bad("unknown bench command", "bench flops", "unknown command 'flops'", "attention, train"),
                bad("launch no processes", "launch --nproc-per-node 0 -- eval", "--nproc-per-node must be at least 1"),
                bad("quickstart steps", "quickstart --pretrain-steps 0 --output {out}", "--pretrain-steps must be at least 1"),
                bad("quickstart data", "quickstart --data-dir {dir}/no-data --output {out}", "no-data", "bundled data not found"),
                bad("bench attention seq", "bench attention --seq 0", "--seq"),
                bad("bench train steps", "bench train --steps 0 --model-config {config}", "--steps must be at least 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endsInOneClearLine(Case c) throws IOException {
        String out = c.args().contains("{out}") ? "out-" + c.name().replace(' ', '-') : null;
        Cli cli = Cli.run(args(String.join(" ", c.args()), out));
        assertEquals(c.exitCode(), cli.exitCode(), cli.toString());
        List<String> ours = cli.err().lines().filter(l -> l.startsWith("nezha: ")).toList();
        assertEquals(1, ours.size(), cli.toString());
        String line = ours.getFirst();
        assertTrue(line.startsWith("nezha: error: "), cli.toString());
        for (String fragment : c.fragments()) assertTrue(line.contains(fragment), "'" + fragment + "' not in: " + line);
        assertFalse(cli.err().contains("\tat ") || cli.err().contains("Exception"), "a stack trace:\n" + cli);
        if (out != null && c.exitCode() == 2) assertTrue(Files.notExists(dir.resolve(out)), "output left behind: " + out);
        if (out != null && c.exitCode() == 1) { // a diverged run: its log and curve, nothing of the diverged weights
            for (String model : List.of("model", "best")) assertTrue(Files.notExists(dir.resolve(out).resolve(model)), model);
            assertTrue(Files.readAllLines(dir.resolve(out).resolve("metrics.jsonl")).getLast().contains("\"event\":\"diverged\""));
        }
        if (c.exitCode() == 2) assertEquals("", cli.out(), cli.toString());
    }

    static Case bad(String name, String args, String... fragments) {
        return new Case(name, split(args), 2, List.of(fragments));
    }

    static Case failed(String name, String args, String... fragments) {
        return new Case(name, split(args), 1, List.of(fragments));
    }

    private static List<String> split(String args) {
        return args.isBlank() ? List.of() : List.of(args.strip().split(" +"));
    }

    /** The command line with {@code option}'s value replaced. */
    static String set(String command, String option, String value) {
        assertTrue(command.contains(option + " "), option);
        return command.replaceFirst(option + " \\S+", option + " " + value);
    }

    /** The base command line with its config replaced by the named variant. */
    static String variant(String command, String name) {
        return command.replace("{config}", "{dir}/" + name + ".json");
    }

    static String[] args(String template, String out) {
        return split(template).stream().map(a -> a.replace("{out}", out == null ? "" : dir.resolve(out).toString())
                .replace("{config}", dir.resolve("config.json").toString())
                .replace("{vocab}", Fixtures.VOCAB.toString())
                .replace("{corpus}", dir.resolve("corpus.txt").toString())
                .replace("{model}", dir.resolve("model-run/best").toString())
                .replace("{mlm}", dir.resolve("mlm-run/model").toString())
                .replace("{train}", dir.resolve("train.tsv").toString())
                .replace("{dev}", dir.resolve("dev.tsv").toString())
                .replace("{file}", dir.resolve("file").toString())
                .replace("{dir}", dir.toString())).toArray(String[]::new);
    }

    private static void configVariant(String name, String field, String replacement) throws IOException {
        String text = Files.readString(dir.resolve("config.json"));
        assertTrue(text.contains(field), field);
        Files.writeString(dir.resolve(name + ".json"), text.replace(field, replacement));
    }

    private static Path copyModel(String name) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(dir.resolve("model-run/best"))) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        return copy;
    }
}
