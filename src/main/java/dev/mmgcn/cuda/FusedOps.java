package dev.mmgcn.cuda;

import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

/**
 * The optional (fused) methods of {@link dev.mmgcn.kernels.Kernels} that the CUDA backend implements one
 * of two ways, chosen once when it opens ({@link CudaSwitches#fused()}): {@link CudaFused}'s kernels, or
 * the {@code Kernels} defaults over the backend's primitives ({@link KernelDefaults}). Same signatures
 * as in {@code Kernels}.
 */
interface FusedOps {
    void copy(IntTensor src, IntTensor dst);

    void add(Tensor a, Tensor b, Tensor out);

    void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y);

    void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta);

    void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out);

    void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable);

    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                  float weightDecay, Tensor step);
}
