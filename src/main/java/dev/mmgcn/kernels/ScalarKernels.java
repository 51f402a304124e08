package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;


import static dev.mmgcn.kernels.Checks.*;

/**
 * The reference backend: single-threaded loops that read like the definitions in {@link Kernels}.
 * It is the oracle every other backend is tested against, so it stays plain; reductions accumulate
 * in double so that the oracle is the more accurate side of every comparison.
 */
public final class ScalarKernels implements HostKernels {

    @Override
    public String name() { return "scalar"; }

    // ---- dense basics ------------------------------------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        for (long i = 0; i < t.size(); i++) t.setFlat(i, value);
    }

    @Override
    public void copyBlock(Tensor src, int srcRow, int srcCol, Tensor dst, int dstRow, int dstCol,
                          int rows, int cols, boolean accumulate) {
        block(src, srcRow, srcCol, rows, cols);
        block(dst, dstRow, dstCol, rows, cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = src.get(srcRow + r, srcCol + c);
                if (accumulate) v += dst.get(dstRow + r, dstCol + c);
                dst.set(dstRow + r, dstCol + c, v);
            }
        }
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        sameShape(x, y);
        for (long i = 0; i < y.size(); i++) {
            float old = beta == 0f ? 0f : beta * y.getFlat(i);
            y.setFlat(i, alpha * x.getFlat(i) + old);
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        gemmShapes(m, k, kb, n, c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float old = beta == 0f ? 0f : beta * c.get(i, j);
                c.set(i, j, old);
            }
            for (int p = 0; p < k; p++) {
                float aip = alpha * (transA ? a.get(p, i) : a.get(i, p));
                if (aip == 0f) continue;
                for (int j = 0; j < n; j++) {
                    float bpj = transB ? b.get(j, p) : b.get(p, j);
                    c.set(i, j, c.get(i, j) + aip * bpj);
                }
            }
        }
    }

    @Override
    public void addRowVector(Tensor bias, Tensor y) {
        rowVector(bias, y.cols());
        for (int r = 0; r < y.rows(); r++) {
            for (int c = 0; c < y.cols(); c++) y.set(r, c, y.get(r, c) + bias.getFlat(c));
        }
    }

    @Override
    public void sumRows(Tensor x, float beta, Tensor out) {
        rowVector(out, x.cols());
        for (int c = 0; c < x.cols(); c++) {
            double s = 0;
            for (int r = 0; r < x.rows(); r++) s += x.get(r, c);
            float old = beta == 0f ? 0f : beta * out.getFlat(c);
            out.setFlat(c, (float) s + old);
        }
    }

    // ---- sparse aggregation ------------------------------------------------------------------

    @Override
    public void spmm(CsrMatrix a, Tensor x, float beta, Tensor y) {
        spmmShapes(a, x, y);
        IntTensor ptr = a.rowPtr();
        IntTensor col = a.colIdx();
        Tensor val = a.values();
        int w = x.cols();
        for (int i = 0; i < a.rows(); i++) {
            for (int c = 0; c < w; c++) {
                double s = 0;
                for (int e = ptr.getFlat(i); e < ptr.getFlat(i + 1); e++) {
                    float v = val == null ? 1f : val.getFlat(e);
                    s += (double) v * x.get(col.getFlat(e), c);
                }
                float old = beta == 0f ? 0f : beta * y.get(i, c);
                y.set(i, c, (float) s + old);
            }
        }
    }

    @Override
    public void csrMax(CsrMatrix a, Tensor x, Tensor y, IntTensor argmax) {
        spmmShapes(a, x, y);
        intShape(argmax, y.rows(), y.cols());
        IntTensor ptr = a.rowPtr();
        IntTensor col = a.colIdx();
        for (int i = 0; i < a.rows(); i++) {
            for (int c = 0; c < x.cols(); c++) {
                int best = -1;
                float bestValue = 0f;
                for (int e = ptr.getFlat(i); e < ptr.getFlat(i + 1); e++) {
                    int j = checkIndex(col.getFlat(e), x.rows(), "CSR column index");
                    float v = x.get(j, c);
                    if (best < 0 || v > bestValue) {
                        best = j;
                        bestValue = v;
                    }
                }
                y.set(i, c, bestValue);
                argmax.setFlat((long) i * x.cols() + c, best);
            }
        }
    }

    @Override
    public void csrMaxBackward(IntTensor argmax, Tensor dy, Tensor dx) {
        intShape(argmax, dy.rows(), dy.cols());
        if (dx.cols() != dy.cols()) throw new IllegalArgumentException("widths differ: " + dy.shape() + " vs " + dx.shape());
        for (int i = 0; i < dy.rows(); i++) {
            for (int c = 0; c < dy.cols(); c++) {
                int j = argmax.get(i, c);
                if (j < 0) continue;
                checkIndex(j, dx.rows(), "argmax");
                dx.set(j, c, dx.get(j, c) + dy.get(i, c));
            }
        }
    }

    // ---- row indexing ------------------------------------------------------------------------

    @Override
    public void gatherRows(Tensor src, IntTensor index, Tensor dst) {
        indexShapes(src, index, dst);
        for (int k = 0; k < dst.rows(); k++) {
            int row = checkIndex(index.getFlat(k), src.rows(), "gather index");
            for (int c = 0; c < dst.cols(); c++) dst.set(k, c, src.get(row, c));
        }
    }

    @Override
    public void scatterAddRows(Tensor src, IntTensor index, Tensor dst) {
        indexShapes(dst, index, src);
        for (int k = 0; k < src.rows(); k++) {
            int row = checkIndex(index.getFlat(k), dst.rows(), "scatter index");
            for (int c = 0; c < src.cols(); c++) dst.set(row, c, dst.get(row, c) + src.get(k, c));
        }
    }

    // ---- element-wise and row-wise -----------------------------------------------------------

    @Override
    public void leakyRelu(Tensor x, float slope, Tensor y) {
        sameShape(x, y);
        for (long i = 0; i < x.size(); i++) {
            float v = x.getFlat(i);
            y.setFlat(i, v > 0f ? v : slope * v);
        }
    }

    @Override
    public void leakyReluBackward(Tensor x, Tensor dy, float slope, Tensor dx) {
        sameShape(x, dy);
        sameShape(x, dx);
        for (long i = 0; i < x.size(); i++) {
            float g = x.getFlat(i) > 0f ? dy.getFlat(i) : slope * dy.getFlat(i);
            dx.setFlat(i, dx.getFlat(i) + g);
        }
    }

    @Override
    public void rowL2Normalize(Tensor x, float eps, Tensor y, Tensor norms) {
        sameShape(x, y);
        columnVector(norms, x.rows());
        for (int r = 0; r < x.rows(); r++) {
            double s = 0;
            for (int c = 0; c < x.cols(); c++) s += (double) x.get(r, c) * x.get(r, c);
            float norm = (float) Math.sqrt(s);
            norms.setFlat(r, norm);
            float d = Math.max(norm, eps);
            for (int c = 0; c < x.cols(); c++) y.set(r, c, x.get(r, c) / d);
        }
    }

    @Override
    public void rowL2NormalizeBackward(Tensor y, Tensor norms, float eps, Tensor dy, Tensor dx) {
        sameShape(y, dy);
        sameShape(y, dx);
        columnVector(norms, y.rows());
        for (int r = 0; r < y.rows(); r++) {
            float norm = norms.getFlat(r);
            if (norm > eps) {
                double dot = 0;
                for (int c = 0; c < y.cols(); c++) dot += (double) dy.get(r, c) * y.get(r, c);
                for (int c = 0; c < y.cols(); c++) {
                    float g = (float) ((dy.get(r, c) - y.get(r, c) * dot) / norm);
                    dx.set(r, c, dx.get(r, c) + g);
                }
            } else {
                for (int c = 0; c < y.cols(); c++) dx.set(r, c, dx.get(r, c) + dy.get(r, c) / eps);
            }
        }
    }

    @Override
    public void rowDot(Tensor a, Tensor b, Tensor out) {
        sameShape(a, b);
        columnVector(out, a.rows());
        for (int r = 0; r < a.rows(); r++) {
            double s = 0;
            for (int c = 0; c < a.cols(); c++) s += (double) a.get(r, c) * b.get(r, c);
            out.setFlat(r, (float) s);
        }
    }

    @Override
    public void scaleRowsAdd(Tensor scale, Tensor x, Tensor y) {
        sameShape(x, y);
        columnVector(scale, x.rows());
        for (int r = 0; r < x.rows(); r++) {
            float s = scale.getFlat(r);
            for (int c = 0; c < x.cols(); c++) y.set(r, c, y.get(r, c) + s * x.get(r, c));
        }
    }

    // ---- losses ------------------------------------------------------------------------------

    @Override
    public void sumSquares(Tensor x, Tensor out) {
        scalar(out);
        double s = 0;
        for (long i = 0; i < x.size(); i++) s += (double) x.getFlat(i) * x.getFlat(i);
        out.setFlat(0, (float) s);
    }

    @Override
    public void sumSquaresBackward(Tensor x, Tensor dOut, Tensor dx) {
        scalar(dOut);
        sameShape(x, dx);
        float g = 2f * dOut.getFlat(0);
        for (long i = 0; i < x.size(); i++) dx.setFlat(i, dx.getFlat(i) + g * x.getFlat(i));
    }

    @Override
    public void bprLoss(Tensor pos, Tensor neg, Tensor out) {
        sameShape(pos, neg);
        scalar(out);
        long n = pos.size();
        double s = 0;
        for (long i = 0; i < n; i++) s += softplus((double) neg.getFlat(i) - pos.getFlat(i));
        out.setFlat(0, n == 0 ? 0f : (float) (s / n));
    }

    @Override
    public void bprLossBackward(Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg) {
        bprBackwardShapes(pos, neg, dOut, dPos, dNeg);
        long n = pos.size();
        if (n == 0) return;
        double g = dOut.getFlat(0) / (double) n;
        for (long i = 0; i < n; i++) {
            float s = (float) (g * sigmoid((double) neg.getFlat(i) - pos.getFlat(i)));
            dPos.setFlat(i, dPos.getFlat(i) - s);
            dNeg.setFlat(i, dNeg.getFlat(i) + s);
        }
    }

    /** log(1 + e^z) without overflow for large z or loss of precision for very negative z. */
    static double softplus(double z) {
        return Math.max(z, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(z)));
    }

    static double sigmoid(double z) {
        if (z >= 0) return 1 / (1 + StrictMath.exp(-z));
        double e = StrictMath.exp(z);
        return e / (1 + e);
    }

    // ---- optimiser ---------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                         float eps, float weightDecay, int step) {
        sameShape(param, grad);
        sameShape(param, m);
        sameShape(param, v);
        double c1 = 1 - StrictMath.pow(beta1, step);
        double c2 = 1 - StrictMath.pow(beta2, step);
        for (long i = 0; i < param.size(); i++) {
            float g = grad.getFlat(i);
            float mi = beta1 * m.getFlat(i) + (1 - beta1) * g;
            float vi = beta2 * v.getFlat(i) + (1 - beta2) * g * g;
            m.setFlat(i, mi);
            v.setFlat(i, vi);
            double p = param.getFlat(i);
            p -= (double) lr * weightDecay * p;
            p -= lr * (mi / c1) / (Math.sqrt(vi / c2) + eps);
            param.setFlat(i, (float) p);
        }
    }

    // ---- fused -------------------------------------------------------------------------------

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        sameShape(a, b);
        sameShape(a, out);
        for (long i = 0; i < a.size(); i++) out.setFlat(i, a.getFlat(i) + b.getFlat(i));
    }

    @Override
    public void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) {
        sameShape(x, y);
        if (bias != null) rowVector(bias, y.cols());
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < x.cols(); c++) {
                float v = bias == null ? x.get(r, c) : x.get(r, c) + bias.getFlat(c);
                y.set(r, c, v > 0f ? v : slope * v);
            }
        }
    }

    @Override
    public void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta) {
        sameShape(y, dy);
        sameShape(y, dz);
        nonNegativeSlope(slope);
        if (dBias != null) rowVector(dBias, y.cols());
        double[] sums = new double[y.cols()];
        for (int r = 0; r < y.rows(); r++) {
            for (int c = 0; c < y.cols(); c++) {
                float g = y.get(r, c) > 0f ? dy.get(r, c) : slope * dy.get(r, c);
                dz.set(r, c, g);
                sums[c] += g;
            }
        }
        if (dBias == null) return;
        for (int c = 0; c < y.cols(); c++) {
            float old = biasBeta == 0f ? 0f : biasBeta * dBias.getFlat(c);
            dBias.setFlat(c, (float) sums[c] + old);
        }
    }

    @Override
    public void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out) {
        scalar(out);
        double s = 0;
        for (long k = 0; k < index.size(); k++) {
            int row = checkIndex(index.getFlat(k), table.rows(), "gather index");
            for (int c = 0; c < table.cols(); c++) s += (double) table.get(row, c) * table.get(row, c);
        }
        float old = beta == 0f ? 0f : beta * out.getFlat(0);
        out.setFlat(0, (float) (weight * s) + old);
    }

    @Override
    public void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable) {
        scalar(dOut);
        sameShape(table, dTable);
        for (long k = 0; k < index.size(); k++) checkIndex(index.getFlat(k), table.rows(), "scatter index");
        float g = 2f * weight * dOut.getFlat(0);
        for (long k = 0; k < index.size(); k++) {
            int row = index.getFlat(k);
            for (int c = 0; c < table.cols(); c++) dTable.set(row, c, dTable.get(row, c) + g * table.get(row, c));
        }
    }

    // ---- evaluation --------------------------------------------------------------------------

    @Override
    public void maskScores(Tensor scores, CsrMatrix mask, int firstRow, float value) {
        maskShapes(scores, mask, firstRow);
        IntTensor ptr = mask.rowPtr();
        IntTensor col = mask.colIdx();
        for (int r = 0; r < scores.rows(); r++) {
            for (int e = ptr.getFlat(firstRow + r); e < ptr.getFlat(firstRow + r + 1); e++) {
                scores.set(r, checkIndex(col.getFlat(e), scores.cols(), "CSR column index"), value);
            }
        }
    }

    @Override
    public void topK(Tensor scores, int k, IntTensor indices, Tensor values) {
        topKShapes(scores, k, indices, values);
        int[] idx = new int[k];
        float[] val = new float[k];
        for (int r = 0; r < scores.rows(); r++) {
            int filled = 0;
            for (int c = 0; c < scores.cols(); c++) {
                float s = scores.get(r, c);
                // columns arrive in ascending order, so an equal score never displaces an earlier column
                if (filled == k && !(s > val[k - 1])) continue;
                int at = filled == k ? k - 1 : filled++;
                while (at > 0 && s > val[at - 1]) {
                    val[at] = val[at - 1];
                    idx[at] = idx[at - 1];
                    at--;
                }
                val[at] = s;
                idx[at] = c;
            }
            for (int j = 0; j < k; j++) {
                indices.setFlat((long) r * k + j, idx[j]);
                values.setFlat((long) r * k + j, val[j]);
            }
        }
    }
}
