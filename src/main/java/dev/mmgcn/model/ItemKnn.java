package dev.mmgcn.model;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * FREEDOM's frozen item–item graph: for each modality, every item's top-k items by cosine similarity
 * of the features (the item itself included, as its similarity 1 is the largest), then a weighted sum
 * over modalities. Follows {@code freedom.py}'s {@code get_knn_adj_mat} and
 * {@code compute_normalized_laplacian}: each kNN edge (i, j) gets 1/√(c_i·c_j) with c the number of
 * neighbours stored in row i (k, unless an item has no features), and the modalities' matrices are
 * summed with their weights ({@code mm_image_weight · image_adj + (1 − mm_image_weight) · text_adj}).
 *
 * <p>The similarities are computed on the backend in row blocks — rows L2-normalised once, then per
 * block one GEMM against all items and one top-k — so no items × items matrix is ever held, only a
 * block × items score buffer of bounded size. Where this differs from the reference: an item whose
 * features are all zero (the reference divides by its zero norm and gets NaN) has no neighbours and
 * is no one's neighbour.
 */
public final class ItemKnn {
    /** Largest score block, in floats (32 MB). */
    static final long BLOCK_FLOATS = 8L << 20;

    private ItemKnn() {
    }

    /**
     * Each item's neighbour ids in descending similarity (ties to the lower id), at most {@code k};
     * an empty array for an item without features.
     *
     * @param features   host items × F
     * @param blockFloats largest score block in floats (tests use small blocks to exercise the blocking)
     */
    public static int[][] neighbours(Kernels kernels, Tensor features, int k, long blockFloats) {
        int items = features.rows();
        int f = features.cols();
        int[][] out = new int[items][];
        try (Scope scope = kernels.newScope(); HostScope host = new HostScope()) {
            Tensor x = scope.floats(items, f);
            kernels.upload(features, x);
            Tensor normed = scope.floats(items, f);
            Tensor norms = scope.floats(items, 1);
            kernels.rowL2Normalize(x, 1e-12f, normed, norms);
            Tensor hostNorms = host.floats(items, 1);
            kernels.download(norms, hostNorms);
            boolean[] empty = new boolean[items];
            int zero = 0;
            for (int i = 0; i < items; i++) {
                empty[i] = !(hostNorms.getFlat(i) > 0);
                if (empty[i]) zero++;
            }
            // featureless items score 0 against everyone: ask for enough extra candidates to drop them
            int want = Math.min(items, k + zero);
            int block = (int) Math.max(1, Math.min(items, blockFloats / Math.max(items, 1)));
            Tensor scores = scope.floats(block, items);
            IntTensor idx = scope.ints(block, want);
            Tensor vals = scope.floats(block, want);
            IntTensor hostIdx = host.ints(block, want);
            for (int r0 = 0; r0 < items; r0 += block) {
                int rows = Math.min(block, items - r0);
                scores.reshape(rows, items);
                idx.reshape(rows, want);
                vals.reshape(rows, want);
                hostIdx.reshape(rows, want);
                kernels.gemm(false, true, 1f, normed.rowSlice(r0, r0 + rows), normed, 0f, scores);
                kernels.topK(scores, want, idx, vals);
                kernels.download(idx, hostIdx);
                for (int r = 0; r < rows; r++) {
                    int item = r0 + r;
                    if (empty[item]) {
                        out[item] = new int[0];
                        continue;
                    }
                    int[] row = new int[Math.min(k, items - zero)];
                    int w = 0;
                    for (int c = 0; c < want && w < row.length; c++) {
                        int j = hostIdx.get(r, c);
                        if (!empty[j]) row[w++] = j;
                    }
                    out[item] = w == row.length ? row : Arrays.copyOf(row, w);
                }
            }
        }
        return out;
    }

    /**
     * Σ_m weight_m · A_m as a nodes × nodes CSR (users 0..U−1 have empty rows; item i is row U + i),
     * with A_m[i, j] = 1/√(c_i·c_j) for j among i's neighbours in modality m; entries shared by
     * several modalities are summed into one.
     */
    public static CsrMatrix combine(Scope scope, int numUsers, int numItems, List<int[][]> neighbours, float[] weights) {
        long total = 0;
        for (int[][] nb : neighbours) for (int[] row : nb) total += row.length;
        long[] codes = new long[Math.toIntExact(total)];
        float[] values = new float[codes.length];
        int w = 0;
        for (int m = 0; m < neighbours.size(); m++) {
            int[][] nb = neighbours.get(m);
            for (int i = 0; i < numItems; i++) {
                for (int j : nb[i]) {
                    codes[w] = (long) i * numItems + j;
                    values[w++] = (float) (weights[m] / Math.sqrt((double) nb[i].length * nb[j].length));
                }
            }
        }
        // sort by (row, column) carrying the values, then merge equal positions
        int[] perm = sortedOrder(codes);
        int n = 0;
        int[] rows = new int[codes.length];
        int[] cols = new int[codes.length];
        float[] vals = new float[codes.length];
        long last = -1;
        for (int t = 0; t < perm.length; t++) {
            long c = codes[perm[t]];
            if (c == last) {
                vals[n - 1] += values[perm[t]];
            } else {
                last = c;
                rows[n] = numUsers + (int) (c / numItems);
                cols[n] = numUsers + (int) (c % numItems);
                vals[n++] = values[perm[t]];
            }
        }
        int nodes = numUsers + numItems;
        return CsrMatrix.fromCoo(scope, nodes, nodes, Arrays.copyOf(rows, n), Arrays.copyOf(cols, n), Arrays.copyOf(vals, n));
    }

    /** Indices that sort {@code codes} ascending (stable). */
    private static int[] sortedOrder(long[] codes) {
        int[] perm = new int[codes.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        int[] tmp = new int[perm.length];
        mergeSort(codes, perm, tmp, 0, perm.length);
        return perm;
    }

    private static void mergeSort(long[] key, int[] a, int[] tmp, int from, int to) {
        if (to - from < 2) return;
        int mid = (from + to) >>> 1;
        mergeSort(key, a, tmp, from, mid);
        mergeSort(key, a, tmp, mid, to);
        int i = from, j = mid, w = from;
        while (i < mid && j < to) tmp[w++] = key[a[j]] < key[a[i]] ? a[j++] : a[i++];
        while (i < mid) tmp[w++] = a[i++];
        while (j < to) tmp[w++] = a[j++];
        System.arraycopy(tmp, from, a, from, to - from);
    }
}
