package org.nezha.core.task.ner;

import java.util.ArrayList;
import java.util.List;

/**
 * The entities of a tag sequence exactly as seqeval's {@code get_entities} finds them (its default,
 * conlleval-like mode, which {@code f1_score} uses): lenient, so an I-X after O begins an entity, a type
 * change ends one entity and begins another, and B-X I-X without an E-X is an entity in BIOES. seqeval does
 * not know BMES's M; it is read here as I, which is what M means (seqeval itself would let M-X B-X swallow the
 * entity before the B). seqeval's strict mode (entities only from well-formed tag runs) is not offered.
 */
public final class SeqevalChunks {
    private SeqevalChunks() {}

    public static List<Span> of(List<String> tags) {
        List<Span> chunks = new ArrayList<>();
        char previousTag = 'O';
        String previousType = "";
        int begin = 0;
        for (int i = 0; i <= tags.size(); i++) {
            String chunk = i < tags.size() ? tags.get(i) : TagScheme.OUTSIDE; // seqeval appends an O
            char tag = chunk.charAt(0) == 'M' ? 'I' : chunk.charAt(0);
            String type = chunk.length() > 2 ? chunk.substring(2) : "_";
            if (endOfChunk(previousTag, tag, previousType, type)) chunks.add(new Span(previousType, begin, i));
            if (startOfChunk(previousTag, tag, previousType, type)) begin = i;
            previousTag = tag;
            previousType = type;
        }
        return chunks;
    }

    /** seqeval's end_of_chunk: did a chunk end just before this tag? */
    private static boolean endOfChunk(char previousTag, char tag, String previousType, String type) {
        return previousTag == 'E' || previousTag == 'S'
                || ((previousTag == 'B' || previousTag == 'I') && (tag == 'B' || tag == 'S' || tag == 'O'))
                || (previousTag != 'O' && !previousType.equals(type));
    }

    /** seqeval's start_of_chunk: does a chunk begin at this tag? */
    private static boolean startOfChunk(char previousTag, char tag, String previousType, String type) {
        return tag == 'B' || tag == 'S'
                || ((previousTag == 'E' || previousTag == 'S' || previousTag == 'O') && (tag == 'E' || tag == 'I'))
                || (tag != 'O' && !previousType.equals(type));
    }
}
