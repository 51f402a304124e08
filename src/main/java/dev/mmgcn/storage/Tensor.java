package dev.mmgcn.storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A row-major float32 matrix over an off-heap buffer.
 *
 * <p>The buffer has a fixed capacity; the shape may be changed within it with {@link #reshape}, so
 * that a tape can reuse one buffer for batches of different sizes without reallocating. Vectors are
 * n×1 or 1×n matrices and scalars are 1×1: every op works on the same two-dimensional type.
 *
 * <p>For a {@link Device#CUDA} tensor the segment's address is a device pointer: Java code must not
 * dereference it, which the element accessors check.
 */
public final class Tensor {
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final MemorySegment data;
    private final long capacity;
    private final Device device;
    private int rows;
    private int cols;

    public Tensor(MemorySegment data, Device device, int rows, int cols) {
        this.data = data;
        this.device = device;
        this.capacity = data.byteSize() / Float.BYTES;
        reshape(rows, cols);
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** Number of elements in the current shape. */
    public long size() { return (long) rows * cols; }

    public long capacity() { return capacity; }

    public Device device() { return device; }

    public MemorySegment segment() { return data; }

    /** Device pointer or host address of element 0. */
    public long address() { return data.address(); }

    public boolean isHost() { return device == Device.HOST; }

    /** Changes the shape, keeping the buffer; the new shape must fit in the capacity. Contents are not defined afterwards. */
    public Tensor reshape(int newRows, int newCols) {
        if (newRows < 0 || newCols < 0) {
            throw new IllegalArgumentException("negative shape " + newRows + "x" + newCols);
        }
        if ((long) newRows * newCols > capacity) {
            throw new IllegalArgumentException("shape " + newRows + "x" + newCols + " exceeds capacity " + capacity);
        }
        this.rows = newRows;
        this.cols = newCols;
        return this;
    }

    /**
     * A view of rows [from, to) sharing this buffer; works for device tensors too, because only the
     * address is offset. For evaluation blocks and slices of a representation, not for tape outputs.
     */
    public Tensor rowSlice(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + "," + to + ") of " + shape());
        }
        long start = (long) from * cols * Float.BYTES;
        long bytes = Math.max((long) (to - from) * cols * Float.BYTES, 0);
        return new Tensor(data.asSlice(start, bytes), device, to - from, cols);
    }

    /**
     * A rows×cols view of this buffer starting at element {@code offset}, bounded by the capacity rather
     * than the current shape: how one flat buffer holds many parameters. Works for device tensors too.
     */
    public Tensor view(long offset, int rows, int cols) {
        long size = (long) rows * cols;
        if (offset < 0 || rows < 0 || cols < 0 || offset + size > capacity) {
            throw new IndexOutOfBoundsException(rows + "x" + cols + " at element " + offset + " outside a buffer of " + capacity);
        }
        return new Tensor(data.asSlice(offset * Float.BYTES, Math.max(size, 0) * Float.BYTES), device, rows, cols);
    }

    public boolean sameShape(Tensor other) {
        return rows == other.rows && cols == other.cols;
    }

    public String shape() { return rows + "x" + cols; }

    public float get(int r, int c) {
        requireHost();
        return data.getAtIndex(FLOAT, (long) r * cols + c);
    }

    public void set(int r, int c, float v) {
        requireHost();
        data.setAtIndex(FLOAT, (long) r * cols + c, v);
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

    private void requireHost() {
        if (device != Device.HOST) {
            throw new IllegalStateException("element access on a " + device + " tensor; download it first");
        }
    }

    @Override
    public String toString() {
        return "Tensor[" + shape() + " on " + device + "]";
    }
}
