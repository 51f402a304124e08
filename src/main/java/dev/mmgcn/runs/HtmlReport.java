package dev.mmgcn.runs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained XHTML page about a run or a sweep: no scripts, no fonts, no links to fetch; the
 * figures are inline SVG ({@link SvgChart}) drawn from metrics.jsonl, and each is also a figure file of its
 * own beside the page ({@link Page#figures}). For a run: its status, source revision, warnings, curves of the
 * loss and of the validation metric with the item-only check and the popularity ranking beside it, the
 * summary table and the settings (defaults marked). For a sweep: the leaderboard with the popularity
 * ranking as a row and its warnings, each configuration's curves as the mean over its seeds with a ± std
 * band, and the trials' table.
 */
public final class HtmlReport {
    /**
     * The page and its figures, each keyed by the name of the SVG file written beside the page
     * ({@code <stem>-loss.svg}, {@code <stem>-valid.svg}).
     */
    public record Page(String html, Map<String, SvgChart> figures) {
    }

    private HtmlReport() {
    }

    /** The figure files' names start with {@code stem} (the page's name without .html). */
    public static Page forRun(RunInfo run, String generated, String stem) {
        String metric = run.validMetric();
        Map<String, SvgChart> figures = new LinkedHashMap<>();
        figures.put(stem + "-loss.svg", new SvgChart("training loss", "epoch", "training loss (BPR, mean per step)")
                .add(SvgChart.Series.line("loss", Curves.of(run, "loss"))));
        SvgChart valid = new SvgChart("valid " + metric, "epoch", "valid " + metric)
                .add(SvgChart.Series.line("model", Curves.of(run, "valid", metric)))
                .add(new SvgChart.Series("item-only", Curves.of(run, "item_only_valid", metric), List.of(), SvgChart.Style.DOTTED, null));
        double pop = run.popularity("valid", metric);
        if (Double.isFinite(pop)) {
            valid.add(new SvgChart.Series("popularity", Curves.level(pop, List.of(run)), List.of(), SvgChart.Style.DASHED, SvgChart.REFERENCE));
        }
        figures.put(stem + "-valid.svg", valid);

        StringBuilder body = new StringBuilder();
        body.append("<h1>Run ").append(Html.escape(run.name())).append("</h1>\n");
        body.append("<p>").append(Html.escape(run.dir().toString())).append(" — status <b>").append(Html.escape(run.status()))
                .append("</b>, ").append(run.epochs().size()).append(" validation line").append(run.epochs().size() == 1 ? "" : "s")
                .append(" in metrics.jsonl").append(run.bestEpoch() > 0 ? ", best epoch " + run.bestEpoch() + " by valid " + Html.escape(metric) : "")
                .append(".</p>\n");
        body.append(provenance(run));
        body.append(warnings(run.warnings()));
        body.append("<h2>Curves</h2>\n").append(charts(figures,
                "The validation metric at every validation (one inside an epoch at its fraction of the epoch); item-only: every user "
                        + "scored as the mean user (the model's item ranking alone); popularity: the most-interacted items for everyone."));
        body.append("<h2>Summary</h2>\n");
        if (run.summary() == null) body.append("<p>No summary.json: the run has not finished.</p>\n");
        else body.append(Html.table(summaryTable(run.summary()), "summary"));
        body.append("<h2>Settings</h2>\n<p>Every setting as the run used it; “default” marks those it was not given.</p>\n")
                .append(Html.table(settingsTable(run), "settings"));
        return new Page(page("mmgcn run " + run.name(), body.toString(), generated), figures);
    }

    public static Page forSweep(Path sweep, String generated, String stem) {
        List<Trial> trials = RunSet.trials(sweep);
        String metric = RunSet.sweepMetric(sweep);
        if (metric == null) metric = "recall@20";
        Leaderboard board = Leaderboard.of(sweep, trials, metric);
        List<RunInfo> runs = RunSet.trialDirs(sweep).stream().map(RunInfo::read).toList();
        Map<String, List<RunInfo>> groups = new LinkedHashMap<>();
        for (Trial t : trials) {
            for (RunInfo r : runs) if (r.name().equals(t.name())) groups.computeIfAbsent(t.group(), g -> new ArrayList<>()).add(r);
        }
        SvgChart loss = new SvgChart("training loss", "epoch", "training loss (BPR, mean per step)");
        SvgChart valid = new SvgChart("valid " + metric, "epoch", "valid " + metric);
        for (Map.Entry<String, List<RunInfo>> g : groups.entrySet()) {
            loss.add(Curves.grouped(g.getKey(), g.getValue(), "loss"));
            valid.add(Curves.grouped(g.getKey(), g.getValue(), "valid", metric));
        }
        for (Baseline b : board.baselines()) {
            valid.add(new SvgChart.Series(b.label(), Curves.level(b.valid(metric), runs), List.of(), SvgChart.Style.DASHED, SvgChart.REFERENCE));
        }
        Map<String, SvgChart> figures = new LinkedHashMap<>();
        figures.put(stem + "-loss.svg", loss);
        figures.put(stem + "-valid.svg", valid);

        StringBuilder body = new StringBuilder();
        body.append("<h1>Sweep ").append(Html.escape(String.valueOf(sweep.getFileName()))).append("</h1>\n");
        body.append("<p>").append(Html.escape(sweep.toString())).append(" — ").append(trials.size()).append(" trials planned, ")
                .append(runs.stream().filter(RunInfo::finished).count()).append(" finished; selected by valid ")
                .append(Html.escape(metric)).append(".</p>\n");
        if (!runs.isEmpty()) body.append(provenance(runs.getFirst()));
        body.append("<h2>Leaderboard</h2>\n<p>Best first; test metrics at each run's best validation step; mean ± sample std over seeds; "
                + "item-only: each configuration's own check (every user scored as the mean user); base: the popularity ranking of the data.</p>\n");
        body.append(Html.table(board.table(), "leaderboard"));
        body.append(warnings(board.notes()));
        body.append("<h2>Curves</h2>\n").append(charts(figures,
                "One colour per configuration: the mean over its seeds, shaded ± one sample standard deviation where two or more seeds "
                        + "validated; dashed: the popularity ranking."));
        if (!runs.isEmpty()) {
            Comparison c = new Comparison(runs, metric);
            body.append("<h2>Trials</h2>\n").append(Html.table(c.table(false), "trials"));
        }
        return new Page(page("mmgcn sweep " + sweep.getFileName(), body.toString(), generated), figures);
    }

    private static String charts(Map<String, SvgChart> figures, String caption) {
        StringBuilder sb = new StringBuilder("<div class=\"charts\">\n");
        for (Map.Entry<String, SvgChart> f : figures.entrySet()) {
            sb.append("<figure>\n").append(f.getValue().svg()).append("<figcaption>figure file: <a href=\"").append(Html.escape(f.getKey()))
                    .append("\">").append(Html.escape(f.getKey())).append("</a></figcaption>\n</figure>\n");
        }
        return sb.append("</div>\n<p class=\"caption\">").append(Html.escape(caption)).append("</p>\n").toString();
    }

    private static String warnings(List<String> warnings) {
        if (warnings.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("<div class=\"warnings\">\n");
        for (String w : warnings) sb.append("<p><b>warning:</b> ").append(Html.escape(w)).append("</p>\n");
        return sb.append("</div>\n").toString();
    }

    /** The build that made the run: its version and source revision (config.json's mmgcn_engine and source_revision). */
    private static String provenance(RunInfo run) {
        Object version = run.config().get("mmgcn_engine");
        Object commit = RunJson.at(run.config(), "source_revision", "commit");
        Object modified = RunJson.at(run.config(), "source_revision", "modified");
        String rev = commit == null ? "source revision unknown" : "source revision " + commit + (Boolean.TRUE.equals(modified) ? " (modified)" : "");
        return "<p class=\"provenance\">mmgcn-engine " + Html.escape(String.valueOf(version)) + ", " + Html.escape(rev) + ".</p>\n";
    }

    private static Table summaryTable(Map<String, Object> s) {
        Map<String, Object> valid = RunJson.at(s, "valid");
        Table t = new Table(List.of("metric", "valid", "test", "item-only valid", "popularity valid", "popularity test"));
        if (valid == null) valid = RunJson.at(s, "test");
        if (valid != null) {
            for (String m : valid.keySet()) {
                t.add(List.of(m, num(s, "valid", m), num(s, "test", m), num(s, "item_only_valid", m), num(s, "popularity_valid", m),
                        num(s, "popularity_test", m)));
            }
        }
        return t;
    }

    private static String num(Map<String, Object> s, String split, String m) {
        double v = RunJson.number(s, split, m);
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }

    private static Table settingsTable(RunInfo run) {
        List<?> defaults = run.config().get("defaults") instanceof List<?> l ? l : List.of();
        Table t = new Table(List.of("setting", "value", "source"));
        for (Map.Entry<String, Object> e : run.settings().entrySet()) {
            Object v = e.getValue();
            t.add(List.of(e.getKey(), v == null ? "-" : v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v),
                    defaults.contains(e.getKey()) ? "default" : ""));
        }
        return t;
    }

    private static String page(String title, String body, String generated) {
        return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>"
                + Html.escape(title) + "</title>\n<style>\n"
                + "body { font-family: sans-serif; margin: 2em; color: #222; }\n"
                + "table { border-collapse: collapse; margin: 0.5em 0 1.5em; }\n"
                + "th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }\n"
                + "th:first-child, td:first-child { text-align: left; }\n"
                + ".charts { display: flex; flex-wrap: wrap; gap: 1em; }\n"
                + "figure { margin: 0; } figcaption { font-size: 0.85em; color: #555; }\n"
                + ".caption, .provenance { font-size: 0.9em; color: #444; }\n"
                + ".warnings { border-left: 4px solid #D55E00; background: #fff4ec; padding: 0.2em 1em; margin: 1em 0; }\n"
                + "</style>\n</head>\n<body>\n" + body + "<p class=\"generated\">" + Html.escape(generated) + "</p>\n</body>\n</html>\n";
    }
}
