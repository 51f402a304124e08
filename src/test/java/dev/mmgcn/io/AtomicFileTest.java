package dev.mmgcn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesNewFilesWith0644AndReplacesKeepingTheMode() throws IOException {
        Path f = dir.resolve("out.tsv");
        AtomicFile.writeString(f, "one\n");
        assertEquals("one\n", Files.readString(f));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFile.writeString(f, "two\n");
        assertEquals("two\n", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(List.of("out.tsv"), listing());
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("best.ckpt");
        AtomicFile.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + f + ": No space left on device", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("best.ckpt"), listing());
    }

    @Test
    void errorsNameThePathAndTheReason() {
        Path missing = dir.resolve("no/such/folder/x.json");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.writeString(missing, "x"));
        assertEquals("cannot write " + missing + ": folder " + missing.getParent() + " does not exist", e.getMessage());
        IOException d = assertThrows(IOException.class, () -> AtomicFile.writeString(dir, "x"));
        assertTrue(d.getMessage().endsWith(": it is a folder"), d.getMessage());
    }

    /** A rename over a link or a pipe would replace it with a regular file (over /dev/full: the device itself). */
    @Test
    void aTargetThatIsNotARegularFileIsRefusedNotReplaced() throws Exception {
        Path real = dir.resolve("real.txt");
        Files.writeString(real, "kept");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real);
        IOException l = assertThrows(IOException.class, () -> AtomicFile.writeString(link, "new"));
        assertEquals("cannot write " + link + ": it is a symbolic link to " + real + ", not a regular file; nothing was written", l.getMessage());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("kept", Files.readString(real));
        Path pipe = dir.resolve("pipe");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", pipe.toString()).start();
        } catch (IOException e) {
            return; // no mkfifo: the link case above stands for both
        }
        assertEquals(0, p.waitFor());
        IOException f = assertThrows(IOException.class, () -> AtomicFile.writeString(pipe, "new"));
        assertTrue(f.getMessage().endsWith("it is a named pipe (FIFO), not a regular file; nothing was written"), f.getMessage());
        assertTrue(Files.readAttributes(pipe, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther());
        assertEquals(List.of("link.txt", "pipe", "real.txt"), listing(), "no temporary left");
    }

    @Test
    void removeStaleDeletesOnlyOurTemporaries() throws IOException {
        Files.writeString(dir.resolve(".best.ckpt.1a2b" + AtomicFile.TEMP_SUFFIX), "partial");
        Files.writeString(dir.resolve(".summary.json.ff" + AtomicFile.TEMP_SUFFIX), "partial");
        Files.writeString(dir.resolve("notes.tmp"), "user file");
        Files.writeString(dir.resolve("metrics.jsonl"), "{}");
        assertEquals(2, AtomicFile.removeStale(dir));
        assertEquals(List.of("metrics.jsonl", "notes.tmp"), listing());
        assertFalse(Files.exists(dir.resolve(".best.ckpt.1a2b" + AtomicFile.TEMP_SUFFIX)));
    }

    @Test
    void removeStaleForDeletesOnlyTheTemporariesOfThatTarget() throws IOException {
        Files.writeString(dir.resolve(".recs.tsv.9f3c" + AtomicFile.TEMP_SUFFIX), "partial");
        Files.writeString(dir.resolve(".recs.tsv.bak.77" + AtomicFile.TEMP_SUFFIX), "another file's temporary");
        Files.writeString(dir.resolve(".other.tsv.12" + AtomicFile.TEMP_SUFFIX), "another file's temporary");
        Files.writeString(dir.resolve(".recs.tsv.notes" + AtomicFile.TEMP_SUFFIX), "not our random part");
        Files.writeString(dir.resolve("recs.tsv"), "user\trank\n");
        assertEquals(1, AtomicFile.removeStaleFor(dir.resolve("recs.tsv")));
        assertEquals(List.of(".other.tsv.12" + AtomicFile.TEMP_SUFFIX, ".recs.tsv.bak.77" + AtomicFile.TEMP_SUFFIX,
                ".recs.tsv.notes" + AtomicFile.TEMP_SUFFIX, "recs.tsv"), listing());
        assertEquals(0, AtomicFile.removeStaleFor(dir.resolve("missing-folder/x.tsv")));
    }

    @Test
    void quotesAreClippedTo200Characters() {
        assertEquals("short", Quote.clip("short"));
        String longLine = "1,2,0,".repeat(1000);
        String q = Quote.clip(longLine);
        assertTrue(q.startsWith(longLine.substring(0, 200) + "…"), q);
        assertTrue(q.endsWith("(6000 characters)"), q);
        assertTrue(q.length() < 230, q);
    }
}
