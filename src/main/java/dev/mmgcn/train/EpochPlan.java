package dev.mmgcn.train;

import dev.mmgcn.data.DataException;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.storage.IntTensor;

import java.util.Arrays;

/**
 * An epoch's training triples, made once per epoch: the order of the (deduplicated) training pairs
 * and a negative for each position, as a pure function of the seed and the epoch number.
 *
 * <p>Both come from {@link Philox} under the seed as key, counted by (index, attempt, epoch, stream):
 * <ul>
 *   <li><b>order</b>: pair k gets the 64-bit key {@code bits(seed; k, 0, epoch, SHUFFLE)} with its low
 *       {@code b} bits replaced by k (b = bits needed for the pair count), and the pairs are sorted by
 *       that key as an unsigned number. Ties cannot happen (k makes every key distinct); the result is a
 *       uniform shuffle up to keys that agree in their top 64 − b bits, which keep index order. A GPU
 *       gets the same permutation from a radix sort of the same keys.</li>
 *   <li><b>negatives</b>: position r's negative is {@link NegativeSampler#sample(int, long, int, int)}
 *       for its user with slot r, which draws attempt 0, 1, … until it misses the user's training items.</li>
 * </ul>
 * Nothing depends on earlier epochs, the thread count or the device, so a run can resume at any epoch
 * without saved generator state.
 */
public final class EpochPlan {
    /** Philox stream of the shuffle keys. */
    public static final int SHUFFLE = 0;
    /** Philox stream of the negatives. */
    public static final int NEGATIVES = 1;

    private final int[] users;
    private final int[] items;
    private final int numUsers;
    private final NegativeSampler sampler;
    private final long seed;
    private final int indexBits;

    /** @param sampler negatives over the same training interactions */
    public EpochPlan(Interactions train, int numUsers, int numItems, NegativeSampler sampler, long seed) {
        // train pairs deduplicated once: a repeated pair would otherwise be trained on twice per epoch
        Interactions pairs = train.distinct(numItems);
        int w = pairs.size();
        if (w == 0) throw new DataException("no training interactions to train on");
        users = pairs.users();
        items = pairs.items();
        this.numUsers = numUsers;
        this.sampler = sampler;
        this.seed = seed;
        this.indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(w - 1));
    }

    /** Distinct training pairs: the positions of an epoch. */
    public int pairs() { return users.length; }

    /** Steps of an epoch at this batch size; the last one may be shorter. */
    public int batches(int batchSize) {
        return (users.length + batchSize - 1) / batchSize;
    }

    /** The epoch's permutation of the pair indices. */
    public int[] order(int epoch) {
        int n = users.length;
        long mask = (1L << indexBits) - 1;
        long[] keys = new long[n];
        for (int k = 0; k < n; k++) {
            long r = Philox.bits(seed, k, 0, epoch, SHUFFLE);
            // flipping the sign bit makes the signed sort an unsigned one
            keys[k] = ((r & ~mask) | k) ^ Long.MIN_VALUE;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int r = 0; r < n; r++) order[r] = (int) (keys[r] & mask);
        return order;
    }

    /**
     * Writes the epoch's triples in step order as graph node ids: {@code users[r]}, {@code pos[r]} =
     * numUsers + item, {@code neg[r]} = numUsers + negative item. Host tensors of {@link #pairs()} rows.
     */
    public void fill(int epoch, IntTensor usersOut, IntTensor posOut, IntTensor negOut) {
        int n = users.length;
        for (IntTensor t : new IntTensor[] {usersOut, posOut, negOut}) {
            if (t.size() != n) throw new IllegalArgumentException("plan of " + n + " pairs into " + t.shape());
        }
        int[] order = order(epoch);
        for (int r = 0; r < n; r++) {
            int k = order[r];
            int u = users[k];
            usersOut.setFlat(r, u);
            posOut.setFlat(r, numUsers + items[k]);
            negOut.setFlat(r, numUsers + sampler.sample(u, seed, epoch, r));
        }
    }
}
