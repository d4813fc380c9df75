package org.nezha.core.task.span;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nezha.core.InputException;
import org.nezha.core.data.SplittableFile;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.IoErrors;

/**
 * A SQuAD v1.1 file as cross-validation splits it. A subset is a document of the same layout holding only
 * the chosen questions, each as written (answers unchanged) inside a copy of its paragraph (context and
 * other fields) inside a copy of its article (title and other fields); paragraphs and articles left without
 * questions are dropped, the document's other top-level fields ({@code version}) kept. Questions group by
 * {@code context} (a paragraph's questions share its context: split across folds, a model would have read
 * the held-out passage) or by {@code title} (an article's).
 */
final class SquadFile implements SplittableFile {
    static final String CONTEXT = "context";
    static final String TITLE = "title";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a question is: its article's, its paragraph's and its own index in their arrays. */
    private record Position(int article, int paragraph, int question) {}

    private final Path file;
    private final ObjectNode root;
    private final List<Position> positions = new ArrayList<>();

    private SquadFile(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    /** The file that {@link SquadReader} read as {@code examples} (in file order). */
    static SquadFile read(Path file, List<SpanExample> examples) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        if (!(root instanceof ObjectNode object)) throw InputException.in(file, "expected a JSON object with \"data\" (SQuAD v1.1 layout)");
        SquadFile squad = new SquadFile(file, object);
        JsonNode articles = object.path("data");
        for (int a = 0; a < articles.size(); a++) {
            JsonNode paragraphs = articles.get(a).path("paragraphs");
            for (int p = 0; p < paragraphs.size(); p++) {
                JsonNode questions = paragraphs.get(p).path("qas");
                for (int q = 0; q < questions.size(); q++) {
                    int index = squad.positions.size();
                    String id = questions.get(q).path("id").asText();
                    if (index >= examples.size() || !examples.get(index).id().equals(id)) {
                        throw new IllegalStateException(file + ": question " + id + " is not example " + (index + 1) + " as read");
                    }
                    squad.positions.add(new Position(a, p, q));
                }
            }
        }
        if (squad.positions.size() != examples.size()) {
            throw new IllegalStateException(file + ": " + squad.positions.size() + " questions, " + examples.size() + " examples read");
        }
        return squad;
    }

    @Override
    public String extension() {
        return SplittableFile.extensionOf(file);
    }

    /** The chosen questions; consecutive ones of one paragraph (article) share one copy of it, so the file's order is the chosen order. */
    @Override
    public void writeSubset(Path target, List<Integer> chosen) {
        ArrayNode data = JSON.createArrayNode();
        Position last = null;
        ArrayNode paragraphs = null, questions = null;
        for (int example : chosen) {
            Position at = positions.get(example);
            if (last == null || last.article != at.article) {
                ObjectNode article = article(at);
                paragraphs = article.putArray("paragraphs");
                data.add(article);
            }
            if (last == null || last.article != at.article || last.paragraph != at.paragraph) {
                ObjectNode paragraph = copyWithout(paragraph(at), "qas");
                questions = paragraph.putArray("qas");
                paragraphs.add(paragraph);
            }
            questions.add(paragraph(at).path("qas").get(at.question));
            last = at;
        }
        ObjectNode document = copyWithout(root, "data");
        document.set("data", data);
        AtomicFiles.writeStream(target, stream -> JSON.writeValue(stream, document));
    }

    @Override
    public List<String> groups(String key, String option) {
        List<String> values = new ArrayList<>(positions.size());
        for (Position at : positions) {
            switch (key) {
                case CONTEXT -> values.add(paragraph(at).path(CONTEXT).asText());
                case TITLE -> {
                    JsonNode title = root.path("data").get(at.article).get(TITLE);
                    if (title == null || !title.isValueNode() || title.isNull()) {
                        throw InputException.in(file, option + " " + TITLE + ": article " + (at.article + 1) + " has no \"title\"");
                    }
                    values.add(title.asText());
                }
                default -> throw InputException.in(file, option + " " + key + ": a SQuAD file's questions group by " + CONTEXT
                        + " (a paragraph's questions) or " + TITLE + " (an article's)");
            }
        }
        return values;
    }

    private ObjectNode article(Position at) {
        return copyWithout(root.path("data").get(at.article), "paragraphs");
    }

    private JsonNode paragraph(Position at) {
        return root.path("data").get(at.article).path("paragraphs").get(at.paragraph);
    }

    /** A shallow copy of {@code object}'s fields in their order but {@code field}, which the caller adds back (last). */
    private static ObjectNode copyWithout(JsonNode object, String field) {
        ObjectNode copy = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> e : object.properties()) if (!e.getKey().equals(field)) copy.set(e.getKey(), e.getValue());
        return copy;
    }
}
