package dev.mmgcn.data;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir
    Path dir;

    private final HostScope scope = new HostScope();

    @AfterEach
    void close() {
        scope.close();
    }

    private static byte[] le(int bytesPer, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * bytesPer).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesPer) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    private static byte[] floatsLe(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    private static byte[] doublesLe(double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) b.putDouble(v);
        return b.array();
    }

    private static DataException fails(Runnable r) {
        return assertThrows(DataException.class, r::run);
    }

    private static void assertMentions(DataException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void float32RoundTripOfAnAwkwardShape() {
        Random rnd = new Random(7);
        Tensor t = scope.floats(7, 5);
        float[] v = new float[35];
        for (int k = 0; k < v.length; k++) v[k] = (float) rnd.nextGaussian() * 1e3f;
        v[3] = -0.0f;
        v[4] = Float.MIN_VALUE;
        v[5] = Float.MAX_VALUE;
        t.copyFrom(v);
        Path f = dir.resolve("x.npy");
        Npy.writeFloats(f, t);
        NpyHeader h = Npy.header(f);
        assertEquals("<f4", h.dtype().descr());
        assertArrayEquals(new long[]{7, 5}, h.shape());
        assertEquals(0, h.dataOffset() % 64, "numpy aligns data to 64 bytes");
        Tensor back = Npy.readFloats(f, scope);
        assertEquals(7, back.rows());
        assertEquals(5, back.cols());
        // bit-exact, including -0.0
        for (int k = 0; k < v.length; k++) assertEquals(Float.floatToRawIntBits(v[k]), Float.floatToRawIntBits(back.getFlat(k)), "element " + k);
    }

    @Test
    void floatDataLargerThanOneBufferChunk() {
        // 300k × 1 floats = 1.2 MB, so the reader and writer each cross a 1 MiB chunk boundary
        int n = 300_001;
        Tensor t = scope.floats(n, 1);
        for (int k = 0; k < n; k++) t.setFlat(k, k * 0.5f);
        Path f = dir.resolve("big.npy");
        Npy.writeFloats(f, t);
        Tensor back = Npy.readFloats(f, scope);
        for (int k = 0; k < n; k += 997) assertEquals(k * 0.5f, back.getFlat(k));
        assertEquals((n - 1) * 0.5f, back.getFlat(n - 1));
    }

    @Test
    void float16DecodesByTheIeeeDefinition() throws IOException {
        short[] bits = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x3555, (short) 0x8000};
        float[] expected = {1.0f, -2.0f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, (1 + 341 / 1024f) / 4, -0.0f};
        long[] raw = new long[bits.length];
        for (int k = 0; k < bits.length; k++) raw[k] = bits[k];
        Path f = dir.resolve("h.npy");
        Npy.writeRaw(f, "<f2", false, new long[]{2, 4}, le(2, raw));
        Tensor t = Npy.readFloats(f, scope);
        assertEquals(2, t.rows());
        assertEquals(4, t.cols());
        for (int k = 0; k < bits.length; k++) {
            assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(t.getFlat(k)), "half 0x" + Integer.toHexString(bits[k] & 0xffff));
        }
        // the same values big-endian
        ByteBuffer be = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.BIG_ENDIAN);
        for (short s : bits) be.putShort(s);
        Path g = dir.resolve("hbe.npy");
        Npy.writeRaw(g, ">f2", false, new long[]{8}, be.array());
        Tensor u = Npy.readFloats(g, scope);
        assertEquals(8, u.rows());
        assertEquals(1, u.cols(), "1-D becomes a column");
        for (int k = 0; k < bits.length; k++) assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(u.getFlat(k)));
    }

    @Test
    void float64IsNarrowedAndBigEndianFloat32Read() throws IOException {
        Path f = dir.resolve("d.npy");
        Npy.writeRaw(f, "<f8", false, new long[]{1, 3}, doublesLe(0.1, -1e30, 3.0));
        Tensor t = Npy.readFloats(f, scope);
        assertEquals(0.1f, t.get(0, 0));
        assertEquals(-1e30f, t.get(0, 1));
        assertEquals(3.0f, t.get(0, 2));
        ByteBuffer be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-7.25f);
        Path g = dir.resolve("fbe.npy");
        Npy.writeRaw(g, ">f4", false, new long[]{2, 1}, be.array());
        Tensor u = Npy.readFloats(g, scope);
        assertEquals(1.5f, u.get(0, 0));
        assertEquals(-7.25f, u.get(1, 0));
    }

    @Test
    void nonFiniteValuesNameFileRowAndColumn() throws IOException {
        Path f4 = dir.resolve("nan32.npy");
        float[] v = new float[12];
        v[2 * 4 + 3] = Float.NaN;
        Npy.writeRaw(f4, "<f4", false, new long[]{3, 4}, floatsLe(v));
        assertMentions(fails(() -> Npy.readFloats(f4, scope)), "nan32.npy", "NaN", "row 2, column 3");

        Path f2 = dir.resolve("inf16.npy");
        long[] halves = new long[6];
        halves[1 * 3 + 0] = 0x7C00; // +inf
        Npy.writeRaw(f2, "<f2", false, new long[]{2, 3}, le(2, halves));
        assertMentions(fails(() -> Npy.readFloats(f2, scope)), "inf16.npy", "Infinity", "row 1, column 0");

        Path f8 = dir.resolve("ninf64.npy");
        Npy.writeRaw(f8, "<f8", false, new long[]{2, 2}, doublesLe(0, 0, 0, Double.NEGATIVE_INFINITY));
        assertMentions(fails(() -> Npy.readFloats(f8, scope)), "ninf64.npy", "-Infinity", "row 1, column 1");

        Path big = dir.resolve("huge64.npy");
        Npy.writeRaw(big, "<f8", false, new long[]{1, 2}, doublesLe(1, 1e39));
        assertMentions(fails(() -> Npy.readFloats(big, scope)), "huge64.npy", "1.0E39", "row 0, column 1", "float32");
    }

    @Test
    void integerRoundTripsAndRangeChecks() {
        Path i4 = dir.resolve("i4.npy");
        int[] ints = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 42, 7};
        Npy.writeInts(i4, ints, 3, 2);
        assertEquals("<i4", Npy.header(i4).dtype().descr());
        Npy.Ints a = Npy.readInts(i4);
        assertArrayEquals(new int[]{3, 2}, a.shape());
        assertArrayEquals(ints, a.data());
        assertEquals(42, a.get(2, 0));

        Path i8 = dir.resolve("i8.npy");
        long[] longs = {5, 1L << 40, -3};
        Npy.writeLongs(i8, longs, 3);
        Npy.Longs l = Npy.readLongs(i8);
        assertArrayEquals(new int[]{3}, l.shape());
        assertArrayEquals(longs, l.data());
        assertMentions(fails(() -> Npy.readInts(i8)), "i8.npy", String.valueOf(1L << 40), "row 1", "int32");

        // ints widen from i4 to int64 as well
        assertArrayEquals(new long[]{0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 42, 7}, Npy.readLongs(i4).data());
        assertThrows(IllegalArgumentException.class, () -> Npy.writeInts(dir.resolve("bad.npy"), ints, 4, 2));
    }

    @Test
    void smallAndUnsignedAndBigEndianIntegers() throws IOException {
        Path u1 = dir.resolve("u1.npy");
        Npy.writeRaw(u1, "|u1", false, new long[]{3}, new byte[]{0, 127, (byte) 255});
        assertArrayEquals(new int[]{0, 127, 255}, Npy.readInts(u1).data());
        Path b1 = dir.resolve("b1.npy");
        Npy.writeRaw(b1, "|b1", false, new long[]{4}, new byte[]{0, 1, 0, 2});
        assertArrayEquals(new int[]{0, 1, 0, 1}, Npy.readInts(b1).data());
        Path be = dir.resolve("be.npy");
        Npy.writeRaw(be, ">i8", false, new long[]{2}, ByteBuffer.allocate(16).putLong(-9).putLong(1L << 33).array());
        assertArrayEquals(new long[]{-9, 1L << 33}, Npy.readLongs(be).data());
        Path u8 = dir.resolve("u8.npy");
        Npy.writeRaw(u8, "<u8", false, new long[]{1}, le(8, -1L));
        assertMentions(fails(() -> Npy.readLongs(u8)), "u8.npy", "18446744073709551615", "int64");
    }

    @Test
    void headerVersions2And3AreRead() throws IOException {
        for (int major : new int[]{2, 3}) {
            String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }";
            int len = 128 - 12;
            String padded = dict + " ".repeat(len - dict.length() - 1) + "\n";
            ByteBuffer b = ByteBuffer.allocate(128 + 32).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0}).putInt(len);
            b.put(padded.getBytes(StandardCharsets.UTF_8));
            b.putLong(1).putLong(2).putLong(3).putLong(4);
            Path f = dir.resolve("v" + major + ".npy");
            Files.write(f, b.array());
            NpyHeader h = Npy.header(f);
            assertEquals(major, h.major());
            assertEquals(128, h.dataOffset());
            assertArrayEquals(new long[]{1, 2, 3, 4}, Npy.readLongs(f).data());
        }
    }

    @Test
    void pythonTwoStyleHeaderWithLongSuffix() throws IOException {
        String dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }";
        byte[] header = (dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(128 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header).putInt(8).putInt(9);
        Path f = dir.resolve("py2.npy");
        Files.write(f, b.array());
        assertArrayEquals(new int[]{8, 9}, Npy.readInts(f).data());
    }

    @Test
    void badFilesGiveClearErrors() throws IOException {
        Path fortran = dir.resolve("fortran.npy");
        Npy.writeRaw(fortran, "<f4", true, new long[]{2, 2}, floatsLe(1, 2, 3, 4));
        assertMentions(fails(() -> Npy.readFloats(fortran, scope)), "fortran.npy", "fortran_order");

        Path complex = dir.resolve("complex.npy");
        Npy.writeRaw(complex, "<c8", false, new long[]{1}, new byte[8]);
        assertMentions(fails(() -> Npy.readFloats(complex, scope)), "complex.npy", "unsupported dtype '<c8'");
        Path text = dir.resolve("text.npy");
        Npy.writeRaw(text, "<U3", false, new long[]{1}, new byte[12]);
        assertMentions(fails(() -> Npy.readLongs(text)), "text.npy", "unsupported dtype '<U3'");

        Path ints = dir.resolve("ints.npy");
        Npy.writeInts(ints, new int[]{1, 2}, 2);
        assertMentions(fails(() -> Npy.readFloats(ints, scope)), "ints.npy", "<i4", "float");
        Path floats = dir.resolve("floats.npy");
        Npy.writeRaw(floats, "<f4", false, new long[]{1}, floatsLe(1));
        assertMentions(fails(() -> Npy.readLongs(floats)), "floats.npy", "<f4", "integers");

        Path cube = dir.resolve("cube.npy");
        Npy.writeRaw(cube, "<f4", false, new long[]{1, 1, 1}, floatsLe(1));
        assertMentions(fails(() -> Npy.readFloats(cube, scope)), "cube.npy", "(1, 1, 1)", "3-D");

        Path truncated = dir.resolve("truncated.npy");
        Npy.writeRaw(truncated, "<f4", false, new long[]{2, 2}, floatsLe(1, 2, 3));
        assertMentions(fails(() -> Npy.readFloats(truncated, scope)), "truncated.npy", "truncated", "16", "12");

        Path trailing = dir.resolve("trailing.npy");
        Npy.writeRaw(trailing, "<f4", false, new long[]{1}, floatsLe(1, 2));
        assertMentions(fails(() -> Npy.readFloats(trailing, scope)), "trailing.npy", "4 unexpected bytes");

        Path notNpy = dir.resolve("plain.npy");
        Files.writeString(notNpy, "user\titem\n");
        assertMentions(fails(() -> Npy.readFloats(notNpy, scope)), "plain.npy", "not a .npy file");

        Path tiny = dir.resolve("tiny.npy");
        Files.write(tiny, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 10});
        assertMentions(fails(() -> Npy.header(tiny)), "tiny.npy", "ends inside");
        Path noHeader = dir.resolve("noheader.npy");
        Files.write(noHeader, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0, '{'});
        assertMentions(fails(() -> Npy.header(noHeader)), "noheader.npy", "ends inside the 100-byte header");

        Path version9 = dir.resolve("v9.npy");
        Files.write(version9, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 0, 0, 0, 0});
        assertMentions(fails(() -> Npy.header(version9)), "v9.npy", "version 9.0");

        Path structured = dir.resolve("structured.npy");
        Npy.writeRaw(structured, "<f4", false, new long[]{1}, floatsLe(1));
        byte[] bytes = Files.readAllBytes(structured);
        String s = new String(bytes, StandardCharsets.ISO_8859_1).replace("'descr': '<f4', ", "'descr': [('a','<f4')], ");
        Files.write(structured, s.getBytes(StandardCharsets.ISO_8859_1));
        assertMentions(fails(() -> Npy.header(structured)), "structured.npy", "structured dtype");

        Path missing = dir.resolve("missing.npy");
        assertMentions(fails(() -> Npy.readFloats(missing, scope)), "missing.npy", "not found");
    }

    @Test
    void objectArrayOfListsUnpickles() throws IOException {
        List<Object> lists = new ArrayList<>();
        lists.add(List.of(0, 5L, 7L));                 // a Python int user, numpy int64 items
        lists.add(List.of(1));                         // a user with no items
        lists.add(List.of(2, 3.5, "x"));
        lists.add(new long[]{3, 9, 11});               // an int64 ndarray as an element
        for (boolean numpy2 : new boolean[]{false, true}) {
            Path f = dir.resolve("obj" + numpy2 + ".npy");
            PickleFixtures.objectArray(f, lists, numpy2);
            Object o = Npy.readObject(f);
            assertEquals(List.of(List.of(0, 5L, 7L), List.of(1), List.of(2, 3.5, "x"), List.of(3L, 9L, 11L)), o);
        }
    }

    @Test
    void zeroDimensionalObjectArrayHoldsADict() throws IOException {
        Path f = dir.resolve("dict.npy");
        PickleFixtures.objectScalar(f, Map.of(0, List.of(4L, 2L), 1, List.of()));
        assertEquals(Map.of(0, List.of(4L, 2L), 1, List.of()), Npy.readObject(f));
    }

    @Test
    void objectReaderRejectsNumericArraysAndBrokenPickles() throws IOException {
        Path ints = dir.resolve("ints.npy");
        Npy.writeInts(ints, new int[]{1}, 1);
        assertMentions(fails(() -> Npy.readObject(ints)), "ints.npy", "not an object array");
        Path broken = dir.resolve("broken.npy");
        Npy.writeRaw(broken, "|O", false, new long[]{1}, new byte[]{(byte) 0x80, 3, ']'});
        assertMentions(fails(() -> Npy.readObject(broken)), "broken.npy", "unpickle");
    }

    @Test
    void aMalformedHeaderIsQuotedToAbout200Characters(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'junk': " + "[".repeat(6000) + "}";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(total).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) (total - 10)).put(dict.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        while (b.position() < total - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        java.nio.file.Path f = dir.resolve("bad.npy");
        java.nio.file.Files.write(f, b.array());
        DataException e = org.junit.jupiter.api.Assertions.assertThrows(DataException.class, () -> Npy.header(f));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(f + ": malformed header {'descr'"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters");
    }
}
