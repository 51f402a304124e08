package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

/**
 * The CPU backend on {@code jdk.incubator.vector}: the preferred species of this machine, FMA, and a pool
 * of worker threads over rows. Every kernel gives the same bits whatever the thread count (see the
 * helper classes for how each one splits its work); results differ from {@link ScalarKernels} only by
 * float rounding where sums are reassociated.
 *
 * <p>Loaded reflectively by {@link Backends}, so that a JVM without the incubator module never links it.
 */
public final class VectorKernels implements HostKernels {
    private final Parallel parallel;
    private Ceilings ceilings;

    /** Threads from {@code -Dmmgcn.threads}, else one per available processor. */
    public VectorKernels() {
        this(Integer.getInteger("mmgcn.threads", Runtime.getRuntime().availableProcessors()));
    }

    public VectorKernels(int threads) {
        this.parallel = new Parallel(threads);
    }

    public int threads() { return parallel.threads(); }

    @Override
    public String name() { return "vector"; }

    /** The SIMD shape these kernels use, e.g. "16 floats per vector (512-bit)". */
    public static String simdDescription() {
        return Simd.L + " floats per vector (" + Simd.S.vectorBitSize() + "-bit)";
    }

    /** The SIMD width these kernels use, in bits (128, 256, 512, ...). */
    public static int vectorBits() {
        return Simd.S.vectorBitSize();
    }

    // ---- dense basics ------------------------------------------------------------------------

    @Override
    public void fill(Tensor t, float value) { VectorElementwise.fill(parallel, t, value); }

    @Override
    public void copyBlock(Tensor src, int srcRow, int srcCol, Tensor dst, int dstRow, int dstCol,
                          int rows, int cols, boolean accumulate) {
        VectorRows.copyBlock(parallel, src, srcRow, srcCol, dst, dstRow, dstCol, rows, cols, accumulate);
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) { VectorElementwise.axpby(parallel, alpha, x, beta, y); }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        VectorGemm.gemm(parallel, transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public void addRowVector(Tensor bias, Tensor y) { VectorRows.addRowVector(parallel, bias, y); }

    @Override
    public void sumRows(Tensor x, float beta, Tensor out) { VectorReductions.sumRows(parallel, x, beta, out); }

    // ---- sparse aggregation ------------------------------------------------------------------

    @Override
    public void spmm(CsrMatrix a, Tensor x, float beta, Tensor y) { VectorSparse.spmm(parallel, a, x, beta, y); }

    @Override
    public void csrMax(CsrMatrix a, Tensor x, Tensor y, IntTensor argmax) { VectorSparse.csrMax(parallel, a, x, y, argmax); }

    @Override
    public void csrMaxBackward(IntTensor argmax, Tensor dy, Tensor dx) { VectorSparse.csrMaxBackward(parallel, argmax, dy, dx); }

    // ---- row indexing ------------------------------------------------------------------------

    @Override
    public void gatherRows(Tensor src, IntTensor index, Tensor dst) { VectorRows.gatherRows(parallel, src, index, dst); }

    @Override
    public void scatterAddRows(Tensor src, IntTensor index, Tensor dst) { VectorRows.scatterAddRows(parallel, src, index, dst); }

    // ---- element-wise and row-wise -----------------------------------------------------------

    @Override
    public void leakyRelu(Tensor x, float slope, Tensor y) { VectorElementwise.leakyRelu(parallel, x, slope, y); }

    @Override
    public void leakyReluBackward(Tensor x, Tensor dy, float slope, Tensor dx) {
        VectorElementwise.leakyReluBackward(parallel, x, dy, slope, dx);
    }

    @Override
    public void rowL2Normalize(Tensor x, float eps, Tensor y, Tensor norms) {
        VectorRows.rowL2Normalize(parallel, x, eps, y, norms);
    }

    @Override
    public void rowL2NormalizeBackward(Tensor y, Tensor norms, float eps, Tensor dy, Tensor dx) {
        VectorRows.rowL2NormalizeBackward(parallel, y, norms, eps, dy, dx);
    }

    @Override
    public void rowDot(Tensor a, Tensor b, Tensor out) { VectorRows.rowDot(parallel, a, b, out); }

    @Override
    public void scaleRowsAdd(Tensor scale, Tensor x, Tensor y) { VectorRows.scaleRowsAdd(parallel, scale, x, y); }

    // ---- losses ------------------------------------------------------------------------------

    @Override
    public void sumSquares(Tensor x, Tensor out) { VectorReductions.sumSquares(parallel, x, out); }

    @Override
    public void sumSquaresBackward(Tensor x, Tensor dOut, Tensor dx) {
        VectorElementwise.sumSquaresBackward(parallel, x, dOut, dx);
    }

    @Override
    public void bprLoss(Tensor pos, Tensor neg, Tensor out) { VectorReductions.bprLoss(parallel, pos, neg, out); }

    @Override
    public void bprLossBackward(Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg) {
        VectorReductions.bprLossBackward(parallel, pos, neg, dOut, dPos, dNeg);
    }

    // ---- optimiser ---------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                         float eps, float weightDecay, int step) {
        VectorElementwise.adamStep(parallel, param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }

    // ---- fused -------------------------------------------------------------------------------

    @Override
    public void add(Tensor a, Tensor b, Tensor out) { VectorFused.add(parallel, a, b, out); }

    @Override
    public void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) {
        VectorFused.biasLeakyRelu(parallel, x, bias, slope, y);
    }

    @Override
    public void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta) {
        VectorFused.biasLeakyReluBackward(parallel, y, dy, slope, dz, dBias, biasBeta);
    }

    @Override
    public void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out) {
        VectorFused.gatherSumSquares(parallel, table, index, weight, beta, out);
    }

    @Override
    public void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable) {
        VectorFused.gatherSumSquaresBackward(parallel, table, index, weight, dOut, dTable);
    }

    // ---- evaluation --------------------------------------------------------------------------

    @Override
    public void maskScores(Tensor scores, CsrMatrix mask, int firstRow, float value) {
        VectorSparse.maskScores(parallel, scores, mask, firstRow, value);
    }

    @Override
    public void topK(Tensor scores, int k, IntTensor indices, Tensor values) {
        VectorTopK.topK(parallel, scores, k, indices, values);
    }

    @Override
    public synchronized Ceilings ceilings() {
        if (ceilings == null) ceilings = VectorProbe.measure(parallel);
        return ceilings;
    }

    /** Stops the worker threads; kernels called afterwards run on the caller alone. */
    @Override
    public void close() { parallel.close(); }

    @Override
    public String toString() { return "VectorKernels[" + Simd.S + ", " + parallel.threads() + " threads]"; }
}
