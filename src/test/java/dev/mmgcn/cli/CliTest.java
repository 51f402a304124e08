package dev.mmgcn.cli;

import dev.mmgcn.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The command line end to end on the tiny synthetic set, and its one-line errors. */
class CliTest {
    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainAndBenchProfile(@TempDir Path dir) {
        Outcome t = run("train", "--synthetic", "tiny", "--epochs", "1", "--batch", "512", "--dim", "16", "--profile",
                "--out", dir.resolve("run").toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("profile  epoch 1: train "), t.out());
        assertTrue(t.out().contains(" host reads, "), t.out());
        assertTrue(t.out().contains("adamStep ×1 "), "one multi-tensor Adam call per step: " + t.out());
        String config = assertDoesNotThrow(() -> Files.readString(dir.resolve("run").resolve("config.json")));
        String settings = config.substring(config.indexOf("\"settings\" : {"), config.indexOf("\"data\" : {"));
        assertFalse(settings.contains("profile"), "--profile observes a run; it is not one of its settings: " + settings);
        Outcome b = run("bench", "--backends", "vector", "--seconds", "0.05", "--nodes", "2000", "--nnz", "20000", "--profile",
                "--synthetic", "tiny", "--epochs", "1");
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("profile  epoch 1: train "), b.out());
    }

    @Test
    void trainEvaluateRecommend(@TempDir Path dir) throws Exception {
        Path runDir = dir.resolve("run");
        Outcome t = run("train", "--synthetic", "tiny", "--epochs", "2", "--batch", "512", "--dim", "16", "--eval-every", "4", "--out", runDir.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("best epoch"), t.out());
        assertTrue(t.out().contains("pop. test"), "the summary sets popularity beside the model");
        List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        List<String> ends = lines.stream().filter(l -> l.contains("\"end_of_epoch\":true")).toList();
        assertEquals(2, ends.size(), "one JSON line per epoch's end");
        assertTrue(lines.size() > 2, "and one per validation inside an epoch (--eval-every 4)");
        assertTrue(lines.get(0).startsWith("{\"epoch\":1,\"step\":"), lines.get(0));
        assertTrue(lines.get(0).contains("\"recall@20\":"));
        assertTrue(Files.readString(runDir.resolve("summary.json")).contains("\"popularity_test\""));
        assertTrue(ends.get(0).contains("\"item_only_valid\":{"), "each epoch records the item-only check");
        assertTrue(t.out().contains("personalisation at the best step"), t.out());
        Path ckpt = runDir.resolve("best.ckpt");
        Checkpoint ck = Checkpoint.read(ckpt);
        String bestRecall = ck.get("test.recall@20");

        Outcome e = run("evaluate", "--checkpoint", ckpt.toString());
        assertEquals(0, e.code(), e.err());
        String row = e.out().lines().filter(l -> l.startsWith("recall@20")).findFirst().orElseThrow();
        assertEquals(Double.parseDouble(bestRecall), Double.parseDouble(row.trim().split("\\s+")[1]), 5e-5,
                "evaluate reproduces the test metric recorded at the best epoch");

        Path recs = dir.resolve("recs.tsv");
        Outcome r = run("recommend", "--checkpoint", ckpt.toString(), "--users", "0,7", "--k", "5", "--out", recs.toString());
        assertEquals(0, r.code(), r.err());
        List<String> rec = Files.readAllLines(recs);
        assertEquals("user\trank\titem\tscore", rec.get(0));
        assertEquals(11, rec.size());
        assertTrue(rec.get(1).startsWith("0\t1\t"));

        Path emb = dir.resolve("emb");
        assertEquals(0, run("export", "--checkpoint", ckpt.toString(), "--out", emb.toString()).code());
        Path gen = dir.resolve("gen");
        assertEquals(0, run("generate", "--preset", "tiny", "--out", gen.toString()).code());
        for (Path f : List.of(recs, emb.resolve("user_embeddings.npy"), emb.resolve("item_embeddings.npy"), gen.resolve("tiny.inter"),
                gen.resolve("visual_feat.npy"), ckpt, runDir.resolve("summary.json"))) {
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                    "every output gets the same mode: " + f);
        }
    }

    @Test
    void dataWithoutValidationSaysSoAndMakesNoPersonalisationClaim(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("generate", "--preset", "tiny", "--name", "noval", "--out", data.toString()).code());
        Path inter = data.resolve("noval.inter");
        List<String> rows = Files.readAllLines(inter);
        List<String> kept = new java.util.ArrayList<>(List.of(rows.get(0)));
        for (String row : rows.subList(1, rows.size())) if (!row.endsWith("\t1")) kept.add(row);
        assertTrue(kept.size() < rows.size(), "the generated data had validation rows to drop");
        Files.write(inter, kept);
        Outcome t = run("train", "--data", data.toString(), "--epochs", "2", "--batch", "512", "--dim", "16",
                "--out", dir.resolve("run").toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("no validation interactions"), t.out());
        assertFalse(t.out().contains("personalisation at the best step"), "nothing to compare without validation users");
    }

    @Test
    void lightGcnAndFreedomShareTrainEvaluateRecommendExport(@TempDir Path dir) throws Exception {
        for (String model : List.of("lightgcn", "freedom")) {
            Path runDir = dir.resolve(model);
            Outcome t = run("train", "--model", model, "--synthetic", "tiny", "--epochs", "2", "--batch", "512", "--dim", "16",
                    "--lr", "0.01", "--out", runDir.toString());
            assertEquals(0, t.code(), t.err());
            String label = model.equals("lightgcn") ? "LightGCN" : "FREEDOM";
            assertTrue(t.out().contains("model    " + label), t.out());
            assertTrue(t.out().contains(label + " test"), "the summary names the model");
            Path ckpt = runDir.resolve("best.ckpt");
            Checkpoint ck = Checkpoint.read(ckpt);
            assertEquals(model, ck.get("model.type"));
            Outcome e = run("evaluate", "--checkpoint", ckpt.toString());
            assertEquals(0, e.code(), e.err());
            String row = e.out().lines().filter(l -> l.startsWith("recall@20")).findFirst().orElseThrow();
            assertEquals(Double.parseDouble(ck.get("test.recall@20")), Double.parseDouble(row.trim().split("\\s+")[1]), 5e-5,
                    model + ": evaluate rebuilds the model and reproduces the best step's test metric");
            Outcome r = run("recommend", "--checkpoint", ckpt.toString(), "--users", "3", "--k", "4");
            assertEquals(0, r.code(), r.err());
            assertEquals(5, r.out().strip().lines().count(), r.out());
            Outcome x = run("export", "--checkpoint", ckpt.toString(), "--out", dir.resolve(model + "-emb").toString());
            assertEquals(0, x.code(), x.err());
        }
        Outcome f = run("train", "--model", "freedom", "--synthetic", "tiny", "--epochs", "1", "--batch", "512", "--dim", "8",
                "--knn-weights", "visual=0.5,textual=0.5", "--edge-dropout", "0.9", "--out", dir.resolve("f2").toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().contains("visual 0.5, textual 0.5"), f.out());
        assertTrue(f.out().contains("90% of its"), f.out());
    }

    @Test
    void wordBagModalityIsUsedByMmgcn(@TempDir Path dir) {
        Path toy = Path.of("../shared/data/mmgcn-toy/tiktok");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(toy), "shared toy data not present");
        Outcome t = run("train", "--data", toy.toString(), "--epochs", "1", "--dim", "16", "--word-dim", "8", "--out", dir.resolve("run").toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("word-bag modalities"), t.out());
        assertFalse(t.out().contains("left out") || t.err().contains("left out"), t.err());
        Outcome e = run("evaluate", "--checkpoint", dir.resolve("run/best.ckpt").toString());
        assertEquals(0, e.code(), e.err());
        Outcome f = run("train", "--model", "freedom", "--data", toy.toString(), "--epochs", "1", "--dim", "8", "--out", dir.resolve("f").toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().contains("FREEDOM builds its item graph from dense features, so it is left out"), f.out());
    }

    @Test
    void modelFlagErrors() {
        assertError(run("train", "--model", "bert"), 2, "--model expects one of [mmgcn, lightgcn, freedom]");
        assertError(run("train", "--model", "lightgcn", "--aggregation", "max"), 2, "--aggregation applies to --model mmgcn only");
        assertError(run("train", "--knn-k", "5"), 2, "--knn-k applies to --model freedom only");
        assertError(run("train", "--model", "freedom", "--init", "normal"), 2, "--init applies to --model lightgcn only");
        assertError(run("train", "--model", "freedom", "--edge-dropout", "1"), 2, "--edge-dropout must be in [0, 1)");
        assertError(run("train", "--model", "freedom", "--knn-weights", "visual"), 2, "--knn-weights expects NAME=WEIGHT");
        assertError(run("train", "--model", "freedom", "--synthetic", "tiny", "--knn-weights", "visual=1"), 2,
                "--knn-weights gives no weight for modality textual");
        assertError(run("train", "--eval-every", "0"), 2, "--eval-every must be at least 1");
    }

    @Test
    void badInputGivesOneLineAndNonZeroExit(@TempDir Path dir) {
        assertError(run("train", "--epohcs", "3"), 2, "unknown option --epohcs");
        assertError(run("train", "--epochs", "zero"), 2, "--epochs expects an integer");
        assertError(run("train", "--epochs", "0"), 2, "--epochs must be at least 1");
        assertError(run("train", "--aggregation", "median"), 2, "--aggregation expects one of [mean, max, sum]");
        assertError(run("train", "--synthetic", "huge"), 2, "--synthetic expects one of [default, tiny, movielens, tiktok, kwai], got 'huge'");
        assertError(run("train", "--device", "tpu"), 2, "--device expects one of [cpu, cuda, auto, scalar, vector], got 'tpu'");
        assertError(run("train", "--synthetic", "tiny", "--modalities", "smell"), 2, "no modality 'smell'");
        assertError(run("evaluate"), 2, "--checkpoint FILE is required");
        assertError(run("evaluate", "--checkpoint", dir.resolve("missing.ckpt").toString()), 2, "--checkpoint: " + dir.resolve("missing.ckpt") + " does not exist");
        assertError(run("frobnicate"), 2, "unknown command 'frobnicate'");
    }

    /** README's table, the help footer and the codes the commands use are one list. */
    @Test
    void exitCodesAreDocumentedOnceAndTheSameEverywhere() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md")).stream().filter(l -> l.matches("\\| [0-9] \\| .*")).toList();
        List<String> help = Main.EXIT_CODES.lines().filter(l -> l.matches(" +[0-9] .*")).toList();
        assertEquals(7, readme.size(), "README's exit code table: " + readme);
        assertEquals(help.size(), readme.size());
        for (int k = 0; k < help.size(); k++) {
            String h = help.get(k).trim();
            String r = readme.get(k).replace("`", "");
            assertEquals(h.substring(0, 1), r.substring(2, 3));
            assertEquals(h.substring(1).trim(), r.substring(r.indexOf('|', 2) + 1, r.lastIndexOf('|')).trim());
        }
        int[] used = {Failure.INTERNAL, Failure.USAGE, Failure.DATA, Failure.IO, Failure.MEMORY, Failure.DIVERGED};
        for (int c : used) assertTrue(help.stream().anyMatch(l -> l.trim().startsWith(c + " ")), "code " + c + " documented");
        assertTrue(run("info", "--help").out().contains("Exit codes:") || run("train", "--help").out().contains("Exit codes:"));
    }

    @Test
    void versionAndHelpOnEveryCommand() {
        CliTest.Outcome v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("mmgcn-engine " + Version.get()), v.out());
        for (String c : List.of("train", "evaluate", "recommend", "serve", "export", "convert", "generate", "info", "bench")) {
            CliTest.Outcome h = run(c, "--help");
            assertEquals(0, h.code(), c);
            assertTrue(h.out().startsWith("Usage: mmgcn-engine " + c), c + ": " + h.out());
            assertEquals(0, run(c, "-h").code());
            assertEquals(0, run(c, "--version").code());
        }
    }

    /** The top --help lists every command with its description's whole first sentence, not a line cut mid-sentence. */
    @Test
    void topHelpListsEveryCommandWithAWholeSentence() {
        CliTest.Outcome h = run("--help");
        assertEquals(0, h.code());
        String list = h.out().substring(h.out().indexOf("Commands:"), h.out().indexOf("Exit codes:")).replaceAll("\\s+", " ");
        for (String c : List.of("train", "evaluate", "recommend", "serve", "export", "convert", "generate", "info", "bench")) {
            assertTrue(list.contains(" " + c + " "), c + " listed: " + list);
        }
        assertTrue(list.contains(" train Trains MMGCN, LightGCN or FREEDOM (--model) with BPR, validates during and after every epoch, keeps the best validated step's checkpoint and reports its test metrics. evaluate "), list);
        assertTrue(list.contains("own ids (as written in the training data's files). serve "), list);
        assertTrue(list.contains(" convert Converts a version-1 checkpoint (MMGCNCK1, written before checksums, ids and training items were kept) to the current format. generate "), list);
        assertEquals("no end at all", CommandList.firstSentence(new String[] {"no end", " at  all "}));
        assertEquals("One.", CommandList.firstSentence(new String[] {"One.", "Two."}));
        assertEquals("Cut at a colon", CommandList.firstSentence(new String[] {"Cut at a colon: the rest", "x"}));
        assertEquals("v1.2 stays whole.", CommandList.firstSentence(new String[] {"v1.2 stays", "whole. Next"}));
    }

    @Test
    void argumentFilesAreRead(@TempDir Path dir) throws Exception {
        Path args = dir.resolve("args.txt");
        Files.writeString(args, "--synthetic tiny\n--epochs 0\n");
        assertError(run("train", "@" + args), 2, "--epochs must be at least 1, got 0");
    }

    @Test
    void cudaWithoutGpuIsAClearError() {
        String why = dev.mmgcn.cuda.CudaKernels.probe();
        org.junit.jupiter.api.Assumptions.assumeFalse(why.isEmpty(), "a GPU is usable here: --device cuda trains (the GPU check runs it)");
        Outcome o = run("train", "--synthetic", "tiny", "--device", "cuda");
        assertError(o, 2, "--device cuda: " + why);
    }

    @Test
    void infoNamesBackend() {
        Outcome o = run("info");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("cpu backend"), o.out());
        assertTrue(o.out().contains("gpu"), o.out());
    }

    static void assertError(Outcome o, int code, String fragment) {
        assertEquals(code, o.code(), () -> "exit code; stderr: " + o.err());
        assertTrue(o.err().startsWith("error: "), o.err());
        assertTrue(o.err().contains(fragment), () -> "expected '" + fragment + "' in: " + o.err());
        assertEquals(1, o.err().strip().lines().count(), () -> "one line only: " + o.err());
    }

    @Test
    void benchRefusesAVectorWidthThisJvmDoesNotRun() {
        int actual = InfoCommand.vectorBits();
        String other = actual == 128 ? "256" : "128";
        Outcome b = run("bench", "--backends", "vector", "--seconds", "0.05", "--vector-bits", other);
        assertEquals(2, b.code(), b.err());
        assertTrue(b.err().contains("this JVM runs " + actual + "-bit vectors") && b.err().contains("-XX:"), b.err());
        assertEquals(2, run("bench", "--vector-bits", "64").code());
    }

    @Test
    void aRunEndingAtItsBudgetWhileImprovingSaysSo(@TempDir Path dir) throws Exception {
        // 2 epochs with patience 10: the best validation is at most 2 epochs before the end, so early stopping
        // could not have ended it — flagged; with patience 1 and a best step in the last epoch, flagged too; a run
        // that stops early is not
        Path improving = dir.resolve("a");
        Outcome t = run("train", "--synthetic", "tiny", "--epochs", "2", "--dim", "8", "--out", improving.toString());
        assertEquals(0, t.code(), t.err());
        Map<String, Object> s = dev.mmgcn.runs.RunJson.readObject(improving.resolve("summary.json"));
        int best = ((Number) s.get("best_epoch")).intValue();
        assertEquals(Boolean.TRUE, s.get("still_improving"), "best at epoch " + best + " of 2, patience 10");
        @SuppressWarnings("unchecked") List<String> warnings = (List<String>) s.get("warnings");
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("still improving at the budget: the best validation came at epoch " + best + " of 2")),
                warnings.toString());
        assertTrue(t.out().contains("warning: still improving at the budget"), t.out());
        Path stopped = dir.resolve("b");
        Outcome u = run("train", "--synthetic", "tiny", "--epochs", "30", "--patience", "1", "--lr", "0.05", "--dim", "8", "--out", stopped.toString());
        assertEquals(0, u.code(), u.err());
        Map<String, Object> v = dev.mmgcn.runs.RunJson.readObject(stopped.resolve("summary.json"));
        assertEquals(Boolean.TRUE, v.get("stopped_early"), "a high learning rate overfits the tiny set within 30 epochs");
        assertEquals(Boolean.FALSE, v.get("still_improving"));
        assertFalse(u.out().contains("still improving"), u.out());
    }
}
