package dev.mmgcn.cli;

import dev.mmgcn.runs.RunJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** sweep, compare and report on one real (tiny) sweep: 2 learning rates × 2 seeds, one epoch each. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepCommandTest {
    Path dir;
    Path sweep;
    Path base;
    Path grid;
    CliTest.Outcome first;

    static final List<String> TRIALS = List.of("lr=0.01_seed=1", "lr=0.01_seed=2", "lr=0.001_seed=1", "lr=0.001_seed=2");

    @BeforeAll
    void runSweep(@TempDir Path tmp) throws Exception {
        dir = tmp;
        base = dir.resolve("base.yaml");
        Files.writeString(base, "epochs: 1\ndim: 8\nbatch: 1024\neval-every: 2\n"); // validations inside the epoch: curves with bands
        grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "synthetic: tiny\nlr: [0.01, 0.001]\nseed: [1, 2]\n");
        sweep = dir.resolve("sweep");
        first = run("sweep", "--config", base.toString(), "--grid", grid.toString(), "--out", sweep.toString());
    }

    private Map<String, Object> json(Path f) throws Exception {
        return RunJson.readObject(f);
    }

    @Test
    void everyTrialIsARunFolderAndTheLeaderboardRanksByValidation() throws Exception {
        assertEquals(0, first.code(), first.err());
        Map<String, Object> plan = json(sweep.resolve("sweep.json"));
        assertEquals("recall@20", plan.get("metric"));
        List<?> trials = (List<?>) plan.get("trials");
        assertEquals(TRIALS, trials.stream().map(t -> ((Map<?, ?>) t).get("name")).toList());
        // each trial's own record says what it trained with
        Map<String, double[]> validByGroup = new LinkedHashMap<>();
        for (String t : TRIALS) {
            Path d = sweep.resolve(t);
            for (String f : List.of("config.json", "train.log", "metrics.jsonl", "best.ckpt", "summary.json")) assertTrue(Files.exists(d.resolve(f)), d + "/" + f);
            Map<String, Object> settings = RunJson.at(json(d.resolve("config.json")), "settings");
            assertEquals(Double.parseDouble(t.split("[=_]")[1]), ((Number) settings.get("lr")).doubleValue(), 1e-9);
            assertEquals(Integer.parseInt(t.substring(t.length() - 1)), ((Number) settings.get("seed")).intValue());
            assertEquals(1, ((Number) settings.get("epochs")).intValue(), "from --config");
            assertEquals("tiny", settings.get("synthetic"), "held fixed by the grid");
            double v = RunJson.number(json(d.resolve("summary.json")), "valid", "recall@20");
            String group = t.substring(0, t.indexOf("_seed"));
            double[] acc = validByGroup.computeIfAbsent(group, g -> new double[2]);
            acc[0] += v / 2;
        }
        List<String> expectedOrder = validByGroup.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0])).map(Map.Entry::getKey).toList();

        List<String> lines = Files.readAllLines(sweep.resolve("leaderboard.tsv"));
        List<String> header = Arrays.asList(lines.getFirst().split("\t", -1));
        assertEquals(4, lines.size(), "two configurations and the popularity baseline: " + String.join("\n", lines));
        // the baseline row and each configuration's baselines are the numbers the trials' summaries record
        Map<String, Object> s0 = json(sweep.resolve(TRIALS.getFirst()).resolve("summary.json"));
        String[] base = lines.get(3).split("\t", -1);
        assertEquals("baseline", base[0]);
        assertEquals("popularity", base[header.indexOf("configuration")]);
        assertEquals(RunJson.number(s0, "popularity_valid", "recall@20"), Double.parseDouble(base[header.indexOf("valid_recall@20_mean")]), 0.0);
        assertEquals(RunJson.number(s0, "popularity_test", "ndcg@20"), Double.parseDouble(base[header.indexOf("test_ndcg@20_mean")]), 0.0);
        for (String l : lines.subList(1, 3)) {
            String[] c = l.split("\t", -1);
            String group = c[header.indexOf("configuration")];
            double io = 0, valid = Double.parseDouble(c[header.indexOf("valid_recall@20_mean")]);
            for (String t : TRIALS) if (t.startsWith(group + "_")) io += RunJson.number(json(sweep.resolve(t).resolve("summary.json")), "item_only_valid", "recall@20") / 2;
            assertEquals(io, Double.parseDouble(c[header.indexOf("item_only_valid_recall@20_mean")]), 1e-12);
            double pop = RunJson.number(s0, "popularity_valid", "recall@20");
            List<String> below = new ArrayList<>();
            if (!(valid > pop)) below.add("popularity");
            if (!(valid > io)) below.add("item-only");
            assertEquals(String.join(",", below), c[header.indexOf("below")]);
            assertEquals(!below.isEmpty(), first.out().lines().anyMatch(w -> w.startsWith("warning: ") && w.contains(group + ",") || w.endsWith(group)),
                    "the console names it too: " + first.out());
        }
        List<String> order = new ArrayList<>();
        for (String l : lines.subList(1, 3)) {
            String[] c = l.split("\t", -1);
            order.add(c[header.indexOf("configuration")]);
            assertEquals("2", c[header.indexOf("runs_finished")]);
            assertEquals(validByGroup.get(c[header.indexOf("configuration")])[0], Double.parseDouble(c[header.indexOf("valid_recall@20_mean")]), 1e-12);
        }
        assertEquals(expectedOrder, order);
        assertTrue(first.out().contains("leaderboard (valid recall@20"), first.out());
        assertTrue(first.out().matches("(?s).*\n1 +" + java.util.regex.Pattern.quote(expectedOrder.getFirst()) + " +2/2 .*"), first.out());
    }

    @Test
    void aRerunSkipsFinishedTrialsAndRunsUnfinishedOnesAgain() throws Exception {
        assertEquals(0, first.code(), first.err());
        Map<String, String> ids = new LinkedHashMap<>();
        for (String t : TRIALS) ids.put(t, (String) json(sweep.resolve(t).resolve("config.json")).get("run_id"));
        Path stopped = sweep.resolve(TRIALS.get(2)), early = sweep.resolve(TRIALS.get(3));
        Map<String, Object> stoppedBefore = json(stopped.resolve("summary.json")), earlyBefore = json(early.resolve("summary.json"));
        Files.delete(stopped.resolve("summary.json")); // as a kill after the last epoch leaves it: last.ckpt is there
        Files.delete(early.resolve("summary.json")); // as a kill in the first epoch leaves it: no last.ckpt
        Files.delete(early.resolve("last.ckpt"));

        CliTest.Outcome again = run("sweep", "--config", base.toString(), "--grid", grid.toString(), "--out", sweep.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("(continuing: finished trials are skipped)"), again.out());
        for (String t : TRIALS.subList(0, 2)) {
            assertTrue(again.out().contains(t + ": finished earlier, skipped"), again.out());
            assertEquals(ids.get(t), json(sweep.resolve(t).resolve("config.json")).get("run_id"), t + " was not run again");
        }
        assertTrue(again.out().contains("trial 3/4  " + TRIALS.get(2) + ": unfinished earlier, run again (from its last.ckpt when it has one)\n"
                + "         continuing from epoch 1"), again.out());
        assertEquals(ids.get(TRIALS.get(2)), json(stopped.resolve("config.json")).get("run_id"), "continued: the same run");
        assertTrue(again.out().contains("trial 4/4  " + TRIALS.get(3) + ": unfinished earlier"), again.out());
        assertNotEquals(ids.get(TRIALS.get(3)), json(early.resolve("config.json")).get("run_id"), "started again: a new run");
        assertEquals(stoppedBefore.get("valid"), json(stopped.resolve("summary.json")).get("valid"), "same seed, same numbers");
        assertEquals(earlyBefore.get("test"), json(early.resolve("summary.json")).get("test"), "same seed, same numbers");
        assertEquals(4, Files.readAllLines(sweep.resolve("leaderboard.tsv")).size(), "two configurations and the popularity baseline");
    }

    @Test
    void aQuietSweepPrintsOnlyItsOwnLinesAndTheTrialsKeepTheirLogs() throws Exception {
        Path quiet = dir.resolve("quiet");
        CliTest.Outcome q = run("sweep", "--config", base.toString(), "--grid", "synthetic=tiny", "--grid", "lr=0.01,0.001", "--out", quiet.toString(), "--quiet");
        assertEquals(0, q.code(), q.err());
        assertFalse(q.out().contains("valid recall@20 ndcg@20 item-only"), "no trial's epoch table: " + q.out());
        assertTrue(q.out().contains("trial 1/2  lr=0.01: valid recall@20 "), q.out());
        assertTrue(q.out().contains("leaderboard (valid recall@20"), q.out());
        assertTrue(Files.readString(quiet.resolve("lr=0.01").resolve("train.log")).contains("valid recall@20 ndcg@20 item-only"), "the log has it");
        assertTrue(first.out().contains("valid recall@20 ndcg@20 item-only"), "without --quiet the trials print their tables");
    }

    @Test
    void badSweepsStopBeforeAnyWork() throws Exception {
        Path out = dir.resolve("never");
        CliTest.Outcome o = run("sweep", "--synthetic", "tiny", "--grid", "lrr=0.1,0.2", "--out", out.toString());
        assertError(o, 2, "--grid: unknown setting 'lrr' in the grid; valid settings: data, format, name");
        assertTrue(o.err().contains("lr, reg, weight-decay"), o.err());
        Path g = dir.resolve("bad.yaml");
        Files.writeString(g, "dim: [8, 0]\n");
        assertError(run("sweep", "--synthetic", "tiny", "--grid", g.toString(), "--out", out.toString()), 2, g + ": dim must be at least 1, got 0");
        assertError(run("sweep", "--synthetic", "tiny", "--out", out.toString()), 2, "--grid");
        assertError(run("sweep", "--grid", dir.resolve("none.yaml").toString()), 2, "--grid: " + dir.resolve("none.yaml") + " does not exist");
        assertError(run("sweep", "--data", dir.resolve("nodata").toString(), "--grid", "lr=0.1,0.2", "--out", out.toString()), 2, "nodata");
        assertFalse(Files.exists(out), "nothing created");

        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        assertError(run("sweep", "--synthetic", "tiny", "--grid", "lr=0.1,0.2", "--out", other.toString()), 2,
                "is not empty and holds no sweep.json");
        assertError(run("sweep", "--config", base.toString(), "--grid", grid.toString(), "--grid", "dim=4,8", "--out", sweep.toString()), 2,
                "holds a different sweep");
    }

    @Test
    void compareListsTheDifferingSettingsAndMetrics() throws Exception {
        assertEquals(0, first.code(), first.err());
        CliTest.Outcome c = run("compare", sweep.toString(), "--format", "tsv");
        assertEquals(0, c.code(), c.err());
        List<String> lines = c.out().lines().toList();
        assertEquals(6, lines.size(), "4 trials and the popularity ranking: " + c.out());
        List<String> header = Arrays.asList(lines.getFirst().split("\t"));
        assertEquals(List.of("run", "status", "lr", "seed", "valid recall@20", "test recall@20", "test ndcg@20", "item-only valid", "best epoch",
                "epochs run", "s/epoch"), header);
        String[] pop = lines.get(5).split("\t");
        Map<String, Object> s0 = json(sweep.resolve(TRIALS.getFirst()).resolve("summary.json"));
        assertEquals(List.of("popularity", "baseline"), List.of(pop[0], pop[1]));
        assertEquals(RunJson.number(s0, "popularity_valid", "recall@20"), Double.parseDouble(pop[4]), 0);
        assertEquals(RunJson.number(s0, "popularity_test", "recall@20"), Double.parseDouble(pop[5]), 0);
        for (int i = 0; i < TRIALS.size(); i++) {
            String[] cells = lines.get(i + 1).split("\t");
            assertEquals("sweep/" + TRIALS.get(i), cells[0]);
            Map<String, Object> s = json(sweep.resolve(TRIALS.get(i)).resolve("summary.json"));
            assertEquals(RunJson.number(s, "test", "recall@20"), Double.parseDouble(cells[5]), 0);
            assertEquals(RunJson.number(s, "item_only_valid", "recall@20"), Double.parseDouble(cells[7]), 0);
        }
        CliTest.Outcome j = run("compare", sweep.resolve(TRIALS.get(0)).toString(), sweep.resolve(TRIALS.get(3)).toString(), "--format", "json");
        assertEquals(0, j.code(), j.err());
        assertTrue(j.out().contains("\"lr\" : 0.01") && j.out().contains("\"seed\" : 2"), j.out());
        assertError(run("compare", dir.resolve("missing").toString()), 2, dir.resolve("missing") + " does not exist");
        assertError(run("compare", dir.toString()), 2, "is neither a run folder");
        assertError(run("compare", sweep.toString(), "--format", "xml"), 2, "--format expects one of text, tsv, md, json");
        assertError(run("compare", sweep.toString(), "--metric", "recal@20"), 2, "--metric expects one of");
        assertError(run("compare"), 2, "RUN");
    }

    @Test
    void reportWritesOnePageAndRefusesToReplaceAFile() throws Exception {
        assertEquals(0, first.code(), first.err());
        CliTest.Outcome r = run("report", sweep.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(sweep.resolve("report.html"));
        var doc = dev.mmgcn.runs.HtmlReportTest.parse(html);
        assertEquals(2, doc.getElementsByTagName("svg").getLength());
        assertEquals(5, doc.getElementsByTagName("polyline").getLength(), "2 configurations (mean of 2 seeds) on 2 charts, and the popularity line");
        assertEquals(2, doc.getElementsByTagName("polygon").getLength(),
                "each configuration's ± std band on the validation chart (the loss of a 1-epoch run is one point, without a band)");
        for (String f : List.of("report-loss.svg", "report-valid.svg")) {
            var svg = dev.mmgcn.runs.HtmlReportTest.parse(Files.readString(sweep.resolve(f))).getDocumentElement();
            assertEquals("svg", svg.getTagName(), f + " is a figure of its own");
        }
        var valid = dev.mmgcn.runs.HtmlReportTest.chart(doc, "valid recall@20");
        double pop = RunJson.number(json(sweep.resolve(TRIALS.getFirst()).resolve("summary.json")), "popularity_valid", "recall@20");
        for (double[] p : dev.mmgcn.runs.HtmlReportTest.values(valid, "popularity")) assertEquals(pop, p[1], 1e-4);

        Path page = dir.resolve("one.html");
        Path trial = sweep.resolve(TRIALS.get(1));
        assertEquals(0, run("report", trial.toString(), "--out", page.toString()).code());
        var one = dev.mmgcn.runs.HtmlReportTest.parse(Files.readString(page));
        List<Map<String, Object>> ends = RunJson.readLines(trial.resolve("metrics.jsonl")).stream()
                .filter(m -> Boolean.TRUE.equals(m.get("end_of_epoch"))).toList();
        var loss = dev.mmgcn.runs.HtmlReportTest.values(dev.mmgcn.runs.HtmlReportTest.chart(one, "training loss"), "loss");
        assertEquals(ends.size(), loss.size(), "one loss point per epoch");
        assertEquals(RunJson.number(ends.getFirst(), "loss"), loss.getFirst()[1], 1e-3);

        Files.writeString(page, "mine");
        assertError(run("report", trial.toString(), "--out", page.toString()), 2, "--out: " + page + " exists; pass --overwrite");
        assertEquals("mine", Files.readString(page));
        assertEquals(0, run("report", trial.toString(), "--out", page.toString(), "--overwrite").code());
        assertError(run("report", dir.resolve("x").toString()), 2, dir.resolve("x") + " does not exist");
    }
}
