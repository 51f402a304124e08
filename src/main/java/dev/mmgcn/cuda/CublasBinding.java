package dev.mmgcn.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * cuBLAS through the FFM API. JCublas2 12.6 links against {@code libcublas.so.12}, which CUDA 13 no
 * longer ships, so the few entry points the engine needs are bound here directly, by their versioned
 * {@code _v2} names (the same symbols in cuBLAS 12 and 13), from whichever of
 * {@code libcublas.so.13} / {@code libcublas.so.12} the loader finds.
 *
 * <p>Not thread-safe: the alpha/beta cells are reused by every call, like the backend's one stream.
 */
// restricted FFM calls are the point of this class; the launcher and the jar manifest enable native access
@SuppressWarnings("restricted")
final class CublasBinding implements AutoCloseable {
    static final String[] LIBRARIES = {"libcublas.so.13", "libcublas.so.12"};

    static final int OP_N = 0;
    static final int OP_T = 1;

    private final Arena arena = Arena.ofShared();
    private final String library;
    private final MethodHandle create;
    private final MethodHandle destroy;
    private final MethodHandle setStream;
    private final MethodHandle sgemm;
    private final MethodHandle getVersion;
    private final MemorySegment alphaCell;
    private final MemorySegment betaCell;
    private MemorySegment handle;

    /** The first cuBLAS library the loader can open, or null. Never throws. */
    static String findLibrary() {
        for (String name : LIBRARIES) {
            try (Arena probe = Arena.ofConfined()) {
                SymbolLookup.libraryLookup(name, probe);
                return name;
            } catch (Throwable notThere) {
                // try the next soname
            }
        }
        return null;
    }

    /** Loads the library, creates a handle and binds it to {@code stream} (a {@code CUstream}, 0 for the default stream). */
    CublasBinding(long stream) {
        this(requireLibrary(), stream);
    }

    private static String requireLibrary() {
        String name = findLibrary();
        if (name == null) throw new CudaException("cuBLAS not found: tried " + String.join(", ", LIBRARIES));
        return name;
    }

    /** Binds the given library (a soname, or a path, which tests use for a stand-in). */
    CublasBinding(String name, long stream) {
        this.library = name;
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(name, arena);
            Linker linker = Linker.nativeLinker();
            create = bind(linker, lookup, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            destroy = bind(linker, lookup, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            setStream = bind(linker, lookup, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            getVersion = bind(linker, lookup, "cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            sgemm = bind(linker, lookup, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
            alphaCell = arena.allocate(JAVA_FLOAT);
            betaCell = arena.allocate(JAVA_FLOAT);
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasCreate_v2", invoke(create, out));
            handle = out.get(ADDRESS, 0);
            check("cublasSetStream_v2", invoke2(setStream, handle, MemorySegment.ofAddress(stream)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lookup, String symbol, FunctionDescriptor fd) {
        MemorySegment address = lookup.find(symbol)
                .orElseThrow(() -> new CudaException("cuBLAS has no symbol " + symbol));
        return linker.downcallHandle(address, fd);
    }

    String library() {
        return library;
    }

    /** cuBLAS's own version number, e.g. 130100 for 13.1.0. */
    int version() {
        MemorySegment out = arena.allocate(JAVA_INT);
        check("cublasGetVersion_v2", invoke2(getVersion, handle, out));
        return out.get(JAVA_INT, 0);
    }

    /**
     * Row-major {@code C (m×n) = alpha·op(A)·op(B) + beta·C} on device buffers; {@code aCols}, {@code bCols}
     * and {@code cCols} are the row strides of the stored matrices. Callers handle empty shapes.
     */
    synchronized void sgemmRowMajor(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    long a, int aCols, long b, int bCols, float beta, long c, int cCols) {
        ColumnMajorGemm g = ColumnMajorGemm.forRowMajor(transA, transB, m, n, k, aCols, bCols, cCols);
        alphaCell.set(JAVA_FLOAT, 0, alpha);
        betaCell.set(JAVA_FLOAT, 0, beta);
        int status;
        try {
            // cuBLAS sees the row-major buffers as their column-major transposes, so B comes first
            status = (int) sgemm.invokeExact(handle, g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(),
                    alphaCell, MemorySegment.ofAddress(b), g.ldFirst(), MemorySegment.ofAddress(a), g.ldSecond(),
                    betaCell, MemorySegment.ofAddress(c), g.ldc());
        } catch (Throwable t) {
            throw new CudaException("cublasSgemm_v2 downcall failed: " + t);
        }
        check("cublasSgemm_v2", status);
    }

    /**
     * The column-major call that computes a row-major product. A row-major r×c matrix with row stride c
     * is, to a column-major library, its c×r transpose with leading dimension c; so
     * {@code C = op(A)·op(B)} becomes {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}, with B as the first operand,
     * transposed exactly when the row-major B was, and likewise A second.
     */
    record ColumnMajorGemm(int opFirst, int opSecond, int m, int n, int k, int ldFirst, int ldSecond, int ldc) {
        static ColumnMajorGemm forRowMajor(boolean transA, boolean transB, int m, int n, int k,
                                           int aCols, int bCols, int cCols) {
            return new ColumnMajorGemm(transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, bCols, aCols, cCols);
        }
    }

    private static int invoke(MethodHandle h, MemorySegment arg) {
        try {
            return (int) h.invokeExact(arg);
        } catch (Throwable t) {
            throw new CudaException("cuBLAS downcall failed: " + t);
        }
    }

    private static int invoke2(MethodHandle h, MemorySegment a, MemorySegment b) {
        try {
            return (int) h.invokeExact(a, b);
        } catch (Throwable t) {
            throw new CudaException("cuBLAS downcall failed: " + t);
        }
    }

    static void check(String call, int status) {
        if (status != 0) throw new CudaException(call, status, statusName(status));
    }

    static String statusName(int status) {
        return switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "CUBLAS_STATUS_" + status;
        };
    }

    @Override
    public synchronized void close() {
        if (!arena.scope().isAlive()) return;
        try {
            if (handle != null) check("cublasDestroy_v2", invoke(destroy, handle));
        } finally {
            handle = null;
            arena.close();
        }
    }
}
