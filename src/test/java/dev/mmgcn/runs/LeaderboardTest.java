package dev.mmgcn.runs;

import dev.mmgcn.settings.TrainSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The leaderboard and the comparison table against numbers worked out by hand from hand-written run folders. */
class LeaderboardTest {
    @TempDir
    Path dir;

    private SweepPlan plan() {
        return SweepPlan.of(TrainSettings.defaults(), Grid.inline("lr=0.1,0.2,0.3").and(Grid.inline("seed=1,2")));
    }

    @Test
    void groupsSeedsRanksByMeanValidAndKeepsTestBesideIt() throws Exception {
        SweepPlan p = plan();
        // lr=0.1: valid 0.30, 0.34 -> mean 0.32, sample std sqrt(((−0.02)² + 0.02²)/1) = 0.028284271…
        FakeRuns.finished(dir.resolve("lr=0.1_seed=1"), FakeRuns.settings("lr", 0.1, "seed", 1), 0.30, 0.20, 0.10, 5, 1.0);
        FakeRuns.finished(dir.resolve("lr=0.1_seed=2"), FakeRuns.settings("lr", 0.1, "seed", 2), 0.34, 0.26, 0.12, 7, 3.0);
        // lr=0.2: one seed finished (0.40), the other killed
        FakeRuns.finished(dir.resolve("lr=0.2_seed=1"), FakeRuns.settings("lr", 0.2, "seed", 1), 0.40, 0.11, 0.05, 4, 2.0);
        FakeRuns.unfinished(dir.resolve("lr=0.2_seed=2"), FakeRuns.settings("lr", 0.2, "seed", 2));
        // lr=0.3: nothing run

        Leaderboard board = Leaderboard.of(dir, p.trials(), "recall@20");
        assertEquals(List.of("lr=0.2", "lr=0.1", "lr=0.3"), board.rows().stream().map(Leaderboard.Row::group).toList());
        String text = board.table().text();
        List<String> lines = text.lines().toList();
        assertEquals(4, lines.size(), text);
        assertTrue(lines.get(0).startsWith("rank  configuration  runs  valid recall@20  test recall@20   test ndcg@20"), text);
        assertTrue(lines.get(1).matches("1 +lr=0\\.2 +1/2 +0\\.4000 +0\\.1100 +0\\.0500 +- +4\\.0 +0/1 +2\\.00"), lines.get(1));
        assertTrue(lines.get(2).matches("2 +lr=0\\.1 +2/2 +0\\.3200 ± 0\\.0283 +0\\.2300 ± 0\\.0424 +0\\.1100 ± 0\\.0141 +- +6\\.0 +0/2 +2\\.00"), lines.get(2));
        assertTrue(lines.get(3).matches("- +lr=0\\.3 +0/2 +- +- +- +- +- +- +-"), lines.get(3));

        List<String[]> tsv = text(board.tsv());
        List<String> header = Arrays.asList(tsv.getFirst());
        String[] lr01 = tsv.get(2);
        assertEquals("lr=0.1", lr01[header.indexOf("configuration")]);
        assertEquals(0.32, Double.parseDouble(lr01[header.indexOf("valid_recall@20_mean")]), 1e-12);
        assertEquals(Math.sqrt(0.0008), Double.parseDouble(lr01[header.indexOf("valid_recall@20_std")]), 1e-12);
        assertEquals(0.23, Double.parseDouble(lr01[header.indexOf("test_recall@20_mean")]), 1e-12);
        assertEquals(Math.sqrt(0.0018), Double.parseDouble(lr01[header.indexOf("test_recall@20_std")]), 1e-12);
        assertEquals(0.11, Double.parseDouble(lr01[header.indexOf("test_ndcg@20_mean")]), 1e-12);
        assertEquals(6.0, Double.parseDouble(lr01[header.indexOf("epochs_mean")]), 1e-12);
        assertEquals("lr=0.1_seed=1,lr=0.1_seed=2", lr01[header.indexOf("runs")]);
        String[] lr02 = tsv.get(1);
        assertEquals("", lr02[header.indexOf("valid_recall@20_std")], "one run: no std");
        assertEquals("lr=0.2_seed=2 running", lr02[header.indexOf("unfinished")]);
        assertEquals("lr=0.3_seed=1 not run,lr=0.3_seed=2 not run", tsv.get(3)[header.indexOf("unfinished")]);
    }

    @Test
    void aDamagedSummaryCountsAsUnfinished() throws Exception {
        SweepPlan p = plan();
        Path d = FakeRuns.finished(dir.resolve("lr=0.1_seed=1"), FakeRuns.settings(), 0.3, 0.2, 0.1, 5, 1.0);
        String whole = Files.readString(d.resolve("summary.json"));
        Files.writeString(d.resolve("summary.json"), whole.substring(0, whole.length() / 2));
        assertFalse(RunInfo.isFinished(d));
        assertEquals(0, Leaderboard.of(dir, p.trials(), "recall@20").rows().getFirst().finished().size());
    }

    @Test
    void comparisonShowsOnlyTheSettingsThatDiffer() throws Exception {
        Path a = FakeRuns.finished(dir.resolve("a"), FakeRuns.settings("lr", 0.001, "dim", 64, "ks", List.of(10, 20)), 0.3, 0.2, 0.1, 5, 1.5);
        Path b = FakeRuns.finished(dir.resolve("b"), FakeRuns.settings("lr", 0.003, "dim", 64, "ks", List.of(10, 20)), 0.35, 0.25, 0.12, 6, 2.5);
        Path c = FakeRuns.unfinished(dir.resolve("c"), FakeRuns.settings("lr", 0.003, "dim", 128, "ks", List.of(10, 20)));
        Comparison cmp = new Comparison(RunSet.expand(List.of(a, b, c)), null);
        assertEquals(List.of("lr", "dim"), cmp.differing());
        List<String[]> rows = text(cmp.table(true).tsv());
        assertEquals(List.of("run", "status", "lr", "dim", "valid recall@20", "test recall@20", "test ndcg@20", "item-only valid", "best epoch",
                "epochs run", "s/epoch"), Arrays.asList(rows.getFirst()));
        assertEquals(List.of("a", "finished", "0.001", "64", "0.3", "0.2", "0.1", "-", "4", "5", "1.5"), Arrays.asList(rows.get(1)));
        assertEquals(List.of("c", "running", "0.003", "128", "-", "-", "-", "-", "-", "0", "-"), Arrays.asList(rows.get(3)));
        List<Map<String, Object>> json = cmp.json();
        assertEquals(Map.of("lr", 0.003, "dim", 64), json.get(1).get("settings"));
        assertEquals(0.25, RunJson.number(json.get(1), "test", "recall@20"));
        String md = cmp.table(false).markdown();
        assertTrue(md.startsWith("| run | status | lr | dim | valid recall@20 |"), md);
        assertTrue(md.contains("| b | finished | 0.003 | 64 | 0.3500 | 0.2500 | 0.1200 | - | 5 | 6 | 2.50 |"), md);
    }

    /** The sweep: trials below the popularity ranking, and one below its own item-only check, are shown beside it and named. */
    @Test
    void baselinesStandBesideTheConfigurationsAndThoseBelowThemAreNamed() throws Exception {
        SweepPlan p = plan();
        double[][] runs = {{0.30, 0.26}, {0.34, 0.20}, {0.40, 0.42}}; // valid, item-only per trial of lr=0.1 (2 seeds) and lr=0.2
        String[] names = {"lr=0.1_seed=1", "lr=0.1_seed=2", "lr=0.2_seed=1"};
        for (int t = 0; t < 3; t++) {
            Path d = FakeRuns.finished(dir.resolve(names[t]), FakeRuns.settings("lr", t < 2 ? 0.1 : 0.2), runs[t][0], 0.2, 0.1, 5, 1.0);
            FakeRuns.baselines(d, 0.35, 0.31, runs[t][1]);
        }
        Leaderboard board = Leaderboard.of(dir, p.trials(), "recall@20");
        List<String[]> tsv = text(board.tsv());
        List<String> header = Arrays.asList(tsv.getFirst());
        String[] lr01 = tsv.get(2), lr02 = tsv.get(1), base = tsv.getLast();
        assertEquals("lr=0.1", lr01[header.indexOf("configuration")]);
        assertEquals(0.23, Double.parseDouble(lr01[header.indexOf("item_only_valid_recall@20_mean")]), 1e-12);
        assertEquals(0.35, Double.parseDouble(lr01[header.indexOf("popularity_valid_recall@20")]), 0);
        assertEquals(0.31, Double.parseDouble(lr01[header.indexOf("popularity_test_recall@20")]), 0);
        assertEquals("popularity", lr01[header.indexOf("below")], "mean 0.32 is below popularity's 0.35, above its item-only 0.23");
        assertEquals("item-only", lr02[header.indexOf("below")], "0.40 beats popularity but not its item-only 0.42");
        assertEquals(List.of("baseline", "popularity"), List.of(base[0], base[1]));
        assertEquals(0.35, Double.parseDouble(base[header.indexOf("valid_recall@20_mean")]), 0);
        assertEquals(0.155, Double.parseDouble(base[header.indexOf("test_ndcg@20_mean")]), 0);
        assertEquals(List.of("1 of 2 configurations is not above the popularity ranking on valid recall@20: lr=0.1",
                "1 of 2 configurations is not above its own item-only check on valid recall@20 (a learned item ranking, not preferences): lr=0.2"),
                board.notes());
        String text = board.table().text();
        assertTrue(text.lines().anyMatch(l -> l.matches("base +popularity +- +0\\.3500 +0\\.3100 +0\\.1550 +- +- +- +-")), text);

        Comparison cmp = new Comparison(RunSet.expand(List.of(dir.resolve(names[0]), dir.resolve(names[2]))), null);
        List<String[]> rows = text(cmp.table(true).tsv());
        assertEquals(List.of("popularity", "baseline", "-", "0.35", "0.31", "0.155"), Arrays.asList(rows.getLast()).subList(0, 6), "lr is - for it");
        assertEquals("0.26", rows.get(1)[Arrays.asList(rows.getFirst()).indexOf("item-only valid")]);
        assertEquals(2, cmp.notes().size(), cmp.notes().toString());
    }

    @Test
    void foldersThatAreNotRunsAreNamed() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        var e = assertThrows(dev.mmgcn.settings.SettingsException.class, () -> RunSet.expand(List.of(empty)));
        assertEquals(empty + " is neither a run folder (no config.json) nor a sweep folder (no sweep.json)", e.getMessage());
        e = assertThrows(dev.mmgcn.settings.SettingsException.class, () -> RunSet.expand(List.of(dir.resolve("nope"))));
        assertEquals(dir.resolve("nope") + " does not exist", e.getMessage());
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve("config.json"), "{\"settings\": ");
        var d = assertThrows(dev.mmgcn.data.DataException.class, () -> RunSet.expand(List.of(bad)));
        assertTrue(d.getMessage().startsWith(bad.resolve("config.json") + ": not valid JSON"), d.getMessage());
    }

    static List<String[]> text(String tsv) {
        return tsv.lines().map(l -> l.split("\t", -1)).toList();
    }

    @Test
    void runsStillImprovingAtTheirBudgetAreCountedAndNamed() throws Exception {
        SweepPlan p = plan();
        Path a = FakeRuns.finished(dir.resolve("lr=0.1_seed=1"), FakeRuns.settings("lr", 0.1, "seed", 1), 0.30, 0.20, 0.10, 5, 1.0);
        FakeRuns.finished(dir.resolve("lr=0.1_seed=2"), FakeRuns.settings("lr", 0.1, "seed", 2), 0.32, 0.21, 0.10, 5, 1.0);
        FakeRuns.finished(dir.resolve("lr=0.2_seed=1"), FakeRuns.settings("lr", 0.2, "seed", 1), 0.20, 0.10, 0.05, 5, 1.0);
        Map<String, Object> s = new java.util.LinkedHashMap<>(RunJson.readObject(a.resolve("summary.json")));
        s.put("still_improving", true);
        java.nio.file.Files.writeString(a.resolve("summary.json"), RunJson.pretty(s));
        Leaderboard board = Leaderboard.of(dir, p.trials(), "recall@20");
        List<String> tsv = board.tsv().lines().toList();
        List<String> header = List.of(tsv.get(0).split("\t", -1));
        int col = header.indexOf("still_improving");
        assertTrue(col > 0, tsv.get(0));
        assertEquals("1", tsv.get(1).split("\t", -1)[col], "lr=0.1: one of its two runs");
        assertEquals("0", tsv.get(2).split("\t", -1)[col]);
        assertTrue(board.notes().stream().anyMatch(n -> n.startsWith("still improving at the epoch budget") && n.contains("lr=0.1 (1 of 2 runs)")
                && !n.contains("lr=0.2")), board.notes().toString());
        assertTrue(board.table().text().contains("1/2"), board.table().text());
    }
}
