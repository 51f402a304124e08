package dev.mmgcn.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ids users or items have in the user's own files, beside the dense 0-based indices the engine
 * works with: {@code external(i)} is how index {@code i} was written, {@code index(id)} the way back.
 *
 * <p>Two kinds: a <em>range</em>, where the id is the decimal index plus a fixed offset (MMRec's
 * {@code .inter} ids without a mapping file, the original MMGCN files' items numbered after the users,
 * synthetic data), and a <em>table</em> of arbitrary strings (MMRec's {@code u_id_mapping} /
 * {@code i_id_mapping} files). Ids are unique and non-empty. Instances are immutable and thread-safe.
 */
public final class IdMap {
    private final int size;
    private final long offset;
    private final String[] ids;
    private final Map<String, Integer> byId;

    private IdMap(int size, long offset, String[] ids) {
        this.size = size;
        this.offset = offset;
        this.ids = ids;
        if (ids == null) {
            this.byId = null;
        } else {
            this.byId = new HashMap<>(ids.length * 2);
            for (int i = 0; i < ids.length; i++) {
                String id = ids[i];
                if (id == null || id.isEmpty()) throw new IllegalArgumentException("id of index " + i + " is empty");
                Integer prev = byId.put(id, i);
                if (prev != null) throw new IllegalArgumentException("id '" + id + "' is given to both index " + prev + " and index " + i);
            }
        }
    }

    /** Ids {@code offset}, {@code offset + 1}, … for indices 0, 1, …, written in decimal. */
    public static IdMap range(int size, long offset) {
        if (size < 0 || offset < 0) throw new IllegalArgumentException("range of " + size + " ids from " + offset);
        return new IdMap(size, offset, null);
    }

    /** Index {@code i} has id {@code ids.get(i)}; ids must be unique and non-empty. */
    public static IdMap of(List<String> ids) {
        return new IdMap(ids.size(), 0, ids.toArray(String[]::new));
    }

    public int size() { return size; }

    /** True for a {@link #range}, whose ids are decimal numbers. */
    public boolean isRange() { return ids == null; }

    /** The offset of a range (0 for a table). */
    public long offset() { return offset; }

    /** True when every id is the decimal index itself: nothing to map. */
    public boolean isIdentity() { return ids == null && offset == 0; }

    /** The id of {@code index}. */
    public String external(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("index " + index + " outside [0, " + size + ")");
        return ids == null ? Long.toString(offset + index) : ids[index];
    }

    /** The index of {@code id}, or -1 when no index has it. */
    public int index(String id) {
        if (id == null) return -1;
        if (ids != null) {
            Integer i = byId.get(id);
            return i == null ? -1 : i;
        }
        long v = parseCanonical(id);
        return v < offset || v - offset >= size ? -1 : (int) (v - offset);
    }

    /** Canonical decimal (no sign, no leading zeros) or -1. */
    private static long parseCanonical(String s) {
        int n = s.length();
        if (n == 0 || n > 18 || (n > 1 && s.charAt(0) == '0')) return -1;
        long v = 0;
        for (int i = 0; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) return -1;
            v = v * 10 + d;
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof IdMap m) || m.size != size) return false;
        if (isRange() && m.isRange()) return offset == m.offset || size == 0;
        for (int i = 0; i < size; i++) if (!external(i).equals(m.external(i))) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < Math.min(size, 16); i++) h = 31 * h + external(i).hashCode();
        return h;
    }

    @Override
    public String toString() {
        return isRange() ? "ids " + offset + ".." + (offset + size - 1) : size + " ids (" + (size == 0 ? "" : ids[0] + ", …") + ")";
    }
}
