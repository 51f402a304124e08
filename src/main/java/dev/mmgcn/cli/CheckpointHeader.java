package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.model.FreedomConfig;
import dev.mmgcn.model.LightGcnConfig;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.MmgcnConfig.Fusion;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;
import dev.mmgcn.settings.DataSpec;
import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.Source;
import dev.mmgcn.settings.TrainSettings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What a checkpoint's properties header records about its run, and how commands read it back (the
 * data's fingerprint, id maps and seen items are the checkpoint's {@code TrainingRecord}):
 * <ul>
 *   <li>{@code settings.<key>}: every recorded setting of the run (as in config.json, defaults resolved), each value as JSON;</li>
 *   <li>{@code run.defaults}: which of them were defaults (a JSON list);</li>
 *   <li>{@code run.id}, {@code run.version}, {@code run.revision}: which run and which build (and source revision) wrote it;</li>
 *   <li>{@code model.*}, {@code data.users}, {@code data.items}, {@code data.dataset}, {@code data.used_modalities},
 *       {@code train.seed} and the given {@code data.*} options: as checkpoints have always had them.</li>
 * </ul>
 */
final class CheckpointHeader {
    static final String SETTINGS = "settings.";
    private static final String[] LEGACY_DATA = {"data", "format", "name", "modalities", "item-offset", "synthetic", "data-seed"};

    private CheckpointHeader() {
    }

    static Properties of(TrainSettings s, List<String> defaults, Dataset data, String runId) {
        Properties p = new Properties();
        s.toMap().forEach((k, v) -> p.setProperty(SETTINGS + k, Json.value(v)));
        p.setProperty("run.defaults", Json.value(defaults));
        p.setProperty("run.id", runId);
        p.setProperty("run.version", Version.get());
        p.setProperty("run.revision", Version.revision());
        DataSpec d = s.data();
        Settings given = s.settings();
        for (Key<?> k : DataSpec.KEYS) {
            if (k == DataSpec.MODALITY || !given.given(k)) continue;
            Object v = k.toJson(s.get(k));
            p.setProperty("data." + k.name(), v instanceof java.util.List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v));
        }
        if (d.modalityFiles() != null) {
            p.setProperty("data.modality", String.join(";", d.modalityFiles().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        recordModel(s.model(), p);
        p.setProperty("train.seed", Long.toString(s.training().seed()));
        p.setProperty("data.users", Integer.toString(data.numUsers()));
        p.setProperty("data.items", Integer.toString(data.numItems()));
        p.setProperty("data.dataset", data.name());
        p.setProperty("data.used_modalities", String.join(",", data.modalityNames()));
        p.setProperty("model.used_modalities", String.join(",", Models.usedModalities(s.model(), data)));
        return p;
    }

    /** The model's settings as "model.*" entries; {@code model.type} names which model. */
    static void recordModel(ModelConfig config, Properties p) {
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

    /** The data options the checkpoint was trained with, as a settings layer whose source names the checkpoint. */
    static Settings.Layer dataLayer(Properties header, Path file) {
        Source source = Source.recorded("checkpoint " + file);
        Map<String, Object> values = new LinkedHashMap<>();
        boolean recorded = header.stringPropertyNames().stream().anyMatch(k -> k.startsWith(SETTINGS));
        if (recorded) {
            for (Key<?> k : DataSpec.KEYS) {
                String v = header.getProperty(SETTINGS + k.name());
                if (v != null) values.put(k.name(), Json.parseValue(v));
            }
        } else { // checkpoints from before settings.* was recorded
            for (String k : LEGACY_DATA) {
                String v = header.getProperty("data." + k);
                if (v != null) values.put(k, v);
            }
            String mods = header.getProperty("data.modality");
            if (mods != null) values.put("modality", java.util.List.of(mods.split(";")));
        }
        return new Settings.Layer(source, values);
    }

    /** The model a checkpoint was trained with; one without "model.type" predates the choice and is MMGCN. */
    static ModelConfig model(Properties p) {
        String kind = p.getProperty("model.type", "mmgcn");
        try {
            int dim = Integer.parseInt(p.getProperty("model.dim"));
            return switch (kind) {
                case "mmgcn" -> new MmgcnConfig(dim, Integer.parseInt(p.getProperty("model.latent")),
                        Integer.parseInt(p.getProperty("model.layers")), Aggregation.valueOf(p.getProperty("model.aggregation")),
                        Combination.valueOf(p.getProperty("model.combination")), Fusion.valueOf(p.getProperty("model.fusion")),
                        Boolean.parseBoolean(p.getProperty("model.id_embedding")), Float.parseFloat(p.getProperty("model.slope")),
                        Integer.parseInt(p.getProperty("model.word_dim", Integer.toString(MmgcnConfig.DEFAULT_WORD_DIM))));
                case "lightgcn" -> new LightGcnConfig(dim, Integer.parseInt(p.getProperty("model.layers")),
                        LightGcnConfig.EmbeddingInit.valueOf(p.getProperty("model.init")));
                case "freedom" -> new FreedomConfig(dim, Integer.parseInt(p.getProperty("model.knn_k")),
                        Integer.parseInt(p.getProperty("model.item_layers")), Integer.parseInt(p.getProperty("model.layers")),
                        Float.parseFloat(p.getProperty("model.edge_dropout")), Float.parseFloat(p.getProperty("model.feature_weight")),
                        knnWeights(p.getProperty("model.knn_weights", "")));
                default -> throw new IllegalArgumentException("unknown model '" + kind + "' (known: " + Models.KINDS + ")");
            };
        } catch (RuntimeException e) {
            throw Failure.data("the checkpoint's model settings (model.*) are missing or damaged: " + e.getMessage(), e);
        }
    }

    private static Map<String, Float> knnWeights(String spec) {
        Map<String, Float> out = new LinkedHashMap<>();
        if (spec.isEmpty()) return out;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            out.put(part.substring(0, eq), Float.parseFloat(part.substring(eq + 1)));
        }
        return out;
    }

    static Optional<TrainSettings> settings(Properties p, Path file) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(SETTINGS)) values.put(k.substring(SETTINGS.length()), Json.parseValue(p.getProperty(k)));
        }
        if (values.isEmpty()) return Optional.empty();
        return Optional.of(TrainSettings.fromMap(values, Source.recorded("checkpoint " + file)));
    }
}
