package dev.mmgcn.runs;

import dev.mmgcn.data.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a run folder holds, read back: its config.json (settings, status), summary.json when the run
 * finished, and the metrics.jsonl lines written so far.
 *
 * @param summary null while the run has not finished (or was killed)
 */
public record RunInfo(Path dir, Map<String, Object> config, Map<String, Object> summary, List<Map<String, Object>> epochs) {
    public static final String CONFIG = "config.json";
    public static final String SUMMARY = "summary.json";
    public static final String METRICS = "metrics.jsonl";

    /** True for a folder with a config.json: a run folder, finished or not. */
    public static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    /** A finished run: a complete summary.json (it is written last, atomically, so one that parses is complete). */
    public static boolean isFinished(Path dir) {
        try {
            Map<String, Object> s = RunJson.readObject(dir.resolve(SUMMARY));
            return s != null && s.get("best_epoch") instanceof Number;
        } catch (IOException | DataException e) {
            return false;
        }
    }

    public static RunInfo read(Path dir) {
        try {
            Map<String, Object> config = RunJson.readObject(dir.resolve(CONFIG));
            if (config == null) throw new DataException(dir + " is not a run folder: it has no " + CONFIG);
            Map<String, Object> summary;
            try {
                summary = RunJson.readObject(dir.resolve(SUMMARY));
            } catch (DataException damaged) {
                summary = null; // written last and atomically: a damaged one is not a finished run's
            }
            return new RunInfo(dir, config, summary, RunJson.readLines(dir.resolve(METRICS)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public boolean finished() {
        return summary != null && summary.get("best_epoch") instanceof Number;
    }

    /** The recorded settings (config.json's {@code settings}). */
    public Map<String, Object> settings() {
        Map<String, Object> s = RunJson.at(config, "settings");
        return s == null ? Map.of() : s;
    }

    /**
     * running, finished, failed, diverged; "damaged" for a run whose summary.json is not a finished run's (e.g.
     * {@code []}) although config.json or the file's presence says it finished.
     */
    public String status() {
        Object s = config.get("status");
        if (finished()) return "finished";
        // config.json says finished, or a summary.json is there, but it is not a finished run's summary: not finished
        if ("finished".equals(s) || Files.exists(dir.resolve(SUMMARY))) return "damaged";
        return s == null ? "unknown" : String.valueOf(s);
    }

    /** The metric the run selected by, e.g. recall@20. */
    public String validMetric() {
        Object m = summary != null ? summary.get("valid_metric") : null;
        if (m == null) m = settings().get("metric");
        return m == null ? "recall@20" : String.valueOf(m);
    }

    /** The best epoch's metric in a split ("valid" or "test"); NaN when not known. */
    public double metric(String split, String metric) {
        return summary == null ? Double.NaN : RunJson.number(summary, split, metric);
    }

    /** The popularity ranking's metric on a split ("valid" or "test") of the run's data, from summary.json; NaN when not known. */
    public double popularity(String split, String metric) {
        return summary == null ? Double.NaN : RunJson.number(summary, "popularity_" + split, metric);
    }

    /** The item-only check at the best step (every user scored as the mean user), from summary.json; NaN when not known. */
    public double itemOnly(String metric) {
        return summary == null ? Double.NaN : RunJson.number(summary, "item_only_valid", metric);
    }

    /** The warnings summary.json records (the model below its item-only check or the popularity ranking). */
    public List<String> warnings() {
        Object w = summary == null ? null : summary.get("warnings");
        return w instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** What the run trained on, for grouping runs that share a popularity baseline: the data's digest, else its location or preset. */
    public String data() {
        Object digest = RunJson.at(config, "data", "digest");
        if (digest != null) return String.valueOf(digest);
        Object where = settings().get("data");
        return where != null ? String.valueOf(where) : "synthetic " + settings().get("synthetic") + " " + settings().get("data-seed");
    }

    /** The data's name for a label: the dataset's name, else the folder or preset. */
    public String dataName() {
        Object name = RunJson.at(config, "data", "dataset");
        if (name != null) return String.valueOf(name);
        Object where = settings().get("data");
        return where != null ? java.nio.file.Path.of(String.valueOf(where)).getFileName().toString() : String.valueOf(settings().get("synthetic"));
    }

    public double secondsPerEpoch() {
        if (summary != null) return RunJson.number(summary, "mean_train_seconds");
        return epochs.stream().mapToDouble(e -> RunJson.number(e, "train_seconds")).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    public int epochsRun() {
        if (summary != null && summary.get("epochs_run") instanceof Number n) return n.intValue();
        return (int) epochs.stream().filter(RunInfo::endOfEpoch).count();
    }

    /** Whether the run ended at its budget while still improving (summary.json's {@code still_improving}). */
    public boolean stillImproving() {
        return summary != null && Boolean.TRUE.equals(summary.get("still_improving"));
    }

    public int bestEpoch() {
        return summary != null && summary.get("best_epoch") instanceof Number n ? n.intValue() : -1;
    }

    /** A metrics line that closes its epoch: marked so (one line per validation), or any line of a record without the mark (one line per epoch). */
    public static boolean endOfEpoch(Map<String, Object> line) {
        Object e = line.get("end_of_epoch");
        return e == null || Boolean.TRUE.equals(e);
    }

    /** Where a metrics line lies in training, in epochs: {@code epoch − 1 + step/steps} for a validation inside an epoch, else the epoch. */
    public static double position(Map<String, Object> line) {
        double epoch = RunJson.number(line, "epoch");
        double step = RunJson.number(line, "step"), steps = RunJson.number(line, "steps");
        return Double.isFinite(step) && Double.isFinite(steps) && steps > 0 ? epoch - 1 + step / steps : epoch;
    }

    public String name() {
        return dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
    }
}
