package dev.mmgcn.data;

import java.util.Arrays;

/** The (user, item) pairs of one split, ids 0-based. Arrays are owned by this record; callers do not modify them. */
public record Interactions(int[] users, int[] items) {
    public Interactions {
        if (users.length != items.length) {
            throw new IllegalArgumentException(users.length + " users for " + items.length + " items");
        }
    }

    public static Interactions empty() {
        return new Interactions(new int[0], new int[0]);
    }

    public int size() {
        return users.length;
    }

    /** The distinct pairs, sorted by user, then item: a repeated interaction must not count twice (in a degree, an epoch, a mask). */
    public Interactions distinct(int numItems) {
        long[] codes = new long[users.length];
        for (int k = 0; k < codes.length; k++) codes[k] = (long) users[k] * numItems + items[k];
        Arrays.sort(codes);
        int w = 0;
        for (int k = 0; k < codes.length; k++) {
            if (k == 0 || codes[k] != codes[k - 1]) codes[w++] = codes[k];
        }
        int[] u = new int[w];
        int[] i = new int[w];
        for (int k = 0; k < w; k++) {
            u[k] = (int) (codes[k] / numItems);
            i[k] = (int) (codes[k] % numItems);
        }
        return new Interactions(u, i);
    }
}
