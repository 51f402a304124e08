package dev.mmgcn.profile;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

/**
 * The arithmetic and memory traffic of one kernel call, from its operands' shapes alone: the two axes of
 * a roofline. FLOPs count an FMA as two and a compare or a max as one; bytes are the compulsory traffic —
 * each operand read or written once (a read-modify-write twice), a sparse kernel's dense input once however
 * many entries gather its rows — so the time they imply at the machine's bandwidth is a floor. (Operands
 * that stay in cache between calls can still beat it.) Indices are 4 bytes, floats 4.
 */
public record Work(double flops, double bytes) {
    static final Work NONE = new Work(0, 0);
    private static final double F = Float.BYTES;

    public static Work elementwise(long n, double flopsPerElement, int arraysTouched) {
        return new Work(flopsPerElement * n, F * arraysTouched * n);
    }

    public static Work gemm(boolean transA, boolean transB, Tensor a, Tensor b, float beta, Tensor c) {
        double m = c.rows(), n = c.cols(), k = transA ? a.rows() : a.cols();
        return new Work(2 * m * n * k, F * (a.size() + b.size() + c.size() * (beta == 0f ? 1 : 2)));
    }

    /** Y = A·X (+ beta·Y): one FMA per stored entry and column; the graph, X and Y once each. */
    public static Work spmm(CsrMatrix a, Tensor x, float beta, Tensor y) {
        double nnz = a.nnz(), w = x.cols();
        return new Work(2 * nnz * w, F * (2 * nnz + a.rows() + 1 + x.size() + y.size() * (beta == 0f ? 1 : 2)));
    }

    /** Row-wise max with argmax: one compare per entry and column; the graph and X read once, Y and the argmax written. */
    public static Work csrMax(CsrMatrix a, Tensor x, Tensor y) {
        double nnz = a.nnz(), w = x.cols();
        return new Work(nnz * w, F * (nnz + a.rows() + 1 + x.size() + 2 * y.size()));
    }

    public static Work rows(long n, double flopsPerElement, int arraysTouched, long rowValues) {
        return new Work(flopsPerElement * n, F * (arraysTouched * (double) n + rowValues));
    }

    public static Work indexed(IntTensor index, int cols, double flopsPerElement, int arraysTouched) {
        double n = (double) index.size() * cols;
        return new Work(flopsPerElement * n, F * (arraysTouched * n + index.size()));
    }
}
