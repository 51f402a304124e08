package dev.mmgcn.bench;

import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded inputs shared by the benchmarks, so every backend sees the same data. */
final class Fixtures {
    /** The MMGCN paper's MovieLens shape: 61,471 graph nodes and ~2.4 M stored entries once mirrored. */
    static final int ML_USERS = 55_485;
    static final int ML_ITEMS = 5_986;
    static final int ML_INTERACTIONS = 1_239_508;
    /** Spread of log-activity / log-popularity: long-tailed degrees, as in real interaction data. */
    private static final double DEGREE_SKEW = 1.0;

    private Fixtures() {
    }

    /** A host tensor of uniform values in [−1, 1). */
    static Tensor random(HostScope scope, int rows, int cols, long seed) {
        Tensor t = scope.floats(rows, cols);
        fill(t.segment(), t.size(), seed);
        return t;
    }

    static void fill(MemorySegment s, long count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) s.setAtIndex(Tensor.FLOAT, i, (float) (2 * rng.nextDouble() - 1));
    }

    /**
     * MMGCN's propagation graph (users and items as one square CSR, each interaction stored both ways,
     * 1/degree values) over random interactions of the MovieLens shape. Users and items are drawn with
     * log-normal weights so row lengths are long-tailed; repeated pairs are merged by the builder, which
     * leaves about 2.4 M stored entries.
     */
    static CsrMatrix movielensShapedGraph(HostScope scope, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] userCdf = logNormalCdf(ML_USERS, rng);
        double[] itemCdf = logNormalCdf(ML_ITEMS, rng);
        int[] users = new int[ML_INTERACTIONS];
        int[] items = new int[ML_INTERACTIONS];
        for (int k = 0; k < ML_INTERACTIONS; k++) {
            users[k] = draw(userCdf, rng);
            items[k] = draw(itemCdf, rng);
        }
        return GraphBuilder.bipartite(scope, ML_USERS, ML_ITEMS, new Interactions(users, items), GraphBuilder.Weights.MEAN);
    }

    private static double[] logNormalCdf(int n, SplittableRandom rng) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(DEGREE_SKEW * rng.nextGaussian());
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) cdf[i] /= sum;
        return cdf;
    }

    private static int draw(double[] cdf, SplittableRandom rng) {
        int at = Arrays.binarySearch(cdf, rng.nextDouble());
        int i = at >= 0 ? at : -at - 1;
        return Math.min(i, cdf.length - 1);
    }

    /** Parses "MxKxN" (C = A·B with A M×K and B K×N). */
    static int[] gemmShape(String shape) {
        String[] p = shape.split("x");
        if (p.length != 3) throw new IllegalArgumentException("GEMM shape '" + shape + "' is not MxKxN");
        int[] mkn = new int[3];
        for (int i = 0; i < 3; i++) {
            mkn[i] = Integer.parseInt(p[i]);
            if (mkn[i] < 1) throw new IllegalArgumentException("GEMM shape '" + shape + "' has a non-positive size");
        }
        return mkn;
    }
}
