package dev.mmgcn.model;

/**
 * What a model holds while it trains on data of a given shape ({@link ModelConfig#memory}), estimated from
 * the shape and its settings before anything is allocated. Computed in doubles: absurd settings (a width
 * of two billion) must give a huge number, not an overflowed one. What every model has alike (the
 * representation, the epoch plan, the rankers' blocks, the interaction arrays) is the caller's to add.
 *
 * @param featureBytes the feature tables the model reads (with the copy they are made from, where it keeps one)
 * @param graphBytes   its graphs, each with its cached transpose
 * @param parameters   parameter values (floats); training adds a gradient and two Adam moments to each
 * @param activations  the tape's outputs of one step (floats); training adds a gradient to each
 * @param scratchBytes a temporary buffer that is never live beside the rankers' blocks (FREEDOM's kNN build)
 * @param heapBytes    Java heap arrays of the model's own (edge arrays and keys for pruning)
 */
public record ModelMemory(double featureBytes, double graphBytes, double parameters, double activations, double scratchBytes,
                          double heapBytes) {
    static final double FLOAT = Float.BYTES;

    /** A CSR graph over the nodes with {@code edges} entries (4-byte index and 4-byte value each), and its transpose. */
    static double graph(DataShape s, double edges) {
        double n = s.nodes();
        return 2 * ((n + 1) * 4 + edges * 8);
    }

    /**
     * LightGCN's buffers, which FREEDOM builds on: the user and item embedding tables; per step the layer
     * outputs and their running sum over all nodes, and the batch's gathered rows; the user–item graph.
     */
    static ModelMemory embeddingTables(DataShape s, int dim, int layers, int batch) {
        double n = s.nodes();
        double d = dim;
        double b = s.batchRows(batch);
        double activations = n * d + layers * 2 * n * d + n * d + 6 * b * d + 4 * b;
        double features = 0;
        for (int f : s.featureDims()) features += (double) s.items() * f;
        return new ModelMemory(features * FLOAT, graph(s, 2.0 * s.trainPairs()), n * d, activations, 0, s.trainPairs() * 24.0);
    }
}
