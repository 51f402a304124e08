package dev.mmgcn.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The best {@code k} items of each user of a block, best first: for row {@code r}, entries
 * {@code r·k .. r·k + k} of {@link #items} (global item indices) and {@link #scores}. Entries are ordered
 * by score, higher first, and on equal scores by item index, lower first — the order the engine's top-K
 * kernel produces for a whole row — so lists of disjoint item ranges {@link #merge} into exactly the list
 * of their union, in any order of merging. Masked (seen) items carry −∞ and sort last; a list is full
 * (k entries) once it has seen k items.
 */
public final class TopLists implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int rows, k;
    private final int[] items;
    private final float[] scores;
    private final int[] filled;

    public TopLists(int rows, int k) {
        if (rows < 0 || k < 1) throw new IllegalArgumentException(rows + " rows of top-" + k);
        this.rows = rows;
        this.k = k;
        this.items = new int[Math.multiplyExact(rows, k)];
        this.scores = new float[rows * k];
        this.filled = new int[rows];
    }

    public int rows() { return rows; }

    public int k() { return k; }

    /** How many entries row {@code r} holds (k once k or more items were offered). */
    public int filled(int r) { return filled[r]; }

    public int item(int r, int j) { return items[r * k + j]; }

    public float score(int r, int j) { return scores[r * k + j]; }

    /** Row {@code r}'s items, best first (all filled entries, −∞ ones included). */
    public int[] itemsOf(int r) { return Arrays.copyOfRange(items, r * k, r * k + filled[r]); }

    /** Whether (sa, ia) ranks before (sb, ib): a higher score, or an equal score at a lower item index. */
    static boolean before(float sa, int ia, float sb, int ib) {
        return sa > sb || (sa == sb && ia < ib);
    }

    /**
     * Merges a sorted candidate list (n entries of {@code candItems}/{@code candScores} from {@code from},
     * in this class's order) into row {@code r}, keeping the best k.
     */
    void offer(int r, int[] candItems, float[] candScores, int from, int n, int[] tmpItems, float[] tmpScores) {
        int base = r * k, have = filled[r];
        int a = 0, b = 0, w = 0;
        while (w < k && (a < have || b < n)) {
            boolean takeOwn = b >= n || (a < have && before(scores[base + a], items[base + a], candScores[from + b], candItems[from + b]));
            if (takeOwn) {
                tmpItems[w] = items[base + a];
                tmpScores[w++] = scores[base + a++];
            } else {
                tmpItems[w] = candItems[from + b];
                tmpScores[w++] = candScores[from + b++];
            }
        }
        System.arraycopy(tmpItems, 0, items, base, w);
        System.arraycopy(tmpScores, 0, scores, base, w);
        filled[r] = w;
    }

    /** Merges {@code other} (the same users, other items) into this; returns this. */
    public TopLists merge(TopLists other) {
        if (other.rows != rows || other.k != k) {
            throw new IllegalArgumentException("cannot merge top-" + other.k + " of " + other.rows + " users into top-" + k + " of " + rows);
        }
        int[] ti = new int[k];
        float[] ts = new float[k];
        for (int r = 0; r < rows; r++) offer(r, other.items, other.scores, r * k, other.filled[r], ti, ts);
        return this;
    }
}
