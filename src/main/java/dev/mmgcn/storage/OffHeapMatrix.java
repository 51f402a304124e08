package dev.mmgcn.storage;

import java.lang.foreign.MemorySegment;

/**
 * What {@link Tensor} (float32) and {@link IntTensor} (int32) share: a row-major rows×cols matrix over an
 * off-heap buffer of fixed capacity, on the host or on a device. The shape may change within the capacity,
 * so that a tape can reuse one buffer for batches of different sizes without reallocating. For a
 * {@link Device#CUDA} buffer the address is a device pointer: Java code must not dereference it, which
 * the element accessors check.
 */
public abstract sealed class OffHeapMatrix permits Tensor, IntTensor {
    private final MemorySegment data;
    private final int elementBytes;
    private final long capacity;
    private final Device device;
    private int rows;
    private int cols;

    OffHeapMatrix(MemorySegment data, Device device, int elementBytes, int rows, int cols) {
        this.data = data;
        this.device = device;
        this.elementBytes = elementBytes;
        this.capacity = data.byteSize() / elementBytes;
        setShape(rows, cols);
    }

    public final int rows() { return rows; }

    public final int cols() { return cols; }

    /** Number of elements in the current shape. */
    public final long size() { return (long) rows * cols; }

    /** Bytes of the current shape. */
    public final long byteSize() { return size() * elementBytes; }

    public final long capacity() { return capacity; }

    public final Device device() { return device; }

    public final MemorySegment segment() { return data; }

    /** Device pointer or host address of element 0. */
    public final long address() { return data.address(); }

    public final boolean isHost() { return device == Device.HOST; }

    public final String shape() { return rows + "x" + cols; }

    /** Changes the shape, keeping the buffer; the new shape must fit in the capacity. */
    final void setShape(int newRows, int newCols) {
        if (newRows < 0 || newCols < 0) {
            throw new IllegalArgumentException("negative shape " + newRows + "x" + newCols);
        }
        if ((long) newRows * newCols > capacity) {
            throw new IllegalArgumentException("shape " + newRows + "x" + newCols + " exceeds capacity " + capacity);
        }
        this.rows = newRows;
        this.cols = newCols;
    }

    /** The bytes of rows [from, to) of the current shape: what a row slice views. */
    final MemorySegment rowBytes(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + "," + to + ") of " + shape());
        }
        long row = (long) cols * elementBytes;
        return data.asSlice(from * row, (to - from) * row);
    }

    final void requireHost() {
        if (device != Device.HOST) throw new IllegalStateException("element access on " + this + "; download it first");
    }
}
