package dev.mmgcn.train;

/**
 * When to validate inside an epoch. Validation always runs at an epoch's end; with {@code --eval-every
 * N} also after every N-th step (counted over the whole run). The default spends about
 * {@link #BUDGET} of an epoch's training time on validations inside it — enough to catch a model that
 * peaks and falls within one epoch, as MMGCN can on TikTok, without making every run pay for it — at most
 * {@link #MAX_INSIDE} of them.
 *
 * <p>The costs come from a model of the work, not from timing a validation, so that the schedule (and with
 * it the best step a run keeps) is the same on every machine: a training step costs about three forward
 * passes (forward, and a backward twice its size), a validation one forward pass plus the ranking of every
 * validation user against every item — a {@code dim}-long dot product per pair ({@code 2·dim} FLOPs) and
 * {@link #RANK_FLOPS} FLOP-equivalents to mask it, keep the top K and score the list. The forward's FLOPs
 * are counted from the model's own kernel calls. RANK_FLOPS is set from measurements (Zen 4, 2 threads,
 * validations without a new best): on the built-in synthetic set a validation took 0.93 steps (0.080 s
 * against 0.086 s), of which the forward accounts for 0.33, so ranking a pair cost about 380 of the step's
 * FLOP-equivalents; on TikTok 0.64 steps (0.064 s against 0.10 s). With it the default validates
 * TikTok every 10 steps (2 inside an epoch, about 4 % of the training time), the synthetic set every 9
 * (3, about 8 %), MicroLens every 64 (1).
 */
public final class ValidationSchedule {
    /** Share of the training time that validations inside an epoch may take by default. */
    static final double BUDGET = 0.10;
    /** Validations inside one epoch at most, by default (the epoch's end has its own). */
    static final int MAX_INSIDE = 9;
    /** Work of ranking one (user, item) score beyond its dot product: masking, top-K selection, metrics. */
    static final double RANK_FLOPS = 256;

    private ValidationSchedule() {
    }

    /**
     * Steps between validations.
     *
     * @param requested      the user's {@code --eval-every} (0 = automatic)
     * @param stepsPerEpoch  training steps in one epoch
     * @param forwardFlops   FLOPs of one forward pass of the model over its graph
     * @param validUsers     users with a validation item
     * @param dim            width of the representation scored against every item
     */
    public static int stepsBetween(int requested, int stepsPerEpoch, double forwardFlops, long validUsers, int numItems, int dim) {
        if (requested > 0) return requested;
        return (int) Math.ceil((double) stepsPerEpoch / (inside(stepsPerEpoch, forwardFlops, validUsers, numItems, dim) + 1));
    }

    /** Validations inside one epoch by default: as many as fit in the budget, between 0 and {@link #MAX_INSIDE}. */
    static int inside(int stepsPerEpoch, double forwardFlops, long validUsers, int numItems, int dim) {
        double step = 3 * forwardFlops;
        double validation = forwardFlops + (double) validUsers * numItems * (2.0 * dim + RANK_FLOPS);
        double fits = BUDGET * stepsPerEpoch * step / Math.max(validation, 1);
        return (int) Math.max(0, Math.min(MAX_INSIDE, Math.min(stepsPerEpoch - 1, Math.floor(fits))));
    }
}
