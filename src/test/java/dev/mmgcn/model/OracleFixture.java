package dev.mmgcn.model;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import dev.mmgcn.train.BprObjective;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The hand-made graph the oracle tests share, and one run of the engine on it.
 *
 * <p>Five users and six items. Item 5 has no interaction (isolated), and so has user 4; user 3 has one
 * neighbour (item 2); items 0 and 1 have identical features in every modality, so user 0, who saw both,
 * receives equal messages from them in the first layer (a tie for max). The pair (0, 0) is listed twice:
 * a repeated interaction is one edge. Three modalities of widths 5, 9 and 3.
 */
final class OracleFixture {
    static final int USERS = 5;
    static final int ITEMS = 6;
    static final int[][] PAIRS = {{0, 0}, {0, 1}, {0, 3}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {2, 0}, {2, 4}, {3, 2}, {0, 0}};
    static final String[] MODALITIES = {"visual", "acoustic", "textual"};
    static final int[] WIDTHS = {5, 9, 3};
    /** The fixed batch: users, positive and negative items (item numbers, not rows of R). */
    static final int[] BATCH_USERS = {0, 3, 1, 0, 2};
    static final int[] BATCH_POS = {0, 2, 4, 1, 0};
    static final int[] BATCH_NEG = {5, 0, 2, 3, 3};
    /**
     * Rows of R asked of {@code forwardRows}: out of order, the isolated item and the isolated user among
     * them, and one repeated at the end as a replaying backend pads.
     */
    static final int[] SOME_ROWS = {USERS + 5, 0, USERS + 2, 4, USERS + 0, 3, USERS + 2};

    private OracleFixture() {
    }

    /** Item features (items × width) of the first {@code count} modalities, in order, with items 0 and 1 equal. */
    static Map<String, double[][]> features(int count) {
        SplittableRandom rnd = new SplittableRandom(8);
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (int m = 0; m < count; m++) {
            double[][] f = new double[ITEMS][WIDTHS[m]];
            for (double[] row : f) for (int j = 0; j < row.length; j++) row[j] = (float) rnd.nextGaussian(); // float-exact
            f[1] = f[0].clone();
            out.put(MODALITIES[m], f);
        }
        return out;
    }

    static Interactions train() {
        int[] u = new int[PAIRS.length], i = new int[PAIRS.length];
        for (int k = 0; k < PAIRS.length; k++) {
            u[k] = PAIRS[k][0];
            i[k] = PAIRS[k][1];
        }
        return new Interactions(u, i);
    }

    /** Batch indices as rows of R: users as they are, items offset by the user count. */
    static int[] rows(int[] items) {
        int[] r = new int[items.length];
        for (int k = 0; k < items.length; k++) r[k] = USERS + items[k];
        return r;
    }

    /**
     * What the engine computed: R, its parameters as initialised (by name), the batch's BPR loss alone and
     * with the regulariser at {@code reg}.
     */
    record EngineRun(double[][] representation, Map<String, double[][]> params, double bprLoss, double fullLoss,
                     double[][] someRows) {
    }

    static EngineRun run(Kernels k, MmgcnConfig cfg, Map<String, double[][]> features, float reg, long seed) {
        try (HostScope host = new HostScope(); Scope dev = k.newScope()) {
            List<Modality> modalities = new ArrayList<>();
            for (Map.Entry<String, double[][]> e : features.entrySet()) {
                double[][] f = e.getValue();
                Tensor t = host.floats(f.length, f[0].length);
                for (int i = 0; i < f.length; i++) for (int j = 0; j < f[i].length; j++) t.set(i, j, (float) f[i][j]);
                modalities.add(new Modality(e.getKey(), t));
            }
            try (Mmgcn model = new Mmgcn(cfg, k, USERS, ITEMS, modalities, train(), seed); Tape tape = new Tape(k)) {
                Map<String, double[][]> params = new LinkedHashMap<>();
                for (Var v : model.parameters().all()) params.put(v.name(), Dense.of(model.parameters().read(v, host), v.rows(), v.cols()));
                IntTensor u = upload(k, host, dev, BATCH_USERS);
                IntTensor p = upload(k, host, dev, rows(BATCH_POS));
                IntTensor n = upload(k, host, dev, rows(BATCH_NEG));

                tape.begin();
                Var r = model.forward(tape);
                Tensor rHost = host.floats(r.rows(), r.cols());
                k.download(r.value(), rHost);
                double bpr = k.readScalar(BprObjective.loss(tape, r, u, p, n, 0f, model.idEmbedding(), model.preferences()).value());
                double full = k.readScalar(BprObjective.loss(tape, r, u, p, n, reg, model.idEmbedding(), model.preferences()).value());
                double[][] all = Dense.of(rHost.toArray(), r.rows(), r.cols()); // before the next step reuses r's node

                // R at SOME_ROWS through the training steps' path: the last layer on those rows alone
                tape.begin();
                Var some = model.forwardRows(tape, upload(k, host, dev, SOME_ROWS));
                Tensor someHost = host.floats(some.rows(), some.cols());
                k.download(some.value(), someHost);
                return new EngineRun(all, params, bpr, full,
                        Dense.of(someHost.toArray(), some.rows(), some.cols()));
            }
        }
    }

    private static IntTensor upload(Kernels k, Scope host, Scope dev, int[] values) {
        IntTensor h = host.ints(values.length, 1);
        h.copyFrom(values);
        IntTensor d = dev.ints(values.length, 1);
        k.upload(h, d);
        return d;
    }
}
