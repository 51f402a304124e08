package dev.mmgcn.cli;

import dev.mmgcn.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The same seed gives the same bits at every vector width: MMGCN, LightGCN and FREEDOM are trained on
 * the tiny synthetic set in child JVMs with 512-bit (where the CPU has AVX-512), 256-bit and 128-bit
 * vectors, and every tensor of every best.ckpt and last.ckpt — parameters, Adam's moments, the
 * representation — must be equal to the bit, as must the validation history. The widths come from
 * HotSpot's own switches ({@code -XX:MaxVectorSize}, {@code -XX:UseAVX=2}), so any x86 machine checks at
 * least two of them; an AVX2 machine cannot check 512 bits, an AVX-512 machine checks all three.
 */
class VectorWidthTest {
    @TempDir
    Path dir;

    /** The JVM switches for each width this CPU can run, widest first; the first is the JVM's default. */
    static Map<String, List<String>> widths() throws IOException {
        Map<String, List<String>> w = new LinkedHashMap<>();
        boolean avx512 = Files.isReadable(Path.of("/proc/cpuinfo")) && Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
        w.put("native", List.of());
        if (avx512) w.put("256-bit", List.of("-XX:UseAVX=2", "-XX:MaxVectorSize=32"));
        w.put("128-bit", List.of("-XX:MaxVectorSize=16"));
        return w;
    }

    @Test
    void trainingGivesTheSameBitsAtEveryVectorWidth() throws Exception {
        Map<String, Path> runs = new LinkedHashMap<>();
        for (var e : widths().entrySet()) {
            Path out = dir.resolve(e.getKey().replace('-', '_'));
            train(out, e.getValue());
            runs.put(e.getKey(), out);
        }
        Path reference = runs.values().iterator().next();
        List<String> files = new ArrayList<>();
        try (var models = Files.list(reference)) {
            for (Path m : models.filter(Files::isDirectory).sorted().toList()) {
                files.add(reference.relativize(m.resolve("best.ckpt")).toString());
                files.add(reference.relativize(m.resolve("last.ckpt")).toString());
            }
        }
        assertEquals(6, files.size(), "three models, two checkpoints each");
        for (var e : runs.entrySet()) {
            if (e.getValue().equals(reference)) continue;
            for (String f : files) assertSameTensors(reference.resolve(f), e.getValue().resolve(f), e.getKey());
            for (String m : List.of("mmgcn", "lightgcn", "freedom")) {
                List<String> want = metrics(reference.resolve(m)), got = metrics(e.getValue().resolve(m));
                assertEquals(want.size(), got.size(), m + " validations at " + e.getKey());
                for (int i = 0; i < want.size(); i++) assertEquals(want.get(i), got.get(i), m + " validation " + (i + 1) + " at " + e.getKey());
            }
        }
    }

    private static void train(Path out, List<String> flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WidthRun.class.getName(), out.toString()));
        Files.createDirectories(out);
        Path err = out.resolveSibling(out.getFileName() + "-stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.to(err.toFile()));
        pb.environment().put(Relaunch.OPT_OUT, "1");
        pb.environment().put(Terminal.PROGRESS, "off");
        Process p = pb.start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "training at " + flags + " finished");
        assertEquals(0, p.exitValue(), () -> flags + ": " + read(err));
    }

    private static void assertSameTensors(Path a, Path b, String width) throws IOException {
        Map<String, TensorFile.Tensor> ta = TensorFile.read(a).tensors(), tb = TensorFile.read(b).tensors();
        assertEquals(ta.keySet(), tb.keySet(), a + " vs " + b);
        assertFalse(ta.isEmpty());
        for (String name : ta.keySet()) {
            TensorFile.Tensor x = ta.get(name), y = tb.get(name);
            assertEquals(x.data().remaining(), y.data().remaining(), name);
            int size = x.dtype().bytes(), differ = 0;
            for (long e = 0; e < x.elements(); e++) {
                for (int i = 0; i < size; i++) {
                    if (x.data().get(x.data().position() + (int) e * size + i) != y.data().get(y.data().position() + (int) e * size + i)) {
                        differ++;
                        break;
                    }
                }
            }
            int n = differ;
            assertEquals(0, n, () -> a.getParent().getFileName() + "/" + a.getFileName() + " " + name + ": " + n + " of "
                    + x.elements() + " values differ in their bits at " + width);
        }
    }

    /** metrics.jsonl without its timings and run id (the only fields that may differ between runs). */
    private static List<String> metrics(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll("\"(train|eval)_seconds\":[0-9.eE+-]+,?", "").replaceAll(",?\"run_id\":\"[^\"]*\"", "")).toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }
}
