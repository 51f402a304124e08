package dev.mmgcn.model;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where training starts: every weight, embedding and preference table Glorot-normal (mean 0, standard
 * deviation √(2/(rows + cols))), every bias uniform in ±1/√fan-in — checked as statistics of the drawn
 * values, which the forward oracle (fed whatever the engine drew) cannot see. Sample sizes here are
 * 300–16,000 values, so the bounds (mean within 4 standard errors, deviation within 10 %) are loose enough
 * never to fail by chance and tight enough to catch a zero, constant or mis-scaled table.
 */
class InitialParametersTest {
    @Test
    void everyParameterStartsFromItsStatedDistribution() {
        int users = 200, items = 300;
        SplittableRandom rnd = new SplittableRandom(3);
        int[] u = new int[600], i = new int[600];
        for (int k = 0; k < u.length; k++) {
            u[k] = rnd.nextInt(users);
            i[k] = rnd.nextInt(items);
        }
        ScalarKernels k = new ScalarKernels();
        try (HostScope host = new HostScope()) {
            Tensor wide = host.floats(items, 80);
            for (long x = 0; x < wide.size(); x++) wide.setFlat(x, (float) rnd.nextGaussian());
            MmgcnConfig cfg = new MmgcnConfig(32, 48, 2, Aggregation.MEAN, Combination.CONCAT, MmgcnConfig.Fusion.MEAN, true, 0.01f);
            try (Mmgcn model = new Mmgcn(cfg, k, users, items, List.of(new Modality("visual", wide)), new Interactions(u, i), 9)) {
                int checked = 0;
                for (Var p : model.parameters().all()) {
                    float[] v = model.parameters().read(p, host);
                    double mean = 0, sq = 0, max = 0;
                    for (float x : v) {
                        mean += x;
                        max = Math.max(max, Math.abs(x));
                    }
                    mean /= v.length;
                    for (float x : v) sq += (x - mean) * (x - mean);
                    double sd = Math.sqrt(sq / (v.length - 1));
                    if (p.name().endsWith(".bias")) {
                        // U(−a, a) with a = 1/√fan-in, fan-in the weight's row count beside it
                        int fanIn = model.parameters().get(p.name().replace(".bias", ".weight")).rows();
                        double a = 1 / Math.sqrt(fanIn);
                        assertTrue(max <= a, p.name() + ": |value| " + max + " beyond 1/√" + fanIn);
                        assertTrue(sd > 0.4 * a, p.name() + ": spread " + sd + " too small for U(±" + a + ")");
                    } else {
                        double want = Math.sqrt(2.0 / (p.rows() + p.cols()));
                        assertEquals(want, sd, 0.1 * want, p.name() + " (" + p.rows() + "x" + p.cols() + "): standard deviation");
                        assertEquals(0, mean, 4 * want / Math.sqrt(v.length), p.name() + ": mean");
                    }
                    checked++;
                }
                assertEquals(model.parameters().all().size(), checked);
                assertTrue(checked >= 12, "id embedding, projection, preference and two layers' tables: " + checked);
            }
        }
    }

    @Test
    void configurationBoundsAreTheStatedOnes() {
        // the smallest valid model is 1 wide, 1 latent, 1 layer; anything below is refused with the flag's name
        MmgcnConfig one = new MmgcnConfig(1, 1, 1, Aggregation.SUM, Combination.ELEMENT, MmgcnConfig.Fusion.SUM, false, 0f);
        assertEquals(1, one.embeddingDim() + one.latentDim() + one.layers() - 2);
        var dim = assertThrows(IllegalArgumentException.class, () -> one.withEmbeddingDim(0));
        assertTrue(dim.getMessage().startsWith("--dim must be at least 1"), dim.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new MmgcnConfig(4, 0, 1, Aggregation.SUM, Combination.ELEMENT, MmgcnConfig.Fusion.SUM, false, 0f));
        assertThrows(IllegalArgumentException.class,
                () -> new MmgcnConfig(4, 4, 0, Aggregation.SUM, Combination.ELEMENT, MmgcnConfig.Fusion.SUM, false, 0f));
    }
}
