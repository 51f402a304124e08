package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Checks.*;
import static dev.mmgcn.kernels.Simd.*;

/**
 * CSR kernels over dense row blocks. Output rows are independent, so they are split across threads by
 * stored entries rather than by row count: graph degrees are skewed, and an even row split would leave
 * one thread with the popular items.
 */
final class VectorSparse {
    /** Vectors of one output row accumulated together: one pass over a row's entries fills them all. */
    private static final int BLOCK = 4;
    /**
     * A wider block first: 8 accumulators, so that a 64-wide row at 256 bits and a 128-wide one at 512 take
     * one pass over the row's entries instead of two (each pass reloads the column indices and values).
     */
    private static final int WIDE = 8;
    private static final long VB = (long) L * Float.BYTES;

    private VectorSparse() {
    }

    static void spmm(Parallel parallel, CsrMatrix a, Tensor x, float beta, Tensor y) {
        spmmShapes(a, x, y);
        int w = x.cols();
        if (a.rows() == 0 || w == 0) return;
        MemorySegment ptr = a.rowPtr().segment();
        MemorySegment col = a.colIdx().segment();
        MemorySegment val = a.values() == null ? null : a.values().segment();
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        byEntries(parallel, a, w, (from, to) -> {
            for (int i = from; i < to; i++) spmmRow(ptr, col, val, xs, ys, i, w, beta);
        });
    }

    private static void spmmRow(MemorySegment ptr, MemorySegment col, MemorySegment val, MemorySegment xs,
                                MemorySegment ys, int i, int w, float beta) {
        int e0 = getInt(ptr, i);
        int e1 = getInt(ptr, i + 1);
        long out = (long) i * w;
        int c = 0;
        for (int bound = w / (WIDE * L) * (WIDE * L); c < bound; c += WIDE * L) {
            spmmWide(col, val, xs, ys, e0, e1, w, out, c, beta);
        }
        for (int bound = w / (BLOCK * L) * (BLOCK * L); c < bound; c += BLOCK * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            for (int e = e0; e < e1; e++) {
                long src = (long) getInt(col, e) * w + c;
                if (val == null) {
                    s0 = s0.add(FloatVector.fromMemorySegment(S, xs, src * Float.BYTES, NATIVE));
                    s1 = s1.add(FloatVector.fromMemorySegment(S, xs, (src + L) * Float.BYTES, NATIVE));
                    s2 = s2.add(FloatVector.fromMemorySegment(S, xs, (src + 2L * L) * Float.BYTES, NATIVE));
                    s3 = s3.add(FloatVector.fromMemorySegment(S, xs, (src + 3L * L) * Float.BYTES, NATIVE));
                } else {
                    FloatVector v = FloatVector.broadcast(S, get(val, e));
                    s0 = FloatVector.fromMemorySegment(S, xs, src * Float.BYTES, NATIVE).fma(v, s0);
                    s1 = FloatVector.fromMemorySegment(S, xs, (src + L) * Float.BYTES, NATIVE).fma(v, s1);
                    s2 = FloatVector.fromMemorySegment(S, xs, (src + 2L * L) * Float.BYTES, NATIVE).fma(v, s2);
                    s3 = FloatVector.fromMemorySegment(S, xs, (src + 3L * L) * Float.BYTES, NATIVE).fma(v, s3);
                }
            }
            (beta == 0f ? s0 : s0.add(FloatVector.fromMemorySegment(S, ys, (out + c) * Float.BYTES, NATIVE).mul(beta))).intoMemorySegment(ys, (out + c) * Float.BYTES, NATIVE);
            (beta == 0f ? s1 : s1.add(FloatVector.fromMemorySegment(S, ys, (out + c + L) * Float.BYTES, NATIVE).mul(beta))).intoMemorySegment(ys, (out + c + L) * Float.BYTES, NATIVE);
            (beta == 0f ? s2 : s2.add(FloatVector.fromMemorySegment(S, ys, (out + c + 2L * L) * Float.BYTES, NATIVE).mul(beta))).intoMemorySegment(ys, (out + c + 2L * L) * Float.BYTES, NATIVE);
            (beta == 0f ? s3 : s3.add(FloatVector.fromMemorySegment(S, ys, (out + c + 3L * L) * Float.BYTES, NATIVE).mul(beta))).intoMemorySegment(ys, (out + c + 3L * L) * Float.BYTES, NATIVE);
        }
        for (int bound = S.loopBound(w); c < bound; c += L) {
            FloatVector s0 = FloatVector.zero(S);
            for (int e = e0; e < e1; e++) {
                long src = (long) getInt(col, e) * w + c;
                s0 = val == null ? s0.add(FloatVector.fromMemorySegment(S, xs, src * Float.BYTES, NATIVE)) : FloatVector.fromMemorySegment(S, xs, src * Float.BYTES, NATIVE).fma(FloatVector.broadcast(S, get(val, e)), s0);
            }
            (beta == 0f ? s0 : s0.add(FloatVector.fromMemorySegment(S, ys, (out + c) * Float.BYTES, NATIVE).mul(beta))).intoMemorySegment(ys, (out + c) * Float.BYTES, NATIVE);
        }
        for (; c < w; c++) {
            float s = 0f;
            for (int e = e0; e < e1; e++) {
                float xv = get(xs, (long) getInt(col, e) * w + c);
                s = val == null ? s + xv : Math.fma(xv, get(val, e), s);
            }
            float old = beta == 0f ? 0f : beta * get(ys, out + c);
            set(ys, out + c, s + old);
        }
    }

    /** Columns [c, c + 8L) of output row {@code out / w}: {@link #spmmRow}'s block with eight accumulators. */
    private static void spmmWide(MemorySegment col, MemorySegment val, MemorySegment xs, MemorySegment ys, int e0, int e1,
                                 int w, long out, int c, float beta) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S), s4 = FloatVector.zero(S), s5 = FloatVector.zero(S), s6 = FloatVector.zero(S), s7 = FloatVector.zero(S);
        for (int e = e0; e < e1; e++) {
            long src = ((long) getInt(col, e) * w + c) * Float.BYTES;
            if (val == null) {
                s0 = s0.add(FloatVector.fromMemorySegment(S, xs, src, NATIVE));
                s1 = s1.add(FloatVector.fromMemorySegment(S, xs, src + 1L * VB, NATIVE));
                s2 = s2.add(FloatVector.fromMemorySegment(S, xs, src + 2L * VB, NATIVE));
                s3 = s3.add(FloatVector.fromMemorySegment(S, xs, src + 3L * VB, NATIVE));
                s4 = s4.add(FloatVector.fromMemorySegment(S, xs, src + 4L * VB, NATIVE));
                s5 = s5.add(FloatVector.fromMemorySegment(S, xs, src + 5L * VB, NATIVE));
                s6 = s6.add(FloatVector.fromMemorySegment(S, xs, src + 6L * VB, NATIVE));
                s7 = s7.add(FloatVector.fromMemorySegment(S, xs, src + 7L * VB, NATIVE));
            } else {
                FloatVector v = FloatVector.broadcast(S, get(val, e));
                s0 = FloatVector.fromMemorySegment(S, xs, src, NATIVE).fma(v, s0);
                s1 = FloatVector.fromMemorySegment(S, xs, src + 1L * VB, NATIVE).fma(v, s1);
                s2 = FloatVector.fromMemorySegment(S, xs, src + 2L * VB, NATIVE).fma(v, s2);
                s3 = FloatVector.fromMemorySegment(S, xs, src + 3L * VB, NATIVE).fma(v, s3);
                s4 = FloatVector.fromMemorySegment(S, xs, src + 4L * VB, NATIVE).fma(v, s4);
                s5 = FloatVector.fromMemorySegment(S, xs, src + 5L * VB, NATIVE).fma(v, s5);
                s6 = FloatVector.fromMemorySegment(S, xs, src + 6L * VB, NATIVE).fma(v, s6);
                s7 = FloatVector.fromMemorySegment(S, xs, src + 7L * VB, NATIVE).fma(v, s7);
            }
        }
        long at = (out + c) * Float.BYTES;
        (beta == 0f ? s0 : s0.add(FloatVector.fromMemorySegment(S, ys, at, NATIVE).mul(beta))).intoMemorySegment(ys, at, NATIVE);
        (beta == 0f ? s1 : s1.add(FloatVector.fromMemorySegment(S, ys, at + 1L * VB, NATIVE).mul(beta))).intoMemorySegment(ys, at + 1L * VB, NATIVE);
        (beta == 0f ? s2 : s2.add(FloatVector.fromMemorySegment(S, ys, at + 2L * VB, NATIVE).mul(beta))).intoMemorySegment(ys, at + 2L * VB, NATIVE);
        (beta == 0f ? s3 : s3.add(FloatVector.fromMemorySegment(S, ys, at + 3L * VB, NATIVE).mul(beta))).intoMemorySegment(ys, at + 3L * VB, NATIVE);
        (beta == 0f ? s4 : s4.add(FloatVector.fromMemorySegment(S, ys, at + 4L * VB, NATIVE).mul(beta))).intoMemorySegment(ys, at + 4L * VB, NATIVE);
        (beta == 0f ? s5 : s5.add(FloatVector.fromMemorySegment(S, ys, at + 5L * VB, NATIVE).mul(beta))).intoMemorySegment(ys, at + 5L * VB, NATIVE);
        (beta == 0f ? s6 : s6.add(FloatVector.fromMemorySegment(S, ys, at + 6L * VB, NATIVE).mul(beta))).intoMemorySegment(ys, at + 6L * VB, NATIVE);
        (beta == 0f ? s7 : s7.add(FloatVector.fromMemorySegment(S, ys, at + 7L * VB, NATIVE).mul(beta))).intoMemorySegment(ys, at + 7L * VB, NATIVE);
    }

    /**
     * Row-wise max over stored neighbours with the first maximising column as argmax. A lane takes a later
     * entry only when it is strictly greater, exactly as the reference does, so ties and NaN behave alike.
     */
    static void csrMax(Parallel parallel, CsrMatrix a, Tensor x, Tensor y, IntTensor argmax) {
        spmmShapes(a, x, y);
        intShape(argmax, y.rows(), y.cols());
        int w = x.cols();
        if (a.rows() == 0 || w == 0) return;
        MemorySegment ptr = a.rowPtr().segment();
        MemorySegment col = a.colIdx().segment();
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        MemorySegment as = argmax.segment();
        int vecCols = S.loopBound(w);
        byEntries(parallel, a, w, (from, to) -> {
            for (int i = from; i < to; i++) {
                int e0 = getInt(ptr, i);
                int e1 = getInt(ptr, i + 1);
                long out = (long) i * w;
                if (e0 == e1) {
                    for (int c = 0; c < w; c++) {
                        set(ys, out + c, 0f);
                        setInt(as, out + c, -1);
                    }
                    continue;
                }
                int first = getInt(col, e0);
                int c = 0;
                for (; c < vecCols; c += L) {
                    FloatVector best = FloatVector.fromMemorySegment(S, xs, ((long) first * w + c) * Float.BYTES, NATIVE);
                    IntVector arg = IntVector.broadcast(I, first);
                    for (int e = e0 + 1; e < e1; e++) {
                        int j = getInt(col, e);
                        FloatVector v = FloatVector.fromMemorySegment(S, xs, ((long) j * w + c) * Float.BYTES, NATIVE);
                        VectorMask<Float> better = v.compare(VectorOperators.GT, best);
                        best = best.blend(v, better);
                        arg = arg.blend(j, better.cast(I));
                    }
                    best.intoMemorySegment(ys, (out + c) * Float.BYTES, NATIVE);
                    arg.intoMemorySegment(as, (out + c) * Integer.BYTES, NATIVE);
                }
                for (; c < w; c++) {
                    int arg = first;
                    float best = get(xs, (long) first * w + c);
                    for (int e = e0 + 1; e < e1; e++) {
                        int j = getInt(col, e);
                        float v = get(xs, (long) j * w + c);
                        if (v > best) {
                            best = v;
                            arg = j;
                        }
                    }
                    set(ys, out + c, best);
                    setInt(as, out + c, arg);
                }
            }
        });
    }

    /**
     * dx[argmax[i,c], c] += dy[i,c]. Rows collide on dx, so threads own disjoint column ranges and each
     * walks all rows in order: exact, and the same whatever the thread count.
     */
    static void csrMaxBackward(Parallel parallel, IntTensor argmax, Tensor dy, Tensor dx) {
        intShape(argmax, dy.rows(), dy.cols());
        if (dx.cols() != dy.cols()) throw new IllegalArgumentException("widths differ: " + dy.shape() + " vs " + dx.shape());
        int rows = dy.rows();
        int w = dy.cols();
        if (rows == 0 || w == 0) return;
        int dxRows = dx.rows();
        MemorySegment as = argmax.segment();
        MemorySegment gs = dy.segment();
        MemorySegment ds = dx.segment();
        int vectors = (w + L - 1) / L;
        int parts = (long) rows * w < 2L * GRAIN ? 1 : Math.min(parallel.threads(), vectors);
        parallel.forParts(parts, part -> {
            int c0 = Math.min(w, Parallel.bound(vectors, parts, part) * L);
            int c1 = Math.min(w, Parallel.bound(vectors, parts, part + 1) * L);
            for (int i = 0; i < rows; i++) {
                long row = (long) i * w;
                for (int c = c0; c < c1; c++) {
                    int j = getInt(as, row + c);
                    if (j < 0) continue;
                    long at = (long) checkIndex(j, dxRows, "argmax") * w + c;
                    set(ds, at, get(ds, at) + get(gs, row + c));
                }
            }
        });
    }

    static void maskScores(Parallel parallel, Tensor scores, CsrMatrix mask, int firstRow, float value) {
        maskShapes(scores, mask, firstRow);
        MemorySegment ptr = mask.rowPtr().segment();
        MemorySegment col = mask.colIdx().segment();
        MemorySegment ss = scores.segment();
        int w = scores.cols();
        int rows = scores.rows();
        if (rows == 0) return;
        // the work is the masked entries, so size parts by their average count per row
        long entries = getInt(ptr, firstRow + rows) - (long) getInt(ptr, firstRow);
        parallel.forRange(rows, rowGrain((int) Math.min(Integer.MAX_VALUE, entries / rows + 1)), (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = (long) r * w;
                for (int e = getInt(ptr, firstRow + r), end = getInt(ptr, firstRow + r + 1); e < end; e++) {
                    set(ss, row + getInt(col, e), value);
                }
            }
        });
    }

    /**
     * Splits the rows of {@code a} into parts of about equal work (entries times width plus one per row),
     * several per thread so that parts claimed dynamically even out what a static cut misjudged.
     */
    private static void byEntries(Parallel parallel, CsrMatrix a, int w, Parallel.Range body) {
        int rows = a.rows();
        long nnz = a.nnz();
        long work = (nnz + rows) * (long) Math.max(w, 1);
        int parts = work < 2L * GRAIN || parallel.threads() == 1 ? 1
                : (int) Math.min(Math.min(4L * parallel.threads(), work / GRAIN), rows);
        if (parts <= 1) {
            body.run(0, rows);
            return;
        }
        MemorySegment ptr = a.rowPtr().segment();
        int[] cut = new int[parts + 1];
        cut[parts] = rows;
        for (int p = 1; p < parts; p++) {
            long target = (nnz + rows) * p / parts;
            int lo = cut[p - 1];
            int hi = rows;
            while (lo < hi) { // first row i with ptr[i] + i >= target
                int mid = (lo + hi) >>> 1;
                if (getInt(ptr, mid) + (long) mid < target) lo = mid + 1;
                else hi = mid;
            }
            cut[p] = lo;
        }
        parallel.forParts(parts, p -> {
            if (cut[p] < cut[p + 1]) body.run(cut[p], cut[p + 1]);
        });
    }
}
