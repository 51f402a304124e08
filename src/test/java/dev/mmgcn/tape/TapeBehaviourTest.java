package dev.mmgcn.tape;

import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The tape's bookkeeping: fan-out accumulation, stale-gradient hygiene, buffer reuse across steps. */
class TapeBehaviourTest {
    private final ScalarKernels k = new ScalarKernels();

    private static Var param(HostScope s, String name, float... values) {
        Tensor v = s.floats(values.length, 1);
        v.copyFrom(values);
        return Var.parameter(name, v, s.floats(values.length, 1));
    }

    @Test
    void fanOutAccumulatesGradients() {
        try (HostScope s = new HostScope(); Tape t = new Tape(k)) {
            Var x = param(s, "x", 1f, -2f, 3f);
            t.begin();
            // L = Σ (x + x + 3x)² = 25 Σ x², so dL/dx = 50 x: three uses of x must all contribute
            Var y = t.add(t.add(x, x), t.scale(x, 3f));
            Var loss = t.sumSquares(y);
            assertEquals(25f * 14f, k.readScalar(loss.value()), 1e-4f);
            t.backward(loss);
            assertArrayEquals(new float[] {50f, -100f, 150f}, x.grad().toArray(), 1e-4f);
        }
    }

    @Test
    void gradientsDoNotLeakAcrossSteps() {
        try (HostScope s = new HostScope(); Tape t = new Tape(k)) {
            Var a = param(s, "a", 1f, 2f);
            Var b = param(s, "b", 3f, 4f);
            t.begin();
            t.backward(t.sumSquares(t.add(a, b)));
            assertTrue(t.hasGrad(a));
            assertArrayEquals(new float[] {8f, 12f}, a.grad().toArray(), 1e-5f);

            // the second step does not touch a: its gradient must read as absent, and b's must be fresh, not 2×
            t.begin();
            assertFalse(t.hasGrad(a));
            t.backward(t.sumSquares(b));
            assertFalse(t.hasGrad(a));
            assertArrayEquals(new float[] {6f, 8f}, b.grad().toArray(), 1e-5f);

            t.begin();
            t.backward(t.sumSquares(b));
            assertArrayEquals(new float[] {6f, 8f}, b.grad().toArray(), 1e-5f, "same step twice gives the same gradient");
        }
    }

    @Test
    void aParameterSharedByTwoTapesNeverTakesTheOtherTapesGradient() {
        try (HostScope s = new HostScope(); Tape a = new Tape(k); Tape b = new Tape(k)) {
            Var x = param(s, "x", 1f, -2f);
            a.begin();
            a.backward(a.sumSquares(x));
            // b's first step must not mistake x's gradient from a's step for one of its own and add to it
            b.begin();
            b.backward(b.sumSquares(b.scale(x, 3f)));
            assertArrayEquals(new float[] {18f, -36f}, x.grad().toArray(), 1e-5f);
        }
    }

    @Test
    void firstWritesOverwriteAndLaterOnesAdd() {
        try (HostScope s = new HostScope(); Tape t = new Tape(k)) {
            Var w = param(s, "w", 0.5f, -1f); // 2×1
            Tensor xv = s.floats(1, 2);
            xv.copyFrom(new float[] {2f, 3f});
            Var x = Var.parameter("x", xv, s.floats(1, 2));
            for (int step = 0; step < 2; step++) {
                t.begin();
                // x reaches the loss through a fused linear node and a plain one, each behind its own scale: the
                // first gradient write overwrites (beta 0), the second must add, and step 2 must not see step 1's
                Var loss = t.add(t.sumSquares(t.linearLeakyRelu(t.scale(x, 1f), w, null, 0.1f)),
                        t.sumSquares(t.linear(t.scale(x, 1f), w, null)));
                t.backward(loss);
                // z = 2·0.5 + 3·(−1) = −2; d/dz of (0.1z)² + z² = 2·0.1·0.1·z + 2z
                float z = -2f;
                float g = 2f * 0.01f * z + 2f * z;
                assertArrayEquals(new float[] {g * 0.5f, g * -1f}, x.grad().toArray(), 1e-5f, "step " + step);
                assertArrayEquals(new float[] {g * 2f, g * 3f}, w.grad().toArray(), 1e-5f, "step " + step);
            }
        }
    }

    @Test
    void repeatedStepsReuseEveryBuffer() {
        try (HostScope s = new HostScope(); Tape t = new Tape(k)) {
            CsrMatrix g = GraphBuilder.bipartite(s, 3, 4, new Interactions(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 3}),
                    GraphBuilder.Weights.MEAN);
            Tensor wv = s.floats(2, 2);
            wv.copyFrom(new float[] {0.5f, -1f, 2f, 0.25f});
            Var w = Var.parameter("w", wv, s.floats(2, 2));
            Tensor xv = s.floats(7, 2);
            for (int i = 0; i < 14; i++) xv.setFlat(i, (i % 5) - 2f);
            Var x = Var.parameter("x", xv, s.floats(7, 2));
            IntTensor idx = s.ints(3, 1);
            idx.copyFrom(new int[] {0, 4, 6});

            long[] counts = new long[4];
            float[] losses = new float[4];
            for (int step = 0; step < 4; step++) {
                t.begin();
                Var h = t.leakyRelu(t.spmm(g, t.matmul(t.l2NormalizeRows(x, 1e-12f), w)), 0.01f);
                Var loss = t.sumSquares(t.gather(t.csrMax(g, h), idx));
                t.backward(loss);
                counts[step] = t.allocations();
                losses[step] = k.readScalar(loss.value());
            }
            assertTrue(counts[0] > 0);
            assertEquals(counts[0], counts[3], "steps after the first allocate nothing");
            assertEquals(losses[0], losses[3], "an unchanged model gives the same loss every step");
        }
    }

    @Test
    void fusedDefaultsReuseTheBackendsKeptScratch() {
        dev.mmgcn.kernels.PrimitivesOnly.WithScratch defaults = new dev.mmgcn.kernels.PrimitivesOnly.WithScratch(k);
        try (HostScope s = new HostScope(); Tape t = new Tape(defaults)) {
            Tensor xv = s.floats(5, 3), wv = s.floats(3, 2), bv = s.floats(1, 2);
            for (int i = 0; i < 15; i++) xv.setFlat(i, (i % 7) - 3f);
            wv.copyFrom(new float[] {0.5f, -1f, 2f, 0.25f, 1f, 1f});
            Var x = Var.parameter("x", xv, s.floats(5, 3));
            Var w = Var.parameter("w", wv, s.floats(3, 2));
            Var b = Var.parameter("b", bv, s.floats(1, 2));
            IntTensor idx = s.ints(4, 1);
            idx.copyFrom(new int[] {0, 4, 4, 2});
            int scopesAfterFirst = -1;
            for (int step = 0; step < 3; step++) {
                t.begin();
                Var loss = t.add(t.sumSquares(t.linearLeakyRelu(x, w, b, 0.1f)), t.rowPenalty(new Var[] {x}, new IntTensor[] {idx}, 0.5f));
                t.backward(loss);
                if (step == 0) scopesAfterFirst = defaults.scopes;
            }
            assertEquals(scopesAfterFirst, defaults.scopes, "no scratch allocated per call once the backend's buffer exists");
            assertEquals(2, defaults.scopes, "the tape's own scope and the backend's scratch");
        }
    }

    @Test
    void largerShapeGrowsThenStays() {
        try (HostScope s = new HostScope(); Tape t = new Tape(k)) {
            Var table = param(s, "table", 1f, 2f, 3f, 4f);
            IntTensor small = s.ints(2, 1);
            small.copyFrom(new int[] {1, 3});
            IntTensor big = s.ints(5, 1);
            big.copyFrom(new int[] {0, 1, 2, 3, 3});
            t.begin();
            t.backward(t.sumSquares(t.gather(table, big)));
            long afterBig = t.allocations();
            t.begin();
            t.backward(t.sumSquares(t.gather(table, small)));
            assertEquals(afterBig, t.allocations(), "a smaller batch fits the buffers of a bigger one");
            assertArrayEquals(new float[] {0f, 4f, 0f, 8f}, table.grad().toArray(), 1e-6f);
        }
    }

    @Test
    void rejectsBadShapesAndNonScalarLoss() {
        try (HostScope s = new HostScope(); Tape t = new Tape(k)) {
            Var a = param(s, "a", 1f, 2f);
            Var b = param(s, "b", 1f, 2f, 3f);
            t.begin();
            assertThrows(IllegalArgumentException.class, () -> t.add(a, b));
            assertThrows(IllegalArgumentException.class, () -> t.backward(a));
        }
    }

    /** Two tapes at the same step number must not share a parameter's gradient (step numbers are global). */
    @Test
    void twoTapesSharingAParameterEachGetAFreshGradient() {
        try (HostScope s = new HostScope(); Tape one = new Tape(k); Tape two = new Tape(k)) {
            Var x = param(s, "x", 1f, -2f);
            one.begin();
            one.backward(one.sumSquares(x));
            assertArrayEquals(new float[] {2f, -4f}, x.grad().toArray());
            two.begin();
            assertFalse(two.hasGrad(x), "the other tape's gradient is not this step's");
            two.backward(two.sumSquares(two.scale(x, 3f)));
            assertArrayEquals(new float[] {18f, -36f}, x.grad().toArray(), "d/dx Σ(3x)² = 18x, not added to the other tape's 2x");
        }
    }

    /**
     * A step larger than every earlier one must grow the buffers the tape keeps (outputs, gradients, the
     * norms and argmax a node holds): the larger step's values and gradients equal a fresh tape's.
     */
    @Test
    void buffersGrowWhenALaterStepIsLarger() {
        try (HostScope s = new HostScope(); Tape reused = new Tape(k)) {
            CsrMatrix g = GraphBuilder.bipartite(s, 3, 4, new Interactions(new int[] {0, 0, 1, 2, 2}, new int[] {0, 3, 1, 1, 2}),
                    GraphBuilder.Weights.ONES);
            Tensor table = s.floats(7, 3);
            for (int i = 0; i < 21; i++) table.setFlat(i, (float) Math.sin(i + 1));
            Var x = Var.parameter("x", table, s.floats(7, 3));
            int[] few = {1, 5}, many = {0, 6, 2, 2, 5, 3, 1, 4, 6};
            float[] small = step(reused, s, g, x, few, false);
            float[] smallGrad = x.grad().toArray();
            float[] large = step(reused, s, g, x, many, true);
            float[] largeGrad = x.grad().toArray();
            try (Tape fresh = new Tape(k)) {
                assertArrayEquals(step(fresh, s, g, x, many, true), large, "values after growing");
                assertArrayEquals(x.grad().toArray(), largeGrad, "gradients after growing");
            }
            try (Tape fresh = new Tape(k)) {
                assertArrayEquals(step(fresh, s, g, x, few, false), small);
                assertArrayEquals(x.grad().toArray(), smallGrad);
            }
        }
    }

    /**
     * max-aggregate x (or [x ‖ x], wider: the argmax map grows), pick rows (the output grows with the
     * index), normalise them (the norms grow), L = Σ (normalised + picked)²; returns the normalised rows and L.
     */
    private float[] step(Tape t, HostScope s, CsrMatrix g, Var x, int[] idx, boolean wide) {
        IntTensor index = s.ints(idx.length, 1);
        index.copyFrom(idx);
        t.begin();
        Var m = t.csrMax(g, wide ? t.concatCols(x, x) : x);
        Var picked = t.gather(m, index);
        Var normed = t.l2NormalizeRows(picked, 1e-12f);
        Var loss = t.sumSquares(t.add(normed, picked));
        t.backward(loss);
        float[] out = java.util.Arrays.copyOf(normed.value().toArray(), (int) normed.value().size() + 1);
        out[out.length - 1] = k.readScalar(loss.value());
        return out;
    }
}
