package dev.mmgcn.kernels;

import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.mmgcn.kernels.Simd.L;
import static dev.mmgcn.kernels.Simd.NATIVE;
import static dev.mmgcn.kernels.Simd.S;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

/**
 * Single-precision GEMM in the GotoBLAS/BLIS shape: B is packed into k-blocks of column strips, contiguous
 * in the order the micro-kernel reads them, and a register-tiled micro-kernel keeps a whole MR×NR tile of C
 * in vector registers across the k loop, applying alpha and beta only as it stores.
 *
 * <p>A block of A is only copied, never interleaved: with the model's narrow outputs (64 columns) each row
 * strip of A meets a single strip of B, so a transposing pack would cost as much as the multiply it feeds.
 * The kernel reads the copy through two strides, which covers both A and Aᵀ.
 *
 * <p>Each element of C is summed over k in the same order whatever the thread count or the tile a thread
 * got: blocks of {@link #KC} in order, then p in order inside a block, one FMA per step. Partitioning over
 * rows or columns of C therefore cannot change a single bit of the result. Weight gradients (Aᵀ·B with a
 * small C and a long k) are split along k instead ({@link #splitsDepth}): each KC block is summed on its
 * own and the blocks are added in order — a different order from the row split's, but one fixed by the
 * shape, so again the same bits for any thread count.
 */
final class VectorGemm {
    private static final long VB = (long) L * Float.BYTES;

    /**
     * Micro-kernel shape from the register file the vector width implies: 6 rows × 4 vectors (24
     * accumulators) where 16 lanes mean AVX-512 and 32 registers; 4 rows × 2 vectors (8 accumulators) within
     * 16 registers. A 6 × 2 tile there (12 accumulators + 2 B vectors + a broadcast = 15 of 16) ran at half
     * the FMA rate of 4 × 2, 46 against 88–108 GFLOP/s single-threaded at 256 bits on a Zen 4: C2 spilled.
     */
    static final int MR = L >= 16 ? 6 : 4;
    static final int NV = L >= 16 ? 4 : 2;
    static final int NR = NV * L;

    /** Depth of a packed block; measured best at 512 on Zen 4 (256 lost about 15% at n = 1024). */
    static final int KC = 512;
    /** Rows of A packed at once: the MC×KC block stays in L2 while every strip of the B block passes over it. */
    static final int MC = 96;
    /** Columns of B packed at once. */
    static final int NC = 1024 / NR * NR;

    /** Below this many multiply-adds a second thread costs more to wake than it saves. */
    private static final long PARALLEL_MIN_FLOPS = 1L << 18;

    private static final int OVERWRITE = 0;
    private static final int ADD = 1;
    private static final int SCALE = 2;

    /** Packing buffers, one set per thread for the life of the thread: a GEMM call allocates nothing large. */
    private static final class Workspace {
        final float[] a = new float[MC * KC];
        final float[] b = new float[NC * KC];
        final float[] tile = new float[MR * NR];
        final float[] row = new float[Math.max(KC, MC)];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private VectorGemm() {
    }

    static void gemm(Parallel parallel, boolean transA, boolean transB, float alpha, Tensor a, Tensor b,
                     float beta, Tensor c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        Checks.gemmShapes(m, k, kb, n, c);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            if (beta != 1f) VectorElementwise.scale(parallel, c, beta);
            return;
        }
        Operands op = new Operands(transA, transB, alpha, a, b, beta, c, m, n, k);
        if (splitsDepth(transA, m, n, k)) {
            gemmByDepth(parallel, op);
            return;
        }
        int rowTiles = (m + MR - 1) / MR;
        int colTiles = (n + NR - 1) / NR;
        int tasks = (long) m * n * k < PARALLEL_MIN_FLOPS ? 1 : parallel.parts();
        // rows first: every task then packs B once for its whole row range; columns only when rows run out
        int rowParts = Math.min(tasks, rowTiles);
        int colParts = Math.min((tasks + rowParts - 1) / rowParts, colTiles);
        MemorySegment cs = c.segment();
        parallel.forParts(rowParts * colParts, t -> {
            int rp = t / colParts;
            int cp = t % colParts;
            int r0 = Parallel.bound(rowTiles, rowParts, rp) * MR;
            int r1 = Math.min(m, Parallel.bound(rowTiles, rowParts, rp + 1) * MR);
            int c0 = Parallel.bound(colTiles, colParts, cp) * NR;
            int c1 = Math.min(n, Parallel.bound(colTiles, colParts, cp + 1) * NR);
            block(op, r0, r1, c0, c1, 0, k, cs, alpha, beta, WORKSPACE.get());
        });
    }

    /** A weight gradient's output is at most this many elements for the depth split: its partials stay small. */
    static final int DEPTH_SPLIT_MAX_OUTPUT = 256 * 256;

    /**
     * Whether C = op(A)ᵀ-style products with a small output and a long depth — the weight gradients
     * Xᵀ·dY, k = graph nodes — are split along k. A function of the shape alone, never of the thread
     * count, so the summation order (and every bit of C) is the same on any number of threads.
     */
    static boolean splitsDepth(boolean transA, int m, int n, int k) {
        return transA && k >= 2 * KC && (long) m * n <= DEPTH_SPLIT_MAX_OUTPUT;
    }

    /**
     * Per calling thread, the partial sums of a depth-split GEMM, grown when needed and kept. Native memory,
     * never a float[] wrapped by {@code MemorySegment.ofArray}: the first heap segment a JVM meets loads a
     * second {@code MemorySegment} implementation, and every method C2 had compiled on the assumption of
     * one — on TikTok about a hundred, every kernel among them — was thrown away in the middle of the
     * first backward pass and ran interpreted until compiled again ({@code -XX:+PrintCompilation}: "made
     * not entrant: marked for deoptimization" beside the class load of {@code HeapMemorySegmentImpl$OfFloat}).
     */
    private static final ThreadLocal<MemorySegment[]> PARTIALS = ThreadLocal.withInitial(() -> new MemorySegment[] {MemorySegment.NULL});

    /**
     * C = alpha·Σ_chunks P_chunk + beta·C, where chunk j is the KC-deep slice [j·KC, (j+1)·KC) of the
     * product, computed by whichever thread claims it into its own slot P_j (each slice of A and B is
     * packed exactly once, by the thread that multiplies it), and the slots are added in chunk order.
     * The row split it replaces gave at most ceil(m/MR) parts, each packing the whole of B.
     */
    private static void gemmByDepth(Parallel parallel, Operands op) {
        int m = op.m, n = op.n, k = op.k;
        int chunks = (k + KC - 1) / KC;
        int mn = m * n;
        long slotBytes = (long) mn * Float.BYTES;
        MemorySegment[] holder = PARTIALS.get();
        if (holder[0].byteSize() < chunks * slotBytes) holder[0] = Arena.ofAuto().allocate(chunks * slotBytes, 64);
        MemorySegment ps = holder[0];
        parallel.forParts(chunks, ch -> {
            int p0 = ch * KC;
            MemorySegment slot = ps.asSlice(ch * slotBytes, slotBytes);
            block(op, 0, m, 0, n, p0, Math.min(k, p0 + KC), slot, 1f, 0f, WORKSPACE.get());
        });
        MemorySegment cs = op.c.segment();
        float alpha = op.alpha, beta = op.beta;
        int vecCols = S.loopBound(n);
        parallel.forRange(m, Math.max(1, (1 << 14) / Math.max(1, n * chunks)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int row = r * n;
                int q = 0;
                for (; q < vecCols; q += L) {
                    FloatVector acc = FloatVector.fromMemorySegment(S, ps, ((long) row + q) * Float.BYTES, NATIVE);
                    for (int ch = 1; ch < chunks; ch++) acc = acc.add(FloatVector.fromMemorySegment(S, ps, ch * slotBytes + ((long) row + q) * Float.BYTES, NATIVE));
                    long at = ((long) row + q) * Float.BYTES;
                    FloatVector out;
                    if (beta == 0f) out = acc.mul(alpha);
                    else if (beta == 1f) out = acc.fma(FloatVector.broadcast(S, alpha), FloatVector.fromMemorySegment(S, cs, at, NATIVE));
                    else out = acc.fma(FloatVector.broadcast(S, alpha), FloatVector.fromMemorySegment(S, cs, at, NATIVE).mul(beta));
                    out.intoMemorySegment(cs, at, NATIVE);
                }
                for (; q < n; q++) {
                    float acc = ps.get(JAVA_FLOAT_UNALIGNED, ((long) row + q) * Float.BYTES);
                    for (int ch = 1; ch < chunks; ch++) acc += ps.get(JAVA_FLOAT_UNALIGNED, ch * slotBytes + ((long) row + q) * Float.BYTES);
                    long at = ((long) row + q) * Float.BYTES;
                    float v;
                    if (beta == 0f) v = acc * alpha;
                    else if (beta == 1f) v = Math.fma(acc, alpha, cs.get(JAVA_FLOAT_UNALIGNED, at));
                    else v = Math.fma(acc, alpha, cs.get(JAVA_FLOAT_UNALIGNED, at) * beta);
                    cs.set(JAVA_FLOAT_UNALIGNED, at, v);
                }
            }
        });
    }

    private record Operands(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                            int m, int n, int k) {
    }

    /**
     * C[r0:r1, c0:c1] = alpha·op(A)[r0:r1, p0:p1]·op(B)[p0:p1, c0:c1] + beta·C over depth [p0, p1), into
     * {@code cs} (an m×n row-major block: C itself, or a depth split's partial): the five loops around the
     * micro-kernel.
     */
    private static void block(Operands op, int r0, int r1, int c0, int c1, int p0, int p1, MemorySegment cs, float alpha,
                              float beta, Workspace ws) {
        long ldc = (long) op.n * Float.BYTES;
        for (int jc = c0; jc < c1; jc += NC) {
            int nc = Math.min(NC, c1 - jc);
            for (int pc = p0; pc < p1; pc += KC) {
                int kc = Math.min(KC, p1 - pc);
                int mode = pc > p0 || beta == 1f ? ADD : beta == 0f ? OVERWRITE : SCALE;
                packB(op, pc, kc, jc, nc, ws);
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    if (PACK_A) packedRows(op, ic, mc, pc, kc, jc, nc, cs, ldc, mode, alpha, beta, ws);
                    else directRows(op, ic, mc, pc, kc, jc, nc, cs, ldc, mode, alpha, beta, ws);
                }
            }
        }
    }

    /**
     * Whether a block of A is packed before the micro-kernel reads it, chosen by width (measured on a Zen 4,
     * single thread, MMGCN's shapes): at 512 bits a 64-wide output is one strip of B, so each row of A
     * meets one tile and reading it in place ({@link #directRows}) saves the copy; at 256 bits and below
     * the same output is four strips, the 4 × 2 kernel reads A four times, and its broadcasts from a
     * MemorySegment ran at 79 GFLOP/s against 109 from a packed float[] — and a transposed A (the weight
     * gradients) cannot be read in place cheaply at all. The FMAs are the same in either case, in the
     * same order: the result is the same to the bit.
     */
    static final boolean PACK_A = NV == 2;

    /**
     * The rows [ic, ic+mc) of C from a packed copy of op(A)'s block, every strip of B against every strip of
     * A. A plain A is copied row by row ({@link #packA}) and read by {@link #kernel4x2Rows}; a transposed A
     * (a weight gradient's Xᵀ) is packed strip by strip ({@link #packATransposedStrips}), so that each strip's
     * kc × 4 values are contiguous and read as one stream: copied as whole rows of the block, a strip took 16
     * bytes of every 384-byte row and ran at 55 GFLOP/s against OpenBLAS's 75–95.
     */
    private static void packedRows(Operands op, int ic, int mc, int pc, int kc, int jc, int nc, MemorySegment cs, long ldc,
                                   int mode, float alpha, float beta, Workspace ws) {
        if (op.transA) packATransposedStrips(op, ic, mc, pc, kc, ws);
        else packA(op, ic, mc, pc, kc, ws);
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOff = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                long cOff = (ic + ir) * ldc + (long) (jc + jr) * Float.BYTES;
                if (op.transA) kernel4x2Strip(ws.a, ir * kc, ws.b, bOff, kc, ws.tile);
                else kernel4x2Rows(ws.a, ir * kc, kc, ws.b, bOff, kc, ws.tile);
                if (mr == MR && nr == NR) storeTile(ws.tile, cs, cOff, ldc, mode, alpha, beta);
                else mergeTile(ws.tile, mr, nr, cs, cOff, ldc, mode, alpha, beta);
            }
        }
    }

    /** Four floats at a time: a strip of the 4-row kernel. */
    private static final jdk.incubator.vector.VectorSpecies<Float> FOUR = FloatVector.SPECIES_128;

    /**
     * Copies op(A)[ic:ic+mc, pc:pc+kc] with A transposed (A is k×m, so row p of A holds element p of every row
     * of op(A)) as strips of MR = 4 rows: strip s holds, for p in order, the four values op(A)[ic+4s+r, pc+p]
     * at ap[s·4·kc + 4p + r], zero where a last strip has fewer rows.
     */
    private static void packATransposedStrips(Operands op, int ic, int mc, int pc, int kc, Workspace ws) {
        MemorySegment as = op.a.segment();
        float[] ap = ws.a;
        long lda = (long) op.a.cols() * Float.BYTES;
        int full = mc / MR;
        // strip by strip: each strip's destination is written in one contiguous run (row by row, the
        // 16 bytes of every strip went to 16 places kc·16 bytes apart: 45–57 against 65–75 GFLOP/s for
        // the weight-gradient shapes at 256 bits, dev-2c 2026-12-08)
        for (int st = 0; st < full; st++) {
            long col = (long) pc * lda + (long) (ic + st * MR) * Float.BYTES;
            int dst = st * MR * kc;
            for (int p = 0; p < kc; p++) {
                FloatVector.fromMemorySegment(FOUR, as, col + p * lda, NATIVE).intoArray(ap, dst + p * MR);
            }
        }
        if (full * MR < mc) {
            for (int p = 0; p < kc; p++) {
                long row = (pc + p) * lda + (long) ic * Float.BYTES;
                int at = full * MR * kc + p * MR;
                for (int r = 0; r < MR; r++) {
                    int i = full * MR + r;
                    ap[at + r] = i < mc ? as.get(JAVA_FLOAT_UNALIGNED, row + (long) i * Float.BYTES) : 0f;
                }
            }
        }
    }

    /** The 4 × 2 kernel over one strip packed by {@link #packATransposedStrips}: A's four values of step p at a + 4p. */
    private static void kernel4x2Strip(float[] ap, int a, float[] bp, int b, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a + p * MR;
            int bi = b + p * 2 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
    }

    /**
     * The rows [ic, ic+mc) of C with A read straight from memory instead of from a packed copy: with
     * MMGCN's narrow outputs each row strip of op(A) meets one or two strips of B, so copying A cost a
     * full extra pass over it. Element (r, p) of op(A) is at r·rs + p·ps bytes from the strip's start
     * (rs = a row of A and ps = 4 bytes, or the other way round when A is transposed). A last strip
     * shorter than MR is packed, zero-padded, as before. The FMAs are the packed kernel's, in the same
     * order, so the result is the same to the bit. (This replaced packing every block of A, which cost a
     * full extra pass over A for MMGCN's shapes and nothing for square ones.)
     */
    private static void directRows(Operands op, int ic, int mc, int pc, int kc, int jc, int nc, MemorySegment cs, long ldc,
                                   int mode, float alpha, float beta, Workspace ws) {
        MemorySegment as = op.a.segment();
        long lda = (long) op.a.cols() * Float.BYTES;
        long rs = op.transA ? Float.BYTES : lda;
        long ps = op.transA ? lda : Float.BYTES;
        int full = mc / MR * MR;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOff = jr * kc;
            for (int ir = 0; ir < full; ir += MR) {
                long cOff = (ic + ir) * ldc + (long) (jc + jr) * Float.BYTES;
                long aOff = (ic + ir) * rs + pc * ps;
                if (NV == 4) kernel6x4Direct(as, aOff, rs, ps, ws.b, bOff, kc, ws.tile);
                else kernel4x2Direct(as, aOff, rs, ps, ws.b, bOff, kc, ws.tile);
                if (nr == NR) storeTile(ws.tile, cs, cOff, ldc, mode, alpha, beta);
                else mergeTile(ws.tile, MR, nr, cs, cOff, ldc, mode, alpha, beta);
            }
            if (full < mc) {
                int mr = mc - full;
                packA(op, ic + full, mr, pc, kc, ws);
                long cOff = (ic + full) * ldc + (long) (jc + jr) * Float.BYTES;
                packedKernel(op, mr, kc, bOff, ws);
                mergeTile(ws.tile, mr, nr, cs, cOff, ldc, mode, alpha, beta);
            }
        }
    }

    /** The micro-kernel on one strip packed by {@link #packA} (mc = its row count, at most MR). */
    private static void packedKernel(Operands op, int mc, int kc, int bOff, Workspace ws) {
        int padded = (mc + MR - 1) / MR * MR;
        kernel(ws.a, 0, op.transA ? 1 : kc, op.transA ? padded : 1, ws.b, bOff, kc, ws.tile);
    }

    /** {@link #kernel6x4} reading op(A)'s six rows from memory: element (r, p) at a + r·rs + p·ps bytes. */
    private static void kernel6x4Direct(MemorySegment as, long a, long rs, long ps, float[] bp, int b, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        long a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs, a4 = a + 4 * rs, a5 = a + 5 * rs;
        for (int p = 0; p < kc; p++) {
            long q = p * ps;
            int bi = b + p * 4 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a + q));
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01); c02 = b2.fma(x0, c02); c03 = b3.fma(x0, c03);
            FloatVector x1 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a1 + q));
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11); c12 = b2.fma(x1, c12); c13 = b3.fma(x1, c13);
            FloatVector x2 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a2 + q));
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21); c22 = b2.fma(x2, c22); c23 = b3.fma(x2, c23);
            FloatVector x3 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a3 + q));
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31); c32 = b2.fma(x3, c32); c33 = b3.fma(x3, c33);
            FloatVector x4 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a4 + q));
            c40 = b0.fma(x4, c40); c41 = b1.fma(x4, c41); c42 = b2.fma(x4, c42); c43 = b3.fma(x4, c43);
            FloatVector x5 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a5 + q));
            c50 = b0.fma(x5, c50); c51 = b1.fma(x5, c51); c52 = b2.fma(x5, c52); c53 = b3.fma(x5, c53);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c02.intoArray(tile, 2 * L); c03.intoArray(tile, 3 * L);
        c10.intoArray(tile, 4 * L); c11.intoArray(tile, 5 * L); c12.intoArray(tile, 6 * L); c13.intoArray(tile, 7 * L);
        c20.intoArray(tile, 8 * L); c21.intoArray(tile, 9 * L); c22.intoArray(tile, 10 * L); c23.intoArray(tile, 11 * L);
        c30.intoArray(tile, 12 * L); c31.intoArray(tile, 13 * L); c32.intoArray(tile, 14 * L); c33.intoArray(tile, 15 * L);
        c40.intoArray(tile, 16 * L); c41.intoArray(tile, 17 * L); c42.intoArray(tile, 18 * L); c43.intoArray(tile, 19 * L);
        c50.intoArray(tile, 20 * L); c51.intoArray(tile, 21 * L); c52.intoArray(tile, 22 * L); c53.intoArray(tile, 23 * L);
    }


    /** Packs op(B)[pc:pc+kc, jc:jc+nc] as strips of NR columns, each kc rows of NR floats; short strips are zero-padded. */
    private static void packB(Operands op, int pc, int kc, int jc, int nc, Workspace ws) {
        MemorySegment bs = op.b.segment();
        float[] bp = ws.b;
        int ldb = op.b.cols();
        for (int jr = 0; jr < nc; jr += NR) {
            int w = Math.min(NR, nc - jr);
            int dst = jr * kc;
            int j = jc + jr;
            if (!op.transB) {
                for (int p = 0; p < kc; p++) {
                    long src = ((long) (pc + p) * ldb + j) * Float.BYTES;
                    int d = dst + p * NR;
                    if (w == NR) {
                        for (int v = 0; v < NV; v++) {
                            FloatVector.fromMemorySegment(S, bs, src + v * VB, NATIVE).intoArray(bp, d + v * L);
                        }
                    } else {
                        MemorySegment.copy(bs, JAVA_FLOAT_UNALIGNED, src, bp, d, w);
                        Arrays.fill(bp, d + w, d + NR, 0f);
                    }
                }
            } else {
                // op(B) = Bᵀ: column j of op(B) is row j of B, contiguous over p
                float[] row = ws.row;
                for (int q = 0; q < NR; q++) {
                    if (q < w) {
                        MemorySegment.copy(bs, JAVA_FLOAT_UNALIGNED, ((long) (j + q) * ldb + pc) * Float.BYTES, row, 0, kc);
                        for (int p = 0; p < kc; p++) bp[dst + p * NR + q] = row[p];
                    } else {
                        for (int p = 0; p < kc; p++) bp[dst + p * NR + q] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Copies op(A)[ic:ic+mc, pc:pc+kc] into the workspace, rows padded with zeros to a multiple of MR: as mc
     * rows of kc values when A is not transposed, as kc rows of the padded mc values when it is. Either way
     * the copy is a series of contiguous block moves, never a gather.
     */
    private static void packA(Operands op, int ic, int mc, int pc, int kc, Workspace ws) {
        MemorySegment as = op.a.segment();
        float[] ap = ws.a;
        int lda = op.a.cols();
        int padded = (mc + MR - 1) / MR * MR;
        if (!op.transA) {
            for (int q = 0; q < mc; q++) {
                MemorySegment.copy(as, JAVA_FLOAT_UNALIGNED, ((long) (ic + q) * lda + pc) * Float.BYTES, ap, q * kc, kc);
            }
            Arrays.fill(ap, mc * kc, padded * kc, 0f);
            return;
        }
        // op(A) = Aᵀ: row p of A holds element p of every row of the block, so the block is kc copied rows
        for (int p = 0; p < kc; p++) {
            MemorySegment.copy(as, JAVA_FLOAT_UNALIGNED, ((long) (pc + p) * lda + ic) * Float.BYTES, ap, p * padded, mc);
            if (padded > mc) Arrays.fill(ap, p * padded + mc, (p + 1) * padded, 0f);
        }
    }

    /** Writes the valid mr×nr corner of a tile computed into {@code tile}, with the same arithmetic as {@link #update}. */
    private static void mergeTile(float[] tile, int mr, int nr, MemorySegment c, long cOff, long ldc, int mode,
                                  float alpha, float beta) {
        for (int r = 0; r < mr; r++) {
            long row = cOff + r * ldc;
            for (int q = 0; q < nr; q++) {
                long at = row + (long) q * Float.BYTES;
                float acc = tile[r * NR + q];
                float v = switch (mode) {
                    case OVERWRITE -> acc * alpha;
                    case ADD -> Math.fma(acc, alpha, c.get(JAVA_FLOAT_UNALIGNED, at));
                    default -> Math.fma(acc, alpha, c.get(JAVA_FLOAT_UNALIGNED, at) * beta);
                };
                c.set(JAVA_FLOAT_UNALIGNED, at, v);
            }
        }
    }

    /**
     * Merges a full MR×NR tile into C with vectors: C = alpha·acc, C += alpha·acc, or C = alpha·acc + beta·C.
     * The micro-kernels hand their accumulators over through the tile array rather than as FloatVector
     * arguments: a vector passed to a call that C2 does not inline (the kernels are too large for it to
     * inline into) is boxed on the heap, which cost 240 MB of garbage per TikTok training step.
     */
    private static void storeTile(float[] tile, MemorySegment c, long cOff, long ldc, int mode, float alpha, float beta) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        for (int r = 0; r < MR; r++) {
            long row = cOff + r * ldc;
            int t = r * NR;
            for (int v = 0; v < NV; v++) {
                long at = row + v * VB;
                FloatVector acc = FloatVector.fromArray(S, tile, t + v * L);
                FloatVector out;
                if (mode == OVERWRITE) out = acc.mul(a);
                else if (mode == ADD) out = acc.fma(a, FloatVector.fromMemorySegment(S, c, at, NATIVE));
                else out = acc.fma(a, FloatVector.fromMemorySegment(S, c, at, NATIVE).mul(beta));
                out.intoMemorySegment(c, at, NATIVE);
            }
        }
    }

    /** Accumulates an MR×NR tile of op(A)·op(B) over kc and writes it, row-major, into {@code tile}. */
    private static void kernel(float[] ap, int a, int rs, int ps, float[] bp, int b, int kc, float[] tile) {
        if (NV == 4) kernel6x4(ap, a, rs, ps, bp, b, kc, tile);
        else kernel4x2(ap, a, rs, ps, bp, b, kc, tile);
    }


    /** A 6-row × 4-vector tile of C: 24 accumulators stay in registers across the whole k loop. */
    private static void kernel6x4(float[] ap, int a, int rs, int ps, float[] bp, int b, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        int o1 = rs;
        int o2 = 2 * rs;
        int o3 = 3 * rs;
        int o4 = 4 * rs;
        int o5 = 5 * rs;
        for (int p = 0; p < kc; p++) {
            int ai = a + p * ps;
            int bi = b + p * 4 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01); c02 = b2.fma(x0, c02); c03 = b3.fma(x0, c03);
            FloatVector x1 = FloatVector.broadcast(S, ap[ai + o1]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11); c12 = b2.fma(x1, c12); c13 = b3.fma(x1, c13);
            FloatVector x2 = FloatVector.broadcast(S, ap[ai + o2]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21); c22 = b2.fma(x2, c22); c23 = b3.fma(x2, c23);
            FloatVector x3 = FloatVector.broadcast(S, ap[ai + o3]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31); c32 = b2.fma(x3, c32); c33 = b3.fma(x3, c33);
            FloatVector x4 = FloatVector.broadcast(S, ap[ai + o4]);
            c40 = b0.fma(x4, c40); c41 = b1.fma(x4, c41); c42 = b2.fma(x4, c42); c43 = b3.fma(x4, c43);
            FloatVector x5 = FloatVector.broadcast(S, ap[ai + o5]);
            c50 = b0.fma(x5, c50); c51 = b1.fma(x5, c51); c52 = b2.fma(x5, c52); c53 = b3.fma(x5, c53);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c02.intoArray(tile, 2 * L); c03.intoArray(tile, 3 * L);
        c10.intoArray(tile, 4 * L); c11.intoArray(tile, 5 * L); c12.intoArray(tile, 6 * L); c13.intoArray(tile, 7 * L);
        c20.intoArray(tile, 8 * L); c21.intoArray(tile, 9 * L); c22.intoArray(tile, 10 * L); c23.intoArray(tile, 11 * L);
        c30.intoArray(tile, 12 * L); c31.intoArray(tile, 13 * L); c32.intoArray(tile, 14 * L); c33.intoArray(tile, 15 * L);
        c40.intoArray(tile, 16 * L); c41.intoArray(tile, 17 * L); c42.intoArray(tile, 18 * L); c43.intoArray(tile, 19 * L);
        c50.intoArray(tile, 20 * L); c51.intoArray(tile, 21 * L); c52.intoArray(tile, 22 * L); c53.intoArray(tile, 23 * L);
    }

    /** A 4-row × 2-vector tile of C: 8 accumulators stay in registers across the whole k loop. */
    private static void kernel4x2(float[] ap, int a, int rs, int ps, float[] bp, int b, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int o1 = rs, o2 = 2 * rs, o3 = 3 * rs;
        for (int p = 0; p < kc; p++) {
            int ai = a + p * ps;
            int bi = b + p * 2 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[ai + o1]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[ai + o2]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[ai + o3]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
    }

    /** {@link #kernel4x2} reading op(A)'s four rows from memory: element (r, p) at a + r·rs + p·ps bytes. */
    private static void kernel4x2Direct(MemorySegment as, long a, long rs, long ps, float[] bp, int b, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        long a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs;
        for (int p = 0; p < kc; p++) {
            long q = p * ps;
            int bi = b + p * 2 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x0 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a + q));
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a1 + q));
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a2 + q));
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, as.get(JAVA_FLOAT_UNALIGNED, a3 + q));
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
    }

    /**
     * {@link #kernel4x2} for a packed A of rows (element (r, p) at a + r·rs + p): the unit step over p lets
     * C2 drop the array bounds checks from the loop, which a variable step keeps (one per broadcast).
     */
    private static void kernel4x2Rows(float[] ap, int a, int rs, float[] bp, int b, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs;
        for (int p = 0; p < kc; p++) {
            int bi = b + p * 2 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x0 = FloatVector.broadcast(S, ap[a + p]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[a1 + p]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[a2 + p]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[a3 + p]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
    }
}
