package org.nezha.core.task;

import java.util.List;
import java.util.Locale;

import org.nezha.core.InputException;
import org.nezha.core.data.TaskKind;
import org.nezha.core.model.EmbeddingObjective;
import org.nezha.core.model.SentencePooling;
import org.nezha.core.task.classification.ClassificationTask;
import org.nezha.core.task.embedding.EmbeddingTask;
import org.nezha.core.task.ner.NerTask;
import org.nezha.core.task.ner.TagScheme;
import org.nezha.core.task.span.SpanOptions;
import org.nezha.core.task.span.SpanTask;

/** The tasks {@code --task} names, and the config field that records a fine-tuned model's task. */
public final class Tasks {
    /** The field of config.json that names the task a model was fine-tuned for. */
    public static final String CONFIG_FIELD = "nezha_task";
    public static final List<String> NAMES = List.of("pair", "single", NerTask.NAME, SpanTask.NAME, EmbeddingTask.NAME);

    private Tasks() {}

    /**
     * The task called {@code name}; an unknown name is an error naming {@code source}: an option
     * ({@code --task}) or the config file that recorded it.
     */
    public static FinetuneTask<?, ?, ?> create(String name, TaskOptions options, String source) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "pair" -> new ClassificationTask(TaskKind.PAIR);
            case "single" -> new ClassificationTask(TaskKind.SINGLE);
            case NerTask.NAME -> new NerTask(options.tagScheme() == null ? null : tagScheme(options.tagScheme()), Boolean.TRUE.equals(options.crf()));
            case SpanTask.NAME -> new SpanTask(spanOptions(options));
            case EmbeddingTask.NAME -> embeddingTask(options);
            default -> throw new InputException(source.startsWith("--")
                    ? source + " " + name + ": choose one of " + String.join(", ", NAMES)
                    : source + ": " + CONFIG_FIELD + " \"" + name + "\" is not a task this engine knows (" + String.join(", ", NAMES) + ")");
        };
    }

    private static TagScheme tagScheme(String name) {
        for (TagScheme scheme : TagScheme.values()) if (scheme.name().equalsIgnoreCase(name)) return scheme;
        throw new InputException("--tag-scheme " + name + ": choose one of BIO, BIOES, BMES");
    }

    private static EmbeddingTask embeddingTask(TaskOptions o) {
        SentencePooling pooling = SentencePooling.option(o.pooling());
        EmbeddingObjective objective = o.embeddingLoss() == null ? null : EmbeddingObjective.named(o.embeddingLoss());
        if (o.embeddingLoss() != null && objective == null) {
            throw new InputException("--embedding-loss " + o.embeddingLoss() + ": choose one of simcse, cosent");
        }
        if (o.temperature() != null && !(o.temperature() > 0)) throw new InputException("--temperature must be > 0, got " + o.temperature());
        return new EmbeddingTask(pooling, objective, o.temperature());
    }

    private static SpanOptions spanOptions(TaskOptions o) {
        SpanOptions d = SpanOptions.DEFAULTS;
        return new SpanOptions(o.maxQueryLength() != null ? o.maxQueryLength() : d.maxQueryLength(),
                o.docStride() != null ? o.docStride() : d.docStride(), o.maxAnswerLength() != null ? o.maxAnswerLength() : d.maxAnswerLength(),
                o.nBest() != null ? o.nBest() : d.nBest());
    }
}
