package dev.mmgcn.eval;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The item-only ranking: item scores against a double-precision ⟨mean user, item⟩, and its metrics against the evaluator. */
class ItemOnlyTest {
    static Stream<Kernels> backends() {
        return Stream.concat(Stream.of(new ScalarKernels()), Backends.vector().stream());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void itemScoresAreTheMeanUserDotEachItem(Kernels k) {
        int users = 41, items = 19, dim = 7; // odd sizes: vector tails in both directions
        SplittableRandom rng = new SplittableRandom(5);
        Interactions train = EvaluatorTest.random(rng, users, items, 120);
        Interactions valid = EvaluatorTest.random(rng, users, items, 30);
        try (HostScope host = new HostScope(); Evaluator e = new Evaluator(k, users, items, train, valid, new int[] {5});
             ItemOnly check = new ItemOnly(k, users, items, dim)) {
            Tensor u = host.floats(users, dim), i = host.floats(items, dim);
            for (long x = 0; x < u.size(); x++) u.setFlat(x, (float) rng.nextGaussian());
            for (long x = 0; x < i.size(); x++) i.setFlat(x, (float) rng.nextGaussian());
            check.evaluate(e, u, i);
            float[] got = check.lastItemScores();
            for (int it = 0; it < items; it++) {
                double expected = 0;
                for (int c = 0; c < dim; c++) {
                    double mean = 0;
                    for (int us = 0; us < users; us++) mean += u.getFlat((long) us * dim + c);
                    expected += mean / users * i.getFlat((long) it * dim + c);
                }
                assertEquals(expected, got[it], 1e-5 * (1 + Math.abs(expected)), "item " + it);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void equalsTheModelWhenEveryUserIsTheSame(Kernels k) {
        // identical user rows with dyadic entries: the mean is exactly that row, so both rankings are the same
        int users = 16, items = 29, dim = 6;
        SplittableRandom rng = new SplittableRandom(9);
        Interactions train = EvaluatorTest.random(rng, users, items, 60);
        Interactions valid = EvaluatorTest.random(rng, users, items, 25);
        try (HostScope host = new HostScope(); Evaluator e = new Evaluator(k, users, items, train, valid, new int[] {3, 10});
             ItemOnly check = new ItemOnly(k, users, items, dim)) {
            Tensor u = host.floats(users, dim), i = host.floats(items, dim);
            float[] row = new float[dim];
            for (int c = 0; c < dim; c++) row[c] = (rng.nextInt(17) - 8) / 4f;
            for (long x = 0; x < u.size(); x++) u.setFlat(x, row[(int) (x % dim)]);
            for (long x = 0; x < i.size(); x++) i.setFlat(x, (float) rng.nextGaussian());
            RankingMetrics model = e.evaluate(u, i);
            RankingMetrics itemOnly = check.evaluate(e, u, i);
            assertTrue(model.users() > 0);
            assertEquals(model.asMap(), itemOnly.asMap());
        }
    }

    /**
     * {@link Ranker#rankShared} (one sort of the items, each user's first k unexcluded) against {@link Ranker#rank}
     * (the backend's score matrix, mask and top-K) on a table of ones: the same lists, item for item, with
     * heavy ties (five distinct values, −0 and +0 among them), users whose unexcluded items are fewer than k
     * (the −∞ items then fill the list in index order), and repeated training pairs; and the same metrics
     * through {@link Evaluator#evaluateShared}.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void sharedScoresRankAsTheKernelsDo(Kernels k) {
        int users = 37, items = 23, topK = 10;
        SplittableRandom rng = new SplittableRandom(13);
        float[] palette = {-1f, -0f, 0f, 0.5f, 2f};
        Interactions train = EvaluatorTest.random(rng, users, items, 400); // many users see most items
        Interactions valid = EvaluatorTest.random(rng, users, items, 60);
        try (HostScope host = new HostScope();
             Ranker ranker = new Ranker(k, java.util.stream.IntStream.range(0, users).toArray(), items,
                     dev.mmgcn.data.GraphBuilder.userItems(host, users, items, train), topK, 8);
             Evaluator e = new Evaluator(k, users, items, train, valid, new int[] {1, 5, 10})) {
            for (int trial = 0; trial < 20; trial++) {
                float[] scores = new float[items];
                for (int i = 0; i < items; i++) scores[i] = palette[rng.nextInt(palette.length)];
                Tensor ones = host.floats(users, 1), itemTable = host.floats(items, 1);
                for (int u = 0; u < users; u++) ones.setFlat(u, 1f);
                itemTable.copyFrom(scores);
                int[][] want = new int[users][], got = new int[users][];
                ranker.rank(ones, itemTable, (pos, user, ranked, v) -> want[pos] = ranked.clone());
                ranker.rankShared(scores, (pos, user, ranked, v) -> got[pos] = ranked.clone());
                for (int u = 0; u < users; u++) assertArrayEquals(want[u], got[u], "trial " + trial + ", user " + u);
                assertEquals(e.evaluate(ones, itemTable).asMap(), e.evaluateShared(scores).asMap(), "trial " + trial);
            }
            // no order for a NaN: the shared path refuses it, and the check itself falls back to the full ranking
            float[] bad = new float[items];
            bad[3] = Float.NaN;
            assertThrows(IllegalArgumentException.class, () -> ranker.rankShared(bad, (pos, user, ranked, v) -> { }));
            try (ItemOnly check = new ItemOnly(k, users, items, 2)) {
                Tensor u = host.floats(users, 2), i = host.floats(items, 2);
                for (long x = 0; x < u.size(); x++) u.setFlat(x, 1f);
                i.setFlat(6, Float.NaN);
                assertEquals(e.evaluatedUsers(), check.evaluate(e, u, i).users(), "every evaluated user ranked");
            }
        }
    }
}
