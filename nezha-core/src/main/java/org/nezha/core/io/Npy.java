package org.nezha.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nezha.core.InputException;

/**
 * Float32 matrices as NumPy {@code .npy} files (format 1.0, {@code '<f4'}, C order), so that
 * {@code numpy.load} reads what this engine writes and back. The header is laid out byte for byte as
 * numpy's own writer does it (keys in order, room for the first axis to grow, padded with spaces to a
 * multiple of 64 bytes), and the rows go through a fixed-size buffer: a matrix of a million vectors is
 * never copied whole.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Magic, two version bytes, the header length: a uint16 in version 1, a uint32 in versions 2 and 3. */
    private static final int PREAMBLE_V1 = MAGIC.length + 2 + 2, PREAMBLE_V2 = MAGIC.length + 2 + 4;
    /** numpy aligns the data to 64 bytes so that it can be memory-mapped with any alignment a type needs. */
    private static final int ALIGNMENT = 64;
    /** numpy leaves spaces for a first axis of up to 21 digits, so that appending rows can rewrite the header in place. */
    private static final int GROWTH_AXIS_DIGITS = 21;
    private static final int BUFFER_BYTES = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A row-major matrix of {@code rows} × {@code columns} floats. */
    public record Matrix(float[] values, int rows, int columns) {}

    /** Writes {@code values}, rows of {@code columns} floats each, to {@code file} whole or not at all. */
    public static void write(Path file, float[] values, int columns) {
        if (columns < 1) throw new IllegalArgumentException("columns must be >= 1, got " + columns);
        if (values.length % columns != 0) {
            throw new IllegalArgumentException(values.length + " floats are not a whole number of rows of " + columns);
        }
        byte[] header = header(values.length / columns, columns);
        AtomicFiles.write(file, out -> {
            writeFully(out, ByteBuffer.wrap(header));
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int start = 0; start < values.length; ) {
                int n = Math.min(values.length - start, BUFFER_BYTES / Float.BYTES);
                buffer.clear();
                buffer.asFloatBuffer().put(values, start, n);
                buffer.limit(n * Float.BYTES);
                writeFully(out, buffer);
                start += n;
            }
        });
    }

    /** The header numpy writes for a [rows, columns] float32 array in C order, magic and padding included. */
    static byte[] header(long rows, int columns) {
        String shape = "(" + rows + ", " + columns + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }"
                + " ".repeat(GROWTH_AXIS_DIGITS - Long.toString(rows).length());
        int unpadded = PREAMBLE_V1 + dict.length() + 1; // + the closing newline
        int padding = ALIGNMENT - unpadded % ALIGNMENT;  // numpy pads a whole 64 when it is aligned already
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer header = ByteBuffer.allocate(PREAMBLE_V1 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        header.put(text.getBytes(StandardCharsets.US_ASCII));
        return header.array();
    }

    /** Reads a 2-d float32 C-order matrix; anything else is an {@link InputException} naming the file and the problem. */
    public static Matrix read(Path file) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            String header = readHeader(file, in);
            Matcher descr = DESCR.matcher(header), fortran = FORTRAN.matcher(header), shape = SHAPE.matcher(header);
            if (!descr.find() || !fortran.find() || !shape.find()) {
                throw InputException.in(file, "not a .npy file: the header lacks descr, fortran_order or shape: " + header.strip());
            }
            if (!descr.group(1).equals("<f4")) {
                throw InputException.in(file, "holds dtype '" + descr.group(1) + "'; expected little-endian float32 '<f4'");
            }
            if (fortran.group(1).equals("True")) throw InputException.in(file, "is in Fortran order; expected C order");
            long[] dims = parseShape(file, shape.group(1));
            long elements = dims[0] * dims[1];
            if (dims[1] < 1 || elements > Integer.MAX_VALUE - 8) {
                throw InputException.in(file, "shape (" + dims[0] + ", " + dims[1] + ") is not a matrix this reader can hold");
            }
            long dataBytes = in.size() - in.position();
            if (dataBytes != elements * Float.BYTES) {
                throw InputException.in(file, "holds " + dataBytes + " bytes of data; shape (" + dims[0] + ", " + dims[1]
                        + ") needs " + elements * Float.BYTES);
            }
            float[] values = new float[(int) elements];
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int start = 0; start < values.length; ) {
                int n = Math.min(values.length - start, BUFFER_BYTES / Float.BYTES);
                buffer.clear().limit(n * Float.BYTES);
                readFully(file, in, buffer);
                buffer.flip();
                buffer.asFloatBuffer().get(values, start, n);
                start += n;
            }
            return new Matrix(values, (int) dims[0], (int) dims[1]);
        } catch (NoSuchFileException e) {
            throw InputException.in(file, "missing");
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    /** Checks the magic and version and returns the header's text; the channel is left at the first data byte. */
    private static String readHeader(Path file, FileChannel in) throws IOException {
        ByteBuffer preamble = ByteBuffer.allocate(PREAMBLE_V1).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, in, preamble);
        for (int i = 0; i < MAGIC.length; i++) {
            if (preamble.get(i) != MAGIC[i]) throw InputException.in(file, "not a .npy file: wrong magic bytes");
        }
        int major = preamble.get(MAGIC.length), minor = preamble.get(MAGIC.length + 1);
        long length;
        if (major == 1 && minor == 0) {
            length = Short.toUnsignedInt(preamble.getShort(MAGIC.length + 2));
        } else if ((major == 2 || major == 3) && minor == 0) {
            ByteBuffer wide = ByteBuffer.allocate(PREAMBLE_V2).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, in.position(0), wide);
            length = Integer.toUnsignedLong(wide.getInt(MAGIC.length + 2));
        } else {
            throw InputException.in(file, String.format(Locale.ROOT, ".npy format version %d.%d is not one this reader knows (1.0, 2.0, 3.0)",
                    major, minor));
        }
        if (length > in.size() - in.position()) throw InputException.in(file, "the .npy header runs past the end of the file");
        ByteBuffer text = ByteBuffer.allocate((int) length);
        readFully(file, in, text);
        return new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    private static long[] parseShape(Path file, String tuple) {
        String[] parts = tuple.split(","); // a vector's "(5,)" is one part
        if (parts.length != 2) {
            throw InputException.in(file, "has shape (" + tuple.strip() + "); expected a matrix (rows, columns)");
        }
        try {
            return new long[] {Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip())};
        } catch (NumberFormatException e) {
            throw InputException.in(file, "has shape (" + tuple.strip() + "); expected a matrix (rows, columns)");
        }
    }

    private static void readFully(Path file, FileChannel in, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) throw InputException.in(file, "ends early: the .npy file is truncated");
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) out.write(buffer);
    }
}
