package dev.mmgcn.kernels;

import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Checks.sameShape;
import static dev.mmgcn.kernels.Checks.scalar;
import static dev.mmgcn.kernels.Simd.*;

/**
 * Element-wise kernels over whole tensors, split into contiguous flat ranges. Each element's result
 * depends only on that element, so the split never changes the output; where it is cheap the arithmetic
 * is written in the same order as {@link ScalarKernels}, which makes those kernels bit-exact to it.
 */
final class VectorElementwise {
    private VectorElementwise() {
    }

    @FunctionalInterface
    interface Flat {
        void run(long from, long to);
    }

    /** Runs {@code body} over {@code [0, n)} in vector-aligned ranges; small inputs stay on the caller. */
    static void flat(Parallel parallel, long n, Flat body) {
        int parts = n < 2L * GRAIN ? 1 : (int) Math.min(parallel.parts(), n / GRAIN);
        if (parts <= 1) {
            if (n > 0) body.run(0, n);
            return;
        }
        parallel.forParts(parts, i -> body.run(cut(n, parts, i), cut(n, parts, i + 1)));
    }

    private static long cut(long n, int parts, int i) {
        return i == parts ? n : n / parts * i / L * L;
    }

    static void fill(Parallel parallel, Tensor t, float value) {
        MemorySegment ts = t.segment();
        FloatVector v = FloatVector.broadcast(S, value);
        flat(parallel, t.size(), (from, to) -> {
            long i = from;
            for (long bound = from + S.loopBound(to - from); i < bound; i += L) v.intoMemorySegment(ts, (i) * Float.BYTES, NATIVE);
            for (; i < to; i++) set(ts, i, value);
        });
    }

    /** t = beta·t, with beta == 0 clearing NaN too. */
    static void scale(Parallel parallel, Tensor t, float beta) {
        if (beta == 0f) {
            fill(parallel, t, 0f);
            return;
        }
        MemorySegment ts = t.segment();
        flat(parallel, t.size(), (from, to) -> {
            long i = from;
            for (long bound = from + S.loopBound(to - from); i < bound; i += L) (FloatVector.fromMemorySegment(S, ts, i * Float.BYTES, NATIVE).mul(beta)).intoMemorySegment(ts, (i) * Float.BYTES, NATIVE);
            for (; i < to; i++) set(ts, i, beta * get(ts, i));
        });
    }

    static void axpby(Parallel parallel, float alpha, Tensor x, float beta, Tensor y) {
        sameShape(x, y);
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        boolean keep = beta != 0f;
        flat(parallel, y.size(), (from, to) -> {
            long i = from;
            for (long bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector ax = FloatVector.fromMemorySegment(S, xs, i * Float.BYTES, NATIVE).mul(alpha);
                (keep ? ax.add(FloatVector.fromMemorySegment(S, ys, i * Float.BYTES, NATIVE).mul(beta)) : ax).intoMemorySegment(ys, (i) * Float.BYTES, NATIVE);
            }
            for (; i < to; i++) {
                float old = keep ? beta * get(ys, i) : 0f;
                set(ys, i, alpha * get(xs, i) + old);
            }
        });
    }

    static void leakyRelu(Parallel parallel, Tensor x, float slope, Tensor y) {
        sameShape(x, y);
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        flat(parallel, x.size(), (from, to) -> {
            long i = from;
            for (long bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector v = FloatVector.fromMemorySegment(S, xs, i * Float.BYTES, NATIVE);
                VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
                (v.mul(slope).blend(v, positive)).intoMemorySegment(ys, (i) * Float.BYTES, NATIVE);
            }
            for (; i < to; i++) {
                float v = get(xs, i);
                set(ys, i, v > 0f ? v : slope * v);
            }
        });
    }

    static void leakyReluBackward(Parallel parallel, Tensor x, Tensor dy, float slope, Tensor dx) {
        sameShape(x, dy);
        sameShape(x, dx);
        MemorySegment xs = x.segment();
        MemorySegment gs = dy.segment();
        MemorySegment ds = dx.segment();
        flat(parallel, x.size(), (from, to) -> {
            long i = from;
            for (long bound = from + S.loopBound(to - from); i < bound; i += L) {
                VectorMask<Float> positive = FloatVector.fromMemorySegment(S, xs, i * Float.BYTES, NATIVE).compare(VectorOperators.GT, 0f);
                FloatVector g = FloatVector.fromMemorySegment(S, gs, i * Float.BYTES, NATIVE);
                (FloatVector.fromMemorySegment(S, ds, i * Float.BYTES, NATIVE).add(g.mul(slope).blend(g, positive))).intoMemorySegment(ds, (i) * Float.BYTES, NATIVE);
            }
            for (; i < to; i++) {
                float g = get(xs, i) > 0f ? get(gs, i) : slope * get(gs, i);
                set(ds, i, get(ds, i) + g);
            }
        });
    }

    /** dx += 2·dOut[0]·x. */
    static void sumSquaresBackward(Parallel parallel, Tensor x, Tensor dOut, Tensor dx) {
        scalar(dOut);
        sameShape(x, dx);
        float g = 2f * dOut.getFlat(0);
        MemorySegment xs = x.segment();
        MemorySegment ds = dx.segment();
        flat(parallel, x.size(), (from, to) -> {
            long i = from;
            for (long bound = from + S.loopBound(to - from); i < bound; i += L) {
                (FloatVector.fromMemorySegment(S, ds, i * Float.BYTES, NATIVE).add(FloatVector.fromMemorySegment(S, xs, i * Float.BYTES, NATIVE).mul(g))).intoMemorySegment(ds, (i) * Float.BYTES, NATIVE);
            }
            for (; i < to; i++) set(ds, i, get(ds, i) + g * get(xs, i));
        });
    }

    /**
     * Adam with decoupled weight decay. The moment updates repeat the reference's float arithmetic exactly;
     * the parameter update runs in float where the reference uses double, a difference of a few ulps.
     */
    static void adamStep(Parallel parallel, Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1,
                         float beta2, float eps, float weightDecay, int step) {
        sameShape(param, grad);
        sameShape(param, m);
        sameShape(param, v);
        float c1 = (float) (1 - StrictMath.pow(beta1, step));
        float c2 = (float) (1 - StrictMath.pow(beta2, step));
        float decay = (float) ((double) lr * weightDecay);
        float oneMinusB1 = 1 - beta1;
        float oneMinusB2 = 1 - beta2;
        MemorySegment ps = param.segment();
        MemorySegment gs = grad.segment();
        MemorySegment ms = m.segment();
        MemorySegment vs = v.segment();
        flat(parallel, param.size(), (from, to) -> {
            long i = from;
            for (long bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector g = FloatVector.fromMemorySegment(S, gs, i * Float.BYTES, NATIVE);
                FloatVector mi = FloatVector.fromMemorySegment(S, ms, i * Float.BYTES, NATIVE).mul(beta1).add(g.mul(oneMinusB1));
                FloatVector vi = FloatVector.fromMemorySegment(S, vs, i * Float.BYTES, NATIVE).mul(beta2).add(g.mul(oneMinusB2).mul(g));
                mi.intoMemorySegment(ms, (i) * Float.BYTES, NATIVE);
                vi.intoMemorySegment(vs, (i) * Float.BYTES, NATIVE);
                FloatVector p = FloatVector.fromMemorySegment(S, ps, i * Float.BYTES, NATIVE);
                p = p.sub(p.mul(decay));
                FloatVector denom = vi.div(c2).sqrt().add(eps);
                (p.sub(mi.div(c1).mul(lr).div(denom))).intoMemorySegment(ps, (i) * Float.BYTES, NATIVE);
            }
            for (; i < to; i++) {
                float g = get(gs, i);
                float mi = beta1 * get(ms, i) + oneMinusB1 * g;
                float vi = beta2 * get(vs, i) + oneMinusB2 * g * g;
                set(ms, i, mi);
                set(vs, i, vi);
                float p = get(ps, i);
                p = p - p * decay;
                set(ps, i, p - mi / c1 * lr / ((float) Math.sqrt(vi / c2) + eps));
            }
        });
    }
}
