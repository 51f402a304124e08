package dev.mmgcn.runs;

import dev.mmgcn.settings.TrainSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs side by side: the settings that differ between them (those all runs share are left out, and so
 * are those of the machine: the thread count) and each run's best-epoch validation and test metrics,
 * epochs run and seconds per epoch.
 */
public final class Comparison {
    /** Settings that only say how a run used its machine ({@link TrainSettings#MACHINE}): never listed as a difference. */
    static final List<String> MACHINE = TrainSettings.MACHINE.stream().map(dev.mmgcn.settings.Key::name).toList();
    private final List<RunInfo> runs;
    private final List<String> differing;
    private final String metric;

    public Comparison(List<RunInfo> runs, String metric) {
        this.runs = List.copyOf(runs);
        this.metric = metric != null ? metric : runs.isEmpty() ? "recall@20" : runs.getFirst().validMetric();
        Set<String> keys = new LinkedHashSet<>();
        for (RunInfo r : runs) keys.addAll(r.settings().keySet());
        List<String> diff = new ArrayList<>();
        for (String k : keys) {
            if (MACHINE.contains(k)) continue; // the machine's, not the experiment's: no number depends on it
            Object first = runs.getFirst().settings().get(k);
            for (RunInfo r : runs) {
                if (!Objects.equals(first, r.settings().get(k))) {
                    diff.add(k);
                    break;
                }
            }
        }
        this.differing = List.copyOf(diff);
    }

    /** The settings whose values are not the same in every run. */
    public List<String> differing() {
        return differing;
    }

    public String metric() {
        return metric;
    }

    /**
     * The table: a row per run (its differing settings, valid and test metric, the companion test metric, its
     * item-only check, best epoch, epochs run, s/epoch), then a row per popularity baseline of the runs' data.
     */
    public Table table(boolean fullPrecision) {
        String partner = Leaderboard.partner(metric);
        List<String> header = new ArrayList<>(List.of("run", "status"));
        header.addAll(differing);
        header.addAll(List.of("valid " + metric, "test " + metric, "test " + partner, "item-only valid", "best epoch", "epochs run", "s/epoch"));
        Table t = new Table(header);
        for (RunInfo r : runs) {
            List<String> row = new ArrayList<>(List.of(label(r), r.status()));
            for (String k : differing) row.add(cell(r.settings().get(k)));
            row.add(number(r.metric("valid", metric), fullPrecision, 4));
            row.add(number(r.metric("test", metric), fullPrecision, 4));
            row.add(number(r.metric("test", partner), fullPrecision, 4));
            row.add(number(r.itemOnly(metric), fullPrecision, 4));
            row.add(r.bestEpoch() < 0 ? "-" : Integer.toString(r.bestEpoch()));
            row.add(Integer.toString(r.epochsRun()));
            row.add(number(r.secondsPerEpoch(), fullPrecision, 2));
            t.add(row);
        }
        for (Baseline b : Baseline.of(runs)) {
            List<String> row = new ArrayList<>(List.of(b.label(), "baseline"));
            for (String k : differing) row.add("-");
            row.addAll(List.of(number(b.valid(metric), fullPrecision, 4), number(b.test(metric), fullPrecision, 4),
                    number(b.test(partner), fullPrecision, 4), "-", "-", "-", "-"));
            t.add(row);
        }
        return t;
    }

    /** The finished runs that are not above their data's popularity ranking, or their own item-only check, on valid. */
    public List<String> notes() {
        List<String> belowPopularity = new ArrayList<>(), belowItemOnly = new ArrayList<>();
        int finished = 0;
        for (RunInfo r : runs) {
            if (!r.finished()) continue;
            finished++;
            double v = r.metric("valid", metric), pop = r.popularity("valid", metric), io = r.itemOnly(metric);
            if (Double.isFinite(pop) && !(v > pop)) belowPopularity.add(label(r));
            if (Double.isFinite(io) && !(v > io)) belowItemOnly.add(label(r));
        }
        return Baseline.notes(metric, belowPopularity, belowItemOnly, finished, finished == 1 ? "run" : "runs");
    }

    /**
     * One object per run: its folder, status, differing settings, every valid and test metric, the item-only
     * check and the popularity ranking's metrics, the warnings its summary records, epochs and timing.
     */
    public List<Map<String, Object>> json() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunInfo r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", r.dir().toString());
            m.put("status", r.status());
            Map<String, Object> s = new LinkedHashMap<>();
            for (String k : differing) s.put(k, r.settings().get(k));
            m.put("settings", s);
            m.put("valid_metric", r.validMetric());
            m.put("valid", r.summary() == null ? null : r.summary().get("valid"));
            m.put("test", r.summary() == null ? null : r.summary().get("test"));
            m.put("item_only_valid", r.summary() == null ? null : r.summary().get("item_only_valid"));
            m.put("popularity_valid", r.summary() == null ? null : r.summary().get("popularity_valid"));
            m.put("popularity_test", r.summary() == null ? null : r.summary().get("popularity_test"));
            m.put("warnings", r.warnings());
            m.put("best_epoch", r.bestEpoch() < 0 ? null : r.bestEpoch());
            m.put("epochs_run", r.epochsRun());
            m.put("seconds_per_epoch", Double.isFinite(r.secondsPerEpoch()) ? r.secondsPerEpoch() : null);
            out.add(m);
        }
        return out;
    }

    private static String label(RunInfo r) {
        java.nio.file.Path parent = r.dir().getParent();
        return parent != null && RunSet.isSweep(parent) ? parent.getFileName() + "/" + r.name() : r.name();
    }

    private static String cell(Object v) {
        if (v == null) return "-";
        if (v instanceof List<?> l) return String.join(",", l.stream().map(String::valueOf).toList());
        return String.valueOf(v);
    }

    private static String number(double v, boolean full, int digits) {
        if (!Double.isFinite(v)) return "-";
        return full ? Double.toString(v) : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

}
