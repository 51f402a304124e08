package dev.mmgcn.settings;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.MmgcnConfig.Fusion;
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
    private static final TrainConfig T = TrainConfig.defaults();

    public static final Key<Integer> DIM = Keys.integer("dim", Group.MODEL, "N", M.embeddingDim(), 1,
            "embedding and layer width");
    public static final Key<Integer> LATENT = Keys.integer("latent", Group.MODEL, "N", M.latentDim(), 1,
            "features wider than N are projected to N first");
    public static final Key<Integer> LAYERS = Keys.integer("layers", Group.MODEL, "N", M.layers(), 1,
            "graph-convolution layers per modality");
    public static final Key<String> AGGREGATION = Keys.choice("aggregation", Group.MODEL, "AGG", lower(M.aggregation()),
            names(Aggregation.values()), "neighbour aggregation: mean | max | sum");
    public static final Key<String> COMBINATION = Keys.choice("combination", Group.MODEL, "COMB", lower(M.combination()),
            names(Combination.values()), "how a layer combines neighbours and self: concat | element");
    public static final Key<String> FUSION = Keys.choice("fusion", Group.MODEL, "FUSE", lower(M.fusion()),
            names(Fusion.values()), "modality fusion: mean | sum");
    public static final Key<Boolean> NO_ID_EMBEDDING = Keys.flag("no-id-embedding", Group.MODEL,
            "leave out the learned id embedding");

    public static final Key<Integer> EPOCHS = Keys.integer("epochs", Group.TRAINING, "N", T.epochs(), 1, "maximum epochs");
    public static final Key<Integer> BATCH = Keys.integer("batch", Group.TRAINING, "N", T.batchSize(), 1,
            "BPR (user, positive, negative) triples per step");
    public static final Key<Float> LR = Keys.number("lr", Group.TRAINING, "X", T.learningRate(), true, "Adam learning rate");
    public static final Key<Float> REG = Keys.number("reg", Group.TRAINING, "X", T.regWeight(), false,
            "L2 weight on the batch's embeddings");
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

    public static final Key<String> DEVICE = Keys.choice("device", Group.BACKEND, "DEV", "cpu",
            List.of("cpu", "cuda", "auto", "scalar", "vector"), "kernel backend: cpu (the fastest CPU one), cuda, auto, scalar, vector");
    public static final Key<Integer> THREADS = Keys.integer("threads", Group.BACKEND, "N", null, 1,
            "CPU worker threads (default: all cores)");

    public static final Key<Path> OUT = Keys.path("out", Group.RUN, "DIR",
            "run folder, new or empty (default: runs/<data>-<time>)");

    public static final List<Key<?>> MODEL_KEYS = List.of(DIM, LATENT, LAYERS, AGGREGATION, COMBINATION, FUSION, NO_ID_EMBEDDING);
    public static final List<Key<?>> TRAINING_KEYS = List.of(EPOCHS, BATCH, LR, REG, WEIGHT_DECAY, SEED, PATIENCE, METRIC, KS, NEGATIVES);
    public static final List<Key<?>> BACKEND_KEYS = List.of(DEVICE, THREADS);

    /** Every key of {@code train}, in the order help and records list them. */
    public static final List<Key<?>> KEYS = concat(DataSpec.KEYS, MODEL_KEYS, TRAINING_KEYS, BACKEND_KEYS, List.of(OUT));

    /** What a run's record holds: all of it but where the run was written. */
    public static final List<Key<?>> RECORDED = KEYS.stream().filter(k -> k != OUT).toList();

    private final Settings settings;
    private final DataSpec data;
    private final MmgcnConfig model;
    private final TrainConfig training;

    private TrainSettings(Settings settings) {
        this.settings = settings;
        this.data = DataSpec.of(settings);
        try {
            this.model = new MmgcnConfig(get(DIM), get(LATENT), get(LAYERS), Aggregation.valueOf(upper(get(AGGREGATION))),
                    Combination.valueOf(upper(get(COMBINATION))), Fusion.valueOf(upper(get(FUSION))), !get(NO_ID_EMBEDDING), M.slope());
            this.training = new TrainConfig(get(EPOCHS), get(BATCH), get(LR), get(REG), get(WEIGHT_DECAY), get(SEED), get(PATIENCE),
                    get(METRIC), get(KS), get(NEGATIVES).equals("all") ? NegativeSampler.Pool.ALL : NegativeSampler.Pool.TRAIN_ITEMS);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage(), e); // the keys' own checks come first; this is a backstop
        }
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

    public MmgcnConfig model() { return model; }

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

    @SafeVarargs
    private static List<Key<?>> concat(List<Key<?>>... lists) {
        List<Key<?>> out = new ArrayList<>();
        for (List<Key<?>> l : lists) out.addAll(l);
        return List.copyOf(out);
    }
}
