/* A host-memory stand-in for the five cuBLAS entry points CublasBinding calls, with cuBLAS's own
 * argument checks, so that the FFM binding (symbol names, descriptors, argument order, leading
 * dimensions) can be tested on machines without a GPU. Pointers are host pointers here. */
#include <stdint.h>
#include <stdlib.h>

typedef struct { int magic; void *stream; } fake_handle;

#define OK 0
#define NOT_INITIALIZED 1
#define INVALID_VALUE 7
#define MAGIC 0x5eed

int cublasCreate_v2(fake_handle **h) {
    if (!h) return INVALID_VALUE;
    *h = calloc(1, sizeof(fake_handle));
    (*h)->magic = MAGIC;
    return OK;
}

int cublasDestroy_v2(fake_handle *h) {
    if (!h || h->magic != MAGIC) return NOT_INITIALIZED;
    h->magic = 0;
    free(h);
    return OK;
}

int cublasSetStream_v2(fake_handle *h, void *stream) {
    if (!h || h->magic != MAGIC) return NOT_INITIALIZED;
    h->stream = stream;
    return OK;
}

int cublasGetVersion_v2(fake_handle *h, int *version) {
    if (!h || h->magic != MAGIC) return NOT_INITIALIZED;
    *version = 130100;
    return OK;
}

static int max1(int v) { return v > 1 ? v : 1; }

/* Column-major C = alpha op(A) op(B) + beta C; beta == 0 does not read C, as in cuBLAS. */
int cublasSgemm_v2(fake_handle *h, int ta, int tb, int m, int n, int k, const float *alpha,
                   const float *A, int lda, const float *B, int ldb, const float *beta, float *C, int ldc) {
    if (!h || h->magic != MAGIC) return NOT_INITIALIZED;
    if (ta < 0 || ta > 1 || tb < 0 || tb > 1 || m < 0 || n < 0 || k < 0) return INVALID_VALUE;
    if (lda < max1(ta ? k : m) || ldb < max1(tb ? n : k) || ldc < max1(m)) return INVALID_VALUE;
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            float sum = 0.0f;
            for (int p = 0; p < k; p++) {
                float a = ta ? A[p + (int64_t)i * lda] : A[i + (int64_t)p * lda];
                float b = tb ? B[j + (int64_t)p * ldb] : B[p + (int64_t)j * ldb];
                sum += a * b;
            }
            float *c = &C[i + (int64_t)j * ldc];
            *c = *alpha * sum + (*beta == 0.0f ? 0.0f : *beta * *c);
        }
    }
    return OK;
}
