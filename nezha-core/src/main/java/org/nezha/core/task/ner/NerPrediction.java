package org.nezha.core.task.ner;

import java.util.List;

/** A sentence's predicted tags (one per word, in the model's scheme) and the entities they spell. */
public record NerPrediction(List<String> tags, List<NerEntity> entities) {
    /** The entities of {@code tags} (seqeval's reading) placed in {@code example}'s text. */
    static NerPrediction of(NerExample example, List<String> tags) {
        String text = example.text();
        List<NerEntity> entities = SeqevalChunks.of(tags).stream().map(s -> {
            int start = example.starts()[s.start()], end = example.end(s.end() - 1);
            return new NerEntity(s.type(), start, end, text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end)));
        }).toList();
        return new NerPrediction(List.copyOf(tags), entities);
    }
}
