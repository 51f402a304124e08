package dev.mmgcn.spark;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The output folder's end: a failed write leaves nothing; a failed rename keeps the whole result where the error
 * says it is (it once said so and then deleted it); hidden folders a killed driver left for the same target are
 * removed before the next job.
 */
class OutputFolderTest {
    @TempDir
    Path dir;

    @Test
    void aFailedRenameKeepsTheResultWhereTheErrorSays() throws Exception {
        Path out = dir.resolve("recs");
        OutputFolder f = OutputFolder.prepare(out.toString(), new Configuration());
        CliException e = assertThrows(CliException.class, () -> f.write(temp -> {
            Path t = Path.of(java.net.URI.create(temp));
            Files.createDirectories(t);
            Files.writeString(t.resolve("part-00000.parquet"), "rows");
            Files.createDirectories(out); // someone else made the target meanwhile
        }));
        assertEquals(CliException.IO, e.exitCode());
        String temp = Path.of(java.net.URI.create(f.temp())).toString();
        assertTrue(e.getMessage().contains("appeared while the job ran; the result is kept in"), e.getMessage());
        assertTrue(e.getMessage().contains(temp), e.getMessage());
        assertEquals("rows", Files.readString(Path.of(temp).resolve("part-00000.parquet")), "kept, as said");
    }

    @Test
    void aFailedWriteLeavesNothing() {
        Path out = dir.resolve("recs");
        OutputFolder f = OutputFolder.prepare(out.toString(), new Configuration());
        assertThrows(IOException.class, () -> f.write(temp -> {
            Files.createDirectories(Path.of(java.net.URI.create(temp)));
            throw new IOException("No space left on device");
        }));
        assertFalse(Files.exists(Path.of(java.net.URI.create(f.temp()))));
        assertFalse(Files.exists(out));
    }

    @Test
    void hiddenFoldersOfTheSameTargetAreRemovedBeforeTheNextJob() throws Exception {
        Path stale = Files.createDirectories(dir.resolve(".recs.7f3a9c.mmgcn-tmp"));
        Path other = Files.createDirectories(dir.resolve(".recs-old.7f3a9c.mmgcn-tmp"));
        Path mine = Files.createDirectories(dir.resolve(".recs.notes.mmgcn-tmp"));
        OutputFolder.prepare(dir.resolve("recs").toString(), new Configuration());
        assertFalse(Files.exists(stale), "a killed job's folder for this target");
        assertTrue(Files.exists(other), "another target's");
        assertTrue(Files.exists(mine), "not our random part");
    }
}
