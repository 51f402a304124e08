package dev.mmgcn.model;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Var;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Dense double-precision graph arithmetic for the LightGCN, FREEDOM and word-bag oracles (written independently of the engine's kernels), and reading engine tensors into it. */
final class GraphOracle {
    private GraphOracle() {
    }

    static double[][] of(Var v, Kernels k) {
        return of(v.value(), k);
    }

    static double[][] of(Tensor t, Kernels k) {
        try (HostScope h = new HostScope()) {
            Tensor host = h.floats(t.rows(), t.cols());
            k.download(t, host);
            double[][] out = new double[t.rows()][t.cols()];
            for (int r = 0; r < t.rows(); r++) for (int c = 0; c < t.cols(); c++) out[r][c] = host.get(r, c);
            return out;
        }
    }

    static double[][] mul(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                if (a[i][k] == 0) continue;
                for (int j = 0; j < b[0].length; j++) out[i][j] += a[i][k] * b[k][j];
            }
        }
        return out;
    }

    static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) out[i][j] = a[i][j] + b[i][j];
        return out;
    }

    static double[][] scale(double[][] a, double f) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) out[i][j] = a[i][j] * f;
        return out;
    }

    /** Rows of a on top of rows of b. */
    static double[][] stack(double[][] a, double[][] b) {
        double[][] out = new double[a.length + b.length][];
        for (int i = 0; i < a.length; i++) out[i] = a[i].clone();
        for (int i = 0; i < b.length; i++) out[a.length + i] = b[i].clone();
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** log(1 + e^x), computed without overflow. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** D^−½ A D^−½ of the symmetric bipartite adjacency of distinct (user, item) pairs; nodes are users then items. */
    static double[][] normalisedBipartite(int users, int items, int[][] pairs) {
        int n = users + items;
        double[][] a = new double[n][n];
        for (int[] p : pairs) {
            a[p[0]][users + p[1]] = 1;
            a[users + p[1]][p[0]] = 1;
        }
        double[] deg = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) deg[i] += a[i][j];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (a[i][j] != 0) a[i][j] /= Math.sqrt(deg[i] * deg[j]);
        return a;
    }

    /** mean(E, ÂE, …, Â^L E). */
    static double[][] layerMean(double[][] adj, double[][] e0, int layers) {
        double[][] sum = e0, e = e0;
        for (int l = 0; l < layers; l++) {
            e = mul(adj, e);
            sum = add(sum, e);
        }
        return scale(sum, 1.0 / (layers + 1));
    }

    static void assertClose(double[][] want, double[][] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": rows");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, got[i].length, what + ": cols");
            for (int j = 0; j < want[i].length; j++) {
                double w = want[i][j], g = got[i][j];
                if (Math.abs(w - g) > tol * (1 + Math.abs(w))) {
                    throw new AssertionError(what + "[" + i + "][" + j + "]: want " + w + ", got " + g);
                }
            }
        }
    }
}
