package dev.mmgcn.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file (format versions 1.0, 2.0 and 3.0).
 *
 * @param file         the file name, for messages
 * @param major        format major version
 * @param minor        format minor version
 * @param dtype        the element type
 * @param fortranOrder whether the data is stored column-major
 * @param shape        the array shape; empty for a 0-d array
 * @param dataOffset   byte offset of the first data byte
 */
public record NpyHeader(String file, int major, int minor, NpyDtype dtype, boolean fortranOrder, long[] shape,
                        long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Reads and checks the header at the start of {@code channel}. */
    public static NpyHeader read(FileChannel channel, String file) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate((int) Math.min(12, channel.size())).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, pre, 0, file, "the format preamble");
        for (int k = 0; k < MAGIC.length; k++) {
            if (k >= pre.limit() || pre.get(k) != MAGIC[k]) {
                throw new DataException(file + ": not a .npy file (no \\x93NUMPY magic at the start)");
            }
        }
        if (pre.limit() < 12 && (pre.limit() < 10 || pre.get(6) != 1)) {
            throw new DataException(file + ": file ends inside the format preamble");
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        long headerLen;
        int lenBytes;
        if (major == 1) {
            headerLen = pre.getShort(8) & 0xffff;
            lenBytes = 2;
        } else if (major == 2 || major == 3) {
            headerLen = pre.getInt(8) & 0xffffffffL;
            lenBytes = 4;
        } else {
            throw new DataException(file + ": .npy format version " + major + "." + minor + " is not supported (1.0, 2.0, 3.0 are)");
        }
        long start = 8 + lenBytes;
        if (headerLen > 1 << 24) {
            throw new DataException(file + ": header length " + headerLen + " is implausible; the file is damaged");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(channel, hb, start, file, "the " + headerLen + "-byte header");
        // 3.0 differs from 2.0 only in allowing UTF-8 in the header (structured field names)
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Object parsed;
        try {
            parsed = new Literal(text).parseTop();
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": malformed header " + dev.mmgcn.io.Quote.clip(text.strip()) + ": " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new DataException(file + ": header is not a dict: " + dev.mmgcn.io.Quote.clip(text.strip()));
        }
        Object descr = require(dict, "descr", file);
        if (!(descr instanceof String d)) {
            throw new DataException(file + ": structured dtype " + descr + " is not supported (only plain numeric or object arrays)");
        }
        NpyDtype dtype = NpyDtype.parse(d, file);
        if (!(require(dict, "fortran_order", file) instanceof Boolean fortran)) {
            throw new DataException(file + ": header field fortran_order is not True/False");
        }
        if (!(require(dict, "shape", file) instanceof List<?> dims)) {
            throw new DataException(file + ": header field shape is not a tuple");
        }
        long[] shape = new long[dims.size()];
        for (int k = 0; k < shape.length; k++) {
            if (!(dims.get(k) instanceof Long v) || v < 0) {
                throw new DataException(file + ": shape " + dims + " has a bad dimension " + dims.get(k));
            }
            shape[k] = v;
        }
        return new NpyHeader(file, major, minor, dtype, fortran, shape, start + headerLen);
    }

    private static Object require(Map<?, ?> dict, String key, String file) {
        if (!dict.containsKey(key)) {
            throw new DataException(file + ": header has no '" + key + "' field");
        }
        return dict.get(key);
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long position, String file, String what) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new DataException(file + ": file ends inside " + what);
            }
            pos += n;
        }
        buf.flip();
    }

    public int rank() { return shape.length; }

    public long elementCount() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Bytes of array data the header promises (not meaningful for object arrays, which hold a pickle). */
    public long dataBytes() {
        return Math.multiplyExact(elementCount(), (long) dtype.size());
    }

    public String shapeString() {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder s = new StringBuilder("(");
        for (int k = 0; k < shape.length; k++) s.append(k == 0 ? "" : ", ").append(shape[k]);
        return s.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && file.equals(h.file) && major == h.major && minor == h.minor
                && dtype.equals(h.dtype) && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape)
                && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + dtype.hashCode();
    }

    @Override
    public String toString() {
        return file + ": " + dtype.descr() + " " + shapeString() + (fortranOrder ? " fortran order" : "") + " v" + major + "." + minor;
    }

    /**
     * The subset of Python literal syntax numpy writes in headers: a dict of strings, booleans,
     * None, integers (Python 2's {@code 10L} too), tuples and lists.
     */
    private static final class Literal {
        /** numpy headers nest two levels (a dict holding a shape tuple); deeper is damage, refused before the stack runs out. */
        private static final int MAX_DEPTH = 32;
        private final String s;
        private int pos;
        private int depth;

        Literal(String s) {
            this.s = s;
        }

        Object parseTop() {
            Object v = value();
            skipSpace();
            if (pos != s.length()) throw new IllegalArgumentException("unexpected text at offset " + pos);
            return v;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) throw new IllegalArgumentException("unexpected end");
            char c = s.charAt(pos);
            if (c == '{' || c == '(' || c == '[') {
                if (++depth > MAX_DEPTH) throw new IllegalArgumentException("nested more than " + MAX_DEPTH + " levels deep at offset " + pos);
                Object v = c == '{' ? dict() : sequence(c == '(' ? ')' : ']');
                depth--;
                return v;
            }
            if (c == '\'' || c == '"') return string();
            if (c == '-' || Character.isDigit(c)) return number();
            if (s.startsWith("True", pos)) { pos += 4; return Boolean.TRUE; }
            if (s.startsWith("False", pos)) { pos += 5; return Boolean.FALSE; }
            if (s.startsWith("None", pos)) { pos += 4; return null; }
            throw new IllegalArgumentException("unexpected '" + c + "' at offset " + pos);
        }

        private Map<Object, Object> dict() {
            pos++;
            Map<Object, Object> out = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek() == '}') { pos++; return out; }
                Object key = value();
                skipSpace();
                expect(':');
                out.put(key, value());
                skipSpace();
                if (peek() == ',') pos++;
                else if (peek() != '}') throw new IllegalArgumentException("expected ',' or '}' at offset " + pos);
            }
        }

        private List<Object> sequence(char close) {
            pos++;
            List<Object> out = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == close) { pos++; return out; }
                out.add(value());
                skipSpace();
                if (peek() == ',') pos++;
                else if (peek() != close) throw new IllegalArgumentException("expected ',' or '" + close + "' at offset " + pos);
            }
        }

        private String string() {
            char quote = s.charAt(pos++);
            StringBuilder b = new StringBuilder();
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
                b.append(c);
            }
            expect(quote);
            return b.toString();
        }

        private Long number() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) pos++;
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad integer '" + digits + "'");
            }
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at offset " + pos);
            pos++;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }
    }
}
