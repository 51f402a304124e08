package dev.mmgcn.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Sizes that come from input are computed exactly: a product that does not fit 64 bits (or an int where an int is
 * needed) is refused naming where it came from, before anything is allocated — not wrapped to 0, not an
 * ArithmeticException or NullPointerException (exit 1), not an attempt to allocate that reads as "out of memory".
 */
class SizesTest {
    static TrainedModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        model = TrainedModel.withoutData();
    }

    @Test
    void aGridOfTwoToTheSixtyFourTrialsIsRefusedNotWrappedToZero() {
        String values = IntStream.rangeClosed(1, 256).mapToObj(Integer::toString).collect(Collectors.joining(","));
        List<String> args = new ArrayList<>(List.of("sweep", "--synthetic", "tiny", "--out", dir.resolve("s").toString()));
        for (String key : List.of("seed", "dim", "epochs", "batch", "patience", "latent", "word-dim", "eval-every")) {
            args.add("--grid");
            args.add(key + "=" + values); // 256^8 = 2^64 combinations
        }
        assertError(run(args.toArray(String[]::new)), 2, "--grid: 18,446,744,073,709,551,616 trials; a sweep runs at most 10,000");
        assertFalse(Files.exists(dir.resolve("s")));
    }

    @Test
    void aGridValueGivenTwiceIsRefusedNotRunTwice() {
        Path s = dir.resolve("s");
        assertError(run("sweep", "--synthetic", "tiny", "--epochs", "1", "--grid", "lr=0.1,0.1", "--out", s.toString()), 2,
                "--grid lr: '0.1' is listed twice");
        assertError(run("sweep", "--synthetic", "tiny", "--epochs", "1", "--grid", "seed=1,2", "--grid", "lr=0.1,0.10", "--out", s.toString()), 2,
                "--grid lr: '0.10' and '0.1' are the same value");
        assertFalse(Files.exists(s), "refused before the sweep folder was made");
    }

    @Test
    void aBatchNearTwoToTheThirtyOneTrainsAsOneStepPerEpoch() throws Exception {
        Path big = dir.resolve("big"), all = dir.resolve("all");
        CliTest.Outcome o = run("train", "--synthetic", "tiny", "--epochs", "1", "--dim", "8", "--batch", "2147483647", "--out", big.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("note: --batch 2,147,483,647 is more than the "), o.err());
        // the same run with a batch just above the pairs: the same step, so the same loss
        int pairs = Integer.parseInt(o.err().replaceAll("(?s).*more than the ([0-9,]+) training pairs.*", "$1").replace(",", ""));
        assertEquals(0, run("train", "--synthetic", "tiny", "--epochs", "1", "--dim", "8", "--batch", Integer.toString(pairs), "--out", all.toString()).code());
        String a = Files.readAllLines(big.resolve("metrics.jsonl")).getLast(), b = Files.readAllLines(all.resolve("metrics.jsonl")).getLast();
        assertEquals(a.replaceAll("\"(train_seconds|eval_seconds|run_id)\":[^,}]*", ""), b.replaceAll("\"(train_seconds|eval_seconds|run_id)\":[^,}]*", ""));
    }

    @Test
    void aCheckpointShapeWhoseSizeOverflowsIsDamagedData() throws Exception {
        Path huge = dir.resolve("huge.ckpt");
        CheckpointEditor.of(model.checkpoint).claim("extra", "F32", new long[] {1L << 40, 1L << 40}, 0).write(huge);
        assertError(run("recommend", "--checkpoint", huge.toString(), "--users", TrainedModel.user(0)), 3,
                "tensor 'extra' claims a dimension of 1099511627776");
    }

    @Test
    void aCheckpointShapeWhoseByteCountWrapsToZeroIsDamagedData() throws Exception {
        Path wraps = dir.resolve("wraps.ckpt");
        // 2^30 x 2^30 x 4 int32 = 2^64 bytes: once wrapped to 0, which the empty data then "fit"
        CheckpointEditor.of(model.checkpoint).claim("extra", "I32", new long[] {1L << 30, 1L << 30, 4}, 0).write(wraps);
        CliTest.Outcome o = run("recommend", "--checkpoint", wraps.toString(), "--users", TrainedModel.user(0));
        assertError(o, 3, "tensor 'extra' claims a shape [1073741824,1073741824,4] of I32 whose size overflows 64 bits");
        assertTrue(o.err().contains(wraps.toString()), o.err());
    }

    /** A version-1 file (no checksums) that claims a 46,340² tensor it does not hold: damaged, not "reduce --dim". */
    @Test
    void aVersionOneShapeLargerThanItsFileIsDamagedNotOutOfMemory() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.write("MMGCNCK1".getBytes(StandardCharsets.US_ASCII));
            byte[] header = "model.dim=46340\ndata.users=10\ndata.items=10\n".getBytes(StandardCharsets.UTF_8);
            out.writeInt(header.length);
            out.write(header);
            out.writeInt(1);
            out.writeUTF("id_embedding");
            out.writeInt(46_340);
            out.writeInt(46_340);
            out.write(new byte[64]);
        }
        Path v1 = dir.resolve("old.ckpt");
        Files.write(v1, b.toByteArray());
        CliTest.Outcome o = run("convert", "--checkpoint", v1.toString(), "--out", dir.resolve("new.ckpt").toString());
        assertError(o, 3, "tensor id_embedding claims 46340 x 46340 floats (" + 46_340L * 46_340 * 4 + " bytes) but only 64 bytes remain: damaged or truncated");
        assertFalse(Files.exists(dir.resolve("new.ckpt")));
    }
}
