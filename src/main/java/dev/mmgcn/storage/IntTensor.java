package dev.mmgcn.storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A row-major int32 matrix over an off-heap buffer ({@link OffHeapMatrix}): indices, CSR structure, argmax maps. */
public final class IntTensor extends OffHeapMatrix {
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final MemorySegment data;

    public IntTensor(MemorySegment data, Device device, int rows, int cols) {
        super(data, device, Integer.BYTES, rows, cols);
        this.data = data;
    }

    public IntTensor reshape(int newRows, int newCols) {
        setShape(newRows, newCols);
        return this;
    }

    /** A view of rows [from, to) sharing this buffer (device tensors too: only the address moves). */
    public IntTensor rowSlice(int from, int to) {
        return new IntTensor(rowBytes(from, to), device(), to - from, cols());
    }

    public int getFlat(long i) {
        requireHost();
        return data.getAtIndex(INT, i);
    }

    public void setFlat(long i, int v) {
        requireHost();
        data.setAtIndex(INT, i, v);
    }

    public int get(int r, int c) {
        return getFlat((long) r * cols() + c);
    }

    public int[] toArray() {
        requireHost();
        int[] out = new int[Math.toIntExact(size())];
        MemorySegment.copy(data, INT, 0, out, 0, out.length);
        return out;
    }

    public void copyFrom(int[] values) {
        requireHost();
        if (values.length != size()) {
            throw new IllegalArgumentException("array of " + values.length + " for a " + shape() + " int tensor");
        }
        MemorySegment.copy(values, 0, data, INT, 0, values.length);
    }

    @Override
    public String toString() {
        return "IntTensor[" + shape() + " on " + device() + "]";
    }
}
