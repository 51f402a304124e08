package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Ceilings;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.profile.Work;
import dev.mmgcn.settings.DataSpec;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.ProfiledRun;
import dev.mmgcn.train.TrainConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code bench}: a quick, JMH-free timing of the hot kernels on each available backend at MMGCN's
 * shapes, for machines where the JMH jar is not at hand (the GPU machine). Each case is warmed up,
 * then timed over repeated calls ending in a synchronising read, and the median is reported. The
 * JMH suite in benchmarks/ is the reference measurement.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Median times of SGEMM, SpMM and segment max per backend, at MMGCN's shapes. The JMH suite in",
                "benchmarks/ is the reference measurement; this is for machines without it."},
        footer = {"", Main.EXIT_CODES})
final class BenchCommand implements Callable<Integer> {
    private static final List<String> BACKENDS = List.of("scalar", "vector", "cuda");

    @ParentCommand
    MmgcnCommand top;

    @Option(names = "--backends", paramLabel = "LIST", order = 1, description = "backends to time (default: scalar,vector and cuda when present)")
    String backends;

    @Option(names = "--nodes", paramLabel = "N", order = 2, description = "graph nodes for SpMM / segment max (default 61440)")
    int nodes = 61_440;

    @Option(names = "--nnz", paramLabel = "N", order = 3, description = "stored entries of that graph (default 2400000)")
    int nnz = 2_400_000;

    @Option(names = "--seconds", paramLabel = "S", order = 4, description = "time per case (default 2)")
    double seconds = 2;

    @Option(names = "--profile", order = 5,
            description = "then profile training epochs per backend (not scalar) on --data or --synthetic (default: built-in "
                    + "synthetic): seconds per phase, backend calls, host reads and uploads per step")
    boolean profile;

    @Option(names = "--epochs", paramLabel = "N", order = 6, description = "epochs to profile (default 2: the first includes JIT warm-up)")
    int epochs = 2;

    @Option(names = "--vector-bits", paramLabel = "BITS", order = 7,
            description = "SIMD width of the vector backend: native (default), 512, 256 (AVX2's code, also on an AVX-512 CPU) or 128; "
                    + "set when the JVM starts, which the launcher does")
    String vectorBits = "native";

    /** The backends' own switches: the SIMD width above, CUDA graphs here. */
    @Mixin
    CudaGraphsOption cudaGraphs = new CudaGraphsOption();

    @Spec
    CommandSpec spec;

    static void addDataOptions(CommandSpec spec) {
        SettingsOptions.add(spec, DataSpec.KEYS);
    }

    @Override
    public Integer call() {
        PrintStream out = top.out;
        if (nodes < 2) throw Failure.usage("--nodes must be at least 2 (users and items), got " + nodes);
        if (nnz < 2) throw Failure.usage("--nnz must be at least 2 (one interaction stored both ways), got " + nnz);
        if (!(seconds > 0) || !Double.isFinite(seconds) || seconds > 3600) {
            throw Failure.usage("--seconds must be a positive number of seconds up to 3600, got " + seconds);
        }
        if (epochs < 1 || epochs > 1000) throw Failure.usage("--epochs must be between 1 and 1000, got " + epochs);
        checkVectorBits();
        Boolean graphs = cudaGraphs.parsed();
        Settings dataSettings = Settings.resolve(DataSpec.KEYS, DataSpec.FAMILIES,
                List.of(SettingsOptions.matched(spec.commandLine().getParseResult(), DataSpec.KEYS)));
        if (profile) DataLoading.check(DataSpec.of(dataSettings), dataSettings); // bad data options fail before any timing
        List<String> names = new ArrayList<>();
        if (backends != null) {
            for (String b : backends.split(",")) {
                String n = b.trim().toLowerCase(Locale.ROOT);
                if (n.isEmpty()) continue;
                if (!BACKENDS.contains(n)) throw Failure.usage("--backends: unknown backend '" + b.trim() + "': expected " + String.join(", ", BACKENDS));
                if (!names.contains(n)) names.add(n);
            }
            if (names.isEmpty()) throw Failure.usage("--backends needs at least one of " + String.join(", ", BACKENDS));
        } else {
            names.add("scalar");
            if (Backends.vector().isPresent()) names.add("vector");
            if (Backends.cuda(null).isPresent()) names.add("cuda");
        }
        CudaGraphsOption.requireCuda(graphs, names.contains("cuda"), "--backends " + String.join(",", names));
        this.graphs = graphs;
        long bytes = 4L * nodes * 256 * 3 + 2L * 12 * nnz + 120L * 1024 * 1024;
        MemoryBudget.Limits limits = MemoryBudget.Limits.current();
        if (bytes > limits.physical()) {
            throw Failure.memory("--nodes " + nodes + " and --nnz " + nnz + " need about " + MemoryBudget.human(bytes)
                    + " but this machine has " + MemoryBudget.human(limits.physical()));
        }
        List<Kernels> opened = new ArrayList<>();
        try {
            for (String name : names) opened.add(open(name)); // every backend checked before any timing
        } catch (RuntimeException e) {
            opened.forEach(Kernels::close);
            throw e;
        }
        for (int b = 0; b < names.size(); b++) {
            String name = names.get(b);
            Kernels k = opened.get(b);
            Ceilings roof = k.ceilings();
            out.println(name + ": " + (roof == null ? "no ceilings probe on this backend" : "this machine " + roof));
            out.printf(Locale.ROOT, "%-8s %-34s %12s %12s %10s %s%n", "backend", "case", "median ms", "GFLOP/s", "GB/s", roof == null ? "" : "  of the roofline");
            try (Scope scope = k.newScope(); HostScope host = new HostScope()) {
                // every case draws from its own stream: a case one backend skips (scalar's large GEMM) must not change
                // the inputs of the next, so every backend times the same matrices and the same graph
                Tensor one = scope.floats(1, 1);
                int[][] gemms = {{16_384, 256, 64}, {1024, 1024, 1024}};
                for (int[] s : gemms) {
                    if (name.equals("scalar") && s[0] * (long) s[1] * s[2] > 300_000_000L) continue;
                    SplittableRandom caseRng = new SplittableRandom(31L * s[0] + 7L * s[1] + s[2]);
                    Tensor x = random(k, scope, host, s[0], s[1], caseRng);
                    Tensor w = random(k, scope, host, s[1], s[2], caseRng);
                    Tensor y = scope.floats(s[0], s[2]);
                    double ms = time(k, one, seconds, () -> k.gemm(false, false, 1f, x, w, 0f, y));
                    row(out, name, "sgemm " + s[0] + "x" + s[1] + "·" + s[1] + "x" + s[2], ms, Work.gemm(false, false, x, w, 0f, y), roof);
                }
                CsrMatrix g = k.upload(graph(host, nodes, nnz, new SplittableRandom(2)), scope);
                for (int width : new int[] {64, 256}) {
                    if (name.equals("scalar") && width > 64) continue;
                    Tensor x = random(k, scope, host, nodes, width, new SplittableRandom(3L + width));
                    Tensor y = scope.floats(nodes, width);
                    IntTensor arg = scope.ints(nodes, width);
                    double ms = time(k, one, seconds, () -> k.spmm(g, x, 0f, y));
                    row(out, name, "spmm nnz " + g.nnz() + " width " + width, ms, Work.spmm(g, x, 0f, y), roof);
                    ms = time(k, one, seconds, () -> k.csrMax(g, x, y, arg));
                    row(out, name, "segment max width " + width, ms, Work.csrMax(g, x, y), roof);
                }
            } finally {
                k.close();
            }
        }
        if (profile) profile(dataSettings, names, out);
        return 0;
    }

    /**
     * {@code --vector-bits}: the width must be the one this JVM runs, since only a JVM's start can set it; the
     * launcher's child JVM gets the switches ({@link Relaunch#vectorFlags}), a JVM started by hand must be given them.
     */
    private void checkVectorBits() {
        if (vectorBits.equals("native")) return;
        if (!List.of("512", "256", "128").contains(vectorBits)) {
            throw Failure.usage("--vector-bits: expected native, 512, 256 or 128, got '" + vectorBits + "'");
        }
        int actual = InfoCommand.vectorBits();
        if (actual == 0) throw Failure.usage("--vector-bits " + vectorBits + ": this JVM cannot run the Vector API backend");
        int want = Integer.parseInt(vectorBits);
        if (actual != want) {
            String flags = want == 256 ? "-XX:UseAVX=2 -XX:MaxVectorSize=32" : want == 128 ? "-XX:MaxVectorSize=16" : "(none: the CPU has no " + want + "-bit vectors)";
            throw Failure.usage("--vector-bits " + vectorBits + ": this JVM runs " + actual + "-bit vectors; the width is fixed when a JVM "
                    + "starts: run through ./mmgcn or java -jar (which start one with it), or start this one with " + flags);
        }
    }

    /**
     * One case: its median time, FLOP rate and bytes per second (from the shapes, {@link Work}), and the share
     * of the roofline it reaches — the time it would take at the slower of the probed peak and bandwidth over
     * the time it took.
     */
    static void row(PrintStream out, String backend, String what, double ms, Work w, Ceilings roof) {
        double s = ms / 1e3;
        double share = roof == null ? 0 : roof.floorSeconds(w.flops(), w.bytes()) / s;
        String of = roof == null ? "" : String.format(Locale.ROOT, "  %5.1f %% (%s-bound)%s", 100 * share,
                w.flops() / roof.gflops() >= w.bytes() / roof.gbPerSecond() ? "FLOP" : "memory",
                share > 1.1 ? ": above the probed ceiling, so the probe was slowed by other work; bench again on a quiet machine" : "");
        out.printf(Locale.ROOT, "%-8s %-34s %12.3f %12.1f %10.1f%s%n", backend, what, ms, w.flops() / s / 1e9, w.bytes() / s / 1e9, of);
    }

    /** --cuda-graphs, parsed (null: not given). */
    private Boolean graphs;

    /** A backend of --backends, with --cuda-graphs in effect for cuda and its note printed. */
    private Kernels open(String name) {
        Kernels k = CudaGraphsOption.open("--backends", name, null, graphs);
        String note = name.equals("cuda") ? CudaGraphsOption.note(k, graphs) : "";
        if (!note.isEmpty()) top.err.println("note: " + note);
        return k;
    }

    /** {@code --profile}: a few training epochs per (non-scalar) backend with the profiler's lines. */
    private void profile(Settings dataSettings, List<String> names, PrintStream out) {
        TrainConfig tc = TrainConfig.defaults().withEpochs(epochs);
        try (Dataset data = DataLoading.load(DataSpec.of(dataSettings), dataSettings, top.err)) {
            for (String name : names) {
                if (name.equals("scalar")) continue;
                out.println("profile  " + name + " on " + data.summary());
                Kernels k = open(name);
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
