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
 * @param signedOutput  no LeakyReLU on the last layer's combination, so that R is signed (the paper applies it
 *                      in every layer, which is the default)
 */
public record MmgcnConfig(int embeddingDim, int latentDim, int layers, Aggregation aggregation,
                          Combination combination, Fusion fusion, boolean idEmbedding, float slope, int wordDim,
                          boolean signedOutput)
        implements ModelConfig {

    public enum Fusion { MEAN, SUM }

    public static final int DEFAULT_WORD_DIM = 128;

    public static MmgcnConfig defaults() {
        return new MmgcnConfig(64, 256, 2, Aggregation.MEAN, Combination.CONCAT, Fusion.MEAN, true, 0.01f, DEFAULT_WORD_DIM, false);
    }

    /** The paper's activations everywhere (no signed output). */
    public MmgcnConfig(int embeddingDim, int latentDim, int layers, Aggregation aggregation,
                       Combination combination, Fusion fusion, boolean idEmbedding, float slope, int wordDim) {
        this(embeddingDim, latentDim, layers, aggregation, combination, fusion, idEmbedding, slope, wordDim, false);
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

    @Override public String kind() { return "mmgcn"; }
    @Override public String label() { return "MMGCN"; }

    @Override
    public java.util.List<String> provenance() {
        return java.util.List.of("differs from the public MMGCN code: user preferences and id embeddings are trained; the layer count is a setting;",
                "BPR uses a stable softplus; evaluation masks training items with -inf and scores with representations",
                "recomputed after each epoch, not those of the last training batch.");
    }

    /**
     * Per modality: its features (the dataset's copy and the model's), the projection where the features are
     * wider than the latent width, the user preferences, and per layer the weights and the tape's outputs
     * (the graph product, its aggregation and LeakyReLU; the self linear with its LeakyReLU as one node, the
     * id-embedding add; the combine linear with its LeakyReLU as one node, no concatenation built; MAX's
     * argmax indices); then the fusion and a batch's gathered rows. The graph has values, and its transpose.
     */
    @Override
    public ModelMemory memory(DataShape s, int batch) {
        double n = s.nodes();
        double d = embeddingDim;
        double b = s.batchRows(batch);
        double features = 0;
        double params = idEmbedding ? n * d : 0;
        double activations = 0;
        for (int f : s.featureDims()) {
            features += (double) s.items() * f;
            boolean projected = f > latentDim;
            double w = projected ? latentDim : f;
            if (projected) {
                params += f * w + w;
                activations += s.items() * w;
            }
            params += s.users() * w;
            activations += 2 * n * w + n; // rows concatenated, then L2-normalised (+ norms)
            double in = w;
            for (int l = 0; l < layers; l++) {
                double combineIn = combination == Combination.CONCAT ? in + d : in;
                params += in * in + (in * d + d) + (combineIn * d + d);
                activations += 3 * n * in + 3 * n * d;
                if (aggregation == Aggregation.MAX) activations += n * in; // argmax indices
                in = d;
            }
        }
        if (s.featureDims().size() > 1) activations += n * d; // fusion
        // a batch's gathers: user, positive and negative rows of R (the L2 penalty reads its rows in place)
        activations += b * 3 * d + 4 * b;
        return new ModelMemory(features * ModelMemory.FLOAT * 2, ModelMemory.graph(s, 2.0 * s.trainPairs()), params, activations, 0, 0);
    }

    @Override public String sizeOptions() { return "--dim (" + embeddingDim + "), --layers (" + layers + "), --latent (" + latentDim + ")"; }

    public MmgcnConfig withEmbeddingDim(int d) {
        return new MmgcnConfig(d, latentDim, layers, aggregation, combination, fusion, idEmbedding, slope, wordDim, signedOutput);
    }

    public MmgcnConfig withAggregation(Aggregation a) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, a, combination, fusion, idEmbedding, slope, wordDim, signedOutput);
    }

    public MmgcnConfig withCombination(Combination c) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, aggregation, c, fusion, idEmbedding, slope, wordDim, signedOutput);
    }

    public MmgcnConfig withWordDim(int w) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, aggregation, combination, fusion, idEmbedding, slope, w, signedOutput);
    }

    public MmgcnConfig withSignedOutput(boolean signed) {
        return new MmgcnConfig(embeddingDim, latentDim, layers, aggregation, combination, fusion, idEmbedding, slope, wordDim, signed);
    }
}
