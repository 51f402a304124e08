package dev.mmgcn.bench;

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
 * The few OpenBLAS entry points the peer benchmark needs, bound through FFM. Uses the LP64 library
 * ({@code libopenblas.so.0}, Debian's {@code libopenblas0}), whose {@code blasint} is a 32-bit int;
 * {@code -Dmmgcn.openblas=/path/to/libopenblas.so} picks another build of it.
 */
final class OpenBlas {
    static final String LIBRARY = System.getProperty("mmgcn.openblas", "libopenblas.so.0");
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private final MethodHandle sgemm;
    private final MethodHandle setThreads;
    private final MethodHandle getThreads;
    private final MethodHandle getConfig;

    private OpenBlas(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        sgemm = linker.downcallHandle(find(lib, "cblas_sgemm"), FunctionDescriptor.ofVoid(
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        setThreads = linker.downcallHandle(find(lib, "openblas_set_num_threads"), FunctionDescriptor.ofVoid(JAVA_INT));
        getThreads = linker.downcallHandle(find(lib, "openblas_get_num_threads"), FunctionDescriptor.of(JAVA_INT));
        getConfig = linker.downcallHandle(find(lib, "openblas_get_config"), FunctionDescriptor.of(ADDRESS));
    }

    /** Loads the library for the lifetime of {@code arena}; throws with the reason when it cannot. */
    static OpenBlas load(Arena arena) {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(LIBRARY, arena);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(LIBRARY + " not found (Debian/Ubuntu: apt-get install libopenblas0)", e);
        }
        return new OpenBlas(lib);
    }

    /** "" when OpenBLAS can be loaded here, otherwise why not. */
    static String unavailableReason() {
        try (Arena arena = Arena.ofConfined()) {
            load(arena);
            return "";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException(LIBRARY + " has no symbol " + name));
    }

    /** C = op(A)·op(B) for row-major float matrices, op(A) m×k, op(B) k×n, C m×n (A is k×m when transposed). */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f, a, transA ? m : k,
                    b, transB ? k : n, 0f, c, n);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    /** C = A·B for row-major float matrices, A m×k, B k×n, C m×n. */
    void sgemm(int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            sgemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1f, a, k, b, n, 0f, c, n);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    void setThreads(int n) {
        try {
            setThreads.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    int threads() {
        try {
            return (int) getThreads.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_get_num_threads failed", t);
        }
    }

    /** The build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64". */
    String config() {
        try {
            MemorySegment s = (MemorySegment) getConfig.invokeExact();
            return s.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_get_config failed", t);
        }
    }
}
