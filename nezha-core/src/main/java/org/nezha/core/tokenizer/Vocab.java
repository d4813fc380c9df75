package org.nezha.core.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * A WordPiece vocabulary: one token per line of {@code vocab.txt}, the id being the 0-based line
 * index. Lines end at LF, CRLF or CR, as Python's universal newlines read them; a final line
 * break does not start another token.
 */
public final class Vocab {
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    public static final String PAD = "[PAD]";
    public static final String MASK = "[MASK]";

    private final Path source;
    private final String[] tokens;
    private final Map<String, Integer> ids;

    private Vocab(Path source, String[] tokens, Map<String, Integer> ids) {
        this.source = source;
        this.tokens = tokens;
        this.ids = ids;
    }

    /** Reads {@code vocabTxt}; a missing or unreadable file, an empty one or a repeated token is an {@link InputException}. */
    public static Vocab load(Path vocabTxt) {
        List<String> lines = splitLines(decodeUtf8(vocabTxt, readBytes(vocabTxt)));
        if (lines.isEmpty()) {
            throw InputException.in(vocabTxt, "empty vocabulary");
        }
        Map<String, Integer> ids = HashMap.newHashMap(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Integer first = ids.putIfAbsent(lines.get(i), i);
            if (first != null) {
                throw InputException.at(vocabTxt, i + 1,
                        "duplicate token '" + lines.get(i) + "' (first on line " + (first + 1) + ")");
            }
        }
        return new Vocab(vocabTxt, lines.toArray(String[]::new), ids);
    }

    public int size() {
        return tokens.length;
    }

    /** The token's id, or -1 when it is not in the vocabulary. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IndexOutOfBoundsException("token id " + id + " outside vocabulary of " + tokens.length);
        }
        return tokens[id];
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    public int unkId() {
        return requiredId(UNK);
    }

    public int clsId() {
        return requiredId(CLS);
    }

    public int sepId() {
        return requiredId(SEP);
    }

    public int padId() {
        return requiredId(PAD);
    }

    public int maskId() {
        return requiredId(MASK);
    }

    private int requiredId(String special) {
        Integer id = ids.get(special);
        if (id == null) {
            throw InputException.in(source, "vocabulary has no " + special + " token");
        }
        return id;
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw InputException.in(file, "vocabulary file not found");
        } catch (IOException e) {
            throw InputException.in(file, "cannot read vocabulary: " + IoErrors.reason(e));
        }
    }

    private static String decodeUtf8(Path file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw InputException.in(file, "vocabulary is not valid UTF-8");
        }
    }

    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                i += (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }
}
