// Block-wide double sum shared by the two-stage reductions (loss.cu, fused.cu), launched with
// REDUCE_THREADS threads per block. Its shared array's symbol (_ZZ9block_sumdE10warp_total) and its
// closing barrier are checked in the PTX by CudaBackendTest.
#pragma once
#include "common.cuh"

#define REDUCE_THREADS 256
// One slot per warp of the largest block CUDA allows (1024 threads).
#define MAX_BLOCK_WARPS 32

// Block-wide sum of one double per thread; the result is valid in thread 0. Every thread of the block
// must call it (it has barriers). Any block of whole warps up to 1024 threads: the number of warps comes
// from blockDim.x, not from REDUCE_THREADS, so a launch of another shape sums every warp instead of
// silently dropping (or reading past) some. For REDUCE_THREADS the order of additions, and so the bits,
// are what they were: warp 0's lanes 0..7 hold the eight warp totals, the rest add 0.0.
// The closing __syncthreads: warp 0 reads warp_total after the first barrier; without a second one, a
// kernel that calls block_sum again (or reuses the shared array) could let another warp's lane 0 write
// its next total before warp 0 has read this one.
__device__ double block_sum(double v) {
    __shared__ double warp_total[MAX_BLOCK_WARPS];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = (int)((blockDim.x + 31) >> 5);
    v = warp_sum(v);
    if (lane == 0) warp_total[warp] = v;
    __syncthreads();
    double t = 0.0;
    if (warp == 0) {
        t = lane < warps ? warp_total[lane] : 0.0;
        t = warp_sum(t);
    }
    __syncthreads();
    return t;
}
