package dev.mmgcn.model;

import java.util.List;

/** The settings of one of the models; {@link Models#create} builds the model they describe. */
public sealed interface ModelConfig permits MmgcnConfig, LightGcnConfig, FreedomConfig {
    /** "mmgcn", "lightgcn" or "freedom". */
    String kind();

    /** The model's name in prose: "MMGCN", "LightGCN", "FREEDOM". */
    String label();

    /**
     * How this implementation relates to its reference, for the train log: lines of text, the first starting
     * with "differs" or "follows".
     */
    List<String> provenance();

    /** Whether the model reads item features (LightGCN does not: its data are loaded without them). */
    default boolean readsFeatures() {
        return true;
    }

    /**
     * Checks the settings that weight modalities by name (FREEDOM's {@code --knn-weights}) against the
     * modalities the model will read; an {@link IllegalArgumentException} says what does not match.
     */
    default void checkModalityWeights(List<String> modalities) {
    }

    /** Width of the representation R. */
    int embeddingDim();

    /** What the model holds while it trains on data of this shape with batches of {@code batch} triples. */
    ModelMemory memory(DataShape data, int batch);

    /** The settings that size the model, as options with their values, for advice on a run that does not fit. */
    String sizeOptions();
}
