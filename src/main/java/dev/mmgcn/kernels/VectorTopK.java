package dev.mmgcn.kernels;

import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Checks.topKShapes;
import static dev.mmgcn.kernels.Simd.*;

/**
 * Per-row top-k by partial selection. A score can only enter once it beats the current k-th best
 * (strictly: columns arrive in ascending order, so an equal score never displaces a lower index), and
 * after the first few hundred columns almost none do; a whole vector of scores is therefore compared
 * against that threshold at once and skipped when no lane beats it.
 *
 * <p>Small k keeps the selection sorted by insertion, the same steps as the reference; large k keeps a
 * heap whose root is the worst entry, so each admission costs log k instead of k.
 */
final class VectorTopK {
    /** Above this k an insertion costs more than a heap update. */
    private static final int INSERTION_MAX_K = 64;

    private VectorTopK() {
    }

    static void topK(Parallel parallel, Tensor scores, int k, IntTensor indices, Tensor values) {
        topKShapes(scores, k, indices, values);
        int cols = scores.cols();
        MemorySegment ss = scores.segment();
        MemorySegment is = indices.segment();
        MemorySegment vs = values.segment();
        parallel.forRange(scores.rows(), rowGrain(cols), (from, to) -> {
            float[] val = new float[k];
            int[] idx = new int[k];
            for (int r = from; r < to; r++) {
                long row = (long) r * cols;
                if (k <= INSERTION_MAX_K) sorted(ss, row, cols, k, val, idx);
                else heap(ss, row, cols, k, val, idx);
                for (int j = 0; j < k; j++) {
                    setInt(is, (long) r * k + j, idx[j]);
                    set(vs, (long) r * k + j, val[j]);
                }
            }
        });
    }

    private static void sorted(MemorySegment ss, long row, int cols, int k, float[] val, int[] idx) {
        for (int c = 0; c < k; c++) insert(get(ss, row + c), c, c, val, idx);
        int c = k;
        for (int bound = k + S.loopBound(cols - k); c < bound; c += L) {
            if (!FloatVector.fromMemorySegment(S, ss, (row + c) * Float.BYTES, NATIVE).compare(VectorOperators.GT, val[k - 1]).anyTrue()) continue;
            for (int q = c; q < c + L; q++) {
                float s = get(ss, row + q);
                if (s > val[k - 1]) insert(s, q, k - 1, val, idx);
            }
        }
        for (; c < cols; c++) {
            float s = get(ss, row + c);
            if (s > val[k - 1]) insert(s, c, k - 1, val, idx);
        }
    }

    /** Puts (s, c) at slot {@code at} and moves it up past every strictly smaller score. */
    private static void insert(float s, int c, int at, float[] val, int[] idx) {
        while (at > 0 && s > val[at - 1]) {
            val[at] = val[at - 1];
            idx[at] = idx[at - 1];
            at--;
        }
        val[at] = s;
        idx[at] = c;
    }

    private static void heap(MemorySegment ss, long row, int cols, int k, float[] val, int[] idx) {
        for (int c = 0; c < k; c++) {
            val[c] = get(ss, row + c);
            idx[c] = c;
            siftUp(val, idx, c);
        }
        int c = k;
        for (int bound = k + S.loopBound(cols - k); c < bound; c += L) {
            if (!FloatVector.fromMemorySegment(S, ss, (row + c) * Float.BYTES, NATIVE).compare(VectorOperators.GT, val[0]).anyTrue()) continue;
            for (int q = c; q < c + L; q++) admit(get(ss, row + q), q, k, val, idx);
        }
        for (; c < cols; c++) admit(get(ss, row + c), c, k, val, idx);
        // Pop the worst entry into the last free slot until the heap is empty: descending order.
        for (int n = k - 1; n > 0; n--) {
            float v = val[0];
            int i = idx[0];
            val[0] = val[n];
            idx[0] = idx[n];
            siftDown(val, idx, 0, n);
            val[n] = v;
            idx[n] = i;
        }
    }

    private static void admit(float s, int c, int k, float[] val, int[] idx) {
        // c is above every index held, so on an equal score the newcomer is the worse one and stays out
        if (!(s > val[0])) return;
        val[0] = s;
        idx[0] = c;
        siftDown(val, idx, 0, k);
    }

    /** Whether entry a ranks below entry b: a smaller score, or an equal score at a higher column. */
    private static boolean worse(float va, int ia, float vb, int ib) {
        return va < vb || (va == vb && ia > ib);
    }

    private static void siftUp(float[] val, int[] idx, int at) {
        float v = val[at];
        int i = idx[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!worse(v, i, val[parent], idx[parent])) break;
            val[at] = val[parent];
            idx[at] = idx[parent];
            at = parent;
        }
        val[at] = v;
        idx[at] = i;
    }

    private static void siftDown(float[] val, int[] idx, int at, int n) {
        float v = val[at];
        int i = idx[at];
        while (true) {
            int child = 2 * at + 1;
            if (child >= n) break;
            if (child + 1 < n && worse(val[child + 1], idx[child + 1], val[child], idx[child])) child++;
            if (!worse(val[child], idx[child], v, i)) break;
            val[at] = val[child];
            idx[at] = idx[child];
            at = child;
        }
        val[at] = v;
        idx[at] = i;
    }
}
