package dev.mmgcn.cuda;

import dev.mmgcn.kernels.BackendClock;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Checks.block;
import static dev.mmgcn.kernels.Checks.columnVector;
import static dev.mmgcn.kernels.Checks.gemmShapes;
import static dev.mmgcn.kernels.Checks.indexShapes;
import static dev.mmgcn.kernels.Checks.intShape;
import static dev.mmgcn.kernels.Checks.maskShapes;
import static dev.mmgcn.kernels.Checks.rowVector;
import static dev.mmgcn.kernels.Checks.sameShape;
import static dev.mmgcn.kernels.Checks.sameSize;
import static dev.mmgcn.kernels.Checks.scalar;
import static dev.mmgcn.kernels.Checks.spmmShapes;
import static dev.mmgcn.kernels.Checks.topKShapes;

/**
 * The CUDA backend: dense products through cuBLAS, CSR products through cuSPARSE, and everything
 * else through the kernels in {@code native/}, all queued on one stream. Shapes are checked on the
 * host with the same {@code Checks} as every other backend, so a mistake fails the same way here;
 * index errors, which only the GPU can see, surface at the next synchronising call
 * ({@link #readScalar} or a download).
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
    /** The unverified issue-14 overrides; null (the Kernels defaults run) unless CudaSwitches.fused() is on. */
    private final CudaFused fused;
    private final CudaClock clock;
    /** replayable as CUDA graphs; null (run every time) unless CudaSwitches.graphs() is on. */
    private final GraphRecorder<?> graphs;

    /** "" when a GPU and the CUDA libraries are usable here, otherwise a one-line reason. Never throws. */
    public static String probe() {
        try {
            return CudaProbe.reason();
        } catch (Throwable t) {
            return "CUDA unavailable: " + t;
        }
    }

    /** Opens GPU 0. Throws {@link CudaException} naming the failed call when that is not possible. */
    public CudaKernels() {
        this(CudaSwitches.fused(), CudaSwitches.graphs());
    }

    public CudaKernels(boolean fused) {
        this(fused, false);
    }

    /**
     * Opens GPU 0; with {@code graphs} (which needs {@code fused}), replayable regions become CUDA graphs;
     * with {@code fused}, also the unverified fused kernels, device-side Adam step, async
     * int copy and event clock of issue 14 (see {@link CudaSwitches}).
     */
    public CudaKernels(boolean fused, boolean graphs) {
        CudaSwitches.requireCompatible(fused, graphs);
        String why = probe();
        if (!why.isEmpty()) throw new CudaException(why);
        this.rt = CudaRuntime.open(0, fused);
        this.sparse = new SparseOps(rt);
        this.fused = fused ? new CudaFused(rt, this) : null;
        this.graphs = graphs ? new GraphRecorder<>(new CudaGraphDriver(rt)) : null;
        this.clock = fused ? new CudaClock(rt, this.graphs) : null;
    }

    /** Whether the unverified fused path is on (CudaSwitches). */
    public boolean fusedPath() {
        return fused != null;
    }

    /** Whether replayable regions are recorded as CUDA graphs (CudaSwitches). */
    public boolean graphs() {
        return graphs != null;
    }

    @Override
    public String toString() {
        return fused == null ? "cuda" : graphs == null ? "cuda (fused path on)" : "cuda (fused path and graphs on)";
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

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

    @Override
    public void upload(Tensor host, Tensor dst) {
        rt.requireOpen();
        onHost(host.device(), "upload source");
        onDevice(dst.device(), "upload destination");
        sameSize(host, dst);
        copyIn(dst.address(), host.segment(), host.size() * Float.BYTES);
    }

    @Override
    public void download(Tensor src, Tensor hostDst) {
        rt.requireOpen();
        onDevice(src.device(), "download source");
        onHost(hostDst.device(), "download destination");
        sameSize(src, hostDst);
        copyOut(hostDst.segment(), src.address(), src.size() * Float.BYTES);
    }

    @Override
    public void upload(IntTensor host, IntTensor dst) {
        rt.requireOpen();
        onHost(host.device(), "upload source");
        onDevice(dst.device(), "upload destination");
        sameIntSize(host, dst);
        copyIn(dst.address(), host.segment(), host.size() * Integer.BYTES);
    }

    @Override
    public void download(IntTensor src, IntTensor hostDst) {
        rt.requireOpen();
        onDevice(src.device(), "download source");
        onHost(hostDst.device(), "download destination");
        sameIntSize(src, hostDst);
        copyOut(hostDst.segment(), src.address(), src.size() * Integer.BYTES);
    }

    private void copyIn(long device, MemorySegment host, long bytes) {
        if (host.isNative()) {
            rt.copyToDevice(device, host.address(), bytes);
            return;
        }
        // a heap segment has no stable address to hand to the driver
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(Math.max(bytes, 1));
            MemorySegment.copy(host, 0, staged, 0, bytes);
            rt.copyToDevice(device, staged.address(), bytes);
        }
    }

    private void copyOut(MemorySegment host, long device, long bytes) {
        if (host.isNative()) {
            rt.copyToHost(host.address(), device, bytes);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(Math.max(bytes, 1));
            rt.copyToHost(staged.address(), device, bytes);
            MemorySegment.copy(staged, 0, host, 0, bytes);
        }
    }

    /** Uploads the matrix and its transpose (built once on the host) and pairs them. */
    @Override
    public CsrMatrix upload(CsrMatrix host, Scope scope) {
        rt.requireOpen();
        if (host.device() == Device.CUDA) {
            if (!host.hasTranspose()) throw new IllegalArgumentException("device CSR " + host + " has no transpose attached");
            return host;
        }
        if (!(scope instanceof CudaScope cs)) {
            throw new IllegalArgumentException("CSR upload needs a scope from this backend's newScope(), got " + scope.getClass().getSimpleName());
        }
        CsrMatrix device = copyCsr(host, cs);
        CsrMatrix deviceT = copyCsr(host.transpose(), cs);
        device.attachTranspose(deviceT);
        return device;
    }

    private CsrMatrix copyCsr(CsrMatrix host, CudaScope scope) {
        IntTensor ptr = scope.ints(host.rows() + 1, 1);
        upload(host.rowPtr(), ptr);
        IntTensor col = scope.ints(host.nnz(), 1);
        upload(host.colIdx(), col);
        Tensor val = null;
        if (host.values() != null) {
            val = scope.floats(host.nnz(), 1);
            upload(host.values(), val);
        }
        CsrMatrix m = new CsrMatrix(host.rows(), host.cols(), ptr, col, val);
        sparse.register(m, scope);
        return m;
    }

    @Override
    public float readScalar(Tensor t) {
        rt.requireOpen();
        onDevice(t.device(), "readScalar argument");
        if (t.capacity() < 1) throw new IllegalArgumentException("readScalar of an empty tensor " + t.shape());
        return rt.readFloat(t.address());
    }

    // ---- dense basics ------------------------------------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        rt.requireOpen();
        onDevice(t.device(), "fill target");
        long n = t.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.FILL).ptr(t).i64(n).f32(value), CudaRuntime.blocksFor(n));
    }

    @Override
    public void copyBlock(Tensor src, int srcRow, int srcCol, Tensor dst, int dstRow, int dstCol,
                          int rows, int cols, boolean accumulate) {
        rt.requireOpen();
        onDevice(src.device(), "copyBlock source");
        onDevice(dst.device(), "copyBlock destination");
        block(src, srcRow, srcCol, rows, cols);
        block(dst, dstRow, dstCol, rows, cols);
        long n = (long) rows * cols;
        if (n == 0) return;
        long from = src.address() + ((long) srcRow * src.cols() + srcCol) * Float.BYTES;
        long to = dst.address() + ((long) dstRow * dst.cols() + dstCol) * Float.BYTES;
        rt.launch(new KernelArgs(Kernel.COPY_BLOCK).ptr(from).i32(src.cols()).ptr(to).i32(dst.cols())
                .i32(rows).i32(cols).i32(accumulate ? 1 : 0), CudaRuntime.blocksFor(n));
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        rt.requireOpen();
        onDevice(x.device(), "axpby x");
        onDevice(y.device(), "axpby y");
        sameShape(x, y);
        long n = y.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.AXPBY).f32(alpha).ptr(x).f32(beta).ptr(y).i64(n), CudaRuntime.blocksFor(n));
    }

    /** y = beta·y, clearing NaN when beta is 0. */
    private void scale(Tensor y, float beta) {
        long n = y.size();
        if (n == 0 || beta == 1f) return;
        rt.launch(new KernelArgs(Kernel.SCALE).ptr(y).i64(n).f32(beta), CudaRuntime.blocksFor(n));
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        rt.requireOpen();
        onDevice(a.device(), "gemm a");
        onDevice(b.device(), "gemm b");
        onDevice(c.device(), "gemm c");
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
        rt.blas().sgemmRowMajor(transA, transB, m, n, k, alpha, a.address(), a.cols(), b.address(), b.cols(),
                beta, c.address(), c.cols());
    }

    @Override
    public void addRowVector(Tensor bias, Tensor y) {
        rt.requireOpen();
        onDevice(bias.device(), "bias");
        onDevice(y.device(), "addRowVector target");
        rowVector(bias, y.cols());
        long n = y.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.ADD_ROW_VECTOR).ptr(bias).ptr(y).i32(y.rows()).i32(y.cols()), CudaRuntime.blocksFor(n));
    }

    @Override
    public void sumRows(Tensor x, float beta, Tensor out) {
        rt.requireOpen();
        onDevice(x.device(), "sumRows input");
        onDevice(out.device(), "sumRows output");
        rowVector(out, x.cols());
        int rows = x.rows();
        int cols = x.cols();
        if (cols == 0) return;
        int chunks = rows == 0 ? 0 : (int) Math.min(MAX_ROW_CHUNKS, ((long) rows + ROW_CHUNK_GRAIN - 1) / ROW_CHUNK_GRAIN);
        int rowsPerChunk = chunks == 0 ? 0 : (int) (((long) rows + chunks - 1) / chunks);
        long partial = rt.scratch((long) Math.max(chunks, 1) * cols * Double.BYTES);
        if (chunks > 0) {
            rt.launch(new KernelArgs(Kernel.SUM_ROWS_PARTIAL).ptr(x).i32(rows).i32(cols).i32(rowsPerChunk).ptr(partial),
                    (cols + 31) / 32, chunks, 32, 8);
        }
        rt.launch(new KernelArgs(Kernel.SUM_ROWS_FINAL).ptr(partial).i32(chunks).i32(cols).f32(beta).ptr(out),
                CudaRuntime.blocksFor(cols));
    }

    // ---- sparse aggregation ------------------------------------------------------------------

    @Override
    public void spmm(CsrMatrix a, Tensor x, float beta, Tensor y) {
        rt.requireOpen();
        onDevice(a, "spmm matrix");
        onDevice(x.device(), "spmm x");
        onDevice(y.device(), "spmm y");
        spmmShapes(a, x, y);
        if (y.size() == 0) return;
        if (a.nnz() == 0) {
            scale(y, beta);
            return;
        }
        if (beta == 0f) {
            // the contract ignores y's old contents, NaN included; do not rely on cuSPARSE for that
            rt.memsetD32(y.address(), 0, y.size());
        }
        sparse.spmm(a, x, beta, y);
    }

    @Override
    public void csrMax(CsrMatrix a, Tensor x, Tensor y, IntTensor argmax) {
        rt.requireOpen();
        onDevice(a, "csrMax matrix");
        onDevice(x.device(), "csrMax x");
        onDevice(y.device(), "csrMax y");
        onDevice(argmax.device(), "csrMax argmax");
        spmmShapes(a, x, y);
        intShape(argmax, y.rows(), y.cols());
        long n = y.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.CSR_MAX).ptr(a.rowPtr()).ptr(a.colIdx()).ptr(x).i32(a.rows()).i32(x.cols())
                .ptr(y).ptr(argmax), CudaRuntime.blocksFor(n));
    }

    @Override
    public void csrMaxBackward(IntTensor argmax, Tensor dy, Tensor dx) {
        rt.requireOpen();
        onDevice(argmax.device(), "csrMaxBackward argmax");
        onDevice(dy.device(), "csrMaxBackward dy");
        onDevice(dx.device(), "csrMaxBackward dx");
        intShape(argmax, dy.rows(), dy.cols());
        if (dx.cols() != dy.cols()) throw new IllegalArgumentException("widths differ: " + dy.shape() + " vs " + dx.shape());
        long n = dy.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.CSR_MAX_BWD).ptr(argmax).ptr(dy).i32(dy.rows()).i32(dy.cols()).ptr(dx)
                .i32(dx.rows()).ptr(rt.errorWord()), CudaRuntime.blocksFor(n));
    }

    // ---- row indexing ------------------------------------------------------------------------

    @Override
    public void gatherRows(Tensor src, IntTensor index, Tensor dst) {
        rt.requireOpen();
        onDevice(src.device(), "gather source");
        onDevice(index.device(), "gather index");
        onDevice(dst.device(), "gather destination");
        indexShapes(src, index, dst);
        long n = dst.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.GATHER_ROWS).ptr(src).i32(src.rows()).ptr(index).i32(dst.rows()).i32(dst.cols())
                .ptr(dst).ptr(rt.errorWord()), CudaRuntime.blocksFor(n));
    }

    @Override
    public void scatterAddRows(Tensor src, IntTensor index, Tensor dst) {
        rt.requireOpen();
        onDevice(src.device(), "scatter source");
        onDevice(index.device(), "scatter index");
        onDevice(dst.device(), "scatter destination");
        indexShapes(dst, index, src);
        long n = src.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.SCATTER_ADD_ROWS).ptr(src).ptr(index).i32(src.rows()).i32(src.cols()).ptr(dst)
                .i32(dst.rows()).ptr(rt.errorWord()), CudaRuntime.blocksFor(n));
    }

    // ---- element-wise and row-wise -----------------------------------------------------------

    @Override
    public void leakyRelu(Tensor x, float slope, Tensor y) {
        rt.requireOpen();
        onDevice(x.device(), "leakyRelu x");
        onDevice(y.device(), "leakyRelu y");
        sameShape(x, y);
        long n = x.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.LEAKY_RELU).ptr(x).f32(slope).ptr(y).i64(n), CudaRuntime.blocksFor(n));
    }

    @Override
    public void leakyReluBackward(Tensor x, Tensor dy, float slope, Tensor dx) {
        rt.requireOpen();
        onDevice(x.device(), "leakyReluBackward x");
        onDevice(dy.device(), "leakyReluBackward dy");
        onDevice(dx.device(), "leakyReluBackward dx");
        sameShape(x, dy);
        sameShape(x, dx);
        long n = x.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.LEAKY_RELU_BWD).ptr(x).ptr(dy).f32(slope).ptr(dx).i64(n), CudaRuntime.blocksFor(n));
    }

    @Override
    public void rowL2Normalize(Tensor x, float eps, Tensor y, Tensor norms) {
        rt.requireOpen();
        onDevice(x.device(), "rowL2Normalize x");
        onDevice(y.device(), "rowL2Normalize y");
        onDevice(norms.device(), "rowL2Normalize norms");
        sameShape(x, y);
        columnVector(norms, x.rows());
        if (x.rows() == 0) return;
        rt.launch(new KernelArgs(Kernel.ROW_L2_NORMALIZE).ptr(x).i32(x.rows()).i32(x.cols()).f32(eps).ptr(y).ptr(norms),
                CudaRuntime.blocksForRows(x.rows()));
    }

    @Override
    public void rowL2NormalizeBackward(Tensor y, Tensor norms, float eps, Tensor dy, Tensor dx) {
        rt.requireOpen();
        onDevice(y.device(), "rowL2NormalizeBackward y");
        onDevice(norms.device(), "rowL2NormalizeBackward norms");
        onDevice(dy.device(), "rowL2NormalizeBackward dy");
        onDevice(dx.device(), "rowL2NormalizeBackward dx");
        sameShape(y, dy);
        sameShape(y, dx);
        columnVector(norms, y.rows());
        if (y.rows() == 0) return;
        rt.launch(new KernelArgs(Kernel.ROW_L2_NORMALIZE_BWD).ptr(y).ptr(norms).i32(y.rows()).i32(y.cols()).f32(eps)
                .ptr(dy).ptr(dx), CudaRuntime.blocksForRows(y.rows()));
    }

    @Override
    public void rowDot(Tensor a, Tensor b, Tensor out) {
        rt.requireOpen();
        onDevice(a.device(), "rowDot a");
        onDevice(b.device(), "rowDot b");
        onDevice(out.device(), "rowDot output");
        sameShape(a, b);
        columnVector(out, a.rows());
        if (a.rows() == 0) return;
        rt.launch(new KernelArgs(Kernel.ROW_DOT).ptr(a).ptr(b).i32(a.rows()).i32(a.cols()).ptr(out),
                CudaRuntime.blocksForRows(a.rows()));
    }

    @Override
    public void scaleRowsAdd(Tensor scale, Tensor x, Tensor y) {
        rt.requireOpen();
        onDevice(scale.device(), "scaleRowsAdd scale");
        onDevice(x.device(), "scaleRowsAdd x");
        onDevice(y.device(), "scaleRowsAdd y");
        sameShape(x, y);
        columnVector(scale, x.rows());
        long n = x.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.SCALE_ROWS_ADD).ptr(scale).ptr(x).i32(x.rows()).i32(x.cols()).ptr(y),
                CudaRuntime.blocksFor(n));
    }

    // ---- losses ------------------------------------------------------------------------------

    /** Number of first-stage blocks for a reduction over n elements: depends on n only. */
    static int partialBlocks(long n) {
        return (int) Math.min(MAX_PARTIALS, (n + PARTIAL_GRAIN - 1) / PARTIAL_GRAIN);
    }

    @Override
    public void sumSquares(Tensor x, Tensor out) {
        rt.requireOpen();
        onDevice(x.device(), "sumSquares input");
        onDevice(out.device(), "sumSquares output");
        scalar(out);
        long n = x.size();
        int blocks = partialBlocks(n);
        long partial = rt.scratch((long) MAX_PARTIALS * Double.BYTES);
        if (blocks > 0) rt.launch(new KernelArgs(Kernel.SUM_SQUARES_PARTIAL).ptr(x).i64(n).ptr(partial), blocks);
        rt.launch(new KernelArgs(Kernel.REDUCE_FINAL).ptr(partial).i32(blocks).f64(1.0).ptr(out), 1);
    }

    @Override
    public void sumSquaresBackward(Tensor x, Tensor dOut, Tensor dx) {
        rt.requireOpen();
        onDevice(x.device(), "sumSquaresBackward x");
        onDevice(dOut.device(), "sumSquaresBackward dOut");
        onDevice(dx.device(), "sumSquaresBackward dx");
        scalar(dOut);
        sameShape(x, dx);
        long n = x.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.SUM_SQUARES_BWD).ptr(x).ptr(dOut).ptr(dx).i64(n), CudaRuntime.blocksFor(n));
    }

    @Override
    public void bprLoss(Tensor pos, Tensor neg, Tensor out) {
        rt.requireOpen();
        onDevice(pos.device(), "bprLoss pos");
        onDevice(neg.device(), "bprLoss neg");
        onDevice(out.device(), "bprLoss output");
        sameShape(pos, neg);
        scalar(out);
        long n = pos.size();
        int blocks = partialBlocks(n);
        long partial = rt.scratch((long) MAX_PARTIALS * Double.BYTES);
        if (blocks > 0) rt.launch(new KernelArgs(Kernel.BPR_LOSS_PARTIAL).ptr(pos).ptr(neg).i64(n).ptr(partial), blocks);
        rt.launch(new KernelArgs(Kernel.REDUCE_FINAL).ptr(partial).i32(blocks).f64((double) n).ptr(out), 1);
    }

    @Override
    public void bprLossBackward(Tensor pos, Tensor neg, Tensor dOut, Tensor dPos, Tensor dNeg) {
        rt.requireOpen();
        onDevice(pos.device(), "bprLossBackward pos");
        onDevice(neg.device(), "bprLossBackward neg");
        onDevice(dOut.device(), "bprLossBackward dOut");
        onDevice(dPos.device(), "bprLossBackward dPos");
        onDevice(dNeg.device(), "bprLossBackward dNeg");
        sameShape(pos, neg);
        sameShape(pos, dPos);
        sameShape(pos, dNeg);
        scalar(dOut);
        long n = pos.size();
        if (n == 0) return;
        rt.launch(new KernelArgs(Kernel.BPR_LOSS_BWD).ptr(pos).ptr(neg).ptr(dOut).ptr(dPos).ptr(dNeg).i64(n),
                CudaRuntime.blocksFor(n));
    }

    // ---- optimiser ---------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                         float eps, float weightDecay, int step) {
        rt.requireOpen();
        onDevice(param.device(), "adam param");
        onDevice(grad.device(), "adam grad");
        onDevice(m.device(), "adam m");
        onDevice(v.device(), "adam v");
        sameShape(param, grad);
        sameShape(param, m);
        sameShape(param, v);
        long n = param.size();
        if (n == 0) return;
        double c1 = 1 - StrictMath.pow(beta1, step);
        double c2 = 1 - StrictMath.pow(beta2, step);
        rt.launch(new KernelArgs(Kernel.ADAM).ptr(param).ptr(grad).ptr(m).ptr(v).i64(n)
                .f32(lr).f32(beta1).f32(beta2).f32(eps).f32(weightDecay).f64(c1).f64(c2), CudaRuntime.blocksFor(n));
    }

    // ---- fused (issue 14): the Kernels defaults unless the switch is on ----------------------------

    @Override
    public void copy(IntTensor src, IntTensor dst) {
        rt.requireOpen();
        if (fused != null) fused.copy(src, dst);
        else Kernels.super.copy(src, dst);
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        rt.requireOpen();
        if (fused != null) fused.add(a, b, out);
        else Kernels.super.add(a, b, out);
    }

    @Override
    public void biasLeakyRelu(Tensor x, Tensor bias, float slope, Tensor y) {
        rt.requireOpen();
        if (fused != null) fused.biasLeakyRelu(x, bias, slope, y);
        else Kernels.super.biasLeakyRelu(x, bias, slope, y);
    }

    @Override
    public void biasLeakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dz, Tensor dBias, float biasBeta,
                                      Tensor workspace) {
        rt.requireOpen();
        if (fused != null) fused.biasLeakyReluBackward(y, dy, slope, dz, dBias, biasBeta);
        else Kernels.super.biasLeakyReluBackward(y, dy, slope, dz, dBias, biasBeta, workspace);
    }

    @Override
    public void gatherSumSquares(Tensor table, IntTensor index, float weight, float beta, Tensor out, Tensor workspace) {
        rt.requireOpen();
        if (fused != null) fused.gatherSumSquares(table, index, weight, beta, out);
        else Kernels.super.gatherSumSquares(table, index, weight, beta, out, workspace);
    }

    @Override
    public void gatherSumSquaresBackward(Tensor table, IntTensor index, float weight, Tensor dOut, Tensor dTable,
                                         Tensor workspace) {
        rt.requireOpen();
        if (fused != null) fused.gatherSumSquaresBackward(table, index, weight, dOut, dTable);
        else Kernels.super.gatherSumSquaresBackward(table, index, weight, dOut, dTable, workspace);
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                         float eps, float weightDecay, Tensor step) {
        rt.requireOpen();
        if (fused != null) fused.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
        else Kernels.super.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }

    @Override
    public void replayable(Object key, Runnable calls) {
        rt.requireOpen();
        if (graphs != null) graphs.run(key, calls);
        else calls.run();
    }

    @Override
    public BackendClock clock() {
        return clock != null ? clock : Kernels.super.clock();
    }

    // ---- evaluation --------------------------------------------------------------------------

    @Override
    public void maskScores(Tensor scores, CsrMatrix mask, int firstRow, float value) {
        rt.requireOpen();
        onDevice(scores.device(), "maskScores scores");
        onDevice(mask, "maskScores mask");
        maskShapes(scores, mask, firstRow);
        if (scores.rows() == 0) return;
        rt.launch(new KernelArgs(Kernel.MASK_SCORES).ptr(scores).i32(scores.rows()).i32(scores.cols())
                .ptr(mask.rowPtr()).ptr(mask.colIdx()).i32(firstRow).f32(value), CudaRuntime.blocksForRows(scores.rows()));
    }

    @Override
    public void topK(Tensor scores, int k, IntTensor indices, Tensor values) {
        rt.requireOpen();
        onDevice(scores.device(), "topK scores");
        onDevice(indices.device(), "topK indices");
        onDevice(values.device(), "topK values");
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
        rt.launch(new KernelArgs(Kernel.TOPK_ROWS).ptr(scores).i32(rows).i32(scores.cols()).i32(k).ptr(indices).ptr(values)
                .ptr(spillKeys).ptr(spillIndices), blocks);
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

    // ---- checks ------------------------------------------------------------------------------

    private static void onDevice(Device d, String what) {
        if (d != Device.CUDA) {
            throw new IllegalArgumentException(what + " is a " + d + " tensor; the cuda backend needs it uploaded to the GPU");
        }
    }

    private static void onDevice(CsrMatrix m, String what) {
        if (m.device() != Device.CUDA) {
            throw new IllegalArgumentException(what + " " + m + " is on the host; upload it with this backend first");
        }
    }

    private static void onHost(Device d, String what) {
        if (d != Device.HOST) throw new IllegalArgumentException(what + " must be a host tensor, got " + d);
    }

    private static void sameIntSize(IntTensor a, IntTensor b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("sizes differ: " + a.shape() + " vs " + b.shape());
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
                    if (clock != null) clock.close();
                } finally {
                    sparse.close();
                }
            }
        } finally {
            rt.close();
        }
    }

    /** No device probe yet: {@code --profile} and {@code bench} leave the roofline out on CUDA. */
    @Override
    public dev.mmgcn.kernels.Ceilings ceilings() {
        return null;
    }
}
