package dev.mmgcn.eval;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.*;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The blocked, masked, top-K evaluator against a brute-force ranking: full double-precision score
 * rows, training items removed, a full sort. Random float embeddings make score ties practically
 * impossible, so the two rankings must agree exactly.
 */
class EvaluatorTest {
    static Stream<Kernels> backends() {
        return Stream.concat(Stream.of(new ScalarKernels()), Backends.vector().stream());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matchesBruteForceAcrossBlocks(Kernels k) {
        int users = 37, items = 23, dim = 5;
        SplittableRandom rng = new SplittableRandom(11);
        Interactions train = random(rng, users, items, 150);
        Interactions test = random(rng, users - 4, items, 40); // the last users have no test items: skipped
        try (HostScope host = new HostScope()) {
            Tensor u = host.floats(users, dim), i = host.floats(items, dim);
            for (long x = 0; x < u.size(); x++) u.setFlat(x, (float) rng.nextGaussian());
            for (long x = 0; x < i.size(); x++) i.setFlat(x, (float) rng.nextGaussian());
            int[] ks = {1, 5, 10};
            RankingMetrics expected = bruteForce(u, i, train, test, users, items, ks);
            for (int block : new int[] {1, 4, 1000}) {
                try (Evaluator e = new Evaluator(k, users, items, train, test, ks, block)) {
                    RankingMetrics got = e.evaluate(u, i);
                    assertEquals(expected.users(), got.users());
                    assertEquals(expected.skipped(), got.skipped());
                    assertEquals(expected.asMap(), got.asMap(), "block of " + block + " users");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void popularityRanksByTrainCountAndMasksSeenItems(Kernels k) {
        // items 0..3 with train counts 1, 3, 2, 0; user 0 saw item 1, so its ranking is 2, 0, 3
        Interactions train = new Interactions(new int[] {0, 1, 2, 1, 2, 3}, new int[] {1, 1, 1, 2, 2, 0});
        Interactions test = new Interactions(new int[] {0}, new int[] {2});
        try (Evaluator e = new Evaluator(k, 4, 4, train, test, new int[] {1, 2})) {
            RankingMetrics m = Popularity.evaluate(k, e, 4, 4, train);
            assertEquals(1, m.users());
            assertEquals(3, m.skipped());
            assertEquals(1.0, m.get("hit@1"), 1e-12);
            assertEquals(1.0, m.get("recall@1"), 1e-12);
        }
    }

    static RankingMetrics bruteForce(Tensor u, Tensor i, Interactions train, Interactions test, int users, int items, int[] ks) {
        List<Set<Integer>> seen = sets(train, users);
        List<Set<Integer>> pos = sets(test, users);
        RankingMetrics m = new RankingMetrics(ks);
        for (int a = 0; a < users; a++) {
            if (pos.get(a).isEmpty()) {
                m.skip();
                continue;
            }
            List<double[]> scored = new ArrayList<>();
            for (int b = 0; b < items; b++) {
                if (seen.get(a).contains(b)) continue;
                double s = 0;
                for (int c = 0; c < u.cols(); c++) s += (double) u.get(a, c) * i.get(b, c);
                scored.add(new double[] {s, b});
            }
            scored.sort((x, y) -> Double.compare(y[0], x[0]));
            int[] ranked = scored.stream().mapToInt(x -> (int) x[1]).toArray();
            m.addUser(ranked, ranked.length, pos.get(a).stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        return m;
    }

    static List<Set<Integer>> sets(Interactions s, int users) {
        List<Set<Integer>> out = new ArrayList<>();
        for (int a = 0; a < users; a++) out.add(new TreeSet<>());
        for (int x = 0; x < s.size(); x++) out.get(s.users()[x]).add(s.items()[x]);
        return out;
    }

    static Interactions random(SplittableRandom rng, int users, int items, int n) {
        int[] u = new int[n], i = new int[n];
        for (int x = 0; x < n; x++) {
            u[x] = rng.nextInt(users);
            i[x] = rng.nextInt(items);
        }
        return new Interactions(u, i);
    }
}
