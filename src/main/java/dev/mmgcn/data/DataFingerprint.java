package dev.mmgcn.data;

import dev.mmgcn.storage.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a dataset held, as SHA-256 digests of its parts: each split's (user, item) pairs in file order,
 * each modality's feature matrix (shape and float32 values), and the user and item counts. It is
 * computed from the loaded content, not from file names or dates, so it is the same for the same data
 * wherever it sits and changes when any pair or feature value changes.
 *
 * <p>{@link #changes} names the parts that differ, so a command can say "the visual features changed"
 * rather than only "the data is different".
 *
 * @param parts part name → "size:sha256hex", in a fixed order (counts, splits, modalities)
 */
public record DataFingerprint(Map<String, String> parts) {

    public DataFingerprint {
        parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    public static DataFingerprint of(Dataset d) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("users", Integer.toString(d.numUsers()));
        p.put("items", Integer.toString(d.numItems()));
        p.put("train", interactions(d.train()));
        p.put("valid", interactions(d.valid()));
        p.put("test", interactions(d.test()));
        for (Modality m : d.modalities()) p.put("modality." + m.name(), features(m.features()));
        for (BagOfWords b : d.wordModalities()) p.put("words." + b.name(), words(b));
        return new DataFingerprint(p);
    }

    /** One digest over all parts: equal data, equal string. */
    public String digest() {
        MessageDigest md = sha256();
        for (Map.Entry<String, String> e : parts.entrySet()) {
            md.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Human-readable differences from {@code before} (empty when the data is the same). */
    public List<String> changes(DataFingerprint before) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : before.parts.entrySet()) {
            String now = parts.get(e.getKey());
            if (now == null) out.add(label(e.getKey()) + " is missing now");
            else if (!now.equals(e.getValue())) out.add(label(e.getKey()) + " changed" + sizeChange(e.getValue(), now));
        }
        for (String k : parts.keySet()) if (!before.parts.containsKey(k)) out.add(label(k) + " is new");
        return out;
    }

    private static String label(String key) {
        return switch (key) {
            case "users" -> "the user count";
            case "items" -> "the item count";
            case "train", "valid", "test" -> "the " + key + " interactions";
            default -> key.startsWith("modality.") ? "the " + key.substring(9) + " features"
                    : key.startsWith("words.") ? "the " + key.substring(6) + " word ids" : key;
        };
    }

    private static String sizeChange(String before, String now) {
        String b = before.contains(":") ? before.substring(0, before.indexOf(':')) : before;
        String n = now.contains(":") ? now.substring(0, now.indexOf(':')) : now;
        return b.equals(n) ? " (same size " + b + ", different content)" : " (" + b + " → " + n + ")";
    }

    private static String interactions(Interactions s) {
        MessageDigest md = sha256();
        ByteBuffer buf = ByteBuffer.allocate(8 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < s.size(); k++) {
            if (buf.remaining() < 8) flush(md, buf);
            buf.putInt(s.users()[k]).putInt(s.items()[k]);
        }
        flush(md, buf);
        return s.size() + ":" + HexFormat.of().formatHex(md.digest());
    }

    private static String features(Tensor t) {
        MessageDigest md = sha256();
        ByteBuffer buf = ByteBuffer.allocate(4 * 8192).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(t.rows()).putInt(t.cols());
        MemorySegment seg = t.segment();
        long n = t.size();
        for (long i = 0; i < n; i++) {
            if (buf.remaining() < 4) flush(md, buf);
            buf.putFloat(seg.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
        }
        flush(md, buf);
        return t.rows() + "x" + t.cols() + ":" + HexFormat.of().formatHex(md.digest());
    }

    /** The item × word CSR's structure and values: which words each item has, repeats counted. */
    private static String words(BagOfWords b) {
        MessageDigest md = sha256();
        ByteBuffer buf = ByteBuffer.allocate(4 * 8192).order(ByteOrder.LITTLE_ENDIAN);
        var m = b.itemWords();
        buf.putInt(m.rows()).putInt(m.cols());
        int[] ptr = m.rowPtr().toArray();
        int[] col = m.colIdx().toArray();
        float[] val = m.values() == null ? new float[0] : m.values().toArray();
        for (int v : ptr) {
            if (buf.remaining() < 4) flush(md, buf);
            buf.putInt(v);
        }
        for (int v : col) {
            if (buf.remaining() < 4) flush(md, buf);
            buf.putInt(v);
        }
        for (float v : val) {
            if (buf.remaining() < 4) flush(md, buf);
            buf.putFloat(v);
        }
        flush(md, buf);
        return m.rows() + "x" + m.cols() + "/" + col.length + ":" + HexFormat.of().formatHex(md.digest());
    }

    private static void flush(MessageDigest md, ByteBuffer buf) {
        md.update(buf.array(), 0, buf.position());
        buf.clear();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }
}
