package dev.mmgcn.model;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.GradientCheck;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * FREEDOM against dense double implementations written from the reference's equations: the kNN item
 * graph by brute force, the pruned and full user–item graphs, the representation, the feature loss;
 * the degree-sensitive pruning against exact inclusion probabilities; gradients against finite
 * differences.
 */
class FreedomTest {
    static final int USERS = 5, ITEMS = 7;
    /** Item 6 has no interaction; the pair (4, 5) is repeated. */
    static final Interactions TRAIN = new Interactions(new int[] {0, 0, 0, 1, 1, 2, 3, 3, 4, 4, 4},
            new int[] {0, 1, 2, 1, 3, 2, 4, 0, 5, 5, 3});
    static final int[][] DISTINCT = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 3}, {2, 2}, {3, 0}, {3, 4}, {4, 3}, {4, 5}};

    /** Two modalities; in the second, item 2 has all-zero features. */
    static List<Modality> modalities(HostScope host, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor a = host.floats(ITEMS, 4), b = host.floats(ITEMS, 3);
        for (long i = 0; i < a.size(); i++) a.setFlat(i, (float) rng.nextGaussian());
        for (long i = 0; i < b.size(); i++) b.setFlat(i, (float) rng.nextGaussian());
        for (int c = 0; c < 3; c++) b.set(2, c, 0f);
        return List.of(new Modality("visual", a), new Modality("textual", b));
    }

    // ---- oracles -------------------------------------------------------------------------------

    /** Brute-force top-k by cosine in double; ties to the lower id; featureless items have none and are no one's. */
    static int[][] knnOracle(Tensor f, int k) {
        int n = f.rows();
        double[][] x = new double[n][f.cols()];
        double[] norm = new double[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < f.cols(); c++) x[i][c] = f.get(i, c);
            norm[i] = Math.sqrt(GraphOracle.dot(x[i], x[i]));
        }
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            if (norm[i] == 0) {
                out[i] = new int[0];
                continue;
            }
            final int row = i;
            Integer[] cand = java.util.stream.IntStream.range(0, n).filter(j -> norm[j] > 0).boxed().toArray(Integer[]::new);
            Arrays.sort(cand, (p, q) -> {
                double sp = GraphOracle.dot(x[row], x[p]) / (norm[row] * norm[p]), sq = GraphOracle.dot(x[row], x[q]) / (norm[row] * norm[q]);
                return sp != sq ? Double.compare(sq, sp) : Integer.compare(p, q);
            });
            out[i] = Arrays.stream(cand).limit(k).mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    static double cosine(Tensor f, int i, int j) {
        double d = 0, ni = 0, nj = 0;
        for (int c = 0; c < f.cols(); c++) {
            d += (double) f.get(i, c) * f.get(j, c);
            ni += (double) f.get(i, c) * f.get(i, c);
            nj += (double) f.get(j, c) * f.get(j, c);
        }
        return d / Math.sqrt(ni * nj);
    }

    /** Σ_m w_m A_m on items, A_m[i][j] = 1/√(c_i c_j) for j a neighbour of i. */
    static double[][] itemGraphOracle(List<int[][]> nbs, double[] w) {
        double[][] s = new double[ITEMS][ITEMS];
        for (int m = 0; m < nbs.size(); m++) {
            int[][] nb = nbs.get(m);
            for (int i = 0; i < ITEMS; i++) for (int j : nb[i]) s[i][j] += w[m] / Math.sqrt((double) nb[i].length * nb[j].length);
        }
        return s;
    }

    static double[][] representationOracle(Freedom model, Kernels k, double[][] uiAdj, double[][] itemAdj, FreedomConfig cfg) {
        double[][] users = GraphOracle.of(model.parameters().get("user_embedding"), k);
        double[][] items = GraphOracle.of(model.parameters().get("item_id_embedding"), k);
        double[][] lgcn = GraphOracle.layerMean(uiAdj, GraphOracle.stack(users, items), cfg.uiLayers());
        double[][] h = items;
        for (int l = 0; l < cfg.itemLayers(); l++) h = GraphOracle.mul(itemAdj, h);
        return GraphOracle.add(lgcn, GraphOracle.stack(new double[USERS][cfg.embeddingDim()], h));
    }

    // ---- tests ---------------------------------------------------------------------------------

    @Test
    void knnMatchesBruteForceInAnyBlocking() {
        SplittableRandom rng = new SplittableRandom(4);
        try (HostScope host = new HostScope()) {
            int n = 37;
            Tensor f = host.floats(n, 6);
            for (long i = 0; i < f.size(); i++) f.setFlat(i, (float) rng.nextGaussian());
            for (int c = 0; c < 6; c++) f.set(5, c, 0f); // a featureless item
            for (Kernels k : List.of(new ScalarKernels(), Backends.cpu())) {
                for (int kk : new int[] {1, 4, 36, 40}) {
                    int[][] want = knnOracle(f, kk);
                    for (long block : new long[] {n, 3L * n, 10L * n, 1L << 20}) {
                        int[][] got = ItemKnn.neighbours(k, f, kk, block);
                        for (int i = 0; i < n; i++) {
                            assertEquals(want[i].length, got[i].length, "item " + i + " k " + kk);
                            for (int r = 0; r < want[i].length; r++) {
                                // compare similarities rank by rank: float and double may order a near-tie differently
                                assertEquals(cosine(f, i, want[i][r]), cosine(f, i, got[i][r]), 1e-5,
                                        k.name() + " item " + i + " rank " + r + " k " + kk + " block " + block);
                            }
                        }
                        assertEquals(0, got[5].length, "a featureless item has no neighbours");
                        for (int[] row : got) for (int j : row) assertNotEquals(5, j, "and is no one's neighbour");
                        if (kk <= 36) for (int i = 0; i < n; i++) if (i != 5) assertEquals(i, got[i][0], "an item is its own nearest");
                    }
                }
            }
        }
    }

    @Test
    void forwardMatchesTheDenseDefinitionInTrainingAndEvaluation() {
        for (Kernels k : List.of(new ScalarKernels(), Backends.cpu())) {
            for (int itemLayers : new int[] {0, 1, 2}) {
                FreedomConfig cfg = new FreedomConfig(3, 3, itemLayers, 2, 0.4f, 0.5f, Map.of());
                try (HostScope host = new HostScope()) {
                    List<Modality> mods = modalities(host, 9);
                    try (Freedom model = new Freedom(cfg, k, USERS, ITEMS, mods, TRAIN, 13); Tape tape = new Tape(k)) {
                        List<int[][]> nbs = List.of(knnOracle(mods.get(0).features(), 3), knnOracle(mods.get(1).features(), 3));
                        double[][] itemAdj = itemGraphOracle(nbs, new double[] {0.1, 0.9});
                        double[][] full = GraphOracle.normalisedBipartite(USERS, ITEMS, DISTINCT);
                        double[][] want = representationOracle(model, k, full, itemAdj, cfg);
                        tape.begin();
                        GraphOracle.assertClose(want, GraphOracle.of(model.inferenceForward(tape), k), 1e-5, k.name() + " evaluation, item layers " + itemLayers);
                        tape.begin();
                        GraphOracle.assertClose(want, GraphOracle.of(model.forward(tape), k), 1e-5, "training before any pruning");

                        for (int epoch : new int[] {1, 2}) {
                            model.startEpoch(epoch, 77);
                            int[] kept = model.pruning().keep(cfg.dropout(), 77, epoch);
                            assertEquals((int) (DISTINCT.length * 0.6), kept.length);
                            int[][] pairs = new int[kept.length][];
                            for (int t = 0; t < kept.length; t++) pairs[t] = new int[] {model.pruning().user(kept[t]), model.pruning().item(kept[t])};
                            double[][] pruned = GraphOracle.normalisedBipartite(USERS, ITEMS, pairs);
                            tape.begin();
                            GraphOracle.assertClose(representationOracle(model, k, pruned, itemAdj, cfg), GraphOracle.of(model.forward(tape), k), 1e-5,
                                    "training in epoch " + epoch);
                            tape.begin();
                            GraphOracle.assertClose(want, GraphOracle.of(model.inferenceForward(tape), k), 1e-5, "evaluation keeps the full graph");
                        }
                    }
                }
            }
        }
    }

    @Test
    void pruningKeepsEdgesWithTheSuccessiveSamplingProbabilities() {
        // degrees: users 3, 1, 1; items 2, 1, 1, 1 → weights 1/√6, 1/√3, 1/√3, 1/√2, 1
        int[] u = {0, 0, 0, 1, 2}, i = {0, 1, 2, 0, 3};
        EdgePruning p = new EdgePruning(3, 4, u, i);
        double[] w = {1 / Math.sqrt(6), 1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(2), 1};
        for (int e = 0; e < 5; e++) assertEquals(w[e], p.weight(e), 1e-12);
        double total = Arrays.stream(w).sum();
        // keep 2 of 5: P(e kept) = Σ over ordered draws (a, b) containing e of w_a/W · w_b/(W − w_a)
        double[] pi = new double[5];
        for (int a = 0; a < 5; a++) {
            for (int b = 0; b < 5; b++) {
                if (a == b) continue;
                double pr = w[a] / total * w[b] / (total - w[a]);
                pi[a] += pr;
                pi[b] += pr;
            }
        }
        int draws = 40_000;
        int[] count = new int[5];
        for (int epoch = 1; epoch <= draws; epoch++) {
            int[] kept = p.keep(0.6f, 2024, epoch);
            assertEquals(2, kept.length);
            for (int e : kept) count[e]++;
        }
        for (int e = 0; e < 5; e++) {
            double sd = Math.sqrt(pi[e] * (1 - pi[e]) / draws);
            assertEquals(pi[e], count[e] / (double) draws, 4.5 * sd, "edge " + e + " (weight " + w[e] + ")");
        }
    }

    @Test
    void pruningDependsOnSeedAndEpochOnly() {
        SplittableRandom rng = new SplittableRandom(1);
        int edges = 500;
        int[] u = new int[edges], i = new int[edges];
        for (int e = 0; e < edges; e++) {
            u[e] = e / 10;
            i[e] = e % 10 + (e / 10) % 7;
        }
        EdgePruning p = new EdgePruning(50, 17, u, i);
        int[] a = p.keep(0.8f, 5, 3);
        rng.nextInt(); // unrelated randomness in between changes nothing
        assertArrayEquals(a, p.keep(0.8f, 5, 3), "same (seed, epoch), same edges");
        assertArrayEquals(a, new EdgePruning(50, 17, u, i).keep(0.8f, 5, 3), "a fresh (resumed) run prunes epoch 3 the same");
        assertFalse(Arrays.equals(a, p.keep(0.8f, 5, 4)), "another epoch, other edges");
        assertFalse(Arrays.equals(a, p.keep(0.8f, 6, 3)), "another seed, other edges");
        assertEquals(99, a.length, "int(500 * (1. - 0.8)) = int(99.99999999999997), as the reference computes it");
        assertEquals(200, p.keep(0.6f, 5, 1).length, "int(500 * (1. - 0.6)) = 200");
        for (int t = 1; t < a.length; t++) assertTrue(a[t] > a[t - 1], "ascending, distinct");
    }

    @Test
    void featureLossMatchesTheReferenceDefinition() {
        ScalarKernels k = new ScalarKernels();
        float lambda = 0.3f;
        FreedomConfig cfg = new FreedomConfig(3, 3, 1, 2, 0.5f, lambda, Map.of());
        try (HostScope host = new HostScope();
             Freedom model = new Freedom(cfg, k, USERS, ITEMS, modalities(host, 2), TRAIN, 8);
             Tape tape = new Tape(k)) {
            model.startEpoch(1, 3);
            int[] users = {0, 3, 4}, pos = {1, 4, 5}, neg = {6, 2, 0};
            Batch b = LightGcnTest.batch(host, USERS, users, pos, neg);
            tape.begin();
            Var r = model.forward(tape);
            double[][] rr = GraphOracle.of(r, k);
            double got = k.readScalar(model.extraLoss(tape, r, b).value());
            double want = 0;
            for (String m : List.of("visual", "textual")) {
                double[][] f = GraphOracle.of(model.parameters().get(m + ".features"), k);
                double[][] w = GraphOracle.of(model.parameters().get(m + ".projection.weight"), k);
                double[] bias = GraphOracle.of(model.parameters().get(m + ".projection.bias"), k)[0];
                double sum = 0;
                for (int t = 0; t < users.length; t++) {
                    double[] fp = GraphOracle.add(GraphOracle.mul(new double[][] {f[pos[t]]}, w), new double[][] {bias})[0];
                    double[] fn = GraphOracle.add(GraphOracle.mul(new double[][] {f[neg[t]]}, w), new double[][] {bias})[0];
                    double[] ru = rr[users[t]];
                    sum += GraphOracle.softplus(GraphOracle.dot(ru, fn) - GraphOracle.dot(ru, fp));
                }
                want += sum / users.length;
            }
            assertEquals(lambda * want, got, 1e-5);
            // the features start as given and are trainable
            assertArrayEquals(modalities(host, 2).get(0).features().toArray(), model.parameters().get("visual.features").value().toArray());
        }
    }

    @Test
    void withoutFeatureLossThereAreNoFeatureParameters() {
        ScalarKernels k = new ScalarKernels();
        try (HostScope host = new HostScope();
             Freedom model = new Freedom(new FreedomConfig(3, 3, 1, 2, 0.5f, 0f, Map.of()), k, USERS, ITEMS, modalities(host, 2), TRAIN, 8);
             Tape tape = new Tape(k)) {
            assertEquals(List.of("user_embedding", "item_id_embedding"), model.parameters().all().stream().map(Var::name).toList());
            tape.begin();
            assertNull(model.extraLoss(tape, model.forward(tape), LightGcnTest.batch(host, USERS, new int[] {0}, new int[] {1}, new int[] {2})));
        }
    }

    @Test
    void lossGradientsMatchFiniteDifferences() {
        ScalarKernels k = new ScalarKernels();
        FreedomConfig cfg = new FreedomConfig(3, 3, 2, 2, 0.3f, 0.7f, Map.of("visual", 0.4f, "textual", 0.6f));
        try (HostScope host = new HostScope();
             Freedom model = new Freedom(cfg, k, USERS, ITEMS, modalities(host, 6), TRAIN, 21)) {
            model.startEpoch(4, 99);
            Batch b = LightGcnTest.batch(host, USERS, new int[] {0, 1, 3, 4}, new int[] {2, 3, 4, 5}, new int[] {6, 0, 1, 2});
            List<Var> params = new ArrayList<>(model.parameters().all());
            GradientCheck.check(k, new Tape(k), params, t -> TrainerLoss.of(t, model, b, 0.05f), 15, 1e-2, 2e-2, 2e-3, 17);
        }
    }

    @Test
    void modalityWeightsFollowTheReferenceRule() {
        FreedomConfig d = FreedomConfig.defaults();
        assertEquals(Map.of("visual", 0.1f, "textual", 0.9f), d.resolveKnnWeights(List.of("visual", "textual")));
        assertEquals(Map.of("textual", 1f), d.resolveKnnWeights(List.of("textual")));
        assertEquals(Map.of("visual", 1f), d.resolveKnnWeights(List.of("visual")));
        assertEquals(Map.of("visual", 0.1f, "acoustic", 0.45f, "textual", 0.45f), d.resolveKnnWeights(List.of("visual", "acoustic", "textual")));
        assertEquals(Map.of("acoustic", 0.5f, "textual", 0.5f), d.resolveKnnWeights(List.of("acoustic", "textual")));
        FreedomConfig given = new FreedomConfig(64, 10, 1, 2, 0.8f, 0f, Map.of("visual", 0.3f, "acoustic", 0.7f));
        assertEquals(Map.of("visual", 0.3f, "acoustic", 0.7f), given.resolveKnnWeights(List.of("visual", "acoustic")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> given.resolveKnnWeights(List.of("visual", "textual")));
        assertTrue(e.getMessage().contains("textual"), e.getMessage());
    }
}
