package dev.mmgcn.model;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.tape.GradientCheck;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.Test;

import java.util.List;

/** LightGCN's forward pass against a dense double implementation, and its loss gradient against finite differences. */
class LightGcnTest {
    static final int USERS = 4, ITEMS = 5;
    /** Item 4 has no interaction (an isolated node); the pair (0, 1) is repeated and must count once. */
    static final Interactions TRAIN = new Interactions(new int[] {0, 0, 0, 1, 2, 3, 3}, new int[] {0, 1, 1, 1, 2, 3, 0});
    static final int[][] DISTINCT = {{0, 0}, {0, 1}, {1, 1}, {2, 2}, {3, 3}, {3, 0}};

    @Test
    void forwardMatchesTheDenseDefinition() {
        for (Kernels k : List.of(new ScalarKernels(), Backends.cpu())) {
            for (int layers : new int[] {0, 1, 3}) {
                for (LightGcnConfig.EmbeddingInit init : LightGcnConfig.EmbeddingInit.values()) {
                    LightGcnConfig cfg = new LightGcnConfig(3, layers, init);
                    try (LightGcn model = new LightGcn(cfg, k, USERS, ITEMS, TRAIN, 11); Tape tape = new Tape(k)) {
                        double[][] e0 = GraphOracle.stack(GraphOracle.of(model.parameters().get("user_embedding"), k),
                                GraphOracle.of(model.parameters().get("item_embedding"), k));
                        double[][] want = GraphOracle.layerMean(GraphOracle.normalisedBipartite(USERS, ITEMS, DISTINCT), e0, layers);
                        tape.begin();
                        GraphOracle.assertClose(want, GraphOracle.of(model.forward(tape), k), 1e-5, k.name() + " layers " + layers + " " + init);
                        tape.begin();
                        GraphOracle.assertClose(want, GraphOracle.of(model.inferenceForward(tape), k), 1e-5, "inference");
                    }
                }
            }
        }
    }

    @Test
    void initialisationScales() {
        ScalarKernels k = new ScalarKernels();
        try (LightGcn x = new LightGcn(new LightGcnConfig(64, 1, LightGcnConfig.EmbeddingInit.XAVIER), k, 2000, 30, TRAIN, 1);
             LightGcn n = new LightGcn(new LightGcnConfig(64, 1, LightGcnConfig.EmbeddingInit.NORMAL), k, 2000, 30, TRAIN, 1)) {
            double[][] xu = GraphOracle.of(x.parameters().get("user_embedding"), k);
            double bound = Math.sqrt(6.0 / (2000 + 64)), max = 0, sq = 0;
            for (double[] r : xu) for (double v : r) {
                max = Math.max(max, Math.abs(v));
                sq += v * v;
            }
            org.junit.jupiter.api.Assertions.assertTrue(max <= bound && max > 0.95 * bound, "Glorot uniform bound " + bound + ", max " + max);
            double[][] nu = GraphOracle.of(n.parameters().get("user_embedding"), k);
            double s2 = 0;
            for (double[] r : nu) for (double v : r) s2 += v * v;
            double std = Math.sqrt(s2 / (2000 * 64));
            org.junit.jupiter.api.Assertions.assertEquals(0.1, std, 0.003, "N(0, 0.1) init");
        }
    }

    @Test
    void bprAndPenaltyGradientsMatchFiniteDifferences() {
        ScalarKernels k = new ScalarKernels();
        try (LightGcn model = new LightGcn(new LightGcnConfig(3, 2, LightGcnConfig.EmbeddingInit.NORMAL), k, USERS, ITEMS, TRAIN, 5);
             HostScope host = new HostScope()) {
            Batch b = batch(host, USERS, new int[] {0, 2, 3}, new int[] {0, 2, 3}, new int[] {4, 1, 2});
            GradientCheck.check(k, new Tape(k), model.parameters().all(), t -> TrainerLoss.of(t, model, b, 0.1f), 15, 1e-2, 2e-2, 2e-3, 3);
        }
    }

    static Batch batch(HostScope host, int numUsers, int[] users, int[] pos, int[] neg) {
        IntTensor u = host.ints(users.length, 1), pr = host.ints(users.length, 1), nr = host.ints(users.length, 1);
        IntTensor pi = host.ints(users.length, 1), ni = host.ints(users.length, 1);
        u.copyFrom(users);
        pi.copyFrom(pos);
        ni.copyFrom(neg);
        int[] posRows = pos.clone(), negRows = neg.clone();
        for (int r = 0; r < users.length; r++) {
            posRows[r] += numUsers;
            negRows[r] += numUsers;
        }
        pr.copyFrom(posRows);
        nr.copyFrom(negRows);
        return new Batch(u, pr, nr, pi, ni);
    }
}
