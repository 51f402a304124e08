package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

/** Shape checks shared by every backend, so that all of them fail the same way on the same mistake. */
public final class Checks {
    private Checks() {
    }

    public static void sameShape(Tensor a, Tensor b) {
        if (!a.sameShape(b)) throw new IllegalArgumentException("shapes differ: " + a.shape() + " vs " + b.shape());
    }

    public static void sameSize(Tensor a, Tensor b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("sizes differ: " + a.shape() + " vs " + b.shape());
    }

    /** bprLossBackward's operands: pos, neg and their gradients alike, dOut 1×1. */
    public static void bprBackwardShapes(Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg) {
        sameShape(pos, neg);
        sameShape(pos, dPos);
        sameShape(pos, dNeg);
        scalar(dOut);
    }

    public static void scalar(Tensor t) {
        if (t.size() != 1) throw new IllegalArgumentException("expected a 1x1 tensor, got " + t.shape());
    }

    public static void rowVector(Tensor t, int cols) {
        if (t.size() != cols) throw new IllegalArgumentException("expected 1x" + cols + ", got " + t.shape());
    }

    public static void columnVector(Tensor t, int rows) {
        if (t.size() != rows) throw new IllegalArgumentException("expected " + rows + "x1, got " + t.shape());
    }

    public static void intShape(IntTensor t, int rows, int cols) {
        if (t.size() != (long) rows * cols) throw new IllegalArgumentException("expected " + rows + "x" + cols + " ints, got " + t.shape());
    }

    /** The fused LeakyReLU backward reads signs from the output, which is only right for slope ≥ 0. */
    public static void nonNegativeSlope(float slope) {
        if (!(slope >= 0f)) throw new IllegalArgumentException("the backward pass from the output needs slope >= 0, got " + slope);
    }

    public static void block(Tensor t, int row, int col, int rows, int cols) {
        if (row < 0 || col < 0 || rows < 0 || cols < 0 || row + rows > t.rows() || col + cols > t.cols()) {
            throw new IndexOutOfBoundsException("block " + rows + "x" + cols + " at (" + row + "," + col + ") outside " + t.shape());
        }
    }

    public static void gemmShapes(int m, int k, int kb, int n, Tensor c) {
        if (k != kb) throw new IllegalArgumentException("inner dimensions differ: " + k + " vs " + kb);
        if (c.rows() != m || c.cols() != n) throw new IllegalArgumentException("output is " + c.shape() + ", expected " + m + "x" + n);
    }

    public static void spmmShapes(CsrMatrix a, Tensor x, Tensor y) {
        if (x.rows() != a.cols()) throw new IllegalArgumentException("CSR has " + a.cols() + " columns, x has " + x.rows() + " rows");
        if (y.rows() != a.rows() || y.cols() != x.cols()) {
            throw new IllegalArgumentException("output is " + y.shape() + ", expected " + a.rows() + "x" + x.cols());
        }
    }

    public static void indexShapes(Tensor table, IntTensor index, Tensor rowsTensor) {
        if (index.size() != rowsTensor.rows()) throw new IllegalArgumentException(index.size() + " indices for " + rowsTensor.rows() + " rows");
        if (table.cols() != rowsTensor.cols()) throw new IllegalArgumentException("widths differ: " + table.shape() + " vs " + rowsTensor.shape());
    }

    public static int checkIndex(int i, int bound, String what) {
        if (i < 0 || i >= bound) throw new IndexOutOfBoundsException(what + " " + i + " outside [0," + bound + ")");
        return i;
    }

    public static void maskShapes(Tensor scores, CsrMatrix mask, int firstRow) {
        if (firstRow < 0 || firstRow + scores.rows() > mask.rows()) {
            throw new IndexOutOfBoundsException("rows [" + firstRow + "," + (firstRow + scores.rows()) + ") outside mask of " + mask.rows());
        }
        if (mask.cols() != scores.cols()) throw new IllegalArgumentException("mask has " + mask.cols() + " columns, scores " + scores.cols());
    }

    public static void topKShapes(Tensor scores, int k, IntTensor indices, Tensor values) {
        if (k < 1 || k > scores.cols()) throw new IllegalArgumentException("k=" + k + " for " + scores.cols() + " columns");
        intShape(indices, scores.rows(), k);
        if (values.size() != (long) scores.rows() * k) throw new IllegalArgumentException("values is " + values.shape() + ", expected " + scores.rows() + "x" + k);
    }
}
