package dev.mmgcn.spark;

import dev.mmgcn.io.TensorFile;
import dev.mmgcn.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input ends in one {@code error:} line and the exit code of README's table (2 usage, 3 input data, 4 file
 * system) before any Spark work (no session is started).
 */
class CliErrorsTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void setUp() throws Exception {
        model = dir.resolve("m.ckpt");
        Fixtures.tiedModel(model, 20, 15, 4, 1);
    }

    static void fails(int code, String message, String... args) {
        SparkJobsTest.Result r = SparkJobsTest.cli(args);
        assertEquals(code, r.code(), () -> r.out() + r.err());
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertTrue(lines.getFirst().startsWith("error: "), lines.getFirst());
        assertTrue(lines.getFirst().contains(message), "expected '" + message + "' in: " + lines.getFirst());
    }

    @Test
    void missingOrBadCheckpoint() throws Exception {
        Path out = dir.resolve("never");
        fails(2, "--checkpoint: " + dir.resolve("nope.ckpt") + " does not exist", "recommend", "--checkpoint", dir.resolve("nope.ckpt").toString(), "--out", out.toString());
        Path junk = dir.resolve("junk.ckpt");
        Files.writeString(junk, "not a checkpoint at all");
        fails(3, junk.toString(), "recommend", "--checkpoint", junk.toString(), "--out", out.toString());
        fails(2, "is a folder", "recommend", "--checkpoint", dir.toString(), "--out", out.toString());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void damagedCheckpointsAreInputDataErrors() throws Exception {
        byte[] good = Files.readAllBytes(model);
        byte[] bad = good.clone();
        bad[bad.length - 2] ^= 0x40; // a byte of the last tensor
        Path flipped = dir.resolve("flipped.ckpt");
        Files.write(flipped, bad);
        fails(3, "is damaged", "recommend", "--checkpoint", flipped.toString(), "--out", dir.resolve("never").toString());
        fails(3, "is damaged", "evaluate", "--checkpoint", flipped.toString(), "--split", "test");
        // the representation stored as int32, every checksum made anew
        TensorFile f = TensorFile.read(model);
        List<TensorFile.Tensor> tensors = new ArrayList<>();
        for (TensorFile.Tensor x : f.tensors().values()) {
            tensors.add(x.name().equals(Checkpoint.REPRESENTATION) ? new TensorFile.Tensor(x.name(), TensorFile.DType.I32, x.shape(), x.data()) : x);
        }
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.keySet().removeIf(k -> k.startsWith("crc32c."));
        Path ints = dir.resolve("ints.ckpt");
        TensorFile.write(ints, meta, tensors);
        fails(3, "tensor holds int32 values", "recommend", "--checkpoint", ints.toString(), "--out", dir.resolve("never").toString());
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void aMasterThatIsNotAMasterIsOneLineBeforeSparkStarts() {
        fails(2, "--master: 'bogus://x' is not a Spark master URL", "recommend", "--checkpoint", model.toString(), "--out",
                dir.resolve("never").toString(), "--master", "bogus://x");
        fails(2, "--master: 'local[two]' is not a Spark master URL", "evaluate", "--checkpoint", model.toString(), "--master", "local[two]");
    }

    /** A place where nothing can be created (/proc refuses new folders, even to root): one line, exit 4, before Spark starts. */
    @Test
    void anOutputWhereNothingCanBeWrittenIsAFileSystemError() {
        Path proc = Path.of("/proc");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(proc.resolve("self")), "no /proc here");
        fails(4, "--out: /proc/mmgcn-cannot/recs", "recommend", "--checkpoint", model.toString(), "--out", "/proc/mmgcn-cannot/recs");
    }

    @Test
    void checkpointWithoutTrainingRecord() throws Exception {
        Path bare = dir.resolve("bare.ckpt");
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> s = new LinkedHashMap<>();
        t.put(Checkpoint.REPRESENTATION, new float[35 * 4]);
        s.put(Checkpoint.REPRESENTATION, new int[] {35, 4});
        new Checkpoint(new Properties(), t, s).write(bare);
        fails(3, "has no training record", "recommend", "--checkpoint", bare.toString(), "--out", dir.resolve("x").toString());
        fails(3, "has no training record", "evaluate", "--checkpoint", bare.toString(), "--pairs", bare.toString());
    }

    @Test
    void representationThatDoesNotFitTheUsersAndItems() throws Exception {
        // the same checkpoint with one item row cut off the representation, every checksum made anew
        TensorFile f = TensorFile.read(model);
        List<TensorFile.Tensor> tensors = new ArrayList<>();
        for (TensorFile.Tensor x : f.tensors().values()) {
            if (x.name().equals(Checkpoint.REPRESENTATION)) {
                float[] v = x.toFloats();
                tensors.add(TensorFile.Tensor.floats(x.name(), java.util.Arrays.copyOf(v, v.length - 4), x.shape()[0] - 1, x.shape()[1]));
            } else {
                tensors.add(x);
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.keySet().removeIf(k -> k.startsWith("crc32c."));
        Path cut = dir.resolve("cut.ckpt");
        TensorFile.write(cut, meta, tensors);
        fails(3, "the representation has 34 rows, but the training record has 20 users + 15 items = 35",
                "recommend", "--checkpoint", cut.toString(), "--out", dir.resolve("y").toString());
    }

    @Test
    void badOptions() throws Exception {
        Path exists = Files.createDirectories(dir.resolve("taken"));
        fails(2, "--out: " + exists + " already exists", "recommend", "--checkpoint", model.toString(), "--out", exists.toString());
        fails(2, "--k must be at least 1", "recommend", "--checkpoint", model.toString(), "--out", dir.resolve("z").toString(), "--k", "0");
        fails(2, "--out DIR is required", "recommend", "--checkpoint", model.toString());
        fails(2, "Missing required option: '--checkpoint=FILE'", "recommend", "--out", dir.resolve("z").toString());
        fails(2, "Unknown options: '--kk'", "recommend", "--checkpoint", model.toString(), "--kk", "3");
        fails(2, "--items", "recommend", "--checkpoint", model.toString(), "--out", dir.resolve("z").toString(), "--items", "sometimes");
        fails(2, "--split must be valid or test, got 'train'", "evaluate", "--checkpoint", model.toString(), "--split", "train");
        fails(2, "mutually exclusive", "evaluate", "--checkpoint", model.toString(), "--split", "test", "--pairs", "p.tsv");
        fails(2, "--ks: cut-offs must be at least 1", "evaluate", "--checkpoint", model.toString(), "--ks", "10,0");
        fails(2, "give a command", new String[0]);
        assertFalse(Files.exists(dir.resolve("z")));
    }

    @Test
    void badHeldOutPairs() throws Exception {
        Path tsv = dir.resolve("pairs.tsv");
        Files.write(tsv, List.of("user\titem", "3\t1004", "4\t999"));
        fails(3, tsv + " line 3: item '999' is not one of the model's 15 items", "evaluate", "--checkpoint", model.toString(), "--pairs", tsv.toString());
        Files.write(tsv, List.of("\uFEFFuser\titem", "3\t1004", "4\t999")); // a byte-order mark is not part of the header's first name
        fails(3, tsv + " line 3: item '999' is not one of the model's 15 items", "evaluate", "--checkpoint", model.toString(), "--pairs", tsv.toString());
        Files.write(tsv, List.of("who\twhat", "3\t1004"));
        fails(3, tsv + " line 1: the header must name the columns 'user' and 'item'", "evaluate", "--checkpoint", model.toString(), "--pairs", tsv.toString());
        fails(2, "--pairs: " + dir.resolve("none.tsv") + " does not exist", "evaluate", "--checkpoint", model.toString(), "--pairs", dir.resolve("none.tsv").toString());
    }

    @Test
    void datasetThatIsNotTheTrainingData() throws Exception {
        // the tied model records no dataset: the default synthetic set is reloaded and found to differ
        fails(3, "has 3000 users and 2000 items, but the checkpoint was trained on 20 and 15",
                "evaluate", "--checkpoint", model.toString(), "--split", "test");
        fails(2, "--data: " + dir.resolve("gone") + " does not exist", "evaluate", "--checkpoint", model.toString(), "--data", dir.resolve("gone").toString());
    }
}
