package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.eval.Evaluator;
import dev.mmgcn.eval.ItemOnly;
import dev.mmgcn.eval.Popularity;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;

/**
 * Full-ranking validation of the model's current parameters: the representation recomputed from them
 * ({@link RecModel#inferenceForward}, never the last training batch's), ranked against every item with
 * the user's training items masked; at a new best also the test split and the item-only check. Remembers
 * the best validation of the run.
 */
final class Validator implements AutoCloseable {
    private final Kernels kernels;
    private final RecModel model;
    private final Tape tape;
    private final Dataset data;
    private final String metric;
    private final Evaluator valid, test;
    private final ItemOnly itemOnly;
    private final Tensor representation, sumOfSquares;
    private Validation best;

    Validator(Kernels kernels, RecModel model, Tape tape, Dataset data, TrainConfig config, Scope scope) {
        this.kernels = kernels;
        this.model = model;
        this.tape = tape;
        this.data = data;
        this.metric = config.validMetric();
        this.valid = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), data.valid(), config.ks());
        this.test = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), data.test(), config.ks());
        this.itemOnly = new ItemOnly(kernels, data.numUsers(), data.numItems(), model.dim());
        this.representation = scope.floats(data.numUsers() + data.numItems(), model.dim());
        this.sumOfSquares = scope.floats(1, 1);
    }

    Evaluator valid() { return valid; }

    Evaluator test() { return test; }

    Validation best() { return best; }

    void best(Validation b) { best = b; }

    Tensor representation() { return representation; }

    /** False when no user has a validation item: then the last epoch is reported and nothing stops early. */
    boolean hasValidation() {
        return valid.evaluatedUsers() > 0;
    }

    RankingMetrics popularity(Evaluator e) {
        return Popularity.evaluate(kernels, e, data.numUsers(), data.numItems(), data.train());
    }

    /** Recomputes R from the current parameters (inference graph) into the validator's own buffer. */
    Tensor computeRepresentation() {
        model.computeRepresentation(tape, representation);
        return representation;
    }

    /**
     * Validates the current parameters; on a new best, also tests and remembers it. Parameters that are
     * no longer finite are never a best: inside an epoch they are not validated at all (null), at its
     * end they are, for the report, and the epoch's loss says the run diverged.
     */
    Validation validate(int epoch, int stepInEpoch, int steps, long globalStep) {
        long t1 = System.nanoTime();
        computeRepresentation();
        kernels.sumSquares(representation, sumOfSquares);
        boolean finite = Float.isFinite(kernels.readScalar(sumOfSquares));
        if (!finite && stepInEpoch < steps) return null;
        Tensor users = representation.rowSlice(0, data.numUsers());
        Tensor items = representation.rowSlice(data.numUsers(), data.numUsers() + data.numItems());
        RankingMetrics v = valid.evaluate(users, items);
        double score = v.get(metric);
        // without validation users there is nothing to select on: every validation counts as the newest best
        boolean improved = finite && (best == null || score > best.valid().get(metric) || !hasValidation());
        RankingMetrics t = improved ? test.evaluate(users, items) : null;
        double evalSeconds = (System.nanoTime() - t1) / 1e9;
        RankingMetrics io = improved || stepInEpoch == steps ? itemOnly.evaluate(valid, users, items) : null;
        Validation result = new Validation(epoch, stepInEpoch, steps, globalStep, evalSeconds, v, t, improved, io);
        if (improved) best = result;
        return result;
    }

    @Override
    public void close() {
        valid.close();
        test.close();
        itemOnly.close();
    }
}
