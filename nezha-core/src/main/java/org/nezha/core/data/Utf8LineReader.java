package org.nezha.core.data;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * Reads a text file line by line as strict UTF-8, gzip-compressed when its name ends in {@code .gz}.
 * A malformed byte is an error naming its line and column instead of a silent U+FFFD, which a
 * java.io.Reader cannot tell us.
 */
public final class Utf8LineReader implements AutoCloseable {
    private final Path file;
    private final InputStream in;
    private final CountingStream fileBytes;
    private final int maxLineChars;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buffer = new byte[1 << 16];
    private int start; // buffer[start, end) holds the bytes not yet returned
    private int end;
    private boolean endOfFile;
    private long lineNumber;

    private Utf8LineReader(Path file, CountingStream fileBytes, InputStream in, int maxLineChars) {
        this.file = file;
        this.fileBytes = fileBytes;
        this.in = in;
        this.maxLineChars = maxLineChars;
    }

    /** Lines of any length. */
    public static Utf8LineReader open(Path file) {
        return open(file, Integer.MAX_VALUE);
    }

    /** A line longer than {@code maxLineChars} UTF-16 characters is an error naming its line. */
    public static Utf8LineReader open(Path file, int maxLineChars) {
        if (!Files.exists(file)) throw InputException.in(file, "file not found");
        if (!Files.isRegularFile(file)) throw InputException.in(file, "not a regular file");
        CountingStream fileBytes = null;
        try {
            fileBytes = new CountingStream(Files.newInputStream(file));
            InputStream in = file.getFileName().toString().endsWith(".gz")
                    ? new GZIPInputStream(new BufferedInputStream(fileBytes, 1 << 16), 1 << 16) : fileBytes;
            return new Utf8LineReader(file, fileBytes, in, maxLineChars);
        } catch (IOException e) {
            closeQuietly(fileBytes);
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    /** The next line without its LF or CRLF (and without a leading byte-order mark), or null at the end. */
    public String nextLine() {
        int scanned = 0; // bytes after start already known to hold no LF
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buffer[i] == '\n') return take(i, i + 1);
            }
            scanned = end - start;
            // no character takes more than 4 bytes: stop before a line without end fills the memory
            if ((long) scanned > 4L * maxLineChars) throw tooLong(lineNumber + 1);
            if (endOfFile) return start < end ? take(end, end) : null;
            fill();
        }
    }

    /** 1-based number of the line {@link #nextLine} returned last. */
    public long lineNumber() {
        return lineNumber;
    }

    /** Bytes read so far from the file itself (compressed bytes for a .gz file), for progress. */
    public long fileBytesRead() {
        return fileBytes.count;
    }

    private InputException tooLong(long line) {
        return InputException.at(file, line, "line longer than " + maxLineChars + " characters");
    }

    private String take(int lineEnd, int next) {
        lineNumber++;
        int length = lineEnd - start;
        if (length > 0 && buffer[lineEnd - 1] == '\r') length--;
        String line = decode(start, length);
        if (line.length() > maxLineChars) throw tooLong(lineNumber);
        start = next;
        return lineNumber == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private String decode(int offset, int length) {
        CharBuffer chars = CharBuffer.allocate(length); // UTF-8 never gives more chars than bytes
        CoderResult result = decoder.reset().decode(ByteBuffer.wrap(buffer, offset, length), chars, true);
        if (result.isUnderflow()) result = decoder.flush(chars);
        if (result.isError()) {
            throw InputException.at(file, lineNumber, "invalid UTF-8 at column " + (chars.position() + 1));
        }
        return chars.flip().toString();
    }

    private void fill() {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) buffer = Arrays.copyOf(buffer, buffer.length * 2);
        try {
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) endOfFile = true;
            else end += read;
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in == null) return;
        try {
            in.close();
        } catch (IOException ignored) {
            // the open's own failure is the one to report
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    /** Counts the bytes that pass, so progress can be told in the file's own size. */
    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }
    }
}
