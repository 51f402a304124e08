package dev.mmgcn.cli;

import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Progress on stderr: a bar on a terminal, a plain line every 10 s elsewhere, decided by stderr itself. */
class ProgressTest {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    private final long[] now = {0};

    private String text() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutATerminalAPlainLineEveryTenSecondsWithRateAndTimeLeft() {
        Progress p = new Progress(err, Terminal.Mode.LINES, () -> now[0], false);
        p.start("epoch 1/3", 100, "batches");
        for (int b = 1; b <= 100; b++) {
            now[0] = b * 300_000_000L; // 0.3 s per batch: 30 s in all
            p.update(b, "loss 0.5000");
        }
        p.finish();
        // 10 s have passed at batch 34 (10.2 s); 10 s after that at batch 68 (20.4 s); the task ends at 30.0 s, 9.6 s later
        assertEquals(List.of(
                "epoch 1/3: 34/100 batches (34%), loss 0.5000, 3.3 batches/s, ETA 20 s",
                "epoch 1/3: 68/100 batches (68%), loss 0.5000, 3.3 batches/s, ETA 10 s"), text().lines().toList());
        assertFalse(text().contains("\r"), "no carriage returns in a log");
    }

    @Test
    void aTaskWithoutACountReportsItsDetailAndTimeOnTheTicker() {
        Progress p = new Progress(err, Terminal.Mode.LINES, () -> now[0], false);
        p.startOpen("loading tiktok", () -> "540 MB of 1.2 GB read (45%)");
        now[0] = 9_000_000_000L;
        p.tick();
        assertEquals("", text(), "nothing before 10 s");
        now[0] = 10_500_000_000L;
        p.tick();
        assertEquals("loading tiktok: 540 MB of 1.2 GB read (45%), 11 s so far\n", text());
    }

    @Test
    void onATerminalOneLineIsRedrawnWithABarAndClearedAtTheEnd() {
        Progress p = new Progress(err, Terminal.Mode.BAR, () -> now[0], false);
        p.start("epoch 12/30", 40, "batches");
        now[0] = 2_000_000_000L;
        p.update(10, "loss 0.1234");
        String frame = text();
        assertEquals("\repoch 12/30 [======>                 ] 10/40  loss 0.1234  5.0 batches/s  ETA 6 s", frame);
        now[0] = 2_050_000_000L;
        p.update(11, "loss 0.1200");
        assertEquals(frame, text(), "redrawn at most every 100 ms");
        now[0] = 8_000_000_000L;
        p.update(40, "loss 0.1000");
        p.finish();
        String all = text();
        assertTrue(all.endsWith("\r" + " ".repeat(all.substring(all.lastIndexOf("\repoch") + 1, all.lastIndexOf("\r" + " ")).length()) + "\r"),
                "the bar is erased: " + all.replace("\r", "\\r"));
        for (String f : all.split("\r")) assertTrue(f.length() <= 119, f);
    }

    @Test
    void offPrintsNothingAndDurationsReadWell() {
        Progress p = new Progress(err, Terminal.Mode.OFF, () -> now[0], false);
        p.start("x", 10, "batches");
        now[0] = 60_000_000_000L;
        p.update(5, "");
        p.tick();
        p.finish();
        assertEquals("", text());
        assertEquals("59 s", Progress.duration(59.4));
        assertEquals("2 min 05 s", Progress.duration(125));
        assertEquals("1 h 01 min", Progress.duration(3_660));
    }

    @Test
    void epochRowsStayWithin120ColumnsForLongRunsAndMetricNames() {
        RankingMetrics m = new RankingMetrics(new int[] {100});
        m.addUser(new int[] {1, 2, 3}, 3, new int[] {2});
        dev.mmgcn.train.Validation end = new dev.mmgcn.train.Validation(1000, 9999, 9999, 9_999_000, 1.5, m, m, true, m);
        Trainer.EpochReport r = new Trainer.EpochReport(1000, 0.693147, 12345.6, 999.99, end, true, 10);
        EpochTable t = new EpochTable("precision@100", 1000, true);
        String row = t.row(r);
        assertTrue(row.length() <= EpochTable.MAX_WIDTH, row.length() + ": " + row);
        assertTrue(row.startsWith("1000/1000   0.6931  12345.6  999.99 |"), row);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        t.printHeader(new PrintStream(h, true, StandardCharsets.UTF_8));
        for (String line : h.toString(StandardCharsets.UTF_8).lines().toList()) assertTrue(line.length() <= EpochTable.MAX_WIDTH, line);
        String mid = t.row(new dev.mmgcn.train.Validation(1000, 9998, 9999, 9_998_999, 1.5, m, m, true, m), 0.5);
        assertTrue(mid.length() <= EpochTable.MAX_WIDTH, mid.length() + ": " + mid);
        assertTrue(mid.startsWith("1000.9998/1000"), mid);
    }

    /**
     * The decision is stderr's own: run a short training under a pseudo-terminal (util-linux `script`) with
     * stdout sent to a file — the bar must appear on the terminal and not in the file — and with stderr
     * sent to a file — then that file holds no frames. Once directly with the module, once through the
     * java -jar relaunch, whose child learns about the terminal from its parent.
     */
    @Test
    void theBarFollowsStderrNotStdout(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs util-linux script for a pseudo-terminal");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        String train = " dev.mmgcn.cli.Main train --synthetic tiny --epochs 1 --dim 8 --batch 512 --threads 1 --out ";
        String fast = " -XX:TieredStopAtLevel=1"; // short runs: quick compiles beat fast code
        String direct = "'" + java + "' --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED" + fast + " -cp '" + cp + "'" + train;
        String relaunched = "'" + java + "' --enable-native-access=ALL-UNNAMED" + fast + " -cp '" + cp + "'" + train;

        String onTerminal = pty(direct + "'" + dir.resolve("a") + "' > '" + dir.resolve("a.out") + "'");
        assertTrue(onTerminal.contains("\repoch 1/1 ["), "a bar on the terminal: " + onTerminal.replace("\r", "\\r"));
        assertTrue(onTerminal.contains("ETA"), onTerminal);
        String stdout = Files.readString(dir.resolve("a.out"));
        assertTrue(stdout.contains("best epoch"), stdout);
        assertFalse(stdout.contains("\r"), "no frames in stdout's file");

        pty(direct + "'" + dir.resolve("b") + "' 2> '" + dir.resolve("b.err") + "'");
        String errFile = Files.readString(dir.resolve("b.err"));
        assertFalse(errFile.contains("\r"), "stderr is a file: no frames in it: " + errFile);

        String viaParent = pty(relaunched + "'" + dir.resolve("c") + "' > '" + dir.resolve("c.out") + "'");
        assertTrue(viaParent.contains("\repoch 1/1 ["), "the relaunched child draws the bar too: " + viaParent.replace("\r", "\\r"));
        assertFalse(viaParent.contains("Using incubator modules"), viaParent);
    }

    private static String pty(String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qefc", command, "/dev/null");
        pb.environment().remove(Relaunch.GUARD);
        pb.environment().remove(Relaunch.OPT_OUT);
        pb.environment().remove(Terminal.STDERR_TERMINAL);
        pb.environment().remove(Terminal.PROGRESS);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.getErrorStream().readAllBytes();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
