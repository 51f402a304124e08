package dev.mmgcn.model;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.TestBackends;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine's forward pass against {@link DenseMmgcn}, the model written out in double precision from
 * the equations in docs/models.md, on {@link OracleFixture}'s hand-made graph, for the whole configuration grid:
 * aggregation (mean, max, sum) × combination (concat, element) × fusion (mean, sum) × id embedding
 * (on, off) × layers (1, 3) × modalities (1, 3) × latent width (4, 5, 16: projection of the 5- and 9-wide
 * modalities, of the 9-wide one only, of none) — 288 models — and the signed output (no LeakyReLU on the
 * last combination) for every aggregation × combination × layers × modalities (24 more), on every CPU backend, and on CUDA where
 * there is one. Both sides start from the same parameter values: the oracle reads the
 * engine's initial parameters. Each model's R is checked twice: every row from {@code forward}, and the rows
 * {@link OracleFixture#SOME_ROWS} from {@code forwardRows} (the training steps' path, its last layer
 * on those rows alone and, for mean and sum, aggregating before the transform).
 *
 * <p>Tolerance: R within {@value #R_TOL}·(1 + |R|) element-wise, the batch loss within {@value #LOSS_TOL}
 * relative. The engine computes in float32 (about 6e-8 relative per rounding, a few dozen roundings deep
 * here); the largest difference measured over the grid is below 1e-6 on every CPU backend. The tolerance is
 * about 20× that, and 1000× below what a wrong model gives: leaving out the neighbour aggregation, the
 * input normalisation, the mean in the fusion or the 1/B in the regulariser each moves R or the loss by
 * 0.01 or more (TESTING.md lists the mutations tried and which test caught each).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardOracleTest {
    static final double R_TOL = 2e-5;
    static final double LOSS_TOL = 2e-5;
    static final float REG = 0.25f;

    private final List<Kernels> cpu = TestBackends.cpu();

    @AfterAll
    void close() {
        cpu.forEach(Kernels::close);
    }

    Stream<Named<Kernels>> cpuBackends() {
        return cpu.stream().map(k -> Named.of(TestBackends.label(k), k));
    }

    /** The whole grid. */
    static List<MmgcnConfig> grid() {
        List<MmgcnConfig> out = new ArrayList<>();
        for (Aggregation agg : Aggregation.values())
            for (Combination comb : Combination.values())
                for (MmgcnConfig.Fusion fusion : MmgcnConfig.Fusion.values())
                    for (boolean id : new boolean[] {true, false})
                        for (int layers : new int[] {1, 3})
                            // latent 4 projects the 5- and 9-wide modalities; 5 only the 9-wide one (a modality exactly
                            // as wide as latent is not projected); 16 none
                            for (int latent : new int[] {4, 5, 16})
                                out.add(new MmgcnConfig(4, latent, layers, agg, comb, fusion, id, 0.01f));
        // the signed output (no LeakyReLU on the last combination) on both combinations, aggregations and layer counts
        for (Aggregation agg : Aggregation.values())
            for (Combination comb : Combination.values())
                for (int layers : new int[] {1, 3})
                    out.add(new MmgcnConfig(4, 4, layers, agg, comb, MmgcnConfig.Fusion.MEAN, true, 0.01f).withSignedOutput(true));
        return out;
    }

    static String label(MmgcnConfig c, int modalities) {
        return String.format(Locale.ROOT, "%s/%s fusion=%s id=%s layers=%d modalities=%d latent=%d%s", c.aggregation(),
                c.combination(), c.fusion(), c.idEmbedding() ? "on" : "off", c.layers(), modalities, c.latentDim(),
                c.signedOutput() ? " signed" : "");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cpuBackends")
    void everyConfigurationMatchesTheOracle(Kernels k) {
        double worst = checkGrid(k);
        System.out.printf(Locale.ROOT, "forward oracle, %s: largest scaled difference %.2e (tolerance %.0e)%n", TestBackends.label(k), worst, R_TOL);
        assertTrue(worst > 0, "the engine's float32 result cannot equal the double oracle everywhere");
    }

    @Test
    void cudaMatchesTheOracle() {
        Optional<Kernels> gpu = TestBackends.cuda();
        assumeTrue(gpu.isPresent(), () -> "no CUDA backend: " + TestBackends.cudaReason());
        try (Kernels k = gpu.get()) {
            checkGrid(k);
        }
    }

    /** Checks all 312 models on {@code k}; returns the largest scaled difference seen, fails listing every mismatch. */
    private static double checkGrid(Kernels k) {
        List<String> failures = new ArrayList<>();
        double worst = 0;
        long seed = 100;
        for (int modalities : new int[] {1, 3}) {
            Map<String, double[][]> features = OracleFixture.features(modalities);
            for (MmgcnConfig cfg : grid()) {
                String what = label(cfg, modalities);
                OracleFixture.EngineRun run = OracleFixture.run(k, cfg, features, REG, seed++);
                DenseMmgcn oracle = new DenseMmgcn(cfg, OracleFixture.USERS, OracleFixture.ITEMS, OracleFixture.PAIRS, run.params());
                double[][] want = oracle.representation(features);
                worst = Math.max(worst, compare(what, want, run.representation(), failures));
                double[][] wantSome = new double[OracleFixture.SOME_ROWS.length][];
                for (int i = 0; i < wantSome.length; i++) wantSome[i] = want[OracleFixture.SOME_ROWS[i]];
                worst = Math.max(worst, compare(what + ", forwardRows at " + java.util.Arrays.toString(OracleFixture.SOME_ROWS),
                        wantSome, run.someRows(), failures));

                int[] u = OracleFixture.BATCH_USERS, p = OracleFixture.rows(OracleFixture.BATCH_POS), n = OracleFixture.rows(OracleFixture.BATCH_NEG);
                double bpr = DenseBpr.bpr(want, u, p, n);
                // the preference tables by their names, one per modality — not through the model's own list
                List<double[][]> prefs = features.keySet().stream().map(m -> run.params().get(m + ".preference")).toList();
                double full = bpr + REG * DenseBpr.penalty(u, p, n, cfg.idEmbedding() ? run.params().get("id_embedding") : null, prefs);
                worst = Math.max(worst, lossCheck(what + ": BPR loss", bpr, run.bprLoss(), failures));
                worst = Math.max(worst, lossCheck(what + ": BPR loss + regulariser", full, run.fullLoss(), failures));
            }
        }
        if (!failures.isEmpty()) {
            fail(TestBackends.label(k) + ": " + failures.size() + " mismatches against the oracle, first ones:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(12, failures.size()))));
        }
        return worst;
    }

    private static double compare(String what, double[][] want, double[][] got, List<String> failures) {
        assertEquals(want.length, got.length, what + ": rows of R");
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                double d = Math.abs(got[i][j] - want[i][j]) / (1 + Math.abs(want[i][j]));
                worst = Math.max(worst, d);
                if (!(d <= R_TOL)) {
                    failures.add(String.format(Locale.ROOT, "%s: R[%d][%d] = %.7f, oracle %.7f", what, i, j, got[i][j], want[i][j]));
                    return worst;
                }
            }
        }
        return worst;
    }

    private static double lossCheck(String what, double want, double got, List<String> failures) {
        double d = Math.abs(got - want) / Math.abs(want);
        if (!(d <= LOSS_TOL)) failures.add(String.format(Locale.ROOT, "%s = %.7f, oracle %.7f", what, got, want));
        return d;
    }
}
