package dev.mmgcn.cuda;

import dev.mmgcn.kernels.TestBackends;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Small uploads through the page-locked staging buffer (fused switch on): they do not wait for the stream,
 * the host buffer may be refilled as soon as upload returns, and back-to-back uploads each land intact.
 * Needs a GPU (skips without one, fails where {@code mmgcn.expect.backends} names cuda).
 */
class StagedUploadsTest {

    private static void requireGpu() {
        if (TestBackends.expected().contains("cuda")) assertEquals("", CudaKernels.probe(), "the CUDA backend is expected here");
        assumeTrue(CudaKernels.probe().isEmpty(), () -> "no usable GPU: " + CudaKernels.probe());
    }

    private static int[] range(int n, int from) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = from + i;
        return a;
    }

    @Test
    void smallUploadsAreQueuedWithoutWaitingAndLandIntact() {
        requireGpu();
        try (CudaRuntime rt = CudaRuntime.open(0, true); HostScope host = new HostScope()) {
            int n = 1000;
            long bytes = (long) n * Integer.BYTES;
            long a = rt.alloc(bytes), b = rt.alloc(bytes);
            IntTensor h = host.ints(n, 1);
            h.copyFrom(range(n, 0));
            long before = rt.synchronizations();
            assertTrue(rt.stagedUpload(a, h.segment(), bytes));
            h.copyFrom(range(n, 5000)); // refilled at once, as Ranker does with the next block's users
            assertTrue(rt.stagedUpload(b, h.segment(), bytes));
            h.copyFrom(range(n, -7));
            assertEquals(before, rt.synchronizations(), "a staged upload does not wait for the stream");
            IntTensor back = host.ints(n, 1);
            rt.copyToHost(back.address(), a, bytes);
            assertArrayEquals(range(n, 0), back.toArray());
            rt.copyToHost(back.address(), b, bytes);
            assertArrayEquals(range(n, 5000), back.toArray());
            assertFalse(rt.stagedUpload(a, h.segment(), StagedUploads.STAGING_BYTES + 4), "larger uploads keep the verified path");
            rt.free(a);
            rt.free(b);
        }
        try (CudaRuntime off = CudaRuntime.open(0, false); HostScope host = new HostScope()) {
            assertFalse(off.stagedUpload(0, host.ints(4, 1).segment(), 16), "with the fused switch off uploads keep the verified path");
        }
    }
}
