package org.nezha.cli;

import java.util.Locale;
import java.util.Map;

import org.nezha.core.cv.CrossValidationJob;
import org.nezha.core.interop.CheckpointConverter;
import org.nezha.core.pipeline.FinetuneJob;
import org.nezha.core.pipeline.LoggedLoss;
import org.nezha.core.pipeline.PretrainJob;
import org.nezha.core.vocab.VocabJob;

/** The end-of-run summaries users read. */
final class Summary {
    private Summary() {}

    static String pretraining(PretrainJob.Result r) {
        return String.format(Locale.ROOT, """
                pretraining done: %d steps in %s, %,.0f tokens/s
                  %-15s %s -> %s
                  model           %s
                  metrics         %s
                  loss curve      %s""", r.steps(), duration(r.seconds()), r.tokensPerSecond(),
                r.nextSentence() ? "MLM+NSP loss" : "MLM loss", loss(r.firstLoss()),
                loss(r.lastLoss()), r.modelDir(), r.metricsFile(), r.lossCurve());
    }

    /** "9.912 (step 10)": a logged loss names its step, so a resumed run's summary is not misread. */
    private static String loss(LoggedLoss l) {
        return l == null ? "none logged" : String.format(Locale.ROOT, "%.3f (step %d)", l.loss(), l.step());
    }

    static String finetuning(FinetuneJob.Result r) {
        Map<String, Object> m = r.bestDevMetrics();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "fine-tuning done (%s): %d steps in %s on %,d examples; best dev %s at step %d%n", r.task(), r.steps(),
                duration(r.seconds()), r.trainExamples(), r.metric(), r.bestStep()));
        for (String name : r.headlineMetrics()) {
            if (!(m.get(name) instanceof Number)) continue;
            Object baseline = r.devBaselineMetrics().get(name);
            b.append(String.format(Locale.ROOT, "  dev %-11s %.4f%s%n", name, number(m, name),
                    baseline instanceof Number n ? String.format(Locale.ROOT, "  (trivial baseline %.4f)", n.doubleValue()) : ""));
        }
        b.append(String.format(Locale.ROOT, "  dev examples    %,d%n", r.devExamples()));
        b.append("  best model      ").append(r.bestModelDir()).append('\n');
        b.append("  metrics         ").append(r.metricsFile()).append('\n');
        b.append("  loss curve      ").append(r.lossCurve());
        return b.toString();
    }

    static String crossValidation(CrossValidationJob.Result r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "cross-validation done: %d folds, %s %.4f ± %.4f (mean ± std of the folds)%n",
                r.folds().size(), r.metric(), r.mean(), r.std()));
        for (CrossValidationJob.Fold f : r.folds()) {
            b.append(String.format(Locale.ROOT, "  fold %-10d %.4f  (%,d held out, best step %d)%n", f.number(), f.score(), f.devExamples(), f.bestStep()));
        }
        b.append(String.format(Locale.ROOT, "  out-of-fold     %s %.4f%n", r.metric(), number(r.oofMetrics(), r.metric())));
        if (r.threshold() != null) b.append(String.format(Locale.ROOT, "  threshold       %.4f (stored in every fold's model)%n", r.threshold()));
        b.append("  summary         ").append(r.summary()).append('\n');
        b.append("  predictions     ").append(r.oofFile()).append('\n');
        b.append("  folds           ").append(r.foldsFile()).append('\n');
        b.append("  dev curves      ").append(r.plot());
        return b.toString();
    }

    static double number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    static String vocabulary(VocabJob.Result r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "vocabulary done: %,d tokens in %s%n  corpus          %,d lines, %,d words, %,d distinct%n", r.vocabularySize(),
                duration(r.seconds()), r.lines(), r.totalWords(), r.distinctWords()));
        if (r.mode() == VocabJob.Mode.WORDPIECE) {
            b.append(String.format(Locale.ROOT, "  alphabet        %,d characters (%,d rarer ones left out), %,d ##-pieces%n",
                    r.alphabetSize(), r.droppedCharacters(), r.continuationPieces()));
            b.append(String.format(Locale.ROOT, "  merges          %,d%n", r.merges()));
        } else {
            b.append(String.format(Locale.ROOT, "  left out        %,d tokens below --min-frequency, %,d beyond --vocab-size (they become [UNK])%n",
                    r.belowMinFrequency(), r.beyondVocabSize()));
            if (r.notKeptWhole() > 0) {
                b.append(String.format(Locale.ROOT, "  warning         %,d tokens, e.g. \"%s\", are not one word to BertTokenizer "
                        + "(punctuation, upper case or CJK inside): text containing them will not map to them%n",
                        r.notKeptWhole(), r.notKeptWholeExample()));
            }
        }
        b.append(String.format(Locale.ROOT, "  vocabulary      %s", r.output()));
        return b.toString();
    }

    static String conversion(CheckpointConverter.Result r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "conversion done: %s in %s (%.0f MB/s)%n", r.source(),
                duration(r.seconds()), r.bytesRead() / 1e6 / Math.max(r.seconds(), 1e-9)));
        b.append(String.format(Locale.ROOT, "  source          %s%n", r.format()));
        b.append(String.format(Locale.ROOT, "  model           %s (%s), %,d parameters in %d tensors%n", r.family().name().toLowerCase(Locale.ROOT),
                String.join(", ", r.architectures()), r.parameters(), r.tensors()));
        b.append(String.format(Locale.ROOT, "  kept            %s read, %s written%n", Sizes.bytes(r.bytesRead()), Sizes.bytes(r.bytesWritten())));
        int dropped = r.ignoredByReason().values().stream().mapToInt(Integer::intValue).sum();
        b.append(String.format(Locale.ROOT, "  dropped         %d tensors, %s%s%n", dropped, Sizes.bytes(r.ignoredBytes()), dropped == 0 ? ""
                : " (" + counts(r.ignoredByReason()) + ")"));
        if (!r.missing().isEmpty()) {
            b.append(String.format(Locale.ROOT, "  not in it       %d head weights, e.g. %s (a fine-tuning starts them fresh)%n",
                    r.missing().size(), r.missing().getFirst()));
        }
        b.append("  model directory ").append(r.output());
        return b.toString();
    }

    /** "406 optimizer slot, 1 training step". */
    static String counts(Map<String, Integer> counts) {
        return String.join(", ", counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%.1fs", seconds);
    }
}
