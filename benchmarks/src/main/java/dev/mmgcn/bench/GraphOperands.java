package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Tensor;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The MovieLens-shaped propagation graph (see {@link Fixtures#movielensShapedGraph}) and an N×width
 * input and output in a backend's memory, for the sparse benchmarks. A GPU backend gets the matrix
 * and its transpose uploaded here, outside the timing; a CPU backend builds the cached transpose here.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public abstract class GraphOperands extends BackendMemory {
    @Param({"64", "128", "256"})
    public int width;

    CsrMatrix graph;
    Tensor x;
    Tensor y;

    abstract Kernels open();

    /** One untimed run of the benchmarked kernel: lazy set-up (handles, buffers, JIT) happens here. */
    abstract void warm();

    @Setup
    public void setUp() {
        attach(open());
        CsrMatrix hostGraph = Fixtures.movielensShapedGraph(host, 7);
        graph = kernels.upload(hostGraph, scope);
        int n = graph.rows();
        System.out.printf("# graph %,d x %,d, %,d stored entries; width %d%n", n, graph.cols(), graph.nnz(), width);
        x = scope.floats(n, width);
        y = scope.floats(n, width);
        kernels.upload(Fixtures.random(host, n, width, 3), x);
        warm();
    }
}
