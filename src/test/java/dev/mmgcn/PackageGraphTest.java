package dev.mmgcn;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The package graph of {@code src/main}, read from the sources: every {@code import dev.mmgcn.x.…} (static
 * ones too) and every qualified {@code dev.mmgcn.x.Type} written in code — comments and string literals
 * are left out, so a class loaded by name (Backends loading the CUDA backend reflectively) is no edge.
 * The graph must have no cycle, and every package may depend on the packages {@link #AT_MOST} lists for it
 * and no others (a new package must be placed there first): the low layers stay low ({@code storage} and
 * {@code io} depend on nothing, {@code kernels} on {@code storage} only, {@code cuda} — a backend — on
 * {@code kernels} and {@code storage} only), {@code layers} and {@code model} do not reach up to the
 * optimiser, and nothing below {@code cli} reaches up to it. Model knowledge stays in {@code model}: the
 * command line names no concrete model (no per-model branch, memory formula or header entry).
 */
class PackageGraphTest {
    private static final Path MAIN = Path.of("src/main/java/dev/mmgcn");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.mmgcn\\.([a-z][a-z0-9_]*)\\.[A-Za-z*]");
    /** Each package's permitted dependencies, from the bottom layer up. */
    private static final Map<String, Set<String>> AT_MOST = Map.ofEntries(
            Map.entry("storage", Set.of()),
            Map.entry("io", Set.of()),
            Map.entry("kernels", Set.of("storage")),
            Map.entry("cuda", Set.of("kernels", "storage")),
            Map.entry("check", Set.of("cuda", "kernels", "storage")),
            Map.entry("profile", Set.of("kernels", "storage")),
            Map.entry("tape", Set.of("kernels", "storage")),
            Map.entry("optim", Set.of("kernels", "storage", "tape")),
            Map.entry("layers", Set.of("kernels", "storage", "tape")),
            Map.entry("data", Set.of("io", "storage")),
            Map.entry("eval", Set.of("data", "kernels", "storage")),
            Map.entry("model", Set.of("data", "kernels", "layers", "storage", "tape")),
            Map.entry("train", Set.of("data", "eval", "io", "kernels", "layers", "model", "optim", "profile", "storage", "tape")),
            Map.entry("settings", Set.of("eval", "io", "layers", "model", "train")),
            Map.entry("runs", Set.of("data", "io", "settings")),
            Map.entry("api", Set.of("data", "eval", "kernels", "storage", "train")),
            Map.entry("serving", Set.of("api")),
            Map.entry("cli", Set.of("api", "data", "eval", "io", "kernels", "model", "profile", "runs", "serving", "settings", "storage",
                    "tape", "train")));
    /** A concrete model or its settings named in code; {@code MmgcnConfig.defaults()} (bench's choice of model to time) is allowed. */
    private static final Pattern CONCRETE_MODEL = Pattern.compile("\\b(Mmgcn|LightGcn|Freedom)(Config)?\\b(?!\\.defaults\\(\\))");

    /** package → the other packages its sources refer to, each with one file that does (for messages). */
    static Map<String, Map<String, String>> graph() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "no " + MAIN.toAbsolutePath() + ": run from the project root");
        Map<String, Map<String, String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                Map<String, String> out = g.computeIfAbsent(pkg, p -> new TreeMap<>());
                Matcher m = REFERENCE.matcher(code(Files.readString(f)));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg)) out.putIfAbsent(target, MAIN.relativize(f).toString());
                }
            }
        }
        return g;
    }

    /** The source without comments, string and char literals, and its package line. */
    static String code(String src) {
        StringBuilder sb = new StringBuilder(src.length());
        int i = 0, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && src.charAt(i) != c) i += src.charAt(i) == '\\' ? 2 : 1;
                i++;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString().replaceFirst("(?m)^\\s*package\\s+[\\w.]+\\s*;", "");
    }

    @Test
    void theReaderSeesImportsAndQualifiedNamesButNotCommentsOrStrings() {
        String src = """
                package dev.mmgcn.a;
                import dev.mmgcn.b.B;
                import static dev.mmgcn.c.C.f;
                // dev.mmgcn.d.D in a comment
                /** {@link dev.mmgcn.e.E} */
                class A { Object x = new dev.mmgcn.f.F(); String s = "dev.mmgcn.g.G"; }
                """;
        Matcher m = REFERENCE.matcher(code(src));
        List<String> found = new ArrayList<>();
        while (m.find()) found.add(m.group(1));
        assertEquals(List.of("b", "c", "f"), found);
    }

    @Test
    void noCycles() throws IOException {
        Map<String, Map<String, String>> g = graph();
        assertTrue(g.size() >= 10, "read only " + g.keySet());
        // depth-first search; a back edge closes a cycle, reported with the files that make it
        Map<String, Integer> state = new TreeMap<>();
        for (String start : g.keySet()) {
            List<String> cycle = visit(g, start, state, new ArrayList<>());
            if (cycle != null) {
                StringBuilder sb = new StringBuilder("package cycle " + String.join(" → ", cycle) + ":");
                for (int k = 0; k + 1 < cycle.size(); k++) {
                    sb.append("\n  ").append(cycle.get(k)).append(" → ").append(cycle.get(k + 1)).append(" in ")
                            .append(g.get(cycle.get(k)).get(cycle.get(k + 1)));
                }
                fail(sb.toString());
            }
        }
    }

    private static List<String> visit(Map<String, Map<String, String>> g, String p, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) return null;
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(p), path.size()));
            cycle.add(p);
            return cycle;
        }
        state.put(p, 1);
        path.add(p);
        for (String q : g.getOrDefault(p, Map.of()).keySet()) {
            List<String> c = visit(g, q, state, path);
            if (c != null) return c;
        }
        path.removeLast();
        state.put(p, 2);
        return null;
    }

    @Test
    void everyPackageDependsOnlyOnWhatItsLayerAllows() throws IOException {
        Map<String, Map<String, String>> g = graph();
        assertEquals(new TreeSet<>(AT_MOST.keySet()), new TreeSet<>(g.keySet()), "every package, and only those, has its place in AT_MOST");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Set<String>> rule : AT_MOST.entrySet()) {
            Set<String> extra = new TreeSet<>(g.get(rule.getKey()).keySet());
            extra.removeAll(rule.getValue());
            for (String e : extra) wrong.add(rule.getKey() + " → " + e + " (in " + g.get(rule.getKey()).get(e) + ")");
        }
        assertTrue(wrong.isEmpty(), "dependencies above the layer: " + wrong);
    }

    /** The permitted edges themselves form no cycle, so a package cannot be allowed to reach back up through another. */
    @Test
    void thePermittedLayersHaveNoCycle() {
        Map<String, Map<String, String>> permitted = new TreeMap<>();
        AT_MOST.forEach((p, deps) -> {
            Map<String, String> out = new TreeMap<>();
            for (String d : deps) out.put(d, "AT_MOST");
            permitted.put(p, out);
        });
        Map<String, Integer> state = new TreeMap<>();
        for (String start : permitted.keySet()) {
            List<String> cycle = visit(permitted, start, state, new ArrayList<>());
            assertEquals(null, cycle, "AT_MOST permits the cycle " + cycle);
        }
    }

    @Test
    void theCommandLineNamesNoConcreteModel() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve("cli"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                // the uses are what counts: an import alone names what a use names again
                Matcher m = CONCRETE_MODEL.matcher(code(Files.readString(f)).replaceAll("(?m)^\\s*import\\s+[\\w.]+\\s*;", ""));
                while (m.find()) found.add(MAIN.relativize(f) + ": " + m.group());
            }
        }
        assertEquals(List.of(), found, "model knowledge belongs in the model package (ModelConfig, Models, RecModel)");
    }

    @Test
    void theModelRuleSeesNamesButNotTheDefaults() {
        String src = "class A { Object a = MmgcnConfig.defaults(); boolean b = c instanceof LightGcnConfig; Freedom f; Mmgcns x; }";
        Matcher m = CONCRETE_MODEL.matcher(code(src));
        List<String> found = new ArrayList<>();
        while (m.find()) found.add(m.group());
        assertEquals(List.of("LightGcnConfig", "Freedom"), found);
    }
}
