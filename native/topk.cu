// Evaluation kernels: mask a user's training items, then take each row's top K.
#include "common.cuh"

#define TOPK_THREADS 256
// Candidates of up to TOPK_MAX entries stay in shared memory; a larger k spills them to global
// scratch, one k-slot slice per block (CudaKernels.MAX_SHARED_TOP_K must equal this).
#define TOPK_MAX 128

// scores[r, c] = value for every column c stored in row (first_row + r) of the mask.
extern "C" __global__ void mask_scores(float* scores, int rows, int cols, const int* row_ptr, const int* col_idx,
                                       int first_row, float value) {
    int lane = threadIdx.x & 31;
    WARP_LOOP(r, rows) {
        int end = row_ptr[first_row + r + 1];
        for (int e = row_ptr[first_row + r] + lane; e < end; e += 32) {
            int c = col_idx[e];
            if (c >= 0 && c < cols) scores[(long long)r * cols + c] = value;
        }
    }
}

// Maps a float to an unsigned key with the same order. -0 becomes +0 so that the two tie as they do
// under Java's >; NaN maps to 0, below -inf (the reference would keep a NaN that arrives while the
// list is still filling; a NaN score means training diverged, so only the order of real scores is
// specified).
__device__ __forceinline__ unsigned int order_key(float v) {
    if (v != v) return 0u;
    if (v == 0.0f) v = 0.0f;
    unsigned int u = __float_as_uint(v);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// Per row, the k largest scores in descending order with their columns; ties go to the lower column.
// One block per row, three steps:
//  1. radix select on the keys, 8 bits a pass from the top: finds the k-th largest key T and how many
//     keys equal to T belong in the answer (4 passes over the row, histograms in shared memory);
//  2. one ordered pass collects every key > T and the lowest-indexed keys == T, using ballots so that
//     "lowest index" holds exactly;
//  3. the k candidates are placed by rank (value desc, column asc), which is a permutation because
//     (key, column) pairs are distinct.
// So a row is read 5 times whatever k is, and the result never depends on thread timing. Step 3 is
// O(k^2) per row: negligible for evaluation cut-offs, slow only for k in the thousands.
// spill_key / spill_idx (gridDim.x * k entries each) are read only when k > TOPK_MAX; else null.
extern "C" __global__ void topk_rows(const float* scores, int rows, int cols, int k, int* out_idx, float* out_val,
                                     unsigned int* spill_key, int* spill_idx) {
    __shared__ unsigned int hist[256];
    __shared__ unsigned int s_prefix;
    __shared__ int s_remaining;
    __shared__ unsigned int shared_key[TOPK_MAX];
    __shared__ int shared_idx[TOPK_MAX];
    __shared__ int n_greater;
    __shared__ int n_equal_taken;
    __shared__ int warp_counts[TOPK_THREADS / 32];

    unsigned int* cand_key = k <= TOPK_MAX ? shared_key : spill_key + (long long)blockIdx.x * k;
    int* cand_idx = k <= TOPK_MAX ? shared_idx : spill_idx + (long long)blockIdx.x * k;

    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    for (int row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* s = scores + (long long)row * cols;

        // 1. radix select
        unsigned int prefix = 0u, mask = 0u;
        int remaining = k;  // how many of the keys that match prefix still belong in the answer
        for (int shift = 24; shift >= 0; shift -= 8) {
            for (int b = threadIdx.x; b < 256; b += blockDim.x) hist[b] = 0u;
            __syncthreads();
            for (int c = threadIdx.x; c < cols; c += blockDim.x) {
                unsigned int key = order_key(s[c]);
                if ((key & mask) == prefix) atomicAdd(&hist[(key >> shift) & 0xFFu], 1u);
            }
            __syncthreads();
            if (threadIdx.x == 0) {
                int above = 0;
                int d = 255;
                for (; d > 0; d--) {
                    if (above + (int)hist[d] >= remaining) break;
                    above += (int)hist[d];
                }
                s_prefix = prefix | ((unsigned int)d << shift);
                s_remaining = remaining - above;
            }
            __syncthreads();
            prefix = s_prefix;
            remaining = s_remaining;
            mask |= 0xFFu << shift;
        }
        // prefix is now the k-th largest key T; `remaining` keys equal to T are taken, after the
        // k - remaining keys greater than T.
        int greater_total = k - remaining;

        // 2. collect
        if (threadIdx.x == 0) {
            n_greater = 0;
            n_equal_taken = 0;
        }
        __syncthreads();
        for (int base = 0; base < cols; base += blockDim.x) {
            int c = base + threadIdx.x;
            bool valid = c < cols;
            unsigned int key = valid ? order_key(s[c]) : 0u;
            if (valid && key > prefix) {
                int slot = atomicAdd(&n_greater, 1);
                cand_key[slot] = key;
                cand_idx[slot] = c;
            }
            bool eq = valid && key == prefix;
            unsigned int ballot = __ballot_sync(FULL_MASK, eq);
            if (lane == 0) warp_counts[warp] = __popc(ballot);
            __syncthreads();
            int before = n_equal_taken + __popc(ballot & ((1u << lane) - 1u));
            for (int w = 0; w < warp; w++) before += warp_counts[w];
            if (eq && before < remaining) {
                cand_key[greater_total + before] = key;
                cand_idx[greater_total + before] = c;
            }
            __syncthreads();
            if (threadIdx.x == 0) {
                int t = 0;
                for (int w = 0; w < TOPK_THREADS / 32; w++) t += warp_counts[w];
                n_equal_taken += t;
            }
            __syncthreads();
        }

        // 3. place by rank
        for (int a = threadIdx.x; a < k; a += blockDim.x) {
            unsigned int ka = cand_key[a];
            int ia = cand_idx[a];
            int rank = 0;
            for (int b = 0; b < k; b++) {
                unsigned int kb = cand_key[b];
                rank += (kb > ka || (kb == ka && cand_idx[b] < ia)) ? 1 : 0;
            }
            out_idx[(long long)row * k + rank] = ia;
            out_val[(long long)row * k + rank] = s[ia];
        }
        __syncthreads();
    }
}
