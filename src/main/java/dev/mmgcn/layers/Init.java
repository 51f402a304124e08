package dev.mmgcn.layers;

import dev.mmgcn.storage.Tensor;

import java.util.random.RandomGenerator;

/**
 * Parameter initialisers on host tensors (device parameters are initialised on the host and then
 * uploaded, so a seed gives the same starting point on every backend). Fan-in is the row count and
 * fan-out the column count, matching a weight used as x·W.
 */
public final class Init {
    private Init() {
    }

    /** Glorot normal: N(0, 2 / (fanIn + fanOut)). */
    public static void xavierNormal(Tensor t, RandomGenerator rng) {
        double std = Math.sqrt(2.0 / (t.rows() + t.cols()));
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) (rng.nextGaussian() * std));
    }

    /** Glorot uniform: U(−a, a) with a = √(6 / (fanIn + fanOut)), PyTorch's {@code xavier_uniform_}. */
    public static void xavierUniform(Tensor t, RandomGenerator rng) {
        double a = Math.sqrt(6.0 / (t.rows() + t.cols()));
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) ((rng.nextDouble() * 2 - 1) * a));
    }

    /** U(−1/√fanIn, 1/√fanIn): the usual bias initialiser of a linear layer. */
    public static void uniformFanIn(Tensor t, int fanIn, RandomGenerator rng) {
        double a = 1.0 / Math.sqrt(Math.max(fanIn, 1));
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) ((rng.nextDouble() * 2 - 1) * a));
    }

    /** N(0, std²): LightGCN's {@code --init normal} (the LightGCN authors' N(0, 0.1)). */
    public static void normal(Tensor t, double std, RandomGenerator rng) {
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) (rng.nextGaussian() * std));
    }
}
