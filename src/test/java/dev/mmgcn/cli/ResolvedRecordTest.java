package dev.mmgcn.cli;

import dev.mmgcn.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A run's records hold every setting as the run used it — the defaults the model, the data and the machine
 * decided included — and the source revision that made it. The oracles are what the run itself reports
 * elsewhere: the checkpoint's model.* entries (written from the model actually built), the console's
 * "validate every N" and "reg" lines, config.json's system.threads, and git asked now.
 */
class ResolvedRecordTest {
    @TempDir
    Path dir;

    private static final String[] TINY = {"--synthetic", "tiny", "--dim", "8", "--batch", "1024", "--epochs", "1"};

    private static CliTest.Outcome train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(TINY));
        args.addAll(List.of(more));
        args.addAll(List.of("--out", out.toString()));
        return run(args.toArray(String[]::new));
    }

    private static Map<String, Object> json(Path f) throws IOException {
        return Json.read(Files.readString(f));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> m, String... path) {
        Object v = m;
        for (String p : path) v = ((Map<String, Object>) v).get(p);
        return (T) v;
    }

    private static int evalEveryPrinted(String console) {
        Matcher m = Pattern.compile("validate every (\\d+) of the (\\d+) steps").matcher(console);
        assertTrue(m.find(), console);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void defaultsAreRecordedAsTheRunTookThemInEveryRecord() throws Exception {
        Path out = dir.resolve("mmgcn");
        CliTest.Outcome t = train(out);
        assertEquals(0, t.code(), t.err());
        Map<String, Object> config = json(out.resolve("config.json"));
        Map<String, Object> settings = at(config, "settings");
        Checkpoint ck = Checkpoint.read(out.resolve("best.ckpt"));

        assertEquals(Integer.parseInt(ck.get("model.layers")), ((Number) settings.get("layers")).intValue(), "the layers the model was built with");
        Matcher reg = Pattern.compile(", reg ([0-9.E-]+),").matcher(t.out());
        assertTrue(reg.find(), t.out());
        assertEquals(Double.parseDouble(reg.group(1)), ((Number) settings.get("reg")).doubleValue(), 1e-12, "the reg the trainer printed");
        assertEquals(evalEveryPrinted(t.out()), ((Number) settings.get("eval-every")).intValue(), "the interval the trainer chose");
        assertEquals(at(config, "system", "threads"), settings.get("threads"), "the threads the backend used");
        assertNull(settings.get("edge-dropout"), "FREEDOM's own setting does not apply to MMGCN");
        for (String k : List.of("layers", "reg", "eval-every", "threads")) assertNotNull(settings.get(k), k);

        List<?> defaults = (List<?>) config.get("defaults");
        assertTrue(defaults.containsAll(List.of("layers", "reg", "eval-every", "threads", "lr", "seed")), defaults.toString());
        assertFalse(defaults.contains("epochs") || defaults.contains("dim") || defaults.contains("batch"), "given on the command line: " + defaults);

        Map<String, Object> summary = json(out.resolve("summary.json"));
        assertEquals(settings, summary.get("config"), "summary.json holds the same resolved settings");
        assertEquals(defaults, summary.get("defaults"));
        Map<String, Object> fromHeader = new LinkedHashMap<>();
        for (String k : settings.keySet()) fromHeader.put(k, Json.parseValue(ck.get("settings." + k)));
        assertEquals(settings, fromHeader, "and so does the checkpoint");
        assertEquals(defaults, Json.parseValue(ck.get("run.defaults")));
    }

    @Test
    void freedomsDefaultsAreItsOwn() throws Exception {
        Path out = dir.resolve("freedom");
        CliTest.Outcome t = train(out, "--model", "freedom");
        assertEquals(0, t.code(), t.err());
        Map<String, Object> settings = at(json(out.resolve("config.json")), "settings");
        Checkpoint ck = Checkpoint.read(out.resolve("best.ckpt"));
        assertEquals(Integer.parseInt(ck.get("model.layers")), ((Number) settings.get("layers")).intValue());
        assertEquals(Double.parseDouble(ck.get("model.edge_dropout")), ((Number) settings.get("edge-dropout")).doubleValue(), 1e-7);
        Matcher reg = Pattern.compile(", reg ([0-9.E-]+),").matcher(t.out());
        assertTrue(reg.find(), t.out());
        assertEquals(Double.parseDouble(reg.group(1)), ((Number) settings.get("reg")).doubleValue(), 0.0);
    }

    /** A model below the popularity ranking (trained at a learning rate too small to move it): summary.json and the report say so, as the console does. */
    @Test
    void aRunBelowItsBaselinesSaysSoInItsSummaryAndReport() throws Exception {
        Path out = dir.resolve("still");
        CliTest.Outcome t = train(out, "--lr", "1e-7");
        assertEquals(0, t.code(), t.err());
        Map<String, Object> summary = json(out.resolve("summary.json"));
        double valid = ((Number) at(summary, "valid", "recall@20")).doubleValue();
        double pop = ((Number) at(summary, "popularity_valid", "recall@20")).doubleValue();
        double itemOnly = ((Number) at(summary, "item_only_valid", "recall@20")).doubleValue();
        assertTrue(valid < pop, "an untrained model is below popularity: " + valid + " vs " + pop);
        List<?> warnings = (List<?>) summary.get("warnings");
        // a one-epoch run under patience 10 also ended at its budget while still improving: that warning too
        assertEquals(Boolean.TRUE, summary.get("still_improving"));
        assertEquals((valid > itemOnly ? 0 : 1) + 1 + 1, warnings.size(), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.toString().contains("not above the popularity ranking")), warnings.toString());
        assertEquals(!(valid > itemOnly), warnings.stream().anyMatch(w -> w.toString().contains("learned item ranking")), warnings.toString());
        for (Object w : warnings) {
            assertTrue(t.out().contains(w.toString()) || w.toString().contains("learned item ranking"), "the console said it: " + w);
        }
        assertEquals(0, run("report", out.toString()).code());
        String page = Files.readString(out.resolve("report.html"));
        for (Object w : warnings) assertTrue(page.contains(w.toString().replace("'", "&#39;")), "the report shows: " + w);
    }

    /** The case: the same run with its defaults spelled out, and a replay of its config.json, compare as equal. */
    @Test
    void aRunWithItsDefaultsSpelledOutAndItsReplayCompareAsTheSame() throws Exception {
        Path a = dir.resolve("a");
        CliTest.Outcome ta = train(a);
        assertEquals(0, ta.code(), ta.err());
        Path b = dir.resolve("b");
        CliTest.Outcome tb = train(b, "--layers", "2", "--reg", "1e-4", "--eval-every", Integer.toString(evalEveryPrinted(ta.out())), "--threads", "1");
        assertEquals(0, tb.code(), tb.err());
        Path c = dir.resolve("c");
        CliTest.Outcome tc = run("train", "--config", a.resolve("config.json").toString(), "--out", c.toString());
        assertEquals(0, tc.code(), tc.err());
        assertEquals((Object) at(json(a.resolve("summary.json")), "test"), (Object) at(json(c.resolve("summary.json")), "test"), "the replay repeats the run");
        Map<String, Object> replay = json(c.resolve("config.json"));
        assertEquals((Object) at(replay, "system", "threads"), (Object) at(replay, "settings", "threads"), "a defaulted thread count is the replaying machine's");
        assertTrue(((List<?>) replay.get("defaults")).contains("threads"), replay.get("defaults").toString());
        assertEquals(1, ((Number) at(json(b.resolve("config.json")), "settings", "threads")).intValue(), "a given one is kept");

        CliTest.Outcome cmp = run("compare", a.toString(), b.toString(), c.toString(), "--format", "tsv");
        assertEquals(0, cmp.code(), cmp.err());
        List<String> header = List.of(cmp.out().lines().findFirst().orElseThrow().split("\t"));
        assertEquals(List.of("run", "status", "valid recall@20", "test recall@20", "test ndcg@20", "item-only valid", "best epoch", "epochs run",
                        "s/epoch"), header, "no setting differs (threads is the machine's), and one column says epochs: " + cmp.out());
        assertEquals(header.size(), header.stream().distinct().count(), "no two columns share a heading: " + header);
    }

    @Test
    void theSourceRevisionIsInTheRecordsAndTheVersion() throws Exception {
        Path out = dir.resolve("rev");
        assertEquals(0, train(out).code());
        Map<String, Object> config = json(out.resolve("config.json"));
        Map<String, Object> revision = at(config, "source_revision");
        String head = git("rev-parse", "HEAD");
        CliTest.Outcome v = run("--version");
        if (head == null) { // built from a tree without git history
            assertNull(revision.get("commit"));
            assertTrue(v.out().contains("revision unknown"), v.out());
            return;
        }
        assertEquals(head, revision.get("commit"), "the commit the build was made from (the tests run on the build of this tree)");
        assertEquals(!git("status", "--porcelain").isEmpty(), revision.get("modified"));
        assertEquals(revision, at(json(out.resolve("summary.json")), "source_revision"));
        String inCheckpoint = Checkpoint.read(out.resolve("best.ckpt")).get("run.revision");
        assertTrue(inCheckpoint.startsWith(head), inCheckpoint);
        assertEquals(Boolean.TRUE.equals(revision.get("modified")), inCheckpoint.endsWith("(modified)"), inCheckpoint);
        assertTrue(v.out().contains("revision " + head), v.out());
    }

    /** git's answer in the project folder, or null without git or a checkout. */
    static String git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 && Files.isSameFile(Path.of(git0("rev-parse", "--show-toplevel")), Path.of("").toAbsolutePath()) ? out : null;
        } catch (IOException noGit) {
            return null;
        }
    }

    private static String git0(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? out : "/nonexistent";
    }
}
