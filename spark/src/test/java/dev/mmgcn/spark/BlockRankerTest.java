package dev.mmgcn.spark;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** One task's ranking against a brute force in double precision, over awkward tile shapes. */
class BlockRankerTest {
    private static final int USERS = 37, ITEMS = 101, DIM = 19;

    private final float[] userRows = new float[USERS * DIM];
    private final float[] itemRows = new float[ITEMS * DIM];
    private final int[] seenPtr = new int[USERS + 1];
    private final int[] seenItems;

    BlockRankerTest() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int i = 0; i < userRows.length; i++) userRows[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < itemRows.length; i++) itemRows[i] = (float) rnd.nextGaussian();
        List<Integer> seen = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            // user 5 has seen all but 5 items (0, 25, …, 100): its list has 5 real entries, then −∞ ones
            for (int i = 0; i < ITEMS; i++) if (u == 5 ? i % 25 != 0 : rnd.nextInt(7) == 0) seen.add(i);
            seenPtr[u + 1] = seen.size();
        }
        seenItems = seen.stream().mapToInt(x -> x).toArray();
    }

    private double score(int u, int i) {
        double s = 0;
        for (int c = 0; c < DIM; c++) s += (double) userRows[u * DIM + c] * itemRows[i * DIM + c];
        return s;
    }

    private boolean seen(int u, int i) {
        return Arrays.binarySearch(seenItems, seenPtr[u], seenPtr[u + 1], i) >= 0;
    }

    private TopLists rank(int k, int userTile, int itemTile, int firstItem, int count, boolean excludeSeen) {
        int[] users = new int[USERS];
        for (int u = 0; u < USERS; u++) users[u] = u;
        UserBlock block = new UserBlock(0, users, DIM, userRows, excludeSeen ? seenPtr : null, excludeSeen ? seenItems : null, null, null, null);
        try (BlockRanker r = BlockRanker.create(k, userTile, itemTile); HostScope s = new HostScope()) {
            Tensor t = s.floats(count, DIM);
            t.copyFrom(Arrays.copyOfRange(itemRows, firstItem * DIM, (firstItem + count) * DIM));
            return r.rank(block, t, firstItem);
        }
    }

    @Test
    void matchesBruteForceForEveryTileShape() {
        int k = 10;
        for (int[] tiles : new int[][] {{1, 1}, {3, 7}, {8, 16}, {37, 101}, {256, 4096}, {5, 100}}) {
            TopLists got = rank(k, tiles[0], tiles[1], 0, ITEMS, true);
            for (int u = 0; u < USERS; u++) {
                String where = "tiles " + Arrays.toString(tiles) + " user " + u;
                List<Integer> unseen = new ArrayList<>();
                for (int i = 0; i < ITEMS; i++) if (!seen(u, i)) unseen.add(i);
                int real = 0;
                while (real < got.filled(u) && got.score(u, real) != Float.NEGATIVE_INFINITY) real++;
                assertEquals(Math.min(k, unseen.size()), real, where + ": unseen entries");
                assertEquals(k, got.filled(u), where + ": the list is always k long, −∞ entries last");
                final int uu = u;
                unseen.sort((a, b) -> Double.compare(score(uu, b), score(uu, a)));
                for (int j = 0; j < real; j++) {
                    int item = got.item(u, j);
                    assertFalse(seen(u, item), where + ": recommended a seen item");
                    assertEquals(score(u, item), got.score(u, j), 1e-4, where + ": the score is the dot product");
                    // rank j holds the j-th best unseen score (ties aside, which random floats do not make)
                    assertEquals(unseen.get(j), item, where + " rank " + j);
                }
            }
        }
    }

    @Test
    void includesSeenItemsWhenAsked() {
        TopLists got = rank(5, 4, 9, 0, ITEMS, false);
        int u = 5;
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) all.add(i);
        all.sort((a, b) -> Double.compare(score(u, b), score(u, a)));
        for (int j = 0; j < 5; j++) assertEquals(all.get(j), got.item(u, j));
    }

    @Test
    void anItemRangeReportsGlobalIndices() {
        TopLists part = rank(6, 5, 8, 40, 30, true);
        for (int u = 0; u < USERS; u++) {
            for (int j = 0; j < part.filled(u); j++) {
                if (part.score(u, j) == Float.NEGATIVE_INFINITY) {
                    assertTrue(seen(u, part.item(u, j)), "only seen items are −∞");
                    continue;
                }
                assertTrue(part.item(u, j) >= 40 && part.item(u, j) < 70, "item index is global");
            }
        }
        // two ranges merged give the whole-catalogue ranking, bit for bit
        TopLists a = rank(6, 5, 8, 0, 40, true), b = rank(6, 5, 8, 40, 61, true);
        TopLists whole = rank(6, 5, 8, 0, ITEMS, true);
        a.merge(b);
        for (int u = 0; u < USERS; u++) {
            assertArrayEquals(whole.itemsOf(u), a.itemsOf(u), "user " + u);
            for (int j = 0; j < 6; j++) assertEquals(whole.score(u, j), a.score(u, j));
        }
    }
}
