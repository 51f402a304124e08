package dev.mmgcn.model;

import dev.mmgcn.layers.Combination;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole model's BPR loss against central finite differences on a tiny graph, for each
 * aggregation, with a wide modality (projected) and a narrow one, and an isolated item.
 */
class MmgcnGradientTest {
    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void bprLossGradientMatchesFiniteDifferences(Aggregation agg) {
        ScalarKernels k = new ScalarKernels();
        SplittableRandom rng = new SplittableRandom(21);
        int users = 4, items = 5;
        // item 4 has no training interaction: an isolated node
        Interactions train = new Interactions(new int[] {0, 0, 1, 2, 3, 3}, new int[] {0, 1, 1, 2, 3, 0});
        try (HostScope host = new HostScope()) {
            Tensor wide = host.floats(items, 6);
            Tensor narrow = host.floats(items, 3);
            for (long i = 0; i < wide.size(); i++) wide.setFlat(i, (float) rng.nextGaussian());
            for (long i = 0; i < narrow.size(); i++) narrow.setFlat(i, (float) rng.nextGaussian());
            MmgcnConfig cfg = new MmgcnConfig(3, 4, 2, agg, Combination.CONCAT, MmgcnConfig.Fusion.MEAN, true, 0.01f);
            try (Mmgcn model = new Mmgcn(cfg, k, users, items, List.of(new Modality("wide", wide), new Modality("narrow", narrow)), train, 3);
                 Tape tape = new Tape(k)) {
                IntTensor u = host.ints(3, 1), p = host.ints(3, 1), n = host.ints(3, 1);
                u.copyFrom(new int[] {0, 2, 3});
                p.copyFrom(new int[] {users, users + 2, users + 3});
                n.copyFrom(new int[] {users + 4, users + 1, users + 2});
                java.util.function.Supplier<Var> loss = () -> {
                    Var r = model.forward(tape);
                    Var ru = tape.gather(r, u);
                    return tape.bprLoss(tape.rowDot(ru, tape.gather(r, p)), tape.rowDot(ru, tape.gather(r, n)));
                };
                tape.begin();
                tape.backward(loss.get());
                List<Var> params = model.parameters().all();
                float[][] grads = new float[params.size()][];
                for (int j = 0; j < params.size(); j++) {
                    if (tape.hasGrad(params.get(j))) grads[j] = params.get(j).grad().toArray();
                }
                double h = 1e-3;
                int checked = 0;
                for (int j = 0; j < params.size(); j++) {
                    Var prm = params.get(j);
                    Tensor v = prm.value();
                    for (int probe = 0; probe < 4; probe++) {
                        long i = rng.nextLong(v.size());
                        float orig = v.getFlat(i);
                        v.setFlat(i, (float) (orig + h));
                        tape.begin();
                        double up = k.readScalar(loss.get().value());
                        v.setFlat(i, (float) (orig - h));
                        tape.begin();
                        double down = k.readScalar(loss.get().value());
                        v.setFlat(i, orig);
                        double numeric = (up - down) / (2 * h);
                        double analytic = grads[j] == null ? 0 : grads[j][(int) i];
                        double tol = 2e-3 + 5e-2 * Math.max(Math.abs(analytic), Math.abs(numeric));
                        assertTrue(Math.abs(analytic - numeric) <= tol,
                                prm.name() + "[" + i + "] (" + agg + "): analytic " + analytic + " vs numeric " + numeric);
                        checked++;
                    }
                }
                assertTrue(checked >= 4 * 20, "every parameter probed");
            }
        }
    }
}
