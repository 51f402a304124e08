package dev.mmgcn.train;

import dev.mmgcn.data.DataFingerprint;
import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.SeenItems;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.io.TensorFile;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** How {@link Checkpoint}'s parts map to safetensors metadata entries and tensors; and the version-1 reader. */
final class CheckpointLayout {
    static final String SEEN_PTR = "seen.row_ptr", SEEN_ITEMS = "seen.items";
    static final String USER_IDS = "ids.users", ITEM_IDS = "ids.items";
    static final String OFFSETS = ".offsets", UTF8 = ".utf8";
    private static final List<String> RECORD_TENSORS = List.of(SEEN_PTR, SEEN_ITEMS, USER_IDS + OFFSETS, USER_IDS + UTF8,
            ITEM_IDS + OFFSETS, ITEM_IDS + UTF8);

    private CheckpointLayout() {
    }

    static boolean reserved(String key) {
        return key.equals(Checkpoint.KEY_FORMAT) || key.startsWith(Checkpoint.KEY_FORMAT + ".")
                || key.equals(Checkpoint.KEY_FINGERPRINT) || key.startsWith(Checkpoint.KEY_FINGERPRINT + ".") || key.startsWith("crc32c.");
    }

    static void checkSettingKey(String key) {
        if (reserved(key)) throw new IllegalArgumentException("setting key '" + key + "' is reserved for the checkpoint format");
    }

    static void checkExtraName(String name) {
        if (name.equals(Checkpoint.REPRESENTATION) || RECORD_TENSORS.contains(name) || name.startsWith("__")) {
            throw new IllegalArgumentException("tensor name '" + name + "' is reserved");
        }
    }

    static boolean isRecordTensor(String name) {
        return RECORD_TENSORS.contains(name);
    }

    /** The entries of {@code all} that are settings (not the format's own). */
    static Map<String, String> settings(Map<?, ?> all) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : all.entrySet()) {
            String k = e.getKey().toString();
            if (!reserved(k)) out.put(k, e.getValue().toString());
        }
        return out;
    }

    static void putRecord(TrainingRecord r, Map<String, String> meta, List<TensorFile.Tensor> out) {
        meta.put(Checkpoint.KEY_FINGERPRINT, r.fingerprint().digest());
        r.fingerprint().parts().forEach((k, v) -> meta.put(Checkpoint.KEY_FINGERPRINT + "." + k, v));
        SeenItems s = r.seen();
        out.add(TensorFile.Tensor.ints(SEEN_PTR, s.rowPtr(), s.rowPtr().length));
        out.add(TensorFile.Tensor.ints(SEEN_ITEMS, s.items(), s.items().length));
        putIds(USER_IDS, r.userIds(), out);
        putIds(ITEM_IDS, r.itemIds(), out);
    }

    private static void putIds(String name, IdMap ids, List<TensorFile.Tensor> out) {
        int[] offsets = new int[ids.size() + 1];
        List<byte[]> parts = new ArrayList<>(ids.size());
        long total = 0;
        for (int i = 0; i < ids.size(); i++) {
            byte[] b = ids.external(i).getBytes(StandardCharsets.UTF_8);
            parts.add(b);
            total += b.length;
            if (total > Integer.MAX_VALUE) throw new IllegalArgumentException(name + ": ids too long in all to store");
            offsets[i + 1] = (int) total;
        }
        byte[] bytes = new byte[(int) total];
        for (int i = 0; i < parts.size(); i++) System.arraycopy(parts.get(i), 0, bytes, offsets[i], parts.get(i).length);
        out.add(TensorFile.Tensor.ints(name + OFFSETS, offsets, offsets.length));
        out.add(TensorFile.Tensor.bytes(name + UTF8, bytes));
    }

    /** The record, or null when the file has none of its parts; a partial record is an error. */
    static TrainingRecord readRecord(Path file, Map<String, String> meta, Map<String, TensorFile.Tensor> t) throws IOException {
        int present = 0;
        for (String n : RECORD_TENSORS) if (t.containsKey(n)) present++;
        if (present == 0 && !meta.containsKey(Checkpoint.KEY_FINGERPRINT)) return null;
        if (present != RECORD_TENSORS.size() || !meta.containsKey(Checkpoint.KEY_FINGERPRINT)) {
            throw new IOException(file + ": the training record is incomplete (needs " + RECORD_TENSORS + " and the fingerprint)");
        }
        Map<String, String> parts = new LinkedHashMap<>();
        String prefix = Checkpoint.KEY_FINGERPRINT + ".";
        meta.forEach((k, v) -> {
            if (k.startsWith(prefix)) parts.put(k.substring(prefix.length()), v);
        });
        DataFingerprint fp = new DataFingerprint(parts);
        if (!fp.digest().equals(meta.get(Checkpoint.KEY_FINGERPRINT))) throw new IOException(file + ": the data fingerprint does not match its parts");
        IdMap users = ids(file, USER_IDS, t), items = ids(file, ITEM_IDS, t);
        try {
            SeenItems seen = new SeenItems(users.size(), items.size(), t.get(SEEN_PTR).toInts(), t.get(SEEN_ITEMS).toInts());
            return new TrainingRecord(fp, users, items, seen);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    private static IdMap ids(Path file, String name, Map<String, TensorFile.Tensor> t) throws IOException {
        int[] offsets = t.get(name + OFFSETS).toInts();
        byte[] bytes = t.get(name + UTF8).toBytes();
        if (offsets.length == 0 || offsets[0] != 0 || offsets[offsets.length - 1] != bytes.length) {
            throw new IOException(file + ": " + name + OFFSETS + " does not fit " + name + UTF8);
        }
        int n = offsets.length - 1;
        List<String> ids = new ArrayList<>(n);
        boolean range = true;
        long first = -1;
        for (int i = 0; i < n; i++) {
            if (offsets[i + 1] < offsets[i]) throw new IOException(file + ": " + name + OFFSETS + " decreases at " + i);
            String id = new String(bytes, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8);
            ids.add(id);
            if (range) {
                if (i == 0) first = decimal(id);
                range = first >= 0 && id.equals(Long.toString(first + i));
            }
        }
        try {
            return range ? IdMap.range(n, Math.max(first, 0)) : IdMap.of(ids);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + name + ": " + e.getMessage());
        }
    }

    private static long decimal(String s) {
        if (s.isEmpty() || s.length() > 18 || (s.length() > 1 && s.charAt(0) == '0')) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        return Long.parseLong(s);
    }

    record V1(Properties header, Map<String, float[]> tensors, Map<String, int[]> shapes) {
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends java.io.FilterInputStream {
        long count;

        Counting(InputStream in) {
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

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            count += k;
            return k;
        }
    }

    /**
     * Version 1: {@code "MMGCNCK1"}, int32 header length, UTF-8 properties, int32 tensor count, then per
     * tensor a modified-UTF-8 name, int32 rows, int32 cols and little-endian float32 values. No checksums.
     */
    static V1 readVersion1(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream is = Files.newInputStream(file);
             Counting counted = new Counting(new BufferedInputStream(is, 1 << 20));
             DataInputStream in = new DataInputStream(counted)) {
            byte[] magic = new byte[Checkpoint.Version1.MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, Checkpoint.Version1.MAGIC)) throw new IOException(file + " is not a version-1 checkpoint");
            int hl = in.readInt();
            if (hl < 0 || hl > (1 << 24)) throw new IOException(file + ": corrupt checkpoint header");
            byte[] h = new byte[hl];
            in.readFully(h);
            Properties header = new Properties();
            header.load(new StringReader(new String(h, StandardCharsets.UTF_8)));
            int count = in.readInt();
            Map<String, float[]> t = new LinkedHashMap<>();
            Map<String, int[]> s = new LinkedHashMap<>();
            byte[] raw = new byte[1 << 16];
            for (int k = 0; k < count; k++) {
                String name = in.readUTF();
                int rows = in.readInt(), cols = in.readInt();
                if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) throw new IOException(file + ": corrupt shape for tensor " + name);
                long need = (long) rows * cols * 4, left = size - counted.count;
                if (need > left) { // checked before the array is made: a damaged shape must not look like a lack of memory
                    throw new IOException(file + ": tensor " + name + " claims " + rows + " x " + cols + " floats (" + need
                            + " bytes) but only " + left + " bytes remain: damaged or truncated");
                }
                float[] v = new float[rows * cols];
                for (int i = 0; i < v.length; ) {
                    int n = Math.min(raw.length / 4, v.length - i);
                    in.readFully(raw, 0, n * 4);
                    ByteBuffer bb = ByteBuffer.wrap(raw, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (int j = 0; j < n; j++) v[i++] = bb.getFloat();
                }
                t.put(name, v);
                s.put(name, new int[] {rows, cols});
            }
            return new V1(header, t, s);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }
}
