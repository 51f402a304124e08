package dev.mmgcn.model;

/**
 * LightGCN (He et al., SIGIR 2020).
 *
 * @param embeddingDim width of the user and item embeddings
 * @param layers       propagation layers; R is the mean of the embeddings after 0..layers propagations
 * @param init         how the embedding tables start
 */
public record LightGcnConfig(int embeddingDim, int layers, EmbeddingInit init) implements ModelConfig {

    /** Starting values of an embedding table. */
    public enum EmbeddingInit {
        /** Glorot uniform over each table (MMRec's {@code lightgcn.py} and {@code freedom.py}) */
        XAVIER,
        /** N(0, 0.1²) (the LightGCN authors' PyTorch code) */
        NORMAL
    }

    public static LightGcnConfig defaults() {
        return new LightGcnConfig(64, 3, EmbeddingInit.XAVIER);
    }

    public LightGcnConfig {
        if (embeddingDim < 1) throw new IllegalArgumentException("--dim must be at least 1, got " + embeddingDim);
        if (layers < 0) throw new IllegalArgumentException("--layers must be ≥ 0, got " + layers);
        if (init == null) init = EmbeddingInit.XAVIER;
    }

    @Override public String kind() { return "lightgcn"; }
    @Override public String label() { return "LightGCN"; }

    @Override
    public java.util.List<String> provenance() {
        return java.util.List.of("follows MMRec's lightgcn.py; the L2 penalty is squared (reg * sum of squares / batch) where MMRec's EmbLoss takes norms.");
    }

    @Override public boolean readsFeatures() { return false; }

    @Override
    public ModelMemory memory(DataShape data, int batch) {
        return ModelMemory.embeddingTables(data, embeddingDim, layers, batch);
    }

    @Override public String sizeOptions() { return "--dim (" + embeddingDim + "), --layers"; }
}
