package dev.mmgcn.cuda;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Tensor;
import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.jcusparse.JCusparse;
import jcuda.jcusparse.cusparseConstDnMatDescr;
import jcuda.jcusparse.cusparseConstSpMatDescr;
import jcuda.jcusparse.cusparseDnMatDescr;
import jcuda.jcusparse.cusparseIndexBase;
import jcuda.jcusparse.cusparseIndexType;
import jcuda.jcusparse.cusparseOperation;
import jcuda.jcusparse.cusparseOrder;
import jcuda.jcusparse.cusparseSpMMAlg;
import jcuda.jcusparse.cusparseStatus;

import java.util.IdentityHashMap;
import java.util.Map;

import static dev.mmgcn.cuda.CudaRuntime.checkSparse;

/**
 * CSR × dense products through cuSPARSE. Each device CSR gets one cuSPARSE descriptor, made at its
 * first product and destroyed when the scope that holds the matrix closes; an all-ones pattern
 * (values == null) gets a device vector of ones once, because cuSPARSE always reads values. Dense
 * operands are row-major, the engine's layout, so no transposition is needed.
 */
final class SparseOps implements AutoCloseable {
    private static final int OP = cusparseOperation.CUSPARSE_OPERATION_NON_TRANSPOSE;

    private final CudaRuntime rt;
    private final Map<CsrMatrix, Operand> operands = new IdentityHashMap<>();
    /** Holds ones vectors for device CSRs that were built outside {@code upload}, whose scope is unknown. */
    private CudaScope fallbackScope;
    /** CSR_ALG2 is deterministic and suits row-major operands; DEFAULT is the fallback if a shape is refused. */
    private int algorithm = cusparseSpMMAlg.CUSPARSE_SPMM_CSR_ALG2;

    private static final class Operand {
        final CudaScope scope;
        cusparseConstSpMatDescr descriptor;

        Operand(CudaScope scope) {
            this.scope = scope;
        }
    }

    SparseOps(CudaRuntime rt) {
        this.rt = rt;
    }

    /** Declares that {@code m}'s device arrays live in {@code scope}; the descriptor dies with it. */
    synchronized void register(CsrMatrix m, CudaScope scope) {
        operands.put(m, new Operand(scope));
        scope.onClose(() -> release(m));
    }

    private synchronized void release(CsrMatrix m) {
        Operand op = operands.remove(m);
        if (op != null && op.descriptor != null) {
            checkSparse("cusparseDestroySpMat", JCusparse.cusparseDestroySpMat(op.descriptor));
        }
    }

    /** y = A·x + beta·y for a device CSR with at least one stored entry and non-empty x and y. */
    synchronized void spmm(CsrMatrix a, Tensor x, float beta, Tensor y) {
        cusparseConstSpMatDescr matA = descriptor(a);
        cusparseConstDnMatDescr matB = new cusparseConstDnMatDescr();
        cusparseDnMatDescr matC = new cusparseDnMatDescr();
        checkSparse("cusparseCreateConstDnMat", JCusparse.cusparseCreateConstDnMat(matB, x.rows(), x.cols(), x.cols(),
                Pointers.device(x.address()), cudaDataType.CUDA_R_32F, cusparseOrder.CUSPARSE_ORDER_ROW));
        try {
            checkSparse("cusparseCreateDnMat", JCusparse.cusparseCreateDnMat(matC, y.rows(), y.cols(), y.cols(),
                    Pointers.device(y.address()), cudaDataType.CUDA_R_32F, cusparseOrder.CUSPARSE_ORDER_ROW));
            try {
                Pointer alpha = Pointer.to(new float[]{1f});
                Pointer betaP = Pointer.to(new float[]{beta});
                long[] bytes = new long[1];
                int status = JCusparse.cusparseSpMM_bufferSize(rt.sparse(), OP, OP, alpha, matA, matB, betaP, matC,
                        cudaDataType.CUDA_R_32F, algorithm, bytes);
                if (status != cusparseStatus.CUSPARSE_STATUS_SUCCESS && algorithm != cusparseSpMMAlg.CUSPARSE_SPMM_ALG_DEFAULT) {
                    // a cuSPARSE that refuses CSR_ALG2 for this layout still has its default; keep using that
                    algorithm = cusparseSpMMAlg.CUSPARSE_SPMM_ALG_DEFAULT;
                    status = JCusparse.cusparseSpMM_bufferSize(rt.sparse(), OP, OP, alpha, matA, matB, betaP, matC,
                            cudaDataType.CUDA_R_32F, algorithm, bytes);
                }
                checkSparse("cusparseSpMM_bufferSize", status);
                long workspace = rt.spmmWorkspace(bytes[0]);
                checkSparse("cusparseSpMM", JCusparse.cusparseSpMM(rt.sparse(), OP, OP, alpha, matA, matB, betaP, matC,
                        cudaDataType.CUDA_R_32F, algorithm, Pointers.device(workspace)));
            } finally {
                checkSparse("cusparseDestroyDnMat", JCusparse.cusparseDestroyDnMat(matC.asConst()));
            }
        } finally {
            checkSparse("cusparseDestroyDnMat", JCusparse.cusparseDestroyDnMat(matB));
        }
    }

    private cusparseConstSpMatDescr descriptor(CsrMatrix a) {
        Operand op = operands.get(a);
        if (op == null) {
            if (fallbackScope == null) fallbackScope = new CudaScope(rt);
            op = new Operand(fallbackScope);
            operands.put(a, op);
        }
        if (op.descriptor == null) {
            long values;
            if (a.values() != null) {
                values = a.values().address();
            } else {
                values = op.scope.allocate((long) a.nnz() * Float.BYTES);
                rt.launch(new KernelArgs(Kernel.FILL).ptr(values).i64(a.nnz()).f32(1f), CudaRuntime.blocksFor(a.nnz()));
            }
            cusparseConstSpMatDescr d = new cusparseConstSpMatDescr();
            checkSparse("cusparseCreateConstCsr", JCusparse.cusparseCreateConstCsr(d, a.rows(), a.cols(), a.nnz(),
                    Pointers.device(a.rowPtr().address()), Pointers.device(a.colIdx().address()), Pointers.device(values),
                    cusparseIndexType.CUSPARSE_INDEX_32I, cusparseIndexType.CUSPARSE_INDEX_32I,
                    cusparseIndexBase.CUSPARSE_INDEX_BASE_ZERO, cudaDataType.CUDA_R_32F));
            op.descriptor = d;
        }
        return op.descriptor;
    }

    /** The cuSPARSE SpMM algorithm in use, for diagnostics. */
    synchronized String algorithmName() {
        return algorithm == cusparseSpMMAlg.CUSPARSE_SPMM_CSR_ALG2 ? "CUSPARSE_SPMM_CSR_ALG2" : cusparseSpMMAlg.stringFor(algorithm);
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (Operand op : operands.values()) {
            if (op.descriptor == null) continue;
            try {
                checkSparse("cusparseDestroySpMat", JCusparse.cusparseDestroySpMat(op.descriptor));
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
            op.descriptor = null;
        }
        operands.clear();
        if (fallbackScope != null) fallbackScope.close();
        if (failure != null) throw failure;
    }
}
