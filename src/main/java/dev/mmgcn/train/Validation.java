package dev.mmgcn.train;

import dev.mmgcn.eval.RankingMetrics;

/**
 * One validation during training: after {@code step} of {@code steps} in {@code epoch}
 * ({@code globalStep} counted over the run).
 *
 * @param test          test metrics, computed only when this validation is a new best (else null)
 * @param itemOnlyValid the model's item score alone ({@link dev.mmgcn.eval.ItemOnly}), computed at epoch
 *                      ends and new bests (else null)
 * @param best          whether this is the best validation so far
 */
public record Validation(int epoch, int step, int steps, long globalStep, double evalSeconds, RankingMetrics valid,
                         RankingMetrics test, boolean best, RankingMetrics itemOnlyValid) {
    public boolean endOfEpoch() {
        return step == steps;
    }
}
