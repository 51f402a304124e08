package dev.mmgcn.check;

import dev.mmgcn.layers.Combination;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.cuda.CudaInfo;
import dev.mmgcn.cuda.CudaKernels;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Runs every kernel of a backend against {@link ScalarKernels} on random inputs of awkward sizes and
 * prints one line per check; with {@code --bench}, also times the products that dominate a training
 * step. Made to be carried to a GPU machine as part of the jar, where no test runner or build tool is
 * available:
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp target/mmgcn-engine.jar dev.mmgcn.check.SelfCheck [--bench] [--require-gpu] [--no-training]</pre>
 *
 * {@code --no-training} leaves out the training epoch, for runs under compute-sanitizer, where its
 * thousands of launches would take minutes.
 *
 * Exit status: 0 all passed (or no GPU and {@code --require-gpu} absent), 1 a check failed,
 * 2 no usable GPU with {@code --require-gpu}.
 *
 * <p>Tolerances: ops that are plain float arithmetic (element-wise, copies, gathers, max, masks, top-K)
 * must match exactly. Reductions that both sides do in double and round once agree to 1e-6 relative.
 * cuBLAS and cuSPARSE accumulate in float in their own order: 1e-4 absolute plus 1e-4 relative on
 * O(1) inputs with inner sizes up to a few hundred. Atomic scatters (float adds in any order) 1e-5.
 * The training check runs one epoch of the whole engine (tape, Adam, evaluation) on the tiny synthetic
 * set on both backends: the epoch's mean loss within 1e-3 relative (every step's rounding differences
 * feed the next), the popularity baseline's metrics exactly (integer scores, ties to the lower item),
 * the model's metrics within 0.05 (a flipped near-tie moves a user's hit; garbage moves far more).
 */
public final class SelfCheck {
    private final Kernels ref = new ScalarKernels();
    private final Kernels dev;
    private final PrintStream out;
    private final SplittableRandom rnd;
    private final List<String> failures = new ArrayList<>();
    private int passed;
    private Scope hs;
    private Scope ds;

    private final boolean training;

    private SelfCheck(Kernels dev, long seed, PrintStream out, boolean training) {
        this.dev = dev;
        this.training = training;
        this.out = out;
        this.rnd = new SplittableRandom(seed);
    }

    /** The outcome of one run: how many checks passed and a line for each that failed. */
    public record Report(int passed, List<String> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    public static void main(String[] args) {
        boolean bench = List.of(args).contains("--bench");
        boolean requireGpu = List.of(args).contains("--require-gpu");
        boolean training = !List.of(args).contains("--no-training");
        String why = CudaKernels.probe();
        if (!why.isEmpty()) {
            System.out.println("SKIP cuda self-check: " + why);
            System.exit(requireGpu ? 2 : 0);
        }
        CudaInfo.lines().forEach(l -> System.out.println("info " + l));
        Report report;
        try (CudaKernels gpu = new CudaKernels()) {
            report = run(gpu, 20250607L, System.out, training);
            System.out.println("info spmm algorithm: " + gpu.spmmAlgorithm());
            if (bench) Bench.run(gpu, System.out);
        }
        System.out.println((report.ok() ? "PASS" : "FAIL") + " " + report.passed() + " checks passed, "
                + report.failures().size() + " failed");
        report.failures().forEach(f -> System.out.println("  failed: " + f));
        System.exit(report.ok() ? 0 : 1);
    }

    /** Checks {@code backend} against the scalar reference; works for any backend, CPU ones included. */
    public static Report run(Kernels backend, long seed, PrintStream out) {
        return run(backend, seed, out, true);
    }

    /** As {@link #run(Kernels, long, PrintStream)}, with or without the training epoch. */
    public static Report run(Kernels backend, long seed, PrintStream out, boolean training) {
        SelfCheck c = new SelfCheck(backend, seed, out, training);
        try (Scope host = new HostScope(); Scope device = backend.newScope()) {
            c.hs = host;
            c.ds = device;
            c.all();
        }
        return new Report(c.passed, List.copyOf(c.failures));
    }

    private void all() {
        section("scope round trip", this::roundTrip);
        section("fill", this::fill);
        section("copyBlock", this::copyBlock);
        section("axpby", this::axpby);
        section("gemm", this::gemm);
        section("bias", this::bias);
        section("spmm", this::spmm);
        section("csrMax", this::csrMax);
        section("gather/scatter", this::gatherScatter);
        section("leakyRelu", this::leakyRelu);
        section("rowL2Normalize", this::rowNorm);
        section("rowDot/scaleRowsAdd", this::rowDot);
        section("losses", this::losses);
        section("adam", this::adam);
        section("maskScores/topK", this::evaluation);
        section("index errors", this::indexErrors);
        if (training) section("training", this::training);
    }

    private void section(String name, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException | AssertionError e) {
            fail(name + ": threw " + e);
        }
    }

    // ---- checks ------------------------------------------------------------------------------

    private void roundTrip() {
        for (int[] s : new int[][]{{1, 1}, {7, 13}, {0, 5}, {300, 65}}) {
            Tensor h = randomHost(s[0], s[1], -1, 1);
            Tensor back = hs.floats(s[0], s[1]);
            dev.download(toDevice(h), back);
            compare("round trip " + shape(h), back.toArray(), h.toArray(), 0, 0);
        }
        IntTensor hi = hs.ints(5, 3);
        int[] v = new int[15];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(-1000, 1000);
        hi.copyFrom(v);
        IntTensor di = ds.ints(5, 3);
        dev.upload(hi, di);
        IntTensor back = hs.ints(5, 3);
        dev.download(di, back);
        compareInts("int round trip 5x3", back.toArray(), v);
        Tensor fresh = ds.floats(33, 17);
        compare("new buffers are zero", fetch(fresh), new float[33 * 17], 0, 0);
        Tensor whole = toDevice(randomHost(10, 6, -1, 1));
        Tensor slice = whole.rowSlice(3, 7);
        Tensor sliceBack = hs.floats(4, 6);
        dev.download(slice, sliceBack);
        float[] all = fetch(whole);
        float[] expected = new float[24];
        System.arraycopy(all, 18, expected, 0, 24);
        compare("rowSlice of a device tensor", sliceBack.toArray(), expected, 0, 0);
    }

    private void fill() {
        for (int[] s : new int[][]{{1, 1}, {17, 33}, {0, 3}}) {
            Tensor[] t = twin(s[0], s[1]);
            ref.fill(t[0], 2.5f);
            dev.fill(t[1], 2.5f);
            same("fill " + shape(t[0]), t, 0, 0);
        }
    }

    private void copyBlock() {
        Tensor[] src = twin(9, 11);
        for (boolean acc : new boolean[]{false, true}) {
            Tensor[] dst = twin(13, 7);
            ref.copyBlock(src[0], 2, 3, dst[0], 4, 1, 5, 6, acc);
            dev.copyBlock(src[1], 2, 3, dst[1], 4, 1, 5, 6, acc);
            same("copyBlock 5x6 accumulate=" + acc, dst, 0, 0);
        }
    }

    private void axpby() {
        for (float beta : new float[]{0f, 0.5f, 1f}) {
            Tensor[] x = twin(37, 19);
            Tensor[] y = beta == 0f ? twinFilled(37, 19, Float.NaN) : twin(37, 19);
            ref.axpby(1.5f, x[0], beta, y[0]);
            dev.axpby(1.5f, x[1], beta, y[1]);
            same("axpby beta=" + beta, y, 0, 0);
        }
    }

    private void gemm() {
        int[][] shapes = {{1, 1, 1}, {37, 19, 53}, {64, 128, 33}, {5, 0, 3}, {1, 200, 7}, {129, 65, 1}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    for (float beta : new float[]{0f, 0.75f}) {
                        Tensor[] a = ta ? twin(k, m) : twin(m, k);
                        Tensor[] b = tb ? twin(n, k) : twin(k, n);
                        Tensor[] c = beta == 0f ? twinFilled(m, n, Float.NaN) : twin(m, n);
                        ref.gemm(ta, tb, 0.9f, a[0], b[0], beta, c[0]);
                        dev.gemm(ta, tb, 0.9f, a[1], b[1], beta, c[1]);
                        same(String.format(Locale.ROOT, "gemm %s%s m=%d k=%d n=%d beta=%s", ta ? "T" : "N", tb ? "T" : "N",
                                m, k, n, beta), c, 1e-4, 1e-4);
                    }
                }
            }
        }
    }

    private void bias() {
        for (int[] s : new int[][]{{1, 1}, {300, 17}, {1000, 64}, {0, 5}, {3, 100}}) {
            Tensor[] b = twin(1, s[1]);
            Tensor[] y = twin(s[0], s[1]);
            ref.addRowVector(b[0], y[0]);
            dev.addRowVector(b[1], y[1]);
            same("addRowVector " + shape(y[0]), y, 0, 0);
            for (float beta : new float[]{0f, 1f}) {
                Tensor[] o = beta == 0f ? twinFilled(1, s[1], Float.NaN) : twin(1, s[1]);
                ref.sumRows(y[0], beta, o[0]);
                dev.sumRows(y[1], beta, o[1]);
                same("sumRows " + shape(y[0]) + " beta=" + beta, o, 1e-6, 1e-6);
            }
        }
    }

    private void spmm() {
        for (boolean weighted : new boolean[]{false, true}) {
            CsrMatrix h = randomCsr(47, 31, 0.15, weighted);
            CsrMatrix d = dev.upload(h, ds);
            for (int width : new int[]{1, 17, 64}) {
                for (float beta : new float[]{0f, 1f}) {
                    Tensor[] x = twin(31, width);
                    Tensor[] y = beta == 0f ? twinFilled(47, width, Float.NaN) : twin(47, width);
                    ref.spmm(h, x[0], beta, y[0]);
                    dev.spmm(d, x[1], beta, y[1]);
                    same("spmm A 47x31 w=" + width + " weighted=" + weighted + " beta=" + beta, y, 1e-4, 1e-4);
                    Tensor[] xt = twin(47, width);
                    Tensor[] yt = twin(31, width);
                    ref.spmm(h.transpose(), xt[0], beta, yt[0]);
                    dev.spmm(d.transpose(), xt[1], beta, yt[1]);
                    same("spmm Aᵀ 31x47 w=" + width + " weighted=" + weighted + " beta=" + beta, yt, 1e-4, 1e-4);
                }
            }
        }
        CsrMatrix empty = randomCsr(6, 4, 0.0, false);
        CsrMatrix de = dev.upload(empty, ds);
        Tensor[] x = twin(4, 3);
        Tensor[] y = twinFilled(6, 3, Float.NaN);
        ref.spmm(empty, x[0], 0f, y[0]);
        dev.spmm(de, x[1], 0f, y[1]);
        same("spmm with no stored entries", y, 0, 0);
    }

    private void csrMax() {
        CsrMatrix h = randomCsr(41, 29, 0.12, false);
        CsrMatrix d = dev.upload(h, ds);
        for (int width : new int[]{1, 19, 64}) {
            Tensor[] x = twin(29, width);
            Tensor[] y = twin(41, width);
            IntTensor[] am = twinInts(41, width);
            ref.csrMax(h, x[0], y[0], am[0]);
            dev.csrMax(d, x[1], y[1], am[1]);
            same("csrMax y w=" + width, y, 0, 0);
            compareInts("csrMax argmax w=" + width, fetch(am[1]), am[0].toArray());
            Tensor[] dy = twin(41, width);
            Tensor[] dx = twin(29, width);
            ref.csrMaxBackward(am[0], dy[0], dx[0]);
            dev.csrMaxBackward(am[1], dy[1], dx[1]);
            same("csrMaxBackward w=" + width, dx, 1e-5, 1e-5);
        }
        // every stored value equal: the first column in storage order must win
        Tensor[] flat = twinFilled(29, 4, 1f);
        Tensor[] y = twin(41, 4);
        IntTensor[] am = twinInts(41, 4);
        ref.csrMax(h, flat[0], y[0], am[0]);
        dev.csrMax(d, flat[1], y[1], am[1]);
        compareInts("csrMax ties go to the first stored column", fetch(am[1]), am[0].toArray());
    }

    private void gatherScatter() {
        Tensor[] table = twin(23, 17);
        int[] idx = new int[40];
        for (int i = 0; i < idx.length; i++) idx[i] = rnd.nextInt(23);
        idx[5] = idx[6] = idx[7] = 3;
        IntTensor[] index = twinInts(idx);
        Tensor[] rows = twin(40, 17);
        ref.gatherRows(table[0], index[0], rows[0]);
        dev.gatherRows(table[1], index[1], rows[1]);
        same("gatherRows 40 of 23x17", rows, 0, 0);
        Tensor[] grads = twin(40, 17);
        Tensor[] acc = twin(23, 17);
        ref.scatterAddRows(grads[0], index[0], acc[0]);
        dev.scatterAddRows(grads[1], index[1], acc[1]);
        same("scatterAddRows 40 into 23x17 (repeats)", acc, 1e-5, 1e-5);
    }

    private void leakyRelu() {
        Tensor[] x = twin(33, 65);
        x[0].setFlat(0, 0f);
        x[0].setFlat(1, -0f);
        dev.upload(x[0], x[1]);
        Tensor[] y = twin(33, 65);
        ref.leakyRelu(x[0], 0.01f, y[0]);
        dev.leakyRelu(x[1], 0.01f, y[1]);
        same("leakyRelu", y, 0, 0);
        Tensor[] dy = twin(33, 65);
        Tensor[] dx = twin(33, 65);
        ref.leakyReluBackward(x[0], dy[0], 0.01f, dx[0]);
        dev.leakyReluBackward(x[1], dy[1], 0.01f, dx[1]);
        same("leakyReluBackward", dx, 0, 0);
    }

    private void rowNorm() {
        for (int[] s : new int[][]{{1, 1}, {57, 33}, {8, 300}}) {
            Tensor[] x = twin(s[0], s[1]);
            if (s[0] > 2) {
                for (int c = 0; c < s[1]; c++) x[0].set(2, c, 0f);
                dev.upload(x[0], x[1]);
            }
            Tensor[] y = twin(s[0], s[1]);
            Tensor[] norms = twin(s[0], 1);
            ref.rowL2Normalize(x[0], 1e-12f, y[0], norms[0]);
            dev.rowL2Normalize(x[1], 1e-12f, y[1], norms[1]);
            same("rowL2Normalize norms " + shape(x[0]), norms, 1e-6, 1e-6);
            same("rowL2Normalize y " + shape(x[0]), y, 1e-6, 1e-6);
            Tensor[] dy = twin(s[0], s[1]);
            Tensor[] dx = twin(s[0], s[1]);
            ref.rowL2NormalizeBackward(y[0], norms[0], 1e-12f, dy[0], dx[0]);
            dev.rowL2NormalizeBackward(y[1], norms[1], 1e-12f, dy[1], dx[1]);
            same("rowL2NormalizeBackward " + shape(x[0]), dx, 1e-5, 1e-5);
        }
    }

    private void rowDot() {
        for (int[] s : new int[][]{{1, 1}, {77, 33}, {5, 257}}) {
            Tensor[] a = twin(s[0], s[1]);
            Tensor[] b = twin(s[0], s[1]);
            Tensor[] o = twin(s[0], 1);
            ref.rowDot(a[0], b[0], o[0]);
            dev.rowDot(a[1], b[1], o[1]);
            same("rowDot " + shape(a[0]), o, 1e-6, 1e-6);
            Tensor[] y = twin(s[0], s[1]);
            ref.scaleRowsAdd(o[0], a[0], y[0]);
            // the same scale on both sides, so that the float arithmetic must agree exactly
            dev.scaleRowsAdd(toDevice(o[0]), a[1], y[1]);
            same("scaleRowsAdd " + shape(a[0]), y, 0, 0);
        }
    }

    private void losses() {
        for (int n : new int[]{0, 1, 1000, 100_000}) {
            Tensor[] x = twin(Math.max(n / 10, n == 0 ? 0 : 1), n == 0 ? 3 : 10);
            Tensor[] o = twin(1, 1);
            ref.sumSquares(x[0], o[0]);
            dev.sumSquares(x[1], o[1]);
            same("sumSquares " + shape(x[0]), o, 1e-6, 1e-6);
            check("readScalar after sumSquares " + shape(x[0]), dev.readScalar(o[1]), o[0].getFlat(0), 1e-6, 1e-6);
            Tensor[] dOut = twinFilled(1, 1, 0.37f);
            Tensor[] dx = twin(x[0].rows(), x[0].cols());
            ref.sumSquaresBackward(x[0], dOut[0], dx[0]);
            dev.sumSquaresBackward(x[1], dOut[1], dx[1]);
            same("sumSquaresBackward " + shape(x[0]), dx, 0, 0);

            Tensor[] pos = twinScaled(n, 1, 30f);
            Tensor[] neg = twinScaled(n, 1, 30f);
            ref.bprLoss(pos[0], neg[0], o[0]);
            dev.bprLoss(pos[1], neg[1], o[1]);
            same("bprLoss n=" + n, o, 1e-6, 1e-6);
            Tensor[] dPos = twin(n, 1);
            Tensor[] dNeg = twin(n, 1);
            ref.bprLossBackward(pos[0], neg[0], dOut[0], dPos[0], dNeg[0]);
            dev.bprLossBackward(pos[1], neg[1], dOut[1], dPos[1], dNeg[1]);
            same("bprLossBackward dPos n=" + n, dPos, 1e-7, 1e-6);
            same("bprLossBackward dNeg n=" + n, dNeg, 1e-7, 1e-6);
        }
    }

    private void adam() {
        Tensor[] p = twin(37, 19);
        Tensor[] m = twin(37, 19);
        Tensor[] v = twinScaled(37, 19, 1f);
        for (int i = 0; i < 19 * 37; i++) v[0].setFlat(i, Math.abs(v[0].getFlat(i)));
        dev.upload(v[0], v[1]);
        for (int step = 1; step <= 3; step++) {
            Tensor[] g = twin(37, 19);
            ref.adamStep(p[0], g[0], m[0], v[0], 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f, step);
            dev.adamStep(p[1], g[1], m[1], v[1], 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f, step);
            same("adam param step " + step, p, 1e-7, 1e-6);
            same("adam m step " + step, m, 0, 0);
            same("adam v step " + step, v, 0, 0);
        }
    }

    private void evaluation() {
        CsrMatrix mask = randomCsr(40, 300, 0.05, false);
        CsrMatrix dmask = dev.upload(mask, ds);
        Tensor[] scores = twin(25, 300);
        ref.maskScores(scores[0], mask, 10, Float.NEGATIVE_INFINITY);
        dev.maskScores(scores[1], dmask, 10, Float.NEGATIVE_INFINITY);
        same("maskScores rows 10..35", scores, 0, 0);
        // above 128 the candidates spill from shared memory to scratch
        for (int k : new int[]{1, 10, 20, 100, 128, 129, 300}) {
            topK("topK k=" + k + " of 300 (masked)", scores, k);
        }
        // few distinct values: most of the order is decided by the tie rule
        Tensor[] ties = twin(17, 203);
        for (int i = 0; i < 17 * 203; i++) ties[0].setFlat(i, rnd.nextInt(5) - 2);
        ties[0].setFlat(0, -0f);
        dev.upload(ties[0], ties[1]);
        for (int k : new int[]{1, 7, 100, 150, 203}) topK("topK k=" + k + " of 203 (ties)", ties, k);
        Tensor[] narrow = twin(3, 5);
        topK("topK k=cols=5", narrow, 5);
    }

    private void topK(String label, Tensor[] scores, int k) {
        int rows = scores[0].rows();
        IntTensor hi = hs.ints(rows, k);
        Tensor hv = hs.floats(rows, k);
        IntTensor di = ds.ints(rows, k);
        Tensor dv = ds.floats(rows, k);
        ref.topK(scores[0], k, hi, hv);
        dev.topK(scores[1], k, di, dv);
        compareInts(label + " indices", fetch(di), hi.toArray());
        compare(label + " values", fetch(dv), hv.toArray(), 0, 0);
    }

    private void indexErrors() {
        Tensor[] table = twin(4, 3);
        IntTensor[] bad = twinInts(new int[]{0, 7});
        Tensor[] rows = twin(2, 3);
        boolean raised = false;
        try {
            dev.gatherRows(table[1], bad[1], rows[1]);
            fetch(rows[1]);
        } catch (IndexOutOfBoundsException expected) {
            raised = expected.getMessage().contains("7");
        }
        record("gather index 7 of 4 rows raises IndexOutOfBoundsException", raised, "no exception naming index 7");
        // the error is reported once; the backend stays usable
        IntTensor[] good = twinInts(new int[]{3, 1});
        ref.gatherRows(table[0], good[0], rows[0]);
        dev.gatherRows(table[1], good[1], rows[1]);
        same("gather after an index error", rows, 0, 0);
    }

    private void training() {
        TrainConfig tc = new TrainConfig(1, 512, 5e-3f, 1e-4f, 0f, 31L, 0, "recall@20", new int[]{10, 20});
        List<MmgcnConfig> configs = List.of(MmgcnConfig.defaults().withEmbeddingDim(32),
                MmgcnConfig.defaults().withEmbeddingDim(32).withAggregation(Aggregation.MAX)
                        .withCombination(Combination.ELEMENT));
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 17)) {
            for (MmgcnConfig mc : configs) {
                String label = "training 1 epoch, " + mc.aggregation() + "/" + mc.combination();
                Trainer.Result want = trainOneEpoch(ref, data, mc, tc);
                Trainer.Result got = trainOneEpoch(dev, data, mc, tc);
                check(label + ": mean loss", (float) got.history().get(0).loss(), (float) want.history().get(0).loss(), 0, 1e-3);
                compare(label + ": popularity test metrics", metrics(got.popularityTest()), metrics(want.popularityTest()), 0, 0);
                compare(label + ": model valid metrics", metrics(got.best().valid()), metrics(want.best().valid()), 0.05, 0);
            }
        }
    }

    private static Trainer.Result trainOneEpoch(Kernels k, Dataset data, MmgcnConfig mc, TrainConfig tc) {
        try (Mmgcn model = new Mmgcn(mc, k, data.numUsers(), data.numItems(), data.modalities(), data.train(), tc.seed());
             Trainer t = new Trainer(model, data, tc, k)) {
            return t.fit(new Trainer.Listener() {
            }, null);
        }
    }

    private static float[] metrics(RankingMetrics m) {
        List<Double> values = List.copyOf(m.asMap().values());
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i).floatValue();
        return out;
    }

    // ---- twins: the same data for the reference (index 0) and the backend (index 1) ---------

    private Tensor randomHost(int rows, int cols, float lo, float hi) {
        Tensor t = hs.floats(rows, cols);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, lo + (hi - lo) * (float) rnd.nextDouble());
        return t;
    }

    private Tensor toDevice(Tensor host) {
        Tensor d = ds.floats(host.rows(), host.cols());
        dev.upload(host, d);
        return d;
    }

    private Tensor[] twin(int rows, int cols) {
        return twinScaled(rows, cols, 1f);
    }

    private Tensor[] twinScaled(int rows, int cols, float scale) {
        Tensor h = randomHost(rows, cols, -scale, scale);
        return new Tensor[]{h, toDevice(h)};
    }

    private Tensor[] twinFilled(int rows, int cols, float value) {
        Tensor h = hs.floats(rows, cols);
        for (long i = 0; i < h.size(); i++) h.setFlat(i, value);
        return new Tensor[]{h, toDevice(h)};
    }

    private IntTensor[] twinInts(int rows, int cols) {
        IntTensor h = hs.ints(rows, cols);
        IntTensor d = ds.ints(rows, cols);
        return new IntTensor[]{h, d};
    }

    private IntTensor[] twinInts(int[] values) {
        IntTensor h = hs.ints(values.length, 1);
        h.copyFrom(values);
        IntTensor d = ds.ints(values.length, 1);
        dev.upload(h, d);
        return new IntTensor[]{h, d};
    }

    /** A random CSR with some rows left empty on purpose. */
    private CsrMatrix randomCsr(int rows, int cols, double density, boolean weighted) {
        List<int[]> entries = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            if (r % 5 == 3) continue;
            for (int c = 0; c < cols; c++) if (rnd.nextDouble() < density) entries.add(new int[]{r, c});
        }
        int[] ri = new int[entries.size()];
        int[] ci = new int[entries.size()];
        float[] vals = weighted ? new float[entries.size()] : null;
        for (int e = 0; e < ri.length; e++) {
            ri[e] = entries.get(e)[0];
            ci[e] = entries.get(e)[1];
            if (vals != null) vals[e] = (float) rnd.nextDouble();
        }
        return CsrMatrix.fromCoo(hs, rows, cols, ri, ci, vals);
    }

    private float[] fetch(Tensor d) {
        Tensor h = hs.floats(d.rows(), d.cols());
        dev.download(d, h);
        return h.toArray();
    }

    private int[] fetch(IntTensor d) {
        IntTensor h = hs.ints(d.rows(), d.cols());
        dev.download(d, h);
        return h.toArray();
    }

    // ---- comparisons -------------------------------------------------------------------------

    private void same(String label, Tensor[] t, double atol, double rtol) {
        compare(label, fetch(t[1]), t[0].toArray(), atol, rtol);
    }

    private void check(String label, float got, float want, double atol, double rtol) {
        compare(label, new float[]{got}, new float[]{want}, atol, rtol);
    }

    /** Passes when every |got − want| ≤ atol + rtol·|want|; NaN must meet NaN. */
    private void compare(String label, float[] got, float[] want, double atol, double rtol) {
        if (got.length != want.length) {
            fail(label + ": " + got.length + " values, expected " + want.length);
            return;
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < got.length; i++) {
            float g = got[i], w = want[i];
            if (Float.isNaN(g) || Float.isNaN(w)) {
                if (Float.isNaN(g) != Float.isNaN(w)) {
                    fail(label + ": element " + i + " is " + g + ", expected " + w);
                    return;
                }
                continue;
            }
            if (g == w) continue;
            double err = Math.abs((double) g - w);
            if (err > atol + rtol * Math.abs(w) || Double.isNaN(err)) {
                fail(String.format(Locale.ROOT, "%s: element %d is %s, expected %s (atol %.1e, rtol %.1e)", label, i, g, w, atol, rtol));
                return;
            }
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        pass(label, worst, at);
    }

    private void compareInts(String label, int[] got, int[] want) {
        if (got.length != want.length) {
            fail(label + ": " + got.length + " values, expected " + want.length);
            return;
        }
        for (int i = 0; i < got.length; i++) {
            if (got[i] != want[i]) {
                fail(label + ": element " + i + " is " + got[i] + ", expected " + want[i]);
                return;
            }
        }
        pass(label, 0, -1);
    }

    private void record(String label, boolean ok, String why) {
        if (ok) pass(label, 0, -1); else fail(label + ": " + why);
    }

    private void pass(String label, double worst, int at) {
        passed++;
        out.println(worst == 0 ? "ok   " + label : String.format(Locale.ROOT, "ok   %s (max |diff| %.2e at %d)", label, worst, at));
    }

    private void fail(String line) {
        failures.add(line);
        out.println("FAIL " + line);
    }

    private static String shape(Tensor t) {
        return t.shape();
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
                time(out, "spmm 50k x 50k, 2M nnz, width 64", 2.0 * r.length * width, 20, () -> k.spmm(g, x, 0f, y), k, y);
                time(out, "spmm transpose, same", 2.0 * r.length * width, 20, () -> k.spmm(g.transpose(), y, 0f, x), k, x);
                Tensor yMax = ds.floats(users, width);
                IntTensor arg = ds.ints(users, width);
                time(out, "csrMax 50k rows, width 64", (double) r.length * width, 20, () -> k.csrMax(g, x, yMax, arg), k, yMax);

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
