package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.storage.HostScope;
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

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A checkpoint is read by Python without our code: safetensors.numpy when installed, else numpy and
 * the published layout. The values are checked against the ones put in, not against our reader.
 */
class CheckpointPythonTest {
    @Test
    void pythonReadsEveryPart(@TempDir Path dir) throws Exception {
        assumeTrue(python("import numpy"), "python3 with numpy is not available");
        Path script = dir.resolve("read_checkpoint.py");
        try (var in = CheckpointPythonTest.class.getResourceAsStream("/read_checkpoint.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path f = dir.resolve("m.ckpt");
        try (Dataset d = CheckpointTest.handMade(new HostScope())) {
            CheckpointTest.small(d).write(f);
        }
        Process p = new ProcessBuilder("python3", script.toString(), f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        JsonNode r = JsonMapper.builder().build().readTree(out);
        System.out.println("checkpoint read in Python by " + r.get("reader").asString());
        if (python("import safetensors")) assertEquals("safetensors", r.get("reader").asString());

        JsonNode t = r.get("tensors");
        assertEquals("float32", t.get("a").get("dtype").asString());
        assertEquals(List.of(2, 3), ints(t.get("a").get("shape")));
        List<Double> a = doubles(t.get("a").get("values"));
        for (int i = 0; i < 6; i++) assertEquals(i + 0.25, a.get(i), 0.0);
        assertEquals(List.of(-1.0, (double) 3e-8f), doubles(t.get("b.bias").get("values")));
        List<Double> rep = doubles(t.get(Checkpoint.REPRESENTATION).get("values"));
        assertEquals(List.of(7, 2), ints(t.get(Checkpoint.REPRESENTATION).get("shape")));
        for (int i = 0; i < 14; i++) assertEquals((double) (float) Math.sin(i), rep.get(i), 0.0);
        assertEquals("int32", t.get("seen.row_ptr").get("dtype").asString());
        assertEquals(List.of(0, 2, 3, 4), ints(t.get("seen.row_ptr").get("values")));
        assertEquals(List.of(1, 3, 0, 2), ints(t.get("seen.items").get("values")));
        assertEquals(List.of("alice", "bob", "čarol"), strings(r.get("users")));
        assertEquals(List.of("i-10", "i-20", "i-30", "i-40"), strings(r.get("items")));
        JsonNode m = r.get("metadata");
        assertEquals(Checkpoint.FORMAT, m.get("format").asString());
        assertEquals("2", m.get("format.version").asString());
        assertEquals("2", m.get("model.dim").asString());
        assertEquals("ünïcode = and : and \"quotes\"", m.get("note").asString());
        assertEquals("3", m.get("fingerprint.users").asString());
    }

    private static boolean python(String statement) {
        try {
            Process p = new ProcessBuilder("python3", "-c", statement).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<Double> doubles(JsonNode a) {
        List<Double> out = new ArrayList<>();
        for (JsonNode v : a) out.add(v.asDouble());
        return out;
    }

    private static List<Integer> ints(JsonNode a) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode v : a) out.add(v.asInt());
        return out;
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : a) out.add(v.asString());
        return out;
    }
}
