package dev.mmgcn.storage;

/**
 * A sparse matrix in compressed sparse row form: {@code rowPtr} (rows+1), {@code colIdx} (nnz) and
 * optional {@code values} (nnz×1; absent means every stored entry is 1). Column indices are strictly
 * increasing within each row: a matrix holds at most one entry per coordinate. That is the one meaning a
 * repeated coordinate has in this engine — {@link #fromCoo} sums repeated coordinates into one entry (as
 * scipy's {@code tocsr()} and {@code sum_duplicates()} do), {@link #of} rejects arrays that repeat one — so
 * every backend sees the same matrix: cuSPARSE, which refuses more entries than a matrix has cells and
 * leaves duplicates undefined, included. Row-wise max ignores values, so for it a repeated neighbour is
 * simply one neighbour.
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
     * Builds a host CSR from coordinate triples, sorted by (row, column). Repeated coordinates are summed
     * into one entry; for an all-ones pattern ({@code vals} null) a repeated coordinate therefore becomes an
     * explicit value (its count), and the result carries values only when some coordinate repeats.
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
        float[] val = new float[nnz];
        for (int k = 0; k < nnz; k++) {
            int at = next[r[k]]++;
            col[at] = c[k];
            val[at] = vals == null ? 1f : vals[k];
        }
        for (int i = 0; i < rows; i++) sortRow(col, val, ptr[i], ptr[i + 1]);
        // coalesce: one entry per coordinate, values summed in their sorted order
        int w = 0;
        boolean repeated = false;
        int[] outPtr = new int[rows + 1];
        for (int i = 0; i < rows; i++) {
            for (int k = ptr[i]; k < ptr[i + 1]; k++) {
                if (k > ptr[i] && col[k] == col[w - 1]) {
                    val[w - 1] += val[k];
                    repeated = true;
                } else {
                    col[w] = col[k];
                    val[w] = val[k];
                    w++;
                }
            }
            outPtr[i + 1] = w;
        }
        float[] outVal = vals == null && !repeated ? null : java.util.Arrays.copyOf(val, w);
        return of(scope, rows, cols, outPtr, java.util.Arrays.copyOf(col, w), outVal);
    }

    /**
     * Wraps already-compressed arrays (copied into the scope). The arrays must describe a matrix with one
     * entry per coordinate: {@code ptr} non-decreasing from 0 to {@code col.length}, columns in range and
     * strictly increasing within each row; anything else is rejected naming the first offending row.
     */
    public static CsrMatrix of(Scope scope, int rows, int cols, int[] ptr, int[] col, float[] val) {
        if (ptr.length != rows + 1 || ptr[0] != 0 || ptr[rows] != col.length) {
            throw new IllegalArgumentException("row pointers must run from 0 to " + col.length + " over " + (rows + 1) + " entries");
        }
        for (int i = 0; i < rows; i++) {
            if (ptr[i + 1] < ptr[i]) throw new IllegalArgumentException("row pointers decrease at row " + i);
            for (int k = ptr[i]; k < ptr[i + 1]; k++) {
                if (col[k] < 0 || col[k] >= cols) throw new IllegalArgumentException("row " + i + ": column " + col[k] + " out of range [0," + cols + ")");
                if (k > ptr[i] && col[k] <= col[k - 1]) {
                    throw new IllegalArgumentException("row " + i + ": column " + col[k] + (col[k] == col[k - 1] ? " repeats" : " out of order")
                            + " (a CSR holds one entry per coordinate; build it with fromCoo to sum repeats)");
                }
            }
        }
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
        // insertion sort (stable): graph rows are short on average and usually near-sorted already
        for (int i = from + 1; i < to; i++) {
            int c = col[i];
            float v = val[i];
            int j = i - 1;
            while (j >= from && col[j] > c) {
                col[j + 1] = col[j];
                val[j + 1] = val[j];
                j--;
            }
            col[j + 1] = c;
            val[j + 1] = v;
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
