package dev.mmgcn.model;

import dev.mmgcn.storage.IntTensor;

/**
 * One BPR batch on the backend, as row indices: {@code users} (rows 0..U−1 of R), {@code posRows} and
 * {@code negRows} (rows U + item of R), and the same items as 0-based item ids ({@code posItems},
 * {@code negItems}) for tables with one row per item.
 */
public record Batch(IntTensor users, IntTensor posRows, IntTensor negRows, IntTensor posItems, IntTensor negItems) {
    public int size() {
        return Math.toIntExact(users.size());
    }
}
