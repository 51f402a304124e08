package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * The engine's primitive operations. Every backend (scalar reference, Vector API, CUDA) implements
 * exactly this set, and the parity suite runs each one against {@link ScalarKernels}.
 *
 * <p>Conventions:
 * <ul>
 *   <li>All tensors passed to one backend live in that backend's memory ({@link #newScope()});
 *       host data crosses with {@link #upload}/{@link #download} only.</li>
 *   <li>Backward kernels <em>accumulate</em> into gradient buffers ({@code dx += ...}), so fan-out in
 *       the tape needs no extra work. Forward kernels overwrite their output unless a {@code beta}
 *       says otherwise; with {@code beta == 0} the old contents are ignored, NaN included.</li>
 *   <li>Reductions that produce a scalar write a 1×1 tensor rather than return a float, so a device
 *       backend never has to stop and copy inside a training step; {@link #readScalar} is the one
 *       deliberate host round trip.</li>
 *   <li>Thread counts: the CPU backends give the same bits for any number of threads —
 *       {@link ScalarKernels} runs on one, and {@code VectorKernels} splits its work in fixed chunks
 *       and reduces in one documented order (KernelParityTest compares one thread with several bit for
 *       bit). The CUDA backend does not
 *       promise that from run to run: {@code scatterAddRows}, {@code csrMaxBackward} and
 *       {@code gatherSumSquaresBackward} (its fused kernel, or the default's scatterAddRows) add repeated
 *       rows with {@code atomicAdd} in whatever order the GPU threads get there, so those sums can differ
 *       in their last bits.</li>
 * </ul>
 */
public interface Kernels extends AutoCloseable {

    String name();

    Device device();

    /** A scope whose buffers live where this backend computes. */
    Scope newScope();

    // ---- transfers -------------------------------------------------------------------------

    void upload(Tensor host, Tensor dst);

    void download(Tensor src, Tensor hostDst);

    void upload(IntTensor host, IntTensor dst);

    void download(IntTensor src, IntTensor hostDst);

    /** This backend's copy of a host CSR together with its transpose; CPU backends return it as is. */
    CsrMatrix upload(CsrMatrix host, Scope scope);

    /** Element 0 of {@code t}, read on the host. The only synchronising read in a training step. */
    float readScalar(Tensor t);

    // ---- dense basics ----------------------------------------------------------------------

    void fill(Tensor t, float value);

    /**
     * Copies (or adds, when {@code accumulate}) the block {@code rows×cols} at ({@code srcRow},{@code srcCol})
     * of {@code src} into {@code dst} at ({@code dstRow},{@code dstCol}). Concatenation and splitting along
     * either axis are this one kernel.
     */
    void copyBlock(Tensor src, int srcRow, int srcCol, Tensor dst, int dstRow, int dstCol,
                   int rows, int cols, boolean accumulate);

    /** y = alpha·x + beta·y, element-wise over equal shapes. */
    void axpby(float alpha, Tensor x, float beta, Tensor y);

    /** c = alpha·op(a)·op(b) + beta·c where op transposes when asked. */
    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);

    /** y[r,:] += bias for every row; bias is 1×cols. */
    void addRowVector(Tensor bias, Tensor y);

    /** out (1×cols) = Σ_r x[r,:] + beta·out: the bias gradient. */
    void sumRows(Tensor x, float beta, Tensor out);

    // ---- sparse aggregation ----------------------------------------------------------------

    /** y = A·x + beta·y. Use {@code a.transpose()} for Aᵀ·x. */
    void spmm(CsrMatrix a, Tensor x, float beta, Tensor y);

    /**
     * y[i,c] = max over stored j in row i of x[j,c] (the CSR values are ignored); argmax[i,c] = that j,
     * the first one on ties. An empty row gives y = 0 and argmax = −1.
     */
    void csrMax(CsrMatrix a, Tensor x, Tensor y, IntTensor argmax);

    /** dx[argmax[i,c], c] += dy[i,c], skipping −1. */
    void csrMaxBackward(IntTensor argmax, Tensor dy, Tensor dx);

    // ---- row indexing ----------------------------------------------------------------------

    /** dst[k,:] = src[index[k],:]. */
    void gatherRows(Tensor src, IntTensor index, Tensor dst);

    /** dst[index[k],:] += src[k,:]; repeated indices add up. */
    void scatterAddRows(Tensor src, IntTensor index, Tensor dst);

    // ---- element-wise and row-wise ---------------------------------------------------------

    void leakyRelu(Tensor x, float slope, Tensor y);

    /** dx += dy · (x > 0 ? 1 : slope). */
    void leakyReluBackward(Tensor x, Tensor dy, float slope, Tensor dx);

    /** norms[r] = ‖x_r‖ (rows×1); y_r = x_r / max(norms[r], eps). */
    void rowL2Normalize(Tensor x, float eps, Tensor y, Tensor norms);

    /** dx_r += (dy_r − y_r·⟨dy_r, y_r⟩) / ‖x_r‖, or dy_r / eps where the norm was clamped. */
    void rowL2NormalizeBackward(Tensor y, Tensor norms, float eps, Tensor dy, Tensor dx);

    /** out[r] = ⟨a_r, b_r⟩; out is rows×1. */
    void rowDot(Tensor a, Tensor b, Tensor out);

    /** y[r,:] += scale[r]·x[r,:]; scale is rows×1. The backward of {@link #rowDot}. */
    void scaleRowsAdd(Tensor scale, Tensor x, Tensor y);

    // ---- losses (1×1 outputs) --------------------------------------------------------------

    /** out = Σ x². */
    void sumSquares(Tensor x, Tensor out);

    /** dx += 2·dOut[0]·x. */
    void sumSquaresBackward(Tensor x, Tensor dOut, Tensor dx);

    /** out = mean over rows of softplus(neg − pos), computed without overflow: the BPR loss. */
    void bprLoss(Tensor pos, Tensor neg, Tensor out);

    /** With s = σ(neg − pos)/n: dPos −= dOut·s, dNeg += dOut·s. */
    void bprLossBackward(Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg);

    // ---- optimiser ---------------------------------------------------------------------------

    /**
     * One Adam step (bias-corrected, step counted from 1) with decoupled weight decay
     * (p −= lr·weightDecay·p before the Adam update, as AdamW).
     */
    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                  float eps, float weightDecay, int step);

    // ---- evaluation --------------------------------------------------------------------------

    /** scores[r, c] = value for every column c stored in row (firstRow + r) of mask. */
    void maskScores(Tensor scores, CsrMatrix mask, int firstRow, float value);

    /**
     * Per row, the k largest scores in descending order with their column indices; ties go to the
     * lower index. indices and values are rows×k; k ≤ cols.
     */
    void topK(Tensor scores, int k, IntTensor indices, Tensor values);

    // ---- fused (optional) -------------------------------------------------------------------
    //
    // Each one does the work of a few primitives in fewer passes over memory (and, on a device, fewer
    // launches). The defaults below are built from the primitives, so a backend is correct without
    // overriding them. Where a default needs scratch memory it asks the backend for it: a backend that
    // runs these defaults in a loop keeps one growing buffer ({@link ScratchSpace}); any other gets a
    // buffer from newScope() for the call.

    /**
     * dst = src for int tensors of equal size, backend to backend. The default moves the bits through
     * {@link #copyBlock} on float views of the same memory: a plain copy on every backend (no arithmetic
     * touches the values, and indices below 2³¹ are never NaN patterns). A device overrides it with an
     * asynchronous device-to-device copy.
     */
    default void copy(IntTensor src, IntTensor dst) {
        if (src.size() != dst.size()) throw new IllegalArgumentException("sizes differ: " + src.shape() + " vs " + dst.shape());
        if (src.size() == 0) return;
        int n = Math.toIntExact(src.size());
        Tensor from = new Tensor(src.segment().asSlice(0, (long) n * Integer.BYTES), src.device(), n, 1);
        Tensor to = new Tensor(dst.segment().asSlice(0, (long) n * Integer.BYTES), dst.device(), n, 1);
        copyBlock(from, 0, 0, to, 0, 0, n, 1, false);
    }

    /**
     * Runs {@code calls}: a sequence of this backend's calls that is the same — same kernels, same
     * arguments, same buffers — every time it runs with an equal {@code key}; only the contents of backend
     * memory differ, and nothing in it reads back to the host. A device backend may record the calls (a
     * CUDA graph: stream capture) and from then on replay the recording instead of running {@code calls},
     * so Java code inside {@code calls} runs only when recorded. It should record a key's second run, not
     * its first: a first run may allocate (the tape sizes its buffers on its first step) and such calls do
     * not belong in a recording. The default runs them every time. The trainer wraps each training step's compute in one, keyed by
     * (batch size, the model's graph version): full batches share one recording, the shorter last batch gets its
     * own, and a model that swaps its training graph (FREEDOM prunes a new one each epoch) records anew.
     */
    default void replayable(Object key, Runnable calls) {
        calls.run();
    }

    /** out = a + b element-wise over equal shapes, in one pass; out may be a or b. */
    default void add(Tensor a, Tensor b, Tensor out) {
        Checks.sameShape(a, b);
        Checks.sameShape(a, out);
        if (out == b) {
            axpby(1f, a, 1f, out);
            return;
        }
        if (out != a) copyBlock(a, 0, 0, out, 0, 0, a.rows(), a.cols(), false);
        axpby(1f, b, 1f, out);
    }

    /**
     * y = LeakyReLU(x + bias), bias a 1×cols row vector or null; x and y may be the same tensor (the
     * activation in place on a GEMM's output).
     */
    default void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) {
        Checks.sameShape(x, y);
        if (bias != null) Checks.rowVector(bias, y.cols());
        if (x != y) copyBlock(x, 0, 0, y, 0, 0, x.rows(), x.cols(), false);
        if (bias != null) addRowVector(bias, y);
        leakyRelu(y, slope, y);
    }

    /**
     * The backward pass of {@link #biasLeakyRelu} computed from its <em>output</em>: with slope ≥ 0,
     * y > 0 exactly where x + bias > 0, so the pre-activation need not be kept.
     * {@code dz = dy·(y > 0 ? 1 : slope)} <em>overwrites</em> dz (the pre-activation's gradient, owned
     * by the caller) and may be dy itself; when dBias is not null, {@code dBias = Σ_r dz[r,:] + biasBeta·dBias}.
     */
    default void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta) {
        Checks.sameShape(y, dy);
        Checks.sameShape(y, dz);
        Checks.nonNegativeSlope(slope);
        if (dBias != null) Checks.rowVector(dBias, y.cols());
        if (dz == dy) {
            // in place: keep dy aside, then dz = 0 + mask·dy
            try (Scratch s = new Scratch(this, y.size())) {
                Tensor g = s.take(dy.rows(), dy.cols());
                copyBlock(dy, 0, 0, g, 0, 0, dy.rows(), dy.cols(), false);
                fill(dz, 0f);
                leakyReluBackward(y, g, slope, dz);
            }
        } else {
            fill(dz, 0f);
            leakyReluBackward(y, dy, slope, dz);
        }
        if (dBias != null) sumRows(dz, biasBeta, dBias);
    }

    /**
     * The L2 penalty of a batch's rows without gathering them:
     * {@code out = weight·Σ_k ‖table[index[k],:]‖² + beta·out} (out 1×1; beta == 0 ignores its old contents).
     * Several tables' penalties chain into one scalar with beta = 1.
     */
    default void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out) {
        Checks.scalar(out);
        int n = Math.toIntExact(index.size());
        try (Scratch s = new Scratch(this, (long) n * table.cols() + 1)) {
            Tensor rows = s.take(n, table.cols());
            gatherRows(table, index, rows);
            Tensor sum = s.take(1, 1);
            sumSquares(rows, sum);
            axpby(weight, sum, beta, out);
        }
    }

    /**
     * The backward pass of {@link #gatherSumSquares}: dTable[index[k],:] += 2·weight·dOut[0]·table[index[k],:].
     */
    default void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable) {
        Checks.scalar(dOut);
        Checks.sameShape(table, dTable);
        int n = Math.toIntExact(index.size());
        try (Scratch s = new Scratch(this, 2L * n * table.cols() + 1)) {
            Tensor rows = s.take(n, table.cols());
            gatherRows(table, index, rows);
            Tensor g = s.take(1, 1);
            axpby(weight, dOut, 0f, g);
            Tensor dRows = s.take(n, table.cols());
            fill(dRows, 0f);
            sumSquaresBackward(rows, g, dRows);
            scatterAddRows(dRows, index, dTable);
        }
    }

    /**
     * {@link #adamStep(Tensor, Tensor, Tensor, Tensor, float, float, float, float, float, int) adamStep} with the
     * step number (counted from 1, held as an exact float) read from {@code step}, a 1×1 tensor in this
     * backend's memory: the optimiser advances it there, so a step needs no host value that changes from
     * one step to the next. The default reads it back, which on a device is a host round trip; a device
     * backend overrides this to read it in the kernel. param, grad, m and v are typically views of the
     * flat buffers that hold every parameter, so one call updates the whole model.
     */
    default void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                          float eps, float weightDecay, Tensor step) {
        Checks.scalar(step);
        adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, Math.round(readScalar(step)));
    }

    /**
     * The machine's ceilings for this backend — peak FLOP rate and streaming bandwidth on the threads it
     * uses — measured once (a fraction of a second) on first call and kept; null where the backend has no
     * probe. {@code --profile} and {@code bench} put every kernel's rate beside them.
     */
    default Ceilings ceilings() {
        return null;
    }

    /**
     * Marks on this backend's timeline, for profiling. Host backends compute synchronously, so the
     * default reads the host clock. A device backend should override it to record events in its stream
     * and read their elapsed times only when asked (see {@link BackendClock}).
     */
    default BackendClock clock() {
        return BackendClock.HOST;
    }

    @Override
    default void close() {
    }
}
