package dev.mmgcn.runs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained XHTML page about a run or a sweep: no scripts, no fonts, no links to fetch; the
 * curves are inline SVG drawn from metrics.jsonl ({@link SvgChart}). For a run: its status, settings,
 * summary table and curves of the loss, the validation metric with the item-only check beside it,
 * per epoch. For a sweep: the leaderboard and each curve overlaid across its trials.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String forRun(RunInfo run, String generated) {
        String metric = run.validMetric();
        StringBuilder body = new StringBuilder();
        body.append("<h1>Run ").append(Html.escape(run.name())).append("</h1>\n");
        body.append("<p>").append(Html.escape(run.dir().toString())).append(" — status <b>").append(Html.escape(run.status()))
                .append("</b>, ").append(run.epochs().size()).append(" epoch line").append(run.epochs().size() == 1 ? "" : "s")
                .append(" in metrics.jsonl").append(run.bestEpoch() > 0 ? ", best epoch " + run.bestEpoch() + " by valid " + Html.escape(metric) : "")
                .append(".</p>\n");
        body.append("<h2>Curves</h2>\n<div class=\"charts\">\n");
        body.append(new SvgChart("training loss", "epoch").add(new SvgChart.Series("loss", curve(run, "loss"))).svg());
        body.append(new SvgChart("valid " + metric, "epoch")
                .add(new SvgChart.Series("model", curve(run, "valid", metric)))
                .add(new SvgChart.Series("item-only", curve(run, "item_only_valid", metric))).svg());
        body.append("</div>\n");
        body.append("<h2>Summary</h2>\n");
        if (run.summary() == null) body.append("<p>No summary.json: the run has not finished.</p>\n");
        else body.append(Html.table(summaryTable(run.summary()), "summary"));
        body.append("<h2>Settings</h2>\n").append(Html.table(settingsTable(run.settings()), "settings"));
        return page("mmgcn run " + run.name(), body.toString(), generated);
    }

    public static String forSweep(Path sweep, String generated) {
        List<Trial> trials = RunSet.trials(sweep);
        String metric = RunSet.sweepMetric(sweep);
        if (metric == null) metric = "recall@20";
        Leaderboard board = Leaderboard.of(sweep, trials, metric);
        List<RunInfo> runs = RunSet.trialDirs(sweep).stream().map(RunInfo::read).toList();
        StringBuilder body = new StringBuilder();
        body.append("<h1>Sweep ").append(Html.escape(String.valueOf(sweep.getFileName()))).append("</h1>\n");
        body.append("<p>").append(Html.escape(sweep.toString())).append(" — ").append(trials.size()).append(" trials planned, ")
                .append(runs.stream().filter(RunInfo::finished).count()).append(" finished; selected by valid ")
                .append(Html.escape(metric)).append(".</p>\n");
        body.append("<h2>Leaderboard</h2>\n<p>Best first; test metrics at each run's best validation epoch; mean ± sample std over seeds.</p>\n");
        body.append(Html.table(board.table(), "leaderboard"));
        body.append("<h2>Curves</h2>\n<div class=\"charts\">\n");
        SvgChart loss = new SvgChart("training loss", "epoch");
        SvgChart valid = new SvgChart("valid " + metric, "epoch");
        for (RunInfo r : runs) {
            loss.add(new SvgChart.Series(r.name(), curve(r, "loss")));
            valid.add(new SvgChart.Series(r.name(), curve(r, "valid", metric)));
        }
        body.append(loss.svg()).append(valid.svg()).append("</div>\n");
        if (!runs.isEmpty()) {
            Comparison c = new Comparison(runs, metric);
            body.append("<h2>Trials</h2>\n").append(Html.table(c.table(false), "trials"));
        }
        return page("mmgcn sweep " + sweep.getFileName(), body.toString(), generated);
    }

    /**
     * (position in epochs, value) for each metrics.jsonl line ({@link RunInfo#position}: a validation inside
     * an epoch lies between its epoch's ends): {@code path} is a split and a metric name. The loss is
     * drawn per epoch, from the lines that end one (the epoch's mean loss).
     */
    static List<double[]> curve(RunInfo run, String... path) {
        boolean loss = path.length == 1 && path[0].equals("loss");
        List<double[]> out = new ArrayList<>();
        for (Map<String, Object> e : run.epochs()) {
            if (loss && !RunInfo.endOfEpoch(e)) continue;
            out.add(new double[] {RunInfo.position(e), RunJson.number(e, path)});
        }
        return out;
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

    private static Table settingsTable(Map<String, Object> settings) {
        Table t = new Table(List.of("setting", "value"));
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            Object v = e.getValue();
            t.add(List.of(e.getKey(), v == null ? "-" : v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v)));
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
                + ".charts svg { margin: 0 1em 1em 0; }\n"
                + "svg .title { font-size: 14px; font-weight: bold; } svg .tick, svg .legend { font-size: 11px; } svg .axis { font-size: 12px; }\n"
                + "</style>\n</head>\n<body>\n" + body + "<p class=\"generated\">" + Html.escape(generated) + "</p>\n</body>\n</html>\n";
    }
}
