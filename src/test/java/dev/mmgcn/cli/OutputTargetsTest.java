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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where a command's result goes: an output path that is a named pipe or a symbolic link is never replaced by a
 * regular file, {@code --overwrite} or not (a rename over {@code /dev/full} once turned the device into a file;
 * the pipe stands in for every special file here, since making a device needs root); {@code --out -} is
 * standard output.
 */
class OutputTargetsTest {
    static TrainedModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        model = TrainedModel.withoutData();
    }

    static Path fifo(Path where) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", where.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo here: " + e.getMessage());
            return null;
        }
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        return where;
    }

    static boolean isFifo(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isOther();
    }

    @Test
    void aNamedPipeIsNeverReplacedEvenWithOverwrite() throws Exception {
        Path pipe = fifo(dir.resolve("recs.tsv"));
        CliTest.Outcome o = run("recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--out", pipe.toString(), "--overwrite");
        assertError(o, 2, "--out: " + pipe + " is a named pipe (FIFO), not a regular file");
        assertTrue(o.err().contains("--out -"), "says how to write into it on purpose: " + o.err());
        assertTrue(isFifo(pipe), "still a pipe");
        Path report = fifo(dir.resolve("page.html"));
        assertError(run("report", model.checkpoint.getParent().toString(), "--out", report.toString(), "--overwrite"), 2, "is a named pipe (FIFO)");
        assertTrue(isFifo(report));
        Path emb = Files.createDirectories(dir.resolve("emb"));
        fifo(emb.resolve(ExportCommand.ITEMS));
        assertError(run("export", "--checkpoint", model.checkpoint.toString(), "--out", emb.toString(), "--overwrite"), 2, "is a named pipe (FIFO)");
        assertTrue(isFifo(emb.resolve(ExportCommand.ITEMS)));
        assertFalse(Files.exists(emb.resolve(ExportCommand.USERS)), "refused before any file was written");
    }

    @Test
    void aSymbolicLinkIsNotReplacedAndItsTargetIsUntouched() throws Exception {
        Path real = dir.resolve("kept.tsv");
        Files.writeString(real, "mine\n");
        Path link = Files.createSymbolicLink(dir.resolve("recs.tsv"), real);
        assertError(run("recommend", "--checkpoint", model.checkpoint.toString(), "--users", TrainedModel.user(1), "--out", link.toString(), "--overwrite"),
                2, "is a symbolic link to " + real);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("mine\n", Files.readString(real));
        Path dangling = Files.createSymbolicLink(dir.resolve("new.ckpt"), dir.resolve("nowhere"));
        assertError(run("convert", "--checkpoint", model.checkpoint.toString(), "--out", dangling.toString()), 2, "is a symbolic link");
        assertTrue(Files.isSymbolicLink(dangling));
    }

    @Test
    void dashIsStandardOutput() {
        CliTest.Outcome o = run("recommend", "--checkpoint", model.checkpoint.toString(), "--users", TrainedModel.user(2), "--k", "3", "--out", "-");
        assertEquals(0, o.code(), o.err());
        assertEquals(4, o.out().lines().count(), o.out());
        assertFalse(Files.exists(Path.of("-")), "no file named '-'");
    }
}
