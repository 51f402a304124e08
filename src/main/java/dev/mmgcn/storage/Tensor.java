package dev.mmgcn.storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A row-major float32 matrix over an off-heap buffer ({@link OffHeapMatrix}: fixed capacity, shape
 * changed within it by {@link #reshape}). Vectors are n×1 or 1×n matrices and scalars are 1×1: every op
 * works on the same two-dimensional type.
 */
public final class Tensor extends OffHeapMatrix {
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final MemorySegment data;

    public Tensor(MemorySegment data, Device device, int rows, int cols) {
        super(data, device, Float.BYTES, rows, cols);
        this.data = data;
    }

    /** Changes the shape, keeping the buffer; the new shape must fit in the capacity. Contents are not defined afterwards. */
    public Tensor reshape(int newRows, int newCols) {
        setShape(newRows, newCols);
        return this;
    }

    /**
     * A view of rows [from, to) sharing this buffer; works for device tensors too, because only the
     * address is offset. For evaluation blocks and slices of a representation, not for tape outputs.
     */
    public Tensor rowSlice(int from, int to) {
        return new Tensor(rowBytes(from, to), device(), to - from, cols());
    }

    /**
     * A rows×cols view of this buffer starting at element {@code offset}, bounded by the capacity rather
     * than the current shape: how one flat buffer holds many parameters. Works for device tensors too.
     */
    public Tensor view(long offset, int rows, int cols) {
        long size = (long) rows * cols;
        if (offset < 0 || rows < 0 || cols < 0 || offset + size > capacity()) {
            throw new IndexOutOfBoundsException(rows + "x" + cols + " at element " + offset + " outside a buffer of " + capacity());
        }
        return new Tensor(data.asSlice(offset * Float.BYTES, Math.max(size, 0) * Float.BYTES), device(), rows, cols);
    }

    public boolean sameShape(Tensor other) {
        return rows() == other.rows() && cols() == other.cols();
    }

    public float get(int r, int c) {
        requireHost();
        return data.getAtIndex(FLOAT, (long) r * cols() + c);
    }

    public void set(int r, int c, float v) {
        requireHost();
        data.setAtIndex(FLOAT, (long) r * cols() + c, v);
    }

    public float getFlat(long i) {
        requireHost();
        return data.getAtIndex(FLOAT, i);
    }

    public void setFlat(long i, float v) {
        requireHost();
        data.setAtIndex(FLOAT, i, v);
    }

    /** Copies the current contents to a new array; for tests, checkpoints and small results, never hot paths. */
    public float[] toArray() {
        requireHost();
        float[] out = new float[Math.toIntExact(size())];
        MemorySegment.copy(data, FLOAT, 0, out, 0, out.length);
        return out;
    }

    public void copyFrom(float[] values) {
        requireHost();
        if (values.length != size()) {
            throw new IllegalArgumentException("array of " + values.length + " for a " + shape() + " tensor");
        }
        MemorySegment.copy(values, 0, data, FLOAT, 0, values.length);
    }

    @Override
    public String toString() {
        return "Tensor[" + shape() + " on " + device() + "]";
    }
}
