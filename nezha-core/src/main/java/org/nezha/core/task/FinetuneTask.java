package org.nezha.core.task;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.SplittableFile;
import org.nezha.core.model.AttentionBackend;
import org.nezha.core.model.TaskModel;
import org.nezha.core.tokenizer.BertTokenizer;

/**
 * A downstream task as DESIGN § Tasks lays it out — reader, encoder, head with its loss, decoder with
 * metrics, writer — behind which {@code finetune}, {@code eval} and {@code predict} stay generic.
 *
 * @param <X> an example as the reader gives it (with its gold answer when the file has one)
 * @param <M> what a {@link Feature} carries for decoding
 * @param <P> the prediction for one example
 */
public interface FinetuneTask<X, M, P> {
    /** The name of {@code --task} and of {@code nezha_task} in a saved config.json. */
    String name();

    /** Reader: the file's examples in file order; {@code labelled} requires the gold answers (train, dev, eval). */
    List<X> read(Path file, boolean labelled);

    /**
     * The label vocabulary the head predicts (class labels, tags) learnt from the training examples, in
     * output order; empty for tasks without one (span extraction). Saved as HF's {@code id2label}.
     */
    List<String> labels(List<X> train);

    /** The fewest tokens per row that leave room for the special tokens and one token of each text. */
    int minimumSeqLen();

    /** The tokens per row when the user gives none: BERT's GLUE length (128) unless the task needs more room. */
    default int defaultSeqLen() {
        return 128;
    }

    /** A line the user should read about what the reader did to {@code examples} (repairs), or null. */
    default String readingNotes(List<X> examples) {
        return null;
    }

    /**
     * What only a training file must satisfy, checked before any training ({@code config}: the model's, as
     * {@link #configure} made it); dev, eval and predict files need not (e.g. a training objective's labels).
     */
    default void checkTraining(List<X> train, NezhaConfig config) {}

    /**
     * The config the fine-tuned model is saved with: {@code base} with the labels as HF's id2label, the
     * HF architecture of this head and any field the head needs to be rebuilt (the generic code adds
     * the task's name).
     */
    NezhaConfig configure(NezhaConfig base, List<String> labels);

    /**
     * Encoder: the model rows of {@code examples}, in example order (an example may give several rows,
     * e.g. windows of a long text), each at most {@code seqLen} tokens; targets set when {@code
     * withTargets} (the examples are labelled), computed against {@code labels} (in {@link #labels} order).
     */
    List<Feature<M>> encode(List<X> examples, List<String> labels, BertTokenizer tokenizer, int seqLen, boolean withTargets);

    /** The model with this task's head for {@code config} (which holds the labels as id2label). */
    TaskModel model(NezhaConfig config, AttentionBackend attention);

    /**
     * Decoder: one prediction per example from the logits of its features ({@code logits.get(i)} is
     * feature i's row of {@link TaskModel#logits}, flattened, for its real tokens only where the output
     * is per token: [C], [len, T] or [len, 2] with len = that feature's input length). {@code model} is
     * the model that computed them, for heads that decode with parameters of their own (a CRF's
     * transitions); tasks whose decoding needs none ignore it.
     */
    List<P> decode(TaskModel model, List<X> examples, List<Feature<M>> features, List<float[]> logits, List<String> labels);

    /**
     * Metrics of the predictions against the examples' gold answers, as JSON-ready values; every name
     * in {@link #selectionMetrics} among them.
     */
    Map<String, Object> metrics(List<X> examples, List<P> predictions, List<String> labels);

    /**
     * What a trivial predictor answers (the majority class, all-O tags, an empty answer), scored by
     * {@link #metrics} next to the model's: the bar a useful model must clear.
     */
    List<P> baseline(List<X> examples, List<String> labels);

    /** The metrics a run may pick its best model by, the default first. */
    List<String> selectionMetrics();

    /**
     * This task as a saved model's config sets it up for prediction (e.g. a stored decision threshold);
     * errors name {@code configFile}. Tasks without such settings return themselves.
     */
    default FinetuneTask<X, M, P> configuredBy(NezhaConfig saved, Path configFile) {
        return this;
    }

    /**
     * How models fine-tuned for this task combine in {@code nezha ensemble} by {@code ensembling}'s method.
     *
     * @throws org.nezha.core.InputException when this task's models cannot be ensembled (the default)
     */
    default TaskEnsemble<X, M, P, ?> ensemble(Ensembling ensembling) {
        throw new InputException("ensembles of " + name() + " models are not supported");
    }

    /** Writer: the predictions to {@code out} in the format the task's users expect, whole or not at all. */
    void write(Path out, List<X> examples, List<P> predictions, List<String> labels);

    /**
     * The extension, with its dot, of the file {@link #write} writes ({@code .csv}, {@code .jsonl}, {@code
     * .json}): what cross-validation names its out-of-fold predictions by.
     */
    String predictionExtension();

    /**
     * Cross-validation's out-of-fold predictions, in example order, each by the model that did not train on
     * it ({@code folds[i]}: example i's fold, from 1), as {@link #write} writes predictions; a task whose
     * format has room for them may add each example's fold and gold answer.
     */
    default void writeOutOfFold(Path out, List<X> examples, int[] folds, List<P> predictions, List<String> labels) {
        write(out, examples, predictions, labels);
    }

    /**
     * The training file {@code file}, whose examples as {@link #read} read them are {@code examples}, as
     * cross-validation splits it: subsets in its own format and the examples' {@code --group-by} keys.
     */
    SplittableFile splittable(Path file, List<X> examples);

    /**
     * One label per example that {@code --stratify} spreads evenly over the folds (the class label), or null
     * when the task's examples have no single label each (tags, answers).
     */
    default List<String> strata(List<X> examples) {
        return null;
    }
}
