package dev.mmgcn.spark;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Merging per-range top-K lists against a sort of the whole row. */
class TopListsTest {
    /** The row's best k by (score desc, index asc): the oracle, a plain sort. */
    private static List<int[]> oracle(float[] row, int k) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < row.length; i++) idx.add(i);
        idx.sort(Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparingInt(i -> i));
        List<int[]> out = new ArrayList<>();
        for (int j = 0; j < Math.min(k, row.length); j++) out.add(new int[] {idx.get(j)});
        return out;
    }

    /** A sorted candidate list of one range, as a tile's top-K gives it. */
    private static TopLists rangeList(float[] row, int from, int to, int k) {
        List<Integer> idx = new ArrayList<>();
        for (int i = from; i < to; i++) idx.add(i);
        idx.sort(Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparingInt(i -> i));
        int n = Math.min(k, idx.size());
        int[] items = new int[n];
        float[] scores = new float[n];
        for (int j = 0; j < n; j++) {
            items[j] = idx.get(j);
            scores[j] = row[idx.get(j)];
        }
        TopLists t = new TopLists(1, k);
        t.offer(0, items, scores, 0, n, new int[k], new float[k]);
        return t;
    }

    @Test
    void rangesMergedInAnyOrderGiveTheRowsTopK() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(60), k = 1 + rnd.nextInt(12);
            float[] row = new float[n];
            // few distinct values: ties everywhere; some −∞ (seen items)
            for (int i = 0; i < n; i++) row[i] = rnd.nextInt(5) == 0 ? Float.NEGATIVE_INFINITY : rnd.nextInt(6) / 2f;
            List<TopLists> parts = new ArrayList<>();
            for (int from = 0; from < n; ) {
                int to = Math.min(n, from + 1 + rnd.nextInt(9));
                parts.add(rangeList(row, from, to, k));
                from = to;
            }
            Collections.shuffle(parts, new java.util.Random(trial));
            TopLists merged = parts.getFirst();
            for (int p = 1; p < parts.size(); p++) merged = merged.merge(parts.get(p));
            List<int[]> expected = oracle(row, k);
            assertEquals(expected.size(), merged.filled(0), "trial " + trial);
            for (int j = 0; j < expected.size(); j++) {
                assertEquals(expected.get(j)[0], merged.item(0, j), "trial " + trial + " rank " + j);
                assertEquals(row[expected.get(j)[0]], merged.score(0, j));
            }
        }
    }

    @Test
    void equalScoresKeepTheLowerItemFirst() {
        float[] row = {1f, 2f, 2f, 1f, 2f};
        TopLists a = rangeList(row, 3, 5, 3), b = rangeList(row, 0, 3, 3);
        TopLists m = a.merge(b);
        assertArrayEquals(new int[] {1, 2, 4}, m.itemsOf(0));
    }

    @Test
    void refusesListsOfAnotherShape() {
        assertThrows(IllegalArgumentException.class, () -> new TopLists(2, 3).merge(new TopLists(2, 4)));
        assertThrows(IllegalArgumentException.class, () -> new TopLists(2, 3).merge(new TopLists(3, 3)));
    }
}
