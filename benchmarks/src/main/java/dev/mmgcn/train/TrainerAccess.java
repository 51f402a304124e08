package dev.mmgcn.train;

/**
 * Lets the benchmarks time one {@link Trainer} step without widening the engine's API: this class
 * lives in the benchmarks jar but shares {@code Trainer}'s package, so it may call the
 * package-private {@code step}. Both jars are on the class path (no module boundary), which is what
 * makes the split package legal.
 */
public final class TrainerAccess {
    private TrainerAccess() {
    }

    /**
     * One BPR step (sampling, upload, forward, backward, Adam) on the {@code n} deduplicated training
     * pairs {@code order[from..from+n)}; returns the loss, read back from the backend.
     */
    public static double step(Trainer trainer, int[] order, int from, int n) {
        return trainer.step(order, from, n);
    }
}
