package dev.mmgcn.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemHostRegister;
import static jcuda.driver.JCudaDriver.cuMemHostUnregister;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

/**
 * Small uploads queued in stream order without waiting for the stream (issue 24; unverified on a GPU, so
 * only with the fused switch on). The verified {@link CudaRuntime#copyToDevice} waits for the whole stream
 * after each upload, because the caller may refill or free its host buffer as soon as upload returns and
 * the driver documents a copy from pageable memory only as one that "might be synchronous". That wait is
 * needless where the stream still has work queued: the first block of an evaluation, whose user-index
 * upload waited for the forward pass before the block's gather, product, mask and top-K could be queued.
 *
 * <p>Here the host bytes are first copied into one page-locked staging buffer (registered with
 * {@code cuMemHostRegister}), and the device copy is queued from it, followed by an event. Upload returns
 * once the host bytes are in the staging buffer, so the caller may reuse its own buffer at once, as
 * before. Before the staging buffer is overwritten, the previous staged copy's event is waited for: that
 * is the only wait, and where uploads follow a synchronising read (the next evaluation block, after the
 * previous block's downloads) it has long completed. Kernels that read the destination are queued after
 * the copy on the same stream, and earlier ones that read its old contents before it, as with the
 * verified path. Uploads larger than {@link #STAGING_BYTES} (parameters, graphs: once per run) keep the
 * verified path.
 */
final class StagedUploads implements AutoCloseable {
    /** The staging buffer: index uploads (an evaluation block's users, a batch) fit many times over. */
    static final long STAGING_BYTES = 1L << 20;

    private final CudaRuntime rt;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment staging = arena.allocate(STAGING_BYTES, 4096);
    private final CUevent copied = new CUevent();
    private boolean registered;
    private boolean eventCreated;
    private boolean pending;

    StagedUploads(CudaRuntime rt) {
        this.rt = rt;
    }

    static boolean fits(long bytes) {
        return bytes > 0 && bytes <= STAGING_BYTES;
    }

    /** Copies {@code bytes} of {@code host} (from its start) to {@code device} in stream order; does not wait for the stream. */
    void upload(long device, MemorySegment host, long bytes) {
        if (!fits(bytes)) throw new IllegalArgumentException(bytes + " bytes do not fit the " + STAGING_BYTES + "-byte staging buffer");
        if (!registered) {
            CudaRuntime.check("cuMemHostRegister(" + STAGING_BYTES + " bytes)", cuMemHostRegister(Pointers.host(staging.address()), STAGING_BYTES, 0));
            registered = true;
        }
        if (!eventCreated) {
            CudaRuntime.check("cuEventCreate", cuEventCreate(copied, CUevent_flags.CU_EVENT_DISABLE_TIMING));
            eventCreated = true;
        }
        // the previous staged copy must have read the staging buffer before it is overwritten
        if (pending) CudaRuntime.check("cuEventSynchronize", cuEventSynchronize(copied));
        MemorySegment.copy(host, 0, staging, 0, bytes);
        CudaRuntime.check("cuMemcpyHtoDAsync(staged, " + bytes + " bytes)",
                cuMemcpyHtoDAsync(Pointers.device(device), Pointers.host(staging.address()), bytes, rt.stream()));
        CudaRuntime.check("cuEventRecord", cuEventRecord(copied, rt.stream()));
        pending = true;
    }

    @Override
    public void close() {
        try {
            if (pending) CudaRuntime.check("cuEventSynchronize", cuEventSynchronize(copied));
            if (eventCreated) CudaRuntime.check("cuEventDestroy", cuEventDestroy(copied));
            if (registered) CudaRuntime.check("cuMemHostUnregister", cuMemHostUnregister(Pointers.host(staging.address())));
        } finally {
            pending = false;
            eventCreated = false;
            registered = false;
            arena.close();
        }
    }
}
