package dev.mmgcn.train;

import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Batch;
import dev.mmgcn.model.BatchRows;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each step's {@link BatchRows}, for the models that compute R at a batch's rows alone, against the
 * step's own triples: the rows are exactly the distinct users, positives and negatives, in increasing
 * order (each step's set rebuilt here with a TreeSet), each triple's positions lead back to its nodes,
 * and with padding the count is the bound for every step of a size, the extra rows repeats of the last.
 */
class StepBatchesRowsTest {
    private static final int USERS = 50, ITEMS = 40;

    private static Interactions train() {
        SplittableRandom rng = new SplittableRandom(9);
        int n = 700;
        int[] u = new int[n], i = new int[n];
        for (int k = 0; k < n; k++) {
            u[k] = rng.nextInt(USERS);
            i[k] = rng.nextInt(ITEMS);
        }
        return new Interactions(u, i);
    }

    @Test
    void rowsAreEachStepsDistinctNodesInOrder() {
        check(false);
    }

    @Test
    void paddedRowsRepeatTheLastUpToTheBound() {
        check(true);
    }

    private static void check(boolean pad) {
        Kernels k = Backends.byName("scalar");
        int batch = 64;
        try (HostScope h = new HostScope(); Scope s = k.newScope()) {
            Interactions train = train();
            NegativeSampler sampler = new NegativeSampler(GraphBuilder.userItems(h, USERS, ITEMS, train), NegativeSampler.Pool.ALL);
            EpochPlan plan = new EpochPlan(train, USERS, ITEMS, sampler, 5L);
            StepBatches steps = new StepBatches(k, plan, batch, USERS, ITEMS, true, pad, h, s);
            assertTrue(plan.pairs() % batch != 0, "a shorter last step is part of the check");
            for (int epoch = 1; epoch <= 2; epoch++) {
                steps.fill(epoch);
                for (int b = 0; b < steps.steps(); b++) {
                    int n = steps.copy(b);
                    Batch t = steps.batch(n);
                    BatchRows r = steps.rows(n);
                    int[] users = t.users().toArray(), pos = t.posRows().toArray(), neg = t.negRows().toArray();
                    TreeSet<Integer> want = new TreeSet<>();
                    for (int[] side : new int[][] {users, pos, neg}) for (int node : side) want.add(node);
                    int[] rows = r.rows().toArray();
                    int distinct = want.size();
                    int[] head = java.util.Arrays.copyOf(rows, distinct);
                    assertArrayEquals(want.stream().mapToInt(Integer::intValue).toArray(), head, "epoch " + epoch + " step " + b + ": the distinct nodes in order");
                    if (pad) {
                        int bound = Math.min(USERS, n) + Math.min(ITEMS, 2 * n);
                        assertEquals(Math.min(USERS + ITEMS, bound), rows.length, "padded to the bound of a step of " + n);
                        for (int i = distinct; i < rows.length; i++) assertEquals(head[distinct - 1], rows[i], "padding repeats the last");
                    } else {
                        assertEquals(distinct, rows.length, "no padding on the host");
                    }
                    int[][] at = {r.users().toArray(), r.pos().toArray(), r.neg().toArray()};
                    int[][] nodes = {users, pos, neg};
                    for (int side = 0; side < 3; side++) {
                        assertEquals(n, at[side].length);
                        for (int i = 0; i < n; i++) assertEquals(nodes[side][i], rows[at[side][i]], "triple " + i + " of step " + b);
                    }
                }
            }
        }
    }
}
