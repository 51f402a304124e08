// Shared by every kernel file: launch-geometry helpers, warp reductions, and the device-side error
// word through which kernels report a bad index (a kernel cannot throw; the host reads the word at
// its next synchronising call and raises the exception there).
#pragma once

#define GRID_STRIDE(i, n)                                                         \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long)blockDim.x * gridDim.x)

#define FULL_MASK 0xffffffffu

// One warp per row: every lane of a warp sees the same row, so warp shuffles inside are safe
// (launch with a block size that is a multiple of 32).
#define WARP_LOOP(row, rows)                                                                     \
    for (int row = (int)(((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5); row < (rows); \
         row += (int)(((long long)gridDim.x * blockDim.x) >> 5))

// Error codes; CudaRuntime maps them back to messages.
#define ERR_GATHER_INDEX 1
#define ERR_SCATTER_INDEX 2
#define ERR_ARGMAX_INDEX 3

// err[0] = code, err[1] = offending index, err[2] = bound. Only the first error is kept.
__device__ __forceinline__ void report_index_error(int* err, int code, int index, int bound) {
    if (atomicCAS(err, 0, code) == 0) {
        err[1] = index;
        err[2] = bound;
    }
}

// Butterfly sum: every lane ends with the same bits, because each step adds the same two values
// in every lane of a pair (IEEE addition is commutative).
__device__ __forceinline__ double warp_sum(double v) {
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(FULL_MASK, v, offset);
    return v;
}

// Java's Math.max for floats where b is not NaN: a NaN a wins, as in the reference.
__device__ __forceinline__ float java_maxf(float a, float b) {
    return (a != a || a >= b) ? a : b;
}
