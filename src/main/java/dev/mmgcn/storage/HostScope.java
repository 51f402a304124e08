package dev.mmgcn.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Host buffers from a shared arena, so that worker threads of the SIMD backend may touch them. */
public final class HostScope implements Scope {
    /** Cache-line alignment: keeps SIMD loads from straddling lines at row starts of aligned widths. */
    private static final long ALIGNMENT = 64;

    private static final java.util.concurrent.atomic.AtomicLong LIVE = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong PEAK = new java.util.concurrent.atomic.AtomicLong();

    private final Arena arena = Arena.ofShared();
    private long allocated;

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
        MemorySegment s = arena.allocate(Math.max(bytes, 4), ALIGNMENT);
        long size = Math.max(bytes, 4);
        synchronized (this) {
            allocated += size;
        }
        PEAK.accumulateAndGet(LIVE.addAndGet(size), Math::max);
        return s;
    }

    @Override
    public void close() {
        long size;
        synchronized (this) {
            size = allocated;
            allocated = 0;
        }
        arena.close();
        LIVE.addAndGet(-size);
    }

    /** Bytes held by all open host scopes of this JVM: what the engine's tensors take off the Java heap. */
    public static long liveBytes() {
        return LIVE.get();
    }

    /** The most {@link #liveBytes} has been since the last {@link #resetPeak}. */
    public static long peakBytes() {
        return PEAK.get();
    }

    public static void resetPeak() {
        PEAK.set(LIVE.get());
    }
}
