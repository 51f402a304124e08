package dev.mmgcn.cli;

import dev.mmgcn.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One byte of a checkpoint flipped — in the length field, the header (its padding included), the first
 * and last byte of every tensor, the file's last byte and seeded random places — and every command that
 * reads a checkpoint (recommend, evaluate, export, serve) refuses it: exit code 3, one {@code error:}
 * line naming the file, nothing written, no server started.
 */
class DamagedCheckpointTest {
    static TrainedModel model;
    static CheckpointOracle oracle;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws Exception {
        model = TrainedModel.withoutData();
        oracle = new CheckpointOracle(withHeaderPadding(model.checkpoint));
    }

    /**
     * The checkpoint, or a copy with one more header entry when its header happens to fill its last 8 bytes,
     * so that there is a padding byte to flip: the header records the temporary data folder, whose random
     * name varies in length, and one length in eight leaves no padding.
     */
    private static Path withHeaderPadding(Path file) throws Exception {
        CheckpointOracle o = new CheckpointOracle(file);
        if (o.bytes[(int) o.dataStart - 1] == ' ') return file;
        Checkpoint ck = Checkpoint.read(file);
        ck.header().setProperty("note", "x"); // 11 more bytes of JSON after a length that was a multiple of 8
        Path copy = Files.createTempFile("mmgcn-padded-", ".ckpt");
        copy.toFile().deleteOnExit();
        ck.write(copy);
        return copy;
    }

    @Test
    void aFlippedByteAnywhereIsRefusedByEveryCommand() throws Exception {
        byte[] good = oracle.bytes;
        TreeSet<Long> positions = new TreeSet<>(List.of(0L, 3L, 7L, 8L, (oracle.dataStart + 8) / 2, oracle.dataStart - 1, (long) good.length - 1));
        for (String t : oracle.tensorNames()) {
            long[] s = oracle.span(t);
            if (s[1] > s[0]) {
                positions.add(s[0]);
                positions.add(s[1] - 1);
            }
        }
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int k = 0; k < 10; k++) positions.add((long) random.nextInt(good.length));
        assertTrue(positions.size() > 40, "positions: " + positions.size());
        assertEquals(' ', (char) good[(int) oracle.dataStart - 1], "the header's last byte is padding, which is checked too");

        Path bad = dir.resolve("flipped.ckpt");
        Path recs = dir.resolve("recs.tsv"), emb = dir.resolve("emb");
        ExecutorService serveThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "serve-under-test");
            t.setDaemon(true); // a server that started by mistake must not keep the test JVM alive
            return t;
        });
        try {
            for (long p : positions) {
                byte[] b = good.clone();
                b[(int) p] ^= (byte) 0xFF;
                Files.write(bad, b);
                String where = "byte " + p + " of " + good.length + " (seed " + seed + ")";
                check(run("recommend", "--checkpoint", bad.toString(), "--all-users", "--out", recs.toString()), bad, "recommend, " + where);
                check(run("evaluate", "--checkpoint", bad.toString()), bad, "evaluate, " + where);
                check(run("export", "--checkpoint", bad.toString(), "--out", emb.toString(), "--format", p % 2 == 0 ? "npy" : "npz"), bad, "export, " + where);
                Future<CliTest.Outcome> serve = serveThread.submit(() -> run("serve", "--checkpoint", bad.toString(), "--port", "0"));
                check(serve.get(60, TimeUnit.SECONDS), bad, "serve, " + where);
                assertFalse(Files.exists(recs), "recommend wrote nothing: " + where);
                assertFalse(Files.exists(emb), "export wrote nothing: " + where);
            }
        } finally {
            serveThread.shutdownNow();
        }
        Files.write(bad, good);
        assertEquals(0, run("recommend", "--checkpoint", bad.toString(), "--all-users", "--out", recs.toString()).code(), "the intact file is read");
    }

    private static void check(CliTest.Outcome o, Path file, String what) {
        assertEquals(3, o.code(), () -> what + ": " + o.err());
        assertTrue(o.err().startsWith("error: --checkpoint: " + file), () -> what + ": " + o.err());
        assertEquals(1, o.err().strip().lines().count(), () -> what + ": one line: " + o.err());
        assertEquals("", o.out(), what);
    }
}
