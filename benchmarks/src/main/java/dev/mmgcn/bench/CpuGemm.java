package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Single-thread SGEMM in thread CPU time, the engine's Vector API kernel beside OpenBLAS's
 * {@code cblas_sgemm} on the same operands (one thread each), shape by shape. CPU time rather than wall
 * time so that a shared machine's other processes do not show (see {@link CpuTime}); JMH's {@code Sgemm}
 * gives the recorded figures on a quiet machine.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp benchmarks.jar \
 *     dev.mmgcn.bench.CpuGemm [seconds] [SHAPE ...]</pre>
 * SHAPE is {@code MxKxN}, optionally followed by {@code :tA} and/or {@code :tB} (op(A) = Aᵀ, op(B) = Bᵀ);
 * without shapes, the square 1024 and the shapes of a TikTok and a MovieLens training step. Prints GFLOP/s
 * (2·M·K·N per call over the best batch's CPU time) of each, and the engine's share of OpenBLAS's.
 * Where OpenBLAS does not load, its column says why. {@code OPENBLAS_CORETYPE=Haswell} makes OpenBLAS
 * use its AVX2 kernels on an AVX-512 CPU, to compare with the engine at {@code -XX:UseAVX=2 -XX:MaxVectorSize=32}.
 */
public final class CpuGemm {
    private CpuGemm() {
    }

    record Shape(int m, int k, int n, boolean transA, boolean transB) {
        static Shape parse(String s) {
            String[] parts = s.split(":");
            int[] mkn = Fixtures.gemmShape(parts[0]);
            boolean ta = false, tb = false;
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].equals("tA")) ta = true;
                else if (parts[i].equals("tB")) tb = true;
                else throw new IllegalArgumentException("shape " + s + ": expected :tA or :tB after MxKxN");
            }
            return new Shape(mkn[0], mkn[1], mkn[2], ta, tb);
        }

        double flops() { return 2.0 * m * k * n; }

        @Override
        public String toString() { return m + "x" + k + "x" + n + (transA ? ":tA" : "") + (transB ? ":tB" : ""); }
    }

    /** The square reference, then MMGCN's TikTok step (16,018 nodes; 128-d features, width 64; forward, dX, dW) and the benchmark's layer shapes. */
    static final String[] DEFAULT = {
            "1024x1024x1024",
            "16018x128x128", "16018x128x64", "16018x192x64", "16018x64x64",
            "16018x128x128:tB", "16018x64x128:tB", "16018x64x192:tB",
            "128x16018x128:tA", "128x16018x64:tA", "192x16018x64:tA", "64x16018x64:tA",
            "16384x256x64", "61440x256x256"};

    interface Call {
        void run();
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        List<Shape> shapes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) shapes.add(Shape.parse(args[i]));
        if (shapes.isEmpty()) for (String s : DEFAULT) shapes.add(Shape.parse(s));
        String blasWhy = OpenBlas.unavailableReason();
        try (Kernels k = Backend.cpu("vector1"); HostScope host = new HostScope(); Scope scope = k.newScope(); Arena arena = Arena.ofConfined()) {
            OpenBlas blas = blasWhy.isEmpty() ? OpenBlas.load(arena) : null;
            if (blas != null) {
                blas.setThreads(1);
                System.out.println("# openblas: " + blas.config() + ", " + blas.threads() + " thread");
            } else {
                System.out.println("# openblas: " + blasWhy);
            }
            System.out.printf("%-20s %12s %12s %8s%n", "shape", "engine GF/s", "openblas GF/s", "ratio");
            for (Shape s : shapes) {
                Tensor a = s.transA ? scope.floats(s.k, s.m) : scope.floats(s.m, s.k);
                Tensor b = s.transB ? scope.floats(s.n, s.k) : scope.floats(s.k, s.n);
                Tensor c = scope.floats(s.m, s.n);
                k.upload(Fixtures.random(host, a.rows(), a.cols(), 1), a);
                k.upload(Fixtures.random(host, b.rows(), b.cols(), 2), b);
                double engine = gflops(s, seconds, () -> k.gemm(s.transA, s.transB, 1f, a, b, 0f, c));
                String other = "-", ratio = "-";
                if (blas != null) {
                    double ob = gflops(s, seconds, () -> blas.sgemm(s.transA, s.transB, s.m, s.n, s.k, a.segment(), b.segment(), c.segment()));
                    other = String.format("%.1f", ob);
                    ratio = String.format("%.2f", engine / ob);
                }
                System.out.printf("%-20s %12.1f %12s %8s%n", s, engine, other, ratio);
            }
        }
    }

    /** Best GFLOP/s over batches of calls in this thread's CPU time, after a warm-up of about a third of the budget. */
    static double gflops(Shape s, double seconds, Call call) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long budget = (long) (seconds * 1e9);
        long start = mx.getCurrentThreadCpuTime();
        while (mx.getCurrentThreadCpuTime() - start < budget / 3) call.run();
        int per = Math.max(1, (int) Math.min(1000, 2e8 / s.flops()));
        double best = Double.MAX_VALUE;
        long begin = mx.getCurrentThreadCpuTime();
        int batches = 0;
        while (batches < 3 || mx.getCurrentThreadCpuTime() - begin < budget) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < per; i++) call.run();
            best = Math.min(best, (mx.getCurrentThreadCpuTime() - t0) / (double) per);
            batches++;
        }
        return s.flops() / best;
    }
}
