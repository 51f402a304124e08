package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;


/**
 * Y = A·X ({@code product=AX}) and Y = Aᵀ·X ({@code product=AtX}) over MMGCN's MovieLens-shaped
 * graph (61,471 nodes, ~2.4 M stored entries, 1/degree values), X of {@code width} columns: the
 * mean aggregation of a graph-convolution layer and its backward. Aᵀ uses the transpose the backend
 * keeps with the matrix, as training does; the pattern is symmetric, so Aᵀ has the same row lengths
 * but different values. One product is 2·nnz·width floating-point operations.
 */
public class Spmm extends Timed {

    @State(Scope.Benchmark)
    public abstract static class Operands extends GraphOperands {
        @Param({"AX", "AtX"})
        public String product;

        @Override
        void warm() {
            if (!product.equals("AX") && !product.equals("AtX")) {
                throw new IllegalArgumentException("product must be AX or AtX, got '" + product + "'");
            }
            run(this);
        }
    }

    @State(Scope.Benchmark)
    public static class Cpu extends Operands {
        @Param({"scalar", "vector1", "vectorAll"})
        public String backend;

        @Override
        Kernels open() { return Backend.cpu(backend); }
    }

    @State(Scope.Benchmark)
    public static class Gpu extends Operands {
        @Override
        Kernels open() { return Backend.cuda(); }
    }

    /** Calls queued by {@code cudaQueued} before its one synchronising read. */
    static final int QUEUED = 16;

    static void enqueue(Operands o) {
        o.kernels.spmm(o.product.equals("AX") ? o.graph : o.graph.transpose(), o.x, 0f, o.y);
    }

    /** One product, finished: readScalar waits for a GPU backend's queue to drain. */
    static float run(Operands o) {
        enqueue(o);
        return o.kernels.readScalar(o.y);
    }

    @Benchmark
    public float cpu(Cpu o) {
        return run(o);
    }

    @Benchmark
    public float cuda(Gpu o) {
        return run(o);
    }

    /**
     * {@value #QUEUED} products queued back to back, then one synchronising read: the device's
     * throughput without a host round trip per call, reported per operation.
     */
    @Benchmark
    @OperationsPerInvocation(QUEUED)
    public float cudaQueued(Gpu o) {
        for (int i = 1; i < QUEUED; i++) enqueue(o);
        return run(o);
    }
}
