package dev.mmgcn.data;

import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes NumPy {@code .npy} files (format 1.0, 2.0, 3.0; C order; 1-D and 2-D for numbers).
 *
 * <p>Float data goes straight from the file into an off-heap {@link Tensor} through a fixed-size
 * buffer, so a feature file of hundreds of megabytes never exists as a Java array. Every float
 * read is checked to be finite: a NaN in a feature row would silently poison every embedding it
 * reaches through the graph, so it is an error that names the file, row and column.
 *
 * <p>Object arrays ({@code |O}) are Python pickles; {@link #readObject} unpickles them into plain
 * Java collections (see {@link NumpyPickle}).
 */
public final class Npy {
    /** Read/write buffer; a multiple of every element size so no element straddles two chunks. */
    private static final int CHUNK = 1 << 20;

    private Npy() {
    }

    /** A whole-number array: shape (1-D or 2-D) and row-major data. */
    public record Ints(int[] shape, int[] data) {
        public int rows() { return shape[0]; }

        /** 1 for a 1-D array. */
        public int cols() { return shape.length == 2 ? shape[1] : 1; }

        public int get(int r, int c) { return data[r * cols() + c]; }
    }

    /** A whole-number array read as int64: shape (1-D or 2-D) and row-major data. */
    public record Longs(int[] shape, long[] data) {
        public int rows() { return shape[0]; }

        /** 1 for a 1-D array. */
        public int cols() { return shape.length == 2 ? shape[1] : 1; }

        public long get(int r, int c) { return data[r * cols() + c]; }
    }

    /** Reads only the header. */
    public static NpyHeader header(Path file) {
        try (FileChannel ch = open(file)) {
            return NpyHeader.read(ch, file.toString());
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a float16/32/64 array into a new host tensor from {@code scope}: a 2-D array keeps its
     * shape, a 1-D array of n becomes n×1. Fails on any NaN or infinity, and on float64 values
     * too large for float32.
     */
    public static Tensor readFloats(Path file, Scope scope) {
        String name = file.toString();
        try (FileChannel ch = open(file)) {
            NpyHeader h = header(ch, name, NpyDtype::isFloat, "float features");
            NpyDtype t = h.dtype();
            int[] shape = numericShape(h);
            int rows = shape[0];
            int cols = shape.length == 2 ? shape[1] : 1;
            checkSize(ch, h);
            Tensor out = scope.floats(rows, cols);
            MemorySegment dst = out.segment();
            // Each chunk is bulk-copied into small heap arrays and converted there: plain array loops
            // get compiled within the first chunk, where per-element segment access with a
            // run-time byte order stays slow for most of a cold load.
            int perChunk = CHUNK / t.size();
            float[] floats = new float[perChunk];
            short[] halves = t.size() == 2 ? new short[perChunk] : null;
            double[] doubles = t.size() == 8 ? new double[perChunk] : null;
            ValueLayout.OfShort f2 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(t.order());
            ValueLayout.OfFloat f4 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(t.order());
            ValueLayout.OfDouble f8 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(t.order());
            stream(ch, h, (chunk, first, count) -> {
                switch (t.size()) {
                    case 2 -> {
                        MemorySegment.copy(chunk, f2, 0, halves, 0, count);
                        float[] table = HalfTable.VALUES;
                        for (int k = 0; k < count; k++) floats[k] = table[halves[k] & 0xffff];
                    }
                    case 4 -> MemorySegment.copy(chunk, f4, 0, floats, 0, count);
                    default -> {
                        MemorySegment.copy(chunk, f8, 0, doubles, 0, count);
                        for (int k = 0; k < count; k++) floats[k] = (float) doubles[k];
                    }
                }
                for (int k = 0; k < count; k++) {
                    if (!Float.isFinite(floats[k])) {
                        if (doubles != null && Double.isFinite(doubles[k])) {
                            throw new DataException(name + ": value " + doubles[k] + " at " + position(first + k, cols)
                                    + " does not fit float32");
                        }
                        throw nonFinite(name, floats[k], first + k, cols);
                    }
                }
                MemorySegment.copy(floats, 0, dst, Tensor.FLOAT, first * Float.BYTES, count);
            });
            return out;
        } catch (IOException e) {
            throw new DataException(name + ": " + e.getMessage(), e);
        }
    }

    /** Reads an integer or bool array (1-D or 2-D) as int64. uint64 values above 2^63-1 are an error. */
    public static Longs readLongs(Path file) {
        String name = file.toString();
        try (FileChannel ch = open(file)) {
            NpyHeader h = header(ch, name, NpyDtype::isInteger, "integers");
            NpyDtype t = h.dtype();
            int[] shape = numericShape(h);
            int cols = shape.length == 2 ? shape[1] : 1;
            checkSize(ch, h);
            long[] out = new long[Math.toIntExact(h.elementCount())];
            stream(ch, h, (chunk, first, count) -> {
                for (int k = 0; k < count; k++) {
                    long v = longAt(chunk, t, k);
                    if (v < 0 && t.kind() == 'u' && t.size() == 8) {
                        throw new DataException(name + ": value " + Long.toUnsignedString(v) + " at "
                                + position(first + k, cols) + " does not fit int64");
                    }
                    out[(int) (first + k)] = v;
                }
            });
            return new Longs(shape, out);
        } catch (IOException e) {
            throw new DataException(name + ": " + e.getMessage(), e);
        }
    }

    /** Reads an integer or bool array (1-D or 2-D) as int32; a value outside int32 is an error naming its position. */
    public static Ints readInts(Path file) {
        Longs l = readLongs(file);
        int cols = l.cols();
        int[] out = new int[l.data().length];
        for (int k = 0; k < out.length; k++) {
            long v = l.data()[k];
            if (v != (int) v) {
                throw new DataException(file + ": value " + v + " at " + position(k, cols) + " does not fit int32");
            }
            out[k] = (int) v;
        }
        return new Ints(l.shape(), out);
    }

    /**
     * Reads an object array ({@code |O}): a 0-d array returns its one element (e.g. a {@code Map}),
     * a 1-D array a {@code List}; numpy scalars become {@code Long}/{@code Double}/{@code Boolean}.
     */
    public static Object readObject(Path file) {
        String name = file.toString();
        try (FileChannel ch = open(file)) {
            NpyHeader h = NpyHeader.read(ch, name);
            if (!h.dtype().isObject()) {
                throw new DataException(name + ": dtype " + h.dtype().descr() + " is not an object array ('|O')");
            }
            long rest = ch.size() - h.dataOffset();
            if (rest > Integer.MAX_VALUE - 16) {
                throw new DataException(name + ": object array payload of " + rest + " bytes is too large");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) rest);
            NpyHeader.readFully(ch, buf, h.dataOffset(), name, "the pickled payload");
            return NumpyPickle.load(buf.array(), name);
        } catch (IOException e) {
            throw new DataException(name + ": " + e.getMessage(), e);
        }
    }

    /** Writes a host tensor as a 2-D little-endian float32 array. */
    public static void writeFloats(Path file, Tensor matrix) {
        if (!matrix.isHost()) {
            throw new IllegalArgumentException("cannot write a " + matrix.device() + " tensor; download it first");
        }
        long n = matrix.size();
        write(file, "<f4", new long[]{matrix.rows(), matrix.cols()}, n * Float.BYTES, (buf, first, count) ->
                MemorySegment.copy(matrix.segment(), Tensor.FLOAT, first * Float.BYTES, buf, LE_FLOAT, 0, count));
    }

    /** Writes a 1-D ({@code shape = n}) or 2-D ({@code shape = rows, cols}) little-endian int32 array. */
    public static void writeInts(Path file, int[] data, int... shape) {
        long[] s = checkShape(data.length, shape);
        write(file, "<i4", s, (long) data.length * Integer.BYTES, (buf, first, count) ->
                MemorySegment.copy(data, (int) first, buf, LE_INT, 0, count));
    }

    /** Writes a 1-D or 2-D little-endian int64 array. */
    public static void writeLongs(Path file, long[] data, int... shape) {
        long[] s = checkShape(data.length, shape);
        write(file, "<i8", s, (long) data.length * Long.BYTES, (buf, first, count) ->
                MemorySegment.copy(data, (int) first, buf, LE_LONG, 0, count));
    }

    /** Writes arbitrary header fields and payload bytes, for test fixtures of unusual or broken files. */
    static void writeRaw(Path file, String descr, boolean fortranOrder, long[] shape, byte[] payload) throws IOException {
        byte[] header = headerBytes(descr, fortranOrder, shape);
        byte[] all = new byte[header.length + payload.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(payload, 0, all, header.length, payload.length);
        Files.write(file, all);
    }

    // ---- element decoding shared with NumpyPickle ----

    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Element {@code k} of an integer/bool segment as a long (uint64 keeps its bits). */
    static long longAt(MemorySegment seg, NpyDtype t, long k) {
        ByteOrder o = t.order();
        return switch (t.kind()) {
            case 'b' -> seg.get(ValueLayout.JAVA_BYTE, k) != 0 ? 1 : 0;
            case 'u' -> switch (t.size()) {
                case 1 -> seg.get(ValueLayout.JAVA_BYTE, k) & 0xffL;
                case 2 -> seg.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(o), k) & 0xffffL;
                case 4 -> seg.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED.withOrder(o), k) & 0xffffffffL;
                default -> seg.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(o), k);
            };
            default -> switch (t.size()) {
                case 1 -> seg.get(ValueLayout.JAVA_BYTE, k);
                case 2 -> seg.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(o), k);
                case 4 -> seg.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED.withOrder(o), k);
                default -> seg.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(o), k);
            };
        };
    }

    /** Element {@code k} of a float segment as a double. */
    static double doubleAt(MemorySegment seg, NpyDtype t, long k) {
        ByteOrder o = t.order();
        return switch (t.size()) {
            case 2 -> Float.float16ToFloat(seg.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(o), k));
            case 4 -> seg.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(o), k);
            default -> seg.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(o), k);
        };
    }

    /** "row r, column c" for a 2-D position, "element k" for 1-D. */
    static String position(long flat, int cols) {
        return cols == 1 ? "row " + flat + ", column 0" : "row " + flat / cols + ", column " + flat % cols;
    }

    // ---- internals ----

    /**
     * Every float16 value decoded once (256 KiB): a cold load spends most of its time in the
     * interpreter before the loop is compiled, and a table lookup there is several times cheaper
     * than {@link Float#float16ToFloat}.
     */
    private static final class HalfTable {
        static final float[] VALUES = new float[1 << 16];

        static {
            for (int h = 0; h < VALUES.length; h++) VALUES[h] = Float.float16ToFloat((short) h);
        }
    }

    private interface ChunkSink {
        void accept(MemorySegment chunk, long firstElement, int count);
    }

    private interface ChunkSource {
        void fill(MemorySegment buffer, long firstElement, int count);
    }

    /** The file's header, when its dtype is one {@code ok} accepts; else a DataException naming what was expected. */
    private static NpyHeader header(FileChannel ch, String name, java.util.function.Predicate<NpyDtype> ok, String expected) throws IOException {
        NpyHeader h = NpyHeader.read(ch, name);
        NpyDtype t = h.dtype();
        if (!ok.test(t)) throw new DataException(name + ": dtype " + t.descr() + " (" + t.typeName() + ") where " + expected + " were expected");
        return h;
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found");
        }
    }

    private static int[] numericShape(NpyHeader h) {
        if (h.rank() != 1 && h.rank() != 2) {
            throw new DataException(h.file() + ": shape " + h.shapeString() + " is " + h.rank()
                    + "-D; only 1-D and 2-D numeric arrays are supported");
        }
        if (h.fortranOrder() && h.rank() == 2) {
            throw new DataException(h.file() + ": fortran_order is True (column-major); only C order is supported"
                    + " (save it with numpy.ascontiguousarray)");
        }
        int[] s = new int[h.rank()];
        for (int k = 0; k < s.length; k++) {
            if (h.shape()[k] > Integer.MAX_VALUE) {
                throw new DataException(h.file() + ": dimension " + h.shape()[k] + " is too large");
            }
            s[k] = (int) h.shape()[k];
        }
        if (h.elementCount() > Integer.MAX_VALUE - 16) {
            throw new DataException(h.file() + ": " + h.elementCount() + " elements is more than one array can hold");
        }
        return s;
    }

    private static void checkSize(FileChannel ch, NpyHeader h) throws IOException {
        long have = ch.size() - h.dataOffset();
        long want = h.dataBytes();
        if (have < want) {
            throw new DataException(h.file() + ": truncated: shape " + h.shapeString() + " of " + h.dtype().descr()
                    + " needs " + want + " data bytes, the file has " + have);
        }
        if (have > want) {
            throw new DataException(h.file() + ": " + (have - want) + " unexpected bytes after the " + want
                    + " data bytes of shape " + h.shapeString() + " " + h.dtype().descr());
        }
    }

    private static DataException nonFinite(String file, float v, long flat, int cols) {
        return new DataException(file + ": non-finite value " + v + " at " + position(flat, cols));
    }

    private static void stream(FileChannel ch, NpyHeader h, ChunkSink sink) throws IOException {
        int size = h.dtype().size();
        long total = h.dataBytes();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        for (long done = 0; done < total; ) {
            int want = (int) Math.min(CHUNK, total - done);
            buf.clear().limit(want);
            NpyHeader.readFully(ch, buf, h.dataOffset() + done, h.file(), "the data");
            sink.accept(seg, done / size, want / size);
            done += want;
        }
    }

    private static long[] checkShape(int length, int[] shape) {
        if (shape.length != 1 && shape.length != 2) {
            throw new IllegalArgumentException("shape must be 1-D or 2-D, got " + shape.length + " dimensions");
        }
        long n = 1;
        long[] s = new long[shape.length];
        for (int k = 0; k < shape.length; k++) {
            s[k] = shape[k];
            n *= shape[k];
        }
        if (n != length) {
            throw new IllegalArgumentException(length + " values for shape " + java.util.Arrays.toString(shape));
        }
        return s;
    }

    /** Written through {@link AtomicFile}: a kill or a full disk leaves the old file or the new one, never a part. */
    private static void write(Path file, String descr, long[] shape, long dataBytes, ChunkSource source) {
        int size = Integer.parseInt(descr.substring(2));
        try {
            AtomicFile.write(file, os -> {
                os.write(headerBytes(descr, false, shape));
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
                MemorySegment seg = MemorySegment.ofBuffer(buf);
                byte[] bytes = new byte[CHUNK];
                for (long done = 0; done < dataBytes; ) {
                    int n = (int) Math.min(CHUNK, dataBytes - done);
                    source.fill(seg, done / size, n / size);
                    buf.clear().limit(n);
                    buf.get(bytes, 0, n);
                    os.write(bytes, 0, n);
                    done += n;
                }
            });
        } catch (IOException e) {
            throw new DataException(e.getMessage(), e);
        }
    }

    /** The header numpy itself would write: the dict padded with spaces so that the data starts 64-byte aligned. */
    static byte[] headerBytes(String descr, boolean fortranOrder, long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int k = 0; k < shape.length; k++) s.append(k == 0 ? "" : ", ").append(shape[k]);
        if (shape.length == 1) s.append(',');
        s.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + s + ", }";
        int major = 1;
        int preamble = 10;
        int total = roundUp(preamble + dict.length() + 1, 64);
        if (total - preamble > 0xffff) {
            major = 2;
            preamble = 12;
            total = roundUp(preamble + dict.length() + 1, 64);
        }
        int headerLen = total - preamble;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyHeader.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) headerLen);
        else b.putInt(headerLen);
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (b.position() < total - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
