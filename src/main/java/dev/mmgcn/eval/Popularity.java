package dev.mmgcn.eval;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * The popularity baseline: every user gets the items with the most training interactions (their own
 * training items masked, as for the model). Expressed as 1-wide embeddings — user = 1, item = its
 * count — so it runs through exactly the same {@link Evaluator} as the model.
 */
public final class Popularity {
    private Popularity() {
    }

    public static RankingMetrics evaluate(Kernels kernels, Evaluator evaluator, int numUsers, int numItems, Interactions train) {
        float[] counts = new float[numItems];
        for (int i : train.items()) counts[i]++;
        float[] ones = new float[numUsers];
        java.util.Arrays.fill(ones, 1f);
        try (HostScope host = new HostScope(); Scope scope = kernels.newScope()) {
            Tensor u = host.floats(numUsers, 1);
            u.copyFrom(ones);
            Tensor i = host.floats(numItems, 1);
            i.copyFrom(counts);
            Tensor du = scope.floats(numUsers, 1);
            Tensor di = scope.floats(numItems, 1);
            kernels.upload(u, du);
            kernels.upload(i, di);
            return evaluator.evaluate(du, di);
        }
    }
}
