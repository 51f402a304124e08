package dev.mmgcn.data;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Scope;

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
        Interactions edges = train.distinct(numItems);
        if (weights == Weights.SYMMETRIC) return symmetric(scope, numUsers, numItems, edges.users(), edges.items());
        int[] rows = new int[2 * edges.size()];
        int[] cols = new int[2 * edges.size()];
        bothWays(numUsers, edges.users(), edges.items(), rows, cols);
        int n = numUsers + numItems;
        float[] values = null;
        if (weights == Weights.MEAN) {
            int[] degree = new int[n];
            for (int r : rows) degree[r]++;
            values = new float[rows.length];
            for (int k = 0; k < rows.length; k++) values[k] = 1f / degree[rows[k]];
        }
        return CsrMatrix.fromCoo(scope, n, n, rows, cols, values);
    }

    /**
     * The symmetric-normalised user–item graph over chosen edges: users 0..U−1, items U..U+I−1, each
     * edge stored both ways with value 1/√(d_u·d_i), degrees counted over these edges only. The edges
     * must be distinct.
     */
    public static CsrMatrix symmetric(Scope scope, int numUsers, int numItems, int[] users, int[] items) {
        double[] w = symmetricWeights(numUsers, numItems, users, items);
        int[] rows = new int[2 * users.length];
        int[] cols = new int[2 * users.length];
        bothWays(numUsers, users, items, rows, cols);
        float[] values = new float[rows.length];
        for (int k = 0; k < values.length; k++) values[k] = (float) w[k / 2];
        int n = numUsers + numItems;
        return CsrMatrix.fromCoo(scope, n, n, rows, cols, values);
    }

    /** 1/√(d_u·d_i) of each edge (u, i), the degrees counted over these edges: GCN's symmetric normalisation D^−½ A D^−½. */
    public static double[] symmetricWeights(int numUsers, int numItems, int[] users, int[] items) {
        int[] du = new int[numUsers];
        int[] di = new int[numItems];
        for (int e = 0; e < users.length; e++) {
            du[users[e]]++;
            di[items[e]]++;
        }
        double[] w = new double[users.length];
        for (int e = 0; e < users.length; e++) w[e] = 1 / Math.sqrt((double) du[users[e]] * di[items[e]]);
        return w;
    }

    /** Edge e as (u, U + i) at 2e and (U + i, u) at 2e + 1. */
    private static void bothWays(int numUsers, int[] users, int[] items, int[] rows, int[] cols) {
        for (int e = 0; e < users.length; e++) {
            rows[2 * e] = users[e];
            cols[2 * e] = numUsers + items[e];
            rows[2 * e + 1] = numUsers + items[e];
            cols[2 * e + 1] = users[e];
        }
    }

    /** The user × item matrix of training interactions (ones), used to mask seen items and to sample negatives. */
    public static CsrMatrix userItems(Scope scope, int numUsers, int numItems, Interactions split) {
        Interactions pairs = split.distinct(numItems);
        return CsrMatrix.fromCoo(scope, numUsers, numItems, pairs.users(), pairs.items(), null);
    }
}
