package dev.mmgcn.check;

import dev.mmgcn.cuda.CudaInfo;
import dev.mmgcn.cuda.CudaKernels;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the GPU check needs beyond the test suites: which device, driver and libraries the CUDA backend
 * found, which cuSPARSE algorithm it settled on, and (with {@code --bench}) timings of the products that
 * dominate a training step. Correctness is not checked here: {@code KernelParityTest}, {@code CudaBackendTest},
 * {@code ForwardOracleTest} and {@code AdamByHandTest} do that through the JUnit console, and
 * {@code native/device-check.sh} adds an end-to-end training run against the CPU. Made to be carried to a
 * GPU machine inside the jar:
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp target/mmgcn-engine.jar dev.mmgcn.check.SelfCheck [--bench] [--require-gpu]</pre>
 *
 * Exit status: 0 (a GPU was found, or none and {@code --require-gpu} absent), 2 no usable GPU with
 * {@code --require-gpu}.
 */
public final class SelfCheck {
    private SelfCheck() {
    }

    public static void main(String[] args) {
        List<String> flags = List.of(args);
        for (String a : flags) {
            if (!a.equals("--bench") && !a.equals("--require-gpu")) {
                System.err.println("error: unknown option '" + a + "' (expected --bench, --require-gpu)");
                System.exit(2);
            }
        }
        String why = CudaKernels.probe();
        if (!why.isEmpty()) {
            System.out.println("SKIP no usable GPU: " + why);
            System.exit(flags.contains("--require-gpu") ? 2 : 0);
        }
        CudaInfo.lines().forEach(l -> System.out.println("info " + l));
        try (CudaKernels gpu = new CudaKernels()) {
            if (flags.contains("--bench")) Bench.run(gpu, System.out);
            // the algorithm is settled by the first SpMM, which the bench (or nothing) ran
            System.out.println("info spmm algorithm: " + gpu.spmmAlgorithm());
        }
    }

    /** Timings of the big products, each followed by a synchronising read. */
    static final class Bench {
        private Bench() {
        }

        static void run(Kernels k, PrintStream out) {
            try (Scope hs = new HostScope(); Scope ds = k.newScope()) {
                SplittableRandom rnd = new SplittableRandom(7);
                int n = 4096;
                Tensor a = ds.floats(n, n);
                Tensor b = ds.floats(n, n);
                Tensor c = ds.floats(n, n);
                k.fill(a, 0.5f);
                k.fill(b, 0.25f);
                time(out, String.format(Locale.ROOT, "sgemm %d^3", n), 2.0 * n * n * n, 10, () -> k.gemm(false, false, 1f, a, b, 0f, c), k, c);

                int users = 50_000, items = 50_000, perUser = 40, width = 64;
                int[] r = new int[users * perUser];
                int[] col = new int[r.length];
                for (int u = 0; u < users; u++) {
                    for (int j = 0; j < perUser; j++) {
                        r[u * perUser + j] = u;
                        col[u * perUser + j] = rnd.nextInt(items);
                    }
                }
                CsrMatrix g = k.upload(CsrMatrix.fromCoo(hs, users, items, r, col, null), ds);
                Tensor x = ds.floats(items, width);
                Tensor y = ds.floats(users, width);
                k.fill(x, 1f);
                String size = String.format(Locale.ROOT, "%.1fM nnz", g.nnz() / 1e6);
                time(out, "spmm 50k x 50k, " + size + ", width 64", 2.0 * g.nnz() * width, 20, () -> k.spmm(g, x, 0f, y), k, y);
                time(out, "spmm transpose, same", 2.0 * g.nnz() * width, 20, () -> k.spmm(g.transpose(), y, 0f, x), k, x);
                Tensor yMax = ds.floats(users, width);
                IntTensor arg = ds.ints(users, width);
                time(out, "csrMax 50k rows, width 64", (double) g.nnz() * width, 20, () -> k.csrMax(g, x, yMax, arg), k, yMax);

                int evalRows = 1024, evalCols = 76_000;
                Tensor scores = ds.floats(evalRows, evalCols);
                Tensor hostScores = hs.floats(evalRows, evalCols);
                for (long i = 0; i < hostScores.size(); i++) hostScores.setFlat(i, (float) rnd.nextDouble());
                k.upload(hostScores, scores);
                IntTensor idx = ds.ints(evalRows, 20);
                Tensor val = ds.floats(evalRows, 20);
                time(out, "topK k=20 of 1024 x 76000", (double) evalRows * evalCols, 10, () -> k.topK(scores, 20, idx, val), k, val);
            }
        }

        private static void time(PrintStream out, String label, double work, int reps, Runnable op, Kernels k, Tensor sync) {
            op.run();
            k.readScalar(sync);
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) op.run();
            k.readScalar(sync);
            double sec = (System.nanoTime() - t0) / 1e9 / reps;
            out.println(String.format(Locale.ROOT, "bench %-40s %9.3f ms  %8.1f G/s", label, sec * 1e3, work / sec / 1e9));
        }
    }
}
