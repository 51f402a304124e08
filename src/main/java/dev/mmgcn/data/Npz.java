package dev.mmgcn.data;

import dev.mmgcn.io.AtomicFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes numpy's {@code .npz}: a ZIP archive of {@code NAME.npy} members, stored uncompressed, as
 * {@code numpy.savez} writes it; {@code numpy.load(file)[NAME]} reads a member back, without pickle.
 * Members are float32 or int32 arrays, or fixed-width unicode strings ({@code <U}, what
 * {@code numpy.array(["a", "bc"])} makes). Each member is streamed twice, once for its CRC-32 and size
 * (a stored ZIP entry needs them before its data) and once into the file, so no member is ever held as
 * bytes in memory. The file is written through {@link AtomicFile}; entries carry a fixed date, so equal
 * content gives an equal file.
 */
public final class Npz {
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final int CHUNK = 1 << 16;

    private Npz() {
    }

    /** Writes an array's data bytes (little-endian, C order). */
    @FunctionalInterface
    public interface Data {
        void writeTo(OutputStream out) throws IOException;
    }

    /** One member: its name (without {@code .npy}), numpy dtype string, shape and data. */
    public record Member(String name, String descr, long[] shape, Data data) {
        public Member {
            if (name.isEmpty() || name.contains("/") || name.contains("\\")) throw new IllegalArgumentException("bad member name '" + name + "'");
        }
    }

    /** Rows {@code [row0, row0 + rows)} of a row-major float matrix with {@code cols} columns, as float32 {@code rows × cols}. */
    public static Member floats(String name, float[] values, int row0, int rows, int cols) {
        long first = (long) row0 * cols, count = (long) rows * cols;
        if (row0 < 0 || rows < 0 || first + count > values.length) {
            throw new IllegalArgumentException(name + ": rows " + row0 + "+" + rows + " of " + cols + " columns outside " + values.length + " values");
        }
        return new Member(name, "<f4", new long[] {rows, cols}, out -> {
            ByteBuffer b = ByteBuffer.allocate(CHUNK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < count; ) {
                int n = (int) Math.min(CHUNK, count - i);
                b.clear();
                for (int j = 0; j < n; j++) b.putFloat(values[(int) (first + i + j)]);
                out.write(b.array(), 0, n * Float.BYTES);
                i += n;
            }
        });
    }

    /** A 1-D int32 array. */
    public static Member ints(String name, int[] values) {
        return new Member(name, "<i4", new long[] {values.length}, out -> {
            ByteBuffer b = ByteBuffer.allocate(CHUNK * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; ) {
                int n = Math.min(CHUNK, values.length - i);
                b.clear();
                for (int j = 0; j < n; j++) b.putInt(values[i + j]);
                out.write(b.array(), 0, n * Integer.BYTES);
                i += n;
            }
        });
    }

    /** A 1-D array of strings: numpy's {@code <U}w, each string as w UTF-32 code points, zero-padded (w ≥ 1: the longest). */
    public static Member strings(String name, List<String> values) {
        int width = 1;
        for (String s : values) width = Math.max(width, s.codePointCount(0, s.length()));
        int w = width;
        return new Member(name, "<U" + w, new long[] {values.size()}, out -> {
            ByteBuffer b = ByteBuffer.allocate(w * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (String s : values) {
                b.clear();
                s.codePoints().forEach(b::putInt);
                while (b.hasRemaining()) b.putInt(0);
                out.write(b.array());
            }
        });
    }

    /** A single string as a 0-d {@code <U} array ({@code numpy.load(f)[name].item()} gives it back). */
    public static Member string(String name, String value) {
        Member m = strings(name, List.of(value));
        return new Member(name, m.descr(), new long[0], m.data());
    }

    /** Writes the members, in order, atomically. */
    public static void write(Path file, List<Member> members) throws IOException {
        Set<String> names = new HashSet<>();
        for (Member m : members) if (!names.add(m.name())) throw new IllegalArgumentException("member '" + m.name() + "' given twice");
        AtomicFile.write(file, os -> {
            // closing the zip writes its central directory; the file's own stream is AtomicFile's to close
            try (ZipOutputStream zip = new ZipOutputStream(new NonClosing(os))) {
                for (Member m : members) put(zip, m);
            }
        });
    }

    private static void put(ZipOutputStream zip, Member m) throws IOException {
        byte[] header = Npy.headerBytes(m.descr(), false, m.shape());
        CRC32 crc = new CRC32();
        Counting counting = new Counting(new CheckedOutputStream(OutputStream.nullOutputStream(), crc));
        counting.write(header);
        m.data().writeTo(counting);
        ZipEntry e = new ZipEntry(m.name() + ".npy");
        e.setMethod(ZipEntry.STORED);
        e.setSize(counting.count);
        e.setCompressedSize(counting.count);
        e.setCrc(crc.getValue());
        e.setTimeLocal(FIXED_TIME);
        zip.putNextEntry(e);
        zip.write(header);
        m.data().writeTo(zip);
        zip.closeEntry();
    }

    /** Counts the bytes that pass. */
    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Keeps {@link ZipOutputStream} from closing the atomic file's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
