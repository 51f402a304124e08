package dev.mmgcn.profile;

import dev.mmgcn.kernels.BackendClock;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * A backend that forwards every call — the fused ones included, so the backend's own versions run —
 * and counts it against the phase the {@link Profiler} says is current. On a host backend each call
 * is also timed with the host clock (calls finish before they return, so that is the kernel's time;
 * about 30 ns of overhead a call). A device backend's calls only queue work: they are counted, not
 * timed here; per-kernel device times would come from events around each launch (see BackendClock).
 */
public final class CountingKernels implements Kernels {
    private static final int CALLS = Call.values().length;

    private final Kernels k;
    private final boolean timed;
    private final long[][] counts = new long[Profiler.Phase.values().length + 1][CALLS];
    private final long[][] nanos = new long[Profiler.Phase.values().length + 1][CALLS];
    private final double[][] flops = new double[Profiler.Phase.values().length + 1][CALLS];
    private final double[][] bytes = new double[Profiler.Phase.values().length + 1][CALLS];
    /** Calls each replayable key made when it last ran, per phase: added again when the backend replays it. */
    private final java.util.Map<Object, long[][]> recorded = new java.util.HashMap<>();
    /** Index into counts of the current phase; the last row is "outside any phase". */
    private int phase = Profiler.Phase.values().length;

    public CountingKernels(Kernels k) {
        this.k = k;
        this.timed = k.device() == Device.HOST;
    }

    /** Whether calls are timed (host backends) or only counted. */
    public boolean timed() { return timed; }

    void phase(Profiler.Phase p) {
        phase = p == null ? Profiler.Phase.values().length : p.ordinal();
    }

    /** Calls of {@code c} made so far in phase {@code p} (null: outside any phase). */
    public long count(Profiler.Phase p, Call c) {
        return counts[p == null ? Profiler.Phase.values().length : p.ordinal()][c.ordinal()];
    }

    /** Host nanoseconds spent in {@code c} in phase {@code p}; 0 when not timed. */
    public long nanos(Profiler.Phase p, Call c) {
        return nanos[p == null ? Profiler.Phase.values().length : p.ordinal()][c.ordinal()];
    }

    /** FLOPs of {@code c}'s calls so far in phase {@code p} (null: outside any phase), from their shapes ({@link Work}). */
    public double flops(Profiler.Phase p, Call c) {
        return flops[p == null ? Profiler.Phase.values().length : p.ordinal()][c.ordinal()];
    }

    /** Bytes moved by {@code c}'s calls so far in phase {@code p}, from their shapes ({@link Work}). */
    public double bytes(Profiler.Phase p, Call c) {
        return bytes[p == null ? Profiler.Phase.values().length : p.ordinal()][c.ordinal()];
    }

    public void reset() {
        for (long[] row : counts) java.util.Arrays.fill(row, 0);
        for (long[] row : nanos) java.util.Arrays.fill(row, 0);
        for (double[] row : flops) java.util.Arrays.fill(row, 0);
        for (double[] row : bytes) java.util.Arrays.fill(row, 0);
    }

    private long start() {
        return timed ? System.nanoTime() : 0L;
    }

    private void done(Call c, long t0) {
        done(c, t0, Work.NONE);
    }

    private void done(Call c, long t0, Work w) {
        counts[phase][c.ordinal()]++;
        if (timed) nanos[phase][c.ordinal()] += System.nanoTime() - t0;
        flops[phase][c.ordinal()] += w.flops();
        bytes[phase][c.ordinal()] += w.bytes();
    }

    @Override public String name() { return k.name(); }
    @Override public Device device() { return k.device(); }
    @Override public Scope newScope() { return k.newScope(); }
    @Override public BackendClock clock() { return k.clock(); }
    @Override public dev.mmgcn.kernels.Ceilings ceilings() { return k.ceilings(); }
    @Override public String toString() { return k.toString(); }
    @Override public void close() { k.close(); }

    @Override public void upload(Tensor host, Tensor dst) { long t = start(); k.upload(host, dst); done(Call.UPLOAD, t); }
    @Override public void download(Tensor src, Tensor hostDst) { long t = start(); k.download(src, hostDst); done(Call.DOWNLOAD, t); }
    @Override public void upload(IntTensor host, IntTensor dst) { long t = start(); k.upload(host, dst); done(Call.UPLOAD, t); }
    @Override public void download(IntTensor src, IntTensor hostDst) { long t = start(); k.download(src, hostDst); done(Call.DOWNLOAD, t); }

    @Override
    public CsrMatrix upload(CsrMatrix host, Scope scope) {
        long t = start();
        CsrMatrix m = k.upload(host, scope);
        done(Call.UPLOAD_CSR, t);
        return m;
    }

    @Override
    public float readScalar(Tensor x) {
        long t = start();
        float v = k.readScalar(x);
        done(Call.READ_SCALAR, t);
        return v;
    }

    @Override public void fill(Tensor x, float value) { long t = start(); k.fill(x, value); done(Call.FILL, t, Work.elementwise(x.size(), 0, 1)); }

    @Override
    public void copyBlock(Tensor src, int srcRow, int srcCol, Tensor dst, int dstRow, int dstCol, int rows, int cols, boolean accumulate) {
        long t = start();
        k.copyBlock(src, srcRow, srcCol, dst, dstRow, dstCol, rows, cols, accumulate);
        done(Call.COPY_BLOCK, t, Work.elementwise((long) rows * cols, accumulate ? 1 : 0, accumulate ? 3 : 2));
    }

    @Override public void axpby(float alpha, Tensor x, float beta, Tensor y) { long t = start(); k.axpby(alpha, x, beta, y); done(Call.AXPBY, t, Work.elementwise(y.size(), beta == 0f ? 1 : 3, beta == 0f ? 2 : 3)); }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        long t = start();
        k.gemm(transA, transB, alpha, a, b, beta, c);
        done(Call.GEMM, t, Work.gemm(transA, transB, a, b, beta, c));
    }

    @Override public void addRowVector(Tensor bias, Tensor y) { long t = start(); k.addRowVector(bias, y); done(Call.ADD_ROW_VECTOR, t, Work.elementwise(y.size(), 1, 2)); }
    @Override public void sumRows(Tensor x, float beta, Tensor out) { long t = start(); k.sumRows(x, beta, out); done(Call.SUM_ROWS, t, Work.elementwise(x.size(), 1, 1)); }
    @Override public void spmm(CsrMatrix a, Tensor x, float beta, Tensor y) { long t = start(); k.spmm(a, x, beta, y); done(Call.SPMM, t, Work.spmm(a, x, beta, y)); }
    @Override public void csrMax(CsrMatrix a, Tensor x, Tensor y, IntTensor argmax) { long t = start(); k.csrMax(a, x, y, argmax); done(Call.CSR_MAX, t, Work.csrMax(a, x, y)); }

    @Override
    public void csrMaxBackward(IntTensor argmax, Tensor dy, Tensor dx) {
        long t = start();
        k.csrMaxBackward(argmax, dy, dx);
        done(Call.CSR_MAX_BACKWARD, t, Work.elementwise(dy.size(), 1, 4));
    }

    @Override public void gatherRows(Tensor src, IntTensor index, Tensor dst) { long t = start(); k.gatherRows(src, index, dst); done(Call.GATHER_ROWS, t, Work.indexed(index, dst.cols(), 0, 2)); }

    @Override
    public void scatterAddRows(Tensor src, IntTensor index, Tensor dst) {
        long t = start();
        k.scatterAddRows(src, index, dst);
        done(Call.SCATTER_ADD_ROWS, t, Work.indexed(index, src.cols(), 1, 3));
    }

    @Override public void leakyRelu(Tensor x, float slope, Tensor y) { long t = start(); k.leakyRelu(x, slope, y); done(Call.LEAKY_RELU, t, Work.elementwise(x.size(), 1, 2)); }

    @Override
    public void leakyReluBackward(Tensor x, Tensor dy, float slope, Tensor dx) {
        long t = start();
        k.leakyReluBackward(x, dy, slope, dx);
        done(Call.LEAKY_RELU_BACKWARD, t, Work.elementwise(x.size(), 2, 4));
    }

    @Override
    public void rowL2Normalize(Tensor x, float eps, Tensor y, Tensor norms) {
        long t = start();
        k.rowL2Normalize(x, eps, y, norms);
        done(Call.ROW_L2_NORMALIZE, t, Work.rows(x.size(), 3, 2, x.rows()));
    }

    @Override
    public void rowL2NormalizeBackward(Tensor y, Tensor norms, float eps, Tensor dy, Tensor dx) {
        long t = start();
        k.rowL2NormalizeBackward(y, norms, eps, dy, dx);
        done(Call.ROW_L2_NORMALIZE_BACKWARD, t, Work.rows(y.size(), 5, 4, y.rows()));
    }

    @Override public void rowDot(Tensor a, Tensor b, Tensor out) { long t = start(); k.rowDot(a, b, out); done(Call.ROW_DOT, t, Work.rows(a.size(), 2, 2, a.rows())); }
    @Override public void scaleRowsAdd(Tensor scale, Tensor x, Tensor y) { long t = start(); k.scaleRowsAdd(scale, x, y); done(Call.SCALE_ROWS_ADD, t, Work.rows(x.size(), 2, 3, x.rows())); }
    @Override public void sumSquares(Tensor x, Tensor out) { long t = start(); k.sumSquares(x, out); done(Call.SUM_SQUARES, t, Work.elementwise(x.size(), 2, 1)); }

    @Override
    public void sumSquaresBackward(Tensor x, Tensor dOut, Tensor dx) {
        long t = start();
        k.sumSquaresBackward(x, dOut, dx);
        done(Call.SUM_SQUARES_BACKWARD, t, Work.elementwise(x.size(), 2, 3));
    }

    @Override public void bprLoss(Tensor pos, Tensor neg, Tensor out) { long t = start(); k.bprLoss(pos, neg, out); done(Call.BPR_LOSS, t, Work.elementwise(pos.size(), 2, 2)); }

    @Override
    public void bprLossBackward(Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg) {
        long t = start();
        k.bprLossBackward(pos, neg, dOut, dPos, dNeg);
        done(Call.BPR_LOSS_BACKWARD, t, Work.elementwise(pos.size(), 4, 6));
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, int step) {
        long t = start();
        k.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
        done(Call.ADAM_STEP, t, Work.elementwise(param.size(), 12, 7));
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, Tensor step) {
        long t = start();
        k.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
        done(Call.ADAM_STEP, t, Work.elementwise(param.size(), 12, 7));
    }

    @Override
    public void maskScores(Tensor scores, CsrMatrix mask, int firstRow, float value) {
        long t = start();
        k.maskScores(scores, mask, firstRow, value);
        done(Call.MASK_SCORES, t);
    }

    @Override
    public void topK(Tensor scores, int kk, IntTensor indices, Tensor values) {
        long t = start();
        k.topK(scores, kk, indices, values);
        done(Call.TOP_K, t, Work.elementwise(scores.size(), 1, 1));
    }

    @Override public void copy(IntTensor src, IntTensor dst) { long t = start(); k.copy(src, dst); done(Call.COPY_INTS, t, Work.elementwise(src.size(), 0, 2)); }

    /**
     * Forwards to the backend's own {@code replayable}; calls are counted where they run. When the
     * backend replays a recording instead of running them, the counts of that key's latest run (the one a
     * backend records) are added again, so calls per step stay right under replay.
     */
    @Override
    public void replayable(Object key, Runnable calls) {
        long[][] before = snapshot();
        boolean[] ran = new boolean[1];
        k.replayable(key, () -> {
            ran[0] = true;
            calls.run();
        });
        if (ran[0]) {
            long[][] delta = snapshot();
            for (int p = 0; p < delta.length; p++) for (int c = 0; c < CALLS; c++) delta[p][c] -= before[p][c];
            recorded.put(key, delta);
        } else {
            long[][] delta = recorded.get(key);
            if (delta == null) throw new IllegalStateException("the backend replayed " + key + " without ever running it");
            for (int p = 0; p < counts.length; p++) for (int c = 0; c < CALLS; c++) counts[p][c] += delta[p][c];
        }
    }

    private long[][] snapshot() {
        long[][] copy = new long[counts.length][];
        for (int p = 0; p < counts.length; p++) copy[p] = counts[p].clone();
        return copy;
    }

    @Override public void add(Tensor a, Tensor b, Tensor out) { long t = start(); k.add(a, b, out); done(Call.ADD, t, Work.elementwise(out.size(), 1, 3)); }

    @Override
    public void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) {
        long t = start();
        k.biasLeakyRelu(x, bias, slope, y);
        done(Call.BIAS_LEAKY_RELU, t, Work.elementwise(y.size(), 2, 2));
    }

    @Override
    public void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta,
                                      Tensor workspace) {
        long t = start();
        k.biasLeakyReluBackward(y, dy, slope, dz, dBias, biasBeta, workspace);
        done(Call.BIAS_LEAKY_RELU_BACKWARD, t, Work.elementwise(y.size(), dBias == null ? 1 : 2, 3));
    }

    @Override
    public void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out, Tensor workspace) {
        long t = start();
        k.gatherSumSquares(table, index, weight, beta, out, workspace);
        done(Call.GATHER_SUM_SQUARES, t, Work.indexed(index, table.cols(), 2, 1));
    }

    @Override
    public void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable,
                                         Tensor workspace) {
        long t = start();
        k.gatherSumSquaresBackward(table, index, weight, dOut, dTable, workspace);
        done(Call.GATHER_SUM_SQUARES_BACKWARD, t, Work.indexed(index, table.cols(), 2, 3));
    }
}
