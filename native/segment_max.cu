// CSR row-wise max aggregation ("agg = max") with its argmax, and the backward pass that routes each
// output gradient to the neighbour that won.
#include "common.cuh"

// y[i,c] = max over stored j in row i of x[j,c]; argmax[i,c] = that j (the first in storage order on
// ties); an empty row gives y = 0 and argmax = -1. One thread per (i, c): the threads of a row read
// the same column indices and consecutive x entries, so loads coalesce along c.
extern "C" __global__ void csr_max(const int* row_ptr, const int* col_idx, const float* x, int rows, int width,
                                   float* y, int* argmax) {
    GRID_STRIDE(idx, (long long)rows * width) {
        int i = (int)(idx / width);
        int c = (int)(idx % width);
        int best = -1;
        float best_value = 0.0f;
        for (int e = row_ptr[i]; e < row_ptr[i + 1]; e++) {
            int j = col_idx[e];
            float v = x[(long long)j * width + c];
            if (best < 0 || v > best_value) {
                best = j;
                best_value = v;
            }
        }
        y[idx] = best_value;
        argmax[idx] = best;
    }
}

// dx[argmax[i,c], c] += dy[i,c], skipping -1. Several rows may route to the same dx entry, so this
// adds with atomicAdd: the sum is exact up to float rounding but its order, and so its last bits,
// can differ between runs (not bit-deterministic).
extern "C" __global__ void csr_max_bwd(const int* argmax, const float* dy, int rows, int width, float* dx,
                                       int dx_rows, int* err) {
    GRID_STRIDE(idx, (long long)rows * width) {
        int j = argmax[idx];
        if (j < 0) continue;
        if (j >= dx_rows) {
            report_index_error(err, ERR_ARGMAX_INDEX, j, dx_rows);
            continue;
        }
        atomicAdd(dx + (long long)j * width + idx % width, dy[idx]);
    }
}
