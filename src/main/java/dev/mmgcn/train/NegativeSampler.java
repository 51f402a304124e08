package dev.mmgcn.train;

import dev.mmgcn.data.DataException;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;

/**
 * Uniform negatives: an item from a candidate pool that the user has no training interaction with,
 * drawn from a counter-based generator ({@link Philox}). Rejection sampling against the user's sorted row of the train CSR — no per-draw copies or sets; the
 * expected number of draws is pool / (pool − degree), close to 1 for sparse data.
 *
 * <p>The pool is either every item, or only items with at least one training interaction (MMRec's
 * protocol): then items no one has trained on are never pushed down as negatives, and their scores
 * come from their features alone.
 */
public final class NegativeSampler {
    /** Which items may be drawn as negatives. */
    public enum Pool {
        /** every item in the catalogue */
        ALL,
        /** items with at least one training interaction */
        TRAIN_ITEMS
    }

    private final IntTensor rowPtr;
    private final IntTensor colIdx;
    private final int[] pool;

    /** @param userItems host user × item CSR of training interactions (sorted columns) */
    public NegativeSampler(CsrMatrix userItems, Pool pool) {
        this.rowPtr = userItems.rowPtr();
        this.colIdx = userItems.colIdx();
        int numItems = userItems.cols();
        boolean[] seen = new boolean[numItems];
        for (long e = 0; e < colIdx.size(); e++) seen[colIdx.getFlat(e)] = true;
        int count = 0;
        for (int i = 0; i < numItems; i++) if (pool == Pool.ALL || seen[i]) count++;
        this.pool = new int[count];
        for (int i = 0, w = 0; i < numItems; i++) if (pool == Pool.ALL || seen[i]) this.pool[w++] = i;
        for (int u = 0; u < userItems.rows(); u++) {
            if (rowPtr.getFlat(u + 1) - rowPtr.getFlat(u) >= count) {
                throw new DataException("user " + u + " has interacted with every candidate item: no negative can be sampled");
            }
        }
    }

    public int poolSize() { return pool.length; }

    /**
     * The negative for position {@code slot} of epoch {@code epoch}: attempt a = 0, 1, … draws
     * {@code pool[Philox(seed; slot, a, epoch, NEGATIVES) mod |pool|]} until it is not one of the user's
     * training items. A pure function of its arguments: any slot can be drawn on its own, in any order,
     * on any device.
     */
    public int sample(int user, long seed, int epoch, int slot) {
        int from = rowPtr.getFlat(user);
        int to = rowPtr.getFlat(user + 1);
        for (int attempt = 0; ; attempt++) {
            int item = pool[Philox.below(Philox.bits(seed, slot, attempt, epoch, EpochPlan.NEGATIVES), pool.length)];
            if (!contains(from, to, item)) return item;
        }
    }

    private boolean contains(int from, int to, int item) {
        int lo = from, hi = to - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int v = colIdx.getFlat(mid);
            if (v < item) lo = mid + 1;
            else if (v > item) hi = mid - 1;
            else return true;
        }
        return false;
    }
}
