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
 * Reads a text file line by line as strict UTF-8. A malformed byte is an error naming its line
 * and column instead of a silent U+FFFD, which a java.io.Reader cannot tell us.
 */
public final class Utf8LineReader implements AutoCloseable {
    private static final int GZIP_MAGIC = 0x8b1f; // 1f 8b, little-endian as GZIPInputStream reads it

    private final Path file;
    private final InputStream in;
    private final CountingStream fileBytes;
    private final int maxLineBytes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buffer = new byte[1 << 16];
    private int start; // buffer[start, end) holds the bytes not yet returned
    private int end;
    private boolean endOfFile;
    private long lineNumber;

    private Utf8LineReader(Path file, CountingStream fileBytes, InputStream in, int maxLineBytes) {
        this.file = file;
        this.fileBytes = fileBytes;
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    public static Utf8LineReader open(Path file) {
        CountingStream fileBytes = openFile(file);
        return new Utf8LineReader(file, fileBytes, fileBytes, Integer.MAX_VALUE);
    }

    /**
     * A corpus file, plain or gzip-compressed (told by its first two bytes, whatever its name); a line
     * of more than {@code maxLineBytes} bytes is an error, so one huge line cannot exhaust memory.
     */
    public static Utf8LineReader openCorpus(Path file, int maxLineBytes) {
        CountingStream fileBytes = openFile(file);
        InputStream raw = new BufferedInputStream(fileBytes, 1 << 16);
        try {
            raw.mark(2);
            int magic = raw.read() | raw.read() << 8;
            raw.reset();
            InputStream text = magic == GZIP_MAGIC ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new Utf8LineReader(file, fileBytes, text, maxLineBytes);
        } catch (IOException e) {
            closeQuietly(raw);
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    private static CountingStream openFile(Path file) {
        if (!Files.exists(file)) throw InputException.in(file, "file not found");
        if (!Files.isRegularFile(file)) throw InputException.in(file, "not a regular file");
        try {
            return new CountingStream(Files.newInputStream(file));
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the failure to open is the one to report
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
            if (scanned > maxLineBytes + 1L) { // + 1: a CR before the LF is no part of the line
                throw InputException.at(file, lineNumber + 1, "line longer than " + maxLineBytes + " bytes");
            }
            if (endOfFile) return start < end ? take(end, end) : null;
            fill();
        }
    }

    /** 1-based number of the line {@link #nextLine} returned last. */
    public long lineNumber() {
        return lineNumber;
    }

    private String take(int lineEnd, int next) {
        lineNumber++;
        int length = lineEnd - start;
        if (length > 0 && buffer[lineEnd - 1] == '\r') length--;
        if (length > maxLineBytes) throw InputException.at(file, lineNumber, "line longer than " + maxLineBytes + " bytes");
        String line = decode(start, length);
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

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    /** Bytes read so far from the file itself (compressed bytes for a gzip file), for progress. */
    public long fileBytesRead() {
        return fileBytes.count;
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
