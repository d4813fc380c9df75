package org.nezha.core.task.span;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Ensembling.Method;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.TaskEnsemble;
import org.nezha.core.task.span.SpanDecoder.Candidate;

/**
 * Readers of the same questions combined by their answers as character spans of the context (so members
 * may differ in vocabulary and architecture). Each member gives its n-best list of each question over all
 * windows (as HF's {@code postprocess_qa_predictions}: {@code --n-best} best pairs, each with its
 * {@code probability}, the softmax of the scores over the list).
 * <ul>
 * <li>{@code mean} and {@code weighted}: each span's probabilities are summed over the members, times the
 * members' weights (equal for mean, {@code --weights} normalised to sum 1 for weighted); the highest sum wins.</li>
 * <li>{@code vote}: each member's answer (the head of its list) is a vote; the span with the most votes wins,
 * a tie going to the higher summed probability (as mean).</li>
 * </ul>
 * Further ties go to the span met first (members in {@code --models} order, each list best first). A
 * question none of the members has a candidate for is answered with the empty text, as a single model does.
 */
public final class SpanEnsemble implements TaskEnsemble<SpanExample, SpanMapping, SpanPrediction, List<List<Candidate>>> {
    private final Ensembling ensembling;
    private final SpanDecoder decoder;

    SpanEnsemble(Ensembling ensembling, SpanDecoder decoder) {
        this.ensembling = ensembling;
        this.decoder = decoder;
    }

    @Override
    public List<List<Candidate>> member(FinetuneTask<SpanExample, SpanMapping, SpanPrediction> task, TaskModel model, List<SpanExample> examples,
            List<Feature<SpanMapping>> features, List<float[]> logits, List<String> labels) {
        return decoder.nBest(examples, features, logits);
    }

    @Override
    public List<SpanPrediction> combine(List<SpanExample> examples, List<List<List<Candidate>>> members, List<String> labels) {
        List<SpanPrediction> out = new ArrayList<>(examples.size());
        for (int e = 0; e < examples.size(); e++) {
            int question = e;
            out.add(combine(members.stream().map(m -> m.get(question)).toList(), ensembling.weights(), ensembling.method() == Method.VOTE));
        }
        return out;
    }

    /** What a span gathered: the first candidate of it met, its members' summed probability and votes. */
    private static final class Tally {
        final SpanPrediction span;
        double probability, votes;

        Tally(SpanPrediction span) {
            this.span = span;
        }
    }

    /**
     * One question's answer from the members' n-best lists ({@code weights} sum to 1); its score is the
     * answer's summed probability.
     */
    static SpanPrediction combine(List<List<Candidate>> members, double[] weights, boolean vote) {
        Map<List<Integer>, Tally> spans = new LinkedHashMap<>();
        for (int m = 0; m < members.size(); m++) {
            List<Candidate> list = members.get(m);
            for (Candidate c : list) {
                spans.computeIfAbsent(List.of(c.span().start(), c.span().end()), k -> new Tally(c.span())).probability += weights[m] * c.probability();
            }
            if (!list.isEmpty()) spans.get(List.of(list.getFirst().span().start(), list.getFirst().span().end())).votes += weights[m];
        }
        Tally best = null;
        for (Tally t : spans.values()) {
            if (best == null || (vote && t.votes > best.votes + 1e-9)
                    || ((!vote || Math.abs(t.votes - best.votes) <= 1e-9) && t.probability > best.probability)) {
                best = t;
            }
        }
        if (best == null) return SpanPrediction.NONE;
        return new SpanPrediction(best.span.text(), best.span.start(), best.span.end(), best.probability);
    }
}
