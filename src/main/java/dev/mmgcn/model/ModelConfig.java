package dev.mmgcn.model;

/** The settings of one of the models; {@link Models#create} builds the model they describe. */
public sealed interface ModelConfig permits MmgcnConfig, LightGcnConfig, FreedomConfig {
    /** "mmgcn", "lightgcn" or "freedom". */
    String kind();

    /** Width of the representation R. */
    int embeddingDim();

    /** What the model holds while it trains on data of this shape with batches of {@code batch} triples. */
    ModelMemory memory(DataShape data, int batch);

    /** The settings that size the model, as options with their values, for advice on a run that does not fit. */
    String sizeOptions();
}
