package org.nezha.core.task.ner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Ensembling.Method;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.TaskEnsemble;

/**
 * Taggers of one tag set combined word by word (the input's words, whatever each member's tokenizer makes
 * of them), so members may differ in vocabulary and architecture:
 * <ul>
 * <li>{@code vote} and {@code weighted} (a vote with {@code --weights}): each member's entities, as its own
 * decoding (CRF or not) predicts them, are its votes; an entity (first word, last word, type) is kept when
 * the members predicting it weigh more than half of all (a tie is not kept); kept entities that overlap are
 * settled greedily, the one with more votes first, then the earlier start, then the longer, then the type's
 * name (with a strict majority two kept entities cannot overlap, since some member would have predicted both,
 * so this only settles lists no decoding gives); the tags are the kept entities written in the members'
 * scheme.</li>
 * <li>{@code mean}: the members' per-word tag distributions (the softmax at each word's scoring token, the
 * scores the task's decoder reads) are averaged and decoded as the task decodes a model without a CRF: the
 * most probable path under the scheme's rules. A member with a CRF is refused: its scores are emissions to
 * be added to its learnt transitions, not distributions, and a mean of them has no meaning.</li>
 * </ul>
 */
public final class NerEnsemble implements TaskEnsemble<NerExample, TagWindow, NerPrediction, NerEnsemble.Member> {
    /** One member's view: its entities per sentence (vote) or its tag distributions per sentence, [word][tag] (mean). */
    public record Member(List<List<Span>> entities, List<double[][]> distributions) {}

    private final Ensembling ensembling;

    NerEnsemble(Ensembling ensembling) {
        this.ensembling = ensembling;
    }

    private boolean mean() {
        return ensembling.method() == Method.MEAN;
    }

    @Override
    public void admit(NezhaConfig config, Path dir) {
        if (mean() && config.useCrf()) {
            throw InputException.in(dir, "has a CRF (use_crf): its tag scores are emissions for its learnt transitions, not "
                    + "distributions, so --method mean cannot average them; use --method vote (or weighted, a vote with --weights)");
        }
    }

    @Override
    public Member member(FinetuneTask<NerExample, TagWindow, NerPrediction> task, TaskModel model, List<NerExample> examples,
            List<Feature<TagWindow>> features, List<float[]> logits, List<String> labels) {
        if (!mean()) {
            List<List<Span>> entities = task.decode(model, examples, features, logits, labels).stream()
                    .map(p -> SeqevalChunks.of(p.tags())).toList();
            return new Member(entities, null);
        }
        TagDecoder softmax = new TagDecoder(new TagSet(labels), null);
        List<List<Integer>> rowsOf = NerTask.rowsOf(examples.size(), features);
        List<double[][]> distributions = new ArrayList<>(examples.size());
        for (int e = 0; e < examples.size(); e++) {
            List<Integer> rows = rowsOf.get(e);
            double[][] scores = softmax.emissions(examples.get(e).length(), rows.stream().map(features::get).toList(),
                    rows.stream().map(logits::get).toList());
            for (double[] word : scores) for (int t = 0; t < word.length; t++) word[t] = Math.exp(word[t]);
            distributions.add(scores);
        }
        return new Member(null, distributions);
    }

    @Override
    public List<NerPrediction> combine(List<NerExample> examples, List<Member> members, List<String> labels) {
        TagSet tags = new TagSet(labels);
        TagDecoder softmax = new TagDecoder(tags, null);
        double[] weights = ensembling.weights();
        List<NerPrediction> out = new ArrayList<>(examples.size());
        for (int e = 0; e < examples.size(); e++) {
            NerExample example = examples.get(e);
            int sentence = e;
            List<String> predicted = mean()
                    ? softmax.best(logOfMean(members.stream().map(m -> m.distributions().get(sentence)).toList(), weights))
                    : tags.scheme().tags(vote(members.stream().map(m -> m.entities().get(sentence)).toList(), weights), example.length());
            out.add(NerPrediction.of(example, predicted));
        }
        return out;
    }

    /** The log of the weighted mean of the members' distributions ({@code [word][tag]} each; weights sum to 1). */
    static double[][] logOfMean(List<double[][]> members, double[] weights) {
        double[][] first = members.getFirst();
        double[][] out = new double[first.length][];
        for (int w = 0; w < first.length; w++) {
            out[w] = new double[first[w].length];
            for (int m = 0; m < members.size(); m++) {
                for (int t = 0; t < out[w].length; t++) out[w][t] += weights[m] * members.get(m)[w][t];
            }
            for (int t = 0; t < out[w].length; t++) out[w][t] = Math.log(out[w][t]);
        }
        return out;
    }

    /**
     * The entities more than half the weight (weights sum to 1) predicts, overlaps settled greedily (more
     * votes, earlier start, longer, type name), sorted by start.
     */
    static List<Span> vote(List<List<Span>> members, double[] weights) {
        Map<Span, Double> votes = new LinkedHashMap<>();
        for (int m = 0; m < members.size(); m++) {
            for (Span s : members.get(m)) votes.merge(s, weights[m], Double::sum);
        }
        List<Span> candidates = votes.entrySet().stream().filter(v -> Ensembling.majority(v.getValue())).map(Map.Entry::getKey)
                .sorted(Comparator.comparingDouble((Span s) -> -votes.get(s)).thenComparingInt(Span::start)
                        .thenComparingInt(s -> s.start() - s.end()).thenComparing(Span::type))
                .toList();
        List<Span> kept = new ArrayList<>();
        for (Span s : candidates) {
            if (kept.stream().noneMatch(k -> k.start() < s.end() && s.start() < k.end())) kept.add(s);
        }
        kept.sort(Comparator.comparingInt(Span::start));
        return kept;
    }
}
