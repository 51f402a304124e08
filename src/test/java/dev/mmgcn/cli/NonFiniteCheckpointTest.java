package dev.mmgcn.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Checkpoints whose checksums are all valid but whose numbers are not: a NaN or an infinity in the representation
 * or a parameter, a representation stored as int32. Every command that reads one refuses it at load with exit 3
 * and the file named (recommend once printed empty lists with exit 0; serve answered {@code "score":"NaN"}, a
 * string where JSON has no number).
 */
class NonFiniteCheckpointTest {
    static TrainedModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        model = TrainedModel.withoutData();
    }

    /** The checkpoint with {@code value} written at float {@code index} of tensor {@code name}. */
    Path with(String name, int index, float value) throws Exception {
        CheckpointEditor e = CheckpointEditor.of(model.checkpoint);
        ByteBuffer b = e.bytes(name);
        b.putFloat(4 * index, value);
        Path out = dir.resolve(name + "-" + index + ".ckpt");
        e.write(out);
        return out;
    }

    @Test
    void aNonFiniteRepresentationIsRefusedByRecommendAndServe() throws Exception {
        Path nan = with("representation", 0, Float.NaN);
        String user0 = TrainedModel.user(0);
        assertError(run("recommend", "--checkpoint", nan.toString(), "--users", user0), 3,
                nan + ": the representation of user '" + user0 + "' holds NaN");
        assertError(InputLimitsTest.quickly("serve", "--checkpoint", nan.toString(), "--port", "0"), 3, "holds NaN"); // not a server started
        int dim = (int) CheckpointEditor.of(model.checkpoint).tensor("representation").get("shape").get(1).asLong();
        Path inf = with("representation", model.users * dim, Float.POSITIVE_INFINITY); // the first item's first value
        assertError(run("recommend", "--checkpoint", inf.toString(), "--all-users"), 3,
                "the representation of item '" + TrainedModel.item(0) + "' holds Infinity");
        assertError(run("export", "--checkpoint", inf.toString(), "--out", dir.resolve("emb").toString()), 3, "holds Infinity");
        assertFalse(Files.exists(dir.resolve("emb")), "nothing exported");
    }

    @Test
    void aNonFiniteParameterIsRefusedByEvaluateAndExport() throws Exception {
        Path nan = with("id_embedding", 5, Float.NaN);
        assertError(run("export", "--checkpoint", nan.toString(), "--out", dir.resolve("emb").toString(), "--format", "npz"), 3,
                nan + ": tensor 'id_embedding' holds NaN at row 0, column 5");
        assertError(run("evaluate", "--checkpoint", nan.toString()), 3, "tensor 'id_embedding' holds NaN");
    }

    @Test
    void anIntegerRepresentationIsSaidToBeOne() throws Exception {
        CheckpointEditor e = CheckpointEditor.of(model.checkpoint);
        var shape = e.tensor("representation").get("shape");
        e.put("representation", "I32", new long[] {shape.get(0).asLong(), shape.get(1).asLong()}, e.data.get("representation"));
        Path ints = dir.resolve("ints.ckpt");
        e.write(ints);
        assertError(run("recommend", "--checkpoint", ints.toString(), "--users", TrainedModel.user(0)), 3,
                ints + ": its 'representation' tensor holds int32 values; the representations are float32 (F32)");
        assertError(run("export", "--checkpoint", ints.toString(), "--out", dir.resolve("emb").toString()), 3, "holds int32 values, not float32");
    }
}
