package dev.mmgcn.eval;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * A personalisation check: rank items for every user by the model's item score alone,
 * ⟨ū, R_i⟩ with ū the mean user representation. A score ⟨R_u, R_i⟩ splits into this shared term
 * plus ⟨R_u − ū, R_i⟩; when the full model does not beat this ranking, its per-user part adds
 * nothing (or hurts) and the model is a learned item ranking, however low its training loss.
 *
 * <p>It is ranked by the same {@link Evaluator}, with the same masking, tie-breaking and cut-offs as the
 * model, but from one sort of the item scores ({@link Evaluator#evaluateShared}) rather than a users ×
 * items score matrix (as a full ranking it had cost 0.61 s on MicroLens, at every new best and epoch end).
 */
public final class ItemOnly implements AutoCloseable {
    private final Kernels kernels;
    private final Scope scope;
    private final Tensor ones;
    private final Tensor meanUser;
    private final Tensor itemScores;

    public ItemOnly(Kernels kernels, int numUsers, int numItems, int dim) {
        this.kernels = kernels;
        this.scope = kernels.newScope();
        this.ones = scope.floats(numUsers, 1);
        kernels.fill(ones, 1f);
        this.meanUser = scope.floats(1, dim);
        this.itemScores = scope.floats(numItems, 1);
    }

    /** @param users U×D and @param items I×D: the model's representations, on this backend */
    public RankingMetrics evaluate(Evaluator evaluator, Tensor users, Tensor items) {
        kernels.sumRows(users, 0f, meanUser);
        kernels.gemm(false, true, 1f / users.rows(), items, meanUser, 0f, itemScores);
        // every user has the same scores: one sort of the items ranks them all (Evaluator.evaluateShared);
        // scores that are not finite (parameters gone bad at an epoch's end) take the full ranking, which ranks anything
        float[] scores = lastItemScores();
        for (float v : scores) if (!Float.isFinite(v)) return evaluator.evaluate(ones, itemScores);
        return evaluator.evaluateShared(scores);
    }

    /** The item scores of the last {@link #evaluate} call, copied to the host (for tests and export). */
    public float[] lastItemScores() {
        try (HostScope host = new HostScope()) {
            Tensor h = host.floats(itemScores.rows(), 1);
            kernels.download(itemScores, h);
            return h.toArray();
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}
