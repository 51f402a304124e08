package dev.mmgcn.spark;

import java.io.Serializable;

/**
 * The users one Spark task ranks: their representations, their training items (a block-local CSR,
 * each row sorted) and, for a recommendation job, their own ids; for an evaluation, their held-out
 * items (a block-local CSR, each row sorted and non-empty). Built on the driver; shipped once to the
 * executor that ranks it.
 *
 * @param index     the block's position (output order)
 * @param users     global user indices
 * @param rows      users.length × dim floats, row-major
 * @param seenPtr   users.length + 1 offsets into seenItems, or null when seen items stay in
 * @param ids       the users' own ids, or null
 * @param heldPtr   users.length + 1 offsets into heldItems, or null
 */
public record UserBlock(int index, int[] users, int dim, float[] rows, int[] seenPtr, int[] seenItems, String[] ids,
                        int[] heldPtr, int[] heldItems) implements Serializable {
    public UserBlock {
        if (rows.length != (long) users.length * dim) throw new IllegalArgumentException(rows.length + " floats for " + users.length + " users of width " + dim);
        if (seenPtr != null && seenPtr.length != users.length + 1) throw new IllegalArgumentException("seen row pointers do not fit the block");
        if (ids != null && ids.length != users.length) throw new IllegalArgumentException("ids do not fit the block");
        if (heldPtr != null && heldPtr.length != users.length + 1) throw new IllegalArgumentException("held-out row pointers do not fit the block");
    }

    public int size() { return users.length; }

    /** The block without its representations and seen items: what the output needs beside the ranking. */
    public UserBlock labels() {
        return new UserBlock(index, users, 0, new float[0], null, null, ids, heldPtr, heldItems);
    }

    /** Approximate serialised size, for sizing blocks. */
    static long bytesPerUser(int dim, double seenPerUser, double idBytes, double heldPerUser) {
        return (long) Math.ceil(4L * dim + 4 + 4 * (seenPerUser + 1) + idBytes + 8 + 4 * (heldPerUser + 1));
    }
}
