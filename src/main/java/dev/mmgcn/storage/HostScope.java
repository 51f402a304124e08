package dev.mmgcn.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Host buffers from a shared arena, so that worker threads of the SIMD backend may touch them. */
public final class HostScope implements Scope {
    /** Cache-line alignment: keeps SIMD loads from straddling lines at row starts of aligned widths. */
    private static final long ALIGNMENT = 64;

    private final Arena arena = Arena.ofShared();

    @Override
    public Device device() { return Device.HOST; }

    @Override
    public Tensor floats(int rows, int cols) {
        return new Tensor(allocate((long) rows * cols * Float.BYTES), Device.HOST, rows, cols);
    }

    @Override
    public IntTensor ints(int rows, int cols) {
        return new IntTensor(allocate((long) rows * cols * Integer.BYTES), Device.HOST, rows, cols);
    }

    private MemorySegment allocate(long bytes) {
        // A zero-size buffer is legal (an empty batch, an isolated graph); keep one byte so the segment has an address.
        return arena.allocate(Math.max(bytes, 4), ALIGNMENT);
    }

    @Override
    public void close() {
        arena.close();
    }
}
