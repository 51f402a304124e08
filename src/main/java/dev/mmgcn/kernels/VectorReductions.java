package dev.mmgcn.kernels;

import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Checks.bprBackwardShapes;
import static dev.mmgcn.kernels.Checks.rowVector;
import static dev.mmgcn.kernels.Checks.sameShape;
import static dev.mmgcn.kernels.Checks.scalar;
import static dev.mmgcn.kernels.Simd.*;

/**
 * Reductions to a scalar or a row. The input is cut into chunks of a fixed size that does not depend on
 * the thread count; each chunk is summed on its own into a double partial, and the partials are added in
 * chunk order on the caller. Which thread summed which chunk therefore never shows in the result.
 */
final class VectorReductions {
    /** Elements per chunk of a flat reduction; a multiple of every vector length. */
    private static final int CHUNK = 1 << 14;
    /** Rows per chunk of a column-wise sum. */
    private static final int ROW_CHUNK = 256;

    private VectorReductions() {
    }

    static void sumSquares(Parallel parallel, Tensor x, Tensor out) {
        scalar(out);
        MemorySegment xs = x.segment();
        long n = x.size();
        // each chunk (a multiple of 32 floats, the last one excepted) in VectorDot's width-independent order
        double[] partial = chunked(parallel, n, (from, to) -> VectorDot.dot(xs, from, xs, from, (int) (to - from)));
        double s = 0;
        for (double p : partial) s += p;
        out.setFlat(0, (float) s);
    }

    static void bprLoss(Parallel parallel, Tensor pos, Tensor neg, Tensor out) {
        sameShape(pos, neg);
        scalar(out);
        MemorySegment ps = pos.segment();
        MemorySegment ns = neg.segment();
        long n = pos.size();
        // The transcendental part runs in scalar double: the Vector API's float EXP/LOG1P differ by an ulp
        // between its intrinsic and its Java fallback, which would make the loss depend on JIT timing.
        double[] partial = chunked(parallel, n, (from, to) -> {
            double s = 0;
            for (long i = from; i < to; i++) s += ScalarKernels.softplus((double) get(ns, i) - get(ps, i));
            return s;
        });
        double s = 0;
        for (double p : partial) s += p;
        out.setFlat(0, n == 0 ? 0f : (float) (s / n));
    }

    static void bprLossBackward(Parallel parallel, Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg) {
        bprBackwardShapes(pos, neg, dOut, dPos, dNeg);
        long n = pos.size();
        if (n == 0) return;
        double g = dOut.getFlat(0) / (double) n;
        MemorySegment ps = pos.segment();
        MemorySegment ns = neg.segment();
        MemorySegment dps = dPos.segment();
        MemorySegment dns = dNeg.segment();
        VectorElementwise.flat(parallel, n, (from, to) -> {
            for (long i = from; i < to; i++) {
                float s = (float) (g * ScalarKernels.sigmoid((double) get(ns, i) - get(ps, i)));
                set(dps, i, get(dps, i) - s);
                set(dns, i, get(dns, i) + s);
            }
        });
    }

    // per-thread scratch for sumRows, which runs in every backward pass: grown when needed, never freed
    private static final ThreadLocal<double[][]> PARTIALS = ThreadLocal.withInitial(() -> new double[1][0]);
    private static final ThreadLocal<float[][]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[1][0]);

    static double[] doubleScratch(int size) {
        double[][] h = PARTIALS.get();
        if (h[0].length < size) h[0] = new double[size];
        return h[0];
    }

    static float[] floatScratch(int size) {
        float[][] h = ACCUMULATORS.get();
        if (h[0].length < size) h[0] = new float[size];
        return h[0];
    }

    /** out (1×cols) = Σ_r x[r,:] + beta·out. */
    static void sumRows(Parallel parallel, Tensor x, float beta, Tensor out) {
        rowVector(out, x.cols());
        int rows = x.rows();
        int cols = x.cols();
        if (cols == 0) return;
        MemorySegment xs = x.segment();
        int chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK;
        double[] partial = doubleScratch(chunks * cols);
        Parallel.Part body = ch -> {
            int r0 = ch * ROW_CHUNK;
            int r1 = Math.min(rows, r0 + ROW_CHUNK);
            float[] acc = floatScratch(cols);
            java.util.Arrays.fill(acc, 0, cols, 0f);
            int vecCols = S.loopBound(cols);
            for (int r = r0; r < r1; r++) {
                long row = (long) r * cols;
                int c = 0;
                for (; c < vecCols; c += L) FloatVector.fromArray(S, acc, c).add(FloatVector.fromMemorySegment(S, xs, (row + c) * Float.BYTES, NATIVE)).intoArray(acc, c);
                for (; c < cols; c++) acc[c] += get(xs, row + c);
            }
            for (int c = 0; c < cols; c++) partial[ch * cols + c] = acc[c];
        };
        if ((long) rows * cols < 2L * GRAIN) {
            for (int ch = 0; ch < chunks; ch++) body.run(ch);
        } else {
            parallel.forParts(chunks, body);
        }
        MemorySegment os = out.segment();
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int ch = 0; ch < chunks; ch++) s += partial[ch * cols + c];
            float old = beta == 0f ? 0f : beta * get(os, c);
            set(os, c, (float) s + old);
        }
    }

    @FunctionalInterface
    interface ChunkSum {
        double sum(long from, long to);
    }

    /** The per-chunk sums of {@code [0, n)} in chunk order, computed in parallel once there is enough work. */
    private static double[] chunked(Parallel parallel, long n, ChunkSum body) {
        int chunks = Math.toIntExact((n + CHUNK - 1) / CHUNK);
        double[] partial = new double[chunks];
        Parallel.Part part = ch -> {
            long from = (long) ch * CHUNK;
            partial[ch] = body.sum(from, Math.min(n, from + CHUNK));
        };
        if (n < 2L * GRAIN) {
            for (int ch = 0; ch < chunks; ch++) part.run(ch);
        } else {
            parallel.forParts(chunks, part);
        }
        return partial;
    }
}
