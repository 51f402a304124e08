package dev.mmgcn.kernels;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.mmgcn.kernels.RandomTensors.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Vector API GEMM's split along k for weight gradients (Aᵀ·B, small C, long k): parity with the
 * scalar reference on every alpha/beta and around the chunk and size limits, and the same bits on any
 * number of threads.
 */
class GemmDepthSplitTest {
    private static final ScalarKernels REF = new ScalarKernels();

    @Test
    void theSplitIsTakenOnlyForLongThinTransposedProducts() {
        assumeTrue(Backends.vectorModulePresent());
        assertTrue(VectorGemm.splitsDepth(true, 128, 64, 16018), "TikTok's weight gradient");
        assertTrue(VectorGemm.splitsDepth(true, 256, 256, 2 * VectorGemm.KC));
        assertFalse(VectorGemm.splitsDepth(true, 128, 64, 2 * VectorGemm.KC - 1), "one chunk and a bit: nothing to split");
        assertFalse(VectorGemm.splitsDepth(true, 257, 256, 20000), "a large C has rows enough");
        assertFalse(VectorGemm.splitsDepth(false, 128, 64, 16018), "only Aᵀ·B");
    }

    @Test
    void matchesTheReference() {
        assumeTrue(Backends.vectorModulePresent());
        int[][] shapes = {{64, 1024, 64}, {128, 3000, 64}, {7, 1537, 33}, {67, 2100, 129}, {1, 1100, 1}, {256, 1030, 256}};
        float[][] alphaBeta = {{1f, 0f}, {-0.75f, 0.5f}, {1.25f, 1f}};
        try (VectorKernels k = new VectorKernels(3); HostScope s = new HostScope()) {
            Random rnd = new Random(41);
            for (int[] sh : shapes) {
                int m = sh[0], kk = sh[1], n = sh[2];
                assertTrue(VectorGemm.splitsDepth(true, m, n, kk));
                for (float[] ab : alphaBeta) {
                    for (boolean tb : new boolean[] {false, true}) {
                        Tensor a = uniform(s, rnd, kk, m);
                        Tensor b = tb ? uniform(s, rnd, n, kk) : uniform(s, rnd, kk, n);
                        Tensor want = ab[1] == 0f ? filled(s, m, n, Float.NaN) : uniform(s, rnd, m, n);
                        Tensor got = copy(s, want);
                        REF.gemm(true, tb, ab[0], a, b, ab[1], want);
                        k.gemm(true, tb, ab[0], a, b, ab[1], got);
                        Compare.close("depth-split gemm " + m + "x" + kk + "x" + n + " transB=" + tb + " alpha=" + ab[0] + " beta=" + ab[1],
                                want.toArray(), got.toArray(), 1e-4, 1e-4);
                    }
                }
            }
        }
    }

    @Test
    void sameBitsOnOneTwoThreeAndSixteenThreads() {
        assumeTrue(Backends.vectorModulePresent());
        int[] reference = null;
        for (int threads : new int[] {1, 2, 3, 16}) {
            try (VectorKernels k = new VectorKernels(threads); HostScope s = new HostScope()) {
                Random rnd = new Random(42);
                Tensor a = uniform(s, rnd, 5000, 96);
                Tensor b = uniform(s, rnd, 5000, 64);
                Tensor c = uniform(s, rnd, 96, 64);
                k.gemm(true, false, 0.5f, a, b, 1f, c);
                float[] f = c.toArray();
                int[] bits = new int[f.length];
                for (int i = 0; i < f.length; i++) bits[i] = Float.floatToRawIntBits(f[i]);
                if (reference == null) reference = bits;
                else assertArrayEquals(reference, bits, threads + " threads differ from 1");
            }
        }
    }
}
