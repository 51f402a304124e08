package dev.mmgcn.model;

import dev.mmgcn.data.BagOfWords;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.GradientCheck;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * MMGCN with a bag-of-words modality: its item features are the mean of the item's learned word
 * embeddings (repeats counted), which is checked against the same model fed those means as fixed
 * features; and the gradient reaches the word table.
 */
class MmgcnWordBagTest {
    static final int USERS = 4, ITEMS = 5, VOCAB = 6;
    static final Interactions TRAIN = new Interactions(new int[] {0, 0, 1, 2, 3, 3}, new int[] {0, 1, 1, 2, 3, 0});
    /** (item, word) pairs: item 0 has words 2, 5, 5 (a repeat), item 2 none. */
    static final int[][] PAIRS = {{0, 2}, {0, 5}, {0, 5}, {1, 1}, {3, 0}, {3, 4}, {4, 3}};

    static BagOfWords bag(HostScope host) {
        int[] items = new int[PAIRS.length], words = new int[PAIRS.length];
        int[] count = new int[ITEMS];
        for (int k = 0; k < PAIRS.length; k++) {
            items[k] = PAIRS[k][0];
            words[k] = PAIRS[k][1];
            count[items[k]]++;
        }
        float[] vals = new float[PAIRS.length];
        for (int k = 0; k < PAIRS.length; k++) vals[k] = 1f / count[items[k]];
        CsrMatrix m = CsrMatrix.fromCoo(host, ITEMS, VOCAB, items, words, vals);
        return new BagOfWords("textual", m, PAIRS.length, PAIRS.length - 1, 1);
    }

    @Test
    void wordBagFeaturesAreTheMeanOfTheItemsWordEmbeddings() {
        ScalarKernels k = new ScalarKernels();
        for (int latent : new int[] {3, 8}) { // with and without the projection of wide features
            MmgcnConfig cfg = new MmgcnConfig(3, latent, 2, Aggregation.MEAN, Combination.CONCAT, MmgcnConfig.Fusion.MEAN, true, 0.01f, 4);
            try (HostScope host = new HostScope();
                 Mmgcn words = new Mmgcn(cfg, k, USERS, ITEMS, List.of(), List.of(bag(host)), TRAIN, 3);
                 Tape tape = new Tape(k)) {
                double[][] table = GraphOracle.of(words.parameters().get("textual.word_embedding"), k);
                assertEquals(VOCAB, table.length);
                assertEquals(4, table[0].length);
                // the oracle: per item, the mean over its (item, word) pairs, an empty item gives zeros
                Tensor means = host.floats(ITEMS, 4);
                int[] count = new int[ITEMS];
                for (int[] p : PAIRS) count[p[0]]++;
                for (int[] p : PAIRS) {
                    for (int c = 0; c < 4; c++) means.set(p[0], c, (float) (means.get(p[0], c) + table[p[1]][c] / count[p[0]]));
                }
                try (Mmgcn dense = new Mmgcn(cfg, k, USERS, ITEMS, List.of(new Modality("textual", means)), TRAIN, 99)) {
                    for (Var p : dense.parameters().all()) dense.parameters().write(p, words.parameters().get(p.name()).value().toArray());
                    assertEquals(words.parameters().all().size(), dense.parameters().all().size() + 1, "only the word table is extra");
                    tape.begin();
                    double[][] want = GraphOracle.of(dense.forward(tape), k);
                    tape.begin();
                    GraphOracle.assertClose(want, GraphOracle.of(words.forward(tape), k), 1e-5, "latent " + latent);
                }
            }
        }
    }

    @Test
    void gradientsReachTheWordTable() {
        ScalarKernels k = new ScalarKernels();
        SplittableRandom rng = new SplittableRandom(5);
        MmgcnConfig cfg = new MmgcnConfig(3, 3, 2, Aggregation.MEAN, Combination.CONCAT, MmgcnConfig.Fusion.MEAN, true, 0.01f, 4);
        try (HostScope host = new HostScope()) {
            Tensor visual = host.floats(ITEMS, 3);
            for (long i = 0; i < visual.size(); i++) visual.setFlat(i, (float) rng.nextGaussian());
            try (Mmgcn model = new Mmgcn(cfg, k, USERS, ITEMS, List.of(new Modality("visual", visual)), List.of(bag(host)), TRAIN, 7)) {
                Batch b = LightGcnTest.batch(host, USERS, new int[] {0, 2, 3}, new int[] {0, 2, 3}, new int[] {4, 1, 2});
                GradientCheck.check(k, new Tape(k), model.parameters().all(), t -> TrainerLoss.of(t, model, b, 0.1f), 12, 1e-2, 2e-2, 2e-3, 9);
            }
        }
    }
}
