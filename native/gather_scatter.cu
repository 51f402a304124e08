// Row indexing (gather rows by index, scatter-add rows by index) and block copies, which serve for
// concatenation and splitting along either axis.
#include "common.cuh"

// dst[k,:] = src[index[k],:]. A bad index leaves its row untouched and is reported through err.
extern "C" __global__ void gather_rows(const float* src, int src_rows, const int* index, int n, int cols,
                                       float* dst, int* err) {
    GRID_STRIDE(idx, (long long)n * cols) {
        int k = (int)(idx / cols);
        int c = (int)(idx % cols);
        int row = index[k];
        if (row < 0 || row >= src_rows) {
            if (c == 0) report_index_error(err, ERR_GATHER_INDEX, row, src_rows);
            continue;
        }
        dst[idx] = src[(long long)row * cols + c];
    }
}

// dst[index[k],:] += src[k,:]. Repeated indices add up through atomicAdd, so the order of the
// additions, and with it the last bits of a repeated row's sum, can change from run to run: this
// kernel is not bit-deterministic.
extern "C" __global__ void scatter_add_rows(const float* src, const int* index, int n, int cols, float* dst,
                                            int dst_rows, int* err) {
    GRID_STRIDE(idx, (long long)n * cols) {
        int k = (int)(idx / cols);
        int c = (int)(idx % cols);
        int row = index[k];
        if (row < 0 || row >= dst_rows) {
            if (c == 0) report_index_error(err, ERR_SCATTER_INDEX, row, dst_rows);
            continue;
        }
        atomicAdd(dst + (long long)row * cols + c, src[idx]);
    }
}

// dst block (+)= src block; both pointers already point at the block's first element and ld is the
// row stride of each full matrix.
extern "C" __global__ void copy_block(const float* src, int src_ld, float* dst, int dst_ld, int rows, int cols,
                                      int accumulate) {
    GRID_STRIDE(idx, (long long)rows * cols) {
        long long r = idx / cols;
        int c = (int)(idx % cols);
        float v = src[r * src_ld + c];
        float* d = dst + r * dst_ld + c;
        *d = accumulate ? v + *d : v;
    }
}
