package dev.mmgcn.cli;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.model.FreedomConfig;
import dev.mmgcn.model.LightGcnConfig;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.MmgcnConfig.Fusion;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** {@code --model} and the architecture options, and their round trip through a checkpoint header ("model.*" keys). */
final class ModelOptions {
    private static final List<String> MMGCN_ONLY = List.of("latent", "aggregation", "combination", "fusion", "no-id-embedding", "word-dim");
    private static final List<String> LIGHTGCN_ONLY = List.of("init");
    private static final List<String> FREEDOM_ONLY = List.of("knn-k", "item-layers", "edge-dropout", "feature-weight", "knn-weights");

    private ModelOptions() {
    }

    static Args declare(Args a) {
        MmgcnConfig d = MmgcnConfig.defaults();
        FreedomConfig f = FreedomConfig.defaults();
        return a.option("model", "NAME", "mmgcn | lightgcn | freedom (default mmgcn)")
                .option("dim", "N", "embedding and layer width (default " + d.embeddingDim() + ")")
                .option("layers", "N", "graph layers: per modality for mmgcn (default 2), lightgcn (default 3), "
                        + "the user-item graph for freedom (default 2)")
                .option("latent", "N", "mmgcn: project features wider than N to N first (default " + d.latentDim() + ")")
                .option("aggregation", "AGG", "mmgcn: mean | max | sum (default mean)")
                .option("combination", "COMB", "mmgcn: concat | element (default concat)")
                .option("fusion", "FUSE", "mmgcn: mean | sum over modalities (default mean)")
                .flag("no-id-embedding", "mmgcn: leave out the learned id embedding")
                .option("word-dim", "N", "mmgcn: width of learned word embeddings for a bag-of-words modality (default " + d.wordDim() + ")")
                .option("init", "INIT", "lightgcn: xavier | normal (N(0, 0.1)) embedding init (default xavier)")
                .option("knn-k", "N", "freedom: neighbours per item in the item-item graph (default " + f.knnK() + ")")
                .option("item-layers", "N", "freedom: propagations over the item-item graph (default " + f.itemLayers() + ")")
                .option("edge-dropout", "X", "freedom: fraction of user-item edges pruned each epoch (default " + f.dropout() + ")")
                .option("feature-weight", "X", "freedom: weight of the feature BPR terms (default " + f.featureWeight() + ")")
                .option("knn-weights", "LIST", "freedom: item-graph weight per modality, e.g. visual=0.1,textual=0.9 "
                        + "(default: visual 0.1 beside others, as the reference; else equal)");
    }

    static String kind(Args a) {
        String k = a.get("model", "mmgcn").toLowerCase(java.util.Locale.ROOT);
        if (!Models.KINDS.contains(k)) throw new Args.UsageException("--model expects one of " + Models.KINDS + ", got '" + a.get("model", "") + "'");
        return k;
    }

    static ModelConfig parse(Args a) {
        String kind = kind(a);
        for (String o : MMGCN_ONLY) if (!kind.equals("mmgcn") && a.has(o)) throw onlyFor(o, "mmgcn");
        for (String o : LIGHTGCN_ONLY) if (!kind.equals("lightgcn") && a.has(o)) throw onlyFor(o, "lightgcn");
        for (String o : FREEDOM_ONLY) if (!kind.equals("freedom") && a.has(o)) throw onlyFor(o, "freedom");
        try {
            return switch (kind) {
                case "lightgcn" -> {
                    LightGcnConfig d = LightGcnConfig.defaults();
                    yield new LightGcnConfig(a.getInt("dim", d.embeddingDim()), a.getInt("layers", d.layers()),
                            a.getEnum("init", LightGcnConfig.EmbeddingInit.class, d.init()));
                }
                case "freedom" -> {
                    FreedomConfig d = FreedomConfig.defaults();
                    yield new FreedomConfig(a.getInt("dim", d.embeddingDim()), a.getInt("knn-k", d.knnK()), a.getInt("item-layers", d.itemLayers()), a.getInt("layers", d.uiLayers()),
                            a.getFloat("edge-dropout", d.dropout()), a.getFloat("feature-weight", d.featureWeight()),
                            weights(a.get("knn-weights", null)));
                }
                default -> {
                    MmgcnConfig d = MmgcnConfig.defaults();
                    yield new MmgcnConfig(a.getInt("dim", d.embeddingDim()), a.getInt("latent", d.latentDim()),
                            a.getInt("layers", d.layers()), a.getEnum("aggregation", Aggregation.class, d.aggregation()),
                            a.getEnum("combination", Combination.class, d.combination()), a.getEnum("fusion", Fusion.class, d.fusion()),
                            !a.flag("no-id-embedding"), d.slope(), a.getInt("word-dim", d.wordDim()));
                }
            };
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    /** The model's own default for --reg: FREEDOM's reference has no embedding penalty. */
    static float defaultReg(ModelConfig c, float general) {
        return c instanceof FreedomConfig ? 0f : general;
    }

    private static Args.UsageException onlyFor(String option, String kind) {
        return new Args.UsageException("--" + option + " applies to --model " + kind + " only");
    }

    private static Map<String, Float> weights(String spec) {
        Map<String, Float> out = new LinkedHashMap<>();
        if (spec == null) return out;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new Args.UsageException("--knn-weights expects NAME=WEIGHT,…, got '" + spec + "'");
            String name = part.substring(0, eq).trim();
            try {
                float w = Float.parseFloat(part.substring(eq + 1).trim());
                if (!(w >= 0) || Float.isInfinite(w)) throw new NumberFormatException();
                if (out.put(name, w) != null) throw new Args.UsageException("--knn-weights names " + name + " twice");
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--knn-weights: '" + part + "' needs a weight ≥ 0");
            }
        }
        return out;
    }

    static void record(ModelConfig config, Properties p) {
        p.setProperty("model.type", config.kind());
        p.setProperty("model.dim", Integer.toString(config.embeddingDim()));
        switch (config) {
            case MmgcnConfig c -> {
                p.setProperty("model.latent", Integer.toString(c.latentDim()));
                p.setProperty("model.layers", Integer.toString(c.layers()));
                p.setProperty("model.aggregation", c.aggregation().name());
                p.setProperty("model.combination", c.combination().name());
                p.setProperty("model.fusion", c.fusion().name());
                p.setProperty("model.id_embedding", Boolean.toString(c.idEmbedding()));
                p.setProperty("model.slope", Float.toString(c.slope()));
                p.setProperty("model.word_dim", Integer.toString(c.wordDim()));
            }
            case LightGcnConfig c -> {
                p.setProperty("model.layers", Integer.toString(c.layers()));
                p.setProperty("model.init", c.init().name());
            }
            case FreedomConfig c -> {
                p.setProperty("model.knn_k", Integer.toString(c.knnK()));
                p.setProperty("model.item_layers", Integer.toString(c.itemLayers()));
                p.setProperty("model.layers", Integer.toString(c.uiLayers()));
                p.setProperty("model.edge_dropout", Float.toString(c.dropout()));
                p.setProperty("model.feature_weight", Float.toString(c.featureWeight()));
                StringBuilder w = new StringBuilder();
                c.knnWeights().forEach((m, x) -> w.append(w.isEmpty() ? "" : ",").append(m).append('=').append(x));
                p.setProperty("model.knn_weights", w.toString());
            }
        }
    }

    /** The model a checkpoint was trained with; a checkpoint without "model.type" predates the choice and is MMGCN. */
    static ModelConfig fromHeader(Properties p) {
        String kind = p.getProperty("model.type", "mmgcn");
        int dim = Integer.parseInt(p.getProperty("model.dim"));
        return switch (kind) {
            case "mmgcn" -> new MmgcnConfig(dim, Integer.parseInt(p.getProperty("model.latent")),
                    Integer.parseInt(p.getProperty("model.layers")), Aggregation.valueOf(p.getProperty("model.aggregation")),
                    Combination.valueOf(p.getProperty("model.combination")), Fusion.valueOf(p.getProperty("model.fusion")),
                    Boolean.parseBoolean(p.getProperty("model.id_embedding")), Float.parseFloat(p.getProperty("model.slope")),
                    Integer.parseInt(p.getProperty("model.word_dim", Integer.toString(MmgcnConfig.DEFAULT_WORD_DIM))));
            case "lightgcn" -> new LightGcnConfig(dim, Integer.parseInt(p.getProperty("model.layers")),
                    LightGcnConfig.EmbeddingInit.valueOf(p.getProperty("model.init")));
            case "freedom" -> new FreedomConfig(dim, Integer.parseInt(p.getProperty("model.knn_k")), Integer.parseInt(p.getProperty("model.item_layers")),
                    Integer.parseInt(p.getProperty("model.layers")), Float.parseFloat(p.getProperty("model.edge_dropout")),
                    Float.parseFloat(p.getProperty("model.feature_weight")), weights(emptyToNull(p.getProperty("model.knn_weights"))));
            default -> throw new IllegalStateException("checkpoint names an unknown model '" + kind + "' (known: " + Models.KINDS + ")");
        };
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
