package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;

class Utf8LineReaderTest {
    @TempDir
    Path dir;

    private List<String> readAll(Path file) {
        List<String> lines = new ArrayList<>();
        try (Utf8LineReader reader = Utf8LineReader.open(file)) {
            for (String line; (line = reader.nextLine()) != null; ) lines.add(line);
            assertNull(reader.nextLine());
        }
        return lines;
    }

    @Test
    void stripsCrlfAndByteOrderMarkAndKeepsLastLineWithoutNewline() throws Exception {
        Path file = dir.resolve("a.txt");
        Files.writeString(file, "\uFEFF第一\r\n\r\nsecond\nthird");
        assertEquals(List.of("第一", "", "second", "third"), readAll(file));
    }

    @Test
    void readsLinesLongerThanTheBuffer() throws Exception {
        Path file = dir.resolve("long.txt");
        String longLine = "汉".repeat(100_000);
        Files.writeString(file, "a\n" + longLine + "\nb\n");
        assertEquals(List.of("a", longLine, "b"), readAll(file));
    }

    @Test
    void invalidUtf8NamesLineAndColumn() throws Exception {
        Path file = dir.resolve("bad.txt");
        byte[] good = "ok\n中文".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[good.length + 3];
        System.arraycopy(good, 0, bytes, 0, good.length);
        bytes[good.length] = (byte) 0xC3; // a lead byte followed by ASCII: malformed
        bytes[good.length + 1] = 'x';
        bytes[good.length + 2] = '\n';
        Files.write(file, bytes);
        InputException e = assertThrows(InputException.class, () -> readAll(file));
        assertEquals(file + ":2: invalid UTF-8 at column 3", e.getMessage());
    }

    @Test
    void missingFileIsAnInputError() {
        Path file = dir.resolve("nope.txt");
        InputException e = assertThrows(InputException.class, () -> Utf8LineReader.open(file));
        assertEquals(file + ": file not found", e.getMessage());
    }
}
