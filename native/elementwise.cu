// Element-wise kernels: fill, scale, axpby, LeakyReLU (forward and backward), and the Adam step.
// Built with --fmad=false (see Makefile), so each float expression rounds exactly like the Java
// reference and these kernels match ScalarKernels bit for bit.
#include "common.cuh"

extern "C" __global__ void fill_f32(float* x, long long n, float value) {
    GRID_STRIDE(i, n) x[i] = value;
}

// y = beta * y, where beta == 0 clears y even if it holds NaN (the contract for beta == 0).
extern "C" __global__ void scale_f32(float* y, long long n, float beta) {
    GRID_STRIDE(i, n) y[i] = beta == 0.0f ? 0.0f : beta * y[i];
}

extern "C" __global__ void axpby_f32(float alpha, const float* x, float beta, float* y, long long n) {
    GRID_STRIDE(i, n) {
        float old = beta == 0.0f ? 0.0f : beta * y[i];
        y[i] = alpha * x[i] + old;
    }
}

extern "C" __global__ void leaky_relu_fwd(const float* x, float slope, float* y, long long n) {
    GRID_STRIDE(i, n) {
        float v = x[i];
        y[i] = v > 0.0f ? v : slope * v;
    }
}

// dx += dy * (x > 0 ? 1 : slope)
extern "C" __global__ void leaky_relu_bwd(const float* x, const float* dy, float slope, float* dx, long long n) {
    GRID_STRIDE(i, n) {
        float g = x[i] > 0.0f ? dy[i] : slope * dy[i];
        dx[i] = dx[i] + g;
    }
}

// AdamW step. c1 = 1 - beta1^step and c2 = 1 - beta2^step come from the host in double; the
// parameter update runs in double like the reference, the moments in float.
extern "C" __global__ void adam_step(float* param, const float* grad, float* m, float* v, long long n,
                                     float lr, float beta1, float beta2, float eps, float weight_decay,
                                     double c1, double c2) {
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
