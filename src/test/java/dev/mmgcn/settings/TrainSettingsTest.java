package dev.mmgcn.settings;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.train.NegativeSampler;
import dev.mmgcn.train.TrainConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Resolving train settings from layers: precedence, sources in messages, every key's bad values, and the map round trip. */
class TrainSettingsTest {
    private static final Source FILE = Source.file(Path.of("run.yaml"));

    private static Settings.Layer cli(Object... kv) {
        return new Settings.Layer(Source.COMMAND_LINE, map(kv));
    }

    private static Settings.Layer file(Object... kv) {
        return new Settings.Layer(FILE, map(kv));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) m.put((String) kv[k], kv[k + 1]);
        return m;
    }

    private static String error(Settings.Layer... layers) {
        return assertThrows(SettingsException.class, () -> TrainSettings.resolve(List.of(layers))).getMessage();
    }

    @Test
    void defaultsAreTheEngineDefaults() {
        TrainSettings d = TrainSettings.defaults();
        assertEquals(MmgcnConfig.defaults(), d.model());
        TrainConfig t = TrainConfig.defaults();
        assertEquals(t.epochs(), d.training().epochs());
        assertEquals(t.learningRate(), d.training().learningRate());
        assertArrayEquals(t.ks(), d.training().ks());
        assertEquals("recall@20", d.training().validMetric());
        assertTrue(d.data().isSynthetic());
        assertEquals("default", d.data().synthetic());
        assertEquals(7, d.data().dataSeed());
        assertNull(d.threads());
        assertEquals("cpu", d.device());
    }

    @Test
    void theCommandLineOverridesTheFileAndEachValueKnowsItsSource() {
        TrainSettings s = TrainSettings.resolve(List.of(file("epochs", 50, "lr", 0.003, "aggregation", "max"), cli("epochs", "2")));
        assertEquals(2, s.training().epochs());
        assertEquals(0.003f, s.training().learningRate());
        assertEquals(Aggregation.MAX, ((dev.mmgcn.model.MmgcnConfig) s.model()).aggregation());
        assertEquals(Source.COMMAND_LINE, s.settings().source(TrainSettings.EPOCHS));
        assertEquals(FILE, s.settings().source(TrainSettings.LR));
        assertEquals(Source.DEFAULT, s.settings().source(TrainSettings.BATCH));
    }

    @Test
    void messagesNameTheFlagOrTheFileKey() {
        assertEquals("--epochs must be at least 1, got 0", error(cli("epochs", "0")));
        assertEquals("run.yaml: epochs must be at least 1, got 0", error(file("epochs", 0)));
        assertEquals("--epochs expects an integer, got 'zero'", error(cli("epochs", "zero")));
        assertEquals("run.yaml: epochs expects an integer, got 2.5", error(file("epochs", 2.5)));
        assertEquals("run.yaml: epochs expects a single value, got 1,2", error(file("epochs", List.of(1, 2))));
    }

    @Test
    void everyKeyRefusesItsBadValues() {
        Object[][] cases = {
                {"metric", "recall@0", "--metric needs K of at least 1, got 'recall@0'"},
                {"metric", "recall", "--metric expects METRIC@K such as recall@20, got 'recall'"},
                {"metric", "auc@10", "--metric expects one of precision, recall, ndcg, map, hit before the @, got 'auc@10'"},
                {"metric", "recall@x", "--metric expects an integer K after the @, got 'recall@x'"},
                {"ks", "0,10", "--ks needs cut-offs of at least 1, got 0 in '0,10'"},
                {"ks", "10,x", "--ks expects comma-separated integers, got '10,x'"},
                {"ks", "10,,20", "--ks has an empty entry in '10,,20'"},
                {"lr", "0", "--lr must be positive, got 0"},
                {"lr", "-1e-3", "--lr must be positive, got -1e-3"},
                {"lr", "NaN", "--lr expects a finite number, got 'NaN'"},
                {"lr", "fast", "--lr expects a number, got 'fast'"},
                {"reg", "-0.1", "--reg must be ≥ 0, got -0.1"},
                {"weight-decay", "-1", "--weight-decay must be ≥ 0, got -1"},
                {"batch", "0", "--batch must be at least 1, got 0"},
                {"dim", "0", "--dim must be at least 1, got 0"},
                {"layers", "-1", "--layers must be at least 0, got -1"},
                {"layers", "0", "--layers must be at least 1 for mmgcn, got 0"}, // LightGCN and FREEDOM take 0
                {"model", "bert", "--model expects one of [mmgcn, lightgcn, freedom], got 'bert'"},
                {"edge-dropout", "1", "--edge-dropout must be in [0, 1), got 1"},
                {"knn-weights", "visual", "--knn-weights expects NAME=WEIGHT,…, got 'visual'"},
                {"knn-weights", "visual=-1", "--knn-weights needs a weight ≥ 0 for 'visual', got -1.0"},
                {"eval-every", "0", "--eval-every must be at least 1, got 0"},
                {"init", "zeros", "--init expects one of [xavier, normal], got 'zeros'"},
                {"latent", "-4", "--latent must be at least 1, got -4"},
                {"patience", "-1", "--patience must be at least 0, got -1"},
                {"threads", "0", "--threads must be at least 1, got 0"},
                {"epochs", "99999999999", "--epochs is too large: 99999999999"},
                {"seed", "1.5", "--seed expects an integer, got '1.5'"},
                {"aggregation", "median", "--aggregation expects one of [mean, max, sum], got 'median'"},
                {"combination", "add", "--combination expects one of [concat, element], got 'add'"},
                {"fusion", "max", "--fusion expects one of [mean, sum], got 'max'"},
                {"negatives", "some", "--negatives expects one of [all, train-items], got 'some'"},
                {"device", "tpu", "--device expects one of [cpu, cuda, auto, scalar, vector], got 'tpu'"},
                {"synthetic", "huge", "--synthetic expects one of [default, tiny, movielens, tiktok, kwai], got 'huge'"},
                {"no-id-embedding", "maybe", "--no-id-embedding expects true or false, got 'maybe'"},
                {"modality", List.of("visual"), "--modality expects NAME=FILE, got 'visual'"},
                {"modality", List.of("v=a.npy", "v=b.npy"), "--modality gives modality 'v' twice"},
                {"modalities", "visual,visual", "--modalities lists 'visual' twice"},
                {"item-offset", "-1", "--item-offset must be at least 0, got -1"},
                {"name", " ", "--name is empty"},
        };
        for (Object[] c : cases) {
            Object value = c[1];
            Settings.Layer layer = cli((String) c[0], value);
            String message = c[0].equals("modality") || c[0].equals("item-offset") || c[0].equals("name")
                    ? error(layer, cli("data", "/tmp")) : error(layer);
            assertEquals(c[2], message, "for --" + c[0] + " " + value);
        }
    }

    @Test
    void keysMayBeSpelledWithDashesUnderscoresOrCamelCase() {
        for (String k : List.of("weight-decay", "weight_decay", "weightDecay", "WEIGHTDECAY")) {
            assertEquals(0.25f, TrainSettings.resolve(List.of(file(k, 0.25))).training().weightDecay(), k);
        }
        assertEquals("run.yaml: 'weight_decay' and 'weightDecay' are the same setting, given twice",
                error(file("weight_decay", 0.1, "weightDecay", 0.2)));
        assertEquals("run.yaml: unknown setting 'epohcs' (did you mean 'epochs'?); settings are named like the train options "
                + "without dashes, e.g. epochs, lr, weight-decay", error(file("epohcs", 3)));
    }

    @Test
    void aDataFolderAndTheGeneratorExcludeEachOtherWithinALayerButALaterLayerChooses() {
        assertTrue(error(cli("data", "/d", "synthetic", "tiny")).startsWith("--data and --synthetic cannot be combined: "));
        assertTrue(error(file("data", "/d", "data-seed", 3)).startsWith("run.yaml: data and data-seed cannot be combined"));
        TrainSettings s = TrainSettings.resolve(List.of(file("synthetic", "tiny", "data-seed", 3), cli("data", "/d")));
        assertEquals(Path.of("/d"), s.data().folder());
        assertNull(s.get(DataSpec.SYNTHETIC), "the command line's --data replaces the file's synthetic preset");
        TrainSettings back = TrainSettings.resolve(List.of(file("data", "/d", "format", "mmgcn"), cli("synthetic", "tiny")));
        assertTrue(back.data().isSynthetic());
        assertNull(back.data().format());
        assertEquals("--format describes a --data folder, but no --data is given", error(cli("format", "mmgcn")));
        assertEquals("--item-offset applies to --format mmgcn only (MMRec ids start at 0 for users and items)",
                error(cli("data", "/d", "format", "mmrec", "item-offset", "3")));
    }

    @Test
    void yamlShapesOfListsAndMapsAreAccepted() {
        TrainSettings s = TrainSettings.resolve(List.of(file("data", "/d", "modality", Map.of("visual", "image_feat.npy"),
                "modalities", List.of("visual"), "ks", List.of(50, 10), "no-id-embedding", true, "lr", "1e-3")));
        assertEquals(Map.of("visual", "image_feat.npy"), s.data().modalityFiles());
        assertEquals(List.of("visual"), s.data().modalities());
        assertArrayEquals(new int[] {10, 20, 50}, s.training().ks(), "sorted, with the metric's K added");
        assertFalse(((dev.mmgcn.model.MmgcnConfig) s.model()).idEmbedding());
        assertEquals(1e-3f, s.training().learningRate());
        TrainSettings flags = TrainSettings.resolve(List.of(cli("modality", List.of("visual=a.npy", "acoustic=b.npy"), "data", "/d")));
        assertEquals(List.of("visual", "acoustic"), List.copyOf(flags.data().modalityFiles().keySet()), "in the order given");
    }

    @Test
    void everySettingRoundTripsThroughItsMapAndJsonText() throws Exception {
        TrainSettings s = TrainSettings.resolve(List.of(file("data", "/data/tiktok", "format", "mmrec", "name", "tiktok",
                "modality", List.of("visual=image_feat.npy", "acoustic=audio_feat.npy"), "modalities", "visual,acoustic",
                "dim", 128, "latent", 100, "layers", 3, "aggregation", "max", "combination", "element", "fusion", "sum",
                "no-id-embedding", true, "epochs", 7, "batch", 1000, "lr", 0.0031, "reg", 0.125, "weight-decay", 1e-5,
                "seed", -9, "patience", 0, "metric", "ndcg@15", "ks", "5,15,40", "negatives", "train-items",
                "device", "scalar", "threads", 3)));
        Map<String, Object> m = s.toMap();
        assertEquals(TrainSettings.RECORDED.size(), m.size(), "every recorded key is in the map");
        TrainSettings back = TrainSettings.fromMap(m, Source.of("a map"));
        assertEquals(s, back);
        assertEquals(m, back.toMap());
        JsonMapper json = JsonMapper.builder().build();
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = json.readValue(json.writeValueAsString(m), Map.class);
        TrainSettings fromJson = TrainSettings.fromMap(parsed, Source.of("json"));
        assertEquals(s, fromJson);
        assertEquals(0.0031f, fromJson.training().learningRate());
        assertEquals(1e-5f, fromJson.training().weightDecay());
        assertEquals(NegativeSampler.Pool.TRAIN_ITEMS, fromJson.training().negatives());
        assertEquals(-9L, fromJson.training().seed());
        assertEquals(Integer.valueOf(3), fromJson.threads());
        // the defaults round-trip too, including the generator's effective preset and seed
        TrainSettings d = TrainSettings.defaults();
        assertEquals("default", d.toMap().get("synthetic"));
        assertEquals(7L, d.toMap().get("data-seed"));
        assertEquals(d, TrainSettings.fromMap(d.toMap(), Source.of("x")));
    }

    @Test
    void withAddsALayerOnTop() {
        TrainSettings base = TrainSettings.resolve(List.of(file("lr", 0.01, "seed", 1)));
        TrainSettings trial = base.with(new Settings.Layer(Source.of("grid"), map("seed", 2, "dim", 32)));
        assertEquals(2, trial.training().seed());
        assertEquals(32, trial.model().embeddingDim());
        assertEquals(0.01f, trial.training().learningRate());
        assertEquals(1, base.training().seed(), "the base is unchanged");
        assertEquals("dim (grid) must be at least 1, got 0",
                assertThrows(SettingsException.class, () -> base.with(new Settings.Layer(Source.of("grid"), map("dim", 0)))).getMessage());
    }
}
