package dev.mmgcn.cuda;

/**
 * A device buffer that only grows, so that steady-state steps never allocate (the runtime's scratch and
 * cuSPARSE workspace). When it grows it moves: it waits for the stream (queued work may still read the
 * old buffer), runs its {@link #beforeMove} hook, frees the old buffer and allocates the new one. The
 * backend sets the hook to {@link GraphRecorder#invalidate()} when CUDA graphs are on, so a recording that
 * still points at the old buffer is destroyed before the buffer is freed, and its key is recorded again
 * against the new one (for instance FREEDOM validating on the full graph mid-epoch, whose products need
 * more workspace than the pruned training graph's).
 */
final class GrowableBuffer {
    /** The device calls a buffer makes; {@link CudaRuntime} in the backend, a fake in tests. */
    interface Memory {
        long alloc(long bytes);

        void free(long address);

        /** Waits until the stream's queued work is done. */
        void synchronize();
    }

    private final Memory memory;
    private final String what;
    private Runnable beforeMove = () -> { };
    private long address;
    private long capacity;

    GrowableBuffer(Memory memory, String what) {
        this.memory = memory;
        this.what = what;
    }

    /** Runs {@code hook} each time the buffer is about to be freed to grow, after the stream is idle. */
    void beforeMove(Runnable hook) {
        this.beforeMove = hook;
    }

    /** The buffer's address, reallocated first when it holds fewer than {@code bytes}. */
    long ensure(long bytes) {
        if (bytes <= capacity) return address;
        long grown = Math.max(bytes, capacity * 2);
        if (address != 0) {
            // work queued on the stream may still read the old buffer
            memory.synchronize();
            // and recordings (CUDA graphs) still point at it
            beforeMove.run();
            memory.free(address);
            address = 0;
            capacity = 0;
        }
        address = memory.alloc(grown);
        capacity = grown;
        return address;
    }

    void release() {
        if (address != 0) memory.free(address);
        address = 0;
        capacity = 0;
    }

    long capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return what + " of " + capacity + " bytes";
    }
}
