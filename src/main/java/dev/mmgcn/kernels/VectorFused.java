package dev.mmgcn.kernels;

import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Checks.*;
import static dev.mmgcn.kernels.Simd.*;

/**
 * The fused kernels of {@link Kernels}: one pass where the defaults take several. Splits follow the
 * rules of the primitives they replace (element-wise by flat range, sums by fixed chunks reduced in
 * chunk order, scatters by column range), so every result is independent of the thread count.
 */
final class VectorFused {
    /** Rows per chunk of the bias-gradient sum: the same as {@link VectorReductions#sumRows}'s. */
    private static final int ROW_CHUNK = 256;
    /** Gathered rows per chunk of a penalty sum. */
    private static final int INDEX_CHUNK = 256;

    private VectorFused() {
    }

    /** out = a + b in one pass (the order of the reference's float addition, so exact to it). */
    static void add(Parallel parallel, Tensor a, Tensor b, Tensor out) {
        sameShape(a, b);
        sameShape(a, out);
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment os = out.segment();
        VectorElementwise.flat(parallel, a.size(), (from, to) -> {
            long i = from;
            for (long bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromMemorySegment(S, as, i * Float.BYTES, NATIVE).add(FloatVector.fromMemorySegment(S, bs, i * Float.BYTES, NATIVE))
                        .intoMemorySegment(os, i * Float.BYTES, NATIVE);
            }
            for (; i < to; i++) set(os, i, get(as, i) + get(bs, i));
        });
    }

    /** y = LeakyReLU(x + bias); x may be y. */
    static void biasLeakyRelu(Parallel parallel, Tensor x, Tensor bias, float slope, Tensor y) {
        sameShape(x, y);
        if (bias == null) {
            VectorElementwise.leakyRelu(parallel, x, slope, y);
            return;
        }
        rowVector(bias, y.cols());
        int cols = y.cols();
        MemorySegment xs = x.segment();
        MemorySegment bs = bias.segment();
        MemorySegment ys = y.segment();
        int vecCols = S.loopBound(cols);
        parallel.forRange(y.rows(), rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = (long) r * cols;
                int c = 0;
                for (; c < vecCols; c += L) {
                    FloatVector v = FloatVector.fromMemorySegment(S, xs, (row + c) * Float.BYTES, NATIVE)
                            .add(FloatVector.fromMemorySegment(S, bs, (long) c * Float.BYTES, NATIVE));
                    VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
                    v.mul(slope).blend(v, positive).intoMemorySegment(ys, (row + c) * Float.BYTES, NATIVE);
                }
                for (; c < cols; c++) {
                    float v = get(xs, row + c) + get(bs, c);
                    set(ys, row + c, v > 0f ? v : slope * v);
                }
            }
        });
    }

    /**
     * dz = dy·(y > 0 ? 1 : slope), and dBias = Σ_r dz + biasBeta·dBias in the same pass: each chunk of
     * {@link #ROW_CHUNK} rows sums its columns in float, the chunks are added in order in double, the
     * arithmetic of {@link VectorReductions#sumRows}. dz may be dy.
     */
    static void biasLeakyReluBackward(Parallel parallel, Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias,
                                      float biasBeta) {
        sameShape(y, dy);
        sameShape(y, dz);
        nonNegativeSlope(slope);
        MemorySegment ys = y.segment();
        MemorySegment gs = dy.segment();
        MemorySegment ds = dz.segment();
        if (dBias == null) {
            VectorElementwise.flat(parallel, y.size(), (from, to) -> {
                long i = from;
                for (long bound = from + S.loopBound(to - from); i < bound; i += L) {
                    VectorMask<Float> positive = FloatVector.fromMemorySegment(S, ys, i * Float.BYTES, NATIVE).compare(VectorOperators.GT, 0f);
                    FloatVector g = FloatVector.fromMemorySegment(S, gs, i * Float.BYTES, NATIVE);
                    g.mul(slope).blend(g, positive).intoMemorySegment(ds, i * Float.BYTES, NATIVE);
                }
                for (; i < to; i++) set(ds, i, get(ys, i) > 0f ? get(gs, i) : slope * get(gs, i));
            });
            return;
        }
        rowVector(dBias, y.cols());
        int rows = y.rows();
        int cols = y.cols();
        if (cols == 0) return;
        int chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK;
        double[] partial = VectorReductions.doubleScratch(chunks * cols);
        int vecCols = S.loopBound(cols);
        Parallel.Part body = ch -> {
            int r0 = ch * ROW_CHUNK;
            int r1 = Math.min(rows, r0 + ROW_CHUNK);
            float[] acc = VectorReductions.floatScratch(cols);
            java.util.Arrays.fill(acc, 0, cols, 0f);
            for (int r = r0; r < r1; r++) {
                long row = (long) r * cols;
                int c = 0;
                for (; c < vecCols; c += L) {
                    long at = (row + c) * Float.BYTES;
                    VectorMask<Float> positive = FloatVector.fromMemorySegment(S, ys, at, NATIVE).compare(VectorOperators.GT, 0f);
                    FloatVector g = FloatVector.fromMemorySegment(S, gs, at, NATIVE);
                    FloatVector d = g.mul(slope).blend(g, positive);
                    d.intoMemorySegment(ds, at, NATIVE);
                    FloatVector.fromArray(S, acc, c).add(d).intoArray(acc, c);
                }
                for (; c < cols; c++) {
                    float g = get(ys, row + c) > 0f ? get(gs, row + c) : slope * get(gs, row + c);
                    set(ds, row + c, g);
                    acc[c] += g;
                }
            }
            for (int c = 0; c < cols; c++) partial[ch * cols + c] = acc[c];
        };
        if ((long) rows * cols < 2L * GRAIN) {
            for (int ch = 0; ch < chunks; ch++) body.run(ch);
        } else {
            parallel.forParts(chunks, body);
        }
        MemorySegment bs = dBias.segment();
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int ch = 0; ch < chunks; ch++) s += partial[ch * cols + c];
            float old = biasBeta == 0f ? 0f : biasBeta * get(bs, c);
            set(bs, c, (float) s + old);
        }
    }

    /** out = weight·Σ_k ‖table[index[k],:]‖² + beta·out, per-row dot products summed by fixed chunks of indices. */
    static void gatherSumSquares(Parallel parallel, Tensor table, IntTensor index, float weight, float beta, Tensor out) {
        scalar(out);
        MemorySegment is = index.segment();
        int n = Math.toIntExact(index.size());
        int rows = table.rows();
        for (int k = 0; k < n; k++) checkIndex(getInt(is, k), rows, "gather index");
        MemorySegment ts = table.segment();
        int cols = table.cols();
        int chunks = (n + INDEX_CHUNK - 1) / INDEX_CHUNK;
        double[] partial = new double[chunks];
        Parallel.Part body = ch -> {
            double s = 0;
            for (int k = ch * INDEX_CHUNK, end = Math.min(n, k + INDEX_CHUNK); k < end; k++) {
                long row = (long) getInt(is, k) * cols;
                s += VectorDot.dot(ts, row, ts, row, cols);
            }
            partial[ch] = s;
        };
        if ((long) n * cols < 2L * GRAIN) {
            for (int ch = 0; ch < chunks; ch++) body.run(ch);
        } else {
            parallel.forParts(chunks, body);
        }
        double s = 0;
        for (double p : partial) s += p;
        MemorySegment os = out.segment();
        float old = beta == 0f ? 0f : beta * get(os, 0);
        set(os, 0, (float) (weight * s) + old);
    }

    /**
     * dTable[index[k],:] += 2·weight·dOut·table[index[k],:]. Repeated indices collide, so threads take
     * column ranges and each walks every k in order, as {@link VectorRows#scatterAddRows} does; the
     * arithmetic (a product, then a sum) is the reference's, so the result is exact to it.
     */
    static void gatherSumSquaresBackward(Parallel parallel, Tensor table, IntTensor index, float weight, Tensor dOut,
                                         Tensor dTable) {
        scalar(dOut);
        sameShape(table, dTable);
        MemorySegment is = index.segment();
        int n = Math.toIntExact(index.size());
        int rows = table.rows();
        for (int k = 0; k < n; k++) checkIndex(getInt(is, k), rows, "scatter index");
        int cols = table.cols();
        if (n == 0 || cols == 0) return;
        float g = 2f * weight * dOut.getFlat(0);
        MemorySegment ts = table.segment();
        MemorySegment ds = dTable.segment();
        int vectors = (cols + L - 1) / L;
        int parts = (long) n * cols < 2L * GRAIN ? 1 : Math.min(parallel.threads(), vectors);
        parallel.forParts(parts, part -> {
            int c0 = Parallel.bound(vectors, parts, part) * L;
            int c1 = Math.min(cols, Parallel.bound(vectors, parts, part + 1) * L);
            int vecEnd = c0 + S.loopBound(c1 - c0);
            for (int k = 0; k < n; k++) {
                long row = (long) getInt(is, k) * cols;
                int c = c0;
                for (; c < vecEnd; c += L) {
                    long at = (row + c) * Float.BYTES;
                    FloatVector.fromMemorySegment(S, ts, at, NATIVE).mul(g).add(FloatVector.fromMemorySegment(S, ds, at, NATIVE))
                            .intoMemorySegment(ds, at, NATIVE);
                }
                for (; c < c1; c++) set(ds, row + c, get(ds, row + c) + g * get(ts, row + c));
            }
        });
    }
}
