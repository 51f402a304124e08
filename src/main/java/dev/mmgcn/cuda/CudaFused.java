package dev.mmgcn.cuda;

import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

import static dev.mmgcn.cuda.KernelArgs.pointer;
import static dev.mmgcn.kernels.Checks.nonNegativeSlope;
import static dev.mmgcn.kernels.Checks.rowVector;
import static dev.mmgcn.kernels.Checks.sameShape;
import static dev.mmgcn.kernels.Checks.scalar;

/**
 * The CUDA overrides of issue 14's fused {@code Kernels} methods (kernels in {@code native/fused.cu}),
 * used by {@link CudaKernels} only when {@link CudaSwitches#fused()} is on. Each follows the semantics of
 * the {@code ScalarKernels} override and checks its arguments on the host with the same {@code Checks}
 * before queueing anything; index errors surface at the next synchronising call, as for gatherRows.
 * None of it has run on a GPU yet: {@code native/device-check.sh}'s {@code fused} step is its test.
 */
final class CudaFused implements FusedOps {
    private final CudaRuntime rt;
    private final CudaKernels k;

    CudaFused(CudaRuntime rt, CudaKernels k) {
        if (!rt.fused()) throw new IllegalStateException("the fused module is not loaded");
        this.rt = rt;
        this.k = k;
    }

    @Override
    public void copy(IntTensor src, IntTensor dst) {
        long from = pointer(src, "copy source"), to = pointer(dst, "copy destination");
        if (src.size() != dst.size()) throw new IllegalArgumentException("sizes differ: " + src.shape() + " vs " + dst.shape());
        rt.copyDeviceToDevice(to, from, src.byteSize());
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        KernelArgs args = rt.args(Kernel.ADD).ptr(a).ptr(b).ptr(out).i64(a.size());
        sameShape(a, b);
        sameShape(a, out);
        rt.launchFlat(args, a.size());
    }

    @Override
    public void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) {
        long px = pointer(x, "biasLeakyRelu x"), py = pointer(y, "biasLeakyRelu y");
        sameShape(x, y);
        long pb = bias == null ? 0L : pointer(bias, "biasLeakyRelu bias");
        if (bias != null) rowVector(bias, y.cols());
        rt.launchFlat(rt.args(Kernel.BIAS_LEAKY_RELU).ptr(px).ptr(pb).f32(slope).ptr(py).i32(y.rows()).i32(y.cols()), y.size());
    }

    @Override
    public void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta) {
        KernelArgs args = rt.args(Kernel.BIAS_LEAKY_RELU_BWD).ptr(y).ptr(dy).f32(slope).ptr(dz).i64(y.size());
        sameShape(y, dy);
        sameShape(y, dz);
        nonNegativeSlope(slope);
        if (dBias != null) {
            pointer(dBias, "biasLeakyReluBackward dBias");
            rowVector(dBias, y.cols());
        }
        rt.launchFlat(args, y.size());
        // the column sums of dz: the verified two-stage kernel (a bias of an empty batch gets beta·dBias)
        if (dBias != null) k.sumRows(dz, biasBeta, dBias);
    }

    @Override
    public void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out) {
        KernelArgs first = rt.args(Kernel.GATHER_SUM_SQUARES_PARTIAL).ptr(table).i32(table.rows()).ptr(index).i64(index.size())
                .i32(table.cols());
        long to = pointer(out, "gatherSumSquares output");
        scalar(out);
        long total = index.size() * table.cols();
        int blocks = CudaKernels.partialBlocks(total);
        long partial = rt.scratch((long) CudaKernels.MAX_PARTIALS * Double.BYTES);
        if (blocks > 0) rt.launch(first.ptr(partial).ptr(rt.errorWord()), blocks);
        rt.launch(rt.args(Kernel.GATHER_SUM_SQUARES_FINAL).ptr(partial).i32(blocks).f32(weight).f32(beta).ptr(to), 1);
    }

    @Override
    public void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable) {
        KernelArgs args = rt.args(Kernel.GATHER_SUM_SQUARES_BWD).ptr(table).i32(table.rows()).ptr(index).i64(index.size())
                .i32(table.cols()).f32(weight).ptr(dOut).ptr(dTable).ptr(rt.errorWord());
        scalar(dOut);
        sameShape(table, dTable);
        rt.launchFlat(args, index.size() * table.cols());
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, Tensor step) {
        KernelArgs args = rt.args(Kernel.ADAM_DEVICE_STEP).ptr(param).ptr(grad).ptr(m).ptr(v).i64(param.size())
                .f32(lr).f32(beta1).f32(beta2).f32(eps).f32(weightDecay).ptr(step);
        sameShape(param, grad);
        sameShape(param, m);
        sameShape(param, v);
        scalar(step);
        rt.launchFlat(args, param.size());
    }
}
