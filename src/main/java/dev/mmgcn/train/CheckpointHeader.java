package dev.mmgcn.train;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.model.FreedomConfig;
import dev.mmgcn.model.LightGcnConfig;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The schema of a checkpoint's header (the settings entries of format version {@value #VERSION}): every entry
 * that a reader or writer of checkpoints uses, typed, in one place. A view over the checkpoint's properties,
 * so that entries it does not know (another tool's) are kept.
 * <ul>
 *   <li>{@code settings.<key>}: every setting of the run, defaults resolved, as JSON text; {@code run.defaults}: which
 *       of them were defaults (a JSON list). A checkpoint without them predates them ({@link #legacyDataOptions});</li>
 *   <li>{@code run.id}, {@code run.version}, {@code run.revision}: which run, and which build and source revision wrote it;</li>
 *   <li>{@code data.<option>}: the data options given to the run (lists comma-separated), {@code data.modality} its feature
 *       files ({@code name=path;…}); {@code data.users}, {@code data.items}, {@code data.dataset}, {@code data.used_modalities}:
 *       the data's counts, name and modalities;</li>
 *   <li>{@code model.type} (absent: MMGCN) and the model's settings {@code model.*} ({@link #model}), {@code model.used_modalities};</li>
 *   <li>{@code train.seed}; the kept step {@code train.best_epoch}, {@code train.best_step}, {@code train.best_global_step}
 *       and its metrics {@code valid.<metric>}, {@code test.<metric>};</li>
 *   <li>{@code catalogue.generator}, {@code catalogue.seed}: how a synthetic catalogue was made (mmgcn-spark).</li>
 * </ul>
 */
public final class CheckpointHeader {
    /** The checkpoint format version this schema belongs to. */
    public static final int VERSION = Checkpoint.VERSION;

    private static final String SETTINGS = "settings.", RUN_DEFAULTS = "run.defaults", RUN_ID = "run.id", RUN_VERSION = "run.version",
            RUN_REVISION = "run.revision";
    private static final String DATA = "data.", MODALITY_FILES = "data.modality", USERS = "data.users", ITEMS = "data.items",
            DATASET = "data.dataset", DATA_MODALITIES = "data.used_modalities";
    private static final String TYPE = "model.type", DIM = "model.dim", LATENT = "model.latent", LAYERS = "model.layers",
            AGGREGATION = "model.aggregation", COMBINATION = "model.combination", FUSION = "model.fusion", ID_EMBEDDING = "model.id_embedding",
            SLOPE = "model.slope", WORD_DIM = "model.word_dim", SIGNED_OUTPUT = "model.signed_output", INIT = "model.init", KNN_K = "model.knn_k", ITEM_LAYERS = "model.item_layers",
            EDGE_DROPOUT = "model.edge_dropout", FEATURE_WEIGHT = "model.feature_weight", KNN_WEIGHTS = "model.knn_weights",
            MODEL_MODALITIES = "model.used_modalities";
    private static final String SEED = "train.seed", BEST_EPOCH = "train.best_epoch", BEST_STEP = "train.best_step",
            BEST_GLOBAL_STEP = "train.best_global_step", VALID = "valid.", TEST = "test.";
    private static final String GENERATOR = "catalogue.generator", CATALOGUE_SEED = "catalogue.seed";
    /** The data options checkpoints recorded as {@code data.<option>} before {@code settings.*}. */
    private static final List<String> LEGACY_DATA = List.of("data", "format", "name", "modalities", "item-offset", "synthetic", "data-seed");

    /** An entry that every checkpoint of this engine has is missing or not what it should be. */
    public static final class Damaged extends IllegalArgumentException {
        Damaged(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Properties p;

    /** A view of {@code properties}: what is read comes from them, what is written goes to them. */
    public CheckpointHeader(Properties properties) {
        this.p = properties;
    }

    public CheckpointHeader() {
        this(new Properties());
    }

    public Properties properties() {
        return p;
    }

    /** A copy to add entries to, leaving this one as it is. */
    public CheckpointHeader copy() {
        Properties c = new Properties();
        c.putAll(p);
        return new CheckpointHeader(c);
    }

    /** Every entry, sorted by key. */
    public SortedMap<String, String> entries() {
        SortedMap<String, String> out = new TreeMap<>();
        for (String k : p.stringPropertyNames()) out.put(k, p.getProperty(k));
        return out;
    }

    // ---- the run ------------------------------------------------------------------------------

    /** The run's settings, each as JSON text, and which of them were defaults (a JSON list). */
    public CheckpointHeader withSettings(Map<String, String> json, String defaultsJson) {
        json.forEach((k, v) -> p.setProperty(SETTINGS + k, v));
        p.setProperty(RUN_DEFAULTS, defaultsJson);
        return this;
    }

    public CheckpointHeader withRun(String id, String version, String revision) {
        p.setProperty(RUN_ID, id);
        p.setProperty(RUN_VERSION, version);
        p.setProperty(RUN_REVISION, revision);
        return this;
    }

    /** Whether the run's settings are recorded (every checkpoint since they were). */
    public boolean hasSettings() {
        return p.stringPropertyNames().stream().anyMatch(k -> k.startsWith(SETTINGS));
    }

    /** A recorded setting as JSON text. */
    public Optional<String> setting(String key) {
        return Optional.ofNullable(p.getProperty(SETTINGS + key));
    }

    // ---- the data -----------------------------------------------------------------------------

    /** A data option given to the run, as {@code data.<name>} (read by tools that predate {@code settings.*}). */
    public CheckpointHeader withDataOption(String name, String value) {
        p.setProperty(DATA + name, value);
        return this;
    }

    public Optional<String> dataOption(String name) {
        return Optional.ofNullable(p.getProperty(DATA + name));
    }

    /** The feature files given to the run, modality → path. */
    public CheckpointHeader withModalityFiles(Map<String, ?> files) {
        p.setProperty(MODALITY_FILES, String.join(";", files.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        return this;
    }

    public Map<String, String> modalityFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        String recorded = p.getProperty(MODALITY_FILES);
        if (recorded == null) return files;
        for (String spec : recorded.split(";")) {
            int eq = spec.indexOf('=');
            if (eq > 0) files.put(spec.substring(0, eq).trim(), spec.substring(eq + 1).trim());
        }
        return files;
    }

    /** The data options of a checkpoint from before {@code settings.*}: {@code data.<option>}, the feature files as a list of {@code name=path}. */
    public Map<String, Object> legacyDataOptions() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String k : LEGACY_DATA) dataOption(k).ifPresent(v -> values.put(k, v));
        String mods = p.getProperty(MODALITY_FILES);
        if (mods != null) values.put("modality", List.of(mods.split(";")));
        return values;
    }

    /** The data's users and items. */
    public CheckpointHeader withCounts(int users, int items) {
        p.setProperty(USERS, Integer.toString(users));
        p.setProperty(ITEMS, Integer.toString(items));
        return this;
    }

    /** The data's counts, its name and its modalities. */
    public CheckpointHeader withData(int users, int items, String dataset, List<String> modalities) {
        withCounts(users, items);
        p.setProperty(DATASET, dataset);
        p.setProperty(DATA_MODALITIES, String.join(",", modalities));
        return this;
    }

    public int users() {
        return intEntry(USERS);
    }

    public int items() {
        return intEntry(ITEMS);
    }

    /** The data's modalities when the model was trained; empty when not recorded. */
    public List<String> usedModalities() {
        String used = p.getProperty(DATA_MODALITIES);
        return used == null || used.isEmpty() ? List.of() : List.of(used.split(","));
    }

    // ---- the model ----------------------------------------------------------------------------

    /** The model's settings as {@code model.*} entries, and which of the data's modalities it reads. */
    public CheckpointHeader withModel(ModelConfig config, List<String> usedModalities) {
        p.setProperty(TYPE, config.kind());
        withModelDim(config.embeddingDim());
        switch (config) {
            case MmgcnConfig c -> {
                p.setProperty(LATENT, Integer.toString(c.latentDim()));
                p.setProperty(LAYERS, Integer.toString(c.layers()));
                p.setProperty(AGGREGATION, c.aggregation().name());
                p.setProperty(COMBINATION, c.combination().name());
                p.setProperty(FUSION, c.fusion().name());
                p.setProperty(ID_EMBEDDING, Boolean.toString(c.idEmbedding()));
                p.setProperty(SLOPE, Float.toString(c.slope()));
                p.setProperty(WORD_DIM, Integer.toString(c.wordDim()));
                // only when set: checkpoints of the paper's activations (and those from before the option) have none
                if (c.signedOutput()) p.setProperty(SIGNED_OUTPUT, "true");
            }
            case LightGcnConfig c -> {
                p.setProperty(LAYERS, Integer.toString(c.layers()));
                p.setProperty(INIT, c.init().name());
            }
            case FreedomConfig c -> {
                p.setProperty(KNN_K, Integer.toString(c.knnK()));
                p.setProperty(ITEM_LAYERS, Integer.toString(c.itemLayers()));
                p.setProperty(LAYERS, Integer.toString(c.uiLayers()));
                p.setProperty(EDGE_DROPOUT, Float.toString(c.dropout()));
                p.setProperty(FEATURE_WEIGHT, Float.toString(c.featureWeight()));
                StringBuilder w = new StringBuilder();
                c.knnWeights().forEach((m, x) -> w.append(w.isEmpty() ? "" : ",").append(m).append('=').append(x));
                p.setProperty(KNN_WEIGHTS, w.toString());
            }
        }
        p.setProperty(MODEL_MODALITIES, String.join(",", usedModalities));
        return this;
    }

    /** The representation's width alone, for a checkpoint of representations without a model (a synthetic catalogue). */
    public CheckpointHeader withModelDim(int dim) {
        p.setProperty(DIM, Integer.toString(dim));
        return this;
    }

    /** Which model: {@code model.type}, or "mmgcn" for a checkpoint from before the choice. */
    public String modelKind() {
        return p.getProperty(TYPE, "mmgcn");
    }

    /** The model the checkpoint was trained with. */
    public ModelConfig model() {
        String kind = modelKind();
        try {
            int dim = Integer.parseInt(p.getProperty(DIM));
            return switch (kind) {
                case "mmgcn" -> new MmgcnConfig(dim, Integer.parseInt(p.getProperty(LATENT)), Integer.parseInt(p.getProperty(LAYERS)),
                        Aggregation.valueOf(p.getProperty(AGGREGATION)), Combination.valueOf(p.getProperty(COMBINATION)),
                        MmgcnConfig.Fusion.valueOf(p.getProperty(FUSION)), Boolean.parseBoolean(p.getProperty(ID_EMBEDDING)),
                        Float.parseFloat(p.getProperty(SLOPE)),
                        Integer.parseInt(p.getProperty(WORD_DIM, Integer.toString(MmgcnConfig.DEFAULT_WORD_DIM))),
                        Boolean.parseBoolean(p.getProperty(SIGNED_OUTPUT, "false")));
                case "lightgcn" -> new LightGcnConfig(dim, Integer.parseInt(p.getProperty(LAYERS)),
                        LightGcnConfig.EmbeddingInit.valueOf(p.getProperty(INIT)));
                case "freedom" -> new FreedomConfig(dim, Integer.parseInt(p.getProperty(KNN_K)), Integer.parseInt(p.getProperty(ITEM_LAYERS)),
                        Integer.parseInt(p.getProperty(LAYERS)), Float.parseFloat(p.getProperty(EDGE_DROPOUT)),
                        Float.parseFloat(p.getProperty(FEATURE_WEIGHT)), knnWeights(p.getProperty(KNN_WEIGHTS, "")));
                default -> throw new IllegalArgumentException("unknown model '" + kind + "' (known: " + Models.KINDS + ")");
            };
        } catch (RuntimeException e) {
            throw new Damaged("the checkpoint's model settings (model.*) are missing or damaged: " + e.getMessage(), e);
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

    // ---- training -----------------------------------------------------------------------------

    public CheckpointHeader withSeed(long seed) {
        p.setProperty(SEED, Long.toString(seed));
        return this;
    }

    /** The validated step whose parameters the checkpoint holds, and its metrics (a split without users has none). */
    public CheckpointHeader withBest(Validation r) {
        p.setProperty(BEST_EPOCH, Integer.toString(r.epoch()));
        p.setProperty(BEST_STEP, Integer.toString(r.step()));
        p.setProperty(BEST_GLOBAL_STEP, Long.toString(r.globalStep()));
        if (r.valid().users() > 0) r.valid().asMap().forEach((k, v) -> p.setProperty(VALID + k, Double.toString(v)));
        if (r.test() != null && r.test().users() > 0) r.test().asMap().forEach((k, v) -> p.setProperty(TEST + k, Double.toString(v)));
        return this;
    }

    /** How a synthetic catalogue's representations and training items were made. */
    public CheckpointHeader withCatalogue(String generator, long seed) {
        p.setProperty(GENERATOR, generator);
        p.setProperty(CATALOGUE_SEED, Long.toString(seed));
        return this;
    }

    private int intEntry(String key) {
        String v = p.getProperty(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Damaged("the header entry '" + key + "' is " + (v == null ? "missing" : "'" + v + "'"), e);
        }
    }

    @Override
    public String toString() {
        return "CheckpointHeader" + Arrays.toString(entries().entrySet().toArray());
    }
}
