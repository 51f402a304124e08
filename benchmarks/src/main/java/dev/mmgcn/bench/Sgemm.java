package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * C = A·B (no transposes, beta 0) at the shapes MMGCN multiplies — a 16384-row batch through a 256→64
 * layer, the 61,440-node graph through a 256→256 projection — and two square sizes. {@code shape} is
 * MxKxN; one operation is 2·M·K·N floating-point operations.
 *
 * <p>{@code cpu} runs the engine's CPU backends, {@code cuda} the CUDA one (cuBLAS, default FP32 math),
 * {@code openblas} the peer: OpenBLAS's cblas_sgemm through FFM with 1 or all threads. Every call ends
 * with {@code readScalar} of the result, which on the GPU waits for the product to finish.
 */
public class Sgemm extends Timed {

    /** The operands in the backend's memory; warmed by one product before timing. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public abstract static class Operands extends BackendMemory {
        @Param({"16384x256x64", "61440x256x256", "512x512x512", "1024x1024x1024"})
        public String shape;

        Tensor a;
        Tensor b;
        Tensor c;

        abstract Kernels open();

        @Setup
        public void setUp() {
            int[] mkn = Fixtures.gemmShape(shape);
            attach(open());
            a = scope.floats(mkn[0], mkn[1]);
            b = scope.floats(mkn[1], mkn[2]);
            c = scope.floats(mkn[0], mkn[2]);
            kernels.upload(Fixtures.random(host, mkn[0], mkn[1], 1), a);
            kernels.upload(Fixtures.random(host, mkn[1], mkn[2], 2), b);
            product(this);
        }
    }

    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Cpu extends Operands {
        @Param({"scalar", "vector1", "vectorAll"})
        public String backend;

        @Override
        Kernels open() { return Backend.cpu(backend); }
    }

    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Gpu extends Operands {
        @Override
        Kernels open() { return Backend.cuda(); }
    }

    /** OpenBLAS operands in native memory; the thread count is set (and checked) before warming. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Blas {
        @Param({"16384x256x64", "61440x256x256", "512x512x512", "1024x1024x1024"})
        public String shape;

        /** "1" or "all" (one per available processor), or any other count. */
        @Param({"1", "all"})
        public String blasThreads;

        private Arena arena;
        OpenBlas blas;
        int m;
        int k;
        int n;
        MemorySegment a;
        MemorySegment b;
        MemorySegment c;

        @Setup
        public void setUp() {
            int[] mkn = Fixtures.gemmShape(shape);
            m = mkn[0];
            k = mkn[1];
            n = mkn[2];
            arena = Arena.ofShared();
            blas = OpenBlas.load(arena);
            int threads = blasThreads.equals("all") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(blasThreads);
            blas.setThreads(threads);
            System.out.println("# " + blas.config() + "; threads requested " + threads + ", in use " + blas.threads());
            a = arena.allocate((long) m * k * Float.BYTES, 64);
            b = arena.allocate((long) k * n * Float.BYTES, 64);
            c = arena.allocate((long) m * n * Float.BYTES, 64);
            Fixtures.fill(a, (long) m * k, 1);
            Fixtures.fill(b, (long) k * n, 2);
            blas.sgemm(m, n, k, a, b, c);
        }

        @TearDown
        public void tearDown() {
            arena.close();
        }
    }

    /** Calls queued by {@code cudaQueued} before its one synchronising read. */
    static final int QUEUED = 16;

    static void enqueue(Operands o) {
        o.kernels.gemm(false, false, 1f, o.a, o.b, 0f, o.c);
    }

    /** One product, finished: readScalar waits for a GPU backend's queue to drain. */
    static float product(Operands o) {
        enqueue(o);
        return o.kernels.readScalar(o.c);
    }

    @Benchmark
    public float cpu(Cpu o) {
        return product(o);
    }

    @Benchmark
    public float cuda(Gpu o) {
        return product(o);
    }

    /**
     * {@value #QUEUED} products queued back to back, then one synchronising read: the device's
     * throughput without a host round trip per call, reported per operation.
     */
    @Benchmark
    @OperationsPerInvocation(QUEUED)
    public float cudaQueued(Gpu o) {
        for (int i = 1; i < QUEUED; i++) enqueue(o);
        return product(o);
    }

    @Benchmark
    public float openblas(Blas o) {
        o.blas.sgemm(o.m, o.n, o.k, o.a, o.b, o.c);
        return o.c.getAtIndex(ValueLayout.JAVA_FLOAT, 0);
    }
}
