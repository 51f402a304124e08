package dev.mmgcn.train;

/**
 * A {@link Trainer} driven one step at a time instead of by {@link Trainer#fit}: the seam the benchmarks
 * time a training step through (no validation, no listeners, no early stopping).
 */
public final class TrainingSteps {
    private final Trainer trainer;

    public TrainingSteps(Trainer trainer) {
        this.trainer = trainer;
    }

    /** Makes epoch {@code epoch}'s plan (order and negatives) and uploads it; clears the loss sum. */
    public void beginEpoch(int epoch) {
        trainer.beginEpoch(epoch);
    }

    /** Step {@code b} of the current epoch (forward, backward, Adam; the loss added to the epoch's sum on the backend). */
    public void step(int b) {
        trainer.step(b);
    }

    /** The epoch's loss sum so far, read back from the backend (a host round trip on a GPU). */
    public double lossSum() {
        return trainer.lossSum();
    }
}
