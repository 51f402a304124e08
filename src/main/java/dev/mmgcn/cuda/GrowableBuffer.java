package dev.mmgcn.cuda;

/** A device buffer that only grows, so that steady-state steps never allocate (the runtime's scratch and cuSPARSE workspace). */
final class GrowableBuffer {
    private final CudaRuntime rt;
    private final String what;
    private long address;
    private long capacity;

    GrowableBuffer(CudaRuntime rt, String what) {
        this.rt = rt;
        this.what = what;
    }

    /** The buffer's address, reallocated first when it holds fewer than {@code bytes}. */
    long ensure(long bytes) {
        if (bytes <= capacity) return address;
        long grown = Math.max(bytes, capacity * 2);
        if (address != 0) {
            // work queued on the stream may still read the old buffer
            rt.synchronize();
            rt.free(address);
            address = 0;
            capacity = 0;
        }
        address = rt.alloc(grown);
        capacity = grown;
        return address;
    }

    void release() {
        if (address != 0) rt.free(address);
        address = 0;
        capacity = 0;
    }

    @Override
    public String toString() {
        return what + " of " + capacity + " bytes";
    }
}
