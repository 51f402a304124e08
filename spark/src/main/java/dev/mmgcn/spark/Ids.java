package dev.mmgcn.spark;

import dev.mmgcn.data.IdMap;

import java.io.Serializable;

/**
 * The items' own ids in a form an executor can hold: the decimal range {@code offset + index} without
 * any strings when the data's ids are a range, else the table of strings. Shipped once per executor by
 * broadcast.
 */
public final class Ids implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int size;
    private final long offset;
    private final String[] table;

    private Ids(int size, long offset, String[] table) {
        this.size = size;
        this.offset = offset;
        this.table = table;
    }

    public static Ids of(IdMap map) {
        if (map.isRange()) return new Ids(map.size(), map.offset(), null);
        String[] t = new String[map.size()];
        for (int i = 0; i < t.length; i++) t[i] = map.external(i);
        return new Ids(map.size(), 0, t);
    }

    public int size() { return size; }

    public String get(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("index " + index + " outside [0, " + size + ")");
        return table == null ? Long.toString(offset + index) : table[index];
    }
}
