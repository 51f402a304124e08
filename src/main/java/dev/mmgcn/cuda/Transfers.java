package dev.mmgcn.cuda;

import dev.mmgcn.kernels.Checks;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.OffHeapMatrix;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.mmgcn.cuda.KernelArgs.pointer;

/**
 * Copies between host and GPU for {@link CudaKernels}: tensors of either element type (a heap segment,
 * which has no stable address to hand to the driver, is staged through native memory), and a CSR matrix
 * with its transpose, registered with cuSPARSE.
 */
final class Transfers {
    private final CudaRuntime rt;
    private final SparseOps sparse;

    Transfers(CudaRuntime rt, SparseOps sparse) {
        this.rt = rt;
        this.sparse = sparse;
    }

    void in(OffHeapMatrix host, OffHeapMatrix dst) {
        rt.requireOpen();
        onHost(host, "upload source");
        long device = pointer(dst, "upload destination");
        sameSize(host, dst);
        long bytes = host.byteSize();
        if (rt.stagedUpload(device, host.segment(), bytes)) return;
        if (host.segment().isNative()) {
            rt.copyToDevice(device, host.address(), bytes);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(Math.max(bytes, 1));
            MemorySegment.copy(host.segment(), 0, staged, 0, bytes);
            rt.copyToDevice(device, staged.address(), bytes);
        }
    }

    void out(OffHeapMatrix src, OffHeapMatrix host) {
        rt.requireOpen();
        long device = pointer(src, "download source");
        onHost(host, "download destination");
        sameSize(src, host);
        long bytes = src.byteSize();
        if (host.segment().isNative()) {
            rt.copyToHost(host.address(), device, bytes);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(Math.max(bytes, 1));
            rt.copyToHost(staged.address(), device, bytes);
            MemorySegment.copy(staged, 0, host.segment(), 0, bytes);
        }
    }

    /**
     * The matrix and its transpose (built once on the host) uploaded and paired; a device matrix as it is
     * (only an earlier upload makes one). A host matrix's indices are checked first ({@link #checkIndices}).
     */
    CsrMatrix csr(CsrMatrix host, Scope scope) {
        if (host.device() == Device.CUDA) {
            rt.requireOpen();
            if (!host.hasTranspose()) throw new IllegalArgumentException("device CSR " + host + " has no transpose attached");
            return host;
        }
        checkIndices(host);
        rt.requireOpen();
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
        in(host.rowPtr(), ptr);
        IntTensor col = scope.ints(host.nnz(), 1);
        in(host.colIdx(), col);
        Tensor val = null;
        if (host.values() != null) {
            val = scope.floats(host.nnz(), 1);
            in(host.values(), val);
        }
        CsrMatrix m = new CsrMatrix(host.rows(), host.cols(), ptr, col, val);
        sparse.register(m, scope);
        return m;
    }

    /**
     * Row pointers non-decreasing within [0, nnz] and column indices within [0, cols), before the matrix
     * reaches the GPU: {@code csr_max} reads {@code x[col_idx[e]]} and {@code mask_scores} writes
     * {@code scores[r, col_idx[e]]}, and a kernel cannot throw (mask_scores would skip a bad column
     * silently, csr_max read out of bounds). The matrix's columns are what {@code Checks.spmmShapes} and
     * {@code maskShapes} match against x's rows and the scores' columns, so checking them once here covers
     * every later launch. The same error as the CPU backends ({@code Checks.checkIndex}). One pass over the
     * host arrays per upload (uploads are once per matrix).
     */
    static void checkIndices(CsrMatrix host) {
        IntTensor ptr = host.rowPtr();
        IntTensor col = host.colIdx();
        long nnz = col.size();
        int previous = 0;
        for (int i = 0; i <= host.rows(); i++) {
            int p = ptr.getFlat(i);
            if (p < previous || p > nnz) {
                throw new IndexOutOfBoundsException("CSR row pointer " + p + " of row " + i + " outside [" + previous + "," + nnz + "]");
            }
            previous = p;
        }
        for (long e = 0; e < nnz; e++) Checks.checkIndex(col.getFlat(e), host.cols(), "CSR column index");
    }

    private static void onHost(OffHeapMatrix m, String what) {
        if (m.device() != Device.HOST) throw new IllegalArgumentException(what + " must be a host tensor, got " + m.device());
    }

    private static void sameSize(OffHeapMatrix a, OffHeapMatrix b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("sizes differ: " + a.shape() + " vs " + b.shape());
    }
}
