package dev.mmgcn.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.mmgcn.cli.CliTest.assertError;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Standard output that cannot be written (a full disk, a closed pipe) is exit 4, not a silent success with a cut-off result. */
class StandardOutputTest {
    static TrainedModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        model = TrainedModel.withoutData();
    }

    /** An output stream whose every write fails as a full disk does. */
    static PrintStream fullDisk() {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        }, true, StandardCharsets.UTF_8);
    }

    static CliTest.Outcome runTo(PrintStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliTest.Outcome(code, "", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aStandardOutputThatCannotBeWrittenIsExitFour() {
        assertError(runTo(fullDisk(), "recommend", "--checkpoint", model.checkpoint.toString(), "--all-users"), 4,
                "cannot write to standard output");
        assertError(runTo(fullDisk(), "compare", model.checkpoint.getParent().toString()), 4, "cannot write to standard output");
        assertError(runTo(fullDisk(), "recommend", "--help"), 4, "cannot write to standard output");
    }

    /** The real thing: a child JVM whose stdout is /dev/full (written to, never replaced) says why, with exit 4. */
    @Test
    void aFullDeviceBehindStandardOutputIsNamedWithItsReason() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full) && Files.isWritable(full), "no writable /dev/full here");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--threads", "1"));
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(full.toFile()).redirectError(err.toFile());
        pb.environment().put(Relaunch.OPT_OUT, "1");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        String text = Files.readString(err).lines().filter(l -> !l.startsWith("WARNING")).reduce("", (a, b) -> a + b + "\n");
        assertEquals(4, p.exitValue(), text);
        assertTrue(text.contains("error: cannot write to standard output: no space left on device"), text);
    }
}
