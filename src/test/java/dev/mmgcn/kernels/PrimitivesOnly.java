package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * A backend that forwards only the primitives of {@link Kernels} and so runs every fused method through
 * its default implementation: the path a backend that overrides none of them (CUDA, today) takes. Over
 * {@link ScalarKernels} it is also an oracle for the scalar fused kernels written independently of them.
 * Its defaults take their scratch from a scope per call; {@link WithScratch} keeps one growing buffer, as
 * the CUDA backend's defaults do.
 */
public class PrimitivesOnly implements Kernels {
    private final Kernels k;

    public PrimitivesOnly(Kernels k) {
        this.k = k;
    }

    @Override public String name() { return "defaults(" + k.name() + ")"; }
    @Override public String toString() { return "fused defaults over " + k; }
    @Override public Device device() { return k.device(); }
    /** Scopes asked for so far: a default that had to allocate its own scratch shows up here. */
    public int scopes;

    @Override public Scope newScope() {
        scopes++;
        return k.newScope();
    }
    @Override public void upload(Tensor host, Tensor dst) { k.upload(host, dst); }
    @Override public void download(Tensor src, Tensor hostDst) { k.download(src, hostDst); }
    @Override public void upload(IntTensor host, IntTensor dst) { k.upload(host, dst); }
    @Override public void download(IntTensor src, IntTensor hostDst) { k.download(src, hostDst); }
    @Override public CsrMatrix upload(CsrMatrix host, Scope scope) { return k.upload(host, scope); }
    @Override public float readScalar(Tensor t) { return k.readScalar(t); }
    @Override public void fill(Tensor t, float value) { k.fill(t, value); }
    @Override public void copyBlock(Tensor src, int srcRow, int srcCol, Tensor dst, int dstRow, int dstCol, int rows, int cols,
                                    boolean accumulate) { k.copyBlock(src, srcRow, srcCol, dst, dstRow, dstCol, rows, cols, accumulate); }
    @Override public void axpby(float alpha, Tensor x, float beta, Tensor y) { k.axpby(alpha, x, beta, y); }
    @Override public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        k.gemm(transA, transB, alpha, a, b, beta, c);
    }
    @Override public void addRowVector(Tensor bias, Tensor y) { k.addRowVector(bias, y); }
    @Override public void sumRows(Tensor x, float beta, Tensor out) { k.sumRows(x, beta, out); }
    @Override public void spmm(CsrMatrix a, Tensor x, float beta, Tensor y) { k.spmm(a, x, beta, y); }
    @Override public void csrMax(CsrMatrix a, Tensor x, Tensor y, IntTensor argmax) { k.csrMax(a, x, y, argmax); }
    @Override public void csrMaxBackward(IntTensor argmax, Tensor dy, Tensor dx) { k.csrMaxBackward(argmax, dy, dx); }
    @Override public void gatherRows(Tensor src, IntTensor index, Tensor dst) { k.gatherRows(src, index, dst); }
    @Override public void scatterAddRows(Tensor src, IntTensor index, Tensor dst) { k.scatterAddRows(src, index, dst); }
    @Override public void leakyRelu(Tensor x, float slope, Tensor y) { k.leakyRelu(x, slope, y); }
    @Override public void leakyReluBackward(Tensor x, Tensor dy, float slope, Tensor dx) { k.leakyReluBackward(x, dy, slope, dx); }
    @Override public void rowL2Normalize(Tensor x, float eps, Tensor y, Tensor norms) { k.rowL2Normalize(x, eps, y, norms); }
    @Override public void rowL2NormalizeBackward(Tensor y, Tensor norms, float eps, Tensor dy, Tensor dx) {
        k.rowL2NormalizeBackward(y, norms, eps, dy, dx);
    }
    @Override public void rowDot(Tensor a, Tensor b, Tensor out) { k.rowDot(a, b, out); }
    @Override public void scaleRowsAdd(Tensor scale, Tensor x, Tensor y) { k.scaleRowsAdd(scale, x, y); }
    @Override public void sumSquares(Tensor x, Tensor out) { k.sumSquares(x, out); }
    @Override public void sumSquaresBackward(Tensor x, Tensor dOut, Tensor dx) { k.sumSquaresBackward(x, dOut, dx); }
    @Override public void bprLoss(Tensor pos, Tensor neg, Tensor out) { k.bprLoss(pos, neg, out); }
    @Override public void bprLossBackward(Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg) {
        k.bprLossBackward(pos, neg, dOut, dPos, dNeg);
    }
    @Override public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                                   float weightDecay, int step) {
        k.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }
    @Override public void maskScores(Tensor scores, CsrMatrix mask, int firstRow, float value) { k.maskScores(scores, mask, firstRow, value); }
    @Override public void topK(Tensor scores, int k, IntTensor indices, Tensor values) { this.k.topK(scores, k, indices, values); }
    @Override public void close() { k.close(); }

    /** The same, keeping the defaults' scratch between calls ({@link ScratchSpace}): the CUDA defaults' path. */
    public static class WithScratch extends PrimitivesOnly implements ScratchSpace {
        private final ScratchSpace space = ScratchSpace.growing(this);

        public WithScratch(Kernels k) {
            super(k);
        }

        @Override public String toString() { return super.toString() + " with kept scratch"; }
        @Override public Tensor scratch(long floats) { return space.scratch(floats); }
    }
}
