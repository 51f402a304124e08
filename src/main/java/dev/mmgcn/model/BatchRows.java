package dev.mmgcn.model;

import dev.mmgcn.storage.IntTensor;

/**
 * The rows of R one BPR batch reads, for a model that computes its last layer on those rows alone
 * ({@link RecModel#forwardRows}): {@code rows} the distinct node ids of the batch's users, positives and
 * negatives in increasing order (a backend that replays steps gets them padded to a fixed count by
 * repeating the last), and {@code users}, {@code pos}, {@code neg} each triple's positions in
 * {@code rows} — the indices into the compact R that {@code forwardRows} returns.
 */
public record BatchRows(IntTensor rows, IntTensor users, IntTensor pos, IntTensor neg) {
    /** The positions as a {@link Batch} of row indices into the compact R (no item ids: they index no table). */
    public Batch positions() {
        return new Batch(users, pos, neg, null, null);
    }
}
