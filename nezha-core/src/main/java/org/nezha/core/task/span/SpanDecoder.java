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
 * the context's own characters from its first token's start to its last token's end.
 */
final class SpanDecoder {
    private final SpanOptions options;

    SpanDecoder(SpanOptions options) {
        this.options = options;
    }

    /** One prediction per example; {@code logits.get(i)} is feature i's [length, 2] (start, end) scores, flattened. */
    List<SpanPrediction> decode(List<SpanExample> examples, List<Feature<SpanMapping>> features, List<float[]> logits) {
        List<SpanPrediction> best = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) best.add(SpanPrediction.NONE);
        for (int f = 0; f < features.size(); f++) {
            int example = features.get(f).example();
            best.set(example, better(best.get(example), examples.get(example).context(), features.get(f).mapping(), logits.get(f)));
        }
        return best;
    }

    /** The better of {@code best} and this window's best candidate; {@code best} on ties (it came first). */
    private SpanPrediction better(SpanPrediction best, String context, SpanMapping window, float[] scores) {
        int length = scores.length / 2;
        for (int s : top(scores, 0, length)) {
            for (int e : top(scores, 1, length)) {
                if (!window.inContext(s) || !window.inContext(e) || e < s || e - s + 1 > options.maxAnswerLength()) continue;
                if (!window.maxContext()[s]) continue;
                float score = scores[2 * s] + scores[2 * e + 1]; // float32, as HF adds numpy float32 logits
                if (score > best.score()) {
                    int from = window.starts()[s], to = window.ends()[e];
                    best = new SpanPrediction(context.substring(from, to), from, to, score);
                }
            }
        }
        return best;
    }

    /** The positions of the {@code nBest} highest of the start (side 0) or end (side 1) scores, best first. */
    private int[] top(float[] scores, int side, int length) {
        return IntStream.range(0, length).boxed()
                .sorted(Comparator.comparingDouble((Integer t) -> -scores[2 * t + side]))
                .limit(options.nBest()).mapToInt(Integer::intValue).toArray();
    }
}
