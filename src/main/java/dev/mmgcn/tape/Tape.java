package dev.mmgcn.tape;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.util.ArrayList;

/**
 * A reverse-mode tape that records primitives as they run and replays them backwards once.
 *
 * <p>Every position on the tape keeps its node, output buffer, gradient buffer and workspace from one
 * step to the next: a training step records the same sequence of ops each time, so after the first
 * step nothing is allocated, on or off the heap. Buffers grow (and are then kept) when a later step
 * needs a larger shape, as a bigger batch would. The price is that a Var returned by an op is only
 * valid until the next {@link #begin()}.
 *
 * <p>Gradients are zeroed lazily: a gradient buffer is cleared the first time this step adds to it,
 * so a Var that no path from the loss reaches keeps no stale gradient from an earlier step.
 */
public final class Tape implements AutoCloseable {
    private final Kernels kernels;
    private final Scope scope;
    private final ArrayList<Node> nodes = new ArrayList<>();
    private int cursor;
    /**
     * Step stamps are unique across all tapes, not just this one: a parameter shared by two tapes (a
     * model evaluated on one and trained on another) must never find its stale stamp equal to another
     * tape's current step and take last step's gradient for this one's.
     */
    private static final java.util.concurrent.atomic.AtomicLong STAMPS = new java.util.concurrent.atomic.AtomicLong();
    private long stamp;
    /** Buffers taken from the scope so far; flat after the first step of a fixed-shape loop. */
    private long allocations;

    public Tape(Kernels kernels) {
        this.kernels = kernels;
        this.scope = kernels.newScope();
    }

    public Kernels kernels() { return kernels; }

    /** Starts a new step: earlier intermediate Vars become invalid and all gradients become stale. */
    public void begin() {
        cursor = 0;
        stamp = STAMPS.incrementAndGet();
    }

    /** Number of primitives recorded since {@link #begin()}. */
    public int size() { return cursor; }

    /** Buffers this tape has allocated so far (a test hook for the no-allocation-after-warm-up promise). */
    long allocations() { return allocations; }

    /** Whether {@code v}'s gradient buffer holds this step's gradient. */
    public boolean hasGrad(Var v) {
        return v.grad != null && v.gradStamp == stamp;
    }

    // ---- primitives -------------------------------------------------------------------------

    /** x·w. */
    public Var matmul(Var x, Var w) {
        return linear(x, w, null);
    }

    /** x·w + bias, with bias a 1×out row vector (or null). */
    public Var linear(Var x, Var w, Var bias) {
        if (x.cols() != w.rows()) throw shape("linear", x, w);
        if (bias != null && bias.value.size() != w.cols()) throw shape("linear bias", w, bias);
        Node n = record(Op.LINEAR, x, w, bias, x.rows(), w.cols());
        return run(n);
    }

    /**
     * LeakyReLU(x·w + bias) as one node (bias may be null). The activation runs in place on the GEMM's
     * output and its backward pass reads the output's signs, so no pre-activation is kept and the bias
     * gradient comes out of the same pass. Slopes below 0 fall back to separate ops.
     */
    public Var linearLeakyRelu(Var x, Var w, Var bias, float slope) {
        return fusedLinear(x, null, w, bias, null, slope);
    }

    /**
     * LeakyReLU([x1 ‖ x2]·w + bias) without materialising the concatenation: w's first {@code x1.cols()}
     * rows multiply x1 and the rest x2 (two GEMMs into one output), and the gradients go straight to x1,
     * x2 and the two row blocks of w's gradient.
     */
    public Var linearLeakyRelu(Var x1, Var x2, Var w, Var bias, float slope) {
        return fusedLinear(x1, x2, w, bias, null, slope);
    }

    /** LeakyReLU(x·w + bias + addend) as one node: the element-wise combination of a graph layer. */
    public Var linearAddLeakyRelu(Var x, Var w, Var bias, Var addend, float slope) {
        return fusedLinear(x, null, w, bias, addend, slope);
    }

    private Var fusedLinear(Var x1, Var x2, Var w, Var bias, Var addend, float slope) {
        int k = x1.cols() + (x2 == null ? 0 : x2.cols());
        if (k != w.rows()) {
            throw new IllegalArgumentException("linear: inputs of " + k + " columns" + (x2 == null ? "" : " (" + x1.cols()
                    + " + " + x2.cols() + ")") + " for a weight of " + w.value.shape());
        }
        if (x2 != null && x2.rows() != x1.rows()) throw shape("linear inputs", x1, x2);
        if (bias != null && bias.value.size() != w.cols()) throw shape("linear bias", w, bias);
        if (addend != null && (addend.rows() != x1.rows() || addend.cols() != w.cols())) throw shape("linear addend", x1, addend);
        if (!(slope >= 0f)) {
            Var z = linear(x2 == null ? x1 : concatCols(x1, x2), w, bias);
            return leakyRelu(addend == null ? z : add(z, addend), slope);
        }
        Node n = record(Op.LINEAR_LEAKY_RELU, x1, x2, bias, x1.rows(), w.cols());
        n.d = w;
        n.e = addend;
        n.f = slope;
        n.out.requiresGrad |= w.requiresGrad || (addend != null && addend.requiresGrad);
        return run(n);
    }

    /**
     * 1×1: {@code weight·Σ_i Σ_k ‖tables[i][indices[i][k],:]‖²}, the L2 penalty on a batch's rows of
     * several tables, without gathering the rows; one node, one scalar.
     */
    public Var rowPenalty(Var[] tables, IntTensor[] indices, float weight) {
        if (tables.length == 0 || tables.length != indices.length) {
            throw new IllegalArgumentException("rowPenalty: " + tables.length + " tables and " + indices.length + " index lists");
        }
        Node n = record(Op.ROW_PENALTY, tables[0], null, null, 1, 1);
        n.vars = tables;
        n.indices = indices;
        n.f = weight;
        for (Var t : tables) n.out.requiresGrad |= t.requiresGrad;
        return run(n);
    }

    /** csr·x: sum or mean aggregation over graph neighbours, depending on the CSR's values. */
    public Var spmm(CsrMatrix csr, Var x) {
        if (csr.cols() != x.rows()) throw new IllegalArgumentException("spmm: CSR " + csr + " with " + x);
        Node n = record(Op.SPMM, x, null, null, csr.rows(), x.cols());
        n.csr = csr;
        return run(n);
    }

    /** Row-wise max over each row's stored neighbours; isolated rows give zeros. */
    public Var csrMax(CsrMatrix csr, Var x) {
        if (csr.cols() != x.rows()) throw new IllegalArgumentException("csrMax: CSR " + csr + " with " + x);
        Node n = record(Op.CSR_MAX, x, null, null, csr.rows(), x.cols());
        n.csr = csr;
        n.intAux = ints(n.intAux, csr.rows(), x.cols());
        return run(n);
    }

    /** Rows of {@code table} picked by {@code index} (length = output rows). */
    public Var gather(Var table, IntTensor index) {
        Node n = record(Op.GATHER, table, null, null, Math.toIntExact(index.size()), table.cols());
        n.index = index;
        return run(n);
    }

    public Var concatCols(Var a, Var b) {
        if (a.rows() != b.rows()) throw shape("concatCols", a, b);
        return run(record(Op.CONCAT_COLS, a, b, null, a.rows(), a.cols() + b.cols()));
    }

    /**
     * [a ; b]. When b takes no gradient (item features under user preferences), only a's rows of the
     * result's gradient are needed, and the Vars computed from it row by row carry that on
     * ({@link Var#gradRows}): the backward GEMMs into them then skip b's rows.
     */
    public Var concatRows(Var a, Var b) {
        if (a.cols() != b.cols()) throw shape("concatRows", a, b);
        Var out = run(record(Op.CONCAT_ROWS, a, b, null, a.rows() + b.rows(), a.cols()));
        if (!b.requiresGrad) out.gradRows = a.gradRows;
        return out;
    }

    public Var leakyRelu(Var x, float slope) {
        Node n = record(Op.LEAKY_RELU, x, null, null, x.rows(), x.cols());
        n.f = slope;
        return run(n);
    }

    /** Each row divided by its L2 norm (clamped below at eps). */
    public Var l2NormalizeRows(Var x, float eps) {
        Node n = record(Op.L2_NORMALIZE_ROWS, x, null, null, x.rows(), x.cols());
        n.f = eps;
        n.aux = floats(n.aux, x.rows(), 1);
        Var out = run(n);
        out.gradRows = x.gradRows;
        return out;
    }

    public Var add(Var a, Var b) {
        if (!a.value.sameShape(b.value)) throw shape("add", a, b);
        return run(record(Op.ADD, a, b, null, a.rows(), a.cols()));
    }

    public Var scale(Var a, float factor) {
        Node n = record(Op.SCALE, a, null, null, a.rows(), a.cols());
        n.f = factor;
        return run(n);
    }

    /** The element-wise mean of one or more Vars of equal shape: one node, f·Σ x with f = 1/n. */
    public Var mean(java.util.List<Var> xs) {
        if (xs.isEmpty()) throw new IllegalArgumentException("mean of nothing");
        return xs.size() == 1 ? xs.get(0) : weightedSum(xs, 1f / xs.size());
    }

    /** The element-wise sum of one or more Vars of equal shape: one node. */
    public Var sum(java.util.List<Var> xs) {
        if (xs.isEmpty()) throw new IllegalArgumentException("sum of nothing");
        return xs.size() == 1 ? xs.get(0) : weightedSum(xs, 1f);
    }

    private Var weightedSum(java.util.List<Var> xs, float factor) {
        Var first = xs.get(0);
        for (Var x : xs) if (!x.value.sameShape(first.value)) throw shape("sum", first, x);
        Node n = record(Op.WEIGHTED_SUM, first, null, null, first.rows(), first.cols());
        n.vars = xs.toArray(new Var[0]);
        n.f = factor;
        for (Var x : xs) n.out.requiresGrad |= x.requiresGrad;
        return run(n);
    }

    /** rows×1 dot products of matching rows. */
    public Var rowDot(Var a, Var b) {
        if (!a.value.sameShape(b.value)) throw shape("rowDot", a, b);
        return run(record(Op.ROW_DOT, a, b, null, a.rows(), 1));
    }

    /** 1×1 sum of squares. */
    public Var sumSquares(Var x) {
        return run(record(Op.SUM_SQUARES, x, null, null, 1, 1));
    }

    /** 1×1 mean of softplus(neg − pos): the BPR loss on score columns. */
    public Var bprLoss(Var pos, Var neg) {
        if (!pos.value.sameShape(neg.value)) throw shape("bprLoss", pos, neg);
        return run(record(Op.BPR_LOSS, pos, neg, null, 1, 1));
    }

    // ---- backward ----------------------------------------------------------------------------

    /** Seeds d(loss)/d(loss) = 1 and walks the tape once in reverse. */
    public void backward(Var loss) {
        if (loss.value.size() != 1) throw new IllegalArgumentException("backward needs a 1x1 loss, got " + loss.value.shape());
        if (!loss.requiresGrad) throw new IllegalStateException("the loss does not depend on any parameter");
        Tensor seed = gradForWrite(loss);
        kernels.fill(seed, 1f);
        for (int i = cursor - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.out.requiresGrad && n.out.gradStamp == stamp) n.op.backward(n, this, kernels);
        }
    }

    /**
     * This step's gradient buffer of {@code v}, zeroed at the first request of the step; null for a
     * Var that takes no gradient.
     */
    Tensor gradOf(Var v) {
        return gradOf(v, v.rows());
    }

    /**
     * The first {@code rows} rows of this step's gradient buffer of {@code v}, those rows zeroed at the
     * first request of the step (the rows below are left as they are: nothing reads them, {@link Var#gradRows}).
     */
    Tensor gradOf(Var v, int rows) {
        if (!v.requiresGrad) return null;
        boolean fresh = v.gradStamp != stamp;
        Tensor g = Op.top(gradForWrite(v), rows);
        if (fresh) kernels.fill(g, 0f);
        return g;
    }

    /**
     * 0 when nothing has written {@code v}'s gradient yet this step, so a kernel with an output beta may
     * overwrite it instead of the tape zero-filling it first; 1 when it must accumulate. Ask before
     * {@link #gradForWrite}, which marks the gradient as written.
     */
    float betaFor(Var v) {
        return v.gradStamp == stamp ? 1f : 0f;
    }

    /**
     * This step's gradient buffer of {@code v} without zeroing it: for a kernel that writes every element
     * with the beta {@link #betaFor} gave. Null for a Var that takes no gradient.
     */
    Tensor gradForWrite(Var v) {
        if (!v.requiresGrad) return null;
        if (v.gradStamp != stamp) {
            if (v.grad == null || v.grad.capacity() < v.value.size()) {
                if (v.parameter) throw new IllegalStateException("parameter " + v.name + " has no gradient buffer");
                v.grad = scope.floats(v.rows(), v.cols());
                allocations++;
            }
            v.grad.reshape(v.rows(), v.cols());
            v.gradStamp = stamp;
        }
        return v.grad;
    }

    /** A throwaway gradient buffer owned by a node, for fused kernels that always write two outputs. */
    Tensor scratch(Node n, int rows, int cols) {
        n.aux = floats(n.aux, rows, cols);
        kernels.fill(n.aux, 0f);
        return n.aux;
    }

    // ---- recording ---------------------------------------------------------------------------

    private Node record(Op op, Var a, Var b, Var c, int rows, int cols) {
        Node n;
        if (cursor < nodes.size()) {
            n = nodes.get(cursor);
        } else {
            n = new Node();
            nodes.add(n);
        }
        cursor++;
        n.clearInputs();
        n.op = op;
        n.a = a;
        n.b = b;
        n.c = c;
        if (n.out == null || n.out.value.capacity() < (long) rows * cols) {
            n.out = new Var(scope.floats(rows, cols), null, false, false, null);
            allocations++;
        } else {
            n.out.value.reshape(rows, cols);
        }
        n.out.requiresGrad = a.requiresGrad || (b != null && b.requiresGrad) || (c != null && c.requiresGrad);
        n.out.gradStamp = -1;
        n.out.gradRows = rows;
        return n;
    }

    private Var run(Node n) {
        n.op.forward(n, kernels);
        return n.out;
    }

    private Tensor floats(Tensor have, int rows, int cols) {
        if (have != null && have.capacity() >= (long) rows * cols) return have.reshape(rows, cols);
        allocations++;
        return scope.floats(rows, cols);
    }

    private IntTensor ints(IntTensor have, int rows, int cols) {
        if (have != null && have.capacity() >= (long) rows * cols) return have.reshape(rows, cols);
        allocations++;
        return scope.ints(rows, cols);
    }

    private static IllegalArgumentException shape(String op, Var a, Var b) {
        return new IllegalArgumentException(op + ": incompatible shapes " + a.value.shape() + " and " + b.value.shape());
    }

    @Override
    public void close() {
        scope.close();
    }
}
