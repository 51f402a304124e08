package dev.mmgcn.cuda;

import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Device buffers that live and die together. A scope takes memory from the driver in chunks and hands
 * out 256-byte-aligned pieces of them, so a model with hundreds of small parameters or a tape with
 * hundreds of intermediates costs a handful of {@code cuMemAlloc} calls rather than one each; since a
 * scope frees only all at once, nothing finer is needed. Chunks are zero-filled with
 * {@code cuMemsetD32} when taken, which makes every buffer start at zero as {@link Scope} promises.
 *
 * <p>The tensors wrap the device address in a {@link MemorySegment} of the right size with
 * {@link Device#CUDA}: Java code never dereferences it ({@link Tensor} checks), but
 * {@link Tensor#rowSlice} and the address arithmetic of the kernels work on it unchanged.
 */
public final class CudaScope implements Scope {
    static final long ALIGNMENT = 256;
    static final long MIN_CHUNK = 1L << 20;
    static final long MAX_CHUNK = 64L << 20;

    private final CudaRuntime rt;
    private final List<Long> allocations = new ArrayList<>();
    private final Deque<Runnable> closeHooks = new ArrayDeque<>();
    private long chunk;
    private long chunkSize;
    private long chunkUsed;
    private long reserved;
    private boolean closed;

    CudaScope(CudaRuntime rt) {
        this.rt = rt;
        rt.register(this);
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public Tensor floats(int rows, int cols) {
        long bytes = checkedBytes(rows, cols, Float.BYTES);
        return new Tensor(segment(bytes), Device.CUDA, rows, cols);
    }

    @Override
    public IntTensor ints(int rows, int cols) {
        long bytes = checkedBytes(rows, cols, Integer.BYTES);
        return new IntTensor(segment(bytes), Device.CUDA, rows, cols);
    }

    private static long checkedBytes(int rows, int cols, int width) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        // an empty buffer keeps one element, as HostScope does, so that it still has an address
        return Math.max((long) rows * cols * width, width);
    }

    @SuppressWarnings("restricted") // a device address given a size; never dereferenced on the host
    private MemorySegment segment(long bytes) {
        return MemorySegment.ofAddress(allocate(bytes)).reinterpret(bytes);
    }

    /** A zeroed device range of {@code bytes}, aligned to {@link #ALIGNMENT}. */
    synchronized long allocate(long bytes) {
        if (closed) throw new IllegalStateException("this CUDA scope is closed");
        rt.requireOpen();
        long rounded = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        if (rounded > MAX_CHUNK / 2) {
            long address = take(rounded);
            reserved += rounded;
            return address;
        }
        if (chunk == 0 || chunkUsed + rounded > chunkSize) {
            // grow with the scope: small scopes stay small, big ones amortise the driver calls
            long grown = Long.highestOneBit(Math.max(reserved, 1)) * 2;
            chunkSize = Math.min(MAX_CHUNK, Math.max(Math.max(MIN_CHUNK, rounded), grown));
            chunk = take(chunkSize);
            chunkUsed = 0;
            reserved += chunkSize;
        }
        long address = chunk + chunkUsed;
        chunkUsed += rounded;
        return address;
    }

    private long take(long bytes) {
        long address = rt.alloc(bytes);
        allocations.add(address);
        rt.memsetD32(address, 0, bytes / Integer.BYTES);
        return address;
    }

    /** Runs {@code hook} when the scope closes, before its memory is freed (latest first). */
    synchronized void onClose(Runnable hook) {
        if (closed) throw new IllegalStateException("this CUDA scope is closed");
        closeHooks.push(hook);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        RuntimeException failure = null;
        try {
            while (!closeHooks.isEmpty()) {
                try {
                    closeHooks.pop().run();
                } catch (RuntimeException e) {
                    if (failure == null) failure = e; else failure.addSuppressed(e);
                }
            }
            if (!allocations.isEmpty()) {
                rt.makeCurrent();
                // kernels queued on the stream may still use these buffers
                rt.synchronize();
                for (long address : allocations) rt.free(address);
            }
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        } finally {
            allocations.clear();
            rt.unregister(this);
        }
        if (failure != null) throw failure;
    }
}
