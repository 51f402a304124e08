package dev.mmgcn.model;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;

/**
 * The architecture of one MMGCN model.
 *
 * @param embeddingDim  width of id embeddings and of every layer's output (the paper's d)
 * @param latentDim     features wider than this are first projected to it by a learned linear layer
 * @param layers        graph-convolution layers per modality (the paper uses 2; the public code is fixed at 3)
 * @param aggregation   how a node combines its neighbours
 * @param combination   how a layer combines aggregated and own representations
 * @param fusion        how per-modality representations become one
 * @param idEmbedding   add the learned id embedding at each layer, as the paper does
 * @param slope         LeakyReLU negative slope
 */
public record MmgcnConfig(int embeddingDim, int latentDim, int layers, Aggregation aggregation,
                          Combination combination, Fusion fusion, boolean idEmbedding, float slope) {

    public enum Fusion { MEAN, SUM }

    public static MmgcnConfig defaults() {
        return new MmgcnConfig(64, 256, 2, Aggregation.MEAN, Combination.CONCAT, Fusion.MEAN, true, 0.01f);
    }

    public MmgcnConfig {
        if (embeddingDim < 1) throw new IllegalArgumentException("--dim must be at least 1, got " + embeddingDim);
        if (latentDim < 1) throw new IllegalArgumentException("--latent must be at least 1, got " + latentDim);
        if (layers < 1) throw new IllegalArgumentException("--layers must be at least 1, got " + layers);
    }

    public MmgcnConfig withEmbeddingDim(int d) {
        return new MmgcnConfig(d, latentDim, layers, aggregation, combination, fusion, idEmbedding, slope);
    }

    public MmgcnConfig withAggregation(Aggregation a) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, a, combination, fusion, idEmbedding, slope);
    }

    public MmgcnConfig withCombination(Combination c) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, aggregation, c, fusion, idEmbedding, slope);
    }
}
