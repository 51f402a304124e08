package dev.mmgcn.train;

import dev.mmgcn.data.DataException;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.storage.HostScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class NegativeSamplerTest {
    // 3 users, 6 items; item 5 has no training interaction
    private static final Interactions TRAIN = new Interactions(new int[] {0, 0, 0, 1, 2, 2}, new int[] {0, 1, 2, 3, 4, 0});

    @Test
    void neverReturnsATrainingItemAndCoversTheRest() {
        try (HostScope h = new HostScope()) {
            NegativeSampler s = new NegativeSampler(GraphBuilder.userItems(h, 3, 6, TRAIN), NegativeSampler.Pool.ALL);
            int[] counts = new int[6];
            for (int k = 0; k < 6000; k++) counts[s.sample(0, 1L, 1, k)]++;
            assertEquals(0, counts[0] + counts[1] + counts[2], "user 0's training items are never negatives");
            for (int i = 3; i < 6; i++) assertTrue(counts[i] > 1700 && counts[i] < 2300, "uniform over the rest: " + counts[i]);
        }
    }

    @Test
    void trainItemsPoolLeavesColdItemsOut() {
        try (HostScope h = new HostScope()) {
            NegativeSampler s = new NegativeSampler(GraphBuilder.userItems(h, 3, 6, TRAIN), NegativeSampler.Pool.TRAIN_ITEMS);
            assertEquals(5, s.poolSize());
            for (int k = 0; k < 2000; k++) {
                int i = s.sample(1, 2L, 3, k);
                assertNotEquals(5, i, "item 5 has no training interaction");
                assertNotEquals(3, i, "user 1's own item");
            }
        }
    }

    @Test
    void aDrawIsAFunctionOfSeedEpochAndSlotAlone() {
        try (HostScope h = new HostScope()) {
            NegativeSampler s = new NegativeSampler(GraphBuilder.userItems(h, 3, 6, TRAIN), NegativeSampler.Pool.ALL);
            int[] forward = new int[500];
            for (int k = 0; k < 500; k++) forward[k] = s.sample(2, 9L, 4, k);
            for (int k = 499; k >= 0; k--) assertEquals(forward[k], s.sample(2, 9L, 4, k), "slot " + k + " drawn again, in reverse");
            int sameEpoch = 0, otherSeed = 0;
            for (int k = 0; k < 500; k++) {
                if (s.sample(2, 9L, 5, k) == forward[k]) sameEpoch++;
                if (s.sample(2, 10L, 4, k) == forward[k]) otherSeed++;
            }
            // 4 candidates for user 2: a quarter agree by chance, not all of them
            assertTrue(sameEpoch < 200 && otherSeed < 200, sameEpoch + " / " + otherSeed + " of 500 draws agree");
        }
    }

    @Test
    void userWhoSawEverythingIsAClearError() {
        try (HostScope h = new HostScope()) {
            Interactions all = new Interactions(new int[] {0, 0, 1}, new int[] {0, 1, 0});
            DataException e = assertThrows(DataException.class,
                    () -> new NegativeSampler(GraphBuilder.userItems(h, 2, 2, all), NegativeSampler.Pool.ALL));
            assertTrue(e.getMessage().contains("user 0"), e.getMessage());
        }
    }
}
