package dev.mmgcn.data;

/**
 * An open-addressing set of non-negative longs (user/item pairs packed into one key). A boxed
 * {@code HashSet<Long>} costs several times the time and memory at MicroLens's 360k interactions.
 */
final class LongHashSet {
    private static final long EMPTY = -1;

    private long[] slots;
    private int size;

    LongHashSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        slots = new long[cap];
        java.util.Arrays.fill(slots, EMPTY);
    }

    static long pair(int user, int item) {
        return ((long) user << 32) | (item & 0xffffffffL);
    }

    /** Adds {@code key} (must be ≥ 0); false if it was already present. */
    boolean add(long key) {
        if (size * 2 >= slots.length) grow();
        return insert(slots, key);
    }

    boolean contains(long key) {
        int mask = slots.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            if (slots[i] == key) return true;
            if (slots[i] == EMPTY) return false;
        }
    }

    int size() {
        return size;
    }

    private boolean insert(long[] table, long key) {
        int mask = table.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            if (table[i] == key) return false;
            if (table[i] == EMPTY) {
                table[i] = key;
                size++;
                return true;
            }
        }
    }

    private static int index(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        java.util.Arrays.fill(slots, EMPTY);
        size = 0;
        for (long k : old) if (k != EMPTY) insert(slots, k);
    }
}
