package dev.mmgcn.tape;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Tensor;

/**
 * The tape's primitives, each with its forward and backward rule side by side. Backward rules only
 * accumulate ({@code +=}) into input gradients, which is what makes fan-out correct; an input whose
 * gradient is not needed ({@link Tape#gradOf} returns null) is skipped.
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
            Tensor da = t.gradOf(n.a);
            if (da != null) k.gemm(false, true, 1f, dy, n.b.value, 1f, da);
            Tensor db = t.gradOf(n.b);
            if (db != null) k.gemm(true, false, 1f, n.a.value, dy, 1f, db);
            Tensor dc = n.c == null ? null : t.gradOf(n.c);
            if (dc != null) k.sumRows(dy, 1f, dc);
        }
    },
    /** out = csr·a; the gradient flows back through the cached transpose. */
    SPMM {
        void forward(Node n, Kernels k) {
            k.spmm(n.csr, n.a.value, 0f, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.spmm(n.csr.transpose(), n.out.grad, 1f, da);
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
            Tensor da = t.gradOf(n.a);
            if (da != null) k.copyBlock(n.out.grad, 0, 0, da, 0, 0, rows, n.a.cols(), true);
            Tensor db = t.gradOf(n.b);
            if (db != null) k.copyBlock(n.out.grad, 0, n.a.cols(), db, 0, 0, rows, n.b.cols(), true);
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
            Tensor da = t.gradOf(n.a);
            if (da != null) k.copyBlock(n.out.grad, 0, 0, da, 0, 0, n.a.rows(), cols, true);
            Tensor db = t.gradOf(n.b);
            if (db != null) k.copyBlock(n.out.grad, n.a.rows(), 0, db, 0, 0, n.b.rows(), cols, true);
        }
    },
    /** out = a > 0 ? a : f·a. */
    LEAKY_RELU {
        void forward(Node n, Kernels k) {
            k.leakyRelu(n.a.value, n.f, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.leakyReluBackward(n.a.value, n.out.grad, n.f, da);
        }
    },
    /** out_r = a_r / max(‖a_r‖, f); aux keeps the norms. */
    L2_NORMALIZE_ROWS {
        void forward(Node n, Kernels k) {
            k.rowL2Normalize(n.a.value, n.f, n.out.value, n.aux);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.rowL2NormalizeBackward(n.out.value, n.aux, n.f, n.out.grad, da);
        }
    },
    /** out = a + b. */
    ADD {
        void forward(Node n, Kernels k) {
            k.copyBlock(n.a.value, 0, 0, n.out.value, 0, 0, n.a.rows(), n.a.cols(), false);
            k.axpby(1f, n.b.value, 1f, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.axpby(1f, n.out.grad, 1f, da);
            Tensor db = t.gradOf(n.b);
            if (db != null) k.axpby(1f, n.out.grad, 1f, db);
        }
    },
    /** out = f·a. */
    SCALE {
        void forward(Node n, Kernels k) {
            k.axpby(n.f, n.a.value, 0f, n.out.value);
        }

        void backward(Node n, Tape t, Kernels k) {
            Tensor da = t.gradOf(n.a);
            if (da != null) k.axpby(n.f, n.out.grad, 1f, da);
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

    abstract void forward(Node n, Kernels k);

    abstract void backward(Node n, Tape t, Kernels k);
}
