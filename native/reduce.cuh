// Block-wide double sum shared by the two-stage reductions (loss.cu, fused.cu): launch with
// REDUCE_THREADS threads per block. Its shared array's symbol (_ZZ9block_sumdE10warp_total) is
// checked against the launch shape by CudaBackendTest.
#pragma once
#include "common.cuh"

#define REDUCE_THREADS 256

// Block-wide sum of one double per thread; the result is valid in thread 0.
__device__ double block_sum(double v) {
    __shared__ double warp_total[REDUCE_THREADS / 32];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_sum(v);
    if (lane == 0) warp_total[warp] = v;
    __syncthreads();
    double t = 0.0;
    if (warp == 0) {
        t = lane < REDUCE_THREADS / 32 ? warp_total[lane] : 0.0;
        t = warp_sum(t);
    }
    return t;
}
