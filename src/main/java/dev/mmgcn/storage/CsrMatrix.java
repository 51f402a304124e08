package dev.mmgcn.storage;

/**
 * A sparse matrix in compressed sparse row form: {@code rowPtr} (rows+1), {@code colIdx} (nnz) and
 * optional {@code values} (nnz×1; absent means every stored entry is 1). Column indices are sorted
 * within each row.
 *
 * <p>The transpose is built once, on the first call, and kept: the backward pass of A·X needs Aᵀ·dY
 * every step, and building it each time would cost more than the product.
 */
public final class CsrMatrix {
    private final int rows;
    private final int cols;
    private final IntTensor rowPtr;
    private final IntTensor colIdx;
    private final Tensor values;
    private CsrMatrix transpose;

    public CsrMatrix(int rows, int cols, IntTensor rowPtr, IntTensor colIdx, Tensor values) {
        if (rowPtr.size() != (long) rows + 1) {
            throw new IllegalArgumentException("rowPtr has " + rowPtr.size() + " entries for " + rows + " rows");
        }
        if (values != null && values.size() != colIdx.size()) {
            throw new IllegalArgumentException("values has " + values.size() + " entries for " + colIdx.size() + " columns");
        }
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
    }

    /**
     * Builds a host CSR from coordinate triples. Entries are sorted by (row, column); duplicates are kept
     * as separate entries. {@code vals} may be null for an all-ones pattern.
     */
    public static CsrMatrix fromCoo(Scope scope, int rows, int cols, int[] r, int[] c, float[] vals) {
        int nnz = r.length;
        if (c.length != nnz || (vals != null && vals.length != nnz)) {
            throw new IllegalArgumentException("coordinate arrays differ in length");
        }
        int[] ptr = new int[rows + 1];
        for (int k = 0; k < nnz; k++) {
            if (r[k] < 0 || r[k] >= rows) throw new IllegalArgumentException("row " + r[k] + " out of range [0," + rows + ")");
            if (c[k] < 0 || c[k] >= cols) throw new IllegalArgumentException("column " + c[k] + " out of range [0," + cols + ")");
            ptr[r[k] + 1]++;
        }
        for (int i = 0; i < rows; i++) ptr[i + 1] += ptr[i];
        int[] next = ptr.clone();
        int[] col = new int[nnz];
        float[] val = vals == null ? null : new float[nnz];
        for (int k = 0; k < nnz; k++) {
            int at = next[r[k]]++;
            col[at] = c[k];
            if (val != null) val[at] = vals[k];
        }
        for (int i = 0; i < rows; i++) sortRow(col, val, ptr[i], ptr[i + 1]);
        return of(scope, rows, cols, ptr, col, val);
    }

    /** Wraps already-compressed arrays (copied into the scope). */
    public static CsrMatrix of(Scope scope, int rows, int cols, int[] ptr, int[] col, float[] val) {
        IntTensor p = scope.ints(rows + 1, 1);
        p.copyFrom(ptr);
        IntTensor ci = scope.ints(col.length, 1);
        if (col.length > 0) ci.copyFrom(col);
        Tensor v = null;
        if (val != null) {
            v = scope.floats(val.length, 1);
            if (val.length > 0) v.copyFrom(val);
        }
        CsrMatrix m = new CsrMatrix(rows, cols, p, ci, v);
        m.scope = scope;
        return m;
    }

    private Scope scope;

    private static void sortRow(int[] col, float[] val, int from, int to) {
        // insertion sort: graph rows are short on average and usually near-sorted already
        for (int i = from + 1; i < to; i++) {
            int c = col[i];
            float v = val == null ? 0 : val[i];
            int j = i - 1;
            while (j >= from && col[j] > c) {
                col[j + 1] = col[j];
                if (val != null) val[j + 1] = val[j];
                j--;
            }
            col[j + 1] = c;
            if (val != null) val[j + 1] = v;
        }
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    public int nnz() { return Math.toIntExact(colIdx.size()); }

    public IntTensor rowPtr() { return rowPtr; }

    public IntTensor colIdx() { return colIdx; }

    /** Null when every stored entry is 1. */
    public Tensor values() { return values; }

    public Device device() { return rowPtr.device(); }

    /** The transpose, built on the host at the first call and cached. */
    public synchronized CsrMatrix transpose() {
        if (transpose == null) {
            if (scope == null || device() != Device.HOST) {
                throw new IllegalStateException("this CSR has no transpose attached; build it on the host or attach one");
            }
            transpose = buildTranspose(scope);
            transpose.transpose = this;
        }
        return transpose;
    }

    /** Lets a backend pair a device copy with its device transpose. */
    public void attachTranspose(CsrMatrix t) {
        if (t.rows != cols || t.cols != rows || t.nnz() != nnz()) {
            throw new IllegalArgumentException("not a transpose: " + t.rows + "x" + t.cols + " for " + rows + "x" + cols);
        }
        this.transpose = t;
        t.transpose = this;
    }

    public boolean hasTranspose() { return transpose != null; }

    private CsrMatrix buildTranspose(Scope s) {
        int[] ptr = rowPtr.toArray();
        int[] col = colIdx.toArray();
        float[] val = values == null ? null : values.toArray();
        int nnz = col.length;
        int[] tptr = new int[cols + 1];
        for (int k = 0; k < nnz; k++) tptr[col[k] + 1]++;
        for (int j = 0; j < cols; j++) tptr[j + 1] += tptr[j];
        int[] next = tptr.clone();
        int[] tcol = new int[nnz];
        float[] tval = val == null ? null : new float[nnz];
        // walking rows in order leaves each transposed row's columns sorted
        for (int i = 0; i < rows; i++) {
            for (int k = ptr[i]; k < ptr[i + 1]; k++) {
                int at = next[col[k]]++;
                tcol[at] = i;
                if (tval != null) tval[at] = val[k];
            }
        }
        return of(s, cols, rows, tptr, tcol, tval);
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + "x" + cols + ", nnz=" + nnz() + " on " + device() + "]";
    }
}
