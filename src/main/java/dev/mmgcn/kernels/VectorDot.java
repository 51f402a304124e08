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
 * With 16 lanes p[0..15] and p[16..31] are one vector each, with 8 lanes two, with 4 lanes four. At 16
 * lanes the steps are written as they stand; at 8 and 4 the kernels walk the input in half blocks of 16 floats, FMA each into the accumulators of the first half
 * (p[0..15]) and then swap the two halves' accumulators, so that half block h lands in p[0..15] when h
 * is even and in p[16..31] when it is odd — steps 1 and 2 exactly; after an odd count the halves sit
 * swapped, which the tree's first step (p[t] + p[t+16], a commutative addition) does not see. Any other
 * lane count (2, or more than 16) takes {@link #ordered}, the same order written out in scalar code.
 * (Loads are written out in full: no FloatVector crosses a method boundary, see {@link Simd}. The
 * half-block loop keeps each kernel under C2's 325-byte limit for inlining a hot method, so the row
 * kernels' per-row calls inline: a dot kernel that did not inline cost 2.5× in rowDot at 8 lanes.)
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

    /** At 16 lanes p[0..15] and p[16..31] are one vector each: a block is two FMAs, the half block one. */
    private static double dot16(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0;
        long x = ao * Float.BYTES, y = bo * Float.BYTES;
        int c = 0;
        for (int end = n / BLOCK * BLOCK; c < end; c += BLOCK, x += BLOCK * Float.BYTES, y += BLOCK * Float.BYTES) {
            p0 = FloatVector.fromMemorySegment(S, a, x, NATIVE).fma(FloatVector.fromMemorySegment(S, b, y, NATIVE), p0);
            p1 = FloatVector.fromMemorySegment(S, a, x + 64, NATIVE).fma(FloatVector.fromMemorySegment(S, b, y + 64, NATIVE), p1);
        }
        if (c + HALF <= n) {
            p0 = FloatVector.fromMemorySegment(S, a, x, NATIVE).fma(FloatVector.fromMemorySegment(S, b, y, NATIVE), p0);
            c += HALF;
        }
        FloatVector q = p0.add(p1);
        q = q.add(q.slice(8));
        q = q.add(q.slice(4));
        q = q.add(q.slice(2));
        q = q.add(q.slice(1));
        return tail(q.lane(0), a, ao, b, bo, c, n);
    }

    private static double dot8(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0;
        long x = ao * Float.BYTES, y = bo * Float.BYTES;
        int c = 0;
        for (; c + HALF <= n; c += HALF, x += HALF * Float.BYTES, y += HALF * Float.BYTES) {
            FloatVector n0 = FloatVector.fromMemorySegment(S, a, x, NATIVE).fma(FloatVector.fromMemorySegment(S, b, y, NATIVE), p0);
            FloatVector n1 = FloatVector.fromMemorySegment(S, a, x + 32, NATIVE).fma(FloatVector.fromMemorySegment(S, b, y + 32, NATIVE), p1);
            p0 = p2; p1 = p3; p2 = n0; p3 = n1;
        }
        FloatVector q = p0.add(p2).add(p1.add(p3)); // q[t] = p[t] + p[t+16], then q[t] += q[t+8]
        q = q.add(q.slice(4));
        q = q.add(q.slice(2));
        q = q.add(q.slice(1));
        return tail(q.lane(0), a, ao, b, bo, c, n);
    }

    /**
     * At 4 lanes a half block is four vectors; the loop takes two at a time (8 floats) and rotates all eight
     * accumulators by two, which keeps the kernel small enough to inline. After 2k steps the slots are
     * rotated by 2k mod 8: slot pairs (s, s+4) still hold logical p[4i..] and p[16+4i..], and the pairs' sums
     * come out as q0..q3 or as q2, q3, q0, q1 — which the commutative additions of the tree do not see.
     */
    private static double dot4(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0, p6 = p0, p7 = p0;
        long x = ao * Float.BYTES, y = bo * Float.BYTES;
        int c = 0;
        for (int end = n / HALF * HALF; c < end; c += 8, x += 32, y += 32) {
            FloatVector n0 = FloatVector.fromMemorySegment(S, a, x, NATIVE).fma(FloatVector.fromMemorySegment(S, b, y, NATIVE), p0);
            FloatVector n1 = FloatVector.fromMemorySegment(S, a, x + 16, NATIVE).fma(FloatVector.fromMemorySegment(S, b, y + 16, NATIVE), p1);
            p0 = p2; p1 = p3; p2 = p4; p3 = p5; p4 = p6; p5 = p7; p6 = n0; p7 = n1;
        }
        FloatVector q = p0.add(p4).add(p2.add(p6)).add(p1.add(p5).add(p3.add(p7))); // then q[t] += q[t+8], q[t] += q[t+4]
        q = q.add(q.slice(2));
        q = q.add(q.slice(1));
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
