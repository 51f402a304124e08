package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One rule for every thread count, from an option or a config file: at most 8 per core of this machine, refused
 * before any work (train --threads 100000 once started ~9,400 threads and printed nothing for minutes).
 */
class ThreadsLimitTest {
    @TempDir
    Path dir;

    static String limit() {
        int cores = Runtime.getRuntime().availableProcessors();
        return "must be at most " + 8 * cores + " (8 per core, " + cores + (cores == 1 ? " core" : " cores") + " here), got 100000";
    }

    @Test
    void everyCommandRefusesAnAbsurdThreadCountBeforeWork() throws Exception {
        Path out = dir.resolve("run");
        assertError(run("recommend", "--checkpoint", TrainedModel.withoutData().checkpoint.toString(), "--all-users", "--threads", "100000"), 2, "--threads " + limit());
        assertError(run("train", "--synthetic", "tiny", "--threads", "100000", "--out", out.toString()), 2, "--threads " + limit());
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "synthetic: tiny\nthreads: 100000\n");
        assertError(run("train", "--config", yaml.toString(), "--out", out.toString()), 2, yaml + ": threads " + limit());
        assertError(run("sweep", "--synthetic", "tiny", "--grid", "threads=1,100000", "--out", out.toString()), 2, "--grid threads " + limit());
        assertFalse(Files.exists(out), "nothing was started");
        TrainedModel m = TrainedModel.withoutData();
        assertError(run("serve", "--checkpoint", m.checkpoint.toString(), "--port", "0", "--threads", "100000"), 2, "--threads " + limit());
        assertError(run("evaluate", "--checkpoint", m.checkpoint.toString(), "--threads", "100000"), 2, "--threads " + limit());
        int max = 8 * Runtime.getRuntime().availableProcessors();
        CliTest.Outcome ok = run("recommend", "--checkpoint", m.checkpoint.toString(), "--users", TrainedModel.user(0), "--threads", Integer.toString(max));
        assertEquals(0, ok.code(), "the limit itself is allowed: " + ok.err());
    }
}
