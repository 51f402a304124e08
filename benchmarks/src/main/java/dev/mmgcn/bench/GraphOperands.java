package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The MovieLens-shaped propagation graph (see {@link Fixtures#movielensShapedGraph}) and an N×width
 * input and output in a backend's memory, for the sparse benchmarks. A GPU backend gets the matrix
 * and its transpose uploaded here, outside the timing; a CPU backend builds the cached transpose here.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public abstract class GraphOperands {
    @Param({"64", "128", "256"})
    public int width;

    Kernels kernels;
    private HostScope host;
    /** The backend memory the operands live in; subclasses add their own buffers here. */
    Scope scope;
    CsrMatrix graph;
    Tensor x;
    Tensor y;

    abstract Kernels open();

    /** One untimed run of the benchmarked kernel: lazy set-up (handles, buffers, JIT) happens here. */
    abstract void warm();

    @Setup
    public void setUp() {
        kernels = open();
        host = new HostScope();
        scope = kernels.newScope();
        CsrMatrix hostGraph = Fixtures.movielensShapedGraph(host, 7);
        graph = kernels.upload(hostGraph, scope);
        int n = graph.rows();
        System.out.printf("# graph %,d x %,d, %,d stored entries; width %d%n", n, graph.cols(), graph.nnz(), width);
        x = scope.floats(n, width);
        y = scope.floats(n, width);
        kernels.upload(Fixtures.random(host, n, width, 3), x);
        warm();
    }

    @TearDown
    public void tearDown() {
        scope.close();
        host.close();
        kernels.close();
    }
}
