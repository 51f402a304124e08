package dev.mmgcn.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FREEDOM (Zhou &amp; Shen, ACM MM 2023), with the reference's names in brackets.
 *
 * @param embeddingDim    width of the user and item id embeddings [embedding_size], and of each modality's
 *                        projected features in the feature loss [feat_embed_dim: the reference's dot product
 *                        of user embeddings with projected features needs the two equal]
 * @param knnK            neighbours per item in each modality's item–item graph [knn_k]
 * @param itemLayers      propagations over the frozen item–item graph [n_mm_layers]
 * @param uiLayers        LightGCN layers over the user–item graph [n_ui_layers]
 * @param dropout         fraction of user–item edges pruned each epoch, degree-sensitively [dropout]
 * @param featureWeight   weight of each modality's feature BPR term [reg_weight]
 * @param knnWeights      modality → weight of its item–item graph in the sum; empty = the reference's rule
 *                        ({@link #resolveKnnWeights})
 */
public record FreedomConfig(int embeddingDim, int knnK, int itemLayers, int uiLayers, float dropout,
                            float featureWeight, Map<String, Float> knnWeights) implements ModelConfig {

    /** The reference's image weight when visual and textual graphs are combined [mm_image_weight]. */
    public static final float VISUAL_WEIGHT = 0.1f;

    public static FreedomConfig defaults() {
        return new FreedomConfig(64, 10, 1, 2, 0.8f, 1e-4f, Map.of());
    }

    public FreedomConfig {
        if (embeddingDim < 1) throw new IllegalArgumentException("--dim must be at least 1, got " + embeddingDim);
        if (knnK < 1) throw new IllegalArgumentException("--knn-k must be at least 1, got " + knnK);
        if (itemLayers < 0) throw new IllegalArgumentException("--item-layers must be ≥ 0, got " + itemLayers);
        if (uiLayers < 0) throw new IllegalArgumentException("--layers must be ≥ 0, got " + uiLayers);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("--edge-dropout must be in [0, 1), got " + dropout);
        if (!(featureWeight >= 0)) throw new IllegalArgumentException("--feature-weight must be ≥ 0, got " + featureWeight);
        knnWeights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(knnWeights == null ? Map.of() : knnWeights));
        for (Map.Entry<String, Float> e : knnWeights.entrySet()) {
            if (!(e.getValue() >= 0)) throw new IllegalArgumentException("--knn-weights: weight of " + e.getKey() + " must be ≥ 0, got " + e.getValue());
        }
    }

    @Override public String kind() { return "freedom"; }
    @Override public String label() { return "FREEDOM"; }

    @Override
    public java.util.List<String> provenance() {
        return java.util.List.of("follows enoche/FREEDOM's freedom.py (kNN item graph, degree-sensitive pruning, BPR + feature BPR); BPR as a stable",
                "softplus; an item without features has no item-graph neighbours (the reference divides by its zero norm).");
    }

    @Override
    public void checkModalityWeights(java.util.List<String> modalities) {
        resolveKnnWeights(modalities);
    }

    /**
     * LightGCN's buffers, plus the item-graph propagations and their sum; this epoch's pruned user–item graph
     * beside the full one; the item–item kNN graph of k entries per item and modality, built through the kNN
     * block and a normalised copy of the widest features (scratch); with the feature loss on, the trainable
     * feature tables and their projections, and a batch's projected rows.
     */
    @Override
    public ModelMemory memory(DataShape s, int batch) {
        ModelMemory base = ModelMemory.embeddingTables(s, embeddingDim, uiLayers, batch);
        double n = s.nodes();
        double d = embeddingDim;
        double b = s.batchRows(batch);
        double params = base.parameters();
        double activations = base.activations() + (itemLayers * n * d + n * d);
        double edges = 2.0 * s.trainPairs();
        double graph = base.graphBytes() + ModelMemory.graph(s, edges * (1 - dropout))
                + ModelMemory.graph(s, (double) s.items() * knnK * s.featureDims().size());
        int widest = s.featureDims().stream().mapToInt(Integer::intValue).max().orElse(0);
        double knnScratch = ItemKnn.BLOCK_FLOATS * ModelMemory.FLOAT + 2.0 * s.items() * widest * ModelMemory.FLOAT;
        if (featureWeight > 0) {
            for (int f : s.featureDims()) {
                params += (double) s.items() * f + f * d + d;
                activations += 2 * b * (f + d) + 2 * b;
            }
        }
        return new ModelMemory(base.featureBytes(), graph, params, activations, knnScratch, base.heapBytes());
    }

    @Override public String sizeOptions() { return "--dim (" + embeddingDim + "), --layers"; }

    public FreedomConfig withDropout(float d) {
        return new FreedomConfig(embeddingDim, knnK, itemLayers, uiLayers, d, featureWeight, knnWeights);
    }

    /**
     * The weight of each modality's graph. Given weights are used as they are (every used modality
     * must have one). Otherwise the reference's rule: {@code freedom.py} sums
     * {@code mm_image_weight · image_adj + (1 − mm_image_weight) · text_adj}, so a "visual" modality
     * beside others gets {@link #VISUAL_WEIGHT} and the others share the rest equally; without a
     * visual modality, or with it alone, the weights are equal.
     */
    public Map<String, Float> resolveKnnWeights(java.util.List<String> modalities) {
        Map<String, Float> out = new LinkedHashMap<>();
        if (!knnWeights.isEmpty()) {
            for (String m : modalities) {
                Float w = knnWeights.get(m);
                if (w == null) throw new IllegalArgumentException("gives no weight for modality " + m + " (it has " + knnWeights.keySet() + ")");
                out.put(m, w);
            }
            for (String m : knnWeights.keySet()) {
                if (!modalities.contains(m)) throw new IllegalArgumentException("names modality " + m + ", which FREEDOM does not use here (it uses " + modalities + ")");
            }
            return out;
        }
        boolean visual = modalities.contains("visual") && modalities.size() > 1;
        for (String m : modalities) {
            if (!visual) out.put(m, 1f / modalities.size());
            else out.put(m, m.equals("visual") ? VISUAL_WEIGHT : (1 - VISUAL_WEIGHT) / (modalities.size() - 1));
        }
        return out;
    }
}
