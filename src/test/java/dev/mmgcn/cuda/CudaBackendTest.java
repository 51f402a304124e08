package dev.mmgcn.cuda;

import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend. The first group runs everywhere: the probe and its message on machines without
 * a GPU, and the host-side plumbing a GPU run depends on (pointer bridging, the row-major to
 * column-major GEMM mapping, kernel signatures against the committed PTX).
 * The rest run only where {@link CudaKernels#probe()} says a GPU is usable (and fail instead of skipping
 * when the run expects one, {@code -Dmmgcn.expect.backends=…,cuda}), and compare the backend with
 * {@link ScalarKernels}; tolerances are given at each comparison.
 */
class CudaBackendTest {

    // ---- everywhere ----------------------------------------------------------------------------

    @Test
    void probeNeverThrowsAndAnswersInOneLine() {
        String why = assertDoesNotThrow(CudaKernels::probe);
        assertNotNull(why);
        assertFalse(why.contains("\n"), "reason must be one line: " + why);
        assertEquals(why, CudaKernels.probe(), "the probe is stable within a JVM");
    }

    @Test
    void withoutAGpuTheReasonReachesTheDeviceOption() {
        String why = CudaKernels.probe();
        assumeFalse(why.isEmpty(), "a GPU is usable here");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("cuda"));
        assertTrue(e.getMessage().startsWith("--device cuda:"), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        CudaException direct = assertThrows(CudaException.class, CudaKernels::new);
        assertEquals(why, direct.getMessage());
        assertEquals(List.of("cuda: unavailable (" + why + ")"), CudaInfo.lines());
    }

    @Test
    void aMissingDriverIsNamed() {
        assumeFalse(CudaProbe.loadable("libcuda.so.1"), "libcuda.so.1 is present here");
        assertEquals("no NVIDIA driver (libcuda.so.1 not found)", CudaKernels.probe());
    }

    @Test
    void pointerBridgesKeepTheAddress() {
        long address = 0x7f00_1234_5678L;
        assertEquals(address, Pointers.device(address).address());
        assertEquals(address, Pointers.host(address).address());
        assertEquals(address + 64, Pointers.device(address + 64).address());
        assertEquals(0L, new Pointers.DevicePointer().address());
    }

    @Test
    void kernelArgumentsFollowTheSignature() {
        KernelArgs ok = new KernelArgs(Kernel.FILL).ptr(4096).i64(10).f32(1f);
        assertNotNull(ok.toParams());
        IllegalStateException wrongType = assertThrows(IllegalStateException.class,
                () -> new KernelArgs(Kernel.FILL).ptr(4096).i32(10));
        assertTrue(wrongType.getMessage().contains("fill_f32"), wrongType.getMessage());
        assertThrows(IllegalStateException.class, () -> new KernelArgs(Kernel.FILL).ptr(4096).toParams());
        assertThrows(IllegalStateException.class, () -> new KernelArgs(Kernel.FILL).ptr(1).i64(1).f32(1).f32(2));
    }

    private static final Pattern ENTRY = Pattern.compile("\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)");

    /**
     * Every kernel the Java side launches exists in its PTX module with the parameter types it is given,
     * the fused module's (loaded only with the switch on) included.
     */
    @Test
    void kernelSignaturesMatchTheCommittedPtx() {
        Map<String, String> found = new HashMap<>();
        for (String module : Kernel.modules(true)) {
            String ptx = new String(CudaRuntime.readPtx(module), StandardCharsets.US_ASCII);
            Matcher m = ENTRY.matcher(ptx);
            while (m.find()) {
                StringBuilder sig = new StringBuilder();
                Matcher p = PARAM.matcher(m.group(2));
                while (p.find()) sig.append(ptxType(p.group(1)));
                found.put(module + "/" + m.group(1), sig.toString());
            }
        }
        List<String> launched = new ArrayList<>();
        for (Kernel k : Kernel.values()) {
            String key = k.module + "/" + k.entry;
            launched.add(key);
            assertTrue(found.containsKey(key), "no entry " + k.entry + " in " + k.module + ".ptx");
            String expected = k.signature.replace('P', '8').replace('L', '8');
            assertEquals(expected, found.get(key), "parameters of " + key + " (8 = 64-bit)");
        }
        for (String entry : found.keySet()) assertTrue(launched.contains(entry), entry + " is compiled but never launched");
    }

    private static char ptxType(String t) {
        return switch (t) {
            case "u64", "s64", "b64" -> '8';
            case "u32", "s32", "b32" -> 'I';
            case "f32" -> 'F';
            case "f64" -> 'D';
            default -> throw new AssertionError("unexpected PTX parameter type ." + t);
        };
    }

    private static int sharedBytes(String module, String symbol) {
        String ptx = new String(CudaRuntime.readPtx(module), StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("\\.shared\\s+\\.align\\s+\\d+\\s+\\.b8\\s+" + Pattern.quote(symbol) + "\\[(\\d+)]").matcher(ptx);
        assertTrue(m.find(), "no shared array " + symbol + " in " + module + ".ptx");
        return Integer.parseInt(m.group(1));
    }

    /**
     * Kernels whose shared arrays are sized for one block shape (block_sum's per-warp totals, topK's
     * per-warp counts, sumRows' 32x8 tile) must be launched with that shape.
     */
    @Test
    void sharedArraysFitTheLaunchedBlockShapes() {
        int warps = CudaRuntime.THREADS / 32;
        assertEquals(32 * Double.BYTES, sharedBytes("loss", "_ZZ9block_sumdE10warp_total"), "block_sum: a slot per warp of a 1024-thread block");
        assertEquals(warps * Integer.BYTES, sharedBytes("topk", "_ZZ9topk_rowsE11warp_counts"), "topk.cu TOPK_THREADS");
        assertEquals(8 * 33 * Double.BYTES, sharedBytes("bias", "_ZZ16sum_rows_partialE8lane_sum"), "sum_rows_partial's 32x8 block");
        assertEquals(32 * Double.BYTES, sharedBytes("fused", "_ZZ9block_sumdE10warp_total"), "fused.cu's block_sum (reduce.cuh)");
    }

    /**
     * block_sum (reduce.cuh) ends with a barrier, so a kernel may call it twice without a warp's next total
     * overwriting warp_total before warp 0 has read it: two bar.sync per call, in every kernel that uses it.
     */
    @Test
    void blockSumEndsWithABarrier() {
        for (String[] k : new String[][] {{"loss", "sum_squares_partial"}, {"loss", "bpr_loss_partial"}, {"loss", "reduce_final"},
                {"fused", "gather_sum_squares_partial"}, {"fused", "gather_sum_squares_final"}}) {
            String ptx = new String(CudaRuntime.readPtx(k[0]), StandardCharsets.US_ASCII);
            int from = ptx.indexOf(".entry " + k[1] + "(");
            assertTrue(from >= 0, k[1] + " not in " + k[0] + ".ptx");
            int to = ptx.indexOf(".entry ", from + 1);
            String body = ptx.substring(from, to < 0 ? ptx.length() : to);
            int barriers = body.split("bar\\.sync", -1).length - 1;
            assertEquals(2, barriers, k[0] + ".ptx " + k[1] + ": barriers of its block_sum");
        }
    }

    /** The Java side spills exactly when the kernel's shared candidate arrays would overflow. */
    @Test
    void topKSharedCapacityMatchesTheKernel() {
        assertEquals(CudaKernels.MAX_SHARED_TOP_K * Integer.BYTES, sharedBytes("topk", "_ZZ9topk_rowsE10shared_key"));
        assertEquals(CudaKernels.MAX_SHARED_TOP_K * Integer.BYTES, sharedBytes("topk", "_ZZ9topk_rowsE10shared_idx"));
    }

    /** Every row gets a block up to the grid limit; spilled candidates stay within their budget. */
    @Test
    void topKGridBoundsTheSpillArea() {
        assertEquals(1, CudaKernels.topKBlocks(1, 5));
        assertEquals(3491, CudaKernels.topKBlocks(3491, 50));
        assertEquals(CudaRuntime.MAX_BLOCKS, CudaKernels.topKBlocks(200_000, CudaKernels.MAX_SHARED_TOP_K));
        for (int k : new int[]{CudaKernels.MAX_SHARED_TOP_K + 1, 300, 19_220, 76_000, 10_000_000}) {
            for (int rows : new int[]{1, 7, 4096, 200_000}) {
                int blocks = CudaKernels.topKBlocks(rows, k);
                assertTrue(blocks >= 1 && blocks <= Math.min(rows, CudaRuntime.MAX_BLOCKS), blocks + " blocks for " + rows + " rows, k=" + k);
                long spill = (long) blocks * k * 2 * Integer.BYTES;
                assertTrue(blocks == 1 || spill <= CudaKernels.TOP_K_SPILL_BYTES, spill + " spill bytes for rows=" + rows + " k=" + k);
            }
        }
    }

    @Test
    void ptxNamesTheToolkitThatBuiltIt() {
        assertTrue(CudaRuntime.ptxToolkit().startsWith("Cuda compilation tools, release 13"), CudaRuntime.ptxToolkit());
    }

    /**
     * The row-major GEMM handed to cuBLAS as a column-major one: a plain column-major SGEMM in Java
     * (BLAS semantics, the same summation order as the reference) applied to the row-major buffers with
     * the mapped arguments must give ScalarKernels' product, for every transpose pair. Tolerance 1e-6.
     */
    @Test
    void rowMajorGemmMapsOntoColumnMajorBlas() {
        ScalarKernels ref = new ScalarKernels();
        SplittableRandom rnd = new SplittableRandom(3);
        try (Scope s = new HostScope()) {
            int m = 7, k = 5, n = 3;
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    Tensor a = random(s, ta ? k : m, ta ? m : k, rnd);
                    Tensor b = random(s, tb ? n : k, tb ? k : n, rnd);
                    Tensor c = random(s, m, n, rnd);
                    float[] cBlas = c.toArray();
                    ref.gemm(ta, tb, 0.5f, a, b, 0.25f, c);
                    CublasBinding.ColumnMajorGemm g = CublasBinding.ColumnMajorGemm.forRowMajor(ta, tb, m, n, k, a.cols(), b.cols(), n);
                    columnMajorSgemm(g, 0.5f, b.toArray(), a.toArray(), 0.25f, cBlas);
                    float[] want = c.toArray();
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], cBlas[i], 1e-6, "element " + i + " for trans " + ta + "/" + tb);
                    }
                }
            }
        }
    }

    /** C = alpha·op(X)·op(Y) + beta·C in column-major storage, as cublasSgemm defines it. */
    private static void columnMajorSgemm(CublasBinding.ColumnMajorGemm g, float alpha, float[] x, float[] y,
                                         float beta, float[] c) {
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                float sum = beta * c[i + j * g.ldc()];
                for (int p = 0; p < g.k(); p++) {
                    float xv = g.opFirst() == CublasBinding.OP_N ? x[i + p * g.ldFirst()] : x[p + i * g.ldFirst()];
                    float yv = g.opSecond() == CublasBinding.OP_N ? y[p + j * g.ldSecond()] : y[j + p * g.ldSecond()];
                    sum += alpha * xv * yv;
                }
                c[i + j * g.ldc()] = sum;
            }
        }
    }

    private static Tensor random(Scope s, int rows, int cols, SplittableRandom rnd) {
        Tensor t = s.floats(rows, cols);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) (rnd.nextDouble() * 2 - 1));
        return t;
    }

    // ---- on a GPU ------------------------------------------------------------------------------

    private static CudaKernels shared;
    private final ScalarKernels ref = new ScalarKernels();
    private final SplittableRandom rnd = new SplittableRandom(42);

    /** The backend shared by the GPU tests (the PTX is JIT-compiled once); skips the test without a GPU. */
    private static CudaKernels gpu() {
        if (dev.mmgcn.kernels.TestBackends.expected().contains("cuda")) {
            assertEquals("", CudaKernels.probe(), "the CUDA backend is expected here (" + dev.mmgcn.kernels.TestBackends.EXPECT + ")");
        }
        assumeTrue(CudaKernels.probe().isEmpty(), () -> "no usable GPU: " + CudaKernels.probe());
        if (shared == null) shared = new CudaKernels();
        return shared;
    }

    @AfterAll
    static void closeGpu() {
        if (shared != null) shared.close();
        shared = null;
    }

    @Test
    void contextOpensAndClosesCleanly() {
        gpu();
        CudaKernels k = new CudaKernels();
        assertEquals("cuda", k.name());
        assertEquals(Device.CUDA, k.device());
        Scope s = k.newScope();
        Tensor t = s.floats(3, 4);
        assertEquals(Device.CUDA, t.device());
        assertThrows(IllegalStateException.class, () -> t.get(0, 0), "device memory must not be read from Java");
        // closing the backend frees its open scopes; closing either again is harmless
        k.close();
        k.close();
        s.close();
        assertThrows(IllegalStateException.class, k::newScope);
        List<String> info = CudaInfo.lines();
        assertTrue(info.get(0).startsWith("gpu: "), info.toString());
    }

    /** Issue 14's switch (CudaSwitches): off keeps the Kernels defaults and the host clock; on, the overrides. */
    @Test
    void theFusedSwitchDecidesWhichPathRunsAndIntCopiesAreExactOnBoth() {
        gpu();
        try (CudaKernels off = new CudaKernels(false); CudaKernels on = new CudaKernels(true)) {
            assertFalse(off.fusedPath());
            assertTrue(on.fusedPath());
            assertTrue(off.clock() == dev.mmgcn.kernels.BackendClock.HOST, "off: the verified host clock");
            assertTrue(on.clock() instanceof CudaClock, "on: events");
            for (CudaKernels k : List.of(off, on)) {
                try (Scope host = new HostScope(); Scope dev = k.newScope()) {
                    int n = 1000;
                    IntTensor h = host.ints(n, 1);
                    for (int i = 0; i < n; i++) h.setFlat(i, i * 7919 - 3_000_000);
                    IntTensor src = dev.ints(n, 1);
                    k.upload(h, src);
                    IntTensor dst = dev.ints(n, 1);
                    k.copy(src, dst);
                    IntTensor back = host.ints(n, 1);
                    k.download(dst, back);
                    assertArrayEquals(h.toArray(), back.toArray(), k + ": copy(IntTensor, IntTensor)");
                    assertThrows(IllegalArgumentException.class, () -> k.copy(src, dev.ints(n - 1, 1)));
                    assertThrows(IllegalArgumentException.class, () -> k.copy(h, dst), "a host source is refused");
                }
            }
        }
    }

    /** The event clock times queued work without waiting at mark(), and reuses its events after reset(). */
    @Test
    void eventClockTimesQueuedWorkAndReusesItsPool() {
        gpu();
        try (CudaKernels k = new CudaKernels(true); Scope dev = k.newScope()) {
            CudaClock c = (CudaClock) k.clock();
            Tensor big = dev.floats(4096, 4096);
            long a = c.mark();
            for (int i = 0; i < 50; i++) k.fill(big, i);
            long b = c.mark();
            long d = c.mark();
            double work = c.seconds(a, b);
            double none = c.seconds(b, d);
            assertTrue(work > 0 && work < 10, "50 fills of 64 MiB took " + work + " s");
            assertTrue(none >= 0 && none < work, "back-to-back marks " + none + " s vs work " + work + " s");
            assertEquals(3, c.events());
            c.reset();
            c.mark();
            c.mark();
            assertEquals(3, c.events(), "events are reused after reset");
            assertThrows(IllegalArgumentException.class, () -> c.seconds(0, 2), "mark 2 was not handed out since the reset");
        }
    }

    /**
     * replayable as CUDA graphs: run, recorded (and launched), then replayed — each run's work happens once,
     * in order, with Java code inside the region running only for the first two.
     */
    @Test
    void replayableRegionsRecordedAsGraphsDoTheirWorkOncePerRun() {
        gpu();
        try (CudaKernels k = new CudaKernels(true, true); Scope host = new HostScope(); Scope dev = k.newScope()) {
            assertTrue(k.graphs());
            Tensor x = dev.floats(300, 7);
            Tensor y = dev.floats(300, 7);
            k.fill(x, 0.5f);
            k.fill(y, 1f);
            int[] javaRuns = new int[1];
            for (int i = 0; i < 5; i++) {
                k.replayable("step", () -> {
                    javaRuns[0]++;
                    k.axpby(1f, x, 1f, y);   // y += x
                    k.axpby(2f, y, 0f, x);   // x = 2y
                });
            }
            // by hand: (x, y) = (0.5, 1) → (3, 1.5) → (9, 4.5) → (27, 13.5) → (81, 40.5) → (243, 121.5)
            Tensor back = host.floats(300, 7);
            k.download(y, back);
            for (float v : back.toArray()) assertEquals(121.5f, v);
            k.download(x, back);
            for (float v : back.toArray()) assertEquals(243f, v);
            assertEquals(2, javaRuns[0], "the region's Java code runs for the first (plain) and second (recorded) run only");
        }
        assertThrows(IllegalArgumentException.class, () -> new CudaKernels(false, true), "graphs need the fused path");
    }

    @Test
    void scopeRoundTripIsExactAndStartsAtZero() {
        CudaKernels gpu = gpu();
        try (Scope host = new HostScope(); Scope dev = gpu.newScope()) {
            for (int[] shape : new int[][]{{1, 1}, {0, 7}, {129, 65}, {3000, 33}}) {
                Tensor h = random(host, shape[0], shape[1], rnd);
                Tensor d = dev.floats(shape[0], shape[1]);
                Tensor zero = host.floats(shape[0], shape[1]);
                gpu.download(d, zero);
                assertArrayEquals(new float[(int) h.size()], zero.toArray(), "fresh buffer " + h.shape());
                gpu.upload(h, d);
                Tensor back = host.floats(shape[0], shape[1]);
                gpu.download(d, back);
                assertArrayEquals(h.toArray(), back.toArray(), "round trip " + h.shape());
            }
            IntTensor hi = host.ints(4, 5);
            int[] values = rnd.ints(20, -50, 50).toArray();
            hi.copyFrom(values);
            IntTensor di = dev.ints(4, 5);
            gpu.upload(hi, di);
            IntTensor back = host.ints(4, 5);
            gpu.download(di, back);
            assertArrayEquals(values, back.toArray());
            Tensor big = dev.floats(10, 6);
            Tensor hb = random(host, 10, 6, rnd);
            gpu.upload(hb, big);
            Tensor slice = host.floats(3, 6);
            gpu.download(big.rowSlice(4, 7), slice);
            assertArrayEquals(hb.rowSlice(4, 7).toArray(), slice.toArray(), "rowSlice offsets the device address");
            assertEquals(hb.getFlat(0), gpu.readScalar(big));
        }
    }

    /** cuBLAS accumulates in float in its own order: 1e-4 absolute + 1e-4 relative on inputs in [-1, 1]. */
    @Test
    void gemmMatchesTheReferenceForEveryTranspose() {
        CudaKernels gpu = gpu();
        try (Scope host = new HostScope(); Scope dev = gpu.newScope()) {
            int[][] shapes = {{1, 1, 1}, {37, 19, 53}, {128, 64, 33}, {1, 300, 9}, {4, 0, 6}};
            for (int[] s : shapes) {
                for (boolean ta : new boolean[]{false, true}) {
                    for (boolean tb : new boolean[]{false, true}) {
                        int m = s[0], k = s[1], n = s[2];
                        Tensor a = random(host, ta ? k : m, ta ? m : k, rnd);
                        Tensor b = random(host, tb ? n : k, tb ? k : n, rnd);
                        Tensor c = random(host, m, n, rnd);
                        Tensor da = up(dev, a), db = up(dev, b), dc = up(dev, c);
                        ref.gemm(ta, tb, 1.25f, a, b, 0.5f, c);
                        gpu.gemm(ta, tb, 1.25f, da, db, 0.5f, dc);
                        assertClose(c, down(host, dc), 1e-4, 1e-4, "gemm " + ta + "/" + tb + " " + m + "x" + k + "x" + n);
                    }
                }
            }
        }
    }

    /** cuSPARSE, float accumulation: 1e-4 absolute + 1e-4 relative. */
    @Test
    void spmmAndItsTransposeMatchTheReference() {
        CudaKernels gpu = gpu();
        try (Scope host = new HostScope(); Scope dev = gpu.newScope()) {
            for (boolean weighted : new boolean[]{false, true}) {
                CsrMatrix h = randomCsr(host, 61, 37, weighted);
                CsrMatrix d = gpu.upload(h, dev);
                assertEquals(Device.CUDA, d.device());
                assertTrue(d.hasTranspose());
                for (int width : new int[]{1, 13, 64}) {
                    Tensor x = random(host, 37, width, rnd);
                    Tensor y = random(host, 61, width, rnd);
                    Tensor dy = up(dev, y);
                    ref.spmm(h, x, 1f, y);
                    gpu.spmm(d, up(dev, x), 1f, dy);
                    assertClose(y, down(host, dy), 1e-4, 1e-4, "A·x width " + width);
                    Tensor xt = random(host, 61, width, rnd);
                    Tensor yt = host.floats(37, width);
                    Tensor dyt = dev.floats(37, width);
                    ref.spmm(h.transpose(), xt, 0f, yt);
                    gpu.spmm(d.transpose(), up(dev, xt), 0f, dyt);
                    assertClose(yt, down(host, dyt), 1e-4, 1e-4, "Aᵀ·x width " + width);
                }
            }
        }
    }

    /** Max and argmax are exact; the backward adds with atomics, 1e-5. */
    @Test
    void segmentMaxMatchesTheReference() {
        CudaKernels gpu = gpu();
        try (Scope host = new HostScope(); Scope dev = gpu.newScope()) {
            CsrMatrix h = randomCsr(host, 50, 40, false);
            CsrMatrix d = gpu.upload(h, dev);
            for (int width : new int[]{1, 33}) {
                Tensor x = random(host, 40, width, rnd);
                Tensor y = host.floats(50, width);
                IntTensor arg = host.ints(50, width);
                Tensor dyv = dev.floats(50, width);
                IntTensor darg = dev.ints(50, width);
                ref.csrMax(h, x, y, arg);
                gpu.csrMax(d, up(dev, x), dyv, darg);
                assertArrayEquals(y.toArray(), down(host, dyv).toArray(), "max values width " + width);
                IntTensor argBack = host.ints(50, width);
                gpu.download(darg, argBack);
                assertArrayEquals(arg.toArray(), argBack.toArray(), "argmax width " + width);
                Tensor g = random(host, 50, width, rnd);
                Tensor dx = random(host, 40, width, rnd);
                Tensor ddx = up(dev, dx);
                ref.csrMaxBackward(arg, g, dx);
                gpu.csrMaxBackward(darg, up(dev, g), ddx);
                assertClose(dx, down(host, ddx), 1e-5, 1e-5, "csrMaxBackward width " + width);
            }
        }
    }

    /** Exact: indices and values, ties to the lower column, masked (−∞) entries last. */
    @Test
    void topKMatchesTheReference() {
        CudaKernels gpu = gpu();
        try (Scope host = new HostScope(); Scope dev = gpu.newScope()) {
            CsrMatrix mask = randomCsr(host, 30, 500, false);
            CsrMatrix dmask = gpu.upload(mask, dev);
            Tensor scores = host.floats(20, 500);
            for (long i = 0; i < scores.size(); i++) scores.setFlat(i, rnd.nextInt(9) - 4 + (i % 3 == 0 ? 0.5f : 0f));
            Tensor ds = up(dev, scores);
            ref.maskScores(scores, mask, 5, Float.NEGATIVE_INFINITY);
            gpu.maskScores(ds, dmask, 5, Float.NEGATIVE_INFINITY);
            assertArrayEquals(scores.toArray(), down(host, ds).toArray(), "masked scores");
            // 129 and 500 spill the candidates out of shared memory
            for (int k : new int[]{1, 10, 20, 100, 128, 129, 500}) {
                IntTensor idx = host.ints(20, k);
                Tensor val = host.floats(20, k);
                IntTensor didx = dev.ints(20, k);
                Tensor dval = dev.floats(20, k);
                ref.topK(scores, k, idx, val);
                gpu.topK(ds, k, didx, dval);
                IntTensor back = host.ints(20, k);
                gpu.download(didx, back);
                assertArrayEquals(idx.toArray(), back.toArray(), "top-" + k + " indices");
                assertArrayEquals(val.toArray(), down(host, dval).toArray(), "top-" + k + " values");
            }
        }
    }

    @Test
    void aBadIndexSurfacesAtTheNextSynchronisingCall() {
        CudaKernels gpu = gpu();
        try (Scope host = new HostScope(); Scope dev = gpu.newScope()) {
            Tensor table = dev.floats(4, 3);
            IntTensor idx = host.ints(2, 1);
            idx.copyFrom(new int[]{1, 9});
            IntTensor didx = dev.ints(2, 1);
            gpu.upload(idx, didx);
            Tensor out = dev.floats(2, 3);
            gpu.gatherRows(table, didx, out);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> gpu.readScalar(out));
            assertTrue(e.getMessage().startsWith("gather index 9 outside [0,4)"), e.getMessage());
            assertEquals(0f, gpu.readScalar(out), "reported once, then the backend carries on");
        }
    }

    private static Tensor up(Scope dev, Tensor host) {
        Tensor d = dev.floats(host.rows(), host.cols());
        gpu().upload(host, d);
        return d;
    }

    private static Tensor down(Scope host, Tensor dev) {
        Tensor h = host.floats(dev.rows(), dev.cols());
        gpu().download(dev, h);
        return h;
    }

    private CsrMatrix randomCsr(Scope s, int rows, int cols, boolean weighted) {
        List<int[]> e = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            if (r % 7 == 2) continue;
            for (int c = 0; c < cols; c++) if (rnd.nextDouble() < 0.1) e.add(new int[]{r, c});
        }
        int[] ri = e.stream().mapToInt(p -> p[0]).toArray();
        int[] ci = e.stream().mapToInt(p -> p[1]).toArray();
        float[] v = null;
        if (weighted) {
            v = new float[ri.length];
            for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextDouble();
        }
        return CsrMatrix.fromCoo(s, rows, cols, ri, ci, v);
    }

    private static void assertClose(Tensor want, Tensor got, double atol, double rtol, String what) {
        assertEquals(want.shape(), got.shape(), what);
        for (long i = 0; i < want.size(); i++) {
            float w = want.getFlat(i), g = got.getFlat(i);
            assertTrue(Math.abs(w - g) <= atol + rtol * Math.abs(w), what + ": element " + i + " is " + g + ", expected " + w);
        }
    }

}
