// Issue 14's fused kernels and the device-side Adam step. Each does the work of several primitives in
// one launch (or a two-stage reduction), with the semantics of ScalarKernels' fused methods and the
// rounding conventions of the other files: --fmad=false, float expressions evaluated in the Java
// reference's order, reductions in double in an order fixed by the shape alone.
//
// UNVERIFIED ON A GPU: loaded and launched only when the switch mmgcn.cuda.fused / MMGCN_CUDA_FUSED is
// on (see native/README.md); otherwise the CUDA backend runs the Kernels defaults built from the
// verified primitives and this module is not even loaded.
#include "reduce.cuh"

// out = a + b; out may alias a or b (each element is read and written by the same thread).
extern "C" __global__ void add_f32(const float* a, const float* b, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = a[i] + b[i];
}

// y = LeakyReLU(x + bias[c]); bias may be null; x and y may be the same buffer.
extern "C" __global__ void bias_leaky_relu(const float* x, const float* bias, float slope, float* y, int rows,
                                           int cols) {
    GRID_STRIDE(i, (long long)rows * cols) {
        float v = bias == nullptr ? x[i] : x[i] + bias[i % cols];
        y[i] = v > 0.0f ? v : slope * v;
    }
}

// dz = dy * (y > 0 ? 1 : slope), overwriting dz, which may be dy itself. The bias gradient is the
// column sum of dz, done after this by sum_rows_partial / sum_rows_final (bias.cu).
extern "C" __global__ void bias_leaky_relu_bwd(const float* y, const float* dy, float slope, float* dz,
                                               long long n) {
    GRID_STRIDE(i, n) {
        float g = dy[i];
        dz[i] = y[i] > 0.0f ? g : slope * g;
    }
}

// Stage 1 of out = weight * sum_k ||table[idx[k], :]||^2 + beta * out: element e = k * cols + c of the
// gathered rows, partial sums in double, one per block (the host picks the block count from
// n_idx * cols alone, as for sum_squares_partial). A bad index is reported, not read.
extern "C" __global__ void gather_sum_squares_partial(const float* table, int table_rows, const int* idx,
                                                      long long n_idx, int cols, double* partial, int* err) {
    double s = 0.0;
    GRID_STRIDE(e, n_idx * cols) {
        long long k = e / cols;
        int c = (int)(e - k * cols);
        int row = idx[k];
        if (row < 0 || row >= table_rows) {
            if (c == 0) report_index_error(err, ERR_GATHER_INDEX, row, table_rows);
        } else {
            float t = table[(long long)row * cols + c];
            s += (double)t * t;
        }
    }
    s = block_sum(s);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// Stage 2, one block: out[0] = (float)(weight * sum of partials) + (beta == 0 ? 0 : beta * out[0]).
// With no partials the sum is 0, so out becomes beta * out (the reference's result for an empty index).
extern "C" __global__ void gather_sum_squares_final(const double* partial, int count, float weight, float beta,
                                                    float* out) {
    double s = 0.0;
    for (int b = threadIdx.x; b < count; b += blockDim.x) s += partial[b];
    s = block_sum(s);
    if (threadIdx.x == 0) {
        float old = beta == 0.0f ? 0.0f : beta * out[0];
        out[0] = (float)((double)weight * s) + old;
    }
}

// dTable[idx[k], c] += 2 * weight * dOut[0] * table[idx[k], c]; repeated indices add up through
// atomicAdd (right to float rounding, the order of additions not fixed, as scatter_add_rows).
extern "C" __global__ void gather_sum_squares_bwd(const float* table, int table_rows, const int* idx,
                                                  long long n_idx, int cols, float weight, const float* d_out,
                                                  float* d_table, int* err) {
    float g = 2.0f * weight * d_out[0];
    GRID_STRIDE(e, n_idx * cols) {
        long long k = e / cols;
        int c = (int)(e - k * cols);
        int row = idx[k];
        if (row < 0 || row >= table_rows) {
            if (c == 0) report_index_error(err, ERR_SCATTER_INDEX, row, table_rows);
        } else {
            long long at = (long long)row * cols + c;
            atomicAdd(d_table + at, g * table[at]);
        }
    }
}

// adam_step (elementwise.cu) with the step number read on the device: step[0] holds it as an exact
// float (the optimiser advances it there), so no host value changes from one step to the next and a
// recorded step can be replayed. 1 - beta^t in double, as the host computes it for adam_step.
extern "C" __global__ void adam_step_dev(float* param, const float* grad, float* m, float* v, long long n,
                                         float lr, float beta1, float beta2, float eps, float weight_decay,
                                         const float* step) {
    double t = (double)step[0];
    double c1 = 1.0 - pow((double)beta1, t);
    double c2 = 1.0 - pow((double)beta2, t);
    GRID_STRIDE(i, n) {
        float g = grad[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        double p = param[i];
        p -= (double)lr * weight_decay * p;
        p -= lr * (mi / c1) / (sqrt(vi / c2) + eps);
        param[i] = (float)p;
    }
}
