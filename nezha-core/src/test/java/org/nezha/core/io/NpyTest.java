package org.nezha.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripOfAMatrixLargerThanTheBuffer() {
        float[] values = new float[300_007 * 3]; // 3.6 MB: several 1 MiB buffers and a partial one
        Random random = new Random(1);
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        values[5] = Float.NaN;
        values[6] = Float.NEGATIVE_INFINITY;
        Path file = dir.resolve("m.npy");
        Npy.write(file, values, 3);
        Npy.Matrix back = Npy.read(file);
        assertEquals(300_007, back.rows());
        assertEquals(3, back.columns());
        assertArrayEquals(values, back.values());
    }

    /** The bytes numpy.save writes for np.array([[1, 2], [3, 4], [5, 6]], dtype='<f4'), spelt out from the format's spec. */
    @Test
    void headerIsByteForByteNumpys() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        // header length 118, little-endian: 10 preamble bytes + 118 = 128, a multiple of 64
        expected.write(new byte[] {118, 0});
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"; // 59 characters
        // 20 spaces of room for a 21-digit first axis (numpy's growth margin) + 38 of padding, then a newline
        expected.write((dict + " ".repeat(20 + 38) + "\n").getBytes(StandardCharsets.US_ASCII));
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (float v = 1; v <= 6; v++) data.putFloat(v);
        expected.write(data.array());

        Path file = dir.resolve("small.npy");
        Npy.write(file, new float[] {1, 2, 3, 4, 5, 6}, 2);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
    }

    @Test
    void headersAlignTo64BytesWhateverTheShape() {
        for (long rows : new long[] {0, 1, 999, 1_000_000, 123_456_789_012L}) {
            for (int columns : new int[] {1, 64, 768, 10_000}) {
                assertEquals(0, Npy.header(rows, columns).length % 64, rows + " x " + columns);
            }
        }
    }

    @Test
    void badFilesAreRejectedNamingTheProblem() throws Exception {
        Path good = dir.resolve("good.npy");
        Npy.write(good, new float[] {1, 2, 3, 4, 5, 6}, 2);
        byte[] bytes = Files.readAllBytes(good);

        assertRejected(withText(bytes, "NUMPY", "NUMPX"), "wrong magic bytes");
        byte[] version = bytes.clone();
        version[6] = 4;
        assertRejected(version, "format version 4.0");
        assertRejected(withText(bytes, "'<f4'", "'<f8'"), "dtype '<f8'");
        assertRejected(withText(bytes, "False", "True "), "Fortran order");
        assertRejected(withText(bytes, "(3, 2)", "(6,)  "), "expected a matrix");
        assertRejected(withText(bytes, "(3, 2)", "(4, 2)"), "needs 32");
        byte[] truncated = new byte[20];
        System.arraycopy(bytes, 0, truncated, 0, 20);
        assertRejected(truncated, "header runs past the end");
        InputException missing = assertThrows(InputException.class, () -> Npy.read(dir.resolve("none.npy")));
        assertTrue(missing.getMessage().endsWith("none.npy: missing"), missing.getMessage());
    }

    private void assertRejected(byte[] content, String problem) throws Exception {
        Path file = Files.write(dir.resolve("bad.npy"), content);
        InputException e = assertThrows(InputException.class, () -> Npy.read(file));
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(problem), e.getMessage());
    }

    /** {@code bytes} with the first {@code from} replaced by {@code to} of the same length (header text is ASCII). */
    private static byte[] withText(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(from) && from.length() == to.length());
        return text.replaceFirst(java.util.regex.Pattern.quote(from), to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
