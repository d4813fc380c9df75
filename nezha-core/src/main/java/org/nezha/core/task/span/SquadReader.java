package org.nezha.core.task.span;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * SQuAD v1.1 JSON as CMRC 2018 ships it: {@code data[].paragraphs[].context} and
 * {@code qas[].{id, question, answers[].{text, answer_start}}}, where answer_start counts Unicode code
 * points (Python's string indices). Streams the file, so each error names its line and the question's id.
 *
 * <p>An answer_start that does not point at its text is repaired to the text's occurrence nearest to it
 * (real files have them: CMRC 2018's trial set 5 answers off by one, its dev set 7). An answer whose
 * text is nowhere in the context is a reference for the metrics only if its answer_start is −1 (CMRC's
 * dev set marks 125 such answers so); with any other answer_start it is an error. A labelled question
 * needs at least one answer that is a span of its context.
 */
final class SquadReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NOT_A_SPAN = -1;

    private final Path file;
    private final boolean labelled;
    private final List<SpanExample> examples = new ArrayList<>();
    /** Question id → the line it was first seen on. */
    private final Map<String, Long> seen = new HashMap<>();

    private SquadReader(Path file, boolean labelled) {
        this.file = file;
        this.labelled = labelled;
    }

    /** The file's questions in file order; {@code labelled} requires answers (train, dev, eval). */
    static List<SpanExample> read(Path file, boolean labelled) {
        if (!Files.isRegularFile(file)) throw InputException.in(file, "file not found");
        SquadReader reader = new SquadReader(file, labelled);
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            reader.readRoot(parser);
        } catch (JacksonException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw InputException.at(file, line, "not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        return reader.examples;
    }

    private void readRoot(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw error(p, "expected a JSON object with \"data\" (SQuAD v1.1 layout)");
        boolean data = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("data")) {
                data = true;
                forEachObject(p, "data", this::readArticle);
            } else {
                p.skipChildren();
            }
        }
        if (!data) throw InputException.in(file, "has no \"data\" array (SQuAD v1.1 layout)");
    }

    private void readArticle(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("paragraphs")) forEachObject(p, "paragraphs", this::readParagraph);
            else p.skipChildren();
        }
    }

    /** A question's JSON and the line it starts on; kept until the paragraph's context is known (it may come after). */
    private record Question(JsonNode json, long line) {}

    private void readParagraph(JsonParser p) throws IOException {
        long line = p.currentTokenLocation().getLineNr();
        String context = null;
        List<Question> questions = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "context" -> {
                    if (value != JsonToken.VALUE_STRING) throw error(p, "\"context\" must be a string");
                    context = p.getText();
                }
                case "qas" -> forEachObject(p, "qas", q -> questions.add(new Question(JSON.readTree(q), q.currentTokenLocation().getLineNr())));
                default -> p.skipChildren();
            }
        }
        if (context == null) throw InputException.at(file, line, "paragraph without a \"context\" string");
        for (Question q : questions) examples.add(example(q, context));
    }

    private SpanExample example(Question q, String context) {
        JsonNode id = q.json.get("id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) throw InputException.at(file, q.line, "question without an \"id\" string");
        String name = id.asText();
        Long first = seen.putIfAbsent(name, q.line);
        if (first != null) throw at(q, name, "appears twice (first on line " + first + ")");
        JsonNode question = q.json.get("question");
        if (question == null || !question.isTextual()) throw at(q, name, "has no \"question\" string");
        List<SpanExample.Answer> answers = labelled ? answers(q, name, context) : List.of();
        return new SpanExample(name, question.asText(), context, answers);
    }

    private List<SpanExample.Answer> answers(Question q, String name, String context) {
        JsonNode list = q.json.get("answers");
        if (list == null || !list.isArray() || list.isEmpty()) throw at(q, name, "has no answers (a labelled file needs at least one)");
        List<SpanExample.Answer> answers = new ArrayList<>();
        for (JsonNode a : list) {
            String which = "answer " + (answers.size() + 1);
            JsonNode text = a.get("text");
            JsonNode start = a.get("answer_start");
            if (text == null || !text.isTextual() || text.asText().isEmpty()) throw at(q, name, which + " has no \"text\"");
            if (start == null || !start.canConvertToInt() || !start.isIntegralNumber() || start.intValue() < NOT_A_SPAN) {
                throw at(q, name, which + " has no \"answer_start\" (a character offset, or -1)");
            }
            SpanExample.Answer answer = locate(context, text.asText(), start.intValue());
            if (answer == null) {
                throw at(q, name, which + " \"" + text.asText() + "\" is not in the context (answer_start " + start.intValue() + ")");
            }
            answers.add(answer);
        }
        if (answers.stream().allMatch(a -> a.start() == NOT_A_SPAN)) throw at(q, name, "has no answer found in its context");
        return answers;
    }

    /**
     * The answer at {@code answerStart} (code points) when its text is there, else at the occurrence of
     * the text nearest to it (repaired); a reference only when the text is nowhere and answer_start is −1;
     * null when it is nowhere otherwise.
     */
    static SpanExample.Answer locate(String context, String text, int answerStart) {
        int given = answerStart <= 0 ? 0 : context.codePointCount(0, context.length()) < answerStart
                ? context.length() : context.offsetByCodePoints(0, answerStart);
        if (answerStart >= 0 && context.startsWith(text, given)) return new SpanExample.Answer(text, given, false);
        int before = context.lastIndexOf(text, given);
        int after = context.indexOf(text, given);
        if (before < 0 && after < 0) return answerStart == NOT_A_SPAN ? new SpanExample.Answer(text, NOT_A_SPAN, false) : null;
        int nearest = before < 0 || (after >= 0 && after - given < given - before) ? after : before;
        return new SpanExample.Answer(text, nearest, true);
    }

    private interface ObjectReader {
        void read(JsonParser p) throws IOException;
    }

    /** Reads an array of objects with {@code each}, which leaves the parser on each object's end. */
    private void forEachObject(JsonParser p, String field, ObjectReader each) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw error(p, "\"" + field + "\" must be an array");
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) throw error(p, "\"" + field + "\" must hold objects");
            each.read(p);
        }
    }

    private InputException error(JsonParser p, String problem) {
        return InputException.at(file, p.currentTokenLocation().getLineNr(), problem);
    }

    private InputException at(Question q, String id, String problem) {
        return InputException.at(file, q.line, "question " + id + " " + problem);
    }
}
