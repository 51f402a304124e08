package dev.mmgcn.runs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Run folders written by hand, with known numbers: what the readers of this package are checked against. */
final class FakeRuns {
    private FakeRuns() {
    }

    /** A finished run: config.json with {@code settings}, summary.json with these best-epoch metrics, no metrics.jsonl. */
    static Path finished(Path dir, Map<String, Object> settings, double validRecall, double testRecall, double testNdcg,
                         int epochs, double secondsPerEpoch) throws Exception {
        Files.createDirectories(dir);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("mmgcn_engine", "test");
        config.put("status", "finished");
        config.put("settings", settings);
        Files.writeString(dir.resolve("config.json"), RunJson.pretty(config));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("best_epoch", epochs - 1);
        s.put("valid_metric", "recall@20");
        s.put("epochs_run", epochs);
        s.put("valid", Map.of("recall@20", validRecall, "ndcg@20", validRecall / 2));
        s.put("test", Map.of("recall@20", testRecall, "ndcg@20", testNdcg));
        s.put("mean_train_seconds", secondsPerEpoch);
        Files.writeString(dir.resolve("summary.json"), RunJson.pretty(s));
        return dir;
    }

    /** Adds to a finished run's summary.json the popularity ranking's valid/test recall@20, the item-only check and warnings. */
    static void baselines(Path dir, double popValid, double popTest, double itemOnly, String... warnings) throws Exception {
        Map<String, Object> s = new LinkedHashMap<>(RunJson.readObject(dir.resolve("summary.json")));
        s.put("popularity_valid", Map.of("recall@20", popValid, "ndcg@20", popValid / 2));
        s.put("popularity_test", Map.of("recall@20", popTest, "ndcg@20", popTest / 2));
        s.put("item_only_valid", Map.of("recall@20", itemOnly, "ndcg@20", itemOnly / 2));
        s.put("warnings", List.of(warnings));
        Files.writeString(dir.resolve("summary.json"), RunJson.pretty(s));
    }

    /** A run killed before it finished: config.json says running, no summary. */
    static Path unfinished(Path dir, Map<String, Object> settings) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), RunJson.pretty(Map.of("status", "running", "settings", settings)));
        return dir;
    }

    /** metrics.jsonl with these per-epoch losses, valid recall@20 and item-only recall@20 (null for a missing value). */
    static void metrics(Path dir, double[] loss, Double[] valid, Double[] itemOnly) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int e = 0; e < loss.length; e++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e + 1);
            m.put("loss", loss[e]);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("recall@20", valid[e]);
            m.put("valid", valid[e] == null ? null : v);
            m.put("item_only_valid", itemOnly[e] == null ? null : Map.of("recall@20", itemOnly[e]));
            lines.add(RunJson.line(m));
        }
        Files.writeString(dir.resolve("metrics.jsonl"), String.join("\n", lines) + "\n");
    }

    static Map<String, Object> settings(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("synthetic", "tiny");
        m.put("epochs", 30);
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
