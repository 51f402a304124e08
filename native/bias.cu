// Bias forward (add a row vector to every row) and backward (column sums).
#include "common.cuh"

extern "C" __global__ void add_row_vector(const float* bias, float* y, int rows, int cols) {
    GRID_STRIDE(i, (long long)rows * cols) y[i] = y[i] + bias[i % cols];
}

// Column sums in two deterministic stages. Stage 1: block (bx, by) sums the rows of chunk by for the
// 32 columns of bx, eight row lanes per column, into partial[by * cols + c] (double). The chunking
// depends only on rows, never on the GPU, so the result does not either.
// Block shape: 32 x 8 threads.
extern "C" __global__ void sum_rows_partial(const float* x, int rows, int cols, int rows_per_chunk,
                                            double* partial) {
    __shared__ double lane_sum[8][33];
    int c = blockIdx.x * 32 + threadIdx.x;
    long long first = (long long)blockIdx.y * rows_per_chunk;
    long long last = min((long long)rows, first + rows_per_chunk);
    double s = 0.0;
    if (c < cols) {
        for (long long r = first + threadIdx.y; r < last; r += 8) s += (double)x[r * cols + c];
    }
    lane_sum[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        double t = 0.0;
        for (int l = 0; l < 8; l++) t += lane_sum[l][threadIdx.x];
        partial[(long long)blockIdx.y * cols + c] = t;
    }
}

// Stage 2: out[c] = sum of the chunk partials in chunk order + beta * out[c].
extern "C" __global__ void sum_rows_final(const double* partial, int chunks, int cols, float beta, float* out) {
    GRID_STRIDE(c, cols) {
        double s = 0.0;
        for (int b = 0; b < chunks; b++) s += partial[(long long)b * cols + c];
        float old = beta == 0.0f ? 0.0f : beta * out[c];
        out[c] = (float)s + old;
    }
}
