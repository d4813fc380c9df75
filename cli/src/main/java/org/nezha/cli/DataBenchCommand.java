package org.nezha.cli;

import static org.nezha.cli.BenchOutput.num;
import static org.nezha.cli.BenchOutput.positive;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.bench.DataBenchmark;
import org.nezha.core.corpus.WordBoundaries;
import org.nezha.core.data.MaskingScheme;
import org.nezha.core.data.SpecialTokens;
import org.nezha.core.pipeline.PretrainJob;
import org.nezha.core.pipeline.PretrainingData;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tokenizer.Vocab;

/** {@code nezha bench data}: how fast the pretraining data side makes batches, without a model. */
@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the pretraining data side alone: sequences packed from the corpus (shards of nezha prepare, "
                + "memory-mapped, or text read into memory), then framed, masked and padded into batches on one thread, "
                + "as pretrain's batch-preparing thread makes them; no model runs.",
                "Each row: the corpus read and packed for --seq-len (pack s, once per length), then batches drawn for --seconds: tokens/s counts "
                        + "the real tokens of the batches ([CLS]/[SEP] included, padding not), the unit a training step "
                        + "consumes; x token is the row's tokens/s over token masking's at the same length in this run. "
                        + "RSS is the process's resident memory after the row.",
                "Lists are comma-separated; every combination is measured."})
final class DataBenchCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "Shards made by nezha prepare (with --vocab).")
    Path data;

    @Option(names = "--train", arity = "1..*", paramLabel = "CORPUS", description = "Text corpus file(s) instead of --data.")
    List<Path> train = List.of();

    @Option(names = "--vocab", required = true, paramLabel = "FILE", description = "The vocabulary the corpus is (to be) tokenized with.")
    Path vocab;

    @Option(names = "--seq-len", split = ",", defaultValue = "128", paramLabel = "L", description = "Sequence lengths. Default: ${DEFAULT-VALUE}.")
    List<Integer> seqLens;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B", description = "Sequences per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--masking", split = ",", defaultValue = "token,wwm,ngram", paramLabel = "UNIT",
            description = "Masking schemes: token, wwm, ngram. Default: ${DEFAULT-VALUE}.")
    List<String> maskings;

    @Option(names = "--nsp", description = "Pack and label for next-sentence prediction too.")
    boolean nsp;

    @Option(names = "--word-boundaries", defaultValue = "jieba", paramLabel = "KIND",
            description = "Word starts of --train text: jieba, whitespace or none. Default: ${DEFAULT-VALUE}.")
    String wordBoundaries;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S", description = "Timed seconds per row. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed for packing, order and masks. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", description = "Print a JSON array (one object per row) instead of a table.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        positive("--seq-len", seqLens);
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        OptionChecks.positive("--seconds", seconds);
        List<MaskingScheme> schemes = maskings.stream().map(MaskingScheme::parse).toList();
        if (data == null && train.isEmpty()) throw new InputException("give the corpus: --data DIR or --train FILE...");
        Vocab v = Vocab.load(vocab);
        SpecialTokens specials = SpecialTokens.of(v);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<DataBenchmark.Row> rows = new ArrayList<>();
        WordBoundaries boundaries = Options.enumValue("--word-boundaries", wordBoundaries, WordBoundaries.class);
        // the corpus and its packing depend on the length alone: read and pack once per length; text gets word
        // starts when any scheme uses them (token masking ignores them)
        MaskingScheme readAs = schemes.stream().filter(m -> m != MaskingScheme.TOKEN).findFirst().orElse(MaskingScheme.TOKEN);
        for (int seqLen : seqLens) {
            PretrainJob.Settings s = new PretrainJob.Settings();
            s.vocab = vocab;
            s.data = data;
            s.train = train;
            s.seqLen = seqLen;
            s.nextSentence = nsp;
            s.masking = readAs;
            s.wordBoundaries = boundaries;
            s.seed = seed;
            long start = System.nanoTime();
            try (PretrainingData d = PretrainingData.open(s, v, 0, Progress.SILENT)) {
                double packSeconds = (System.nanoTime() - start) / 1e9;
                for (MaskingScheme scheme : schemes) {
                    DataBenchmark.Row row = DataBenchmark.measure(d.corpus(), d.instances(), packSeconds, specials, seqLen, batchSize,
                            scheme, nsp, s.maskProb, s.maxPredictions, seed, seconds);
                    rows.add(row);
                    err.println(String.format(Locale.ROOT, "bench data: seq %d, %s masking: %.0f tokens/s", seqLen,
                            scheme.optionName(), row.tokensPerSecond()));
                }
            }
        }
        if (json) {
            List<Map<String, Object>> maps = new ArrayList<>();
            for (DataBenchmark.Row r : rows) maps.add(r.toMap());
            BenchOutput.printJson(out, maps);
        } else {
            printTable(out, rows);
        }
        out.flush();
        return 0;
    }

    private static void printTable(PrintWriter out, List<DataBenchmark.Row> rows) {
        out.printf("%5s %5s %-6s %4s %10s %7s %12s %10s %8s %8s%n", "L", "B", "mask", "nsp", "sequences", "pack s", "tokens/s",
                "seqs/s", "x token", "RSS MiB");
        for (DataBenchmark.Row r : rows) {
            double tokenRate = rows.stream().filter(t -> t.seqLen() == r.seqLen() && t.masking().equals("token"))
                    .mapToDouble(DataBenchmark.Row::tokensPerSecond).findFirst().orElse(Double.NaN);
            out.printf(Locale.ROOT, "%5d %5d %-6s %4s %,10d %7s %,12.0f %,10.0f %8s %8s%n", r.seqLen(), r.batchSize(), r.masking(),
                    r.nextSentence() ? "yes" : "no", r.instances(), num(r.packSeconds(), 2), r.tokensPerSecond(),
                    r.sequencesPerSecond(), num(r.tokensPerSecond() / tokenRate, 2), num(r.residentBytes() / 1048576.0, 0));
        }
    }
}
