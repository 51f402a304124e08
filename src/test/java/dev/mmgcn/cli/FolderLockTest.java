package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two processes on one folder: while a training run (a child JVM) writes its run folder, a second train --resume
 * or train --overwrite on it is refused with exit 2 naming the first's PID, and nothing in the folder changes;
 * the same for two sweeps on one sweep folder. A lock file left by a killed run is stale and taken over, and said.
 */
class FolderLockTest {
    static final String LOCK = ".mmgcn.lock";
    @TempDir
    Path dir;

    /** Starts {@code mmgcn-engine args} in a child JVM and waits until {@code ready} exists. */
    static Process child(Path dir, Path ready, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("child.err").toFile());
        pb.environment().put(Relaunch.OPT_OUT, "1");
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ready)) {
            assertTrue(p.isAlive(), () -> "the child ended early: " + read(dir.resolve("child.err")));
            assertTrue(System.nanoTime() < deadline, "the child never wrote " + ready);
            Thread.sleep(20);
        }
        return p;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }

    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void aSecondRunOnAFolderInUseIsRefusedNamingTheFirst() throws Exception {
        Path run = dir.resolve("run");
        Process first = child(dir, run.resolve(RunFolder.LAST), "train", "--synthetic", "tiny", "--epochs", "500", "--patience", "0",
                "--dim", "8", "--batch", "256", "--out", run.toString());
        try {
            String pid = "process " + first.pid() + " (mmgcn-engine train --synthetic tiny";
            assertTrue(Files.exists(run.resolve(LOCK)));
            String configBefore = Files.readString(run.resolve(RunFolder.CONFIG));
            assertError(run("train", "--resume", run.toString()), 2, "--resume: " + run + " is in use by " + pid);
            assertError(run("train", "--resume", run.toString(), "--epochs", "600"), 2, "is in use by " + pid);
            assertError(run("train", "--synthetic", "tiny", "--epochs", "1", "--out", run.toString(), "--overwrite"), 2, "is in use by " + pid);
            assertTrue(first.isAlive(), "the first run goes on");
            assertTrue(Files.exists(run.resolve(RunFolder.CONFIG)), "nothing of the first run was removed");
            assertEquals(configBefore.substring(0, 200), Files.readString(run.resolve(RunFolder.CONFIG)).substring(0, 200));
        } finally {
            kill(first);
        }
        // killed: its lock file still names it, but no one holds the lock; the next run takes it over and says so
        assertTrue(Files.readString(run.resolve(LOCK)).startsWith("pid " + first.pid() + "\n"), "SIGKILL leaves the file as it was");
        CliTest.Outcome again = run("train", "--synthetic", "tiny", "--epochs", "1", "--dim", "8", "--out", run.toString(), "--overwrite");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("held the lock file of process " + first.pid()), again.err());
        assertTrue(again.err().contains("ended without removing it; taken over"), again.err());
        assertEquals(0, Files.size(run.resolve(LOCK)), "cleared at the end of the run");
    }

    @Test
    void aFolderRefusedAsNotEmptyGetsNoLockFile() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "mine");
        assertError(run("train", "--synthetic", "tiny", "--epochs", "1", "--out", mine.toString()), 2, "is not empty (notes.txt)");
        try (var s = Files.list(mine)) {
            assertEquals(List.of("notes.txt"), s.map(p -> p.getFileName().toString()).toList(), "a refusal writes nothing there");
        }
    }

    @Test
    void aSecondSweepOnAFolderInUseIsRefused() throws Exception {
        Path s = dir.resolve("sweep");
        String[] args = {"sweep", "--synthetic", "tiny", "--epochs", "500", "--patience", "0", "--dim", "8", "--grid", "seed=1,2", "--out", s.toString()};
        Process first = child(dir, s.resolve("seed=1").resolve(RunFolder.CONFIG), args);
        try {
            assertError(run(args), 2, "--out: " + s + " is in use by process " + first.pid());
            assertFalse(Files.exists(s.resolve("seed=2")), "the second sweep trained nothing");
            assertTrue(first.isAlive());
        } finally {
            kill(first);
        }
    }
}
