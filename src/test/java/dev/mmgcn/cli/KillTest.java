package dev.mmgcn.cli;

import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A child JVM is killed (SIGKILL) at moments of train, recommend --out, export and generate, several
 * times each: just after a file starts being written, and at a random moment of the run (the seed is
 * printed, to repeat a failure). After every kill each output is the old file or the complete new one,
 * never a part, and a run folder's files agree with each other; a last run to the end gives the
 * reference output and must leave no temporary behind. Bounded: three kills per command.
 */
class KillTest {
    private static final int KILLS = 3;
    private static final byte[] OLD = "OLD CONTENT\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path shared;
    static Path checkpoint;

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);

    @BeforeAll
    static void trainOnce() {
        Path data = shared.resolve("data");
        assertEquals(0, CliTest.run("generate", "--out", data.toString()).code());
        Path run = shared.resolve("run");
        CliTest.Outcome t = CliTest.run("train", "--data", data.toString(), "--epochs", "1", "--dim", "8", "--out", run.toString());
        assertEquals(0, t.code(), t.err());
        checkpoint = run.resolve("best.ckpt");
    }

    private record Child(Process process, long started) {
    }

    private static Child start(Path workDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-XX:TieredStopAtLevel=1", // short runs: quick compiles beat fast code
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("child-stderr.txt").toFile()));
        pb.environment().put(Relaunch.OPT_OUT, "1");
        pb.environment().put(Terminal.PROGRESS, "off");
        return new Child(pb.start(), System.nanoTime());
    }

    /** Runs to the end; returns the seconds it took. */
    private static double complete(Path workDir, String... args) throws Exception {
        Child c = start(workDir, args);
        assertTrue(c.process().waitFor(300, TimeUnit.SECONDS), "the reference run finished");
        assertEquals(0, c.process().exitValue(), () -> stderr(workDir));
        return (System.nanoTime() - c.started()) / 1e9;
    }

    /** Starts the command and kills it after a random part of {@code seconds} (up to 20 % past it); true when it was still running. */
    private boolean killSomewhere(Path workDir, double seconds, String... args) throws Exception {
        Child c = start(workDir, args);
        long delayMs = (long) (random.nextDouble() * seconds * 1.2 * 1000);
        boolean finished = c.process().waitFor(delayMs, TimeUnit.MILLISECONDS);
        if (!finished) {
            c.process().destroyForcibly();
            c.process().waitFor(30, TimeUnit.SECONDS);
        }
        return !finished;
    }

    /**
     * Starts the command and kills it while it writes: as soon as a file appears in {@code dir} or one
     * grows (a temporary of ours, or — for a writer that is not atomic — the output itself), after a
     * random 0–20 ms more. True when it was killed so (not finished first).
     */
    private boolean killWhileWriting(Path workDir, Path dir, double seconds, String... args) throws Exception {
        Map<String, Long> before = sizes(dir);
        Child c = start(workDir, args);
        long deadline = System.nanoTime() + (long) (Math.max(seconds * 3, 120) * 1e9);
        while (System.nanoTime() < deadline) {
            if (!c.process().isAlive()) return false;
            if (writing(dir, before)) {
                Thread.sleep(random.nextInt(21));
                c.process().destroyForcibly();
                c.process().waitFor(30, TimeUnit.SECONDS);
                return true;
            }
            Thread.sleep(1);
        }
        c.process().destroyForcibly();
        c.process().waitFor(30, TimeUnit.SECONDS);
        return true;
    }

    private static Map<String, Long> sizes(Path dir) {
        Map<String, Long> out = new java.util.HashMap<>();
        try (var s = Files.list(dir)) {
            s.forEach(p -> {
                try {
                    out.put(p.getFileName().toString(), Files.size(p));
                } catch (IOException gone) {
                    // removed meanwhile
                }
            });
        } catch (IOException e) {
            // not there yet
        }
        out.remove("child-stderr.txt");
        return out;
    }

    private static boolean writing(Path dir, Map<String, Long> before) {
        for (Map.Entry<String, Long> e : sizes(dir).entrySet()) {
            Long was = before.get(e.getKey());
            if (was == null || e.getValue() > was) return true;
        }
        return false;
    }

    /** Odd kills while a file is being written, even ones at a random moment of the run. */
    private boolean kill(int k, Path workDir, Path dir, double seconds, String... args) throws Exception {
        return k % 2 == 0 ? killSomewhere(workDir, seconds, args) : killWhileWriting(workDir, dir, seconds, args);
    }

    private static String stderr(Path workDir) {
        try {
            return Files.readString(workDir.resolve("child-stderr.txt"));
        } catch (IOException e) {
            return "(no stderr)";
        }
    }

    private String why(String what, int kill) {
        return what + " after kill " + kill + " (seed " + seed + ")";
    }

    @Test
    void recommendOutIsTheOldFileOrTheWholeNewOne(@TempDir Path work) throws Exception {
        Path out = work.resolve("recs.tsv");
        String[] args = {"recommend", "--checkpoint", checkpoint.toString(), "--all-users", "--k", "300", "--out", out.toString(), "--overwrite"};
        List<byte[]> after = new ArrayList<>();
        double seconds = 0;
        for (int k = 1; k <= KILLS; k++) {
            Files.write(out, OLD);
            long t0 = System.nanoTime();
            kill(k, work, work, Math.max(seconds, 1), args);
            seconds = Math.max(seconds, (System.nanoTime() - t0) / 1e9); // the first kill, at the write, bounds the run's length
            after.add(Files.readAllBytes(out));
        }
        complete(work, args); // the next run removes what a killed one left; its output is the reference
        byte[] reference = Files.readAllBytes(out);
        assertTrue(reference.length > 1_000_000, "a large enough file that kills land while it is written");
        for (int k = 1; k <= KILLS; k++) {
            byte[] now = after.get(k - 1);
            assertTrue(Arrays.equals(now, OLD) || Arrays.equals(now, reference), why("recs.tsv is " + now.length + " bytes", k));
            System.out.println("kill " + k + " of recommend left the " + (Arrays.equals(now, OLD) ? "old" : "new") + " file");
        }
        assertEquals(List.of("child-stderr.txt", "recs.tsv"), names(work));
    }

    @Test
    void exportAndGenerateLeaveOldOrNewFilesWhole(@TempDir Path work) throws Exception {
        Path emb = work.resolve("emb");
        String[] export = {"export", "--checkpoint", checkpoint.toString(), "--out", emb.toString(), "--overwrite"};
        Path gen = work.resolve("gen");
        String[] generate = {"generate", "--preset", "tiny", "--users", "2000", "--items", "1500", "--interactions", "40000", "--out", gen.toString(), "--overwrite"};
        Map<String[], List<String>> outputs = Map.of(export, List.of("item_embeddings.npy", "item_ids.txt", "user_embeddings.npy", "user_ids.txt"),
                generate, List.of("textual_feat.npy", "tiny.inter", "visual_feat.npy"));
        for (String[] args : List.of(export, generate)) {
            Path dir = args == export ? emb : gen;
            Files.createDirectories(dir);
            List<Map<String, byte[]>> after = new ArrayList<>();
            double seconds = 0;
            for (int k = 1; k <= KILLS; k++) {
                for (String f : outputs.get(args)) Files.write(dir.resolve(f), OLD);
                long t0 = System.nanoTime();
                kill(k, work, dir, Math.max(seconds, 1), args);
                seconds = Math.max(seconds, (System.nanoTime() - t0) / 1e9);
                Map<String, byte[]> state = new java.util.TreeMap<>();
                for (String f : outputs.get(args)) state.put(f, Files.readAllBytes(dir.resolve(f)));
                after.add(state);
            }
            complete(work, args);
            assertEquals(outputs.get(args), names(dir), "no temporaries left by the killed runs");
            for (int k = 1; k <= KILLS; k++) {
                for (String f : outputs.get(args)) {
                    byte[] now = after.get(k - 1).get(f);
                    assertTrue(Arrays.equals(now, OLD) || Arrays.equals(now, Files.readAllBytes(dir.resolve(f))),
                            why(args[0] + " " + f + " is " + now.length + " bytes", k));
                }
            }
        }
    }

    @Test
    void aKilledTrainingRunLeavesFilesThatAreWholeAndAgree(@TempDir Path work) throws Exception {
        Path run = work.resolve("run");
        String[] args = {"train", "--synthetic", "tiny", "--epochs", "3", "--patience", "0", "--dim", "8", "--batch", "512",
                "--out", run.toString(), "--overwrite"};
        Files.createDirectories(run);
        double seconds = complete(work, args);
        for (int k = 1; k <= KILLS; k++) {
            kill(k, work, run, seconds, args);
            checkRunFolder(run, k);
        }
        complete(work, args);
        checkRunFolder(run, KILLS + 1);
        assertEquals(List.of(".mmgcn.lock", "best.ckpt", "config.json", "last.ckpt", "metrics.jsonl", "summary.json", "train.log"), names(run));
        assertEquals(0, Files.size(run.resolve(".mmgcn.lock")), "the lock file is cleared when the run ends");
        assertEquals("finished", Json.read(Files.readString(run.resolve("config.json"))).get("status"));
    }

    /** Whatever files a (killed) run left are whole, belong to the same run, and no checkpoint is ahead of metrics.jsonl. */
    private void checkRunFolder(Path run, int kill) throws IOException {
        // a killed run leaves its temporaries and its lock file (stale: the next run takes it over)
        List<String> files = names(run).stream().filter(f -> !f.endsWith(AtomicFile.TEMP_SUFFIX) && !f.equals(dev.mmgcn.io.FolderLock.NAME)).toList();
        if (files.isEmpty()) return; // killed before its first file
        assertTrue(files.contains("config.json"), why("config.json is written first, but the folder holds " + files, kill));
        Map<String, Object> config = Json.read(Files.readString(run.resolve("config.json")));
        String id = (String) config.get("run_id");
        int lastEpoch = 0;
        int lineCount = 0;
        java.util.Set<Long> steps = new java.util.HashSet<>();
        if (files.contains("metrics.jsonl")) {
            List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
            lineCount = lines.size();
            long lastStep = 0;
            int endedEpoch = 0;
            for (String l : lines) {
                Map<String, Object> m = Json.read(l);
                int epoch = ((Number) m.get("epoch")).intValue();
                long step = ((Number) m.get("global_step")).longValue();
                assertEquals(endedEpoch + 1, epoch, why("metrics.jsonl: a line of the epoch after the last one ended", kill));
                assertTrue(step > lastStep, why("metrics.jsonl: validations in step order", kill));
                if (Boolean.TRUE.equals(m.get("end_of_epoch"))) endedEpoch = epoch;
                lastStep = step;
                lastEpoch = epoch;
                steps.add(step);
                assertEquals(id, m.get("run_id"), why("metrics.jsonl is this run's", kill));
            }
        }
        if (files.contains("best.ckpt")) {
            Checkpoint ck = Checkpoint.read(run.resolve("best.ckpt")); // fails on a partial file
            assertEquals(id, ck.get("run.id"), why("best.ckpt is this run's", kill));
            int best = Integer.parseInt(ck.get("train.best_epoch"));
            assertTrue(best <= lastEpoch, why("the checkpoint's epoch " + best + " has its metrics line (last " + lastEpoch + ")", kill));
            long bestStep = Long.parseLong(ck.get("train.best_global_step"));
            assertTrue(steps.contains(bestStep), why("the checkpoint's step " + bestStep + " has its metrics line", kill));
        }
        if (files.contains("last.ckpt")) {
            var state = dev.mmgcn.train.TrainingStateFile.read(run.resolve("last.ckpt")); // fails on a partial file
            assertEquals(id, state.extra().get("run_id"), why("last.ckpt is this run's", kill));
            assertTrue(state.epoch() <= lastEpoch, why("last.ckpt's epoch " + state.epoch() + " has its metrics line (last " + lastEpoch + ")", kill));
            assertTrue(Integer.parseInt(state.extra().get("metrics_lines")) <= lineCount, why("last.ckpt's metrics lines are in metrics.jsonl", kill));
        }
        if (files.contains("summary.json")) {
            assertEquals(id, Json.read(Files.readString(run.resolve("summary.json"))).get("run_id"), why("summary.json is this run's", kill));
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
