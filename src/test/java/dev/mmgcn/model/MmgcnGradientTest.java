package dev.mmgcn.model;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.TestBackends;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.GradientCheck;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import dev.mmgcn.train.BprObjective;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole model's training objective (BPR plus the regulariser, {@link BprObjective}) against central
 * finite differences on a tiny graph with an isolated item, a wide modality (projected) and a narrow one,
 * for every aggregation × combination, on every CPU backend.
 *
 * <p>The analytic side is the tape's backward pass through {@code BprObjective}; the numeric side is the
 * objective's formula evaluated in double ({@link DenseBpr}) on the engine's forward output, so its
 * rounding noise is about 1e-9 rather than a float loss's 6e-8, and the loss kernels' own backward is
 * checked too. Every parameter gets {@value #PROBES} probes (all of its elements when it has fewer), at
 * h = {@value #H} (kinks detected from h, h/2, h/4), judged per probe (rtol {@value #RTOL}) and per parameter
 * (‖a − n‖ ≤ {@value #GROUP_RTOL}·‖n‖ + {@value #ATOL}, see {@link GradientCheck}); and the test asserts of its
 * own probes that a gradient 10 % off in any single parameter group would have failed. The model seed is
 * one whose starting point is not within 1e-3 of a max or LeakyReLU switch for most probes (seed 3 is, for
 * MAX/ELEMENT: the kink rule then skips more than half of a group and the test fails loudly, as it should).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MmgcnGradientTest {
    static final int PROBES = 24;
    /** A larger LeakyReLU slope than the default 0.01, so that no group's gradient is damped a hundredfold behind a negative unit. */
    static final float SLOPE = 0.2f;
    static final double H = 1e-3;
    static final double RTOL = 5e-2;
    static final double GROUP_RTOL = 2e-2;
    static final double ATOL = 2e-5;
    static final float REG = 0.05f;

    private static int[] positions(int[] distinct, int[] rows) {
        int[] out = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = -1;
            for (int k = 0; k < distinct.length; k++) if (distinct[k] == rows[r]) out[r] = k;
        }
        return out;
    }

    private static double[][] dense(Var v) {
        return Dense.of(v.value().toArray(), v.rows(), v.cols());
    }

    private final List<Kernels> cpu = TestBackends.cpu();

    @AfterAll
    void close() {
        cpu.forEach(Kernels::close);
    }

    Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : cpu)
            for (Aggregation agg : Aggregation.values())
                for (Combination comb : Combination.values())
                    for (String path : List.of("forward", "forwardRows", "forwardRows, signed output"))
                        out.add(Arguments.of(TestBackends.label(k), k, agg, comb, path));
        return out.stream();
    }

    /**
     * With {@code forwardRows} the analytic side is what a training step computes — R at the batch's
     * distinct rows only, BPR at the triples' positions in them — while the numeric side stays the
     * objective on the whole R from {@code forward}.
     */
    @ParameterizedTest(name = "{0} {2}/{3} {4}")
    @MethodSource("cases")
    void objectiveGradientMatchesFiniteDifferences(String backend, Kernels k, Aggregation agg, Combination comb, String path) {
        SplittableRandom rng = new SplittableRandom(21);
        int users = 4, items = 5;
        // item 4 has no training interaction: an isolated node
        Interactions train = new Interactions(new int[] {0, 0, 1, 2, 3, 3}, new int[] {0, 1, 1, 2, 3, 0});
        try (HostScope host = new HostScope()) {
            Tensor wide = host.floats(items, 6);
            Tensor narrow = host.floats(items, 3);
            for (long i = 0; i < wide.size(); i++) wide.setFlat(i, (float) rng.nextGaussian());
            for (long i = 0; i < narrow.size(); i++) narrow.setFlat(i, (float) rng.nextGaussian());
            MmgcnConfig cfg = new MmgcnConfig(3, 4, 2, agg, comb, MmgcnConfig.Fusion.MEAN, true, SLOPE)
                    .withSignedOutput(path.endsWith("signed output"));
            try (Mmgcn model = new Mmgcn(cfg, k, users, items, List.of(new Modality("wide", wide), new Modality("narrow", narrow)), train, 4);
                 Tape tape = new Tape(k)) {
                IntTensor u = host.ints(3, 1), p = host.ints(3, 1), n = host.ints(3, 1);
                u.copyFrom(new int[] {0, 2, 3});
                p.copyFrom(new int[] {users, users + 2, users + 3});
                n.copyFrom(new int[] {users + 4, users + 1, users + 2});
                int[] us = u.toArray(), ps = p.toArray(), ns = n.toArray();
                // the batch's distinct rows, sorted, and each triple's position in them, by brute force
                int[] distinct = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(us),
                        java.util.stream.IntStream.concat(java.util.stream.IntStream.of(ps), java.util.stream.IntStream.of(ns))).distinct().sorted().toArray();
                IntTensor rowsT = host.ints(distinct.length, 1), uAt = host.ints(3, 1), pAt = host.ints(3, 1), nAt = host.ints(3, 1);
                rowsT.copyFrom(distinct);
                uAt.copyFrom(positions(distinct, us));
                pAt.copyFrom(positions(distinct, ps));
                nAt.copyFrom(positions(distinct, ns));
                Batch at = new Batch(uAt, pAt, nAt, null, null);
                Batch batch = new Batch(u, p, n, null, null);
                // the numeric side: the objective's formula in double (DenseBpr) on the engine's forward output
                ToDoubleFunction<Tape> objective = t -> {
                    Var rep = model.forward(t);
                    double[][] r = Dense.of(rep.value().toArray(), rep.rows(), rep.cols());
                    List<double[][]> prefs = model.preferences().stream().map(MmgcnGradientTest::dense).toList();
                    return DenseBpr.bpr(r, us, ps, ns) + REG * DenseBpr.penalty(us, ps, ns, dense(model.idEmbedding()), prefs);
                };
                GradientCheck.Result r = GradientCheck.check(k, tape, model.parameters().all(),
                        path.equals("forward") ? t -> BprObjective.loss(t, model.forward(t), u, p, n, REG, model.idEmbedding(), model.preferences())
                                : t -> BprObjective.loss(t, model.forwardRows(t, rowsT), at, batch, REG, model.regularised()),
                        objective, PROBES, H, RTOL, GROUP_RTOL, ATOL, 5);
                assertEquals(model.parameters().all().size(), r.groups().size(), "every parameter checked");
                r.assertDetects(1.1);
                r.assertDetects(0.9);
            }
        }
    }
}
