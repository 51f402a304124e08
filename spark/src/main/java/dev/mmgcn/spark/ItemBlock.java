package dev.mmgcn.spark;

import java.io.Serializable;

/**
 * A contiguous range of items and their representations: the whole catalogue when it is broadcast,
 * one block of it when the catalogue is too large to broadcast and is cross-joined with the user blocks.
 *
 * @param first the global index of the first item
 * @param rows  count × dim floats, row-major
 */
public record ItemBlock(int first, int count, int dim, float[] rows) implements Serializable {
    public ItemBlock {
        if (rows.length != (long) count * dim) throw new IllegalArgumentException(rows.length + " floats for " + count + " items of width " + dim);
    }
}
