package dev.mmgcn.cuda;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.PrimitivesOnly;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KernelDefaults, the fused path CudaKernels takes with its switch off, checked on the CPU: over a backend
 * whose own fused methods fail, each fused method gives bit for bit what the Kernels defaults give over the
 * same primitives (PrimitivesOnly, which has none of the proxy's code), and a primitive's exception
 * reaches the caller as itself.
 */
class KernelDefaultsTest {
    /** The scalar primitives, with every fused method refused: the defaults must never reach them. */
    private static final class PrimitivesRefusingFused extends PrimitivesOnly {
        PrimitivesRefusingFused() {
            super(new ScalarKernels());
        }

        @Override public void copy(IntTensor src, IntTensor dst) { throw new AssertionError("the backend's copy"); }
        @Override public void add(Tensor a, Tensor b, Tensor out) { throw new AssertionError("the backend's add"); }
        @Override public void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) { throw new AssertionError("the backend's biasLeakyRelu"); }
    }

    private final SplittableRandom rnd = new SplittableRandom(23);

    @Test
    void eachFusedMethodIsTheKernelsDefaultOverTheBackendsPrimitives() {
        Kernels oracle = new PrimitivesOnly(new ScalarKernels());
        FusedOps defaults = KernelDefaults.over(new PrimitivesRefusingFused());
        try (HostScope s = new HostScope()) {
            Tensor a = random(s, 9, 5), b = random(s, 9, 5), bias = random(s, 1, 5);
            Tensor want = s.floats(9, 5), got = s.floats(9, 5);
            oracle.add(a, b, want);
            defaults.add(a, b, got);
            assertArrayEquals(want.toArray(), got.toArray(), "add");
            oracle.biasLeakyRelu(a, bias, 0.2f, want);
            defaults.biasLeakyRelu(a, bias, 0.2f, got);
            assertArrayEquals(want.toArray(), got.toArray(), "biasLeakyRelu");

            Tensor dy = random(s, 9, 5), dzWant = s.floats(9, 5), dzGot = s.floats(9, 5);
            Tensor dbWant = random(s, 1, 5), dbGot = s.floats(1, 5);
            dbGot.copyFrom(dbWant.toArray());
            oracle.biasLeakyReluBackward(want, dy, 0.2f, dzWant, dbWant, 1f);
            defaults.biasLeakyReluBackward(got, dy, 0.2f, dzGot, dbGot, 1f);
            assertArrayEquals(dzWant.toArray(), dzGot.toArray(), "biasLeakyReluBackward dz");
            assertArrayEquals(dbWant.toArray(), dbGot.toArray(), "biasLeakyReluBackward dBias");

            IntTensor index = s.ints(4, 1);
            index.copyFrom(new int[]{3, 0, 3, 8});
            Tensor sumWant = random(s, 1, 1), sumGot = s.floats(1, 1);
            sumGot.copyFrom(sumWant.toArray());
            oracle.gatherSumSquares(a, index, 0.5f, 1f, sumWant);
            defaults.gatherSumSquares(a, index, 0.5f, 1f, sumGot);
            assertArrayEquals(sumWant.toArray(), sumGot.toArray(), "gatherSumSquares");
            Tensor dTableWant = random(s, 9, 5), dTableGot = s.floats(9, 5);
            dTableGot.copyFrom(dTableWant.toArray());
            oracle.gatherSumSquaresBackward(a, index, 0.5f, sumWant, dTableWant);
            defaults.gatherSumSquaresBackward(a, index, 0.5f, sumWant, dTableGot);
            assertArrayEquals(dTableWant.toArray(), dTableGot.toArray(), "gatherSumSquaresBackward");

            IntTensor copied = s.ints(4, 1);
            defaults.copy(index, copied);
            assertArrayEquals(index.toArray(), copied.toArray(), "copy");

            Tensor pWant = random(s, 3, 4), pGot = s.floats(3, 4), grad = random(s, 3, 4);
            pGot.copyFrom(pWant.toArray());
            Tensor mW = s.floats(3, 4), vW = s.floats(3, 4), mG = s.floats(3, 4), vG = s.floats(3, 4), step = s.floats(1, 1);
            step.copyFrom(new float[]{3f});
            oracle.adamStep(pWant, grad, mW, vW, 1e-2f, 0.9f, 0.999f, 1e-8f, 0f, step);
            defaults.adamStep(pGot, grad, mG, vG, 1e-2f, 0.9f, 0.999f, 1e-8f, 0f, step);
            assertArrayEquals(pWant.toArray(), pGot.toArray(), "adamStep(…, Tensor step)");
            assertArrayEquals(vW.toArray(), vG.toArray(), "adamStep's second moment");
        }
    }

    @Test
    void aPrimitivesFailureReachesTheCallerUnwrapped() {
        FusedOps defaults = KernelDefaults.over(new PrimitivesRefusingFused());
        try (HostScope s = new HostScope()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> defaults.add(s.floats(2, 3), s.floats(3, 2), s.floats(2, 3)));
            assertTrue(e.getMessage().contains("2x3"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> defaults.copy(s.ints(2, 1), s.ints(3, 1)));
        }
        assertTrue(defaults.toString().startsWith("Kernels defaults over fused defaults over"), defaults.toString());
    }

    private Tensor random(HostScope s, int rows, int cols) {
        Tensor t = s.floats(rows, cols);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) (rnd.nextDouble() * 2 - 1));
        return t;
    }
}
