package dev.mmgcn.cuda;

import dev.mmgcn.kernels.BackendClock;
import dev.mmgcn.kernels.Ceilings;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import static dev.mmgcn.cuda.KernelArgs.onGpu;
import static dev.mmgcn.cuda.KernelArgs.pointer;
import static dev.mmgcn.kernels.Checks.block;
import static dev.mmgcn.kernels.Checks.columnVector;
import static dev.mmgcn.kernels.Checks.gemmShapes;
import static dev.mmgcn.kernels.Checks.indexShapes;
import static dev.mmgcn.kernels.Checks.intShape;
import static dev.mmgcn.kernels.Checks.maskShapes;
import static dev.mmgcn.kernels.Checks.rowVector;
import static dev.mmgcn.kernels.Checks.sameShape;
import static dev.mmgcn.kernels.Checks.scalar;
import static dev.mmgcn.kernels.Checks.spmmShapes;
import static dev.mmgcn.kernels.Checks.topKShapes;

/**
 * The CUDA backend: dense products through cuBLAS, CSR products through cuSPARSE, and everything
 * else through the kernels in {@code native/}, all queued on one stream. Shapes are checked on the
 * host with the same {@code Checks} as every other backend, so a mistake fails the same way here;
 * index errors, which only the GPU can see, surface at the next synchronising call
 * ({@link #readScalar} or a download). Each method checks that the backend is open
 * ({@link CudaRuntime#args}), its tensors' devices as they become pointers ({@link KernelArgs#pointer}),
 * then their shapes, and launches unless the work is empty.
 *
 * <p>One thread at a time: the stream orders all work, and the calls are not meant to be made
 * concurrently.
 */
public final class CudaKernels implements Kernels {
    /** topK keeps up to this many candidates per row in shared memory (TOPK_MAX in topk.cu); more spill to scratch. */
    static final int MAX_SHARED_TOP_K = 128;
    /** Bound on the spilled candidates of a large-k topK: the grid shrinks to fit, rows are looped over. */
    static final long TOP_K_SPILL_BYTES = 32L << 20;
    /** Blocks of the first stage of sumSquares / bprLoss; a function of n only, so results are too. */
    static final int MAX_PARTIALS = 256;
    private static final int PARTIAL_GRAIN = 4096;
    /** Row chunks of the first stage of sumRows. */
    private static final int MAX_ROW_CHUNKS = 128;
    private static final int ROW_CHUNK_GRAIN = 256;

    private final CudaRuntime rt;
    private final SparseOps sparse;
    private final Transfers transfers;
    /** The fused methods: the unverified issue-14 kernels when CudaSwitches.fused() is on, else the Kernels defaults. */
    private final FusedOps fused;
    /** CUDA events with the fused switch on, else the host clock. */
    private final BackendClock clock;
    /** replayable as CUDA graphs; null (run every time) unless CudaSwitches.graphs() is on. */
    private final GraphRecorder<?> graphs;
    private final String graphsNote;

    /** "" when a GPU and the CUDA libraries are usable here, otherwise a one-line reason. Never throws. */
    public static String probe() {
        try {
            return CudaProbe.reason();
        } catch (Throwable t) {
            return "CUDA unavailable: " + t;
        }
    }

    /**
     * Opens GPU 0 with the switches of {@link CudaSwitches}; graphs, when not set, as {@link GraphSetup}
     * decides. Throws {@link CudaException} naming the failed call when that is not possible.
     */
    public CudaKernels() {
        this(CudaSwitches.graphsGiven(), CudaSwitches.fused());
    }

    public CudaKernels(boolean fused) {
        this(fused, false);
    }

    /**
     * Opens GPU 0; with {@code graphs} (which needs {@code fused} and working stream capture), replayable
     * regions become CUDA graphs; with {@code fused}, also the unverified fused kernels, device-side Adam
     * step, async int copy and event clock of issue 14 (see {@link CudaSwitches}).
     */
    public CudaKernels(boolean fused, boolean graphs) {
        this(Boolean.valueOf(graphs), fused);
    }

    private CudaKernels(Boolean graphsGiven, boolean fused) {
        if (graphsGiven != null) CudaSwitches.requireCompatible(fused, graphsGiven);
        String why = probe();
        if (!why.isEmpty()) throw new CudaException(why);
        this.rt = CudaRuntime.open(0, fused);
        GraphSetup.Decision g;
        try {
            g = GraphSetup.forDevice(rt, fused, graphsGiven);
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
        this.graphsNote = g.note();
        this.sparse = new SparseOps(rt);
        this.transfers = new Transfers(rt, sparse);
        this.fused = fused ? new CudaFused(rt, this) : KernelDefaults.over(this);
        this.graphs = g.on() ? new GraphRecorder<>(new CudaGraphDriver(rt)) : null;
        if (this.graphs != null) rt.beforeBuffersMove(this.graphs::invalidate);
        this.clock = fused ? new CudaClock(rt, this.graphs) : BackendClock.HOST;
    }

    /** {free, total} bytes of the GPU's memory now (cuMemGetInfo, cuDeviceTotalMem): the CLI's memory budget reads it by name. */
    public long[] deviceMemory() { rt.requireOpen(); return new long[] {rt.freeMemory(), rt.totalMemory()}; }

    /** "" or the one line saying why CUDA graphs are off although the default asked for them (GraphSetup). */
    public String graphsNote() { return graphsNote; }

    /** Whether the unverified fused path is on (CudaSwitches). */
    public boolean fusedPath() { return fused instanceof CudaFused; }

    /** Whether replayable regions are recorded as CUDA graphs (CudaSwitches, GraphSetup). */
    public boolean graphs() { return graphs != null; }

    @Override
    public String toString() {
        return !fusedPath() ? "cuda" : graphs == null ? "cuda (fused path on)" : "cuda (fused path and graphs on)";
    }

    @Override public String name() { return "cuda"; }

    @Override public Device device() { return Device.CUDA; }

    @Override
    public Scope newScope() {
        rt.requireOpen();
        return new CudaScope(rt);
    }

    /** The cuSPARSE algorithm SpMM settled on (CSR_ALG2 unless this cuSPARSE refused it). */
    public String spmmAlgorithm() {
        return sparse.algorithmName();
    }

    // ---- transfers ---------------------------------------------------------------------------

    @Override public void upload(Tensor host, Tensor dst) { transfers.in(host, dst); }
    @Override public void download(Tensor src, Tensor hostDst) { transfers.out(src, hostDst); }
    @Override public void upload(IntTensor host, IntTensor dst) { transfers.in(host, dst); }
    @Override public void download(IntTensor src, IntTensor hostDst) { transfers.out(src, hostDst); }
    /** Uploads the matrix and its transpose (built once on the host) and pairs them. */
    @Override public CsrMatrix upload(CsrMatrix host, Scope scope) { return transfers.csr(host, scope); }

    @Override
    public float readScalar(Tensor t) {
        rt.requireOpen();
        long address = pointer(t, "readScalar argument");
        if (t.capacity() < 1) throw new IllegalArgumentException("readScalar of an empty tensor " + t.shape());
        return rt.readFloat(address);
    }

    // ---- dense basics ------------------------------------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        rt.launchFlat(rt.args(Kernel.FILL).ptr(t).i64(t.size()).f32(value), t.size());
    }

    @Override
    public void copyBlock(Tensor src, int srcRow, int srcCol, Tensor dst, int dstRow, int dstCol,
                          int rows, int cols, boolean accumulate) {
        KernelArgs args = rt.args(Kernel.COPY_BLOCK);
        long from = pointer(src, "copyBlock source"), to = pointer(dst, "copyBlock destination");
        block(src, srcRow, srcCol, rows, cols);
        block(dst, dstRow, dstCol, rows, cols);
        rt.launchFlat(args.ptr(from + ((long) srcRow * src.cols() + srcCol) * Float.BYTES).i32(src.cols())
                .ptr(to + ((long) dstRow * dst.cols() + dstCol) * Float.BYTES).i32(dst.cols())
                .i32(rows).i32(cols).i32(accumulate ? 1 : 0), (long) rows * cols);
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        KernelArgs args = rt.args(Kernel.AXPBY).f32(alpha).ptr(x).f32(beta).ptr(y).i64(y.size());
        sameShape(x, y);
        rt.launchFlat(args, y.size());
    }

    /** y = beta·y, clearing NaN when beta is 0. */
    private void scale(Tensor y, float beta) {
        if (beta != 1f) rt.launchFlat(rt.args(Kernel.SCALE).ptr(y).i64(y.size()).f32(beta), y.size());
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        rt.requireOpen();
        long pa = pointer(a, "gemm a"), pb = pointer(b, "gemm b"), pc = pointer(c, "gemm c");
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        gemmShapes(m, k, kb, n, c);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            // cuBLAS rejects a leading dimension of 0; an empty inner product leaves beta·C
            scale(c, beta);
            return;
        }
        rt.blas().sgemmRowMajor(transA, transB, m, n, k, alpha, pa, a.cols(), pb, b.cols(), beta, pc, c.cols());
    }

    @Override
    public void addRowVector(Tensor bias, Tensor y) {
        KernelArgs args = rt.args(Kernel.ADD_ROW_VECTOR).ptr(bias).ptr(y).i32(y.rows()).i32(y.cols());
        rowVector(bias, y.cols());
        rt.launchFlat(args, y.size());
    }

    @Override
    public void sumRows(Tensor x, float beta, Tensor out) {
        KernelArgs first = rt.args(Kernel.SUM_ROWS_PARTIAL).ptr(x);
        long to = pointer(out, "sumRows output");
        rowVector(out, x.cols());
        int rows = x.rows();
        int cols = x.cols();
        if (cols == 0) return;
        int chunks = rows == 0 ? 0 : (int) Math.min(MAX_ROW_CHUNKS, ((long) rows + ROW_CHUNK_GRAIN - 1) / ROW_CHUNK_GRAIN);
        int rowsPerChunk = chunks == 0 ? 0 : (int) (((long) rows + chunks - 1) / chunks);
        long partial = rt.scratch((long) Math.max(chunks, 1) * cols * Double.BYTES);
        if (chunks > 0) rt.launch(first.i32(rows).i32(cols).i32(rowsPerChunk).ptr(partial), (cols + 31) / 32, chunks, 32, 8);
        rt.launch(rt.args(Kernel.SUM_ROWS_FINAL).ptr(partial).i32(chunks).i32(cols).f32(beta).ptr(to), CudaRuntime.blocksFor(cols));
    }

    // ---- sparse aggregation ------------------------------------------------------------------

    @Override
    public void spmm(CsrMatrix a, Tensor x, float beta, Tensor y) {
        rt.requireOpen();
        onGpu(a, "spmm matrix");
        pointer(x, "spmm x");
        long py = pointer(y, "spmm y");
        spmmShapes(a, x, y);
        if (y.size() == 0) return;
        if (a.nnz() == 0) {
            scale(y, beta);
            return;
        }
        if (beta == 0f) {
            // the contract ignores y's old contents, NaN included; do not rely on cuSPARSE for that
            rt.memsetD32(py, 0, y.size());
        }
        sparse.spmm(a, x, beta, y);
    }

    @Override
    public void csrMax(CsrMatrix a, Tensor x, Tensor y, IntTensor argmax) {
        KernelArgs args = rt.args(Kernel.CSR_MAX).ptr(onGpu(a, "csrMax matrix").rowPtr()).ptr(a.colIdx()).ptr(x)
                .i32(a.rows()).i32(x.cols()).ptr(y).ptr(argmax);
        spmmShapes(a, x, y);
        intShape(argmax, y.rows(), y.cols());
        rt.launchFlat(args, y.size());
    }

    @Override
    public void csrMaxBackward(IntTensor argmax, Tensor dy, Tensor dx) {
        KernelArgs args = rt.args(Kernel.CSR_MAX_BWD).ptr(argmax).ptr(dy).i32(dy.rows()).i32(dy.cols()).ptr(dx)
                .i32(dx.rows()).ptr(rt.errorWord());
        intShape(argmax, dy.rows(), dy.cols());
        if (dx.cols() != dy.cols()) throw new IllegalArgumentException("widths differ: " + dy.shape() + " vs " + dx.shape());
        rt.launchFlat(args, dy.size());
    }

    // ---- row indexing ------------------------------------------------------------------------

    @Override
    public void gatherRows(Tensor src, IntTensor index, Tensor dst) {
        KernelArgs args = rt.args(Kernel.GATHER_ROWS).ptr(src).i32(src.rows()).ptr(index).i32(dst.rows()).i32(dst.cols())
                .ptr(dst).ptr(rt.errorWord());
        indexShapes(src, index, dst);
        rt.launchFlat(args, dst.size());
    }

    @Override
    public void scatterAddRows(Tensor src, IntTensor index, Tensor dst) {
        KernelArgs args = rt.args(Kernel.SCATTER_ADD_ROWS).ptr(src).ptr(index).i32(src.rows()).i32(src.cols()).ptr(dst)
                .i32(dst.rows()).ptr(rt.errorWord());
        indexShapes(dst, index, src);
        rt.launchFlat(args, src.size());
    }

    // ---- element-wise and row-wise -----------------------------------------------------------

    @Override
    public void leakyRelu(Tensor x, float slope, Tensor y) {
        KernelArgs args = rt.args(Kernel.LEAKY_RELU).ptr(x).f32(slope).ptr(y).i64(x.size());
        sameShape(x, y);
        rt.launchFlat(args, x.size());
    }

    @Override
    public void leakyReluBackward(Tensor x, Tensor dy, float slope, Tensor dx) {
        KernelArgs args = rt.args(Kernel.LEAKY_RELU_BWD).ptr(x).ptr(dy).f32(slope).ptr(dx).i64(x.size());
        sameShape(x, dy);
        sameShape(x, dx);
        rt.launchFlat(args, x.size());
    }

    @Override
    public void rowL2Normalize(Tensor x, float eps, Tensor y, Tensor norms) {
        KernelArgs args = rt.args(Kernel.ROW_L2_NORMALIZE).ptr(x).i32(x.rows()).i32(x.cols()).f32(eps).ptr(y).ptr(norms);
        sameShape(x, y);
        columnVector(norms, x.rows());
        rt.launchPerRow(args, x.rows());
    }

    @Override
    public void rowL2NormalizeBackward(Tensor y, Tensor norms, float eps, Tensor dy, Tensor dx) {
        KernelArgs args = rt.args(Kernel.ROW_L2_NORMALIZE_BWD).ptr(y).ptr(norms).i32(y.rows()).i32(y.cols()).f32(eps)
                .ptr(dy).ptr(dx);
        sameShape(y, dy);
        sameShape(y, dx);
        columnVector(norms, y.rows());
        rt.launchPerRow(args, y.rows());
    }

    @Override
    public void rowDot(Tensor a, Tensor b, Tensor out) {
        KernelArgs args = rt.args(Kernel.ROW_DOT).ptr(a).ptr(b).i32(a.rows()).i32(a.cols()).ptr(out);
        sameShape(a, b);
        columnVector(out, a.rows());
        rt.launchPerRow(args, a.rows());
    }

    @Override
    public void scaleRowsAdd(Tensor scale, Tensor x, Tensor y) {
        KernelArgs args = rt.args(Kernel.SCALE_ROWS_ADD).ptr(scale).ptr(x).i32(x.rows()).i32(x.cols()).ptr(y);
        sameShape(x, y);
        columnVector(scale, x.rows());
        rt.launchFlat(args, x.size());
    }

    // ---- losses ------------------------------------------------------------------------------

    /** Number of first-stage blocks for a reduction over n elements: depends on n only. */
    static int partialBlocks(long n) {
        return (int) Math.min(MAX_PARTIALS, (n + PARTIAL_GRAIN - 1) / PARTIAL_GRAIN);
    }

    @Override
    public void sumSquares(Tensor x, Tensor out) {
        KernelArgs first = rt.args(Kernel.SUM_SQUARES_PARTIAL).ptr(x).i64(x.size());
        long to = pointer(out, "sumSquares output");
        scalar(out);
        reduce(first, x.size(), 1.0, to);
    }

    @Override
    public void sumSquaresBackward(Tensor x, Tensor dOut, Tensor dx) {
        KernelArgs args = rt.args(Kernel.SUM_SQUARES_BWD).ptr(x).ptr(dOut).ptr(dx).i64(x.size());
        scalar(dOut);
        sameShape(x, dx);
        rt.launchFlat(args, x.size());
    }

    @Override
    public void bprLoss(Tensor pos, Tensor neg, Tensor out) {
        KernelArgs first = rt.args(Kernel.BPR_LOSS_PARTIAL).ptr(pos).ptr(neg).i64(pos.size());
        long to = pointer(out, "bprLoss output");
        sameShape(pos, neg);
        scalar(out);
        reduce(first, pos.size(), (double) pos.size(), to);
    }

    /** The two stages of a reduction over n elements: partial sums in scratch (first's last argument), then their sum / divisor into out. */
    private void reduce(KernelArgs first, long n, double divisor, long out) {
        int blocks = partialBlocks(n);
        long partial = rt.scratch((long) MAX_PARTIALS * Double.BYTES);
        if (blocks > 0) rt.launch(first.ptr(partial), blocks);
        rt.launch(rt.args(Kernel.REDUCE_FINAL).ptr(partial).i32(blocks).f64(divisor).ptr(out), 1);
    }

    @Override
    public void bprLossBackward(Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg) {
        KernelArgs args = rt.args(Kernel.BPR_LOSS_BWD).ptr(pos).ptr(neg).ptr(dOut).ptr(dPos).ptr(dNeg).i64(pos.size());
        sameShape(pos, neg);
        sameShape(pos, dPos);
        sameShape(pos, dNeg);
        scalar(dOut);
        rt.launchFlat(args, pos.size());
    }

    // ---- optimiser ---------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                         float eps, float weightDecay, int step) {
        double c1 = 1 - StrictMath.pow(beta1, step);
        double c2 = 1 - StrictMath.pow(beta2, step);
        KernelArgs args = rt.args(Kernel.ADAM).ptr(param).ptr(grad).ptr(m).ptr(v).i64(param.size())
                .f32(lr).f32(beta1).f32(beta2).f32(eps).f32(weightDecay).f64(c1).f64(c2);
        sameShape(param, grad);
        sameShape(param, m);
        sameShape(param, v);
        rt.launchFlat(args, param.size());
    }

    // ---- fused (issue 14): chosen once, when the backend opens (see FusedOps) --------------------

    /** The fused methods' implementation, once the backend is known to be open. */
    private FusedOps fused() {
        rt.requireOpen();
        return fused;
    }

    @Override public void copy(IntTensor src, IntTensor dst) { fused().copy(src, dst); }
    @Override public void add(Tensor a, Tensor b, Tensor out) { fused().add(a, b, out); }
    @Override public void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) { fused().biasLeakyRelu(x, bias, slope, y); }
    @Override public void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta) {
        fused().biasLeakyReluBackward(y, dy, slope, dz, dBias, biasBeta);
    }
    @Override public void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out) {
        fused().gatherSumSquares(table, index, weight, beta, out);
    }
    @Override public void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable) {
        fused().gatherSumSquaresBackward(table, index, weight, dOut, dTable);
    }
    @Override public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                                   float weightDecay, Tensor step) {
        fused().adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }

    @Override
    public void replayable(Object key, Runnable calls) {
        rt.requireOpen();
        if (graphs != null) graphs.run(key, calls);
        else calls.run();
    }

    @Override public BackendClock clock() { return clock; }

    /** No device probe yet: {@code --profile} and {@code bench} leave the roofline out on CUDA. */
    @Override
    public Ceilings ceilings() {
        return null;
    }

    // ---- evaluation --------------------------------------------------------------------------

    @Override
    public void maskScores(Tensor scores, CsrMatrix mask, int firstRow, float value) {
        KernelArgs args = rt.args(Kernel.MASK_SCORES).ptr(scores).i32(scores.rows()).i32(scores.cols())
                .ptr(onGpu(mask, "maskScores mask").rowPtr()).ptr(mask.colIdx()).i32(firstRow).f32(value);
        maskShapes(scores, mask, firstRow);
        rt.launchPerRow(args, scores.rows());
    }

    @Override
    public void topK(Tensor scores, int k, IntTensor indices, Tensor values) {
        KernelArgs args = rt.args(Kernel.TOPK_ROWS).ptr(scores).i32(scores.rows()).i32(scores.cols()).i32(k).ptr(indices).ptr(values);
        topKShapes(scores, k, indices, values);
        int rows = scores.rows();
        if (rows == 0) return;
        int blocks = topKBlocks(rows, k);
        long spillKeys = 0;
        long spillIndices = 0;
        if (k > MAX_SHARED_TOP_K) {
            long slots = (long) blocks * k;
            spillKeys = rt.scratch(slots * (Integer.BYTES + Integer.BYTES));
            spillIndices = spillKeys + slots * Integer.BYTES;
        }
        rt.launch(args.ptr(spillKeys).ptr(spillIndices), blocks);
    }

    /** One block per row up to the grid limit; a k too large for shared memory also bounds the spill area. */
    static int topKBlocks(int rows, int k) {
        int blocks = Math.min(rows, CudaRuntime.MAX_BLOCKS);
        if (k > MAX_SHARED_TOP_K) {
            long perBlock = (long) k * (Integer.BYTES + Integer.BYTES);
            blocks = (int) Math.max(1, Math.min(blocks, TOP_K_SPILL_BYTES / perBlock));
        }
        return blocks;
    }

    @Override
    public void close() {
        if (rt.isClosed()) return;
        try {
            rt.makeCurrent();
            try {
                if (graphs != null) graphs.close();
            } finally {
                try {
                    if (clock instanceof CudaClock c) c.close();
                } finally {
                    sparse.close();
                }
            }
        } finally {
            rt.close();
        }
    }
}
