package dev.mmgcn.train;

import dev.mmgcn.data.DataException;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;

import java.util.SplittableRandom;

/**
 * Uniform negatives: an item the user has no training interaction with. Rejection sampling against
 * the user's sorted row of the train CSR — no per-draw copies or sets; the expected number of draws
 * is items / (items − degree), close to 1 for sparse data.
 */
public final class NegativeSampler {
    private final IntTensor rowPtr;
    private final IntTensor colIdx;
    private final int numItems;

    /** @param userItems host user × item CSR of training interactions (sorted columns) */
    public NegativeSampler(CsrMatrix userItems) {
        this.rowPtr = userItems.rowPtr();
        this.colIdx = userItems.colIdx();
        this.numItems = userItems.cols();
        for (int u = 0; u < userItems.rows(); u++) {
            if (rowPtr.getFlat(u + 1) - rowPtr.getFlat(u) >= numItems) {
                throw new DataException("user " + u + " has interacted with every item: no negative can be sampled");
            }
        }
    }

    public int sample(int user, SplittableRandom rng) {
        int from = rowPtr.getFlat(user);
        int to = rowPtr.getFlat(user + 1);
        while (true) {
            int item = rng.nextInt(numItems);
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
