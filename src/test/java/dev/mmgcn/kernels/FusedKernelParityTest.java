package dev.mmgcn.kernels;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.mmgcn.kernels.RandomTensors.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fused kernels of {@link Kernels} against {@link ScalarKernels}, on every backend this JVM runs and
 * on their default implementations (a backend that forwards only the primitives, {@link PrimitivesOnly}).
 * Over the scalar backend those defaults are an oracle for the scalar fused kernels that shares none of
 * their code; small cases worked by hand check the reference itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FusedKernelParityTest {
    private static final double SUM = 1e-4;
    private static final double ELEM = 1e-6;
    private static final double LOSS = 1e-5;
    private static final int[] WIDTHS = {1, 7, 16, 17, 64, 67};

    private static final ScalarKernels REF = new ScalarKernels();
    private List<Kernels> backends;

    Stream<Named<Kernels>> backends() {
        if (backends == null) {
            backends = new ArrayList<>();
            backends.add(new PrimitivesOnly(new ScalarKernels()));
            // an expected backend that is missing fails here (TestBackends), as in KernelParityTest
            if (TestBackends.vectorAvailable()) {
                Backends.vector().ifPresent(backends::add);
                backends.add(new VectorKernels(3));
                backends.add(new PrimitivesOnly.WithScratch(new VectorKernels(2)));
            }
            TestBackends.cuda().ifPresent(backends::add);
        }
        return backends.stream().map(k -> Named.of(k.toString(), k));
    }

    @AfterAll
    void closeBackends() {
        if (backends != null) backends.forEach(Kernels::close);
    }


    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backends")
    void addIntoAThirdTensorOrEitherInput(Kernels k) {
        try (KernelRun t = new KernelRun(k, 30)) {
            for (int[] s : new int[][] {{0, 3}, {1, 1}, {9, 17}, {1100, 67}}) {
                Tensor a = uniform(t.host, t.rnd, s[0], s[1]);
                Tensor b = uniform(t.host, t.rnd, s[0], s[1]);
                Tensor want = filled(t.host, s[0], s[1], Float.NaN);
                REF.add(a, b, want);
                for (int into = 0; into < 3; into++) { // a third tensor, a, b
                    Tensor da = t.up(a), db = t.up(b);
                    Tensor out = into == 0 ? t.up(filled(t.host, s[0], s[1], Float.NaN)) : into == 1 ? da : db;
                    k.add(da, db, out);
                    Compare.exact("add " + a.shape() + " into " + (into == 0 ? "a third tensor" : into == 1 ? "a" : "b"),
                            want.toArray(), t.down(out));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backends")
    void biasLeakyReluMatchesReferenceInAndOutOfPlace(Kernels k) {
        try (KernelRun t = new KernelRun(k, 31)) {
            for (int rows : new int[] {0, 1, 9, 1100}) {
                for (int w : WIDTHS) {
                    for (boolean withBias : new boolean[] {false, true}) {
                        Tensor x = uniform(t.host, t.rnd, rows, w);
                        for (int i = 0; i < x.size(); i += 7) x.setFlat(i, 0f);
                        Tensor bias = withBias ? uniform(t.host, t.rnd, 1, w) : null;
                        Tensor want = filled(t.host, rows, w, Float.NaN);
                        REF.biasLeakyRelu(x, bias, 0.01f, want);
                        Tensor dBias = bias == null ? null : t.up(bias);
                        Tensor y = t.up(filled(t.host, rows, w, Float.NaN));
                        k.biasLeakyRelu(t.up(x), dBias, 0.01f, y);
                        String what = "biasLeakyRelu " + x.shape() + (withBias ? " with bias" : "");
                        Compare.close(what, want.toArray(), t.down(y), ELEM, ELEM);
                        Tensor inPlace = t.up(x);
                        k.biasLeakyRelu(inPlace, dBias, 0.01f, inPlace);
                        Compare.close(what + " in place", want.toArray(), t.down(inPlace), ELEM, ELEM);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backends")
    void biasLeakyReluBackwardMatchesReference(Kernels k) {
        try (KernelRun t = new KernelRun(k, 32)) {
            for (int rows : new int[] {0, 1, 9, 300, 1100}) {
                for (int w : WIDTHS) {
                    for (float biasBeta : new float[] {-1f, 0f, 1f}) { // -1: no bias gradient
                        for (boolean inPlace : new boolean[] {false, true}) {
                            Tensor pre = uniform(t.host, t.rnd, rows, w);
                            for (int i = 0; i < pre.size(); i += 5) pre.setFlat(i, 0f);
                            Tensor y = t.host.floats(rows, w);
                            REF.leakyRelu(pre, 0.2f, y);
                            Tensor dy = uniform(t.host, t.rnd, rows, w);
                            Tensor dz = filled(t.host, rows, w, Float.NaN);
                            Tensor bias = biasBeta < 0 ? null : biasBeta == 0 ? filled(t.host, 1, w, Float.NaN) : uniform(t.host, t.rnd, 1, w);
                            Tensor devBias = bias == null ? null : t.up(bias);
                            Tensor devDy = t.up(dy);
                            Tensor devDz = inPlace ? devDy : t.up(dz);
                            REF.biasLeakyReluBackward(y, dy, 0.2f, dz, bias, Math.max(biasBeta, 0f));
                            k.biasLeakyReluBackward(t.up(y), devDy, 0.2f, devDz, devBias, Math.max(biasBeta, 0f));
                            String what = "biasLeakyReluBackward " + y.shape() + " biasBeta=" + biasBeta + (inPlace ? " in place" : "");
                            Compare.close(what + " dz", dz.toArray(), t.down(devDz), ELEM, ELEM);
                            if (bias != null) Compare.close(what + " dBias", bias.toArray(), t.down(devBias), SUM, SUM);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backends")
    void gatherSumSquaresForwardAndBackward(Kernels k) {
        try (KernelRun t = new KernelRun(k, 33)) {
            for (int n : new int[] {0, 1, 17, 2048, 5000}) {
                for (int w : new int[] {1, 16, 33, 64}) {
                    Tensor table = uniform(t.host, t.rnd, 300, w);
                    IntTensor idx = indices(t.host, t.rnd, n, 300); // repeats are certain at these sizes
                    Tensor devTable = t.up(table);
                    IntTensor devIdx = t.up(idx);
                    for (float beta : new float[] {0f, 1f}) {
                        Tensor out = beta == 0 ? filled(t.host, 1, 1, Float.NaN) : filled(t.host, 1, 1, 0.75f);
                        Tensor devOut = t.up(out);
                        REF.gatherSumSquares(table, idx, 0.125f, beta, out);
                        k.gatherSumSquares(devTable, devIdx, 0.125f, beta, devOut);
                        Compare.close("gatherSumSquares n=" + n + " w=" + w + " beta=" + beta, out.toArray(), t.down(devOut), LOSS, LOSS);
                    }
                    Tensor dOut = filled(t.host, 1, 1, -1.5f);
                    Tensor grad = uniform(t.host, t.rnd, 300, w);
                    Tensor devGrad = t.up(grad);
                    REF.gatherSumSquaresBackward(table, idx, 0.125f, dOut, grad);
                    k.gatherSumSquaresBackward(devTable, devIdx, 0.125f, t.up(dOut), devGrad);
                    Compare.close("gatherSumSquaresBackward n=" + n + " w=" + w, grad.toArray(), t.down(devGrad), ELEM, ELEM);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backends")
    void adamStepWithTheStepInBackendMemory(Kernels k) {
        try (KernelRun t = new KernelRun(k, 34)) {
            for (int step : new int[] {1, 7, 1000}) {
                Tensor p = uniform(t.host, t.rnd, 70, 33);
                Tensor g = uniform(t.host, t.rnd, 70, 33);
                Tensor m = uniform(t.host, t.rnd, 70, 33, -0.1f, 0.1f);
                Tensor v = uniform(t.host, t.rnd, 70, 33, 0f, 0.01f);
                Tensor dp = t.up(p), dm = t.up(m), dv = t.up(v);
                REF.adamStep(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
                k.adamStep(dp, t.up(g), dm, dv, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, t.up(filled(t.host, 1, 1, step)));
                Compare.close("adamStep(step tensor) " + step + " param", p.toArray(), t.down(dp), LOSS, LOSS);
                Compare.close("adamStep(step tensor) " + step + " m", m.toArray(), t.down(dm), ELEM, ELEM);
                Compare.close("adamStep(step tensor) " + step + " v", v.toArray(), t.down(dv), ELEM, ELEM);
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("backends")
    void badIndicesAndShapesAreRejected(Kernels k) {
        try (KernelRun t = new KernelRun(k, 35)) {
            Tensor table = t.up(uniform(t.host, t.rnd, 4, 3));
            Tensor out = t.up(filled(t.host, 1, 1, 0f));
            IntTensor bad = t.up(ints(t.host, 2, 1, new int[] {1, 4}));
            // a device reports a bad index at its next synchronising call (the contract of gatherRows), so each
            // call is followed by a download; a host backend throws in the call itself
            assertThrows(IndexOutOfBoundsException.class, () -> {
                k.gatherSumSquares(table, bad, 1f, 0f, out);
                t.down(out);
            });
            assertThrows(IndexOutOfBoundsException.class, () -> {
                k.gatherSumSquaresBackward(table, bad, 1f, out, table);
                t.down(table);
            });
            Tensor y = t.up(uniform(t.host, t.rnd, 4, 3));
            assertThrows(IllegalArgumentException.class, () -> k.biasLeakyRelu(y, t.up(uniform(t.host, t.rnd, 1, 2)), 0.01f, y));
            assertThrows(IllegalArgumentException.class, () -> k.biasLeakyReluBackward(y, y, -0.5f, y, null, 0f),
                    "a negative slope cannot be undone from the output's signs");
        }
    }

    // ---- the reference itself, on cases worked by hand -----------------------------------------

    @Test
    void referenceAddByHand() {
        try (HostScope s = new HostScope()) {
            Tensor out = s.floats(1, 3);
            REF.add(of(s, 1, 3, new float[] {1f, -2f, 0.5f}), of(s, 1, 3, new float[] {3f, 2f, -0.25f}), out);
            assertArrayEquals(new float[] {4f, 0f, 0.25f}, out.toArray(), 0f);
        }
    }

    @Test
    void referenceBiasLeakyReluByHand() {
        try (HostScope s = new HostScope()) {
            Tensor x = of(s, 2, 2, new float[] {1f, -2f, 0f, 3f});
            Tensor y = s.floats(2, 2);
            REF.biasLeakyRelu(x, of(s, 1, 2, new float[] {0.5f, 1f}), 0.1f, y);
            assertArrayEquals(new float[] {1.5f, -0.1f, 0.5f, 4f}, y.toArray(), 1e-7f);
            REF.biasLeakyRelu(x, null, 0.1f, y);
            assertArrayEquals(new float[] {1f, -0.2f, 0f, 3f}, y.toArray(), 1e-7f);

            // y ≤ 0 takes the slope (0 included: the kink belongs to the negative side, as in leakyReluBackward)
            Tensor dz = s.floats(2, 2);
            Tensor dBias = of(s, 1, 2, new float[] {10f, 20f});
            REF.biasLeakyReluBackward(of(s, 2, 2, new float[] {1.5f, -0.1f, 0.5f, 0f}), of(s, 2, 2, new float[] {2f, 3f, 4f, 5f}),
                    0.1f, dz, dBias, 1f);
            assertArrayEquals(new float[] {2f, 0.3f, 4f, 0.5f}, dz.toArray(), 1e-6f);
            assertArrayEquals(new float[] {16f, 20.8f}, dBias.toArray(), 1e-5f);
        }
    }

    @Test
    void referencePenaltyByHand() {
        try (HostScope s = new HostScope()) {
            Tensor table = of(s, 3, 2, new float[] {1f, 2f, 3f, 4f, 0f, 1f});
            IntTensor idx = ints(s, 3, 1, new int[] {1, 1, 2});
            Tensor out = of(s, 1, 1, new float[] {2f});
            REF.gatherSumSquares(table, idx, 0.5f, 0f, out);
            assertEquals(0.5f * (25 + 25 + 1), out.getFlat(0), 1e-6f);
            REF.gatherSumSquares(table, idx, 0.5f, 1f, out);
            assertEquals(2 * 25.5f, out.getFlat(0), 1e-6f);
            Tensor grad = s.floats(3, 2);
            // d/dt of 0.5·Σ‖t_k‖² with dOut = 2: 2·0.5·2·t per occurrence; row 1 occurs twice
            REF.gatherSumSquaresBackward(table, idx, 0.5f, of(s, 1, 1, new float[] {2f}), grad);
            assertArrayEquals(new float[] {0f, 0f, 12f, 16f, 0f, 2f}, grad.toArray(), 1e-6f);
        }
    }

    @Test
    void referenceAdamFirstStepByHand() {
        try (HostScope s = new HostScope()) {
            // step 1: m̂ = g, v̂ = g², so p moves by lr·g/(|g| + eps) = lr in the direction of −g
            Tensor p = of(s, 1, 2, new float[] {1f, -1f});
            Tensor m = s.floats(1, 2), v = s.floats(1, 2);
            REF.adamStep(p, of(s, 1, 2, new float[] {0.5f, -2f}), m, v, 0.1f, 0.9f, 0.999f, 0f, 0f, of(s, 1, 1, new float[] {1f}));
            assertArrayEquals(new float[] {0.9f, -0.9f}, p.toArray(), 1e-6f);
            assertArrayEquals(new float[] {0.05f, -0.2f}, m.toArray(), 1e-7f);
        }
    }

    @Test
    void vectorFusedKernelsGiveTheSameBitsWithOneTwoAndThreeThreads() {
        assumeTrue(Backends.vectorModulePresent());
        List<int[]> one = fusedOps(1);
        for (int threads : new int[] {2, 3}) {
            List<int[]> many = fusedOps(threads);
            for (int i = 0; i < one.size(); i++) {
                assertArrayEquals(one.get(i), many.get(i), "output " + i + ": 1 thread vs " + threads + " threads");
            }
        }
    }

    private static List<int[]> fusedOps(int threads) {
        List<int[]> out = new ArrayList<>();
        try (VectorKernels k = new VectorKernels(threads); HostScope s = new HostScope()) {
            Random rnd = new Random(36);
            Tensor x = uniform(s, rnd, 3000, 67);
            Tensor bias = uniform(s, rnd, 1, 67);
            Tensor y = s.floats(3000, 67);
            k.biasLeakyRelu(x, bias, 0.01f, y);
            out.add(bits(y));
            Tensor dz = s.floats(3000, 67);
            k.biasLeakyReluBackward(y, uniform(s, rnd, 3000, 67), 0.01f, dz, bias, 1f);
            out.add(bits(dz));
            out.add(bits(bias));
            Tensor table = uniform(s, rnd, 500, 67);
            IntTensor idx = indices(s, rnd, 4000, 500);
            Tensor sum = s.floats(1, 1);
            k.gatherSumSquares(table, idx, 0.3f, 0f, sum);
            out.add(bits(sum));
            Tensor grad = uniform(s, rnd, 500, 67);
            k.gatherSumSquaresBackward(table, idx, 0.3f, sum, grad);
            out.add(bits(grad));
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
