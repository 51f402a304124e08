package dev.mmgcn.kernels;

import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

/**
 * Single-precision GEMM in the GotoBLAS/BLIS shape: B is packed into k-blocks of column strips and A into
 * row strips (scaled by alpha on the way), both contiguous in the order the micro-kernel reads them, and a
 * register-tiled micro-kernel keeps a whole MR×NR tile of C in vector registers across the k loop.
 *
 * <p>Each element of C is summed over k in the same order whatever the thread count or the tile a thread
 * got: blocks of {@link #KC} in order, then p in order inside a block, one FMA per step. Partitioning over
 * rows or columns of C therefore cannot change a single bit of the result.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int L = S.length();
    private static final long VB = (long) L * Float.BYTES;

    /** Micro-kernel shape: chosen for the register file the vector width implies (32 registers with AVX-512). */
    private static final int SHAPE = Integer.getInteger("mmgcn.gemm.shape", L >= 16 ? 3 : 1);
    static final int MR = switch (SHAPE) { case 0 -> 8; case 1 -> 6; case 2 -> 12; case 3 -> 6; case 4 -> 4; default -> 14; };
    static final int NV = switch (SHAPE) { case 0 -> 3; case 1 -> 2; case 2 -> 2; case 3 -> 4; case 4 -> 4; default -> 2; };
    static final int NR = NV * L;

    /** Depth of a packed block: an MR×KC strip of A plus a KC×NR strip of B sit in L1 during one tile. */
    static final int KC = Integer.getInteger("mmgcn.gemm.kc", 512);
    /** Rows of A packed at once: the MC×KC block stays in L2 while every strip of the B block passes over it. */
    static final int MC = roundUp(Integer.getInteger("mmgcn.gemm.mc", 96), MR);
    /** Columns of B packed at once. */
    static final int NC = roundUp(Integer.getInteger("mmgcn.gemm.nc", 1024), NR);

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

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
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
            scale(parallel, c, beta);
            return;
        }
        int rowTiles = (m + MR - 1) / MR;
        int colTiles = (n + NR - 1) / NR;
        int tasks = (long) m * n * k < PARALLEL_MIN_FLOPS ? 1 : parallel.threads();
        int rowParts = Math.min(tasks, rowTiles);
        int colParts = Math.min((tasks + rowParts - 1) / rowParts, colTiles);
        Operands op = new Operands(transA, transB, alpha, a, b, beta, c, m, n, k);
        parallel.forParts(rowParts * colParts, t -> {
            int rp = t / colParts;
            int cp = t % colParts;
            int r0 = Parallel.bound(rowTiles, rowParts, rp) * MR;
            int r1 = Math.min(m, Parallel.bound(rowTiles, rowParts, rp + 1) * MR);
            int c0 = Parallel.bound(colTiles, colParts, cp) * NR;
            int c1 = Math.min(n, Parallel.bound(colTiles, colParts, cp + 1) * NR);
            block(op, r0, r1, c0, c1, WORKSPACE.get());
        });
    }

    private record Operands(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                            int m, int n, int k) {
    }

    /** C[r0:r1, c0:c1] for the whole depth: the five loops around the micro-kernel. */
    private static void block(Operands op, int r0, int r1, int c0, int c1, Workspace ws) {
        MemorySegment cs = op.c.segment();
        long ldc = (long) op.n * Float.BYTES;
        for (int jc = c0; jc < c1; jc += NC) {
            int nc = Math.min(NC, c1 - jc);
            for (int pc = 0; pc < op.k; pc += KC) {
                int kc = Math.min(KC, op.k - pc);
                int mode = pc > 0 || op.beta == 1f ? ADD : op.beta == 0f ? OVERWRITE : SCALE;
                packB(op, pc, kc, jc, nc, ws);
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    packA(op, ic, mc, pc, kc, ws);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bOff = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            long cOff = (ic + ir) * ldc + (long) (jc + jr) * Float.BYTES;
                            boolean full = mr == MR && nr == NR;
                            kernel(ws.a, ir * kc, ws.b, bOff, kc, cs, cOff, ldc, mode, op.beta, full ? null : ws.tile);
                            if (!full) mergeTile(ws.tile, mr, nr, cs, cOff, ldc, mode, op.beta);
                        }
                    }
                }
            }
        }
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
                        for (int q = w; q < NR; q++) bp[d + q] = 0f;
                    }
                }
            } else {
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

    /** Packs alpha·op(A)[ic:ic+mc, pc:pc+kc] as strips of MR rows, each kc columns of MR floats; short strips are zero-padded. */
    private static void packA(Operands op, int ic, int mc, int pc, int kc, Workspace ws) {
        MemorySegment as = op.a.segment();
        float[] ap = ws.a;
        float[] row = ws.row;
        int lda = op.a.cols();
        float alpha = op.alpha;
        if (!op.transA) {
            for (int ir = 0; ir < mc; ir += MR) {
                int h = Math.min(MR, mc - ir);
                int dst = ir * kc;
                for (int q = 0; q < MR; q++) {
                    if (q < h) {
                        MemorySegment.copy(as, JAVA_FLOAT_UNALIGNED, ((long) (ic + ir + q) * lda + pc) * Float.BYTES, row, 0, kc);
                        for (int p = 0; p < kc; p++) ap[dst + p * MR + q] = alpha * row[p];
                    } else {
                        for (int p = 0; p < kc; p++) ap[dst + p * MR + q] = 0f;
                    }
                }
            }
            return;
        }
        // op(A) = Aᵀ: row p of A holds, contiguously, column p of every row of the block
        int padded = (mc + MR - 1) / MR * MR;
        for (int q = mc; q < padded; q++) row[q] = 0f;
        for (int p = 0; p < kc; p++) {
            MemorySegment.copy(as, JAVA_FLOAT_UNALIGNED, ((long) (pc + p) * lda + ic) * Float.BYTES, row, 0, mc);
            for (int ir = 0; ir < padded; ir += MR) {
                int d = ir * kc + p * MR;
                for (int q = 0; q < MR; q++) ap[d + q] = alpha * row[ir + q];
            }
        }
    }

    /** Writes the valid mr×nr corner of a tile computed into {@code tile}, with the same arithmetic as {@link #update}. */
    private static void mergeTile(float[] tile, int mr, int nr, MemorySegment c, long cOff, long ldc, int mode, float beta) {
        for (int r = 0; r < mr; r++) {
            long row = cOff + r * ldc;
            for (int q = 0; q < nr; q++) {
                long at = row + (long) q * Float.BYTES;
                float acc = tile[r * NR + q];
                float v = switch (mode) {
                    case OVERWRITE -> acc;
                    case ADD -> c.get(JAVA_FLOAT_UNALIGNED, at) + acc;
                    default -> Math.fma(c.get(JAVA_FLOAT_UNALIGNED, at), beta, acc);
                };
                c.set(JAVA_FLOAT_UNALIGNED, at, v);
            }
        }
    }

    private static void update(MemorySegment c, long off, FloatVector acc, int mode, float beta) {
        FloatVector v = switch (mode) {
            case OVERWRITE -> acc;
            case ADD -> FloatVector.fromMemorySegment(S, c, off, NATIVE).add(acc);
            default -> FloatVector.fromMemorySegment(S, c, off, NATIVE).fma(FloatVector.broadcast(S, beta), acc);
        };
        v.intoMemorySegment(c, off, NATIVE);
    }

    /** C = beta·C, where beta == 0 clears C even if it held NaN. */
    private static void scale(Parallel parallel, Tensor c, float beta) {
        if (beta == 1f) return;
        VectorElementwise.scale(parallel, c, beta);
    }

    private static void kernel(float[] ap, int a, float[] bp, int b, int kc,
                               MemorySegment c, long cOff, long ldc, int mode, float beta, float[] tile) {
        switch (SHAPE) {
            case 0 -> kernel8x3(ap, a, bp, b, kc, c, cOff, ldc, mode, beta, tile);
            case 1 -> kernel6x2(ap, a, bp, b, kc, c, cOff, ldc, mode, beta, tile);
            case 2 -> kernel12x2(ap, a, bp, b, kc, c, cOff, ldc, mode, beta, tile);
            case 3 -> kernel6x4(ap, a, bp, b, kc, c, cOff, ldc, mode, beta, tile);
            case 4 -> kernel4x4(ap, a, bp, b, kc, c, cOff, ldc, mode, beta, tile);
            default -> kernel14x2(ap, a, bp, b, kc, c, cOff, ldc, mode, beta, tile);
        }
    }

    /** The 8-row × 3-vector tile: 24 accumulators stay in registers across the whole k loop. */
    private static void kernel8x3(float[] ap, int a, float[] bp, int b, int kc,
                                  MemorySegment c, long cOff, long ldc, int mode, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c62 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S), c72 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = a + p * 8;
            int bi = b + p * 3 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01); c02 = b2.fma(x0, c02);
            FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11); c12 = b2.fma(x1, c12);
            FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21); c22 = b2.fma(x2, c22);
            FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31); c32 = b2.fma(x3, c32);
            FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(x4, c40); c41 = b1.fma(x4, c41); c42 = b2.fma(x4, c42);
            FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(x5, c50); c51 = b1.fma(x5, c51); c52 = b2.fma(x5, c52);
            FloatVector x6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = b0.fma(x6, c60); c61 = b1.fma(x6, c61); c62 = b2.fma(x6, c62);
            FloatVector x7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = b0.fma(x7, c70); c71 = b1.fma(x7, c71); c72 = b2.fma(x7, c72);
        }
        if (tile != null) {
            c00.intoArray(tile, 0 * L); c01.intoArray(tile, 0 * L + 1 * L); c02.intoArray(tile, 0 * L + 2 * L);
            c10.intoArray(tile, 3 * L); c11.intoArray(tile, 3 * L + 1 * L); c12.intoArray(tile, 3 * L + 2 * L);
            c20.intoArray(tile, 6 * L); c21.intoArray(tile, 6 * L + 1 * L); c22.intoArray(tile, 6 * L + 2 * L);
            c30.intoArray(tile, 9 * L); c31.intoArray(tile, 9 * L + 1 * L); c32.intoArray(tile, 9 * L + 2 * L);
            c40.intoArray(tile, 12 * L); c41.intoArray(tile, 12 * L + 1 * L); c42.intoArray(tile, 12 * L + 2 * L);
            c50.intoArray(tile, 15 * L); c51.intoArray(tile, 15 * L + 1 * L); c52.intoArray(tile, 15 * L + 2 * L);
            c60.intoArray(tile, 18 * L); c61.intoArray(tile, 18 * L + 1 * L); c62.intoArray(tile, 18 * L + 2 * L);
            c70.intoArray(tile, 21 * L); c71.intoArray(tile, 21 * L + 1 * L); c72.intoArray(tile, 21 * L + 2 * L);
            return;
        }
        update(c, cOff, c00, mode, beta); update(c, cOff + 1 * VB, c01, mode, beta); update(c, cOff + 2 * VB, c02, mode, beta);
        update(c, cOff + 1 * ldc, c10, mode, beta); update(c, cOff + 1 * ldc + 1 * VB, c11, mode, beta); update(c, cOff + 1 * ldc + 2 * VB, c12, mode, beta);
        update(c, cOff + 2 * ldc, c20, mode, beta); update(c, cOff + 2 * ldc + 1 * VB, c21, mode, beta); update(c, cOff + 2 * ldc + 2 * VB, c22, mode, beta);
        update(c, cOff + 3 * ldc, c30, mode, beta); update(c, cOff + 3 * ldc + 1 * VB, c31, mode, beta); update(c, cOff + 3 * ldc + 2 * VB, c32, mode, beta);
        update(c, cOff + 4 * ldc, c40, mode, beta); update(c, cOff + 4 * ldc + 1 * VB, c41, mode, beta); update(c, cOff + 4 * ldc + 2 * VB, c42, mode, beta);
        update(c, cOff + 5 * ldc, c50, mode, beta); update(c, cOff + 5 * ldc + 1 * VB, c51, mode, beta); update(c, cOff + 5 * ldc + 2 * VB, c52, mode, beta);
        update(c, cOff + 6 * ldc, c60, mode, beta); update(c, cOff + 6 * ldc + 1 * VB, c61, mode, beta); update(c, cOff + 6 * ldc + 2 * VB, c62, mode, beta);
        update(c, cOff + 7 * ldc, c70, mode, beta); update(c, cOff + 7 * ldc + 1 * VB, c71, mode, beta); update(c, cOff + 7 * ldc + 2 * VB, c72, mode, beta);
    }

    /** The 6-row × 2-vector tile: 12 accumulators stay in registers across the whole k loop. */
    private static void kernel6x2(float[] ap, int a, float[] bp, int b, int kc,
                                  MemorySegment c, long cOff, long ldc, int mode, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = a + p * 6;
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
            FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(x4, c40); c41 = b1.fma(x4, c41);
            FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(x5, c50); c51 = b1.fma(x5, c51);
        }
        if (tile != null) {
            c00.intoArray(tile, 0 * L); c01.intoArray(tile, 0 * L + 1 * L);
            c10.intoArray(tile, 2 * L); c11.intoArray(tile, 2 * L + 1 * L);
            c20.intoArray(tile, 4 * L); c21.intoArray(tile, 4 * L + 1 * L);
            c30.intoArray(tile, 6 * L); c31.intoArray(tile, 6 * L + 1 * L);
            c40.intoArray(tile, 8 * L); c41.intoArray(tile, 8 * L + 1 * L);
            c50.intoArray(tile, 10 * L); c51.intoArray(tile, 10 * L + 1 * L);
            return;
        }
        update(c, cOff, c00, mode, beta); update(c, cOff + 1 * VB, c01, mode, beta);
        update(c, cOff + 1 * ldc, c10, mode, beta); update(c, cOff + 1 * ldc + 1 * VB, c11, mode, beta);
        update(c, cOff + 2 * ldc, c20, mode, beta); update(c, cOff + 2 * ldc + 1 * VB, c21, mode, beta);
        update(c, cOff + 3 * ldc, c30, mode, beta); update(c, cOff + 3 * ldc + 1 * VB, c31, mode, beta);
        update(c, cOff + 4 * ldc, c40, mode, beta); update(c, cOff + 4 * ldc + 1 * VB, c41, mode, beta);
        update(c, cOff + 5 * ldc, c50, mode, beta); update(c, cOff + 5 * ldc + 1 * VB, c51, mode, beta);
    }

    /** The 12-row × 2-vector tile: 24 accumulators stay in registers across the whole k loop. */
    private static void kernel12x2(float[] ap, int a, float[] bp, int b, int kc,
                                  MemorySegment c, long cOff, long ldc, int mode, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = a + p * 12;
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
            FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(x4, c40); c41 = b1.fma(x4, c41);
            FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(x5, c50); c51 = b1.fma(x5, c51);
            FloatVector x6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = b0.fma(x6, c60); c61 = b1.fma(x6, c61);
            FloatVector x7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = b0.fma(x7, c70); c71 = b1.fma(x7, c71);
            FloatVector x8 = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = b0.fma(x8, c80); c81 = b1.fma(x8, c81);
            FloatVector x9 = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = b0.fma(x9, c90); c91 = b1.fma(x9, c91);
            FloatVector x10 = FloatVector.broadcast(S, ap[ai + 10]);
            c100 = b0.fma(x10, c100); c101 = b1.fma(x10, c101);
            FloatVector x11 = FloatVector.broadcast(S, ap[ai + 11]);
            c110 = b0.fma(x11, c110); c111 = b1.fma(x11, c111);
        }
        if (tile != null) {
            c00.intoArray(tile, 0 * L); c01.intoArray(tile, 0 * L + 1 * L);
            c10.intoArray(tile, 2 * L); c11.intoArray(tile, 2 * L + 1 * L);
            c20.intoArray(tile, 4 * L); c21.intoArray(tile, 4 * L + 1 * L);
            c30.intoArray(tile, 6 * L); c31.intoArray(tile, 6 * L + 1 * L);
            c40.intoArray(tile, 8 * L); c41.intoArray(tile, 8 * L + 1 * L);
            c50.intoArray(tile, 10 * L); c51.intoArray(tile, 10 * L + 1 * L);
            c60.intoArray(tile, 12 * L); c61.intoArray(tile, 12 * L + 1 * L);
            c70.intoArray(tile, 14 * L); c71.intoArray(tile, 14 * L + 1 * L);
            c80.intoArray(tile, 16 * L); c81.intoArray(tile, 16 * L + 1 * L);
            c90.intoArray(tile, 18 * L); c91.intoArray(tile, 18 * L + 1 * L);
            c100.intoArray(tile, 20 * L); c101.intoArray(tile, 20 * L + 1 * L);
            c110.intoArray(tile, 22 * L); c111.intoArray(tile, 22 * L + 1 * L);
            return;
        }
        update(c, cOff, c00, mode, beta); update(c, cOff + 1 * VB, c01, mode, beta);
        update(c, cOff + 1 * ldc, c10, mode, beta); update(c, cOff + 1 * ldc + 1 * VB, c11, mode, beta);
        update(c, cOff + 2 * ldc, c20, mode, beta); update(c, cOff + 2 * ldc + 1 * VB, c21, mode, beta);
        update(c, cOff + 3 * ldc, c30, mode, beta); update(c, cOff + 3 * ldc + 1 * VB, c31, mode, beta);
        update(c, cOff + 4 * ldc, c40, mode, beta); update(c, cOff + 4 * ldc + 1 * VB, c41, mode, beta);
        update(c, cOff + 5 * ldc, c50, mode, beta); update(c, cOff + 5 * ldc + 1 * VB, c51, mode, beta);
        update(c, cOff + 6 * ldc, c60, mode, beta); update(c, cOff + 6 * ldc + 1 * VB, c61, mode, beta);
        update(c, cOff + 7 * ldc, c70, mode, beta); update(c, cOff + 7 * ldc + 1 * VB, c71, mode, beta);
        update(c, cOff + 8 * ldc, c80, mode, beta); update(c, cOff + 8 * ldc + 1 * VB, c81, mode, beta);
        update(c, cOff + 9 * ldc, c90, mode, beta); update(c, cOff + 9 * ldc + 1 * VB, c91, mode, beta);
        update(c, cOff + 10 * ldc, c100, mode, beta); update(c, cOff + 10 * ldc + 1 * VB, c101, mode, beta);
        update(c, cOff + 11 * ldc, c110, mode, beta); update(c, cOff + 11 * ldc + 1 * VB, c111, mode, beta);
    }

    /** The 6-row × 4-vector tile: 24 accumulators stay in registers across the whole k loop. */
    private static void kernel6x4(float[] ap, int a, float[] bp, int b, int kc,
                                  MemorySegment c, long cOff, long ldc, int mode, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = a + p * 6;
            int bi = b + p * 4 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01); c02 = b2.fma(x0, c02); c03 = b3.fma(x0, c03);
            FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11); c12 = b2.fma(x1, c12); c13 = b3.fma(x1, c13);
            FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21); c22 = b2.fma(x2, c22); c23 = b3.fma(x2, c23);
            FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31); c32 = b2.fma(x3, c32); c33 = b3.fma(x3, c33);
            FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(x4, c40); c41 = b1.fma(x4, c41); c42 = b2.fma(x4, c42); c43 = b3.fma(x4, c43);
            FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(x5, c50); c51 = b1.fma(x5, c51); c52 = b2.fma(x5, c52); c53 = b3.fma(x5, c53);
        }
        if (tile != null) {
            c00.intoArray(tile, 0 * L); c01.intoArray(tile, 0 * L + 1 * L); c02.intoArray(tile, 0 * L + 2 * L); c03.intoArray(tile, 0 * L + 3 * L);
            c10.intoArray(tile, 4 * L); c11.intoArray(tile, 4 * L + 1 * L); c12.intoArray(tile, 4 * L + 2 * L); c13.intoArray(tile, 4 * L + 3 * L);
            c20.intoArray(tile, 8 * L); c21.intoArray(tile, 8 * L + 1 * L); c22.intoArray(tile, 8 * L + 2 * L); c23.intoArray(tile, 8 * L + 3 * L);
            c30.intoArray(tile, 12 * L); c31.intoArray(tile, 12 * L + 1 * L); c32.intoArray(tile, 12 * L + 2 * L); c33.intoArray(tile, 12 * L + 3 * L);
            c40.intoArray(tile, 16 * L); c41.intoArray(tile, 16 * L + 1 * L); c42.intoArray(tile, 16 * L + 2 * L); c43.intoArray(tile, 16 * L + 3 * L);
            c50.intoArray(tile, 20 * L); c51.intoArray(tile, 20 * L + 1 * L); c52.intoArray(tile, 20 * L + 2 * L); c53.intoArray(tile, 20 * L + 3 * L);
            return;
        }
        update(c, cOff, c00, mode, beta); update(c, cOff + 1 * VB, c01, mode, beta); update(c, cOff + 2 * VB, c02, mode, beta); update(c, cOff + 3 * VB, c03, mode, beta);
        update(c, cOff + 1 * ldc, c10, mode, beta); update(c, cOff + 1 * ldc + 1 * VB, c11, mode, beta); update(c, cOff + 1 * ldc + 2 * VB, c12, mode, beta); update(c, cOff + 1 * ldc + 3 * VB, c13, mode, beta);
        update(c, cOff + 2 * ldc, c20, mode, beta); update(c, cOff + 2 * ldc + 1 * VB, c21, mode, beta); update(c, cOff + 2 * ldc + 2 * VB, c22, mode, beta); update(c, cOff + 2 * ldc + 3 * VB, c23, mode, beta);
        update(c, cOff + 3 * ldc, c30, mode, beta); update(c, cOff + 3 * ldc + 1 * VB, c31, mode, beta); update(c, cOff + 3 * ldc + 2 * VB, c32, mode, beta); update(c, cOff + 3 * ldc + 3 * VB, c33, mode, beta);
        update(c, cOff + 4 * ldc, c40, mode, beta); update(c, cOff + 4 * ldc + 1 * VB, c41, mode, beta); update(c, cOff + 4 * ldc + 2 * VB, c42, mode, beta); update(c, cOff + 4 * ldc + 3 * VB, c43, mode, beta);
        update(c, cOff + 5 * ldc, c50, mode, beta); update(c, cOff + 5 * ldc + 1 * VB, c51, mode, beta); update(c, cOff + 5 * ldc + 2 * VB, c52, mode, beta); update(c, cOff + 5 * ldc + 3 * VB, c53, mode, beta);
    }

    /** The 4-row × 4-vector tile: 16 accumulators stay in registers across the whole k loop. */
    private static void kernel4x4(float[] ap, int a, float[] bp, int b, int kc,
                                  MemorySegment c, long cOff, long ldc, int mode, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = a + p * 4;
            int bi = b + p * 4 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01); c02 = b2.fma(x0, c02); c03 = b3.fma(x0, c03);
            FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11); c12 = b2.fma(x1, c12); c13 = b3.fma(x1, c13);
            FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21); c22 = b2.fma(x2, c22); c23 = b3.fma(x2, c23);
            FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31); c32 = b2.fma(x3, c32); c33 = b3.fma(x3, c33);
        }
        if (tile != null) {
            c00.intoArray(tile, 0 * L); c01.intoArray(tile, 0 * L + 1 * L); c02.intoArray(tile, 0 * L + 2 * L); c03.intoArray(tile, 0 * L + 3 * L);
            c10.intoArray(tile, 4 * L); c11.intoArray(tile, 4 * L + 1 * L); c12.intoArray(tile, 4 * L + 2 * L); c13.intoArray(tile, 4 * L + 3 * L);
            c20.intoArray(tile, 8 * L); c21.intoArray(tile, 8 * L + 1 * L); c22.intoArray(tile, 8 * L + 2 * L); c23.intoArray(tile, 8 * L + 3 * L);
            c30.intoArray(tile, 12 * L); c31.intoArray(tile, 12 * L + 1 * L); c32.intoArray(tile, 12 * L + 2 * L); c33.intoArray(tile, 12 * L + 3 * L);
            return;
        }
        update(c, cOff, c00, mode, beta); update(c, cOff + 1 * VB, c01, mode, beta); update(c, cOff + 2 * VB, c02, mode, beta); update(c, cOff + 3 * VB, c03, mode, beta);
        update(c, cOff + 1 * ldc, c10, mode, beta); update(c, cOff + 1 * ldc + 1 * VB, c11, mode, beta); update(c, cOff + 1 * ldc + 2 * VB, c12, mode, beta); update(c, cOff + 1 * ldc + 3 * VB, c13, mode, beta);
        update(c, cOff + 2 * ldc, c20, mode, beta); update(c, cOff + 2 * ldc + 1 * VB, c21, mode, beta); update(c, cOff + 2 * ldc + 2 * VB, c22, mode, beta); update(c, cOff + 2 * ldc + 3 * VB, c23, mode, beta);
        update(c, cOff + 3 * ldc, c30, mode, beta); update(c, cOff + 3 * ldc + 1 * VB, c31, mode, beta); update(c, cOff + 3 * ldc + 2 * VB, c32, mode, beta); update(c, cOff + 3 * ldc + 3 * VB, c33, mode, beta);
    }

    /** The 14-row × 2-vector tile: 28 accumulators stay in registers across the whole k loop. */
    private static void kernel14x2(float[] ap, int a, float[] bp, int b, int kc,
                                  MemorySegment c, long cOff, long ldc, int mode, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        FloatVector c120 = FloatVector.zero(S), c121 = FloatVector.zero(S);
        FloatVector c130 = FloatVector.zero(S), c131 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = a + p * 14;
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
            FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(x4, c40); c41 = b1.fma(x4, c41);
            FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(x5, c50); c51 = b1.fma(x5, c51);
            FloatVector x6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = b0.fma(x6, c60); c61 = b1.fma(x6, c61);
            FloatVector x7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = b0.fma(x7, c70); c71 = b1.fma(x7, c71);
            FloatVector x8 = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = b0.fma(x8, c80); c81 = b1.fma(x8, c81);
            FloatVector x9 = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = b0.fma(x9, c90); c91 = b1.fma(x9, c91);
            FloatVector x10 = FloatVector.broadcast(S, ap[ai + 10]);
            c100 = b0.fma(x10, c100); c101 = b1.fma(x10, c101);
            FloatVector x11 = FloatVector.broadcast(S, ap[ai + 11]);
            c110 = b0.fma(x11, c110); c111 = b1.fma(x11, c111);
            FloatVector x12 = FloatVector.broadcast(S, ap[ai + 12]);
            c120 = b0.fma(x12, c120); c121 = b1.fma(x12, c121);
            FloatVector x13 = FloatVector.broadcast(S, ap[ai + 13]);
            c130 = b0.fma(x13, c130); c131 = b1.fma(x13, c131);
        }
        if (tile != null) {
            c00.intoArray(tile, 0 * L); c01.intoArray(tile, 0 * L + 1 * L);
            c10.intoArray(tile, 2 * L); c11.intoArray(tile, 2 * L + 1 * L);
            c20.intoArray(tile, 4 * L); c21.intoArray(tile, 4 * L + 1 * L);
            c30.intoArray(tile, 6 * L); c31.intoArray(tile, 6 * L + 1 * L);
            c40.intoArray(tile, 8 * L); c41.intoArray(tile, 8 * L + 1 * L);
            c50.intoArray(tile, 10 * L); c51.intoArray(tile, 10 * L + 1 * L);
            c60.intoArray(tile, 12 * L); c61.intoArray(tile, 12 * L + 1 * L);
            c70.intoArray(tile, 14 * L); c71.intoArray(tile, 14 * L + 1 * L);
            c80.intoArray(tile, 16 * L); c81.intoArray(tile, 16 * L + 1 * L);
            c90.intoArray(tile, 18 * L); c91.intoArray(tile, 18 * L + 1 * L);
            c100.intoArray(tile, 20 * L); c101.intoArray(tile, 20 * L + 1 * L);
            c110.intoArray(tile, 22 * L); c111.intoArray(tile, 22 * L + 1 * L);
            c120.intoArray(tile, 24 * L); c121.intoArray(tile, 24 * L + 1 * L);
            c130.intoArray(tile, 26 * L); c131.intoArray(tile, 26 * L + 1 * L);
            return;
        }
        update(c, cOff, c00, mode, beta); update(c, cOff + 1 * VB, c01, mode, beta);
        update(c, cOff + 1 * ldc, c10, mode, beta); update(c, cOff + 1 * ldc + 1 * VB, c11, mode, beta);
        update(c, cOff + 2 * ldc, c20, mode, beta); update(c, cOff + 2 * ldc + 1 * VB, c21, mode, beta);
        update(c, cOff + 3 * ldc, c30, mode, beta); update(c, cOff + 3 * ldc + 1 * VB, c31, mode, beta);
        update(c, cOff + 4 * ldc, c40, mode, beta); update(c, cOff + 4 * ldc + 1 * VB, c41, mode, beta);
        update(c, cOff + 5 * ldc, c50, mode, beta); update(c, cOff + 5 * ldc + 1 * VB, c51, mode, beta);
        update(c, cOff + 6 * ldc, c60, mode, beta); update(c, cOff + 6 * ldc + 1 * VB, c61, mode, beta);
        update(c, cOff + 7 * ldc, c70, mode, beta); update(c, cOff + 7 * ldc + 1 * VB, c71, mode, beta);
        update(c, cOff + 8 * ldc, c80, mode, beta); update(c, cOff + 8 * ldc + 1 * VB, c81, mode, beta);
        update(c, cOff + 9 * ldc, c90, mode, beta); update(c, cOff + 9 * ldc + 1 * VB, c91, mode, beta);
        update(c, cOff + 10 * ldc, c100, mode, beta); update(c, cOff + 10 * ldc + 1 * VB, c101, mode, beta);
        update(c, cOff + 11 * ldc, c110, mode, beta); update(c, cOff + 11 * ldc + 1 * VB, c111, mode, beta);
        update(c, cOff + 12 * ldc, c120, mode, beta); update(c, cOff + 12 * ldc + 1 * VB, c121, mode, beta);
        update(c, cOff + 13 * ldc, c130, mode, beta); update(c, cOff + 13 * ldc + 1 * VB, c131, mode, beta);
    }

}
