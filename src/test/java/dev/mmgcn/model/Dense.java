package dev.mmgcn.model;

/** Plain double-precision matrix arithmetic for the test oracles: rows of {@code double[]}, nothing shared with the engine. */
final class Dense {
    private Dense() {
    }

    static double[][] zeros(int rows, int cols) {
        return new double[rows][cols];
    }

    static double[][] matmul(double[][] a, double[][] b) {
        int n = a.length, k = b.length, m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            if (a[i].length != k) throw new IllegalArgumentException("matmul: " + a[i].length + " columns against " + k + " rows");
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) s += a[i][t] * b[t][j];
                c[i][j] = s;
            }
        }
        return c;
    }

    /** x·w + b with b a single row (1×out), or x·w when b is null. */
    static double[][] linear(double[][] x, double[][] w, double[][] b) {
        double[][] y = matmul(x, w);
        if (b != null) {
            for (double[] row : y) for (int j = 0; j < row.length; j++) row[j] += b[0][j];
        }
        return y;
    }

    static double[][] leakyRelu(double[][] x, double slope) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) y[i][j] = x[i][j] > 0 ? x[i][j] : slope * x[i][j];
        }
        return y;
    }

    static double[][] add(double[][] a, double[][] b) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) c[i][j] = a[i][j] + b[i][j];
        }
        return c;
    }

    static double[][] scale(double[][] a, double f) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) c[i][j] = a[i][j] * f;
        }
        return c;
    }

    /** Rows of a, then rows of b. */
    static double[][] stackRows(double[][] a, double[][] b) {
        double[][] c = new double[a.length + b.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        for (int i = 0; i < b.length; i++) c[a.length + i] = b[i].clone();
        return c;
    }

    /** [a ‖ b]: columns of a, then columns of b. */
    static double[][] concatCols(double[][] a, double[][] b) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = new double[a[i].length + b[i].length];
            System.arraycopy(a[i], 0, c[i], 0, a[i].length);
            System.arraycopy(b[i], 0, c[i], a[i].length, b[i].length);
        }
        return c;
    }

    /** Each row divided by its Euclidean norm (the test inputs have no zero rows). */
    static double[][] rowL2Normalize(double[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double n = Math.sqrt(dot(x[i], x[i]));
            y[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) y[i][j] = x[i][j] / n;
        }
        return y;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }

    static double squaredNorm(double[] a) {
        return dot(a, a);
    }

    /** A float array laid out row-major as rows×cols, widened exactly to double. */
    static double[][] of(float[] flat, int rows, int cols) {
        if (flat.length != rows * cols) throw new IllegalArgumentException(flat.length + " values for " + rows + "x" + cols);
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i][j] = flat[i * cols + j];
        return m;
    }
}
