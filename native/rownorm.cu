// Row-wise kernels, one warp per row: L2 normalisation (forward and backward), rowDot and its
// backward scaleRowsAdd. Row sums run in double, as in the reference, with a fixed lane pattern, so
// a row's result does not depend on the launch geometry.
#include "common.cuh"

// norms[r] = |x_r|; y_r = x_r / max(norms[r], eps)
extern "C" __global__ void row_l2_normalize(const float* x, int rows, int cols, float eps, float* y, float* norms) {
    int lane = threadIdx.x & 31;
    WARP_LOOP(r, rows) {
        const float* xr = x + (long long)r * cols;
        double s = 0.0;
        for (int c = lane; c < cols; c += 32) s += (double)xr[c] * xr[c];
        s = __shfl_sync(FULL_MASK, warp_sum(s), 0);
        float norm = (float)sqrt(s);
        if (lane == 0) norms[r] = norm;
        float d = java_maxf(norm, eps);
        float* yr = y + (long long)r * cols;
        for (int c = lane; c < cols; c += 32) yr[c] = xr[c] / d;
    }
}

// dx_r += (dy_r - y_r <dy_r, y_r>) / norm_r, or dy_r / eps where the norm was clamped.
extern "C" __global__ void row_l2_normalize_bwd(const float* y, const float* norms, int rows, int cols, float eps,
                                                const float* dy, float* dx) {
    int lane = threadIdx.x & 31;
    WARP_LOOP(r, rows) {
        long long base = (long long)r * cols;
        float norm = norms[r];
        if (norm > eps) {
            double dot = 0.0;
            for (int c = lane; c < cols; c += 32) dot += (double)dy[base + c] * y[base + c];
            dot = __shfl_sync(FULL_MASK, warp_sum(dot), 0);
            for (int c = lane; c < cols; c += 32) {
                float g = (float)((dy[base + c] - y[base + c] * dot) / norm);
                dx[base + c] = dx[base + c] + g;
            }
        } else {
            for (int c = lane; c < cols; c += 32) dx[base + c] = dx[base + c] + dy[base + c] / eps;
        }
    }
}

// out[r] = <a_r, b_r>
extern "C" __global__ void row_dot(const float* a, const float* b, int rows, int cols, float* out) {
    int lane = threadIdx.x & 31;
    WARP_LOOP(r, rows) {
        long long base = (long long)r * cols;
        double s = 0.0;
        for (int c = lane; c < cols; c += 32) s += (double)a[base + c] * b[base + c];
        s = warp_sum(s);
        if (lane == 0) out[r] = (float)s;
    }
}

// y[r,:] += scale[r] * x[r,:]
extern "C" __global__ void scale_rows_add(const float* scale, const float* x, int rows, int cols, float* y) {
    GRID_STRIDE(i, (long long)rows * cols) y[i] = y[i] + scale[i / cols] * x[i];
}
