package dev.mmgcn.cli;

import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code convert}: a version-1 file, written here by hand in that layout from a trained model (its
 * header as version-1 runs wrote it: no {@code settings.*}), becomes a checkpoint that answers as the
 * model did; every command refuses the old file with the way out; existing files are kept.
 */
class ConvertCommandTest {
    @TempDir
    static Path shared;
    static TrainedModel model;
    static Path v1;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws IOException {
        model = TrainedModel.fresh(shared);
        v1 = shared.resolve("old.ckpt");
        Files.write(v1, version1(Checkpoint.read(model.checkpoint)));
    }

    /** "MMGCNCK1", int32 header length, the properties, int32 tensor count, then per tensor its name (modified UTF-8), int32 rows and cols and little-endian floats. */
    static byte[] version1(Checkpoint ck) throws IOException {
        Properties legacy = new Properties();
        for (String k : ck.header().stringPropertyNames()) {
            if (!k.startsWith("settings.") && !k.startsWith("run.")) legacy.setProperty(k, ck.header().getProperty(k));
        }
        assertNotNull(legacy.getProperty("data.data"), "version 1 recorded the data folder as data.data");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("MMGCNCK1".getBytes(StandardCharsets.US_ASCII));
        StringWriter w = new StringWriter();
        legacy.store(w, null);
        byte[] h = w.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(h.length);
        out.write(h);
        out.writeInt(ck.tensorNames().size());
        for (String name : ck.tensorNames()) {
            int[] s = ck.shape(name);
            out.writeUTF(name);
            out.writeInt(s[0]);
            out.writeInt(s[1]);
            ByteBuffer b = ByteBuffer.allocate(ck.tensor(name).length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : ck.tensor(name)) b.putFloat(v);
            out.write(b.array());
        }
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void theConvertedModelAnswersAsTheOriginal() throws IOException {
        Path converted = dir.resolve("sub/new.ckpt");
        CliTest.Outcome c = run("convert", "--checkpoint", v1.toString(), "--out", converted.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().startsWith("converted " + v1 + " (version 1) to " + converted + " (version 2): " + model.users + " users, "), c.out());

        Checkpoint original = Checkpoint.read(model.checkpoint), now = Checkpoint.read(converted);
        assertEquals(original.tensorNames(), now.tensorNames());
        for (String t : original.tensorNames()) assertArrayEquals(original.tensor(t), now.tensor(t), t);
        TrainingRecord a = original.trainingRecord(), b = now.trainingRecord();
        assertEquals(a.fingerprint(), b.fingerprint(), "the same data, found again");
        assertEquals(a.userIds(), b.userIds());
        assertEquals(a.itemIds(), b.itemIds());
        assertArrayEquals(a.seen().rowPtr(), b.seen().rowPtr());
        assertArrayEquals(a.seen().items(), b.seen().items());

        CliTest.Outcome r1 = run("recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--k", "5");
        CliTest.Outcome r2 = run("recommend", "--checkpoint", converted.toString(), "--all-users", "--k", "5");
        assertEquals(0, r2.code(), r2.err());
        assertEquals(r1.out(), r2.out());
        CliTest.Outcome e1 = run("evaluate", "--checkpoint", model.checkpoint.toString());
        CliTest.Outcome e2 = run("evaluate", "--checkpoint", converted.toString());
        assertEquals(0, e2.code(), e2.err());
        assertEquals(table(e1.out()), table(e2.out()));
        assertFalse(e2.err().contains("warning"), e2.err());
    }

    @Test
    void everyCommandRefusesTheOldFileWithTheWayOut() {
        String hint = "--checkpoint: " + v1 + " is a version-1 checkpoint (no checksums, ids or training items): re-train it, or convert it";
        assertError(run("recommend", "--checkpoint", v1.toString(), "--all-users"), 3, hint);
        assertError(run("evaluate", "--checkpoint", v1.toString()), 3, hint);
        assertError(run("export", "--checkpoint", v1.toString(), "--out", dir.resolve("e").toString()), 3, hint);
        assertError(run("serve", "--checkpoint", v1.toString(), "--port", "0"), 3, hint);
        assertFalse(Files.exists(dir.resolve("e")), "export wrote nothing");
    }

    @Test
    void existingFilesAreKeptUnlessOverwriteIsGiven() throws IOException {
        Path out = dir.resolve("taken.ckpt");
        Files.writeString(out, "mine");
        assertError(run("convert", "--checkpoint", v1.toString(), "--out", out.toString()), 2, "--out: " + out + " exists; pass --overwrite to replace it");
        assertEquals("mine", Files.readString(out));
        CliTest.Outcome c = run("convert", "--checkpoint", v1.toString(), "--out", out.toString(), "--overwrite");
        assertEquals(0, c.code(), c.err());
        assertNotNull(Checkpoint.read(out).trainingRecord());
        assertEquals(List.of("taken.ckpt"), ExportCommandTest.names(dir), "no temporary left beside it");

        assertError(run("convert", "--checkpoint", model.checkpoint.toString(), "--out", dir.resolve("x.ckpt").toString()), 2,
                "is already a version-2 checkpoint; there is nothing to convert");
        assertError(run("convert", "--checkpoint", v1.toString()), 2, "--out FILE is required");
        assertError(run("convert", "--checkpoint", v1.toString(), "--out", dir.toString()), 2, "is a folder; give a file name");
        assertError(run("convert", "--checkpoint", v1.toString(), "--out", dir.resolve("y").toString(), "--device", "cpu"), 2, "unknown option --device");
    }

    @Test
    void theDataAreFoundWhereTheyAreNowAndMustBeTheModelsShape() throws IOException {
        Path moved = dir.resolve("moved");
        copy(model.data, moved);
        Path other = dir.resolve("other");
        assertEquals(0, run("generate", "--preset", "tiny", "--users", "120", "--items", "90", "--interactions", "2000", "--out", other.toString()).code());
        Path out = dir.resolve("new.ckpt");
        assertError(run("convert", "--checkpoint", v1.toString(), "--out", out.toString(), "--data", other.toString()), 3,
                "the dataset has 120 users and 90 items but the checkpoint was trained on " + model.users + " and " + model.items);
        assertFalse(Files.exists(out));
        Path gone = dir.resolve("gone");
        Files.move(moved, gone);
        assertError(run("convert", "--checkpoint", v1.toString(), "--out", out.toString(), "--data", moved.toString()), 2,
                "--data: " + moved + " does not exist");
        CliTest.Outcome c = run("convert", "--checkpoint", v1.toString(), "--out", out.toString(), "--data", gone.toString());
        assertEquals(0, c.code(), c.err());
        assertEquals(Checkpoint.read(model.checkpoint).trainingRecord().fingerprint(), Checkpoint.read(out).trainingRecord().fingerprint());
    }

    private static List<String> table(String evaluateOut) {
        return evaluateOut.lines().filter(l -> l.matches("[a-z]+@\\d+ .*")).toList();
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
    }
}
