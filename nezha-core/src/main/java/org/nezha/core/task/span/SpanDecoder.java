package org.nezha.core.task.span;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.nezha.core.task.Feature;

/**
 * Answers from the start and end scores of each question's windows, as HF's
 * {@code postprocess_qa_predictions} (SQuAD v1): in each window the {@code nBest} best starts and ends
 * are paired; a pair counts when both tokens are context tokens, the end is not before the start, it
 * spans at most {@code maxAnswerLength} tokens and the window is its start token's max-context window;
 * the best-scoring pair over all windows (start + end score, the first on ties) gives the answer,
 * the context's own characters from its first token's start to its last token's end. The n-best list
 * ({@link #nBest}) is the {@code nBest} best pairs with HF's {@code probability}, the softmax of their scores.
 */
final class SpanDecoder {
    private final SpanOptions options;

    SpanDecoder(SpanOptions options) {
        this.options = options;
    }

    /** A candidate answer of an n-best list and the softmax of its score over the list. */
    record Candidate(SpanPrediction span, double probability) {}

    /** One prediction per example; {@code logits.get(i)} is feature i's [length, 2] (start, end) scores, flattened. */
    List<SpanPrediction> decode(List<SpanExample> examples, List<Feature<SpanMapping>> features, List<float[]> logits) {
        List<SpanPrediction> best = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) best.add(SpanPrediction.NONE);
        for (int f = 0; f < features.size(); f++) {
            int example = features.get(f).example();
            for (SpanPrediction c : candidates(examples.get(example).context(), features.get(f).mapping(), logits.get(f))) {
                if (c.score() > best.get(example).score()) best.set(example, c); // the first on ties
            }
        }
        return best;
    }

    /**
     * Each example's n-best list over all its windows, best first (the first of equal scores first, so the
     * head is {@link #decode}'s answer), with probabilities summing to 1; empty when no window offers a candidate.
     */
    List<List<Candidate>> nBest(List<SpanExample> examples, List<Feature<SpanMapping>> features, List<float[]> logits) {
        List<List<SpanPrediction>> all = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) all.add(new ArrayList<>());
        for (int f = 0; f < features.size(); f++) {
            int example = features.get(f).example();
            all.get(example).addAll(candidates(examples.get(example).context(), features.get(f).mapping(), logits.get(f)));
        }
        List<List<Candidate>> out = new ArrayList<>(examples.size());
        for (List<SpanPrediction> candidates : all) {
            List<SpanPrediction> top = candidates.stream().sorted(Comparator.comparingDouble(c -> -c.score())).limit(options.nBest()).toList();
            double max = top.isEmpty() ? 0 : top.getFirst().score(), sum = 0;
            for (SpanPrediction c : top) sum += Math.exp(c.score() - max);
            double total = sum;
            out.add(top.stream().map(c -> new Candidate(c, Math.exp(c.score() - max) / total)).toList());
        }
        return out;
    }

    /** The valid pairs of one window, in the order HF tries them (start candidates, then end candidates, best first). */
    private List<SpanPrediction> candidates(String context, SpanMapping window, float[] scores) {
        int length = scores.length / 2;
        List<SpanPrediction> out = new ArrayList<>();
        int[] ends = top(scores, 1, length);
        for (int s : top(scores, 0, length)) {
            for (int e : ends) {
                if (!window.inContext(s) || !window.inContext(e) || e < s || e - s + 1 > options.maxAnswerLength()) continue;
                if (!window.maxContext()[s]) continue;
                float score = scores[2 * s] + scores[2 * e + 1]; // float32, as HF adds numpy float32 logits
                int from = window.starts()[s], to = window.ends()[e];
                out.add(new SpanPrediction(context.substring(from, to), from, to, score));
            }
        }
        return out;
    }

    /** The positions of the {@code nBest} highest of the start (side 0) or end (side 1) scores, best first. */
    private int[] top(float[] scores, int side, int length) {
        return IntStream.range(0, length).boxed()
                .sorted(Comparator.comparingDouble((Integer t) -> -scores[2 * t + side]))
                .limit(options.nBest()).mapToInt(Integer::intValue).toArray();
    }
}
