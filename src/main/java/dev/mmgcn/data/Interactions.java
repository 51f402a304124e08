package dev.mmgcn.data;

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
}
