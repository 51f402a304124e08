package dev.mmgcn.eval;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.util.Arrays;

/**
 * Full-ranking evaluation: every item is scored for every evaluated user, the user's training items
 * are masked to −∞ (not to a small number, which can still outrank real candidates), and the top K
 * are compared with the user's items in the target split.
 *
 * <p>Users are scored in blocks with a bounded top-K per row, so memory is one block × items score
 * matrix, never users × items. All buffers are made once here and reused on every call.
 */
public final class Evaluator implements AutoCloseable {
    /** Scores per block are capped at this many floats (256 MB). */
    private static final long BLOCK_FLOATS = 1L << 26;

    private final Kernels kernels;
    private final int numItems;
    private final int[] ks;
    private final int topK;
    private final int[] evalUsers;
    private final int[][] positives;
    private final int skipped;
    private final int block;
    private final Scope scope;
    private final HostScope host;
    private final CsrMatrix mask;
    private final IntTensor userIndexHost;
    private final IntTensor userIndex;
    private final IntTensor topIndexHost;
    private final IntTensor topIndex;
    private final Tensor topValue;
    private final Tensor scores;
    private Tensor userBlock;

    /**
     * @param train  interactions masked out of the ranking
     * @param target the split whose items count as hits
     */
    public Evaluator(Kernels kernels, int numUsers, int numItems, Interactions train, Interactions target, int[] ks) {
        this(kernels, numUsers, numItems, train, target, ks, 4096);
    }

    /** @param maxBlockUsers users scored per block at most (smaller blocks for tests of the blocking) */
    public Evaluator(Kernels kernels, int numUsers, int numItems, Interactions train, Interactions target, int[] ks,
                     int maxBlockUsers) {
        this.kernels = kernels;
        this.numItems = numItems;
        this.ks = Arrays.stream(ks).map(k -> Math.min(k, numItems)).toArray();
        this.topK = Arrays.stream(this.ks).max().orElseThrow();

        CsrMatrix byUser;
        this.host = new HostScope();
        byUser = GraphBuilder.userItems(host, numUsers, numItems, target);
        int[] ptr = byUser.rowPtr().toArray();
        int[] col = byUser.colIdx().toArray();
        int count = 0;
        for (int u = 0; u < numUsers; u++) if (ptr[u + 1] > ptr[u]) count++;
        this.evalUsers = new int[count];
        this.positives = new int[count][];
        int w = 0;
        for (int u = 0; u < numUsers; u++) {
            if (ptr[u + 1] > ptr[u]) {
                evalUsers[w] = u;
                positives[w++] = Arrays.copyOfRange(col, ptr[u], ptr[u + 1]);
            }
        }
        this.skipped = numUsers - count;

        // the training items of the evaluated users only, row r = evalUsers[r]
        CsrMatrix trainByUser = GraphBuilder.userItems(host, numUsers, numItems, train);
        int[] tptr = trainByUser.rowPtr().toArray();
        int[] tcol = trainByUser.colIdx().toArray();
        int[] mptr = new int[count + 1];
        for (int r = 0; r < count; r++) mptr[r + 1] = mptr[r] + tptr[evalUsers[r] + 1] - tptr[evalUsers[r]];
        int[] mcol = new int[mptr[count]];
        for (int r = 0; r < count; r++) {
            int u = evalUsers[r];
            System.arraycopy(tcol, tptr[u], mcol, mptr[r], tptr[u + 1] - tptr[u]);
        }
        this.scope = kernels.newScope();
        CsrMatrix hostMask = CsrMatrix.of(host, count, numItems, mptr, mcol, null);
        this.mask = kernels.device() == dev.mmgcn.storage.Device.HOST ? hostMask : uploadPatternOnly(hostMask);

        this.block = (int) Math.max(1, Math.min(Math.max(count, 1), Math.min(maxBlockUsers, BLOCK_FLOATS / Math.max(numItems, 1))));
        this.userIndexHost = host.ints(block, 1);
        this.userIndex = scope.ints(block, 1);
        this.topIndexHost = host.ints(block, topK);
        this.topIndex = scope.ints(block, topK);
        this.topValue = scope.floats(block, topK);
        this.scores = scope.floats(block, numItems);
    }

    private CsrMatrix uploadPatternOnly(CsrMatrix hostMask) {
        return kernels.upload(hostMask, scope);
    }

    /** Users with at least one item in the target split. */
    public int evaluatedUsers() { return evalUsers.length; }

    /** Users with no item in the target split: not scored. */
    public int skippedUsers() { return skipped; }

    /**
     * @param users U×D user representations, @param items I×D item representations (same backend)
     */
    public RankingMetrics evaluate(Tensor users, Tensor items) {
        if (items.rows() != numItems) throw new IllegalArgumentException("item table has " + items.rows() + " rows for " + numItems + " items");
        if (users.cols() != items.cols()) throw new IllegalArgumentException("user and item widths differ");
        RankingMetrics metrics = new RankingMetrics(ks);
        for (int s = 0; s < skipped; s++) metrics.skip();
        if (userBlock == null || userBlock.capacity() < (long) block * users.cols()) {
            userBlock = scope.floats(block, users.cols());
        }
        int[] ranked = new int[topK];
        for (int start = 0; start < evalUsers.length; start += block) {
            int n = Math.min(block, evalUsers.length - start);
            userIndexHost.reshape(n, 1);
            for (int r = 0; r < n; r++) userIndexHost.setFlat(r, evalUsers[start + r]);
            userIndex.reshape(n, 1);
            kernels.upload(userIndexHost, userIndex);
            userBlock.reshape(n, users.cols());
            kernels.gatherRows(users, userIndex, userBlock);
            scores.reshape(n, numItems);
            kernels.gemm(false, true, 1f, userBlock, items, 0f, scores);
            kernels.maskScores(scores, mask, start, Float.NEGATIVE_INFINITY);
            topIndex.reshape(n, topK);
            topValue.reshape(n, topK);
            kernels.topK(scores, topK, topIndex, topValue);
            topIndexHost.reshape(n, topK);
            kernels.download(topIndex, topIndexHost);
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < topK; j++) ranked[j] = topIndexHost.getFlat((long) r * topK + j);
                metrics.addUser(ranked, topK, positives[start + r]);
            }
        }
        return metrics;
    }

    @Override
    public void close() {
        scope.close();
        host.close();
    }
}
