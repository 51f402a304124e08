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
 * @param wordDim       width of the learned word embeddings of a bag-of-words modality (the public code's 128)
 */
public record MmgcnConfig(int embeddingDim, int latentDim, int layers, Aggregation aggregation,
                          Combination combination, Fusion fusion, boolean idEmbedding, float slope, int wordDim)
        implements ModelConfig {

    public enum Fusion { MEAN, SUM }

    public static final int DEFAULT_WORD_DIM = 128;

    public static MmgcnConfig defaults() {
        return new MmgcnConfig(64, 256, 2, Aggregation.MEAN, Combination.CONCAT, Fusion.MEAN, true, 0.01f, DEFAULT_WORD_DIM);
    }

    public MmgcnConfig(int embeddingDim, int latentDim, int layers, Aggregation aggregation,
                       Combination combination, Fusion fusion, boolean idEmbedding, float slope) {
        this(embeddingDim, latentDim, layers, aggregation, combination, fusion, idEmbedding, slope, DEFAULT_WORD_DIM);
    }

    public MmgcnConfig {
        if (embeddingDim < 1) throw new IllegalArgumentException("--dim must be at least 1, got " + embeddingDim);
        if (latentDim < 1) throw new IllegalArgumentException("--latent must be at least 1, got " + latentDim);
        if (layers < 1) throw new IllegalArgumentException("--layers must be at least 1, got " + layers);
        if (wordDim < 1) throw new IllegalArgumentException("--word-dim must be at least 1, got " + wordDim);
    }

    @Override
    public String kind() { return "mmgcn"; }

    public MmgcnConfig withEmbeddingDim(int d) {
        return new MmgcnConfig(d, latentDim, layers, aggregation, combination, fusion, idEmbedding, slope, wordDim);
    }

    public MmgcnConfig withAggregation(Aggregation a) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, a, combination, fusion, idEmbedding, slope, wordDim);
    }

    public MmgcnConfig withCombination(Combination c) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, aggregation, c, fusion, idEmbedding, slope, wordDim);
    }

    public MmgcnConfig withWordDim(int w) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, aggregation, combination, fusion, idEmbedding, slope, w);
    }
}
