package dev.mmgcn.cli;

import dev.mmgcn.data.Npy;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code export} with the dataset folder deleted: the .npy pair with the id lists, and the .npz with
 * every parameter, checked by numpy alone (python3 + numpy when present; the Java-side checks run
 * everywhere) against the checkpoint read by its published layout.
 */
class ExportCommandTest {
    static TrainedModel model;
    static CheckpointOracle oracle;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws Exception {
        model = TrainedModel.withoutData();
        oracle = new CheckpointOracle(model.checkpoint);
    }

    @Test
    void npyFilesAndIdListsMatchTheCheckpointRowForRow() throws Exception {
        Path out = dir.resolve("emb");
        CliTest.Outcome o = run("export", "--checkpoint", model.checkpoint.toString(), "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(List.of("item_embeddings.npy", "item_ids.txt", "user_embeddings.npy", "user_ids.txt"), names(out));
        assertEquals(oracle.userIds, Files.readAllLines(out.resolve("user_ids.txt"), StandardCharsets.UTF_8));
        assertEquals(oracle.itemIds, Files.readAllLines(out.resolve("item_ids.txt"), StandardCharsets.UTF_8));
        assertEquals(TrainedModel.user(0), oracle.userIds.getFirst(), "the users' own ids");
        try (HostScope h = new HostScope()) {
            Tensor u = Npy.readFloats(out.resolve("user_embeddings.npy"), h), i = Npy.readFloats(out.resolve("item_embeddings.npy"), h);
            assertEquals(model.users, u.rows());
            assertEquals(model.items, i.rows());
            for (int r = 0; r < model.users; r++) for (int c = 0; c < oracle.dim; c++) assertEquals(oracle.rep[r][c], u.get(r, c), 0.0);
            for (int r = 0; r < model.items; r++) for (int c = 0; c < oracle.dim; c++) assertEquals(oracle.rep[model.users + r][c], i.get(r, c), 0.0);
        }
    }

    @Test
    void npzHoldsEveryParameterStoredForNumpy() throws Exception {
        Path out = dir.resolve("npz");
        CliTest.Outcome o = run("export", "--checkpoint", model.checkpoint.toString(), "--out", out.toString(), "--format", "npz");
        assertEquals(0, o.code(), o.err());
        assertEquals(List.of("model.npz"), names(out));
        List<String> expected = new ArrayList<>();
        for (String t : oracle.tensorNames()) {
            if (oracle.header.get(t).get("dtype").asString().equals("F32") && !t.equals("representation")) expected.add(t + ".npy");
        }
        assertTrue(expected.size() > 10, "the model's parameters: " + expected);
        expected.addAll(List.of("user_embeddings.npy", "item_embeddings.npy", "user_ids.npy", "item_ids.npy", "seen_row_ptr.npy",
                "seen_items.npy", "metadata.npy"));
        try (ZipFile z = new ZipFile(out.resolve("model.npz").toFile())) {
            List<String> members = new ArrayList<>();
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                members.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), "stored like numpy.savez: " + e.getName());
            }
            assertEquals(expected, members);
        }
        byte[] first = Files.readAllBytes(out.resolve("model.npz"));
        assertEquals(0, run("export", "--checkpoint", model.checkpoint.toString(), "--out", out.toString(), "--format", "NPZ", "--overwrite").code());
        assertArrayEquals(first, Files.readAllBytes(out.resolve("model.npz")), "the same checkpoint gives the same bytes");
    }

    @Test
    void numpyReadsBothFormatsAsTheCheckpointHoldsThem() throws Exception {
        assumeTrue(python("import numpy"), "python3 with numpy is not available");
        Path npy = dir.resolve("npy"), npz = dir.resolve("npz");
        assertEquals(0, run("export", "--checkpoint", model.checkpoint.toString(), "--out", npy.toString()).code());
        assertEquals(0, run("export", "--checkpoint", model.checkpoint.toString(), "--out", npz.toString(), "--format", "npz").code());
        Path script = dir.resolve("check_export.py");
        try (var in = ExportCommandTest.class.getResourceAsStream("/check_export.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder("python3", script.toString(), model.checkpoint.toString(), npy.toString(), npz.resolve("model.npz").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        JsonNode r = JsonMapper.builder().build().readTree(out);
        assertEquals(model.users, r.get("user_ids").asInt());
        assertTrue(r.get("parameters").size() > 10, out);
        JsonNode s = r.get("scores_of_first_user");
        for (int i = 0; i < 3; i++) assertEquals(oracle.score(0, i), s.get(i).asDouble(), 1e-9, "numpy's users[0] @ items[" + i + "]");
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path out = dir.resolve("x");
        assertError(run("export", "--checkpoint", model.checkpoint.toString(), "--out", out.toString(), "--format", "csv"), 2,
                "--format expects one of [npy, npz], got 'csv'");
        assertError(run("export", "--checkpoint", model.checkpoint.toString()), 2, "--out DIR is required");
        Files.createDirectories(out.resolve("model.npz"));
        assertError(run("export", "--checkpoint", model.checkpoint.toString(), "--out", out.toString(), "--format", "npz"), 2,
                "--out: " + out.resolve("model.npz") + " is a folder");
        assertEquals(List.of("model.npz"), names(out));
    }

    /** export, recommend --out and generate keep a file the user already has unless --overwrite; the refusal names it. */
    @Test
    void existingOutputsAreKeptUnlessOverwrite() throws Exception {
        String ck = model.checkpoint.toString();
        Path emb = dir.resolve("emb");
        Files.createDirectories(emb);
        Files.writeString(emb.resolve("item_ids.txt"), "mine\n");
        assertError(run("export", "--checkpoint", ck, "--out", emb.toString()), 2,
                "--out: " + emb.resolve("item_ids.txt") + " exists; pass --overwrite to replace it");
        assertEquals(List.of("item_ids.txt"), names(emb), "nothing else written");
        assertEquals("mine\n", Files.readString(emb.resolve("item_ids.txt")));
        assertEquals(0, run("export", "--checkpoint", ck, "--out", emb.toString(), "--overwrite").code());
        assertEquals(oracle.itemIds, Files.readAllLines(emb.resolve("item_ids.txt"), StandardCharsets.UTF_8));

        Path recs = dir.resolve("recs.tsv");
        Files.writeString(recs, "mine\n");
        assertError(run("recommend", "--checkpoint", ck, "--all-users", "--out", recs.toString()), 2,
                "--out: " + recs + " exists; pass --overwrite to replace it");
        assertEquals("mine\n", Files.readString(recs));
        assertEquals(0, run("recommend", "--checkpoint", ck, "--all-users", "--k", "2", "--out", recs.toString(), "--overwrite").code());
        List<String> lines = Files.readAllLines(recs);
        assertEquals("user\trank\titem\tscore", lines.getFirst());
        assertEquals(1 + 2L * model.users, lines.size());

        Path gen = dir.resolve("gen");
        Files.createDirectories(gen);
        Files.writeString(gen.resolve("tiny.inter"), "mine\n");
        assertError(run("generate", "--preset", "tiny", "--out", gen.toString()), 2,
                "--out: " + gen.resolve("tiny.inter") + " exists; pass --overwrite to replace it");
        assertEquals(List.of("tiny.inter"), names(gen));
        assertEquals(0, run("generate", "--preset", "tiny", "--out", gen.toString(), "--overwrite").code());
        assertNotEquals("mine\n", Files.readString(gen.resolve("tiny.inter")));
    }

    static boolean python(String statement) {
        try {
            Process p = new ProcessBuilder("python3", "-c", statement).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    static List<String> names(Path d) throws java.io.IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
