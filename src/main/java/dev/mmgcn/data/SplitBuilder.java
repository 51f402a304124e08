package dev.mmgcn.data;

import java.util.Arrays;

/** Collects one split's (user, item) pairs in file order, dropping and counting repeats of a pair. */
final class SplitBuilder {
    final String split;
    private int[] users = new int[1024];
    private int[] items = new int[1024];
    private int size;
    private int duplicates;
    private final LongHashSet seen;

    SplitBuilder(String split, int expected) {
        this.split = split;
        this.seen = new LongHashSet(Math.max(expected, 16));
    }

    /** Adds a pair; false (and counted) if this split already has it. */
    boolean add(int user, int item) {
        if (!seen.add(LongHashSet.pair(user, item))) {
            duplicates++;
            return false;
        }
        if (size == users.length) {
            users = Arrays.copyOf(users, size * 2);
            items = Arrays.copyOf(items, size * 2);
        }
        users[size] = user;
        items[size] = item;
        size++;
        return true;
    }

    boolean contains(int user, int item) {
        return seen.contains(LongHashSet.pair(user, item));
    }

    int size() {
        return size;
    }

    int duplicates() {
        return duplicates;
    }

    int user(int k) {
        return users[k];
    }

    int item(int k) {
        return items[k];
    }

    Interactions build() {
        return new Interactions(Arrays.copyOf(users, size), Arrays.copyOf(items, size));
    }
}
