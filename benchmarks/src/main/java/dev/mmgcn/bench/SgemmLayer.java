package dev.mmgcn.bench;

import dev.mmgcn.storage.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The three products of one graph layer over all N nodes, as a training step makes them.
 * {@code shape} is NxINxOUT (TikTok: N = 16,018 nodes, layer widths 128→128, 128→64, 64→64):
 * {@code forward} Y = X·W (N×OUT), {@code data} dX = dY·Wᵀ (N×IN), {@code weight} dW = Xᵀ·dY
 * (IN×OUT, k = N: the weight gradient). Each is 2·N·IN·OUT floating-point operations.
 */
public class SgemmLayer extends Timed {

    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Operands extends BackendMemory {
        @Param({"16018x128x128", "16018x128x64", "16018x64x64"})
        public String shape;

        @Param({"forward", "data", "weight"})
        public String product;

        @Param({"vector1", "vectorAll"})
        public String backend;

        Tensor x, w, y;

        @Setup
        public void setUp() {
            int[] s = Fixtures.gemmShape(shape);
            attach(Backend.cpu(backend));
            x = scope.floats(s[0], s[1]);
            w = scope.floats(s[1], s[2]);
            y = scope.floats(s[0], s[2]);
            kernels.upload(Fixtures.random(host, s[0], s[1], 1), x);
            kernels.upload(Fixtures.random(host, s[1], s[2], 2), w);
            kernels.upload(Fixtures.random(host, s[0], s[2], 3), y);
            run(this);
        }
    }

    @Benchmark
    public float product(Operands o) {
        return run(o);
    }

    static float run(Operands o) {
        switch (o.product) {
            case "forward" -> o.kernels.gemm(false, false, 1f, o.x, o.w, 0f, o.y);
            case "data" -> o.kernels.gemm(false, true, 1f, o.y, o.w, 0f, o.x);
            case "weight" -> o.kernels.gemm(true, false, 1f, o.x, o.y, 0f, o.w);
            default -> throw new IllegalArgumentException("product " + o.product);
        }
        return o.kernels.readScalar(o.product.equals("weight") ? o.w : o.product.equals("data") ? o.x : o.y);
    }
}
