package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.settings.Source;
import dev.mmgcn.settings.TrainSettings;
import dev.mmgcn.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** What a run leaves in its folder: config.json, train.log, metrics.jsonl, best.ckpt, summary.json, all about one run. */
class TrainRecordTest {
    @TempDir
    Path dir;

    /** With validations inside each epoch (the default schedule validates data this small at epoch ends only). */
    private static final String[] TINY = {"--synthetic", "tiny", "--dim", "8", "--batch", "1024", "--eval-every", "2"};

    private CliTest.Outcome train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(TINY));
        args.addAll(List.of(more));
        args.add("--out");
        args.add(out.toString());
        return run(args.toArray(String[]::new));
    }

    private static Map<String, Object> json(Path f) throws IOException {
        return Json.read(Files.readString(f));
    }

    private static List<Map<String, Object>> lines(Path f) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) out.add(Json.read(l));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> m, String... path) {
        Object v = m;
        for (String p : path) v = ((Map<String, Object>) v).get(p);
        return (T) v;
    }

    @Test
    void everyFileDescribesTheSameRun() throws Exception {
        Path out = dir.resolve("run");
        CliTest.Outcome t = train(out, "--epochs", "2", "--seed", "11");
        assertEquals(0, t.code(), t.err());
        assertEquals(List.of(".", ".mmgcn.lock", "best.ckpt", "config.json", "last.ckpt", "metrics.jsonl", "summary.json", "train.log"), listing(out));

        Map<String, Object> config = json(out.resolve("config.json"));
        String runId = (String) config.get("run_id");
        assertEquals("finished", config.get("status"));
        assertNotNull(config.get("ended"));
        assertEquals(List.of("mmgcn-engine", "train", "--synthetic", "tiny", "--dim", "8", "--batch", "1024", "--eval-every", "2", "--epochs", "2",
                "--seed", "11", "--out", out.toString()), config.get("command_line"));
        assertEquals(Version.get(), config.get("mmgcn_engine"));
        Map<String, Object> settings = at(config, "settings");
        TrainSettings s = TrainSettings.fromMap(settings, Source.of("config.json"));
        assertEquals(2, s.training().epochs());
        assertEquals(11, s.training().seed());
        assertEquals(8, s.model().embeddingDim());
        assertEquals(TrainSettings.RECORDED.size(), settings.size(), "every setting, defaults included");
        assertEquals(Integer.valueOf(300), at(config, "data", "users"));
        assertTrue(((String) at(config, "data", "fingerprint", "train")).startsWith("4781:"), "the fingerprint's train part");
        assertEquals(Integer.valueOf(Backend.threads()), at(config, "system", "threads"));

        List<Map<String, Object>> metrics = lines(out.resolve("metrics.jsonl"));
        assertEquals(2, metrics.stream().filter(m -> Boolean.TRUE.equals(m.get("end_of_epoch"))).count(), "two epochs' ends");
        assertTrue(metrics.size() > 2, "and validations inside them (--eval-every 2)");
        for (Map<String, Object> m : metrics) assertEquals(runId, m.get("run_id"));

        Map<String, Object> summary = json(out.resolve("summary.json"));
        assertEquals(runId, summary.get("run_id"));
        assertEquals(settings, summary.get("config"));
        // evaluated and skipped users, against counts taken from the generated data itself
        try (Dataset d = SyntheticGenerator.generate(SyntheticGenerator.TINY, 7)) {
            Set<Integer> validUsers = new HashSet<>();
            for (int u : d.valid().users()) validUsers.add(u);
            assertEquals(Integer.valueOf(validUsers.size()), at(summary, "users", "valid", "evaluated"));
            assertEquals(Integer.valueOf(d.numUsers() - validUsers.size()), at(summary, "users", "valid", "skipped"));
        }
        int best = (int) summary.get("best_epoch");
        long bestStep = ((Number) summary.get("best_global_step")).longValue();
        Map<String, Object> bestLine = metrics.stream().filter(m -> ((Number) m.get("global_step")).longValue() == bestStep).findFirst().orElseThrow();
        assertEquals(best, bestLine.get("epoch"));
        assertEquals(Boolean.TRUE, bestLine.get("best"));
        double recall = at(summary, "valid", "recall@20");
        assertEquals((Double) at(bestLine, "valid", "recall@20"), recall, 0.0, "summary and metrics.jsonl hold the same double");
        assertTrue(Double.toString(recall).length() > 9 || recall * 300 == Math.rint(recall * 300), "full precision, not %.6g: " + recall);

        Checkpoint ck = Checkpoint.read(out.resolve("best.ckpt"));
        assertEquals(runId, ck.get("run.id"));
        assertEquals(Integer.toString(best), ck.get("train.best_epoch"));
        assertEquals(recall, Double.parseDouble(ck.get("valid.recall@20")), 0.0);
        Map<String, Object> fromHeader = new LinkedHashMap<>();
        for (String k : settings.keySet()) fromHeader.put(k, Json.parseValue(ck.get("settings." + k)));
        assertEquals(settings, fromHeader, "the checkpoint carries the same settings as config.json");

        String log = Files.readString(out.resolve("train.log"));
        assertTrue(log.startsWith(t.out().substring(0, t.out().indexOf('\n'))), "train.log is the console output");
        assertTrue(log.contains(t.out().lines().filter(l -> l.startsWith("recall@20")).findFirst().orElseThrow()));
        for (String f : List.of("best.ckpt", "config.json", "last.ckpt", "metrics.jsonl", "summary.json", "train.log")) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f))), f);
        }
    }

    /**
     * best.ckpt is written at the end of the epoch in which its step was found, from the parameters as they
     * were at that step: a run validated after every step whose best lies inside an epoch, its checkpoint
     * evaluated again from its parameters (`evaluate` recomputes R), gives that step's validation score —
     * not the epoch end's.
     */
    @Test
    void aBestInsideAnEpochIsTheCheckpointsParameters() throws Exception {
        Path out = dir.resolve("run");
        // a learning rate high enough that validation goes down and up inside an epoch (best: epoch 3, step 9 of 10)
        CliTest.Outcome t = run("train", "--synthetic", "tiny", "--dim", "8", "--batch", "512", "--eval-every", "1", "--epochs", "3",
                "--lr", "0.03", "--seed", "12", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        Map<String, Object> summary = json(out.resolve("summary.json"));
        long bestStep = ((Number) summary.get("best_global_step")).longValue();
        List<Map<String, Object>> metrics = lines(out.resolve("metrics.jsonl"));
        Map<String, Object> bestLine = metrics.stream().filter(m -> ((Number) m.get("global_step")).longValue() == bestStep).findFirst().orElseThrow();
        assertEquals(Boolean.FALSE, bestLine.get("end_of_epoch"), "the check needs a best inside an epoch: " + bestLine);
        Map<String, Object> epochEnd = metrics.stream().filter(m -> Boolean.TRUE.equals(m.get("end_of_epoch"))
                && m.get("epoch").equals(bestLine.get("epoch"))).findFirst().orElseThrow();
        double best = at(bestLine, "valid", "recall@20"), end = at(epochEnd, "valid", "recall@20");
        assertNotEquals(String.format(java.util.Locale.ROOT, "%.4f", best), String.format(java.util.Locale.ROOT, "%.4f", end),
                "the epoch's end must score differently for the check to tell them apart");

        CliTest.Outcome e = run("evaluate", "--checkpoint", out.resolve("best.ckpt").toString(), "--split", "valid");
        assertEquals(0, e.code(), e.err());
        String row = e.out().lines().filter(l -> l.startsWith("recall@20")).findFirst().orElseThrow();
        assertTrue(row.contains(String.format(java.util.Locale.ROOT, "%.4f", best)), "best step's valid recall@20 " + best + " in: " + row);
    }

    @Test
    void runsNeverReplaceEachOtherUnlessAskedAndThenNothingOfTheOldRunStays() throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, train(out, "--epochs", "1").code());
        Map<String, byte[]> before = new LinkedHashMap<>();
        for (String f : List.of("best.ckpt", "config.json", "metrics.jsonl", "summary.json", "train.log")) before.put(f, Files.readAllBytes(out.resolve(f)));
        assertError(train(out, "--epochs", "1"), 2, "is not empty (best.ckpt, config.json, last.ckpt, metrics.jsonl and 2 more)");
        for (Map.Entry<String, byte[]> e : before.entrySet()) assertArrayEquals(e.getValue(), Files.readAllBytes(out.resolve(e.getKey())), e.getKey());

        String first = (String) json(out.resolve("config.json")).get("run_id");
        Files.writeString(out.resolve(".best.ckpt.5eed" + AtomicFile.TEMP_SUFFIX), "left by a killed run");
        Files.writeString(out.resolve("notes.txt"), "the user's own file");
        CliTest.Outcome again = train(out, "--epochs", "1", "--overwrite");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("note: --overwrite: removed config.json, train.log, metrics.jsonl, best.ckpt, last.ckpt, summary.json"), again.err());
        String second = (String) json(out.resolve("config.json")).get("run_id");
        assertNotEquals(first, second);
        assertEquals(second, json(out.resolve("summary.json")).get("run_id"));
        assertEquals(second, Checkpoint.read(out.resolve("best.ckpt")).get("run.id"));
        for (Map<String, Object> m : lines(out.resolve("metrics.jsonl"))) assertEquals(second, m.get("run_id"));
        assertEquals(List.of(".", ".mmgcn.lock", "best.ckpt", "config.json", "last.ckpt", "metrics.jsonl", "notes.txt", "summary.json", "train.log"), listing(out),
                "the stale temporary is gone, the user's file stays");
    }

    @Test
    void defaultRunFolderNamesAreUniqueEvenWithinOneSecond() throws Exception {
        Path runs = dir.resolve("runs");
        LocalDateTime sameSecond = LocalDateTime.of(2025, 1, 2, 3, 4, 5);
        Set<Path> made = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < 8; k++) threads.add(Thread.ofPlatform().start(() -> {
            try (RunFolder f = RunFolder.createDefault(runs, "tiny", sameSecond, "test")) {
                made.add(f.dir());
            }
        }));
        for (Thread th : threads) th.join();
        assertEquals(8, made.size());
        Set<String> names = new HashSet<>();
        for (Path p : made) names.add(p.getFileName().toString());
        Set<String> expected = new HashSet<>(List.of("tiny-20250102-030405"));
        for (int k = 2; k <= 8; k++) expected.add("tiny-20250102-030405-" + k);
        assertEquals(expected, names);
    }

    @Test
    void nothingIsWrittenOutsideTheRunFolder() throws Exception {
        Path out = dir.resolve("deep/run");
        boolean runsBefore = Files.exists(Path.of("runs"));
        assertEquals(0, train(out, "--epochs", "1").code());
        assertEquals(List.of(".", "deep", "deep/run", "deep/run/.mmgcn.lock", "deep/run/best.ckpt", "deep/run/config.json", "deep/run/last.ckpt", "deep/run/metrics.jsonl",
                "deep/run/summary.json", "deep/run/train.log"), listing(dir));
        assertEquals(runsBefore, Files.exists(Path.of("runs")), "no runs/ folder in the working folder");
    }

    @Test
    void aConfigFileGivesSettingsAndTheCommandLineWins() throws Exception {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, """
                synthetic: tiny
                epochs: 3
                dim: 8
                batch: 1024
                ks: [5, 10]
                metric: ndcg@10
                """);
        Path out = dir.resolve("run");
        CliTest.Outcome t = run("train", "--config", yaml.toString(), "--epochs", "1", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("config   " + yaml), t.out());
        Map<String, Object> config = json(out.resolve("config.json"));
        assertEquals(yaml.toString(), config.get("config_file"));
        assertEquals(1, (int) at(config, "settings", "epochs"), "the command line's --epochs 1 wins over the file's 3");
        assertEquals(Integer.valueOf(8), at(config, "settings", "dim"));
        assertEquals("ndcg@10", at(config, "settings", "metric"));
        assertEquals(List.of(5, 10), at(config, "settings", "ks"));
        assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"end_of_epoch\":true")).count(),
                "one epoch's end (and its validations inside the epoch)");

        Files.writeString(yaml, "synthetic: tiny\nepochs: 0\n");
        assertError(run("train", "--config", yaml.toString(), "--out", dir.resolve("bad").toString()), 2, yaml + ": epochs must be at least 1, got 0");
        Files.writeString(yaml, "synthetic: tiny\nepohcs: 2\n");
        assertError(run("train", "--config", yaml.toString()), 2, yaml + ": unknown setting 'epohcs' (did you mean 'epochs'?)");
        assertFalse(Files.exists(dir.resolve("bad")));
    }

    @Test
    void aRunsConfigJsonReplaysItToTheSameNumbers() throws Exception {
        Path a = dir.resolve("a");
        assertEquals(0, train(a, "--epochs", "2", "--seed", "5", "--threads", "1").code());
        Path b = dir.resolve("b");
        CliTest.Outcome replay = run("train", "--config", a.resolve("config.json").toString(), "--out", b.toString());
        assertEquals(0, replay.code(), replay.err());
        assertFalse(replay.err().contains("the data differ"), replay.err());
        Object settingsA = at(json(a.resolve("config.json")), "settings");
        Object settingsB = at(json(b.resolve("config.json")), "settings");
        assertEquals(settingsA, settingsB);
        List<Map<String, Object>> ma = lines(a.resolve("metrics.jsonl")), mb = lines(b.resolve("metrics.jsonl"));
        assertEquals(ma.size(), mb.size());
        for (int e = 0; e < ma.size(); e++) {
            assertEquals(ma.get(e).get("loss"), mb.get(e).get("loss"), "epoch " + (e + 1) + " loss");
            assertEquals(ma.get(e).get("valid"), mb.get(e).get("valid"), "epoch " + (e + 1) + " valid metrics");
        }
        Checkpoint ca = Checkpoint.read(a.resolve("best.ckpt")), cb = Checkpoint.read(b.resolve("best.ckpt"));
        assertArrayEquals(ca.tensor(Checkpoint.REPRESENTATION), cb.tensor(Checkpoint.REPRESENTATION));
        // replaying with other data says what changed
        CliTest.Outcome changed = run("train", "--config", a.resolve("config.json").toString(), "--data-seed", "8",
                "--epochs", "1", "--out", dir.resolve("c").toString());
        assertEquals(0, changed.code(), changed.err());
        assertTrue(changed.err().contains("warning: the data differ from the recorded run's (" + a.resolve("config.json") + "): "
                + "the train interactions changed"), changed.err());
    }

    @Test
    void aSplitWithoutUsersIsNullNotZeroAndOneIsSingular(@TempDir Path data) throws Exception {
        assertEquals(0, run("generate", "--preset", "tiny", "--name", "noval", "--out", data.toString()).code());
        Path inter = data.resolve("noval.inter");
        List<String> kept = new ArrayList<>();
        for (String row : Files.readAllLines(inter)) if (!row.endsWith("\t1")) kept.add(row);
        Files.write(inter, kept);
        Path out = dir.resolve("run");
        CliTest.Outcome t = run("train", "--data", data.toString(), "--epochs", "1", "--threads", "1", "--dim", "8", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        Map<String, Object> summary = json(out.resolve("summary.json"));
        assertTrue(summary.containsKey("valid"));
        assertNull(summary.get("valid"));
        assertNull(summary.get("item_only_valid"));
        assertNull(summary.get("popularity_valid"));
        assertNotNull(summary.get("test"));
        assertEquals(Integer.valueOf(0), at(summary, "users", "valid", "evaluated"));
        assertNull(lines(out.resolve("metrics.jsonl")).getFirst().get("valid"));
        assertTrue(t.out().contains("train    1 epoch max,"), t.out());
        assertTrue(t.out().contains(", 1 thread)"), t.out());
        assertTrue(t.out().contains("(mean of 1 epoch)"), t.out());
        List<Map<String, Object>> files = at(json(out.resolve("config.json")), "data", "files");
        assertEquals(List.of(inter.toString(), data.resolve("textual_feat.npy").toString(), data.resolve("visual_feat.npy").toString()),
                files.stream().map(f -> f.get("path")).toList());
        assertEquals(Files.size(inter), ((Number) files.getFirst().get("bytes")).longValue());
    }

    private static List<String> listing(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).map(p -> p.isEmpty() ? "." : p).sorted().toList();
        }
    }
}
