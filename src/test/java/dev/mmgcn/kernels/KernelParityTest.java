package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.mmgcn.kernels.RandomTensors.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernel regression suite: every {@link Kernels} method of every non-scalar backend this JVM can run
 * (the Vector API backend with its default threads and with three, and the CUDA backend when one is
 * present) against {@link ScalarKernels} on seeded random inputs of awkward sizes. A backend the run
 * expects ({@link TestBackends#EXPECT}: the Vector API backend by default, CUDA too on the GPU check) that
 * is missing fails the suite instead of leaving it with nothing to compare.
 *
 * <p>Inputs are made on the host, uploaded into the backend's own scope and the results downloaded, so
 * the same test drives a device backend. Tolerances, stated per test, are of the form
 * |got − ref| ≤ rel·|ref| + abs:
 * <ul>
 *   <li>{@link #SUM}: sums over up to a few hundred terms reassociated in float (GEMM, SpMM, row sums);</li>
 *   <li>{@link #ELEM}: one or two roundings per element, where a backend may fuse a multiply-add;</li>
 *   <li>exact: copies, selections (max, top-k, gather) and sums of multiples of 1/16, which are exact in
 *       any order, so scatter-adds must match even when a backend adds in another order.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelParityTest {
    /** GEMM-scale sums: 1e-4 relative plus 1e-4 absolute, i.e. 1e-4·(1 + |ref|). */
    private static final double SUM = 1e-4;
    /** Element-wise arithmetic: 1e-6·(1 + |ref|). */
    private static final double ELEM = 1e-6;
    /** Losses and other float-vs-double reductions or transcendental functions: 1e-5·(1 + |ref|). */
    private static final double LOSS = 1e-5;

    /** Widths around both common vector lengths (8 and 16 lanes) and the GEMM register tiles. */
    private static final int[] WIDTHS = {1, 7, 8, 9, 15, 16, 17, 33, 64, 67};

    /** Runs a test once per backend; the backends are shared by all tests, so JUnit must not close them. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backends")
    @interface EachBackend {
    }

    private static final ScalarKernels REF = new ScalarKernels();
    private List<Kernels> backends;

    Stream<Named<Kernels>> backends() {
        if (backends == null) {
            backends = new ArrayList<>();
            // an expected backend that is missing fails here (TestBackends), and no backend at all fails
            // every test with "no invocations": the suite never passes by having nothing to compare
            if (TestBackends.vectorAvailable()) {
                Backends.vector().ifPresent(backends::add);
                // a fixed three threads exercises the multithreaded paths even on a one-core machine
                backends.add(new VectorKernels(3));
            }
            TestBackends.cuda().ifPresent(backends::add);
        }
        return backends.stream().map(k -> Named.of(k.toString(), k));
    }

    @AfterAll
    void closeBackends() {
        if (backends != null) backends.forEach(Kernels::close);
    }


    // ---- transfers and scope -----------------------------------------------------------------

    @EachBackend
    void transfersRoundTripExactly(Kernels k) {
        try (KernelRun t = new KernelRun(k, 1)) {
            assertEquals(k.device(), t.dev.device(), "newScope() must allocate where the backend computes");
            for (int[] shape : new int[][]{{0, 5}, {1, 1}, {3, 17}, {129, 67}}) {
                Tensor h = uniform(t.host, t.rnd, shape[0], shape[1]);
                Compare.exact("floats " + h.shape(), h.toArray(), t.down(t.up(h)));
                IntTensor hi = indices(t.host, t.rnd, shape[0] * shape[1], 1000);
                Compare.exact("ints " + hi.shape(), hi.toArray(), t.down(t.up(hi)));
            }
            Tensor s = filled(t.host, 1, 1, -2.75f);
            assertEquals(-2.75f, k.readScalar(t.up(s)));
        }
    }

    @EachBackend
    void uploadedCsrCarriesItsTranspose(Kernels k) {
        try (KernelRun t = new KernelRun(k, 2)) {
            CsrMatrix h = graph(t.host, t.rnd, 40, 29, 3, true);
            CsrMatrix d = t.up(h);
            assertTrue(d.hasTranspose(), "upload must attach the transpose");
            assertEquals(h.rows(), d.rows());
            assertEquals(h.cols(), d.cols());
            assertEquals(h.nnz(), d.nnz());
            Tensor x = uniform(t.host, t.rnd, 40, 17);
            Tensor y = t.host.floats(29, 17);
            Tensor dy = t.up(y);
            REF.spmm(h.transpose(), x, 0f, y);
            k.spmm(d.transpose(), t.up(x), 0f, dy);
            Compare.close("Aᵀ·x through the uploaded transpose", y.toArray(), t.down(dy), SUM, SUM);
        }
    }

    // ---- dense basics ------------------------------------------------------------------------

    @EachBackend
    void fill(Kernels k) {
        try (KernelRun t = new KernelRun(k, 3)) {
            for (int[] shape : new int[][]{{0, 3}, {1, 1}, {7, 17}, {1100, 67}}) {
                for (float value : new float[]{0f, -3.5f, Float.NaN}) {
                    Tensor h = uniform(t.host, t.rnd, shape[0], shape[1]);
                    Tensor d = t.up(h);
                    REF.fill(h, value);
                    k.fill(d, value);
                    Compare.exact("fill " + h.shape() + " with " + value, h.toArray(), t.down(d));
                }
            }
        }
    }

    @EachBackend
    void copyBlockBothModes(Kernels k) {
        try (KernelRun t = new KernelRun(k, 4)) {
            // {srcRows, srcCols, dstRows, dstCols, srcRow, srcCol, dstRow, dstCol, rows, cols}
            int[][] cases = {
                    {23, 37, 19, 41, 0, 0, 0, 0, 19, 37},
                    {23, 37, 19, 41, 3, 5, 2, 1, 10, 17},
                    {23, 37, 19, 41, 22, 36, 18, 40, 1, 1},
                    {23, 37, 19, 41, 4, 4, 4, 4, 0, 5},
                    {5, 64, 9, 64, 0, 0, 4, 0, 5, 64},
                    {8, 16, 8, 80, 0, 0, 0, 64, 8, 16},
                    {1200, 67, 1300, 70, 0, 0, 100, 3, 1200, 67},
            };
            for (int[] c : cases) {
                for (boolean accumulate : new boolean[]{false, true}) {
                    Tensor src = dyadic(t.host, t.rnd, c[0], c[1]);
                    Tensor dst = dyadic(t.host, t.rnd, c[2], c[3]);
                    Tensor ds = t.up(src);
                    Tensor dd = t.up(dst);
                    REF.copyBlock(src, c[4], c[5], dst, c[6], c[7], c[8], c[9], accumulate);
                    k.copyBlock(ds, c[4], c[5], dd, c[6], c[7], c[8], c[9], accumulate);
                    Compare.exact("copyBlock " + Arrays.toString(c) + " accumulate=" + accumulate, dst.toArray(), t.down(dd));
                }
            }
        }
    }

    @EachBackend
    void axpby(Kernels k) {
        try (KernelRun t = new KernelRun(k, 5)) {
            float[][] coefficients = {{1.5f, 0f}, {-0.5f, 2f}, {0f, 1f}, {1f, 1f}};
            for (int[] shape : new int[][]{{0, 4}, {1, 1}, {3, 17}, {37, 33}, {1100, 67}}) {
                for (float[] ab : coefficients) {
                    Tensor x = uniform(t.host, t.rnd, shape[0], shape[1]);
                    Tensor y = ab[1] == 0f ? filled(t.host, shape[0], shape[1], Float.NaN) : uniform(t.host, t.rnd, shape[0], shape[1]);
                    Tensor dy = t.up(y);
                    REF.axpby(ab[0], x, ab[1], y);
                    k.axpby(ab[0], t.up(x), ab[1], dy);
                    Compare.close("axpby " + Arrays.toString(ab) + " " + y.shape(), y.toArray(), t.down(dy), ELEM, ELEM);
                }
            }
        }
    }

    @EachBackend
    void gemmAllTransposesOnAwkwardShapes(Kernels k) {
        // {m, k, n}: single rows and columns, tails around 8 and 16 lanes, empty outputs and an empty inner dimension
        // (6-row tiles: 5, 7, 12, 13 rows; 16- and 64-column tiles: 15, 17, 63, 65, 129 columns; 97 rows: two row blocks)
        int[][] shapes = {{1, 1, 1}, {1, 7, 17}, {7, 1, 33}, {3, 17, 1}, {17, 33, 67}, {6, 64, 64}, {33, 17, 7},
                {13, 65, 31}, {9, 8, 16}, {12, 20, 65}, {5, 3, 63}, {97, 11, 129}, {7, 9, 15},
                {0, 5, 3}, {4, 0, 9}, {2, 9, 0}};
        // alpha == 0 must still scale C by beta (and clear it when beta == 0)
        float[][] alphaBeta = {{1f, 0f}, {-0.75f, 0.5f}, {1.25f, 1f}, {0f, 0.5f}, {0f, 0f}};
        try (KernelRun t = new KernelRun(k, 6)) {
            for (int[] s : shapes) {
                for (float[] ab : alphaBeta) checkGemm(t, s[0], s[1], s[2], ab[0], ab[1]);
            }
        }
    }

    @EachBackend
    void gemmLargeEnoughForBlocksAndThreads(Kernels k) {
        // more than one k-block (k > 512), several row blocks, more than one column block (n > 1024),
        // and a single row tile that forces a split over columns
        int[][] shapes = {{211, 600, 75}, {37, 40, 1100}, {5, 300, 500}};
        try (KernelRun t = new KernelRun(k, 7)) {
            for (int[] s : shapes) checkGemm(t, s[0], s[1], s[2], 0.5f, 0f);
        }
    }

    private static void checkGemm(KernelRun t, int m, int kk, int n, float alpha, float beta) {
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                Tensor a = ta ? uniform(t.host, t.rnd, kk, m) : uniform(t.host, t.rnd, m, kk);
                Tensor b = tb ? uniform(t.host, t.rnd, n, kk) : uniform(t.host, t.rnd, kk, n);
                // beta == 0 must ignore whatever C held, NaN included
                Tensor c = beta == 0f ? filled(t.host, m, n, Float.NaN) : uniform(t.host, t.rnd, m, n);
                Tensor dc = t.up(c);
                REF.gemm(ta, tb, alpha, a, b, beta, c);
                t.k.gemm(ta, tb, alpha, t.up(a), t.up(b), beta, dc);
                String what = "gemm m=" + m + " k=" + kk + " n=" + n + " transA=" + ta + " transB=" + tb
                        + " alpha=" + alpha + " beta=" + beta;
                Compare.close(what, c.toArray(), t.down(dc), SUM, SUM);
            }
        }
    }

    @EachBackend
    void addRowVector(Kernels k) {
        try (KernelRun t = new KernelRun(k, 8)) {
            for (int rows : new int[]{0, 1, 5, 2000}) {
                for (int w : WIDTHS) {
                    Tensor bias = uniform(t.host, t.rnd, 1, w);
                    Tensor y = uniform(t.host, t.rnd, rows, w);
                    Tensor dy = t.up(y);
                    REF.addRowVector(bias, y);
                    k.addRowVector(t.up(bias), dy);
                    Compare.close("addRowVector " + y.shape(), y.toArray(), t.down(dy), ELEM, ELEM);
                }
            }
        }
    }

    @EachBackend
    void sumRows(Kernels k) {
        try (KernelRun t = new KernelRun(k, 9)) {
            int[][] shapes = {{0, 5}, {1, 1}, {1, 67}, {37, 17}, {300, 64}, {5000, 33}};
            for (int[] s : shapes) {
                for (float beta : new float[]{0f, 0.5f}) {
                    Tensor x = uniform(t.host, t.rnd, s[0], s[1]);
                    Tensor out = beta == 0f ? filled(t.host, 1, s[1], Float.NaN) : uniform(t.host, t.rnd, 1, s[1]);
                    Tensor dout = t.up(out);
                    REF.sumRows(x, beta, out);
                    k.sumRows(t.up(x), beta, dout);
                    Compare.close("sumRows " + x.shape() + " beta=" + beta, out.toArray(), t.down(dout), LOSS, LOSS);
                }
            }
        }
    }

    // ---- sparse aggregation ------------------------------------------------------------------

    /** {rows, cols, average degree}: empty, single-entry, tiny, typical and a larger multithreaded graph. */
    private static final double[][] GRAPHS = {{0, 5, 1}, {1, 1, 1}, {1, 30, 4}, {57, 43, 3}, {200, 150, 6}};

    @EachBackend
    void spmmAndItsTranspose(Kernels k) {
        try (KernelRun t = new KernelRun(k, 10)) {
            for (double[] g : GRAPHS) {
                for (boolean weighted : new boolean[]{false, true}) {
                    CsrMatrix h = graph(t.host, t.rnd, (int) g[0], (int) g[1], g[2], weighted);
                    CsrMatrix d = t.up(h);
                    for (int w : new int[]{1, 7, 16, 17, 33, 64, 67, 256}) {
                        float beta = new float[]{0f, 1f, 0.5f}[t.rnd.nextInt(3)];
                        checkSpmm(t, h, d, w, beta, "A " + h + " weighted=" + weighted);
                        checkSpmm(t, h.transpose(), d.transpose(), w, beta, "Aᵀ " + h + " weighted=" + weighted);
                    }
                }
            }
            CsrMatrix big = graph(t.host, t.rnd, 3000, 2500, 8, true);
            checkSpmm(t, big, t.up(big), 64, 0f, "large " + big);
            checkSpmm(t, big.transpose(), t.up(big).transpose(), 67, 0.5f, "large transposed " + big);
        }
    }

    private static void checkSpmm(KernelRun t, CsrMatrix h, CsrMatrix d, int w, float beta, String what) {
        Tensor x = uniform(t.host, t.rnd, h.cols(), w);
        Tensor y = beta == 0f ? filled(t.host, h.rows(), w, Float.NaN) : uniform(t.host, t.rnd, h.rows(), w);
        Tensor dy = t.up(y);
        REF.spmm(h, x, beta, y);
        t.k.spmm(d, t.up(x), beta, dy);
        Compare.close("spmm " + what + " width=" + w + " beta=" + beta, y.toArray(), t.down(dy), SUM, SUM);
    }

    /**
     * A CSR built with repeated coordinates means their sum (CsrMatrix#fromCoo): on every backend, against
     * values worked by hand — the 1×1 case is the one cuSPARSE refused before repeats were coalesced
     * ("nnz (2) > matrix size (1)", H200 run of 2026-11-30).
     */
    @EachBackend
    void repeatedCoordinatesMeanTheirSum(Kernels k) {
        try (KernelRun t = new KernelRun(k, 27)) {
            CsrMatrix one = CsrMatrix.fromCoo(t.host, 1, 1, new int[] {0, 0}, new int[] {0, 0}, null);
            Tensor x = of(t.host, 1, 3, new float[] {1.5f, -2f, 0.25f});
            Tensor y = t.dev.floats(1, 3);
            CsrMatrix d = t.up(one);
            k.spmm(d, t.up(x), 0f, y);
            Compare.exact("2·x through a 1x1 CSR holding (0,0) twice", new float[] {3f, -4f, 0.5f}, t.down(y));
            k.spmm(d.transpose(), t.up(x), 0f, y);
            Compare.exact("its transpose", new float[] {3f, -4f, 0.5f}, t.down(y));
            IntTensor arg = t.dev.ints(1, 3);
            k.csrMax(d, t.up(x), y, arg);
            Compare.exact("max over one (repeated) neighbour", new float[] {1.5f, -2f, 0.25f}, t.down(y));
            Compare.exact("its argmax", new int[] {0, 0, 0}, t.down(arg));

            // rows: 0 → (1, 0.5) + (1, 0.25) + (0, 1); 1 → (2, 2) twice; 2 → empty
            CsrMatrix m = CsrMatrix.fromCoo(t.host, 3, 3, new int[] {0, 1, 0, 1, 0}, new int[] {1, 2, 1, 2, 0},
                    new float[] {0.5f, 2f, 0.25f, 2f, 1f});
            Tensor x3 = of(t.host, 3, 2, new float[] {1f, 2f, 4f, 8f, 16f, 32f});
            Tensor y3 = t.dev.floats(3, 2);
            CsrMatrix d3 = t.up(m);
            k.spmm(d3, t.up(x3), 0f, y3);
            Compare.exact("weighted repeats summed", new float[] {1 + 0.75f * 4, 2 + 0.75f * 8, 4 * 16, 4 * 32, 0, 0}, t.down(y3));
            k.spmm(d3.transpose(), t.up(x3), 0f, y3);
            Compare.exact("weighted repeats summed, transposed", new float[] {1, 2, 0.75f, 1.5f, 4 * 4, 4 * 8}, t.down(y3));
        }
    }

    @EachBackend
    void csrMaxValuesAndFirstArgmax(Kernels k) {
        try (KernelRun t = new KernelRun(k, 11)) {
            for (double[] g : GRAPHS) {
                CsrMatrix h = graph(t.host, t.rnd, (int) g[0], (int) g[1], g[2], false);
                for (int w : WIDTHS) {
                    // few distinct values: ties are everywhere, and the first stored column must win them
                    for (boolean ties : new boolean[]{false, true}) {
                        Tensor x = ties ? coarse(t.host, t.rnd, h.cols(), w, 3) : uniform(t.host, t.rnd, h.cols(), w);
                        checkCsrMax(t, h, x, "csrMax " + h + " width=" + w + " ties=" + ties);
                    }
                }
            }
            CsrMatrix big = graph(t.host, t.rnd, 3000, 2500, 8, false);
            checkCsrMax(t, big, coarse(t.host, t.rnd, 2500, 67, 50), "csrMax large");
            checkCsrMax(t, big.transpose(), uniform(t.host, t.rnd, 3000, 64), "csrMax large transposed");
        }
    }

    private static void checkCsrMax(KernelRun t, CsrMatrix h, Tensor x, String what) {
        int w = x.cols();
        Tensor y = filled(t.host, h.rows(), w, Float.NaN);
        IntTensor arg = t.host.ints(h.rows(), w);
        Tensor dy = t.up(y);
        IntTensor darg = t.up(arg);
        REF.csrMax(h, x, y, arg);
        t.k.csrMax(t.up(h), t.up(x), dy, darg);
        Compare.exact(what + " values", y.toArray(), t.down(dy));
        Compare.exact(what + " argmax", arg.toArray(), t.down(darg));
    }

    @EachBackend
    void csrMaxBackwardAccumulatesIntoArgmaxRows(Kernels k) {
        try (KernelRun t = new KernelRun(k, 12)) {
            for (double[] g : new double[][]{{1, 1, 1}, {57, 43, 3}, {3000, 1500, 8}}) {
                CsrMatrix h = graph(t.host, t.rnd, (int) g[0], (int) g[1], g[2], false);
                for (int w : new int[]{1, 7, 17, 67}) {
                    Tensor x = coarse(t.host, t.rnd, h.cols(), w, 4);
                    Tensor y = t.host.floats(h.rows(), w);
                    IntTensor arg = t.host.ints(h.rows(), w);
                    REF.csrMax(h, x, y, arg); // the argmax map, with −1 for the empty rows
                    // multiples of 1/16: exact in any summation order
                    Tensor dy = dyadic(t.host, t.rnd, h.rows(), w);
                    Tensor dx = dyadic(t.host, t.rnd, h.cols(), w);
                    Tensor ddx = t.up(dx);
                    REF.csrMaxBackward(arg, dy, dx);
                    k.csrMaxBackward(t.up(arg), t.up(dy), ddx);
                    Compare.exact("csrMaxBackward " + h + " width=" + w, dx.toArray(), t.down(ddx));
                }
            }
        }
    }

    // ---- row indexing ------------------------------------------------------------------------

    @EachBackend
    void gatherRows(Kernels k) {
        try (KernelRun t = new KernelRun(k, 13)) {
            for (int n : new int[]{0, 1, 50, 3000}) {
                for (int w : new int[]{1, 7, 17, 67}) {
                    Tensor src = uniform(t.host, t.rnd, 40, w);
                    IntTensor index = indices(t.host, t.rnd, n, 40);
                    Tensor dst = filled(t.host, n, w, Float.NaN);
                    Tensor ddst = t.up(dst);
                    REF.gatherRows(src, index, dst);
                    k.gatherRows(t.up(src), t.up(index), ddst);
                    Compare.exact("gatherRows n=" + n + " width=" + w, dst.toArray(), t.down(ddst));
                }
            }
        }
    }

    @EachBackend
    void scatterAddRowsWithRepeatedIndices(Kernels k) {
        try (KernelRun t = new KernelRun(k, 14)) {
            for (int n : new int[]{0, 1, 50, 3000}) {
                for (int w : new int[]{1, 7, 17, 33, 67}) {
                    // 40 target rows for up to 3000 sources: every row is hit many times
                    Tensor src = dyadic(t.host, t.rnd, n, w);
                    IntTensor index = indices(t.host, t.rnd, n, 40);
                    Tensor dst = dyadic(t.host, t.rnd, 40, w);
                    Tensor ddst = t.up(dst);
                    REF.scatterAddRows(src, index, dst);
                    k.scatterAddRows(t.up(src), t.up(index), ddst);
                    Compare.exact("scatterAddRows n=" + n + " width=" + w, dst.toArray(), t.down(ddst));
                }
            }
        }
    }

    // ---- element-wise and row-wise -----------------------------------------------------------

    @EachBackend
    void leakyReluForwardAndBackward(Kernels k) {
        try (KernelRun t = new KernelRun(k, 15)) {
            for (int[] s : new int[][]{{0, 3}, {1, 1}, {3, 17}, {33, 67}, {1100, 67}}) {
                for (float slope : new float[]{0.01f, 0.2f}) {
                    Tensor x = uniform(t.host, t.rnd, s[0], s[1]);
                    for (int i = 0; i < x.size(); i += 5) x.setFlat(i, 0f); // the kink itself: 0 takes the slope
                    Tensor y = filled(t.host, s[0], s[1], Float.NaN);
                    Tensor dy = t.up(y);
                    Tensor dx = t.up(x);
                    REF.leakyRelu(x, slope, y);
                    k.leakyRelu(dx, slope, dy);
                    Compare.close("leakyRelu " + x.shape(), y.toArray(), t.down(dy), ELEM, ELEM);

                    Tensor g = uniform(t.host, t.rnd, s[0], s[1]);
                    Tensor acc = uniform(t.host, t.rnd, s[0], s[1]);
                    Tensor dacc = t.up(acc);
                    REF.leakyReluBackward(x, g, slope, acc);
                    k.leakyReluBackward(dx, t.up(g), slope, dacc);
                    Compare.close("leakyReluBackward " + x.shape(), acc.toArray(), t.down(dacc), ELEM, ELEM);
                }
            }
        }
    }

    @EachBackend
    void rowL2NormalizeForwardAndBackward(Kernels k) {
        float eps = 1e-4f;
        try (KernelRun t = new KernelRun(k, 16)) {
            for (int rows : new int[]{0, 1, 9, 2000}) {
                for (int w : WIDTHS) {
                    Tensor x = uniform(t.host, t.rnd, rows, w);
                    if (rows > 2) {
                        for (int c = 0; c < w; c++) {
                            x.set(0, c, 0f);                 // a zero row: the norm is clamped to eps
                            x.set(1, c, x.get(1, c) * 1e-6f); // a tiny row: clamped too
                        }
                    }
                    Tensor y = filled(t.host, rows, w, Float.NaN);
                    Tensor norms = filled(t.host, rows, 1, Float.NaN);
                    Tensor dy = t.up(y);
                    Tensor dn = t.up(norms);
                    REF.rowL2Normalize(x, eps, y, norms);
                    k.rowL2Normalize(t.up(x), eps, dy, dn);
                    Compare.close("rowL2Normalize y " + x.shape(), y.toArray(), t.down(dy), LOSS, LOSS);
                    Compare.close("rowL2Normalize norms " + x.shape(), norms.toArray(), t.down(dn), LOSS, 1e-9);

                    Tensor g = uniform(t.host, t.rnd, rows, w);
                    Tensor acc = uniform(t.host, t.rnd, rows, w);
                    Tensor dacc = t.up(acc);
                    REF.rowL2NormalizeBackward(y, norms, eps, g, acc);
                    k.rowL2NormalizeBackward(t.up(y), t.up(norms), eps, t.up(g), dacc);
                    Compare.close("rowL2NormalizeBackward " + x.shape(), acc.toArray(), t.down(dacc), LOSS, LOSS);
                }
            }
        }
    }

    @EachBackend
    void rowDotAndScaleRowsAdd(Kernels k) {
        try (KernelRun t = new KernelRun(k, 17)) {
            for (int rows : new int[]{0, 1, 9, 2000}) {
                for (int w : new int[]{1, 7, 16, 17, 33, 67, 256}) {
                    Tensor a = uniform(t.host, t.rnd, rows, w);
                    Tensor b = uniform(t.host, t.rnd, rows, w);
                    Tensor out = filled(t.host, rows, 1, Float.NaN);
                    Tensor dout = t.up(out);
                    REF.rowDot(a, b, out);
                    k.rowDot(t.up(a), t.up(b), dout);
                    Compare.close("rowDot " + a.shape(), out.toArray(), t.down(dout), SUM, SUM);

                    Tensor scale = uniform(t.host, t.rnd, rows, 1);
                    Tensor y = uniform(t.host, t.rnd, rows, w);
                    Tensor dy = t.up(y);
                    REF.scaleRowsAdd(scale, a, y);
                    k.scaleRowsAdd(t.up(scale), t.up(a), dy);
                    Compare.close("scaleRowsAdd " + a.shape(), y.toArray(), t.down(dy), ELEM, ELEM);
                }
            }
        }
    }

    // ---- losses ------------------------------------------------------------------------------

    @EachBackend
    void sumSquaresForwardAndBackward(Kernels k) {
        try (KernelRun t = new KernelRun(k, 18)) {
            for (int[] s : new int[][]{{0, 3}, {1, 1}, {7, 17}, {33, 67}, {300, 300}}) {
                Tensor x = uniform(t.host, t.rnd, s[0], s[1]);
                Tensor out = filled(t.host, 1, 1, Float.NaN);
                Tensor dout = t.up(out);
                REF.sumSquares(x, out);
                k.sumSquares(t.up(x), dout);
                Compare.close("sumSquares " + x.shape(), out.toArray(), t.down(dout), LOSS, LOSS);

                Tensor g = filled(t.host, 1, 1, -0.375f);
                Tensor acc = uniform(t.host, t.rnd, s[0], s[1]);
                Tensor dacc = t.up(acc);
                REF.sumSquaresBackward(x, g, acc);
                k.sumSquaresBackward(t.up(x), t.up(g), dacc);
                Compare.close("sumSquaresBackward " + x.shape(), acc.toArray(), t.down(dacc), ELEM, ELEM);
            }
        }
    }

    @EachBackend
    void bprLossStableForwardAndBackward(Kernels k) {
        try (KernelRun t = new KernelRun(k, 19)) {
            for (int n : new int[]{0, 1, 17, 70000}) {
                Tensor pos = uniform(t.host, t.rnd, n, 1, -3f, 3f);
                Tensor neg = uniform(t.host, t.rnd, n, 1, -3f, 3f);
                // margins where a naive log(1 + e^z) or 1/(1 + e^-z) overflows or loses everything
                float[] extreme = {90f, -90f, 1e4f, -1e4f, 30f, -30f};
                for (int i = 0; i < Math.min(n, extreme.length); i++) neg.setFlat(i, pos.getFlat(i) + extreme[i]);
                Tensor out = filled(t.host, 1, 1, Float.NaN);
                Tensor dout = t.up(out);
                REF.bprLoss(pos, neg, out);
                k.bprLoss(t.up(pos), t.up(neg), dout);
                float[] got = t.down(dout);
                assertTrue(Float.isFinite(got[0]), "bprLoss must stay finite, got " + got[0]);
                Compare.close("bprLoss n=" + n, out.toArray(), got, LOSS, LOSS);

                Tensor g = filled(t.host, 1, 1, 1.5f);
                Tensor dPos = uniform(t.host, t.rnd, n, 1);
                Tensor dNeg = uniform(t.host, t.rnd, n, 1);
                Tensor ddPos = t.up(dPos);
                Tensor ddNeg = t.up(dNeg);
                REF.bprLossBackward(pos, neg, g, dPos, dNeg);
                k.bprLossBackward(t.up(pos), t.up(neg), t.up(g), ddPos, ddNeg);
                Compare.close("bprLossBackward dPos n=" + n, dPos.toArray(), t.down(ddPos), LOSS, LOSS);
                Compare.close("bprLossBackward dNeg n=" + n, dNeg.toArray(), t.down(ddNeg), LOSS, LOSS);
            }
        }
    }

    // ---- optimiser ---------------------------------------------------------------------------

    @EachBackend
    void adamStepUpdatesParamAndMoments(Kernels k) {
        try (KernelRun t = new KernelRun(k, 20)) {
            for (int[] s : new int[][]{{1, 1}, {3, 17}, {64, 67}, {300, 300}}) {
                for (float decay : new float[]{0f, 0.01f}) {
                    for (int step : new int[]{1, 10}) {
                        Tensor p = uniform(t.host, t.rnd, s[0], s[1]);
                        Tensor grad = uniform(t.host, t.rnd, s[0], s[1]);
                        Tensor m = uniform(t.host, t.rnd, s[0], s[1], -0.1f, 0.1f);
                        Tensor v = uniform(t.host, t.rnd, s[0], s[1], 0f, 0.01f);
                        Tensor dp = t.up(p);
                        Tensor dm = t.up(m);
                        Tensor dv = t.up(v);
                        REF.adamStep(p, grad, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, decay, step);
                        k.adamStep(dp, t.up(grad), dm, dv, 1e-3f, 0.9f, 0.999f, 1e-8f, decay, step);
                        String what = "adamStep " + p.shape() + " decay=" + decay + " step=" + step;
                        Compare.close(what + " param", p.toArray(), t.down(dp), LOSS, LOSS);
                        Compare.close(what + " m", m.toArray(), t.down(dm), ELEM, ELEM);
                        Compare.close(what + " v", v.toArray(), t.down(dv), ELEM, ELEM);
                    }
                }
            }
        }
    }

    // ---- evaluation --------------------------------------------------------------------------

    @EachBackend
    void maskScoresWritesMaskedColumnsOfTheBlock(Kernels k) {
        try (KernelRun t = new KernelRun(k, 21)) {
            CsrMatrix mask = graph(t.host, t.rnd, 120, 67, 5, false);
            CsrMatrix dmask = t.up(mask);
            for (int[] block : new int[][]{{0, 120}, {0, 1}, {37, 50}, {119, 1}, {60, 0}}) {
                Tensor scores = uniform(t.host, t.rnd, block[1], 67);
                Tensor ds = t.up(scores);
                REF.maskScores(scores, mask, block[0], Float.NEGATIVE_INFINITY);
                k.maskScores(ds, dmask, block[0], Float.NEGATIVE_INFINITY);
                Compare.exact("maskScores rows " + Arrays.toString(block), scores.toArray(), t.down(ds));
            }
        }
    }

    @EachBackend
    void topKMatchesReference(Kernels k) {
        try (KernelRun t = new KernelRun(k, 22)) {
            // {rows, cols, k, distinct levels (0 = continuous)}: single column, k = cols, heavy ties, large k
            int[][] cases = {{1, 1, 1, 0}, {1, 7, 7, 0}, {0, 10, 3, 0}, {5, 300, 1, 0}, {5, 300, 20, 0},
                    {5, 300, 64, 0}, {5, 300, 65, 0}, {5, 300, 100, 0}, {3, 300, 300, 0}, {9, 200, 10, 3},
                    {9, 200, 100, 5}, {2000, 67, 20, 0}, {4, 33, 17, 2}};
            for (int[] c : cases) {
                Tensor scores = c[3] == 0 ? uniform(t.host, t.rnd, c[0], c[1]) : coarse(t.host, t.rnd, c[0], c[1], c[3]);
                for (int i = 0; i < scores.size(); i += 7) scores.setFlat(i, Float.NEGATIVE_INFINITY); // masked items
                checkTopK(t, scores, c[2], "topK " + Arrays.toString(c));
            }
        }
    }

    private static void checkTopK(KernelRun t, Tensor scores, int kk, String what) {
        IntTensor idx = t.host.ints(scores.rows(), kk);
        Tensor val = t.host.floats(scores.rows(), kk);
        IntTensor didx = t.up(idx);
        Tensor dval = t.up(val);
        REF.topK(scores, kk, idx, val);
        t.k.topK(t.up(scores), kk, didx, dval);
        int[] gotIdx = t.down(didx);
        float[] gotVal = t.down(dval);
        Compare.exact(what + " indices", idx.toArray(), gotIdx);
        Compare.exact(what + " values", val.toArray(), gotVal);
        assertContract(scores, kk, gotIdx, gotVal, what);
    }

    /** The contract itself, independent of the reference: sort (value descending, column ascending), take k. */
    private static void assertContract(Tensor scores, int kk, int[] idx, float[] val, String what) {
        int cols = scores.cols();
        for (int r = 0; r < scores.rows(); r++) {
            int row = r;
            Integer[] order = IntStream.range(0, cols).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(c -> -scores.get(row, c)).thenComparingInt(c -> c));
            for (int j = 0; j < kk; j++) {
                assertEquals(order[j], idx[r * kk + j], what + " row " + r + " rank " + j + ": column");
                assertEquals(scores.get(r, order[j]), val[r * kk + j], what + " row " + r + " rank " + j + ": value");
            }
        }
    }

    @EachBackend
    void topKTiesGoToTheLowerColumn(Kernels k) {
        try (KernelRun t = new KernelRun(k, 23)) {
            // every score equal: the answer is columns 0..k-1, whatever the row length
            for (int cols : new int[]{5, 17, 100, 1000}) {
                Tensor scores = filled(t.host, 3, cols, 0.5f);
                scores.set(1, cols - 1, 2f); // one winner at the far end, then the tie
                IntTensor didx = t.dev.ints(3, 4);
                Tensor dval = t.dev.floats(3, 4);
                k.topK(t.up(scores), 4, didx, dval);
                int[] idx = t.down(didx);
                assertArrayEquals(new int[]{0, 1, 2, 3, cols - 1, 0, 1, 2, 0, 1, 2, 3}, idx, "cols=" + cols);
                float[] val = t.down(dval);
                assertEquals(2f, val[4]);
                assertEquals(0.5f, val[5]);
            }
        }
    }

    // ---- shape errors ------------------------------------------------------------------------

    @EachBackend
    void shapeMistakesAreRejected(Kernels k) {
        try (KernelRun t = new KernelRun(k, 24)) {
            Tensor a = t.dev.floats(3, 4);
            Tensor b = t.dev.floats(5, 6);
            Tensor c = t.dev.floats(3, 6);
            assertThrows(IllegalArgumentException.class, () -> k.gemm(false, false, 1f, a, b, 0f, c));
            assertThrows(IllegalArgumentException.class, () -> k.axpby(1f, a, 1f, b));
            CsrMatrix g = t.up(graph(t.host, t.rnd, 3, 5, 2, false));
            assertThrows(IllegalArgumentException.class, () -> k.spmm(g, a, 0f, c));
            assertThrows(IllegalArgumentException.class, () -> k.topK(a, 5, t.dev.ints(3, 5), t.dev.floats(3, 5)));
        }
    }

    @Test
    void vectorBackendRejectsBadIndicesBeforeWriting() {
        assumeTrue(TestBackends.vectorAvailable(), "no Vector API in this JVM (and none expected)");
        try (VectorKernels k = new VectorKernels(2); Scope s = new HostScope()) {
            Random rnd = new Random(25);
            Tensor table = uniform(s, rnd, 4, 7);
            Tensor rows = uniform(s, rnd, 3, 7);
            float[] before = table.toArray();
            IntTensor bad = ints(s, 3, 1, new int[]{0, 4, 1});
            var e = assertThrows(IndexOutOfBoundsException.class, () -> k.scatterAddRows(rows, bad, table));
            assertTrue(e.getMessage().contains("scatter index 4"), e.getMessage());
            Compare.exact("scatter target after a rejected call", before, table.toArray());
            assertThrows(IndexOutOfBoundsException.class, () -> k.gatherRows(table, ints(s, 3, 1, new int[]{0, -1, 1}), rows));
            IntTensor arg = ints(s, 1, 7, new int[]{0, 1, 2, 9, -1, 0, 0});
            assertThrows(IndexOutOfBoundsException.class, () -> k.csrMaxBackward(arg, uniform(s, rnd, 1, 7), table));
        }
    }

    // ---- determinism -------------------------------------------------------------------------

    @Test
    void vectorKernelsGiveTheSameBitsWithOneTwoAndThreeThreads() {
        assumeTrue(TestBackends.vectorAvailable(), "no Vector API in this JVM (and none expected)");
        Map<String, int[]> one;
        try (VectorKernels k = new VectorKernels(1)) {
            one = everyOp(k);
        }
        for (int threads : new int[]{2, 3}) {
            Map<String, int[]> many;
            try (VectorKernels k = new VectorKernels(threads)) {
                many = everyOp(k);
            }
            assertEquals(one.keySet(), many.keySet());
            for (String op : one.keySet()) {
                assertArrayEquals(one.get(op), many.get(op), op + ": 1 thread vs " + threads + " threads differ in raw bits");
            }
        }
    }

    /** Runs every kernel on inputs large enough for its parallel path and returns each output's raw bits. */
    private static Map<String, int[]> everyOp(Kernels k) {
        Map<String, int[]> out = new LinkedHashMap<>();
        try (Scope s = new HostScope()) {
            Random rnd = new Random(26);
            Tensor x = uniform(s, rnd, 3000, 67);
            Tensor x2 = uniform(s, rnd, 3000, 67);
            Tensor wsq = uniform(s, rnd, 67, 67);
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    Tensor a = ta ? uniform(s, rnd, 600, 211) : uniform(s, rnd, 211, 600);
                    Tensor b = tb ? uniform(s, rnd, 75, 600) : uniform(s, rnd, 600, 75);
                    Tensor c = uniform(s, rnd, 211, 75);
                    k.gemm(ta, tb, 0.75f, a, b, 0.5f, c);
                    out.put("gemm " + ta + tb, bits(c));
                }
            }
            Tensor xw = s.floats(3000, 67);
            k.gemm(false, false, 1f, x, wsq, 0f, xw);
            out.put("gemm tall", bits(xw));

            CsrMatrix g = graph(s, rnd, 3000, 2800, 8, true);
            Tensor ax = uniform(s, rnd, 2800, 67);
            Tensor y = s.floats(3000, 67);
            k.spmm(g, ax, 0f, y);
            out.put("spmm", bits(y));
            Tensor yt = uniform(s, rnd, 2800, 67);
            k.spmm(g.transpose(), x, 0.5f, yt);
            out.put("spmm transposed", bits(yt));
            IntTensor arg = s.ints(3000, 67);
            k.csrMax(g, ax, y, arg);
            out.put("csrMax", bits(y));
            out.put("csrMax argmax", arg.toArray());
            Tensor dax = uniform(s, rnd, 2800, 67);
            k.csrMaxBackward(arg, x, dax);
            out.put("csrMaxBackward", bits(dax));

            Tensor table = uniform(s, rnd, 50, 67);
            k.scatterAddRows(x, indices(s, rnd, 3000, 50), table);
            out.put("scatterAddRows", bits(table));
            Tensor gathered = s.floats(3000, 67);
            k.gatherRows(table, indices(s, rnd, 3000, 50), gathered);
            out.put("gatherRows", bits(gathered));

            Tensor sums = s.floats(1, 67);
            k.sumRows(x, 0f, sums);
            out.put("sumRows", bits(sums));
            Tensor scalar = s.floats(1, 1);
            k.sumSquares(x, scalar);
            out.put("sumSquares", bits(scalar));
            Tensor pos = uniform(s, rnd, 70000, 1, -3f, 3f);
            Tensor neg = uniform(s, rnd, 70000, 1, -3f, 3f);
            k.bprLoss(pos, neg, scalar);
            out.put("bprLoss", bits(scalar));
            Tensor dPos = s.floats(70000, 1);
            Tensor dNeg = s.floats(70000, 1);
            k.bprLossBackward(pos, neg, filled(s, 1, 1, 1f), dPos, dNeg);
            out.put("bprLossBackward", bits(dPos));

            Tensor dots = s.floats(3000, 1);
            k.rowDot(x, x2, dots);
            out.put("rowDot", bits(dots));
            Tensor normed = s.floats(3000, 67);
            Tensor norms = s.floats(3000, 1);
            k.rowL2Normalize(x, 1e-6f, normed, norms);
            out.put("rowL2Normalize", bits(normed));
            Tensor dx = uniform(s, rnd, 3000, 67);
            k.rowL2NormalizeBackward(normed, norms, 1e-6f, x2, dx);
            out.put("rowL2NormalizeBackward", bits(dx));
            k.scaleRowsAdd(dots, x2, dx);
            out.put("scaleRowsAdd", bits(dx));
            Tensor act = s.floats(3000, 67);
            k.leakyRelu(x, 0.01f, act);
            k.leakyReluBackward(x, x2, 0.01f, act);
            k.axpby(0.3f, x2, 0.7f, act);
            k.addRowVector(sums, act);
            k.copyBlock(x2, 5, 3, act, 0, 0, 2000, 60, true);
            out.put("element-wise chain", bits(act));

            Tensor p = uniform(s, rnd, 300, 300);
            Tensor m = s.floats(300, 300);
            Tensor v = s.floats(300, 300);
            k.adamStep(p, uniform(s, rnd, 300, 300), m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 3);
            out.put("adamStep", bits(p));

            Tensor scores = uniform(s, rnd, 2000, 300);
            k.maskScores(scores, graph(s, rnd, 2000, 300, 10, false), 0, Float.NEGATIVE_INFINITY);
            IntTensor top = s.ints(2000, 20);
            Tensor topVal = s.floats(2000, 20);
            k.topK(scores, 20, top, topVal);
            out.put("topK", top.toArray());
        }
        return out;
    }

    private static int[] bits(Tensor t) {
        float[] f = t.toArray();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
        return b;
    }
}
