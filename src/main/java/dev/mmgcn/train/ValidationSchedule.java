package dev.mmgcn.train;

/**
 * When to validate inside an epoch. Validation always runs at an epoch's end; with {@code --eval-every
 * N} also after every N-th step (counted over the whole run). The default picks N from the size of a
 * validation: a full ranking costs about (validation users × items) dot products, so small data —
 * where a model can peak and fall within one epoch, as MMGCN does on TikTok — is validated up to
 * {@link #MAX_PER_EPOCH} times per epoch, and large data once.
 */
public final class ValidationSchedule {
    /** Ranking work (users × items) that one extra validation per epoch may cost by default. */
    static final double WORK_PER_VALIDATION = 1e8;
    static final int MAX_PER_EPOCH = 10;

    private ValidationSchedule() {
    }

    /**
     * Steps between validations.
     *
     * @param requested      the user's {@code --eval-every} (0 = automatic)
     * @param stepsPerEpoch  training steps in one epoch
     * @param validUsers     users with a validation item
     */
    public static int stepsBetween(int requested, int stepsPerEpoch, long validUsers, int numItems) {
        if (requested > 0) return requested;
        return (int) Math.ceil((double) stepsPerEpoch / perEpoch(validUsers, numItems));
    }

    /** Validations per epoch by default: between 1 and {@link #MAX_PER_EPOCH}, fewer for larger rankings. */
    static int perEpoch(long validUsers, int numItems) {
        double work = Math.max(1.0, (double) validUsers * numItems);
        return (int) Math.max(1, Math.min(MAX_PER_EPOCH, Math.floor(WORK_PER_VALIDATION / work)));
    }
}
