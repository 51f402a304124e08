package dev.mmgcn.tape;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Tensor;

/**
 * The tape's primitives, each with its forward and backward rule side by side. Backward rules add
 * into input gradients, which is what makes fan-out correct: a kernel with an output beta takes
 * {@link Tape#betaFor} (0 for the first write of the step, which then overwrites and spares the
 * zero-fill; 1 after it), an accumulate-only kernel gets a buffer zeroed on first use from
 * {@link Tape#gradOf}. An input whose gradient is not needed is skipped.
 */
enum Op {
    /** out = a·b (+ c as a row vector bias when c is set). */
    LINEAR {
        void forward(Node n, Kernels k) {
            k.gemm(false, false, 1f, n.a.value, n.b.value, 0f, n.out.value);
            if (n.c != null) k.addRowVector(n.c.value, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor dy = n.out.grad;
            if (n.a.requiresGrad) {
                int r = n.a.gradRows;
                k.gemm(false, true, 1f, top(dy, r), n.b.value, t.betaFor(n.a), top(t.gradForWrite(n.a), r));
            }
            if (n.b.requiresGrad) k.gemm(true, false, 1f, n.a.value, dy, t.betaFor(n.b), t.gradForWrite(n.b));
            if (n.c != null && n.c.requiresGrad) k.sumRows(dy, t.betaFor(n.c), t.gradForWrite(n.c));
        }
    },
    /**
     * out = LeakyReLU(a·W + b·W' + c + e) with d = [W ; W'] the weight (b, c, e optional; W' = d's rows
     * below a.cols() when b is set) and f ≥ 0 the slope. The backward pass turns out.grad into the
     * pre-activation's gradient in place, computing c's gradient in the same pass, then runs the GEMMs.
     */
    LINEAR_LEAKY_RELU {
        void forward(Node n, Kernels k) {
            Tensor y = n.out.value;
            Tensor w = n.d.value;
            int k1 = n.a.cols();
            float beta = 0f;
            if (n.e != null) {
                k.copyBlock(n.e.value, 0, 0, y, 0, 0, y.rows(), y.cols(), false);
                beta = 1f;
            }
            k.gemm(false, false, 1f, n.a.value, n.b == null ? w : w.rowSlice(0, k1), beta, y);
            if (n.b != null) k.gemm(false, false, 1f, n.b.value, w.rowSlice(k1, w.rows()), 1f, y);
            k.biasLeakyRelu(y, n.c == null ? null : n.c.value, n.f, y);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor dz = n.out.grad;
            boolean biasGrad = n.c != null && n.c.requiresGrad;
            float biasBeta = biasGrad ? t.betaFor(n.c) : 0f;
            k.biasLeakyReluBackward(n.out.value, dz, n.f, dz, biasGrad ? t.gradForWrite(n.c) : null, biasBeta);
            Tensor w = n.d.value;
            int k1 = n.a.cols();
            boolean split = n.b != null;
            if (n.a.requiresGrad) {
                int r = n.a.gradRows;
                k.gemm(false, true, 1f, top(dz, r), split ? w.rowSlice(0, k1) : w, t.betaFor(n.a), top(t.gradForWrite(n.a), r));
            }
            if (split && n.b.requiresGrad) {
                int r = n.b.gradRows;
                k.gemm(false, true, 1f, top(dz, r), w.rowSlice(k1, w.rows()), t.betaFor(n.b), top(t.gradForWrite(n.b), r));
            }
            if (n.d.requiresGrad) {
                float beta = t.betaFor(n.d);
                Tensor dw = t.gradForWrite(n.d);
                if (!split) {
                    k.gemm(true, false, 1f, n.a.value, dz, beta, dw);
                } else {
                    k.gemm(true, false, 1f, n.a.value, dz, beta, dw.rowSlice(0, k1));
                    k.gemm(true, false, 1f, n.b.value, dz, beta, dw.rowSlice(k1, dw.rows()));
                }
            }
            if (n.e != null && n.e.requiresGrad) k.axpby(1f, dz, t.betaFor(n.e), t.gradForWrite(n.e));
        }
    },
    /**
     * out (1×1) = f·Σ_i ‖vars[i][indices[i]]‖²: the L2 penalty on a batch's rows, never gathered.
     */
    ROW_PENALTY {
        void forward(Node n, Kernels k) {
            for (int i = 0; i < n.vars.length; i++) {
                Tensor table = n.vars[i].value;
                k.gatherSumSquares(table, n.indices[i], n.f, i == 0 ? 0f : 1f, n.out.value);
            }
        }

        void backward(Node n, Tape t, Kernels k) {
            for (int i = 0; i < n.vars.length; i++) {
                Tensor d = t.gradOf(n.vars[i]);
                Tensor table = n.vars[i].value;
                if (d != null) k.gatherSumSquaresBackward(table, n.indices[i], n.f, n.out.grad, d);
            }
        }
    },
    /** out = csr·a; the gradient flows back through the cached transpose. */
    SPMM {
        void forward(Node n, Kernels k) {
            k.spmm(n.csr, n.a.value, 0f, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            if (n.a.requiresGrad) k.spmm(n.csr.transpose(), n.out.grad, t.betaFor(n.a), t.gradForWrite(n.a));
        }
    },
    /** out[i,c] = max over neighbours j of a[j,c]; intAux keeps the argmax for the backward pass. */
    CSR_MAX {
        void forward(Node n, Kernels k) {
            k.csrMax(n.csr, n.a.value, n.out.value, n.intAux);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.csrMaxBackward(n.intAux, n.out.grad, da);
        }
    },
    /** out[r] = a[index[r]]: embedding lookup. */
    GATHER {
        void forward(Node n, Kernels k) {
            k.gatherRows(n.a.value, n.index, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.scatterAddRows(n.out.grad, n.index, da);
        }
    },
    /** out = [a ‖ b] side by side. */
    CONCAT_COLS {
        void forward(Node n, Kernels k) {
            int rows = n.a.rows();
            k.copyBlock(n.a.value, 0, 0, n.out.value, 0, 0, rows, n.a.cols(), false);
            k.copyBlock(n.b.value, 0, 0, n.out.value, 0, n.a.cols(), rows, n.b.cols(), false);
        }

        void backward(Node n, Tape t, Kernels k) {
            int rows = n.a.rows();
            if (n.a.requiresGrad) {
                boolean add = t.betaFor(n.a) != 0f;
                k.copyBlock(n.out.grad, 0, 0, t.gradForWrite(n.a), 0, 0, rows, n.a.cols(), add);
            }
            if (n.b.requiresGrad) {
                boolean add = t.betaFor(n.b) != 0f;
                k.copyBlock(n.out.grad, 0, n.a.cols(), t.gradForWrite(n.b), 0, 0, rows, n.b.cols(), add);
            }
        }
    },
    /** out = [a ; b] stacked. */
    CONCAT_ROWS {
        void forward(Node n, Kernels k) {
            int cols = n.a.cols();
            k.copyBlock(n.a.value, 0, 0, n.out.value, 0, 0, n.a.rows(), cols, false);
            k.copyBlock(n.b.value, 0, 0, n.out.value, n.a.rows(), 0, n.b.rows(), cols, false);
        }

        void backward(Node n, Tape t, Kernels k) {
            int cols = n.a.cols();
            if (n.a.requiresGrad) {
                boolean add = t.betaFor(n.a) != 0f;
                k.copyBlock(n.out.grad, 0, 0, t.gradForWrite(n.a), 0, 0, n.a.rows(), cols, add);
            }
            if (n.b.requiresGrad) {
                boolean add = t.betaFor(n.b) != 0f;
                k.copyBlock(n.out.grad, n.a.rows(), 0, t.gradForWrite(n.b), 0, 0, n.b.rows(), cols, add);
            }
        }
    },
    /** out = a > 0 ? a : f·a. */
    LEAKY_RELU {
        void forward(Node n, Kernels k) {
            k.leakyRelu(n.a.value, n.f, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            if (!n.a.requiresGrad) return;
            if (t.betaFor(n.a) == 0f && n.f >= 0f) {
                // first write: the fused kernel overwrites, reading the signs from the output
                k.biasLeakyReluBackward(n.out.value, n.out.grad, n.f, t.gradForWrite(n.a), null, 0f);
            } else {
                k.leakyReluBackward(n.a.value, n.out.grad, n.f, t.gradOf(n.a));
            }
        }
    },
    /** out_r = a_r / max(‖a_r‖, f); aux keeps the norms. */
    L2_NORMALIZE_ROWS {
        void forward(Node n, Kernels k) {
            k.rowL2Normalize(n.a.value, n.f, n.out.value, n.aux);
        }

        void backward(Node n, Tape t, Kernels k) {
            // only the rows anyone needs (Var.gradRows), which the same rows of the output's gradient hold
            int r = n.out.gradRows;
            Tensor da = t.gradOf(n.a, r);
            if (da != null) k.rowL2NormalizeBackward(top(n.out.value, r), top(n.aux, r), n.f, top(n.out.grad, r), da);
        }
    },
    /** out = a + b. */
    ADD {
        void forward(Node n, Kernels k) {
            k.add(n.a.value, n.b.value, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            if (n.a.requiresGrad) k.axpby(1f, n.out.grad, t.betaFor(n.a), t.gradForWrite(n.a));
            if (n.b.requiresGrad) k.axpby(1f, n.out.grad, t.betaFor(n.b), t.gradForWrite(n.b));
        }
    },
    /** out = f·Σ vars[i] (two or more, equal shapes): the fusion of modality branches by sum or mean. */
    WEIGHTED_SUM {
        void forward(Node n, Kernels k) {
            for (int i = 0; i < n.vars.length; i++) k.axpby(n.f, n.vars[i].value, i == 0 ? 0f : 1f, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            for (Var v : n.vars) if (v.requiresGrad) k.axpby(n.f, n.out.grad, t.betaFor(v), t.gradForWrite(v));
        }
    },
    /** out = f·a. */
    SCALE {
        void forward(Node n, Kernels k) {
            k.axpby(n.f, n.a.value, 0f, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            if (n.a.requiresGrad) k.axpby(n.f, n.out.grad, t.betaFor(n.a), t.gradForWrite(n.a));
        }
    },
    /** out (rows×1) = row-wise dot product of a and b. */
    ROW_DOT {
        void forward(Node n, Kernels k) {
            k.rowDot(n.a.value, n.b.value, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.scaleRowsAdd(n.out.grad, n.b.value, da);
            Tensor db = t.gradOf(n.b);
            if (db != null) k.scaleRowsAdd(n.out.grad, n.a.value, db);
        }
    },
    /** out (1×1) = Σ a². */
    SUM_SQUARES {
        void forward(Node n, Kernels k) {
            k.sumSquares(n.a.value, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.sumSquaresBackward(n.a.value, n.out.grad, da);
        }
    },
    /** out (1×1) = mean softplus(b − a), a = positive scores, b = negative scores. */
    BPR_LOSS {
        void forward(Node n, Kernels k) {
            k.bprLoss(n.a.value, n.b.value, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            Tensor db = t.gradOf(n.b);
            if (da == null && db == null) return;
            // the fused kernel writes both gradients; a side that needs none writes into scratch
            if (da == null) da = t.scratch(n, n.a.rows(), n.a.cols());
            if (db == null) db = t.scratch(n, n.b.rows(), n.b.cols());
            k.bprLossBackward(n.a.value, n.b.value, n.out.grad, da, db);
        }
    };

    /** The first {@code rows} rows of {@code t}: t itself when that is all of it. */
    static Tensor top(Tensor t, int rows) {
        return rows == t.rows() ? t : t.rowSlice(0, rows);
    }

    abstract void forward(Node n, Kernels k);

    abstract void backward(Node n, Tape t, Kernels k);
}
