package org.nezha.core.task.span;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CMRC 2018's official metrics, as its {@code cmrc2018_evaluate.py} (v5, SQuAD-style data) computes
 * them: texts are lower-cased and trimmed; F1 compares segmentations (each Chinese character
 * U+4E00–U+9FA5 and each of the script's punctuation marks alone, the stretches between them split by
 * NLTK's word tokenizer, see {@link TreebankWords}) with those punctuation marks removed, through their
 * longest common contiguous run of segments; exact match compares the texts with the marks removed.
 * Each question scores its best reference; F1, EM and their average are percentages of all questions.
 */
final class CmrcMetric {
    /**
     * The script's {@code sp_char} list. It also lists "……", which as two characters never equals the one
     * character compared with it, so a lone "…" is kept: so here.
     */
    private static final String PUNCTUATION = "-:_*^/\\~`+=，。：？！“”；’《》·、「」（）－～『』";

    private CmrcMetric() {}

    /** {"f1", "em", "average", "total"}: percentages over the examples (each its best reference) and their number. */
    static Map<String, Object> score(List<SpanExample> examples, List<SpanPrediction> predictions) {
        double f1 = 0, em = 0;
        for (int i = 0; i < examples.size(); i++) {
            List<String> references = examples.get(i).answers().stream().map(SpanExample.Answer::text).toList();
            if (references.isEmpty()) throw new IllegalArgumentException("question " + examples.get(i).id() + " has no reference answers to score against");
            f1 += f1(references, predictions.get(i).text());
            em += exactMatch(references, predictions.get(i).text()) ? 1 : 0;
        }
        int total = examples.size();
        double f1Percent = total == 0 ? 0 : 100.0 * f1 / total, emPercent = total == 0 ? 0 : 100.0 * em / total;
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("f1", f1Percent);
        metrics.put("em", emPercent);
        metrics.put("average", (emPercent + f1Percent) * 0.5);
        metrics.put("total", total);
        return metrics;
    }

    /** The script's {@code calc_f1_score}: the best F1 (0–1) of the prediction's segments against a reference's. */
    static double f1(List<String> references, String prediction) {
        List<String> predicted = segments(prediction, true);
        double best = 0;
        for (String reference : references) {
            List<String> expected = segments(reference, true);
            int common = longestCommonRun(expected, predicted);
            if (common == 0) continue;
            double precision = (double) common / predicted.size(), recall = (double) common / expected.size();
            best = Math.max(best, 2 * precision * recall / (precision + recall));
        }
        return best;
    }

    /** The script's {@code calc_em_score}: some reference equals the prediction once both lose the punctuation marks. */
    static boolean exactMatch(List<String> references, String prediction) {
        String predicted = removePunctuation(prediction);
        return references.stream().anyMatch(r -> removePunctuation(r).equals(predicted));
    }

    /** The script's {@code mixed_segmentation}. */
    static List<String> segments(String text, boolean removePunctuation) {
        List<String> segments = new ArrayList<>();
        StringBuilder stretch = new StringBuilder();
        for (int cp : PythonText.lowerStrip(text).codePoints().toArray()) {
            boolean punctuation = isPunctuation(cp);
            if (removePunctuation && punctuation) continue;
            if ((cp >= 0x4E00 && cp <= 0x9FA5) || punctuation) {
                segments.addAll(TreebankWords.tokenize(stretch.toString()));
                stretch.setLength(0);
                segments.add(Character.toString(cp));
            } else {
                stretch.appendCodePoint(cp);
            }
        }
        segments.addAll(TreebankWords.tokenize(stretch.toString()));
        return segments;
    }

    /** The script's {@code remove_punctuation}. */
    static String removePunctuation(String text) {
        StringBuilder out = new StringBuilder();
        PythonText.lowerStrip(text).codePoints().filter(cp -> !isPunctuation(cp)).forEach(out::appendCodePoint);
        return out.toString();
    }

    private static boolean isPunctuation(int cp) {
        return PUNCTUATION.indexOf(cp) >= 0;
    }

    /** The length of the longest run of segments that both lists have in a row (the script's {@code find_lcs}). */
    static int longestCommonRun(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1], current = new int[b.size() + 1];
        int best = 0;
        for (String x : a) {
            for (int j = 0; j < b.size(); j++) {
                current[j + 1] = x.equals(b.get(j)) ? previous[j] + 1 : 0;
                best = Math.max(best, current[j + 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return best;
    }
}
