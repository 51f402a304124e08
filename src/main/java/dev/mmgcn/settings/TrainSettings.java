package dev.mmgcn.settings;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.model.FreedomConfig;
import dev.mmgcn.model.LightGcnConfig;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.MmgcnConfig.Fusion;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;
import dev.mmgcn.settings.Key.Group;
import dev.mmgcn.train.NegativeSampler;
import dev.mmgcn.train.TrainConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of a training run, resolved: defaults, then a config file, then the command line
 * (or any other layers — a sweep's trial, a recorded run). Each value remembers where it came from,
 * so a bad one is reported as {@code --epochs …} or {@code run.yaml: epochs …}.
 *
 * <p>{@link #toMap()} gives every recorded setting as JSON values; {@link #fromMap} reads such a map
 * back to equal settings. That map is what {@code config.json} and the checkpoint record, and what
 * {@code train --config runs/X/config.json} replays.
 */
public final class TrainSettings {
    private static final MmgcnConfig M = MmgcnConfig.defaults();
    private static final LightGcnConfig L = LightGcnConfig.defaults();
    private static final FreedomConfig F = FreedomConfig.defaults();
    private static final TrainConfig T = TrainConfig.defaults();

    public static final Key<String> MODEL = Keys.choice("model", Group.MODEL, "NAME", "mmgcn", Models.KINDS,
            "mmgcn | lightgcn | freedom; each model's own options below are refused for the others");
    public static final Key<Integer> DIM = Keys.integer("dim", Group.MODEL, "N", M.embeddingDim(), 1,
            "embedding and layer width");
    public static final Key<Integer> LAYERS = Keys.integer("layers", Group.MODEL, "N", null, 0,
            "graph layers: per modality for mmgcn (default " + M.layers() + "), lightgcn's (default " + L.layers()
                    + "), freedom's user-item layers (default " + F.uiLayers() + ")");
    public static final Key<Integer> LATENT = Keys.integer("latent", Group.MODEL, "N", M.latentDim(), 1,
            "mmgcn: features wider than N are projected to N first");
    public static final Key<String> AGGREGATION = Keys.choice("aggregation", Group.MODEL, "AGG", lower(M.aggregation()),
            names(Aggregation.values()), "mmgcn: neighbour aggregation: mean | max | sum");
    public static final Key<String> COMBINATION = Keys.choice("combination", Group.MODEL, "COMB", lower(M.combination()),
            names(Combination.values()), "mmgcn: how a layer combines neighbours and self: concat | element");
    public static final Key<String> FUSION = Keys.choice("fusion", Group.MODEL, "FUSE", lower(M.fusion()),
            names(Fusion.values()), "mmgcn: modality fusion: mean | sum");
    public static final Key<Boolean> NO_ID_EMBEDDING = Keys.flag("no-id-embedding", Group.MODEL,
            "mmgcn: leave out the learned id embedding");
    public static final Key<Boolean> SIGNED_OUTPUT = Keys.flag("signed-output", Group.MODEL,
            "mmgcn: no LeakyReLU on the last layer's combination, so the representation is signed");
    public static final Key<Integer> WORD_DIM = Keys.integer("word-dim", Group.MODEL, "N", M.wordDim(), 1,
            "mmgcn: width of the learned word embeddings of a bag-of-words text modality");
    public static final Key<String> INIT = Keys.choice("init", Group.MODEL, "INIT", lower(L.init()), names(LightGcnConfig.EmbeddingInit.values()),
            "lightgcn: embedding init: xavier (Glorot uniform, MMRec) | normal (N(0, 0.1), the LightGCN authors' code)");
    public static final Key<Integer> KNN_K = Keys.integer("knn-k", Group.MODEL, "N", F.knnK(), 1,
            "freedom: neighbours per item in each modality's item-item graph");
    public static final Key<Integer> ITEM_LAYERS = Keys.integer("item-layers", Group.MODEL, "N", F.itemLayers(), 0,
            "freedom: propagations over the item-item graph");
    public static final Key<Float> EDGE_DROPOUT = Keys.optionalNumber("edge-dropout", Group.MODEL, "X", true,
            "freedom: share of user-item edges pruned each epoch, degree-sensitively (default " + F.dropout() + ")");
    public static final Key<Float> FEATURE_WEIGHT = Keys.number("feature-weight", Group.MODEL, "X", F.featureWeight(), false,
            "freedom: weight of each modality's feature BPR term");
    public static final Key<Map<String, Float>> KNN_WEIGHTS = Keys.weights("knn-weights", Group.MODEL,
            "freedom: each modality's weight in the item graph, e.g. visual=0.1,textual=0.9 (default: visual 0.1 beside others, "
                    + "which share 0.9, as the reference; equal without a visual modality)");

    /** The options only one model reads: giving one for another model is an error. */
    private static final Map<String, List<Key<?>>> MODEL_ONLY = Map.of(
            "mmgcn", List.of(LATENT, AGGREGATION, COMBINATION, FUSION, NO_ID_EMBEDDING, SIGNED_OUTPUT, WORD_DIM),
            "lightgcn", List.of(INIT),
            "freedom", List.of(KNN_K, ITEM_LAYERS, EDGE_DROPOUT, FEATURE_WEIGHT, KNN_WEIGHTS));

    public static final Key<Integer> EPOCHS = Keys.integer("epochs", Group.TRAINING, "N", T.epochs(), 1, "maximum epochs");
    public static final Key<Integer> BATCH = Keys.integer("batch", Group.TRAINING, "N", T.batchSize(), 1,
            "BPR (user, positive, negative) triples per step");
    public static final Key<Float> LR = Keys.number("lr", Group.TRAINING, "X", T.learningRate(), true, "Adam learning rate");
    public static final Key<Float> REG = Keys.optionalNumber("reg", Group.TRAINING, "X", false,
            "L2 weight on the batch's rows of the model's embedding tables (default " + T.regWeight() + "; freedom 0, as its reference)");
    public static final Key<Float> WEIGHT_DECAY = Keys.number("weight-decay", Group.TRAINING, "X", T.weightDecay(), false,
            "decoupled (AdamW) weight decay on all parameters");
    public static final Key<Long> SEED = Keys.longValue("seed", Group.TRAINING, "N", T.seed(), Long.MIN_VALUE,
            "seeds initialisation, shuffling and negatives: same seed, same numbers on the CPU");
    public static final Key<Integer> PATIENCE = Keys.integer("patience", Group.TRAINING, "N", T.patience(), 0,
            "stop after N epochs without validation improvement; 0 = never");
    public static final Key<String> METRIC = Keys.metric("metric", Group.TRAINING, T.validMetric(),
            "validation metric for early stopping and model selection");
    public static final Key<int[]> KS = Keys.cutoffs("ks", Group.TRAINING, T.ks(), "cut-offs reported");
    public static final Key<String> NEGATIVES = Keys.choice("negatives", Group.TRAINING, "POOL", "all", List.of("all", "train-items"),
            "negatives uniform over all items, or over items seen in training (MMRec's protocol)");
    public static final Key<Integer> EVAL_EVERY = Keys.integer("eval-every", Group.TRAINING, "STEPS", null, 1,
            "also validate every STEPS training steps inside an epoch; the best validated step is kept "
                    + "(default: up to 10 times per epoch on small data, once on large)");

    public static final Key<String> DEVICE = Keys.choice("device", Group.BACKEND, "DEV", "cpu",
            List.of("cpu", "cuda", "auto", "scalar", "vector"), "kernel backend: cpu (the fastest CPU one), cuda, auto, scalar, vector");
    public static final Key<Integer> THREADS = Keys.threads("threads", Group.BACKEND, "N",
            "CPU worker threads (default: all cores; at most " + Threads.PER_CORE + " per core)");

    public static final Key<Path> OUT = Keys.path("out", Group.RUN, "DIR",
            "run folder, new or empty (default: runs/<data>-<time>)");

    public static final List<Key<?>> MODEL_KEYS = List.of(MODEL, DIM, LAYERS, LATENT, AGGREGATION, COMBINATION, FUSION, NO_ID_EMBEDDING,
            SIGNED_OUTPUT, WORD_DIM, INIT, KNN_K, ITEM_LAYERS, EDGE_DROPOUT, FEATURE_WEIGHT, KNN_WEIGHTS);
    public static final List<Key<?>> TRAINING_KEYS = List.of(EPOCHS, BATCH, LR, REG, WEIGHT_DECAY, SEED, PATIENCE, METRIC, KS, NEGATIVES,
            EVAL_EVERY);
    public static final List<Key<?>> BACKEND_KEYS = List.of(DEVICE, THREADS);

    /** Every key of {@code train}, in the order help and records list them. */
    public static final List<Key<?>> KEYS = Key.concat(DataSpec.KEYS, MODEL_KEYS, TRAINING_KEYS, BACKEND_KEYS, List.of(OUT));

    /** What a run's record holds: all of it but where the run was written. */
    public static final List<Key<?>> RECORDED = KEYS.stream().filter(k -> k != OUT).toList();

    private final Settings settings;
    private final DataSpec data;
    private final ModelConfig model;
    private final TrainConfig training;

    private TrainSettings(Settings settings) {
        this.settings = settings;
        this.data = DataSpec.of(settings);
        String kind = get(MODEL);
        for (Map.Entry<String, List<Key<?>>> e : MODEL_ONLY.entrySet()) {
            if (e.getKey().equals(kind)) continue;
            for (Key<?> k : e.getValue()) {
                // a record (config.json) lists every key with its default; only a value that changes something is refused
                if (settings.given(k) && !java.util.Objects.equals(k.toJson(get(k)), k.toJson(k.fallback()))) {
                    throw new SettingsException(settings.where(k) + " applies to --model " + e.getKey() + " only (this run trains " + kind + ")");
                }
            }
        }
        try {
            this.model = switch (kind) {
                case "lightgcn" -> new LightGcnConfig(get(DIM), layers(L.layers()),
                        LightGcnConfig.EmbeddingInit.valueOf(upper(get(INIT))));
                case "freedom" -> new FreedomConfig(get(DIM), get(KNN_K), get(ITEM_LAYERS), layers(F.uiLayers()),
                        get(EDGE_DROPOUT) == null ? F.dropout() : get(EDGE_DROPOUT), get(FEATURE_WEIGHT),
                        get(KNN_WEIGHTS) == null ? Map.of() : get(KNN_WEIGHTS));
                default -> {
                    if (get(LAYERS) != null && get(LAYERS) < 1) {
                        throw new SettingsException(settings.where(LAYERS) + " must be at least 1 for mmgcn, got " + get(LAYERS));
                    }
                    yield new MmgcnConfig(get(DIM), get(LATENT), layers(M.layers()), Aggregation.valueOf(upper(get(AGGREGATION))),
                            Combination.valueOf(upper(get(COMBINATION))), Fusion.valueOf(upper(get(FUSION))), !get(NO_ID_EMBEDDING), M.slope(),
                            get(WORD_DIM), get(SIGNED_OUTPUT));
                }
            };
            float reg = get(REG) != null ? get(REG) : model instanceof FreedomConfig ? 0f : T.regWeight();
            this.training = new TrainConfig(get(EPOCHS), get(BATCH), get(LR), reg, get(WEIGHT_DECAY), get(SEED), get(PATIENCE),
                    get(METRIC), get(KS), get(NEGATIVES).equals("all") ? NegativeSampler.Pool.ALL : NegativeSampler.Pool.TRAIN_ITEMS,
                    get(EVAL_EVERY) == null ? 0 : get(EVAL_EVERY));
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage(), e); // the keys' own checks come first; this is a backstop
        }
    }

    private int layers(int modelDefault) {
        return get(LAYERS) == null ? modelDefault : get(LAYERS);
    }

    /** Settings from layers of raw values, lowest precedence first (e.g. a config file, then the command line). */
    public static TrainSettings resolve(List<Settings.Layer> layers) {
        return new TrainSettings(Settings.resolve(KEYS, DataSpec.FAMILIES, layers));
    }

    public static TrainSettings defaults() {
        return resolve(List.of());
    }

    /** Reads a map written by {@link #toMap()} (or a config file's content) back. */
    public static TrainSettings fromMap(Map<String, ?> map, Source source) {
        return resolve(List.of(new Settings.Layer(source, map)));
    }

    /** These settings with more values on top: a sweep's trial, a replay with a changed seed. */
    public TrainSettings with(Settings.Layer overrides) {
        return new TrainSettings(settings.with(overrides));
    }

    /**
     * Settings whose value the run derives from the machine it runs on, not from the data or the model: a
     * record keeps the value used, and a replay or resume of a record in which it was a default resolves it
     * again on its own machine. They change no number of a run on the CPU, so {@code compare} leaves them out.
     */
    public static final List<Key<?>> MACHINE = List.of(THREADS);

    /**
     * These settings with every value that was left to a default decided as this run decides it: the model's
     * own {@code layers}, {@code reg} and (FREEDOM) {@code edge-dropout}, the {@code eval-every} the trainer
     * chose from the data (null: not known yet, left as it is) and the {@code threads} the backend uses. Each
     * such value keeps a source that says it was a default ({@link Source#RESOLVED}), so {@link #defaulted()}
     * still lists it. A record written from the result replays the run whatever later versions default to.
     */
    public TrainSettings resolved(Integer evalEvery, int threads) {
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        int layers = switch (model) {
            case MmgcnConfig c -> c.layers();
            case LightGcnConfig c -> c.layers();
            case FreedomConfig c -> c.uiLayers();
        };
        if (get(LAYERS) == null) v.put(LAYERS.name(), layers);
        if (get(REG) == null) v.put(REG.name(), training.regWeight());
        if (model instanceof FreedomConfig f && get(EDGE_DROPOUT) == null) v.put(EDGE_DROPOUT.name(), f.dropout());
        if (get(EVAL_EVERY) == null && evalEvery != null) v.put(EVAL_EVERY.name(), evalEvery);
        if (get(THREADS) == null) v.put(THREADS.name(), threads);
        return v.isEmpty() ? this : with(new Settings.Layer(Source.RESOLVED, v));
    }

    /** The recorded settings whose value is a default (given nowhere, or resolved by {@link #resolved}), in record order. */
    public List<String> defaulted() {
        List<String> out = new ArrayList<>();
        for (Key<?> k : RECORDED) {
            Source s = settings.source(k);
            if (s == Source.DEFAULT || s == Source.RESOLVED) out.add(k.name());
        }
        return out;
    }

    /** Every recorded setting, default or not, as JSON values; {@link #fromMap} reads it back to equal settings. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = settings.toMap(RECORDED);
        if (data.isSynthetic()) { // the generated data's effective preset and seed, not "unset"
            m.put(DataSpec.SYNTHETIC.name(), data.synthetic());
            m.put(DataSpec.DATA_SEED.name(), data.dataSeed());
        }
        return m;
    }

    public <T> T get(Key<T> key) {
        return settings.get(key);
    }

    public Settings settings() { return settings; }

    public DataSpec data() { return data; }

    /** The model these settings describe: an {@link MmgcnConfig}, {@link LightGcnConfig} or {@link FreedomConfig}. */
    public ModelConfig model() { return model; }

    public TrainConfig training() { return training; }

    public String device() { return get(DEVICE); }

    /** Null: all cores. */
    public Integer threads() { return get(THREADS); }

    /** Null: a new folder under runs/. */
    public Path out() { return get(OUT); }

    /** Cut-offs as evaluated: the --ks list plus the metric's K. */
    public int[] evaluatedKs() {
        return training.ks();
    }

    /** Equal when every recorded setting (as effective: the generator's preset and seed included) and the run folder are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TrainSettings t && toMap().equals(t.toMap()) && java.util.Objects.equals(out(), t.out());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "TrainSettings" + toMap();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    private static List<String> names(Enum<?>[] values) {
        List<String> out = new ArrayList<>();
        for (Enum<?> e : values) out.add(lower(e));
        return out;
    }
}
