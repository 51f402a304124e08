package dev.mmgcn.model;

import java.util.List;

/**
 * The batch objective in double precision, from its formula (docs/models.md's "BPR loss + reg·Σ‖batch
 * embeddings‖²/batch", spelled out in {@code BprObjective}):
 * <pre>
 *   loss = (1/B) Σ_b log(1 + exp(⟨R_u, R_n⟩ − ⟨R_u, R_p⟩))
 *        + (reg/B) · Σ_b ( ‖E[u_b]‖² + ‖E[p_b]‖² + ‖E[n_b]‖² + Σ_m ‖P_m[u_b]‖² )
 * </pre>
 * with u, p, n rows of R (items offset by the user count) and B the number of triples.
 */
final class DenseBpr {
    private DenseBpr() {
    }

    static double bpr(double[][] r, int[] u, int[] p, int[] n) {
        double s = 0;
        for (int b = 0; b < u.length; b++) {
            double x = Dense.dot(r[u[b]], r[n[b]]) - Dense.dot(r[u[b]], r[p[b]]);
            s += Math.log1p(Math.exp(x));
        }
        return s / u.length;
    }

    /** The penalty before the weight: (1/B)·Σ over the batch rows; {@code id} may be null. */
    static double penalty(int[] u, int[] p, int[] n, double[][] id, List<double[][]> preferences) {
        double s = 0;
        for (int b = 0; b < u.length; b++) {
            if (id != null) s += Dense.squaredNorm(id[u[b]]) + Dense.squaredNorm(id[p[b]]) + Dense.squaredNorm(id[n[b]]);
            for (double[][] pref : preferences) s += Dense.squaredNorm(pref[u[b]]);
        }
        return s / u.length;
    }
}
