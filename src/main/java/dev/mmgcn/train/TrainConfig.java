package dev.mmgcn.train;

import dev.mmgcn.eval.RankingMetrics;

/**
 * Optimisation and evaluation settings.
 *
 * @param epochs        maximum epochs
 * @param batchSize     (user, positive, negative) triples per step
 * @param learningRate  Adam step size
 * @param regWeight     weight of the L2 penalty on the batch's embeddings: reg · Σ‖e‖² / batch
 * @param weightDecay   decoupled (AdamW) weight decay on every parameter; 0 = plain Adam
 * @param seed          seeds initialisation, shuffling and negative sampling
 * @param patience      epochs without validation improvement before stopping (0 = never stop early)
 * @param validMetric   the early-stopping metric, e.g. "recall@20"
 * @param ks            the cut-offs reported
 * @param negatives     which items negatives are drawn from
 * @param evalEvery     validate every this many steps as well as at each epoch's end; 0 = chosen from the
 *                      data's size ({@link ValidationSchedule})
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, float regWeight, float weightDecay,
                          long seed, int patience, String validMetric, int[] ks, NegativeSampler.Pool negatives,
                          int evalEvery) {

    public static TrainConfig defaults() {
        return new TrainConfig(1000, 2048, 1e-3f, 1e-4f, 0f, 2024L, 10, "recall@20", RankingMetrics.DEFAULT_KS,
                NegativeSampler.Pool.ALL, 0);
    }

    public TrainConfig(int epochs, int batchSize, float learningRate, float regWeight, float weightDecay,
                       long seed, int patience, String validMetric, int[] ks, NegativeSampler.Pool negatives) {
        this(epochs, batchSize, learningRate, regWeight, weightDecay, seed, patience, validMetric, ks, negatives, 0);
    }

    public TrainConfig(int epochs, int batchSize, float learningRate, float regWeight, float weightDecay,
                       long seed, int patience, String validMetric, int[] ks) {
        this(epochs, batchSize, learningRate, regWeight, weightDecay, seed, patience, validMetric, ks, NegativeSampler.Pool.ALL);
    }

    public TrainConfig {
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        if (!(learningRate > 0)) throw new IllegalArgumentException("--lr must be positive, got " + learningRate);
        if (!(regWeight >= 0)) throw new IllegalArgumentException("--reg must be ≥ 0, got " + regWeight);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be ≥ 0, got " + weightDecay);
        if (patience < 0) throw new IllegalArgumentException("--patience must be ≥ 0, got " + patience);
        if (evalEvery < 0) throw new IllegalArgumentException("--eval-every must be ≥ 0 (0 = automatic), got " + evalEvery);
        String[] parsed = RankingMetrics.parse(validMetric);
        int k = Integer.parseInt(parsed[1]);
        boolean found = false;
        for (int x : ks) found |= x == k;
        if (!found) {
            int[] more = java.util.Arrays.copyOf(ks, ks.length + 1);
            more[ks.length] = k;
            java.util.Arrays.sort(more);
            ks = more;
        }
        ks = ks.clone();
        validMetric = parsed[0] + "@" + parsed[1];
        if (negatives == null) negatives = NegativeSampler.Pool.ALL;
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, learningRate, regWeight, weightDecay, seed, patience, validMetric, ks, negatives, evalEvery);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, learningRate, regWeight, weightDecay, s, patience, validMetric, ks, negatives, evalEvery);
    }

    public TrainConfig withEvalEvery(int steps) {
        return new TrainConfig(epochs, batchSize, learningRate, regWeight, weightDecay, seed, patience, validMetric, ks, negatives, steps);
    }
}
