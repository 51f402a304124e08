package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Single-thread kernel timings in the calling thread's CPU time rather than wall time: on a shared machine
 * a thread that is descheduled accrues no CPU time, so these stay comparable where JMH's wall-clock
 * scores do not (cache and memory-bandwidth contention still show). Not a JMH benchmark: a plain main for
 * A/B decisions between two builds on a busy machine; JMH gives the recorded figures on a quiet one.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks.jar dev.mmgcn.bench.CpuTime [rows] [width] [rounds]</pre>
 * Prints, per kernel, the minimum over {@code rounds} batches of the CPU microseconds per call.
 */
public final class CpuTime {
    private CpuTime() {
    }

    interface Op {
        void run();
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 16018;
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        try (Kernels k = Backend.cpu("vector1"); HostScope host = new HostScope(); Scope scope = k.newScope()) {
            Tensor x = scope.floats(rows, width), g = scope.floats(rows, width), y = scope.floats(rows, width), dx = scope.floats(rows, width);
            Tensor norms = scope.floats(rows, 1), dots = scope.floats(rows, 1), sum = scope.floats(1, 1);
            k.upload(Fixtures.random(host, rows, width, 1), x);
            k.upload(Fixtures.random(host, rows, width, 2), g);
            k.rowL2Normalize(x, 1e-12f, y, norms);
            Map<String, Op> ops = new LinkedHashMap<>();
            ops.put("rowL2Normalize", () -> k.rowL2Normalize(x, 1e-12f, y, norms));
            ops.put("rowL2NormalizeBackward", () -> k.rowL2NormalizeBackward(y, norms, 1e-12f, g, dx));
            ops.put("rowDot", () -> k.rowDot(x, g, dots));
            ops.put("sumSquares", () -> k.sumSquares(x, sum));
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (var e : ops.entrySet()) {
                Op op = e.getValue();
                for (int i = 0; i < 2000; i++) op.run(); // warm-up: C2 compiles
                double[] perCall = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    int calls = 200;
                    long t0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < calls; i++) op.run();
                    perCall[r] = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / calls;
                }
                Arrays.sort(perCall);
                System.out.printf("%-24s %dx%d  cpu us/call: min %.1f  median %.1f%n", e.getKey(), rows, width, perCall[0], perCall[rounds / 2]);
            }
        }
    }
}
