package dev.mmgcn.model;

import dev.mmgcn.data.GraphBuilder;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * FREEDOM's degree-sensitive edge pruning ({@code freedom.py}, {@code pre_epoch_processing}): each
 * epoch keeps ⌊E·(1 − dropout)⌋ of the E user–item edges, drawn without replacement with probability
 * proportional to 1/√(d_u·d_i) — edges between high-degree nodes are the likeliest to go. The
 * reference draws with {@code torch.multinomial(values, n)}; this draws the same distribution
 * (successive sampling proportional to weight) with Efraimidis–Spirakis keys ln(u)/w, keeping the n
 * largest. The uniforms come from a generator keyed by (seed, epoch) alone, so a run repeats itself
 * and a resumed run prunes epoch e exactly as the uninterrupted one did.
 */
public final class EdgePruning {
    private final int[] users;
    private final int[] items;
    private final double[] weights;

    /** @param users, items the distinct training edges; degrees are counted over them */
    public EdgePruning(int numUsers, int numItems, int[] users, int[] items) {
        if (users.length != items.length) throw new IllegalArgumentException("edge arrays differ in length");
        this.users = users;
        this.items = items;
        this.weights = GraphBuilder.symmetricWeights(numUsers, numItems, users, items);
    }

    public int edges() { return users.length; }

    /**
     * How many edges an epoch keeps: {@code int(E * (1. - dropout))} as the reference computes it in
     * double precision, with the dropout read as the decimal it was written as (0.8, not 0.800000011920929).
     */
    public int kept(float dropout) {
        return (int) (users.length * (1.0 - Double.parseDouble(Float.toString(dropout))));
    }

    /** The indices of the edges kept in {@code epoch}, ascending. */
    public int[] keep(float dropout, long seed, int epoch) {
        int m = kept(dropout);
        SplittableRandom rng = new SplittableRandom(key(seed, epoch));
        long[] packed = new long[users.length];
        for (int e = 0; e < users.length; e++) {
            double u = 1 - rng.nextDouble(); // (0, 1]
            float k = (float) (StrictMath.log(u) / weights[e]);
            packed[e] = ((long) sortable(k) << 32) | e;
        }
        Arrays.sort(packed);
        int[] out = new int[m];
        for (int t = 0; t < m; t++) out[t] = (int) packed[packed.length - 1 - t];
        Arrays.sort(out);
        return out;
    }

    public int user(int edge) { return users[edge]; }

    public int item(int edge) { return items[edge]; }

    /** The weight 1/√(d_u·d_i) of an edge in the full graph. */
    public double weight(int edge) { return weights[edge]; }

    /** An int whose signed order is the float's order. */
    private static int sortable(float f) {
        int b = Float.floatToIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    /** A generator seed from (seed, epoch): SplitMix64's finaliser over both. */
    static long key(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1L) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
