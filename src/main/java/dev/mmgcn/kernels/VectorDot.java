package dev.mmgcn.kernels;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Simd.*;

/**
 * The dot product every Vector API reduction uses (row norms, row dots, sums of squares), in one summation
 * order that does not depend on how many lanes the hardware has, so that a result is the same bits at
 * 128, 256 and 512 bits:
 * <ol>
 *   <li>32 float partial sums p[0..31]; the elements of each whole block of 32, in block order, go by one
 *       FMA each into the partial of their position in the block: p[t] = fma(a[32j+t], b[32j+t], p[t]);</li>
 *   <li>if 16 or more elements remain, one more half block into p[0..15] the same way;</li>
 *   <li>a fixed tree: q[t] = p[t] + p[t+16] for t &lt; 16, then q[t] += q[t+8], q[t] += q[t+4],
 *       q[t] += q[t+2], q[t] += q[t+1] (each over the lower half), all in float;</li>
 *   <li>q[0] widened to double, then the last (fewer than 16) products added to it in double, in order.</li>
 * </ol>
 * That is the natural order of two 16-lane accumulators; with 8 lanes the same partials live in four
 * vectors, with 4 lanes in eight, and the tree's first steps become additions of whole vectors. Any
 * other lane count (2, or more than 16) takes {@link #ordered}, the same order written out in scalar code.
 * (Loads are written out in full: no FloatVector crosses a method boundary, see {@link Simd}.)
 */
final class VectorDot {
    /** Floats in one block of the logical order: two accumulators of 16 logical lanes. */
    static final int BLOCK = 32;
    static final int HALF = 16;

    private VectorDot() {
    }

    /** ⟨a[ao..ao+n), b[bo..bo+n)⟩ in the order above. */
    static double dot(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        return switch (L) {
            case 16 -> dot16(a, ao, b, bo, n);
            case 8 -> dot8(a, ao, b, bo, n);
            case 4 -> dot4(a, ao, b, bo, n);
            default -> ordered(a, ao, b, bo, n);
        };
    }

    private static double dot16(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector p0 = FloatVector.zero(S), p1 = FloatVector.zero(S);
        int c = 0;
        for (int bound = n / BLOCK * BLOCK; c < bound; c += BLOCK) {
            p0 = FloatVector.fromMemorySegment(S, a, (ao + c) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c) * Float.BYTES, NATIVE), p0);
            p1 = FloatVector.fromMemorySegment(S, a, (ao + c + 16) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 16) * Float.BYTES, NATIVE), p1);
        }
        if (c + HALF <= n) {
            p0 = FloatVector.fromMemorySegment(S, a, (ao + c) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c) * Float.BYTES, NATIVE), p0);
            c += HALF;
        }
        FloatVector q = p0.add(p1);
        for (int half = 8; half > 0; half /= 2) q = q.add(q.slice(half));
        return tail(q.lane(0), a, ao, b, bo, c, n);
    }

    private static double dot8(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        // p[0..7], p[8..15], p[16..23], p[24..31]
        FloatVector p0 = FloatVector.zero(S), p1 = FloatVector.zero(S), p2 = FloatVector.zero(S), p3 = FloatVector.zero(S);
        int c = 0;
        for (int bound = n / BLOCK * BLOCK; c < bound; c += BLOCK) {
            p0 = FloatVector.fromMemorySegment(S, a, (ao + c) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c) * Float.BYTES, NATIVE), p0);
            p1 = FloatVector.fromMemorySegment(S, a, (ao + c + 8) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 8) * Float.BYTES, NATIVE), p1);
            p2 = FloatVector.fromMemorySegment(S, a, (ao + c + 16) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 16) * Float.BYTES, NATIVE), p2);
            p3 = FloatVector.fromMemorySegment(S, a, (ao + c + 24) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 24) * Float.BYTES, NATIVE), p3);
        }
        if (c + HALF <= n) {
            p0 = FloatVector.fromMemorySegment(S, a, (ao + c) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c) * Float.BYTES, NATIVE), p0);
            p1 = FloatVector.fromMemorySegment(S, a, (ao + c + 8) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 8) * Float.BYTES, NATIVE), p1);
            c += HALF;
        }
        // q[0..7] = p0 + p2, q[8..15] = p1 + p3; then q[t] += q[t+8] is one vector addition
        FloatVector q = p0.add(p2).add(p1.add(p3));
        for (int half = 4; half > 0; half /= 2) q = q.add(q.slice(half));
        return tail(q.lane(0), a, ao, b, bo, c, n);
    }

    private static double dot4(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector p0 = FloatVector.zero(S), p1 = FloatVector.zero(S), p2 = FloatVector.zero(S), p3 = FloatVector.zero(S);
        FloatVector p4 = FloatVector.zero(S), p5 = FloatVector.zero(S), p6 = FloatVector.zero(S), p7 = FloatVector.zero(S);
        int c = 0;
        for (int bound = n / BLOCK * BLOCK; c < bound; c += BLOCK) {
            p0 = FloatVector.fromMemorySegment(S, a, (ao + c) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c) * Float.BYTES, NATIVE), p0);
            p1 = FloatVector.fromMemorySegment(S, a, (ao + c + 4) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 4) * Float.BYTES, NATIVE), p1);
            p2 = FloatVector.fromMemorySegment(S, a, (ao + c + 8) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 8) * Float.BYTES, NATIVE), p2);
            p3 = FloatVector.fromMemorySegment(S, a, (ao + c + 12) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 12) * Float.BYTES, NATIVE), p3);
            p4 = FloatVector.fromMemorySegment(S, a, (ao + c + 16) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 16) * Float.BYTES, NATIVE), p4);
            p5 = FloatVector.fromMemorySegment(S, a, (ao + c + 20) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 20) * Float.BYTES, NATIVE), p5);
            p6 = FloatVector.fromMemorySegment(S, a, (ao + c + 24) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 24) * Float.BYTES, NATIVE), p6);
            p7 = FloatVector.fromMemorySegment(S, a, (ao + c + 28) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 28) * Float.BYTES, NATIVE), p7);
        }
        if (c + HALF <= n) {
            p0 = FloatVector.fromMemorySegment(S, a, (ao + c) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c) * Float.BYTES, NATIVE), p0);
            p1 = FloatVector.fromMemorySegment(S, a, (ao + c + 4) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 4) * Float.BYTES, NATIVE), p1);
            p2 = FloatVector.fromMemorySegment(S, a, (ao + c + 8) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 8) * Float.BYTES, NATIVE), p2);
            p3 = FloatVector.fromMemorySegment(S, a, (ao + c + 12) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, b, (bo + c + 12) * Float.BYTES, NATIVE), p3);
            c += HALF;
        }
        // q[4i..4i+3] = p_i + p_{i+4}; q[t] += q[t+8]; q[t] += q[t+4]; then within the vector
        FloatVector q0 = p0.add(p4), q1 = p1.add(p5), q2 = p2.add(p6), q3 = p3.add(p7);
        FloatVector q = q0.add(q2).add(q1.add(q3));
        for (int half = 2; half > 0; half /= 2) q = q.add(q.slice(half));
        return tail(q.lane(0), a, ao, b, bo, c, n);
    }

    private static double tail(float head, MemorySegment a, long ao, MemorySegment b, long bo, int c, int n) {
        double s = head;
        for (; c < n; c++) s += (double) get(a, ao + c) * get(b, bo + c);
        return s;
    }

    /** The order above in scalar code, for lane counts without a vector form here. */
    static double ordered(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        float[] p = new float[BLOCK];
        int c = 0;
        for (int bound = n / BLOCK * BLOCK; c < bound; c += BLOCK) {
            for (int t = 0; t < BLOCK; t++) p[t] = Math.fma(get(a, ao + c + t), get(b, bo + c + t), p[t]);
        }
        if (c + HALF <= n) {
            for (int t = 0; t < HALF; t++) p[t] = Math.fma(get(a, ao + c + t), get(b, bo + c + t), p[t]);
            c += HALF;
        }
        for (int t = 0; t < HALF; t++) p[t] = p[t] + p[t + HALF];
        for (int half = 8; half > 0; half /= 2) {
            for (int t = 0; t < half; t++) p[t] = p[t] + p[t + half];
        }
        return tail(p[0], a, ao, b, bo, c, n);
    }
}
