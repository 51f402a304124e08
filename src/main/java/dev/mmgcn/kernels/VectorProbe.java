package dev.mmgcn.kernels;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Simd.*;

/**
 * The probes behind {@link VectorKernels#ceilings()}: about half a second in all, runs on every
 * thread of the backend at once, and keeps its best of several rounds (a probe on a shared machine can
 * only be slowed, never sped up, by the others).
 * <ul>
 *   <li>FMA throughput: ten independent vector accumulators per thread (enough to cover an FMA's latency
 *       on two pipes), each updated by {@code acc = acc·m + c} — 2 flops per lane per FMA.</li>
 *   <li>Streaming bandwidth: a triad {@code a = b + s·c} over three arrays of 32 MB each (past any 2-core
 *       machine's last-level cache), 12 bytes per element: two read, one written.</li>
 * </ul>
 */
final class VectorProbe {
    private static final int ACCUMULATORS = 10;
    private static final long TRIAD_FLOATS = 8L << 20; // 32 MB per array

    private VectorProbe() {
    }

    static Ceilings measure(Parallel parallel) {
        int threads = parallel.threads();
        // Rounds of ten FMA chains per thread, each grown until it takes 10 ms, keeping the best rate. The first
        // rounds run in the interpreter or in C1's code (a thousand times slower) until C2 has compiled the block,
        // and when C2 gets to it depends on the machine's load: go on until the best rate has not improved by 5 %
        // for three rounds, after at least 0.4 s and at most 3 s.
        long iterations = 4L * BLOCK;
        double gflops = 0;
        int stale = 0;
        long start = System.nanoTime();
        while (true) {
            double s = fmaRound(parallel, iterations);
            double rate = flops(threads, iterations) / s / 1e9;
            stale = rate > 1.05 * gflops ? 0 : stale + 1;
            gflops = Math.max(gflops, rate);
            if (s < 0.01) iterations *= 2;
            double elapsed = (System.nanoTime() - start) / 1e9;
            if ((elapsed > 0.4 && stale >= 3) || elapsed > 3) break;
        }
        double gbs = 0;
        try (Arena arena = Arena.ofShared()) { // the pool's threads write it
            MemorySegment a = arena.allocate(TRIAD_FLOATS * Float.BYTES, 64);
            MemorySegment b = arena.allocate(TRIAD_FLOATS * Float.BYTES, 64);
            MemorySegment c = arena.allocate(TRIAD_FLOATS * Float.BYTES, 64);
            triad(parallel, a, b, c); // first touch: page faults outside the timing
            for (int r = 0; r < 5; r++) {
                long t0 = System.nanoTime();
                triad(parallel, a, b, c);
                gbs = Math.max(gbs, 12.0 * TRIAD_FLOATS / (System.nanoTime() - t0));
            }
        }
        return new Ceilings(gflops, gbs, "probed: FMA on " + threads + " thread" + (threads == 1 ? "" : "s") + " × "
                + S.vectorBitSize() + "-bit vectors, a 3×32 MB triad");
    }

    private static double flops(int threads, long iterations) {
        return 2.0 * threads * iterations * ACCUMULATORS * L;
    }

    /** One round: every thread runs {@code iterations} steps of its ten FMA chains; seconds for all of them. */
    private static double fmaRound(Parallel parallel, long iterations) {
        float[] sink = new float[parallel.threads()];
        long t0 = System.nanoTime();
        parallel.forParts(parallel.threads(), part -> sink[part] = fmaChains(iterations, part));
        double s = (System.nanoTime() - t0) / 1e9;
        if (Float.isNaN(sink[0])) throw new IllegalStateException("probe overflowed"); // keeps the work live
        return s;
    }

    /**
     * {@code iterations} steps of ten FMA chains, in blocks of {@link #BLOCK} steps: each block is a short
     * method that C2 compiles as a whole after a few hundred calls. (One long loop got an on-stack-replacement
     * compile that ran at half the FMA rate.) The chains live in a float array between blocks.
     */
    private static float fmaChains(long iterations, int part) {
        float[] state = new float[ACCUMULATORS * L];
        for (int i = 0; i < state.length; i++) state[i] = part + i % ACCUMULATORS;
        for (long done = 0; done < iterations; done += BLOCK) fmaBlock(state);
        float s = 0;
        for (float v : state) s += v;
        return s;
    }

    private static final int BLOCK = 1 << 10;

    private static void fmaBlock(float[] state) {
        FloatVector m = FloatVector.broadcast(S, 0.999f), c = FloatVector.broadcast(S, 1e-3f);
        FloatVector a0 = FloatVector.fromArray(S, state, 0), a1 = FloatVector.fromArray(S, state, L), a2 = FloatVector.fromArray(S, state, 2 * L);
        FloatVector a3 = FloatVector.fromArray(S, state, 3 * L), a4 = FloatVector.fromArray(S, state, 4 * L), a5 = FloatVector.fromArray(S, state, 5 * L);
        FloatVector a6 = FloatVector.fromArray(S, state, 6 * L), a7 = FloatVector.fromArray(S, state, 7 * L), a8 = FloatVector.fromArray(S, state, 8 * L);
        FloatVector a9 = FloatVector.fromArray(S, state, 9 * L);
        for (int i = 0; i < BLOCK; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c); a4 = a4.fma(m, c);
            a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c); a8 = a8.fma(m, c); a9 = a9.fma(m, c);
        }
        a0.intoArray(state, 0); a1.intoArray(state, L); a2.intoArray(state, 2 * L); a3.intoArray(state, 3 * L);
        a4.intoArray(state, 4 * L); a5.intoArray(state, 5 * L); a6.intoArray(state, 6 * L); a7.intoArray(state, 7 * L);
        a8.intoArray(state, 8 * L); a9.intoArray(state, 9 * L);
    }

    private static void triad(Parallel parallel, MemorySegment a, MemorySegment b, MemorySegment c) {
        int parts = parallel.threads();
        parallel.forParts(parts, part -> {
            FloatVector s = FloatVector.broadcast(S, 0.5f);
            long from = TRIAD_FLOATS * part / parts / L * L, to = part == parts - 1 ? TRIAD_FLOATS : TRIAD_FLOATS * (part + 1) / parts / L * L;
            long i = from;
            for (; i < to; i += L) {
                FloatVector.fromMemorySegment(S, c, i * Float.BYTES, NATIVE).fma(s, FloatVector.fromMemorySegment(S, b, i * Float.BYTES, NATIVE))
                        .intoMemorySegment(a, i * Float.BYTES, NATIVE);
            }
        });
    }
}
