package dev.mmgcn.bench;

import dev.mmgcn.storage.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The kernels built on the Vector backend's dot product, at TikTok's node count (16,018 rows: users +
 * items) and the model's widths: the row L2 norm and its backward (every forward and backward pass),
 * rowDot (the BPR scores) and sumSquares. Their summation order is fixed whatever the vector width, which
 * these measure the cost of; run at 256 bits on an AVX-512 machine with {@code -jvmArgsAppend
 * "-XX:UseAVX=2 -XX:MaxVectorSize=32"} (or {@code benchmarks/run.sh --avx2}).
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RowReductions extends Timed {

    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Operands extends BackendMemory {
        @Param({"64", "256"})
        public int width;

        @Param({"vector1"})
        public String backend;

        @Param({"16018"})
        public int rows;

        Tensor x, g, y, dx, norms, dots, sum;

        @Setup
        public void setUp() {
            attach(Backend.cpu(backend));
            x = scope.floats(rows, width);
            g = scope.floats(rows, width);
            y = scope.floats(rows, width);
            dx = scope.floats(rows, width);
            norms = scope.floats(rows, 1);
            dots = scope.floats(rows, 1);
            sum = scope.floats(1, 1);
            kernels.upload(Fixtures.random(host, rows, width, 1), x);
            kernels.upload(Fixtures.random(host, rows, width, 2), g);
            kernels.rowL2Normalize(x, 1e-12f, y, norms);
        }
    }

    @Benchmark
    public float rowL2Normalize(Operands o) {
        o.kernels.rowL2Normalize(o.x, 1e-12f, o.y, o.norms);
        return o.kernels.readScalar(o.norms);
    }

    @Benchmark
    public float rowL2NormalizeBackward(Operands o) {
        o.kernels.rowL2NormalizeBackward(o.y, o.norms, 1e-12f, o.g, o.dx);
        return o.kernels.readScalar(o.dx);
    }

    @Benchmark
    public float rowDot(Operands o) {
        o.kernels.rowDot(o.x, o.g, o.dots);
        return o.kernels.readScalar(o.dots);
    }

    @Benchmark
    public float sumSquares(Operands o) {
        o.kernels.sumSquares(o.x, o.sum);
        return o.kernels.readScalar(o.sum);
    }
}
