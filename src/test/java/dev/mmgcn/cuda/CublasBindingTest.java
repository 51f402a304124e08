package dev.mmgcn.cuda;

import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The FFM binding of cuBLAS, exercised through its real downcalls against a host-memory stand-in
 * library (src/test/resources/.../fake_cublas.c, compiled here with the system C compiler; the tests
 * skip where there is none). The stand-in performs BLAS's column-major SGEMM with cuBLAS's argument
 * checks, so a wrong symbol, descriptor, operand order or leading dimension fails here without a GPU.
 */
class CublasBindingTest {
    @TempDir
    static Path dir;
    private static Path library;

    @BeforeAll
    static void buildStandIn() throws IOException, InterruptedException {
        Path source = dir.resolve("fake_cublas.c");
        try (InputStream in = CublasBindingTest.class.getResourceAsStream("fake_cublas.c")) {
            Files.copy(in, source);
        }
        Path lib = dir.resolve("libfakecublas.so");
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-O1", "-o", lib.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noCompiler) {
            return;
        }
        String log = new String(cc.getInputStream().readAllBytes());
        if (cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0) library = lib;
        else System.err.println("stand-in cuBLAS did not compile: " + log);
    }

    private static CublasBinding open() {
        assumeTrue(library != null, "no C compiler to build the stand-in cuBLAS");
        return new CublasBinding(library.toString(), 0x1000L);
    }

    /** Row-major products through the column-major binding equal the reference's, to 1e-5. */
    @Test
    void rowMajorProductsMatchTheReferenceForEveryTranspose() {
        ScalarKernels ref = new ScalarKernels();
        SplittableRandom rnd = new SplittableRandom(9);
        try (CublasBinding blas = open(); Scope s = new HostScope()) {
            int[][] shapes = {{1, 1, 1}, {37, 19, 53}, {8, 64, 3}, {1, 30, 1}};
            for (int[] shape : shapes) {
                int m = shape[0], k = shape[1], n = shape[2];
                for (boolean ta : new boolean[]{false, true}) {
                    for (boolean tb : new boolean[]{false, true}) {
                        for (float beta : new float[]{0f, 0.5f}) {
                            Tensor a = random(s, ta ? k : m, ta ? m : k, rnd);
                            Tensor b = random(s, tb ? n : k, tb ? k : n, rnd);
                            Tensor want = random(s, m, n, rnd);
                            Tensor got = s.floats(m, n);
                            for (long i = 0; i < got.size(); i++) got.setFlat(i, beta == 0f ? Float.NaN : want.getFlat(i));
                            ref.gemm(ta, tb, 0.75f, a, b, beta, want);
                            blas.sgemmRowMajor(ta, tb, m, n, k, 0.75f, a.address(), a.cols(), b.address(), b.cols(),
                                    beta, got.address(), got.cols());
                            for (long i = 0; i < want.size(); i++) {
                                assertEquals(want.getFlat(i), got.getFlat(i), 1e-5,
                                        "element " + i + " of " + m + "x" + k + "x" + n + " trans " + ta + "/" + tb + " beta " + beta);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aRefusedCallIsNamedWithItsStatus() {
        try (CublasBinding blas = open(); Scope s = new HostScope()) {
            Tensor a = s.floats(4, 3);
            Tensor c = s.floats(4, 4);
            // a row stride of 1 for a 4x3 matrix: cuBLAS rejects the leading dimension
            CudaException e = assertThrows(CudaException.class, () -> blas.sgemmRowMajor(false, true, 4, 4, 3, 1f,
                    a.address(), 1, a.address(), 3, 0f, c.address(), 4));
            assertEquals("cublasSgemm_v2 failed: CUBLAS_STATUS_INVALID_VALUE (7)", e.getMessage());
            assertEquals("cublasSgemm_v2", e.call());
        }
    }

    @Test
    void versionComesFromTheLibraryAndCloseIsIdempotent() {
        CublasBinding blas = open();
        assertEquals(130100, blas.version());
        assertTrue(blas.library().endsWith("libfakecublas.so"));
        blas.close();
        blas.close();
    }

    private static Tensor random(Scope s, int rows, int cols, SplittableRandom rnd) {
        Tensor t = s.floats(rows, cols);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) (rnd.nextDouble() * 2 - 1));
        return t;
    }
}
