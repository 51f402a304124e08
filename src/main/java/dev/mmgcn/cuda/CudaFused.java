package dev.mmgcn.cuda;

import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

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
final class CudaFused {
    private final CudaRuntime rt;
    private final CudaKernels k;

    CudaFused(CudaRuntime rt, CudaKernels k) {
        if (!rt.fused()) throw new IllegalStateException("the fused module is not loaded");
        this.rt = rt;
        this.k = k;
    }

    void copy(IntTensor src, IntTensor dst) {
        onDevice(src.device(), "copy source");
        onDevice(dst.device(), "copy destination");
        if (src.size() != dst.size()) throw new IllegalArgumentException("sizes differ: " + src.shape() + " vs " + dst.shape());
        rt.copyDeviceToDevice(dst.address(), src.address(), src.size() * Integer.BYTES);
    }

    void add(Tensor a, Tensor b, Tensor out) {
        onDevice(a.device(), "add a");
        onDevice(b.device(), "add b");
        onDevice(out.device(), "add output");
        sameShape(a, b);
        sameShape(a, out);
        long n = a.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.ADD).ptr(a).ptr(b).ptr(out).i64(n), CudaRuntime.blocksFor(n));
    }

    void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) {
        onDevice(x.device(), "biasLeakyRelu x");
        onDevice(y.device(), "biasLeakyRelu y");
        sameShape(x, y);
        if (bias != null) {
            onDevice(bias.device(), "biasLeakyRelu bias");
            rowVector(bias, y.cols());
        }
        long n = y.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.BIAS_LEAKY_RELU).ptr(x).ptr(bias == null ? 0L : bias.address()).f32(slope).ptr(y)
                .i32(y.rows()).i32(y.cols()), CudaRuntime.blocksFor(n));
    }

    void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta) {
        onDevice(y.device(), "biasLeakyReluBackward y");
        onDevice(dy.device(), "biasLeakyReluBackward dy");
        onDevice(dz.device(), "biasLeakyReluBackward dz");
        sameShape(y, dy);
        sameShape(y, dz);
        nonNegativeSlope(slope);
        if (dBias != null) {
            onDevice(dBias.device(), "biasLeakyReluBackward dBias");
            rowVector(dBias, y.cols());
        }
        long n = y.size();
        if (n > 0) {
            rt.launch(new KernelArgs(Kernel.BIAS_LEAKY_RELU_BWD).ptr(y).ptr(dy).f32(slope).ptr(dz).i64(n),
                    CudaRuntime.blocksFor(n));
        }
        // the column sums of dz: the verified two-stage kernel (a bias of an empty batch gets beta·dBias)
        if (dBias != null) k.sumRows(dz, biasBeta, dBias);
    }

    void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out) {
        onDevice(table.device(), "gatherSumSquares table");
        onDevice(index.device(), "gatherSumSquares index");
        onDevice(out.device(), "gatherSumSquares output");
        scalar(out);
        long total = index.size() * table.cols();
        int blocks = CudaKernels.partialBlocks(total);
        long partial = rt.scratch((long) CudaKernels.MAX_PARTIALS * Double.BYTES);
        if (blocks > 0) {
            rt.launch(new KernelArgs(Kernel.GATHER_SUM_SQUARES_PARTIAL).ptr(table).i32(table.rows()).ptr(index)
                    .i64(index.size()).i32(table.cols()).ptr(partial).ptr(rt.errorWord()), blocks);
        }
        rt.launch(new KernelArgs(Kernel.GATHER_SUM_SQUARES_FINAL).ptr(partial).i32(blocks).f32(weight).f32(beta).ptr(out), 1);
    }

    void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable) {
        onDevice(table.device(), "gatherSumSquaresBackward table");
        onDevice(index.device(), "gatherSumSquaresBackward index");
        onDevice(dOut.device(), "gatherSumSquaresBackward dOut");
        onDevice(dTable.device(), "gatherSumSquaresBackward dTable");
        scalar(dOut);
        sameShape(table, dTable);
        long total = index.size() * table.cols();
        if (total == 0) return;
        rt.launch(new KernelArgs(Kernel.GATHER_SUM_SQUARES_BWD).ptr(table).i32(table.rows()).ptr(index).i64(index.size())
                .i32(table.cols()).f32(weight).ptr(dOut).ptr(dTable).ptr(rt.errorWord()), CudaRuntime.blocksFor(total));
    }

    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                  float weightDecay, Tensor step) {
        onDevice(param.device(), "adam param");
        onDevice(grad.device(), "adam grad");
        onDevice(m.device(), "adam m");
        onDevice(v.device(), "adam v");
        onDevice(step.device(), "adam step count");
        sameShape(param, grad);
        sameShape(param, m);
        sameShape(param, v);
        scalar(step);
        long n = param.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.ADAM_DEVICE_STEP).ptr(param).ptr(grad).ptr(m).ptr(v).i64(n)
                .f32(lr).f32(beta1).f32(beta2).f32(eps).f32(weightDecay).ptr(step), CudaRuntime.blocksFor(n));
    }

    private static void onDevice(Device d, String what) {
        if (d != Device.CUDA) {
            throw new IllegalArgumentException(what + " is a " + d + " tensor; the cuda backend needs it uploaded to the GPU");
        }
    }
}
