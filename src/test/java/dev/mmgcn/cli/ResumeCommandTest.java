package dev.mmgcn.cli;

import dev.mmgcn.io.TensorFile;
import dev.mmgcn.runs.RunJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * train --resume: a run killed (SIGKILL, in a child JVM) during its second epoch and resumed ends with the
 * metrics, summary and best.ckpt tensors of the same run never stopped; and what --resume refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeCommandTest {
    Path dir;
    Path whole;
    static final String[] RUN = {"--synthetic", "tiny", "--dim", "8", "--batch", "512", "--epochs", "4", "--seed", "17"};

    @BeforeAll
    void uninterrupted(@TempDir Path tmp) {
        dir = tmp;
        whole = dir.resolve("whole");
        CliTest.Outcome o = run(args("train", "--out", whole.toString()));
        assertEquals(0, o.code(), o.err());
    }

    private static String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of(more[0]));
        a.addAll(List.of(RUN));
        a.addAll(List.of(more).subList(1, more.length));
        return a.toArray(String[]::new);
    }

    /** metrics.jsonl without what may differ between two runs of the same numbers: timings and the run id. */
    private static List<Map<String, Object>> numbers(Path run) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : RunJson.readLines(run.resolve("metrics.jsonl"))) {
            Map<String, Object> c = new LinkedHashMap<>(m);
            c.remove("train_seconds");
            c.remove("eval_seconds");
            c.remove("run_id");
            out.add(c);
        }
        return out;
    }

    private static Map<String, byte[]> tensorBytes(Path ckpt) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (TensorFile.Tensor t : TensorFile.read(ckpt).tensors().values()) {
            ByteBuffer b = t.data().duplicate();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.put(t.name(), a);
        }
        return out;
    }

    private static void assertSameResult(Path a, Path b) throws IOException {
        assertEquals(numbers(a), numbers(b), "every epoch's loss and metrics");
        Map<String, byte[]> ta = tensorBytes(a.resolve("best.ckpt")), tb = tensorBytes(b.resolve("best.ckpt"));
        assertEquals(ta.keySet(), tb.keySet());
        for (String k : ta.keySet()) assertArrayEquals(ta.get(k), tb.get(k), "best.ckpt tensor " + k);
        Map<String, Object> sa = RunJson.readObject(a.resolve("summary.json")), sb = RunJson.readObject(b.resolve("summary.json"));
        for (String k : List.of("best_epoch", "epochs_run", "valid", "test", "item_only_valid", "popularity_test", "users")) {
            assertEquals(sa.get(k), sb.get(k), "summary " + k);
        }
        Map<String, Object> ca = new LinkedHashMap<>(RunJson.at(sa, "config")), cb = new LinkedHashMap<>(RunJson.at(sb, "config"));
        ca.remove("threads"); // the one setting a resumed run may change: the CPU kernels give the same bits for any count
        cb.remove("threads");
        assertEquals(ca, cb, "summary config");
    }

    @Test
    void aRunKilledMidEpochResumesToTheNumbersOfOneNeverStopped() throws Exception {
        Path killed = dir.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args("train", "--out", killed.toString())));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(Relaunch.OPT_OUT, "1");
        pb.environment().put(Terminal.PROGRESS, "off");
        Process child = pb.start();
        Path last = killed.resolve("last.ckpt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!Files.exists(last) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(2);
        child.destroyForcibly(); // SIGKILL, during epoch 2: epoch 1's state was just written
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(last), "epoch 1 ended before the kill");
        assertFalse(Files.exists(killed.resolve("summary.json")), "killed before the end");
        assertEquals("running", RunJson.readObject(killed.resolve("config.json")).get("status"));
        String runId = (String) RunJson.readObject(killed.resolve("config.json")).get("run_id");

        CliTest.Outcome r = run("train", "--resume", killed.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("\nresumed  "), r.out());
        assertFalse(r.out().contains("\n  1/4 "), "epoch 1 is not trained again: " + r.out());
        assertTrue(r.out().contains("\n  4/4 "), r.out());
        assertSameResult(whole, killed);
        Map<String, Object> config = RunJson.readObject(killed.resolve("config.json"));
        assertEquals("finished", config.get("status"));
        assertEquals(runId, config.get("run_id"), "the same run, continued");
        assertEquals(List.of("mmgcn-engine", "train", "--resume", killed.toString(), "--threads", "1"),
                RunJson.at(config, "resumed") instanceof List<?> l ? ((Map<?, ?>) l.getFirst()).get("command_line") : null);
        for (Map<String, Object> m : RunJson.readLines(killed.resolve("metrics.jsonl"))) assertEquals(runId, m.get("run_id"));
        assertEquals(Files.readAllLines(whole.resolve("metrics.jsonl")).size(), Files.readAllLines(killed.resolve("metrics.jsonl")).size());
        String log = Files.readString(killed.resolve("train.log"));
        assertTrue(log.indexOf("  1/4 ") < log.indexOf("resumed  ") && log.indexOf("resumed  ") < log.indexOf("  4/4 "), log);
    }

    @Test
    void aRunKilledAfterItsLastEpochOnlyWritesItsSummary() throws Exception {
        Path run = dir.resolve("nosummary");
        copy(whole, run);
        byte[] summary = Files.readAllBytes(run.resolve("summary.json"));
        Files.delete(run.resolve("summary.json"));
        CliTest.Outcome r = run("train", "--resume", run.toString(), "--epochs", "4", "--seed", "17");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(summary, Files.readAllBytes(run.resolve("summary.json")), "the same summary, byte for byte");
        assertSameResult(whole, run);
    }

    /** A run that finished at a 2-epoch budget, trained on with --epochs 4, is the 4-epoch run: same numbers, same best.ckpt. */
    @Test
    void aFinishedRunTrainsOnToALargerBudget() throws Exception {
        Path run = dir.resolve("budget");
        List<String> shorter = new ArrayList<>(List.of("train"));
        for (int i = 0; i < RUN.length; i++) shorter.add(i > 0 && RUN[i - 1].equals("--epochs") ? "2" : RUN[i]);
        shorter.addAll(List.of("--out", run.toString()));
        CliTest.Outcome first = run(shorter.toArray(String[]::new));
        assertEquals(0, first.code(), first.err());
        assertEquals(2, ((Number) RunJson.readObject(run.resolve("summary.json")).get("epochs_run")).intValue());
        String runId = (String) RunJson.readObject(run.resolve("config.json")).get("run_id");

        CliTest.Outcome r = run("train", "--resume", run.toString(), "--epochs", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("had finished after 2 epochs; it trains on to 4 epochs"), r.err());
        assertFalse(r.out().contains("\n  2/4 "), "epochs 1 and 2 are not trained again: " + r.out());
        assertTrue(r.out().contains("\n  4/4 "), r.out());
        assertSameResult(whole, run);
        Map<String, Object> config = RunJson.readObject(run.resolve("config.json"));
        assertEquals("finished", config.get("status"));
        assertEquals(runId, config.get("run_id"), "the same run, trained further");
        assertEquals(4, ((Number) RunJson.at(config, "settings", "epochs")).intValue(), "the record holds the new budget");
    }

    @Test
    void whatResumeRefuses() throws Exception {
        Path run = dir.resolve("stopped");
        copy(whole, run);
        Files.delete(run.resolve("summary.json"));
        assertError(run("train", "--resume", run.toString(), "--lr", "0.01"), 2,
                "--lr: --resume continues the run in " + run + " with its recorded settings; --lr 0.01 differs from the recorded 0.001 and would change its result");
        assertError(run("train", "--resume", run.toString(), "--epochs", "3"), 2,
                "--epochs 3: the run in " + run + " has trained 4 epochs already; --resume can raise its budget, not go back");
        assertError(run("train", "--resume", run.toString(), "--patience", "5"), 2,
                "--patience 5: the run in " + run + " was trained with --patience 10; --resume may raise it (or give 0, never stop early), not lower it");
        assertError(run("train", "--resume", run.toString(), "--config", run.resolve("config.json").toString()), 2, "--resume and --config cannot be combined");
        assertError(run("train", "--resume", run.toString(), "--out", dir.resolve("x").toString()), 2, "--resume and --out cannot be combined");
        assertError(run("train", "--resume", run.toString(), "--overwrite"), 2, "--resume and --overwrite cannot be combined");
        assertError(run("train", "--resume", dir.resolve("none").toString()), 2, "--resume: " + dir.resolve("none") + " does not exist");
        assertError(run("train", "--resume", dir.toString()), 2, "is not a run folder (no config.json)");
        assertError(run("train", "--resume", whole.toString()), 2, "the run in " + whole + " finished (it has summary.json)");
        assertError(run("train", "--resume", whole.toString(), "--epochs", "4"), 2,
                "the run in " + whole + " finished after 4 epochs, its --epochs; give --epochs above 4 to train it further");
        assertTrue(Files.exists(whole.resolve("summary.json")), "a refused extension leaves the finished run as it was");

        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        Files.write(run.resolve("metrics.jsonl"), lines.subList(0, 2));
        assertError(run("train", "--resume", run.toString()), 3, "metrics.jsonl has 2 lines but last.ckpt is at epoch 4");
        Files.write(run.resolve("metrics.jsonl"), lines);

        byte[] b = Files.readAllBytes(run.resolve("last.ckpt"));
        byte[] damaged = b.clone();
        damaged[damaged.length - 3] ^= 0x10;
        Files.write(run.resolve("last.ckpt"), damaged);
        assertError(run("train", "--resume", run.toString()), 3, "last.ckpt");
        Files.delete(run.resolve("last.ckpt"));
        assertError(run("train", "--resume", run.toString()), 2, "has no last.ckpt");
        assertTrue(Arrays.asList(run.toFile().list()).containsAll(List.of("config.json", "metrics.jsonl", "best.ckpt")), "nothing removed");
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
    }
}
