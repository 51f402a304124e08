package dev.mmgcn.kernels;

import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Checks.*;
import static dev.mmgcn.kernels.Simd.*;

/**
 * Row-wise kernels: each row is computed whole by one thread, so splitting rows across threads cannot
 * change a result. The scatter kernel, whose rows collide, is split by columns instead.
 */
final class VectorRows {
    private VectorRows() {
    }

    static void addRowVector(Parallel parallel, Tensor bias, Tensor y) {
        rowVector(bias, y.cols());
        int cols = y.cols();
        MemorySegment bs = bias.segment();
        MemorySegment ys = y.segment();
        int vecCols = S.loopBound(cols);
        parallel.forRange(y.rows(), rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = (long) r * cols;
                int c = 0;
                for (; c < vecCols; c += L) (FloatVector.fromMemorySegment(S, ys, (row + c) * Float.BYTES, NATIVE).add(FloatVector.fromMemorySegment(S, bs, c * Float.BYTES, NATIVE))).intoMemorySegment(ys, (row + c) * Float.BYTES, NATIVE);
                for (; c < cols; c++) set(ys, row + c, get(ys, row + c) + get(bs, c));
            }
        });
    }

    static void copyBlock(Parallel parallel, Tensor src, int srcRow, int srcCol, Tensor dst, int dstRow, int dstCol,
                          int rows, int cols, boolean accumulate) {
        block(src, srcRow, srcCol, rows, cols);
        block(dst, dstRow, dstCol, rows, cols);
        if (rows == 0 || cols == 0) return;
        MemorySegment ss = src.segment();
        MemorySegment ds = dst.segment();
        int sw = src.cols();
        int dw = dst.cols();
        int vecCols = S.loopBound(cols);
        parallel.forRange(rows, rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                long s = (long) (srcRow + r) * sw + srcCol;
                long d = (long) (dstRow + r) * dw + dstCol;
                if (!accumulate) {
                    MemorySegment.copy(ss, s * Float.BYTES, ds, d * Float.BYTES, (long) cols * Float.BYTES);
                    continue;
                }
                int c = 0;
                for (; c < vecCols; c += L) (FloatVector.fromMemorySegment(S, ss, (s + c) * Float.BYTES, NATIVE).add(FloatVector.fromMemorySegment(S, ds, (d + c) * Float.BYTES, NATIVE))).intoMemorySegment(ds, (d + c) * Float.BYTES, NATIVE);
                for (; c < cols; c++) set(ds, d + c, get(ss, s + c) + get(ds, d + c));
            }
        });
    }

    static void gatherRows(Parallel parallel, Tensor src, IntTensor index, Tensor dst) {
        indexShapes(src, index, dst);
        MemorySegment is = index.segment();
        checkIndices(is, dst.rows(), src.rows(), "gather index");
        MemorySegment ss = src.segment();
        MemorySegment ds = dst.segment();
        long rowBytes = (long) dst.cols() * Float.BYTES;
        parallel.forRange(dst.rows(), rowGrain(dst.cols()), (from, to) -> {
            for (int k = from; k < to; k++) {
                MemorySegment.copy(ss, getInt(is, k) * rowBytes, ds, k * rowBytes, rowBytes);
            }
        });
    }

    /**
     * dst[index[k],:] += src[k,:]. Repeated indices make rows collide, so threads take disjoint column
     * ranges and each walks every k in order: the additions into any element happen in the reference's
     * order, which keeps the result exact and independent of the thread count.
     */
    static void scatterAddRows(Parallel parallel, Tensor src, IntTensor index, Tensor dst) {
        indexShapes(dst, index, src);
        MemorySegment is = index.segment();
        int n = src.rows();
        checkIndices(is, n, dst.rows(), "scatter index");
        int cols = src.cols();
        if (n == 0 || cols == 0) return;
        MemorySegment ss = src.segment();
        MemorySegment ds = dst.segment();
        int vectors = (cols + L - 1) / L;
        int parts = (long) n * cols < 2L * GRAIN ? 1 : Math.min(parallel.threads(), vectors);
        parallel.forParts(parts, part -> {
            int c0 = Parallel.bound(vectors, parts, part) * L;
            int c1 = Math.min(cols, Parallel.bound(vectors, parts, part + 1) * L);
            int vecEnd = c0 + S.loopBound(c1 - c0);
            for (int k = 0; k < n; k++) {
                long s = (long) k * cols;
                long d = (long) getInt(is, k) * cols;
                int c = c0;
                for (; c < vecEnd; c += L) (FloatVector.fromMemorySegment(S, ds, (d + c) * Float.BYTES, NATIVE).add(FloatVector.fromMemorySegment(S, ss, (s + c) * Float.BYTES, NATIVE))).intoMemorySegment(ds, (d + c) * Float.BYTES, NATIVE);
                for (; c < c1; c++) set(ds, d + c, get(ds, d + c) + get(ss, s + c));
            }
        });
    }

    /** Validates every index before anything is written, so a bad index leaves the output untouched. */
    private static void checkIndices(MemorySegment is, int count, int bound, String what) {
        for (int k = 0; k < count; k++) checkIndex(getInt(is, k), bound, what);
    }

    static void rowL2Normalize(Parallel parallel, Tensor x, float eps, Tensor y, Tensor norms) {
        sameShape(x, y);
        columnVector(norms, x.rows());
        int cols = x.cols();
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        MemorySegment ns = norms.segment();
        int vecCols = S.loopBound(cols);
        parallel.forRange(x.rows(), rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = (long) r * cols;
                float norm = (float) Math.sqrt(VectorDot.dot(xs, row, xs, row, cols));
                set(ns, r, norm);
                float d = Math.max(norm, eps);
                int c = 0;
                for (; c < vecCols; c += L) (FloatVector.fromMemorySegment(S, xs, (row + c) * Float.BYTES, NATIVE).div(d)).intoMemorySegment(ys, (row + c) * Float.BYTES, NATIVE);
                for (; c < cols; c++) set(ys, row + c, get(xs, row + c) / d);
            }
        });
    }

    static void rowL2NormalizeBackward(Parallel parallel, Tensor y, Tensor norms, float eps, Tensor dy, Tensor dx) {
        sameShape(y, dy);
        sameShape(y, dx);
        columnVector(norms, y.rows());
        int cols = y.cols();
        MemorySegment ys = y.segment();
        MemorySegment gs = dy.segment();
        MemorySegment ds = dx.segment();
        MemorySegment ns = norms.segment();
        int vecCols = S.loopBound(cols);
        parallel.forRange(y.rows(), rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = (long) r * cols;
                float norm = get(ns, r);
                int c = 0;
                if (norm > eps) {
                    float dot = (float) VectorDot.dot(gs, row, ys, row, cols);
                    for (; c < vecCols; c += L) {
                        FloatVector g = FloatVector.fromMemorySegment(S, gs, (row + c) * Float.BYTES, NATIVE).sub(FloatVector.fromMemorySegment(S, ys, (row + c) * Float.BYTES, NATIVE).mul(dot)).div(norm);
                        (FloatVector.fromMemorySegment(S, ds, (row + c) * Float.BYTES, NATIVE).add(g)).intoMemorySegment(ds, (row + c) * Float.BYTES, NATIVE);
                    }
                    for (; c < cols; c++) {
                        float g = (get(gs, row + c) - get(ys, row + c) * dot) / norm;
                        set(ds, row + c, get(ds, row + c) + g);
                    }
                } else {
                    for (; c < vecCols; c += L) (FloatVector.fromMemorySegment(S, ds, (row + c) * Float.BYTES, NATIVE).add(FloatVector.fromMemorySegment(S, gs, (row + c) * Float.BYTES, NATIVE).div(eps))).intoMemorySegment(ds, (row + c) * Float.BYTES, NATIVE);
                    for (; c < cols; c++) set(ds, row + c, get(ds, row + c) + get(gs, row + c) / eps);
                }
            }
        });
    }

    static void rowDot(Parallel parallel, Tensor a, Tensor b, Tensor out) {
        sameShape(a, b);
        columnVector(out, a.rows());
        int cols = a.cols();
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment os = out.segment();
        parallel.forRange(a.rows(), rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = (long) r * cols;
                set(os, r, (float) VectorDot.dot(as, row, bs, row, cols));
            }
        });
    }

    static void scaleRowsAdd(Parallel parallel, Tensor scale, Tensor x, Tensor y) {
        sameShape(x, y);
        columnVector(scale, x.rows());
        int cols = x.cols();
        MemorySegment ss = scale.segment();
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        int vecCols = S.loopBound(cols);
        parallel.forRange(x.rows(), rowGrain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = (long) r * cols;
                float s = get(ss, r);
                FloatVector sv = FloatVector.broadcast(S, s);
                int c = 0;
                for (; c < vecCols; c += L) (FloatVector.fromMemorySegment(S, xs, (row + c) * Float.BYTES, NATIVE).fma(sv, FloatVector.fromMemorySegment(S, ys, (row + c) * Float.BYTES, NATIVE))).intoMemorySegment(ys, (row + c) * Float.BYTES, NATIVE);
                for (; c < cols; c++) set(ys, row + c, Math.fma(get(xs, row + c), s, get(ys, row + c)));
            }
        });
    }
}
