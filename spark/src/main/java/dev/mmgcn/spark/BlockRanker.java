package dev.mmgcn.spark;

import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

/**
 * Ranks a block of users against a range of items on one thread with the engine's kernels: for each
 * tile of at most {@code userTile} users × {@code itemTile} items, one GEMM of the tile's scores, the
 * users' training items in the tile set to −∞, the engine's top-K kernel per row, and a merge into each
 * user's running top-K ({@link TopLists}). Memory is one user tile × item tile of scores plus the block's
 * own rows: never a users × items matrix.
 *
 * <p>Each score is the same float the single-machine ranking computes: the engine's GEMM sums every
 * element over the width in a fixed order whatever the tile shapes, and merging per-tile top-K lists by
 * (score, then lower index) gives exactly the top-K of the whole row.
 */
public final class BlockRanker implements AutoCloseable {
    private final Kernels kernels;
    private final boolean ownsKernels;
    private final int k, userTile, itemTile;

    /** Ranker on the Vector API kernels (one thread: Spark runs one task per core), or the scalar ones without the module. */
    public static BlockRanker create(int k, int userTile, int itemTile) {
        Kernels kernels = Backends.vector(1).orElseGet(ScalarKernels::new);
        return new BlockRanker(kernels, true, k, userTile, itemTile);
    }

    BlockRanker(Kernels kernels, boolean ownsKernels, int k, int userTile, int itemTile) {
        if (k < 1 || userTile < 1 || itemTile < 1) throw new IllegalArgumentException("top-" + k + " in tiles of " + userTile + " x " + itemTile);
        this.kernels = kernels;
        this.ownsKernels = ownsKernels;
        this.k = k;
        this.userTile = userTile;
        this.itemTile = itemTile;
    }

    /** The kernels' name: "vector" or "scalar". */
    public String backend() { return kernels.name(); }

    /**
     * The top-k of the items {@code firstItem, firstItem + 1, …} (rows of {@code itemTable}) for every user of {@code block}, the users' training items left out when
     * the block carries them. A range of fewer than k items fills fewer than k entries per user.
     */
    public TopLists rank(UserBlock block, Tensor itemTable, int firstItem) {
        if (block.dim() != itemTable.cols()) {
            throw new IllegalArgumentException("user width " + block.dim() + " differs from item width " + itemTable.cols());
        }
        int n = block.size(), dim = block.dim(), ni = itemTable.rows();
        TopLists out = new TopLists(n, k);
        if (n == 0 || ni == 0) return out;
        try (HostScope s = new HostScope()) {
            Tensor users = s.floats(n, dim);
            users.copyFrom(block.rows());
            int ut = Math.min(userTile, n), it = Math.min(itemTile, ni);
            int kk = Math.min(out.k(), it);
            Tensor scores = s.floats(ut, it);
            IntTensor topIndex = s.ints(ut, kk);
            Tensor topValue = s.floats(ut, kk);
            int[] candItems = new int[ut * kk];
            float[] candScores = new float[ut * kk];
            int[] tmpItems = new int[out.k()];
            float[] tmpScores = new float[out.k()];
            int[] cursor = new int[ut];
            for (int u0 = 0; u0 < n; u0 += ut) {
                int un = Math.min(ut, n - u0);
                Tensor userRows = users.rowSlice(u0, u0 + un);
                if (block.seenPtr() != null) for (int r = 0; r < un; r++) cursor[r] = block.seenPtr()[u0 + r];
                for (int i0 = 0; i0 < ni; i0 += it) {
                    int in = Math.min(it, ni - i0);
                    scores.reshape(un, in);
                    kernels.gemm(false, true, 1f, userRows, itemTable.rowSlice(i0, i0 + in), 0f, scores);
                    if (block.seenPtr() != null) maskSeen(block, u0, un, firstItem + i0, in, cursor, scores);
                    int tk = Math.min(kk, in);
                    topIndex.reshape(un, tk);
                    topValue.reshape(un, tk);
                    kernels.topK(scores, tk, topIndex, topValue);
                    int offset = firstItem + i0;
                    for (int j = 0; j < un * tk; j++) {
                        candItems[j] = topIndex.getFlat(j) + offset;
                        candScores[j] = topValue.getFlat(j);
                    }
                    for (int r = 0; r < un; r++) out.offer(u0 + r, candItems, candScores, r * tk, tk, tmpItems, tmpScores);
                }
            }
        }
        return out;
    }

    /**
     * Sets the scores of each user's training items in global columns [first, first + count) to −∞. The
     * item tiles come in increasing order, so each user's cursor into its sorted seen items only moves on.
     */
    private static void maskSeen(UserBlock block, int u0, int un, int first, int count, int[] cursor, Tensor scores) {
        int[] ptr = block.seenPtr(), seen = block.seenItems();
        int end = first + count;
        for (int r = 0; r < un; r++) {
            int stop = ptr[u0 + r + 1];
            int c = cursor[r];
            while (c < stop && seen[c] < first) c++;
            for (; c < stop && seen[c] < end; c++) scores.setFlat((long) r * count + (seen[c] - first), Float.NEGATIVE_INFINITY);
            cursor[r] = c;
        }
    }

    @Override
    public void close() {
        if (ownsKernels) kernels.close();
    }
}
