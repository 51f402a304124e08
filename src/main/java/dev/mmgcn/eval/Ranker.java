package dev.mmgcn.eval;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * Top-K items for a fixed list of users: scores = U·Iᵀ in user blocks, each user's excluded items
 * set to −∞, a bounded top-K per row, and only the K indices (and scores) copied to the host. Memory
 * is one block × items score matrix; every buffer is allocated once.
 */
public final class Ranker implements AutoCloseable {
    /** Scores per block are capped at this many floats (256 MB). */
    private static final long BLOCK_FLOATS = 1L << 26;

    /** Receives one user's ranking: {@code items[0..k)} best first, with their scores. */
    public interface Sink {
        void accept(int position, int user, int[] items, float[] scores);
    }

    private final Kernels kernels;
    private final int[] users;
    private final int numItems;
    private final int k;
    private final int block;
    private final Scope scope;
    private final HostScope host = new HostScope();
    private final CsrMatrix excluded;
    /** The mask on the host, row r for users[r]: for {@link #rankShared}. */
    private final int[] maskPtr, maskCol;
    private final IntTensor userIndexHost, userIndex, topIndexHost, topIndex;
    private final Tensor topValueHost, topValue, scores;
    private Tensor userBlock;

    /**
     * @param users       the users to rank for, in output order
     * @param excludedByUser host user × item CSR of items never to recommend (training items), or null
     */
    public Ranker(Kernels kernels, int[] users, int numItems, CsrMatrix excludedByUser, int k, int maxBlockUsers) {
        if (k < 1 || k > numItems) throw new IllegalArgumentException("top-K of " + k + " from " + numItems + " items");
        this.kernels = kernels;
        this.users = users.clone();
        this.numItems = numItems;
        this.k = k;
        this.scope = kernels.newScope();
        int count = users.length;
        int[] mptr = new int[count + 1];
        int[] mcol;
        if (excludedByUser == null) {
            mcol = new int[0];
        } else {
            // only the listed users' rows are read: a few users of a large table cost a few rows, not the table
            IntTensor tptr = excludedByUser.rowPtr(), tcol = excludedByUser.colIdx();
            for (int r = 0; r < count; r++) mptr[r + 1] = mptr[r] + tptr.getFlat(users[r] + 1) - tptr.getFlat(users[r]);
            mcol = new int[mptr[count]];
            for (int r = 0; r < count; r++) {
                int from = tptr.getFlat(users[r]);
                for (int j = mptr[r]; j < mptr[r + 1]; j++) mcol[j] = tcol.getFlat(from + j - mptr[r]);
            }
        }
        // row r of the mask belongs to users[r], so a block of positions is a contiguous row range
        CsrMatrix hostMask = CsrMatrix.of(host, count, numItems, mptr, mcol, null);
        this.maskPtr = mptr;
        this.maskCol = mcol;
        this.excluded = kernels.device() == Device.HOST ? hostMask : kernels.upload(hostMask, scope);
        this.block = (int) Math.max(1, Math.min(Math.max(count, 1), Math.min(maxBlockUsers, BLOCK_FLOATS / Math.max(numItems, 1))));
        userIndexHost = host.ints(block, 1);
        userIndex = scope.ints(block, 1);
        topIndexHost = host.ints(block, k);
        topIndex = scope.ints(block, k);
        topValueHost = host.floats(block, k);
        topValue = scope.floats(block, k);
        scores = scope.floats(block, numItems);
    }

    public int users() { return users.length; }

    /** Ranks every user against {@code items} (I×D) using rows of {@code userTable} (U×D). */
    public void rank(Tensor userTable, Tensor items, Sink sink) {
        if (items.rows() != numItems) throw new IllegalArgumentException("item table has " + items.rows() + " rows for " + numItems + " items");
        if (userTable.cols() != items.cols()) throw new IllegalArgumentException("user and item widths differ");
        if (userBlock == null || userBlock.capacity() < (long) block * userTable.cols()) userBlock = scope.floats(block, userTable.cols());
        int[] ranked = new int[k];
        float[] values = new float[k];
        for (int start = 0; start < users.length; start += block) {
            int n = Math.min(block, users.length - start);
            userIndexHost.reshape(n, 1);
            for (int r = 0; r < n; r++) userIndexHost.setFlat(r, users[start + r]);
            userIndex.reshape(n, 1);
            kernels.upload(userIndexHost, userIndex);
            userBlock.reshape(n, userTable.cols());
            kernels.gatherRows(userTable, userIndex, userBlock);
            scores.reshape(n, numItems);
            kernels.gemm(false, true, 1f, userBlock, items, 0f, scores);
            kernels.maskScores(scores, excluded, start, Float.NEGATIVE_INFINITY);
            topIndex.reshape(n, k);
            topValue.reshape(n, k);
            kernels.topK(scores, k, topIndex, topValue);
            topIndexHost.reshape(n, k);
            topValueHost.reshape(n, k);
            kernels.download(topIndex, topIndexHost);
            kernels.download(topValue, topValueHost);
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < k; j++) {
                    ranked[j] = topIndexHost.getFlat((long) r * k + j);
                    values[j] = topValueHost.getFlat((long) r * k + j);
                }
                sink.accept(start + r, users[start + r], ranked, values);
            }
        }
    }

    /**
     * The same rankings as {@link #rank} for a user table of ones against one-wide items {@code itemScores}
     * (every user scores item i as itemScores[i]: the item-only check, popularity), without scoring users ×
     * items: the items are sorted once — higher score first, the lower index first on ties, as {@code topK}
     * breaks them — and each user takes the first k that are not excluded, then, if fewer than k are left,
     * the excluded ones in index order (their −∞ ties). The scores must be finite (a NaN has no place in
     * that order; {@link #rank} takes any).
     */
    public void rankShared(float[] itemScores, Sink sink) {
        if (itemScores.length != numItems) throw new IllegalArgumentException(itemScores.length + " scores for " + numItems + " items");
        for (int i = 0; i < numItems; i++) {
            if (!Float.isFinite(itemScores[i])) throw new IllegalArgumentException("item " + i + " scores " + itemScores[i] + ": rank it with rank()");
        }
        Integer[] boxed = new Integer[numItems];
        for (int i = 0; i < numItems; i++) boxed[i] = i;
        java.util.Arrays.sort(boxed, (a, b) -> itemScores[a] > itemScores[b] ? -1 : itemScores[a] < itemScores[b] ? 1 : Integer.compare(a, b));
        int[] order = new int[numItems];
        for (int i = 0; i < numItems; i++) order[i] = boxed[i];
        boolean[] masked = new boolean[numItems];
        int[] ranked = new int[k];
        float[] values = new float[k];
        for (int r = 0; r < users.length; r++) {
            for (int j = maskPtr[r]; j < maskPtr[r + 1]; j++) masked[maskCol[j]] = true;
            int n = 0;
            for (int i = 0; i < numItems && n < k; i++) {
                int item = order[i];
                if (masked[item]) continue;
                ranked[n] = item;
                values[n++] = itemScores[item];
            }
            if (n < k) {
                int[] rest = java.util.Arrays.copyOfRange(maskCol, maskPtr[r], maskPtr[r + 1]);
                java.util.Arrays.sort(rest);
                for (int j = 0; j < rest.length && n < k; j++) {
                    if (j > 0 && rest[j] == rest[j - 1]) continue;
                    ranked[n] = rest[j];
                    values[n++] = Float.NEGATIVE_INFINITY;
                }
            }
            for (int j = maskPtr[r]; j < maskPtr[r + 1]; j++) masked[maskCol[j]] = false;
            sink.accept(r, users[r], ranked, values);
        }
    }

    @Override
    public void close() {
        scope.close();
        host.close();
    }
}
