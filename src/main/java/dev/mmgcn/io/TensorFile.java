package dev.mmgcn.io;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Named tensors and a string map in one <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * file, with every byte covered by a CRC32C: any reader of the format (e.g. Python's
 * {@code safetensors.numpy.load_file}) reads it without this code, and {@link #read} refuses a file of
 * which any byte changed, naming the part that did.
 *
 * <pre>
 *   u64 little-endian  N
 *   N bytes            JSON header, padded with spaces so the data starts 8-byte aligned:
 *                      {"__metadata__": {string: string, ...},
 *                       "&lt;tensor&gt;": {"dtype": "F32"|"I32"|"U8", "shape": [...], "data_offsets": [begin, end]}, ...}
 *   data               the tensors back to back, little-endian, offsets relative to the data start
 * </pre>
 *
 * Two kinds of metadata entry are this container's own: {@code crc32c.tensor.<name>} (8 hex digits: the
 * CRC32C of that tensor's bytes) and {@code crc32c.header} (the CRC32C of the 8 length bytes and the
 * whole header, computed with this entry's own 8 digits set to {@code 00000000}). The length field, the
 * header, each tensor and the file's total size are all checked, so a changed, truncated or extended
 * file is refused before any of its values are used.
 */
public final class TensorFile {
    /** Metadata key of the header checksum. */
    public static final String HEADER_CRC = "crc32c.header";
    /** Prefix of the metadata key holding each tensor's checksum. */
    public static final String TENSOR_CRC = "crc32c.tensor.";

    private static final String META = "__metadata__";
    private static final long MAX_HEADER = 100L << 20;
    private static final byte[] PLACEHOLDER = "00000000".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRC_KEY = ("\"" + HEADER_CRC + "\":\"").getBytes(StandardCharsets.US_ASCII);
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Element types this container writes and reads, by their safetensors names. */
    public enum DType {
        F32(4), I32(4), U8(1);

        private final int bytes;

        DType(int bytes) { this.bytes = bytes; }

        /** Bytes per element. */
        public int bytes() { return bytes; }
    }

    /**
     * One tensor: its name, element type, shape and little-endian bytes.
     *
     * @param data little-endian element bytes, position 0, limit = element count × element size
     */
    public record Tensor(String name, DType dtype, long[] shape, ByteBuffer data) {
        public Tensor {
            long n = 1;
            for (long s : shape) {
                if (s < 0) throw new IllegalArgumentException("tensor " + name + ": negative dimension " + s);
                n = Math.multiplyExact(n, s);
            }
            if ((long) data.remaining() != Math.multiplyExact(n, (long) dtype.bytes())) {
                throw new IllegalArgumentException("tensor " + name + ": " + data.remaining() + " bytes for " + n + " " + dtype + " elements");
            }
            shape = shape.clone();
            data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }

        public static Tensor floats(String name, float[] values, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor(name, DType.F32, shape, b);
        }

        public static Tensor ints(String name, int[] values, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(values);
            return new Tensor(name, DType.I32, shape, b);
        }

        public static Tensor bytes(String name, byte[] values) {
            return new Tensor(name, DType.U8, new long[] {values.length}, ByteBuffer.wrap(values));
        }

        public long elements() { return data.remaining() / dtype.bytes(); }

        public float[] toFloats() {
            expect(DType.F32);
            float[] v = new float[(int) elements()];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }

        public int[] toInts() {
            expect(DType.I32);
            int[] v = new int[(int) elements()];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
            return v;
        }

        public byte[] toBytes() {
            expect(DType.U8);
            byte[] v = new byte[data.remaining()];
            data.duplicate().get(v);
            return v;
        }

        private void expect(DType t) {
            if (dtype != t) throw new IllegalStateException("tensor " + name + " is " + dtype + ", not " + t);
        }
    }

    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private TensorFile(Map<String, String> metadata, Map<String, Tensor> tensors) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** The metadata as stored, including this container's checksum entries. */
    public Map<String, String> metadata() { return metadata; }

    /** The tensors in file order. */
    public Map<String, Tensor> tensors() { return tensors; }

    /**
     * Writes the tensors (in the given order) and the metadata atomically through {@link AtomicFile}.
     * Metadata keys beginning with {@code crc32c.} are reserved.
     */
    public static void write(Path file, Map<String, String> metadata, List<Tensor> tensors) throws IOException {
        byte[] header = header(metadata, tensors);
        AtomicFile.write(file, out -> {
            out.write(header);
            byte[] chunk = new byte[1 << 16];
            for (Tensor t : tensors) {
                ByteBuffer b = t.data().duplicate();
                while (b.hasRemaining()) {
                    int n = Math.min(chunk.length, b.remaining());
                    b.get(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
        });
    }

    /** The 8 length bytes and the padded, checksummed JSON header for these tensors. */
    static byte[] header(Map<String, String> metadata, List<Tensor> tensors) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode meta = root.putObject(META);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().startsWith("crc32c.")) throw new IllegalArgumentException("metadata key " + e.getKey() + " is reserved");
            meta.put(e.getKey(), e.getValue());
        }
        for (Tensor t : tensors) meta.put(TENSOR_CRC + t.name(), hex(crc(t.data())));
        meta.put(HEADER_CRC, "00000000");
        long offset = 0;
        for (Tensor t : tensors) {
            if (t.name().equals(META) || root.has(t.name())) throw new IllegalArgumentException("tensor name " + t.name() + " used twice or reserved");
            ObjectNode n = root.putObject(t.name());
            n.put("dtype", t.dtype().name());
            ArrayNode shape = n.putArray("shape");
            for (long s : t.shape()) shape.add(s);
            long end = offset + t.data().remaining();
            n.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        int padded = (int) ((json.length + 8 + 7) / 8 * 8 - 8);
        byte[] out = new byte[8 + padded];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, out, 8, json.length);
        for (int i = 8 + json.length; i < out.length; i++) out[i] = ' ';
        int at = placeholder(out, 8);
        CRC32C c = new CRC32C();
        c.update(out);
        System.arraycopy(hex(c.getValue()).getBytes(StandardCharsets.US_ASCII), 0, out, at, 8);
        return out;
    }

    /** Reads and verifies a file; every failure names the file and the part that is wrong. */
    public static TensorFile read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IOException(file + ": " + size + " bytes, too short for a checkpoint (truncated or not a checkpoint)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n < 2 || n > MAX_HEADER || n > size - 8) {
                throw new IOException(file + ": the header length field says " + n + " bytes but the file has " + size
                        + ": damaged, truncated, or not a safetensors file");
            }
            byte[] head = new byte[(int) (8 + n)];
            ByteBuffer hb = ByteBuffer.wrap(head);
            readFully(ch, hb, 0);
            verifyHeader(file, head);
            JsonNode root;
            try {
                root = JSON.readTree(new String(head, 8, (int) n, StandardCharsets.UTF_8));
            } catch (JacksonException e) {
                throw new IOException(file + ": the header is not valid JSON: " + e.getOriginalMessage());
            }
            if (!(root instanceof ObjectNode obj)) throw new IOException(file + ": the header is not a JSON object");
            Map<String, String> metadata = new LinkedHashMap<>();
            JsonNode meta = obj.get(META);
            if (meta != null) {
                for (Map.Entry<String, JsonNode> e : meta.properties()) {
                    if (!e.getValue().isString()) throw new IOException(file + ": metadata entry " + e.getKey() + " is not a string");
                    metadata.put(e.getKey(), e.getValue().asString());
                }
            }
            List<Section> sections = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                if (!e.getKey().equals(META)) sections.add(section(file, e.getKey(), e.getValue()));
            }
            sections.sort((a, b) -> Long.compare(a.begin, b.begin));
            long dataStart = 8 + n;
            long expected = 0;
            for (Section s : sections) {
                if (s.begin != expected) throw new IOException(file + ": tensor '" + s.name + "' starts at " + s.begin + " where " + expected + " was expected");
                expected = s.end;
            }
            if (dataStart + expected != size) {
                throw new IOException(file + ": the header describes " + (dataStart + expected) + " bytes but the file has " + size
                        + (size < dataStart + expected ? " (truncated)" : " (extra bytes at the end)"));
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Section s : sections) {
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(s.end - s.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + s.begin);
                data.flip();
                String recorded = metadata.get(TENSOR_CRC + s.name);
                if (recorded == null) throw new IOException(file + ": tensor '" + s.name + "' has no checksum in the header");
                String actual = hex(crc(data));
                if (!actual.equals(recorded)) {
                    throw new IOException(file + ": tensor '" + s.name + "' is damaged (CRC32C " + actual + ", the header records "
                            + recorded + "); the file changed after it was written: restore a copy or re-train");
                }
                tensors.put(s.name, new Tensor(s.name, s.dtype, s.shape, data));
            }
            for (String k : metadata.keySet()) {
                if (k.startsWith(TENSOR_CRC) && !tensors.containsKey(k.substring(TENSOR_CRC.length()))) {
                    throw new IOException(file + ": the header has a checksum for tensor '" + k.substring(TENSOR_CRC.length()) + "', which is missing");
                }
            }
            return new TensorFile(metadata, tensors);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": file not found", e);
        }
    }

    private record Section(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private static Section section(Path file, String name, JsonNode n) throws IOException {
        String where = file + ": tensor '" + name + "'";
        if (!n.isObject()) throw new IOException(where + " is not described by an object");
        DType dtype;
        try {
            dtype = DType.valueOf(n.path("dtype").asString(""));
        } catch (IllegalArgumentException e) {
            throw new IOException(where + " has dtype '" + n.path("dtype").asString("") + "'; F32, I32 and U8 are read");
        }
        JsonNode shapeNode = n.path("shape"), off = n.path("data_offsets");
        if (!shapeNode.isArray() || !off.isArray() || off.size() != 2) throw new IOException(where + " lacks a shape or data_offsets");
        long[] shape = new long[shapeNode.size()];
        // every size here comes from the file: exact arithmetic, so that a claimed [2^30, 2^30, 4] cannot wrap to 0 bytes
        long bytes = dtype.bytes();
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) throw new IOException(where + " has a bad shape " + shapeNode);
            shape[i] = d.asLong();
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IOException(where + " claims a dimension of " + shape[i] + " in its shape " + shapeNode
                        + ", more than a tensor here may have (" + Integer.MAX_VALUE + "): damaged, or not written by mmgcn-engine");
            }
            bytes = multiply(bytes, shape[i], where, shapeNode, dtype);
        }
        JsonNode b0 = off.get(0), b1 = off.get(1);
        if (!b0.isIntegralNumber() || !b1.isIntegralNumber() || !b0.canConvertToLong() || !b1.canConvertToLong()) {
            throw new IOException(where + " has data_offsets " + off + " that are not byte positions");
        }
        long begin = b0.asLong(), end = b1.asLong();
        if (begin < 0 || end < begin || end - begin != bytes || bytes > Integer.MAX_VALUE) {
            throw new IOException(where + " has data_offsets " + off + " that do not fit its shape " + shapeNode + " of " + dtype
                    + (bytes > Integer.MAX_VALUE ? " (" + bytes + " bytes: more than a tensor here may hold)" : ""));
        }
        return new Section(name, dtype, shape, begin, end);
    }

    private static long multiply(long bytes, long dim, String where, JsonNode shape, DType dtype) throws IOException {
        try {
            return Math.multiplyExact(bytes, dim);
        } catch (ArithmeticException overflow) {
            throw new IOException(where + " claims a shape " + shape + " of " + dtype + " whose size overflows 64 bits: damaged, or not written by mmgcn-engine");
        }
    }

    private static void verifyHeader(Path file, byte[] head) throws IOException {
        int at;
        try {
            at = placeholder(head, 8);
        } catch (IllegalStateException e) {
            throw new IOException(file + ": the header has no '" + HEADER_CRC + "' entry: damaged, or a safetensors file not written by mmgcn-engine");
        }
        byte[] recorded = java.util.Arrays.copyOfRange(head, at, at + 8);
        byte[] blanked = head.clone();
        System.arraycopy(PLACEHOLDER, 0, blanked, at, 8);
        CRC32C c = new CRC32C();
        c.update(blanked);
        String actual = hex(c.getValue());
        String stored = new String(recorded, StandardCharsets.ISO_8859_1);
        if (!actual.equals(stored)) {
            throw new IOException(file + ": the header is damaged (CRC32C " + actual + ", recorded " + stored
                    + "); the file changed after it was written: restore a copy or re-train");
        }
    }

    /** Position of the 8 checksum digits after the one {@code "crc32c.header":"} in the header. */
    private static int placeholder(byte[] head, int from) {
        int found = -1;
        outer:
        for (int i = from; i + CRC_KEY.length + 8 <= head.length; i++) {
            for (int j = 0; j < CRC_KEY.length; j++) if (head[i + j] != CRC_KEY[j]) continue outer;
            if (found >= 0) throw new IllegalStateException("two header checksums");
            found = i + CRC_KEY.length;
        }
        if (found < 0 || head[found + 8] != '"') throw new IllegalStateException("no header checksum");
        return found;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) throw new EOFException("unexpected end of file");
            p += r;
        }
    }

    private static long crc(ByteBuffer data) {
        CRC32C c = new CRC32C();
        c.update(data.duplicate());
        return c.getValue();
    }

    private static String hex(long crc) {
        return HexFormat.of().toHexDigits((int) crc);
    }
}
