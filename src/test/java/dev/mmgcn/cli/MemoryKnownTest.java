package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The commands that load a checkpoint know the memory they need before they allocate it, as train does: a model
 * too large for the machine (evaluate on a header claiming model.dim = 100,000,000 once tried to allocate 200 GB
 * first) and a checkpoint too large for the JVM's heap are refused with the numbers, exit 5, before the attempt.
 */
class MemoryKnownTest {
    @TempDir
    Path dir;

    @Test
    void evaluateRefusesAModelThatCannotFitBeforeBuildingIt() throws Exception {
        TrainedModel m = TrainedModel.fresh(dir.resolve("m"));
        CheckpointEditor e = CheckpointEditor.of(m.checkpoint);
        e.meta().put("model.dim", "100000000");
        Path wide = dir.resolve("wide.ckpt");
        e.write(wide);
        CliTest.Outcome o = run("evaluate", "--checkpoint", wide.toString());
        assertEquals(5, o.code(), o.err());
        String last = o.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("error: this run needs about "), "the one error line, after the data's notes: " + o.err());
        assertTrue(o.err().contains(" of memory, but this machine has "), o.err());
        assertTrue(o.err().contains("parameters "), "the breakdown names the parts: " + o.err());
        assertTrue(o.err().contains("(model.dim 100000000)"), o.err());
    }

    @Test
    void aCheckpointLargerThanTheHeapAllowsIsRefusedBeforeItIsRead() throws Exception {
        TrainedModel m = TrainedModel.withoutData();
        Path big = dir.resolve("big.ckpt");
        CheckpointEditor.of(m.checkpoint).put("padding", "F32", new long[] {10 << 20, 1}, new byte[40 << 20]).write(big);
        for (String command : List.of("recommend", "export")) {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx64m",
                    "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    command, "--checkpoint", big.toString(), "--threads", "1"));
            cmd.addAll(command.equals("recommend") ? List.of("--users", TrainedModel.user(0)) : List.of("--out", dir.resolve("emb").toString()));
            if (command.equals("export")) cmd.remove("--threads");
            if (command.equals("export")) cmd.remove("1");
            Path err = dir.resolve(command + ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
            pb.environment().put(Relaunch.OPT_OUT, "1");
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            String text = String.join("\n", Files.readAllLines(err).stream().filter(l -> !l.startsWith("WARNING")).toList());
            assertEquals(5, p.exitValue(), command + ": " + text);
            assertTrue(text.startsWith("error: --checkpoint: " + big + " (40.1 MB) needs about 120 MB of Java heap to be read"), text);
            assertFalse(text.contains("OutOfMemoryError") || text.contains("out of memory"), "refused, not attempted: " + text);
            assertTrue(text.contains("(nothing was read)"), text);
        }
    }
}
