package dev.mmgcn.train;

/**
 * Lets the benchmarks drive a {@link Trainer} step by step without widening the engine's API: this
 * class lives in the benchmarks jar but shares {@code Trainer}'s package, so it may call the
 * package-private epoch and step methods. Both jars are on the class path (no module boundary), which
 * is what makes the split package legal.
 */
public final class TrainerAccess {
    private TrainerAccess() {
    }

    /** Makes epoch {@code epoch}'s plan (order and negatives) and uploads it; clears the loss sum. */
    public static void beginEpoch(Trainer trainer, int epoch) {
        trainer.beginEpoch(epoch);
    }

    /** Steps per epoch. */
    public static int batches(Trainer trainer) {
        return trainer.batches();
    }

    /** Step {@code b} of the current epoch (forward, backward, Adam; the loss added to the epoch's sum on the backend). */
    public static void step(Trainer trainer, int b) {
        trainer.step(b);
    }

    /** The epoch's loss sum so far, read back from the backend (a host round trip on a GPU). */
    public static double lossSum(Trainer trainer) {
        return trainer.lossSum();
    }
}
