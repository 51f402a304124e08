package dev.mmgcn.runs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A sweep's leaderboard: one row per configuration (the trials that differ only in their seed), sorted
 * by the mean validation metric, best first, with the test metrics of the same runs beside it (each run's
 * test metrics are those at its best validation epoch); mean ± sample standard deviation over seeds.
 * Configurations with no finished trial come last, with their status. Beside them: each configuration's
 * item-only check, and the popularity ranking of the data as rows of its own ({@link Baseline}), with
 * {@link #notes()} naming the configurations that do not beat either.
 */
public final class Leaderboard {
    /** One configuration's finished runs and how many trials it has. */
    public record Row(String group, int planned, List<RunInfo> finished, List<String> unfinished) {
        Stats stats(ToDoubleFunction<RunInfo> f) {
            return Stats.of(finished.stream().map(f::applyAsDouble).toList());
        }
    }

    private final String metric;
    private final List<Row> rows;

    private Leaderboard(String metric, List<Row> rows) {
        this.metric = metric;
        this.rows = rows;
    }

    public List<Row> rows() {
        return rows;
    }

    /** Reads every trial's folder under {@code sweep} (finished or not) and ranks the configurations. */
    public static Leaderboard of(Path sweep, List<Trial> trials, String metric) {
        Map<String, List<Trial>> groups = new LinkedHashMap<>();
        for (Trial t : trials) groups.computeIfAbsent(t.group(), g -> new ArrayList<>()).add(t);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Trial>> g : groups.entrySet()) {
            List<RunInfo> done = new ArrayList<>();
            List<String> notDone = new ArrayList<>();
            for (Trial t : g.getValue()) {
                Path dir = t.dir(sweep);
                if (RunInfo.isFinished(dir)) done.add(RunInfo.read(dir));
                else notDone.add(t.name() + " " + (RunInfo.isRun(dir) ? RunInfo.read(dir).status() : "not run"));
            }
            rows.add(new Row(g.getKey(), g.getValue().size(), done, notDone));
        }
        Comparator<Row> byValid = Comparator.comparingDouble(r -> {
            double m = r.stats(x -> x.metric("valid", metric)).mean();
            return Double.isFinite(m) ? -m : Double.POSITIVE_INFINITY;
        });
        rows.sort(byValid);
        return new Leaderboard(metric, List.copyOf(rows));
    }

    /** The popularity rankings of the data the finished trials trained on: rows beside the configurations. */
    public List<Baseline> baselines() {
        return Baseline.of(rows.stream().flatMap(r -> r.finished().stream()).toList());
    }

    /**
     * The printed table: rank, configuration, runs finished / planned, valid and test metric, a second test
     * metric, the item-only check (valid), epochs, s/epoch; then a row per popularity baseline (rank "base").
     */
    public Table table() {
        String partner = partner(metric);
        Table t = new Table(List.of("rank", "configuration", "runs", "valid " + metric, "test " + metric, "test " + partner,
                "item-only valid", "epochs", "improving", "s/epoch"));
        int rank = 0;
        for (Row r : rows) {
            boolean any = !r.finished().isEmpty();
            t.add(List.of(any ? Integer.toString(++rank) : "-", r.group(), r.finished().size() + "/" + r.planned(),
                    r.stats(x -> x.metric("valid", metric)).text(4), r.stats(x -> x.metric("test", metric)).text(4),
                    r.stats(x -> x.metric("test", partner)).text(4), r.stats(x -> x.itemOnly(metric)).text(4),
                    any ? String.format(Locale.ROOT, "%.1f", r.stats(RunInfo::epochsRun).mean()) : "-",
                    any ? r.finished().stream().filter(RunInfo::stillImproving).count() + "/" + r.finished().size() : "-",
                    any ? String.format(Locale.ROOT, "%.2f", r.stats(RunInfo::secondsPerEpoch).mean()) : "-"));
        }
        for (Baseline b : baselines()) {
            t.add(List.of("base", b.label(), "-", cell(b.valid(metric)), cell(b.test(metric)), cell(b.test(partner)), "-", "-", "-", "-"));
        }
        return t;
    }

    /**
     * What a reader of the table must not miss: configurations whose mean valid metric is not above the
     * popularity ranking of their data, or not above their own item-only check.
     */
    public List<String> notes() {
        List<String> belowPopularity = new ArrayList<>(), belowItemOnly = new ArrayList<>();
        int groups = 0;
        for (Row r : rows) {
            if (r.finished().isEmpty()) continue;
            groups++;
            double valid = r.stats(x -> x.metric("valid", metric)).mean();
            double pop = r.finished().getFirst().popularity("valid", metric);
            double itemOnly = r.stats(x -> x.itemOnly(metric)).mean();
            if (Double.isFinite(pop) && !(valid > pop)) belowPopularity.add(r.group());
            if (Double.isFinite(itemOnly) && !(valid > itemOnly)) belowItemOnly.add(r.group());
        }
        List<String> notes = new ArrayList<>(Baseline.notes(metric, belowPopularity, belowItemOnly, groups,
                groups == 1 ? "configuration" : "configurations"));
        List<String> improving = new ArrayList<>();
        for (Row r : rows) {
            long n = r.finished().stream().filter(RunInfo::stillImproving).count();
            if (n > 0) improving.add(r.group() + " (" + n + " of " + r.finished().size() + " runs)");
        }
        if (!improving.isEmpty()) {
            notes.add("still improving at the epoch budget, so not converged: " + String.join(", ", improving) + "; raise epochs");
        }
        return notes;
    }

    /**
     * leaderboard.tsv: full precision, mean and std of the valid metric, of every test metric and of the
     * item-only check, per configuration, and the popularity ranking of its data on valid and on every test
     * metric with {@code below} saying which of the two it does not beat; then one row per popularity
     * baseline (rank {@code baseline}), its numbers in the valid and test columns.
     */
    public String tsv() {
        Set<String> testNames = new LinkedHashSet<>();
        for (Row r : rows) for (RunInfo x : r.finished()) {
            Map<String, Object> test = RunJson.at(x.summary(), "test");
            if (test != null) testNames.addAll(test.keySet());
        }
        List<String> header = new ArrayList<>(List.of("rank", "configuration", "runs_finished", "runs_planned",
                "valid_" + metric + "_mean", "valid_" + metric + "_std"));
        for (String n : testNames) {
            header.add("test_" + n + "_mean");
            header.add("test_" + n + "_std");
        }
        header.addAll(List.of("item_only_valid_" + metric + "_mean", "item_only_valid_" + metric + "_std", "popularity_valid_" + metric));
        for (String n : testNames) header.add("popularity_test_" + n);
        header.addAll(List.of("below", "still_improving", "epochs_mean", "best_epoch_mean", "seconds_per_epoch_mean", "runs", "unfinished"));
        Table t = new Table(header);
        int rank = 0;
        for (Row r : rows) {
            boolean any = !r.finished().isEmpty();
            List<String> row = new ArrayList<>(List.of(any ? Integer.toString(++rank) : "", r.group(),
                    Integer.toString(r.finished().size()), Integer.toString(r.planned())));
            Stats v = r.stats(x -> x.metric("valid", metric));
            row.add(Stats.full(v.mean()));
            row.add(Stats.full(v.std()));
            for (String n : testNames) {
                Stats s = r.stats(x -> x.metric("test", n));
                row.add(Stats.full(s.mean()));
                row.add(Stats.full(s.std()));
            }
            Stats io = r.stats(x -> x.itemOnly(metric));
            row.add(Stats.full(io.mean()));
            row.add(Stats.full(io.std()));
            RunInfo first = any ? r.finished().getFirst() : null;
            double pop = any ? first.popularity("valid", metric) : Double.NaN;
            row.add(Stats.full(pop));
            for (String n : testNames) row.add(Stats.full(any ? first.popularity("test", n) : Double.NaN));
            List<String> below = new ArrayList<>();
            if (Double.isFinite(pop) && !(v.mean() > pop)) below.add("popularity");
            if (Double.isFinite(io.mean()) && !(v.mean() > io.mean())) below.add("item-only");
            row.add(String.join(",", below));
            row.add(Long.toString(r.finished().stream().filter(RunInfo::stillImproving).count()));
            row.add(Stats.full(r.stats(RunInfo::epochsRun).mean()));
            row.add(Stats.full(r.stats(RunInfo::bestEpoch).mean()));
            row.add(Stats.full(r.stats(RunInfo::secondsPerEpoch).mean()));
            row.add(String.join(",", r.finished().stream().map(RunInfo::name).toList()));
            row.add(String.join(",", r.unfinished()));
            t.add(row);
        }
        for (Baseline b : baselines()) {
            List<String> row = new ArrayList<>(List.of("baseline", b.label(), "", "", Stats.full(b.valid(metric)), ""));
            for (String n : testNames) {
                row.add(Stats.full(b.test(n)));
                row.add("");
            }
            while (row.size() < header.size()) row.add("");
            t.add(row);
        }
        return t.tsv();
    }

    private static String cell(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }

    /** recall@K's companion is ndcg@K; any other metric's is recall@K. */
    static String partner(String metric) {
        String[] p = metric.split("@");
        return (p[0].equals("recall") ? "ndcg" : "recall") + "@" + p[1];
    }
}
