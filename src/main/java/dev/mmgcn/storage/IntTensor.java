package dev.mmgcn.storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A row-major int32 matrix over an off-heap buffer: indices, CSR structure, argmax maps. Shape changes within capacity as for {@link Tensor}. */
public final class IntTensor {
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final MemorySegment data;
    private final long capacity;
    private final Device device;
    private int rows;
    private int cols;

    public IntTensor(MemorySegment data, Device device, int rows, int cols) {
        this.data = data;
        this.device = device;
        this.capacity = data.byteSize() / Integer.BYTES;
        reshape(rows, cols);
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    public long size() { return (long) rows * cols; }

    public long capacity() { return capacity; }

    public Device device() { return device; }

    public MemorySegment segment() { return data; }

    public long address() { return data.address(); }

    public boolean isHost() { return device == Device.HOST; }

    public IntTensor reshape(int newRows, int newCols) {
        if (newRows < 0 || newCols < 0 || (long) newRows * newCols > capacity) {
            throw new IllegalArgumentException("shape " + newRows + "x" + newCols + " does not fit capacity " + capacity);
        }
        this.rows = newRows;
        this.cols = newCols;
        return this;
    }

    public String shape() { return rows + "x" + cols; }

    /** A view of rows [from, to) sharing this buffer (device tensors too: only the address moves). */
    public IntTensor rowSlice(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + "," + to + ") of " + shape());
        }
        return new IntTensor(data.asSlice((long) from * cols * Integer.BYTES, (long) (to - from) * cols * Integer.BYTES), device,
                to - from, cols);
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
        return getFlat((long) r * cols + c);
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

    private void requireHost() {
        if (device != Device.HOST) {
            throw new IllegalStateException("element access on a " + device + " int tensor; download it first");
        }
    }

    @Override
    public String toString() {
        return "IntTensor[" + shape() + " on " + device + "]";
    }
}
