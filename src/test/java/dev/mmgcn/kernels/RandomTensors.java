package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded host inputs for kernel tests: dense blocks, exactly-summable values, index vectors and awkward graphs. */
final class RandomTensors {
    private RandomTensors() {
    }

    static Tensor uniform(Scope s, Random rnd, int rows, int cols, float lo, float hi) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rnd.nextFloat();
        return of(s, rows, cols, v);
    }

    static Tensor uniform(Scope s, Random rnd, int rows, int cols) {
        return uniform(s, rnd, rows, cols, -1f, 1f);
    }

    /**
     * Multiples of 1/16 in [-4, 4]: any sum of a few thousand of them is exact in float, so kernels that add
     * in a different order (atomics, column splits) must still match the reference bit for bit.
     */
    static Tensor dyadic(Scope s, Random rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (rnd.nextInt(129) - 64) / 16f;
        return of(s, rows, cols, v);
    }

    /** Small integers, so that equal values (ties) are common. */
    static Tensor coarse(Scope s, Random rnd, int rows, int cols, int levels) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(levels);
        return of(s, rows, cols, v);
    }

    static Tensor filled(Scope s, int rows, int cols, float value) {
        float[] v = new float[rows * cols];
        java.util.Arrays.fill(v, value);
        return of(s, rows, cols, v);
    }

    static Tensor of(Scope s, int rows, int cols, float[] v) {
        Tensor t = s.floats(rows, cols);
        if (v.length > 0) t.copyFrom(v);
        return t;
    }

    static Tensor copy(Scope s, Tensor t) {
        return of(s, t.rows(), t.cols(), t.toArray());
    }

    static IntTensor ints(Scope s, int rows, int cols, int[] v) {
        IntTensor t = s.ints(rows, cols);
        if (v.length > 0) t.copyFrom(v);
        return t;
    }

    /** {@code n} indices in [0, bound), with repeats. */
    static IntTensor indices(Scope s, Random rnd, int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextInt(bound);
        return ints(s, n, 1, v);
    }

    /**
     * A graph-like CSR with the features that break naive kernels: about a fifth of the rows empty, a band
     * of columns never referenced (isolated nodes), repeated (row, column) coordinates (which fromCoo sums
     * into one entry, so an unweighted graph with a repeat carries its counts as values), and one row far
     * denser than the rest. Values are null (all ones) unless {@code weighted} or a coordinate repeats.
     */
    static CsrMatrix graph(Scope s, Random rnd, int rows, int cols, double avgDegree, boolean weighted) {
        List<int[]> coo = new ArrayList<>();
        int usable = Math.max(1, cols - cols / 8); // the last eighth of the columns stays isolated
        for (int r = 0; r < rows; r++) {
            if (rnd.nextInt(5) == 0) continue;
            int degree = (int) Math.round(rnd.nextDouble() * 2 * avgDegree);
            for (int e = 0; e < degree; e++) coo.add(new int[]{r, rnd.nextInt(usable)});
            if (degree > 0 && rnd.nextInt(4) == 0) coo.add(coo.get(coo.size() - 1).clone()); // duplicate entry
        }
        if (rows > 1) {
            int heavy = rnd.nextInt(rows);
            for (int e = 0; e < Math.min(usable, 20 * avgDegree + 5); e++) coo.add(new int[]{heavy, rnd.nextInt(usable)});
        }
        int[] r = new int[coo.size()];
        int[] c = new int[coo.size()];
        float[] v = weighted ? new float[coo.size()] : null;
        for (int k = 0; k < r.length; k++) {
            r[k] = coo.get(k)[0];
            c[k] = coo.get(k)[1];
            if (v != null) v[k] = 0.05f + rnd.nextFloat();
        }
        return CsrMatrix.fromCoo(s, rows, cols, r, c, v);
    }
}
