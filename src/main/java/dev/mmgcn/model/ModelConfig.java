package dev.mmgcn.model;

/** The settings of one of the models; {@link Models#create} builds the model they describe. */
public sealed interface ModelConfig permits MmgcnConfig, LightGcnConfig, FreedomConfig {
    /** "mmgcn", "lightgcn" or "freedom". */
    String kind();

    /** Width of the representation R. */
    int embeddingDim();
}
