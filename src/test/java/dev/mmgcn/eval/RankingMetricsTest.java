package dev.mmgcn.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Metric definitions against values worked out by hand. */
class RankingMetricsTest {
    private static final double L3 = 1 / (Math.log(3) / Math.log(2));
    private static final double L5 = 1 / (Math.log(5) / Math.log(2));

    @Test
    void handComputedUser() {
        RankingMetrics m = new RankingMetrics(new int[] {2, 4});
        // hits at ranks 2 and 4 (1-based); three positives, one of them (7) never recommended
        m.addUser(new int[] {5, 3, 9, 1}, 4, new int[] {1, 3, 7});
        assertEquals(0.5, m.get("precision", 2), 1e-12);
        assertEquals(1.0 / 3, m.get("recall", 2), 1e-12);
        assertEquals(L3 / (1 + L3), m.get("ndcg", 2), 1e-12, "ideal DCG over min(3, 2) = 2 hits");
        assertEquals(0.5 / 2, m.get("map", 2), 1e-12, "AP normalised by min(|P|, K)");
        assertEquals(1.0, m.get("hit", 2), 1e-12);

        assertEquals(0.5, m.get("precision", 4), 1e-12);
        assertEquals(2.0 / 3, m.get("recall", 4), 1e-12);
        assertEquals((L3 + L5) / (1 + L3 + 0.5), m.get("ndcg", 4), 1e-12, "ideal DCG over min(3, 4) = 3 hits");
        assertEquals((0.5 + 0.5) / 3, m.get("map", 4), 1e-12);
        assertEquals(1.0, m.get("hit@4"), 1e-12);
    }

    @Test
    void averagesOverUsersAndCountsSkipped() {
        RankingMetrics m = new RankingMetrics(new int[] {2});
        m.addUser(new int[] {5, 3}, 2, new int[] {1, 3, 7});
        m.addUser(new int[] {2, 4}, 2, new int[] {10});
        m.skip();
        assertEquals(2, m.users());
        assertEquals(1, m.skipped());
        assertEquals(0.25, m.get("precision@2"), 1e-12);
        assertEquals(1.0 / 6, m.get("recall@2"), 1e-12);
        assertEquals(0.5 * L3 / (1 + L3), m.get("ndcg@2"), 1e-12);
        assertEquals(0.5, m.get("hit@2"), 1e-12);
    }

    @Test
    void mergedPartsAverageOverAllTheirUsers() throws Exception {
        // the users of averagesOverUsersAndCountsSkipped, held by two partial results as two workers would
        RankingMetrics a = new RankingMetrics(new int[] {2});
        a.addUser(new int[] {5, 3}, 2, new int[] {1, 3, 7});
        RankingMetrics b = new RankingMetrics(new int[] {2});
        b.addUser(new int[] {2, 4}, 2, new int[] {10});
        b.skip();
        // a partial result crosses a process boundary in a distributed job: serialise b on the way
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(b);
        }
        RankingMetrics shipped;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (RankingMetrics) in.readObject();
        }
        a.merge(shipped);
        assertEquals(2, a.users());
        assertEquals(1, a.skipped());
        assertEquals(0.25, a.get("precision@2"), 1e-12);
        assertEquals(1.0 / 6, a.get("recall@2"), 1e-12);
        assertEquals(0.5 * L3 / (1 + L3), a.get("ndcg@2"), 1e-12);
        assertEquals(0.5 * 0.5 / 2, a.get("map@2"), 1e-12);
        assertEquals(0.5, a.get("hit@2"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> a.merge(new RankingMetrics(new int[] {3})), "other cut-offs");
    }

    @Test
    void perfectRankingScoresOne() {
        RankingMetrics m = new RankingMetrics(new int[] {3});
        m.addUser(new int[] {4, 8, 1}, 3, new int[] {1, 4, 8});
        for (String name : new String[] {"precision", "recall", "ndcg", "map", "hit"}) {
            assertEquals(1.0, m.get(name, 3), 1e-12, name);
        }
    }

    @Test
    void fewerPositivesThanK() {
        RankingMetrics m = new RankingMetrics(new int[] {5});
        m.addUser(new int[] {9, 2, 0, 0, 0}, 5, new int[] {2});
        assertEquals(L3, m.get("ndcg@5"), 1e-12, "one positive: IDCG = 1");
        assertEquals(0.5, m.get("map@5"), 1e-12);
        assertEquals(0.2, m.get("precision@5"), 1e-12, "precision divides by K, not by the number of positives");
    }

    @Test
    void rejectsBadNamesAndUsers() {
        RankingMetrics m = new RankingMetrics(new int[] {10});
        assertThrows(IllegalArgumentException.class, () -> m.get("recall@20"));
        assertThrows(IllegalArgumentException.class, () -> m.get("auc@10"));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.parse("recall"));
        assertThrows(IllegalArgumentException.class, () -> m.addUser(new int[] {1}, 1, new int[0]));
    }
}
