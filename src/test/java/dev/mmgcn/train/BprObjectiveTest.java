package dev.mmgcn.train;

import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The batch objective against its formula, on numbers small enough to add up by hand:
 * loss = mean_b softplus(s⁻ − s⁺) + reg·(Σ_b ‖E[u]‖² + ‖E[p]‖² + ‖E[n]‖² + Σ_m ‖P_m[u]‖²)/B.
 */
class BprObjectiveTest {
    // R: user 0 = (1, 0), user 1 = (0, 1), item 0 (row 2) = (2, 0), item 1 (row 3) = (0, 3)
    private static final float[] R = {1, 0, 0, 1, 2, 0, 0, 3};
    // E_id rows, squared norms 2, 4, 1, 9
    private static final float[] ID = {1, 1, 0, 2, 1, 0, 3, 0};
    // two modalities' user preferences: squared norms 9, 1 and 4, 9
    private static final float[] P1 = {1, 2, 2, 0, 0, 1};
    private static final float[] P2 = {2, 3};
    // triples (u0, item 0, item 1) and (u1, item 1, item 0): scores 2 vs 0 and 3 vs 0
    private static final double BPR = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-3))) / 2;

    private record Out(double loss, float[] idGrad) {
    }

    private static Out evaluate(float reg, boolean withId) {
        ScalarKernels k = new ScalarKernels();
        try (ParameterStore store = new ParameterStore(k); Tape tape = new Tape(k); HostScope host = new HostScope()) {
            Var r = store.create("r", 4, 2, t -> t.copyFrom(R));
            Var id = store.create("id", 4, 2, t -> t.copyFrom(ID));
            Var p1 = store.create("p1", 2, 3, t -> t.copyFrom(P1));
            Var p2 = store.create("p2", 2, 1, t -> t.copyFrom(P2));
            IntTensor u = host.ints(2, 1), p = host.ints(2, 1), n = host.ints(2, 1);
            u.copyFrom(new int[] {0, 1});
            p.copyFrom(new int[] {2, 3});
            n.copyFrom(new int[] {3, 2});
            tape.begin();
            Var loss = BprObjective.loss(tape, r, u, p, n, reg, withId ? id : null, List.of(p1, p2));
            tape.backward(loss);
            return new Out(k.readScalar(loss.value()), tape.hasGrad(id) ? id.grad().toArray() : null);
        }
    }

    @Test
    void withoutRegularisationItIsTheMeanSoftplus() {
        assertEquals(BPR, evaluate(0f, true).loss(), 1e-7);
    }

    /**
     * Triple 1: E rows 0, 2, 3 → 2 + 1 + 9 = 12, preferences of user 0 → 9 + 4 = 13; triple 2: E rows 1, 3, 2 →
     * 4 + 9 + 1 = 14, preferences of user 1 → 1 + 9 = 10. Σ = 49 over B = 2 triples, times reg = 0.1: 2.45.
     */
    @Test
    void theRegulariserIsRegTimesTheBatchSquaredNormsOverTheBatchSize() {
        assertEquals(BPR + 0.1 * 49 / 2, evaluate(0.1f, true).loss(), 1e-6);
        // without an id embedding only the preferences count: 0.1·(13 + 10)/2
        assertEquals(BPR + 0.1 * 23 / 2, evaluate(0.1f, false).loss(), 1e-6);
    }

    /**
     * d/dE of reg·Σ‖E[row]‖²/B is 2·reg·count(row)·E[row]/B: rows 0 and 1 (users) appear once in the batch,
     * rows 2 and 3 (items) twice, once as a positive and once as a negative.
     */
    @Test
    void theRegulariserGradientCountsEachOccurrence() {
        float[] g = evaluate(0.1f, true).idGrad();
        // users: 2·0.1·1·E/2 = 0.1·E;  items (rows 2, 3; each a positive once and a negative once): 0.2·E
        assertArrayEquals(new float[] {0.1f, 0.1f, 0f, 0.2f, 0.2f, 0f, 0.6f, 0f}, g, 1e-7f);
    }
}
