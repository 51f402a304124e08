// Scalar losses with 1x1 outputs written on the device: the sum of squares (L2 penalty) and the
// BPR loss mean softplus(neg - pos), each with its backward. Reductions are two deterministic
// stages: a fixed number of blocks (chosen from n alone by the host) writes one double partial each,
// then one block adds the partials in a fixed tree order.
#include "reduce.cuh"

// log(1 + e^z) without overflow for large z or loss of precision for very negative z.
__device__ __forceinline__ double softplus(double z) {
    return fmax(z, 0.0) + log1p(exp(-fabs(z)));
}

__device__ __forceinline__ double sigmoid(double z) {
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

extern "C" __global__ void sum_squares_partial(const float* x, long long n, double* partial) {
    double s = 0.0;
    GRID_STRIDE(i, n) s += (double)x[i] * x[i];
    s = block_sum(s);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

extern "C" __global__ void bpr_loss_partial(const float* pos, const float* neg, long long n, double* partial) {
    double s = 0.0;
    GRID_STRIDE(i, n) s += softplus((double)neg[i] - pos[i]);
    s = block_sum(s);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// out[0] = (sum of count partials) / divisor; count == 0 gives 0. Launch with one block.
extern "C" __global__ void reduce_final(const double* partial, int count, double divisor, float* out) {
    double s = 0.0;
    for (int b = threadIdx.x; b < count; b += blockDim.x) s += partial[b];
    s = block_sum(s);
    if (threadIdx.x == 0) out[0] = count == 0 ? 0.0f : (float)(s / divisor);
}

// dx += 2 * dOut[0] * x
extern "C" __global__ void sum_squares_bwd(const float* x, const float* d_out, float* dx, long long n) {
    float g = 2.0f * d_out[0];
    GRID_STRIDE(i, n) dx[i] = dx[i] + g * x[i];
}

// s = dOut * sigmoid(neg - pos) / n; dPos -= s; dNeg += s
extern "C" __global__ void bpr_loss_bwd(const float* pos, const float* neg, const float* d_out, float* d_pos,
                                        float* d_neg, long long n) {
    double g = d_out[0] / (double)n;
    GRID_STRIDE(i, n) {
        float s = (float)(g * sigmoid((double)neg[i] - pos[i]));
        d_pos[i] = d_pos[i] - s;
        d_neg[i] = d_neg[i] + s;
    }
}
