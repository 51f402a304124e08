package dev.mmgcn.bench;

import dev.mmgcn.storage.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The hand-off cost of a kernel call that is split across threads: {@code axpby} on {@code size} floats,
 * 16 calls back to back as a step makes them. At 65,536 floats the Vector API backend splits the work
 * into one part per thread; at 4,096 it runs on the caller alone, which is the floor.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SmallOps extends Timed {

    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Operands extends BackendMemory {
        @Param({"4096", "65536", "1048576"})
        public int size;

        @Param({"vector1", "vectorAll"})
        public String backend;

        Tensor x, y;

        @Setup
        public void setUp() {
            attach(Backend.cpu(backend));
            x = scope.floats(size, 1);
            y = scope.floats(size, 1);
            kernels.upload(Fixtures.random(host, size, 1, 1), x);
            kernels.upload(Fixtures.random(host, size, 1, 2), y);
        }
    }

    /** Sixteen calls, each y = 0.5·x + 0.5·y; the time is per call. */
    @Benchmark
    @OperationsPerInvocation(16)
    public float axpby(Operands o) {
        for (int i = 0; i < 16; i++) o.kernels.axpby(0.5f, o.x, 0.5f, o.y);
        return o.kernels.readScalar(o.y);
    }
}
