package dev.mmgcn.train;

import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The epoch plan: a valid set of triples, a pure function of (seed, epoch), a fair shuffle. */
class EpochPlanTest {
    private static final int USERS = 40, ITEMS = 30;

    private static Interactions train() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 500;
        int[] u = new int[n], i = new int[n];
        for (int k = 0; k < n; k++) {
            u[k] = rng.nextInt(USERS);
            i[k] = rng.nextInt(ITEMS - 1); // the last item is never trained on
        }
        return new Interactions(u, i);
    }

    private static EpochPlan plan(HostScope h, Interactions train, long seed, NegativeSampler.Pool pool) {
        NegativeSampler sampler = new NegativeSampler(GraphBuilder.userItems(h, USERS, ITEMS, train), pool);
        return new EpochPlan(train, USERS, ITEMS, sampler, seed);
    }

    private static int[][] fill(HostScope h, EpochPlan p, int epoch) {
        IntTensor u = h.ints(p.pairs(), 1), pos = h.ints(p.pairs(), 1), neg = h.ints(p.pairs(), 1);
        p.fill(epoch, u, pos, neg);
        return new int[][] {u.toArray(), pos.toArray(), neg.toArray()};
    }

    @Test
    void everyDistinctPairOnceWithAValidNegative() {
        try (HostScope h = new HostScope()) {
            Interactions train = train();
            Set<Long> distinct = new HashSet<>();
            Set<Long> trained = new HashSet<>();
            for (int k = 0; k < train.size(); k++) {
                long code = (long) train.users()[k] * ITEMS + train.items()[k];
                distinct.add(code);
                trained.add(code);
            }
            EpochPlan p = plan(h, train, 11L, NegativeSampler.Pool.ALL);
            assertEquals(distinct.size(), p.pairs(), "repeated pairs are trained once");
            int[][] t = fill(h, p, 1);
            Set<Long> seen = new HashSet<>();
            for (int r = 0; r < p.pairs(); r++) {
                int u = t[0][r], item = t[1][r] - USERS, negative = t[2][r] - USERS;
                assertTrue(seen.add((long) u * ITEMS + item), "pair (" + u + ", " + item + ") twice");
                assertTrue(trained.contains((long) u * ITEMS + item), "a training pair");
                assertTrue(negative >= 0 && negative < ITEMS);
                assertFalse(trained.contains((long) u * ITEMS + negative), "negative " + negative + " is a training item of user " + u);
            }
            assertEquals(distinct, seen);
        }
    }

    @Test
    void aPureFunctionOfSeedAndEpoch() {
        try (HostScope h = new HostScope()) {
            Interactions train = train();
            EpochPlan a = plan(h, train, 11L, NegativeSampler.Pool.ALL);
            int[][] e1 = fill(h, a, 1);
            int[][] e2 = fill(h, a, 2);
            int[][] e3 = fill(h, a, 3);
            // another plan that only ever makes epoch 3: the same triples, no state carried between epochs
            EpochPlan b = plan(h, train, 11L, NegativeSampler.Pool.ALL);
            int[][] e3Fresh = fill(h, b, 3);
            for (int c = 0; c < 3; c++) assertArrayEquals(e3[c], e3Fresh[c]);
            assertFalse(Arrays.equals(e1[0], e2[0]), "epochs are shuffled differently");
            int[][] otherSeed = fill(h, plan(h, train, 12L, NegativeSampler.Pool.ALL), 1);
            assertFalse(Arrays.equals(e1[0], otherSeed[0]), "seeds are shuffled differently");
        }
    }

    @Test
    void theOrderIsTheSortOfItsKeys() {
        try (HostScope h = new HostScope()) {
            EpochPlan p = plan(h, train(), 77L, NegativeSampler.Pool.ALL);
            int n = p.pairs();
            int bits = 32 - Integer.numberOfLeadingZeros(n - 1);
            int[] order = p.order(5);
            long previous = 0;
            for (int r = 0; r < n; r++) {
                long key = (Philox.bits(77L, order[r], 0, 5, EpochPlan.SHUFFLE) >>> bits << bits) | order[r];
                if (r > 0) assertTrue(Long.compareUnsigned(previous, key) < 0, "keys ascend at position " + r);
                previous = key;
            }
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < n; k++) assertEquals(k, sorted[k], "a permutation");
        }
    }

    @Test
    void theShuffleIsFair() {
        try (HostScope h = new HostScope()) {
            EpochPlan p = plan(h, train(), 5L, NegativeSampler.Pool.ALL);
            int n = p.pairs();
            // where pair 0 lands, over 4000 epochs, by tenth of the epoch: about 400 each
            int[] tenths = new int[10];
            for (int e = 1; e <= 4000; e++) {
                int[] order = p.order(e);
                for (int r = 0; r < n; r++) if (order[r] == 0) tenths[r * 10 / n]++;
            }
            for (int c : tenths) assertTrue(c > 300 && c < 500, Arrays.toString(tenths));
        }
    }

    @Test
    void trainItemsPoolNeverDrawsAnUntrainedItem() {
        try (HostScope h = new HostScope()) {
            EpochPlan p = plan(h, train(), 9L, NegativeSampler.Pool.TRAIN_ITEMS);
            for (int e = 1; e <= 5; e++) {
                for (int neg : fill(h, p, e)[2]) assertNotEquals(USERS + ITEMS - 1, neg, "item " + (ITEMS - 1) + " has no training interaction");
            }
        }
    }
}
