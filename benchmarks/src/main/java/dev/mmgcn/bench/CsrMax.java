package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.IntTensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;


/**
 * Segment max ({@code csrMax}: per row and column, the max over the row's neighbours, with argmax)
 * over the same graph and widths as {@link Spmm}: MMGCN's max aggregation. One call reads
 * nnz·width inputs.
 */
public class CsrMax extends Timed {

    @State(Scope.Benchmark)
    public abstract static class Operands extends GraphOperands {
        IntTensor argmax;

        @Override
        void warm() {
            argmax = scope.ints(graph.rows(), width);
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
        o.kernels.csrMax(o.graph, o.x, o.y, o.argmax);
    }

    /** One segment max, finished: readScalar waits for a GPU backend's queue to drain. */
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
     * {@value #QUEUED} segment maxima queued back to back, then one synchronising read: the device's
     * throughput without a host round trip per call, reported per operation.
     */
    @Benchmark
    @OperationsPerInvocation(QUEUED)
    public float cudaQueued(Gpu o) {
        for (int i = 1; i < QUEUED; i++) enqueue(o);
        return run(o);
    }
}
