package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.ProfiledRun;
import dev.mmgcn.train.TrainConfig;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench}: a quick, JMH-free timing of the hot kernels on each available backend at MMGCN's
 * shapes, for machines where the JMH jar is not at hand (the GPU machine). Each case is warmed up,
 * then timed over repeated calls ending in a synchronising read, and the median is reported. The
 * JMH suite in benchmarks/ is the reference measurement.
 */
final class BenchCommand {
    private BenchCommand() {
    }

    static int run(String[] argv, PrintStream out) {
        Args a = new Args("bench")
                .option("backends", "LIST", "backends to time (default: scalar,vector and cuda when present)")
                .option("nodes", "N", "graph nodes for SpMM / segment max (default 61440)")
                .option("nnz", "N", "stored entries of that graph (default 2400000)")
                .option("seconds", "S", "time per case (default 2)")
                .flag("profile", "then profile training epochs per backend (not scalar) on --data or --synthetic (default: built-in synthetic)")
                .option("epochs", "N", "epochs to profile (default 2: the first includes JIT warm-up)")
                .flag("help", "show this help");
        DataOptions.declare(a);
        a.parse(argv);
        if (a.flag("help")) {
            out.println("usage: mmgcn-engine bench [options]\n\nMedian times of SGEMM, SpMM and segment max per backend.\n\n" + a.help());
            return 0;
        }
        List<String> names = new ArrayList<>();
        if (a.has("backends")) {
            for (String s : a.get("backends", "").split(",")) names.add(s.trim());
        } else {
            names.add("scalar");
            if (Backends.vector().isPresent()) names.add("vector");
            if (Backends.cuda(null).isPresent()) names.add("cuda");
        }
        int nodes = a.getInt("nodes", 61_440);
        int nnz = a.getInt("nnz", 2_400_000);
        double seconds = a.getFloat("seconds", 2f);
        out.printf(Locale.ROOT, "%-8s %-34s %12s %12s%n", "backend", "case", "median ms", "GFLOP/s");
        for (String name : names) {
            Kernels k;
            try {
                k = Backends.byName(name);
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--backends: " + e.getMessage());
            }
            try (Scope scope = k.newScope(); HostScope host = new HostScope()) {
                SplittableRandom rng = new SplittableRandom(1);
                Tensor one = scope.floats(1, 1);
                int[][] gemms = {{16_384, 256, 64}, {1024, 1024, 1024}};
                for (int[] s : gemms) {
                    if (name.equals("scalar") && s[0] * (long) s[1] * s[2] > 300_000_000L) continue;
                    Tensor x = random(k, scope, host, s[0], s[1], rng);
                    Tensor w = random(k, scope, host, s[1], s[2], rng);
                    Tensor y = scope.floats(s[0], s[2]);
                    double ms = time(k, one, seconds, () -> k.gemm(false, false, 1f, x, w, 0f, y));
                    out.printf(Locale.ROOT, "%-8s %-34s %12.3f %12.1f%n", name, "sgemm " + s[0] + "x" + s[1] + "·" + s[1] + "x" + s[2], ms,
                            2.0 * s[0] * s[1] * s[2] / ms / 1e6);
                }
                CsrMatrix g = k.upload(graph(host, nodes, nnz, rng), scope);
                for (int width : new int[] {64, 256}) {
                    if (name.equals("scalar") && width > 64) continue;
                    Tensor x = random(k, scope, host, nodes, width, rng);
                    Tensor y = scope.floats(nodes, width);
                    IntTensor arg = scope.ints(nodes, width);
                    double ms = time(k, one, seconds, () -> k.spmm(g, x, 0f, y));
                    out.printf(Locale.ROOT, "%-8s %-34s %12.3f %12.1f%n", name, "spmm nnz " + g.nnz() + " width " + width, ms, 2.0 * g.nnz() * width / ms / 1e6);
                    ms = time(k, one, seconds, () -> k.csrMax(g, x, y, arg));
                    out.printf(Locale.ROOT, "%-8s %-34s %12.3f %12s%n", name, "segment max width " + width, ms, "-");
                }
            } finally {
                k.close();
            }
        }
        if (a.flag("profile")) profile(a, names, out);
        return 0;
    }

    /** {@code --profile}: a few training epochs per (non-scalar) backend with the profiler's lines. */
    private static void profile(Args a, List<String> names, PrintStream out) {
        TrainConfig tc = TrainConfig.defaults().withEpochs(a.getInt("epochs", 2));
        try (Dataset data = DataOptions.load(a)) {
            for (String name : names) {
                if (name.equals("scalar")) continue;
                out.println("profile  " + name + " on " + data.summary());
                Kernels k = Backends.byName(name);
                try {
                    ProfiledRun.run(k, data, MmgcnConfig.defaults(), tc, p -> p.lines().forEach(out::println));
                } finally {
                    k.close();
                }
            }
        }
    }

    /** A user–item style graph: half the nodes users, half items, nnz/2 random interactions stored both ways. */
    private static CsrMatrix graph(HostScope host, int nodes, int nnz, SplittableRandom rng) {
        int users = nodes / 2, items = nodes - users;
        int pairs = nnz / 2;
        int[] u = new int[pairs], i = new int[pairs];
        for (int e = 0; e < pairs; e++) {
            u[e] = rng.nextInt(users);
            i[e] = (int) Math.min(items - 1, Math.abs(rng.nextGaussian()) * items / 3);
        }
        return GraphBuilder.bipartite(host, users, items, new Interactions(u, i), GraphBuilder.Weights.MEAN);
    }

    private static Tensor random(Kernels k, Scope scope, HostScope host, int rows, int cols, SplittableRandom rng) {
        Tensor h = host.floats(rows, cols);
        for (long i = 0; i < h.size(); i++) h.setFlat(i, (float) rng.nextGaussian());
        Tensor t = scope.floats(rows, cols);
        k.upload(h, t);
        return t;
    }

    /** Median milliseconds per call; each timed call ends with a read that waits for the device. */
    private static double time(Kernels k, Tensor sync, double seconds, Runnable op) {
        for (int i = 0; i < 3; i++) op.run();
        k.readScalar(sync);
        List<Double> samples = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || samples.size() < 3) {
            long t0 = System.nanoTime();
            op.run();
            k.readScalar(sync);
            samples.add((System.nanoTime() - t0) / 1e6);
        }
        samples.sort(null);
        return samples.get(samples.size() / 2);
    }
}
