package org.nezha.core.task;

import java.nio.file.Path;
import java.util.List;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.model.TaskModel;

/**
 * How a task's fine-tuned models combine into one prediction ({@code nezha ensemble}), a capability the task
 * gives through {@link FinetuneTask#ensemble}: each member contributes a view of every example, made from
 * what its decoder sees, and the views combine into the task's predictions, which the task's writer writes.
 * Members are alike in task and labels (the caller checks); their tokenizers and architectures may differ,
 * so a view speaks of the examples (words, characters), never of a member's tokens.
 *
 * @param <V> what one member contributes for all the examples
 */
public interface TaskEnsemble<X, M, P, V> {
    /** Refuses a member before any model runs when this combination cannot take it ({@code config}: its config.json, in {@code dir}). */
    default void admit(NezhaConfig config, Path dir) {}

    /**
     * One member's view of the examples, from the arguments its {@link FinetuneTask#decode} takes; {@code task}
     * is the task as the member's config set it up ({@link FinetuneTask#configuredBy}).
     */
    V member(FinetuneTask<X, M, P> task, TaskModel model, List<X> examples, List<Feature<M>> features, List<float[]> logits, List<String> labels);

    /** The combined prediction of each example, from the members' views in {@code --models} order. */
    List<P> combine(List<X> examples, List<V> members, List<String> labels);
}
