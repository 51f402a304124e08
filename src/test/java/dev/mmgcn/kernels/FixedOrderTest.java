package dev.mmgcn.kernels;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Vector backend's reductions follow one summation order whatever the hardware's lane count: checked
 * bit for bit against that order written out here by hand (32 float partials fed by FMA, a half block,
 * a fixed tree, a double tail — the order {@code VectorDot} documents), with data spread over many
 * magnitudes so that any other order rounds differently. The suite also runs in a JVM with 128-bit
 * vectors (see pom.xml), so this pins the order at two widths on every machine.
 */
class FixedOrderTest {
    /** The documented order, independently of the kernels' code. */
    static double byHand(float[] a, float[] b) {
        float[] p = new float[32];
        int n = a.length, c = 0;
        while (c + 32 <= n) {
            for (int t = 0; t < 32; t++) p[t] = Math.fma(a[c + t], b[c + t], p[t]);
            c += 32;
        }
        if (c + 16 <= n) {
            for (int t = 0; t < 16; t++) p[t] = Math.fma(a[c + t], b[c + t], p[t]);
            c += 16;
        }
        float[] q = new float[16];
        for (int t = 0; t < 16; t++) q[t] = p[t] + p[t + 16];
        for (int half = 8; half >= 1; half /= 2) for (int t = 0; t < half; t++) q[t] = q[t] + q[t + half];
        double s = q[0];
        for (; c < n; c++) s += (double) a[c] * b[c];
        return s;
    }

    private static float[] spread(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 4)));
        return v;
    }

    @Test
    void rowDotNormsAndSumOfSquaresFollowTheDocumentedOrder() {
        SplittableRandom rng = new SplittableRandom(19);
        try (HostScope s = new HostScope(); VectorKernels k = new VectorKernels(2)) {
            for (int cols : new int[] {1, 3, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100, 128, 200, 257}) {
                int rows = 5;
                float[] a = spread(rng, rows * cols), b = spread(rng, rows * cols);
                Tensor ta = s.floats(rows, cols), tb = s.floats(rows, cols), out = s.floats(rows, 1), y = s.floats(rows, cols), norms = s.floats(rows, 1);
                ta.copyFrom(a);
                tb.copyFrom(b);
                k.rowDot(ta, tb, out);
                k.rowL2Normalize(ta, 1e-12f, y, norms);
                for (int r = 0; r < rows; r++) {
                    float[] ar = java.util.Arrays.copyOfRange(a, r * cols, (r + 1) * cols), br = java.util.Arrays.copyOfRange(b, r * cols, (r + 1) * cols);
                    assertEquals(Float.floatToRawIntBits((float) byHand(ar, br)), Float.floatToRawIntBits(out.get(r, 0)), "rowDot, " + cols + " columns, row " + r);
                    assertEquals(Float.floatToRawIntBits((float) Math.sqrt(byHand(ar, ar))), Float.floatToRawIntBits(norms.get(r, 0)), "row norm, " + cols + " columns");
                }
                Tensor sum = s.floats(1, 1);
                k.sumSquares(ta, sum);
                assertEquals(Float.floatToRawIntBits((float) byHand(a, a)), Float.floatToRawIntBits(sum.getFlat(0)), "sumSquares of " + rows * cols);
            }
        }
    }

    @Test
    void theScalarFormForOtherLaneCountsIsTheSameOrder() {
        SplittableRandom rng = new SplittableRandom(20);
        for (int n = 0; n <= 130; n++) {
            float[] a = spread(rng, n), b = spread(rng, n);
            double got = VectorDot.ordered(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, n);
            assertEquals(Double.doubleToRawLongBits(byHand(a, b)), Double.doubleToRawLongBits(got), "n = " + n);
            // and the vector form of this JVM's width agrees with it to the bit
            double vec = VectorDot.dot(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, n);
            assertEquals(Double.doubleToRawLongBits(got), Double.doubleToRawLongBits(vec), "n = " + n + " at " + Simd.L + " lanes");
        }
    }
}
