package dev.mmgcn.data;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Scope;

import java.util.Arrays;

/**
 * Builds MMGCN's propagation graph: users 0..U−1 and items U..U+I−1 as the nodes of one square CSR,
 * with every training interaction stored in both directions. Only train interactions are used, so
 * no valid/test edge can leak into the representations being evaluated.
 */
public final class GraphBuilder {
    private GraphBuilder() {
    }

    /** How the stored values are set. */
    public enum Weights {
        /** 1/deg(row): one SpMM computes the neighbour mean. */
        MEAN,
        /** no values (all ones): neighbour sum, or a pattern for max aggregation. */
        ONES,
        /** 1/√(deg(row)·deg(col)): the symmetric normalisation D^−½ A D^−½ of GCN and LightGCN. */
        SYMMETRIC
    }

    public static CsrMatrix bipartite(Scope scope, int numUsers, int numItems, Interactions train, Weights weights) {
        long[] pairs = uniquePairs(numItems, train);
        int edges = pairs.length;
        int n = numUsers + numItems;
        int[] rows = new int[2 * edges];
        int[] cols = new int[2 * edges];
        for (int e = 0; e < edges; e++) {
            int u = (int) (pairs[e] / numItems);
            int i = (int) (pairs[e] % numItems);
            rows[2 * e] = u;
            cols[2 * e] = numUsers + i;
            rows[2 * e + 1] = numUsers + i;
            cols[2 * e + 1] = u;
        }
        float[] values = null;
        if (weights != Weights.ONES) {
            int[] degree = new int[n];
            for (int r : rows) degree[r]++;
            values = new float[rows.length];
            for (int k = 0; k < rows.length; k++) {
                values[k] = weights == Weights.MEAN ? 1f / degree[rows[k]]
                        : (float) (1 / Math.sqrt((double) degree[rows[k]] * degree[cols[k]]));
            }
        }
        return CsrMatrix.fromCoo(scope, n, n, rows, cols, values);
    }

    /**
     * The symmetric-normalised user–item graph over chosen edges: users 0..U−1, items U..U+I−1, each
     * edge stored both ways with value 1/√(d_u·d_i), degrees counted over these edges only. The edges
     * must be distinct.
     */
    public static CsrMatrix symmetric(Scope scope, int numUsers, int numItems, int[] users, int[] items) {
        int edges = users.length;
        int[] du = new int[numUsers];
        int[] di = new int[numItems];
        for (int e = 0; e < edges; e++) {
            du[users[e]]++;
            di[items[e]]++;
        }
        int[] rows = new int[2 * edges];
        int[] cols = new int[2 * edges];
        float[] values = new float[2 * edges];
        for (int e = 0; e < edges; e++) {
            float v = (float) (1 / Math.sqrt((double) du[users[e]] * di[items[e]]));
            rows[2 * e] = users[e];
            cols[2 * e] = numUsers + items[e];
            rows[2 * e + 1] = numUsers + items[e];
            cols[2 * e + 1] = users[e];
            values[2 * e] = v;
            values[2 * e + 1] = v;
        }
        int n = numUsers + numItems;
        return CsrMatrix.fromCoo(scope, n, n, rows, cols, values);
    }

    /** The user × item matrix of training interactions (ones), used to mask seen items and to sample negatives. */
    public static CsrMatrix userItems(Scope scope, int numUsers, int numItems, Interactions split) {
        long[] pairs = uniquePairs(numItems, split);
        int[] rows = new int[pairs.length];
        int[] cols = new int[pairs.length];
        for (int e = 0; e < pairs.length; e++) {
            rows[e] = (int) (pairs[e] / numItems);
            cols[e] = (int) (pairs[e] % numItems);
        }
        return CsrMatrix.fromCoo(scope, numUsers, numItems, rows, cols, null);
    }

    /** Sorted distinct (user, item) codes; a repeated pair must not count twice in a degree. */
    public static long[] uniquePairs(int numItems, Interactions split) {
        long[] codes = new long[split.size()];
        for (int k = 0; k < codes.length; k++) codes[k] = (long) split.users()[k] * numItems + split.items()[k];
        Arrays.sort(codes);
        int w = 0;
        for (int k = 0; k < codes.length; k++) {
            if (k == 0 || codes[k] != codes[k - 1]) codes[w++] = codes[k];
        }
        return Arrays.copyOf(codes, w);
    }
}
